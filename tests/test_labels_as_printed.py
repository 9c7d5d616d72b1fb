"""Labels as printed, captions apart from their tables (issue 14, items 3, 4 and 7).

Each real quirk is rebuilt with invented numbers: a label with a character dropped or changed, a caption at
the foot of one page and its rows on the next, rows of two 第二十条 items under one header. The invariant: a
row is mapped only when exactly one template row fits; otherwise its numbers stay in ``unmapped``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ogi.extractors.text import parse
from ogi.schema import labels as L
from ogi.schema.label_fuzzy import fuzzy_match, numbering, t2_index, t3_index
from ogi.schema.recognize import recognize
from ogi.schema.template import load

T3_HEADER = [
    "| 本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 | 申请人情况 | | | | | | |",
    "|---|---|---|---|---|---|---|---|",
    "| | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
]


def _row(label: str, values: list[int] | None) -> str:
    cells = [str(v) for v in values] if values is not None else [""] * 7
    return "| " + label + " | " + " | ".join(cells) + " |"


def _t3(rows: list[tuple[str, list[int] | None]]) -> dict[str, object]:
    rec = recognize(parse("\n".join(T3_HEADER + [_row(lbl, v) for lbl, v in rows]) + "\n", "text_plain"))
    return {"cells": rec.cells, "unmapped": rec.unmapped}


def _vals(cells: dict, row: str) -> list[float | None]:  # type: ignore[type-arg]
    cols = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org"]
    cols += ["legal_service_org", "other_org", "total"]
    return [cells[f"t3.{row}.{c}"].value if f"t3.{row}.{c}" in cells else None for c in cols]


def test_a_label_with_a_character_dropped_maps_by_group_and_number() -> None:
    """「2.其他法律行政止公开」 as printed in a published PDF (法规禁 lost)."""
    got = _t3(
        [
            ("（三）不予公开", None),
            ("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
            ("2.其他法律行政止公开", [4, 1, 0, 0, 0, 0, 5]),
            ("3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0, 0]),
        ]
    )
    cells = got["cells"]
    assert _vals(cells, "denied_other_law") == [4, 1, 0, 0, 0, 0, 5]  # type: ignore[arg-type]
    loc = cells["t3.denied_other_law.total"].locator  # type: ignore[index]
    assert loc["label_match"] == "fuzzy" and loc["label"] == "2.其他法律行政止公开"
    assert cells["t3.denied_state_secret.total"].locator["label_match"] == "exact"  # type: ignore[index]
    assert not got["unmapped"]


def test_normalised_and_exact_are_told_apart() -> None:
    got = _t3([("（一）予以公开", [1, 0, 0, 0, 0, 0, 1]), ("(二)部分公开", [2, 0, 0, 0, 0, 0, 2])])
    cells = got["cells"]
    assert cells["t3.granted.total"].locator["label_match"] == "exact"  # type: ignore[index]
    loc = cells["t3.partially_granted.total"].locator  # type: ignore[index]
    assert loc["label_match"] == "normalised" and loc["label"] == "(二)部分公开"


def test_a_misprinted_label_two_rows_could_fit_stays_unmapped() -> None:
    """「1.属于」 is the start of three rows of （三）: no choice is made between them."""
    got = _t3([("（三）不予公开", None), ("5.属于三类事务", [3, 0, 0, 0, 0, 0, 3]), ("属于类", [1] * 7)])
    cells = got["cells"]
    assert _vals(cells, "denied_internal_affairs") == [3, 0, 0, 0, 0, 0, 3]  # type: ignore[arg-type]
    assert not any(c.value == 1 for c in cells.values())  # type: ignore[attr-defined]
    assert len(got["unmapped"]) == 1  # type: ignore[arg-type]


def test_a_wrong_number_never_names_a_row() -> None:
    """The numbering must agree: 「3.其他法律行政法规禁公开」 is numbered as 危及“三安全一稳定”."""
    t = load()
    assert fuzzy_match(t3_index(t), "3.其他法律行政法规禁公开", ["denied", "results", None]) is None
    assert fuzzy_match(t3_index(t), "2.其他法律行政法规禁公开", ["denied", "results", None]) is not None


def test_numbering() -> None:
    assert numbering("（三）不予公开") == 3
    assert numbering("三、（一）予以公开") == 1
    assert numbering("十二、其他") == 12
    assert numbering("②重复申请") == 2
    assert numbering("规章") is None


def test_the_index_is_built_once_per_template() -> None:
    t = load()
    assert t3_index(t) is t3_index(t) and t2_index(t) is t2_index(t)


# -- property: perturbed labels never put a number in a wrong row -------------------------------------

_ROWS = [r for r in load().t3_rows if r.data and r.versions == ("2021", "2019")]


@st.composite
def _perturbed(draw: st.DrawFn) -> tuple[str, str, str | None]:
    row = draw(st.sampled_from(_ROWS))
    text = L.strip_numbering(row.label)
    n = numbering(row.label)
    kind = draw(st.sampled_from(["drop", "substitute", "truncate", "insert"]))
    i = draw(st.integers(0, len(text) - 1))
    ch = draw(st.sampled_from("的一是不了在人有我他这中大来上国个到说们为子和你地出道也时年"))
    if kind == "drop":
        text = text[:i] + text[i + 1 :]
    elif kind == "substitute":
        text = text[:i] + ch + text[i + 1 :]
    elif kind == "insert":
        text = text[:i] + ch + text[i:]
    else:
        text = text[: max(i, 1)]
    prefix = draw(st.sampled_from(["", f"{n}." if n and row.group not in (None, "results") else ""]))
    return row.key, prefix + text, row.group


@given(_perturbed())
def test_perturbed_labels_map_to_their_row_or_to_none(case: tuple[str, str, str | None]) -> None:
    key, text, group = case
    t = load()
    scopes: list[str | None] = [None, "results"] + ([group] if group else [])
    if group and t.t3_row(group).group:
        scopes.append(t.t3_row(group).group)
    found = fuzzy_match(t3_index(t), text, scopes)
    if found is not None:
        keyword, _s = L.match_t3_row(t, text, group)
        # Fuzzy is tried only when no keyword rule names the row; when it answers, it is the right row.
        assert found.key == key or keyword is not None, (text, found.key, key)


# -- table 二: captions and tables apart ----------------------------------------------------------------


def _t2(md: str) -> dict[str, float | None]:
    rec = recognize(parse(md, "text_plain"))
    return {k: c.value for k, c in rec.cells.items() if k.startswith("t2.")}


FIVE_SIX = {
    "t2.art20_5.admin_license.decisions": 35.0,
    "t2.art20_6.admin_penalty.decisions": 78.0,
    "t2.art20_6.admin_coercion.decisions": 2.0,
}


def test_rows_of_two_items_under_one_header_and_caption() -> None:
    md = """二、主动公开政府信息情况

| 第二十条第（五）项 | |
|---|---|
| 信息内容 | 本年处理决定数量 |
| 行政许可 | 35 |
| 行政处罚 | 78 |
| 行政强制 | 2 |
"""
    assert _t2(md) == FIVE_SIX


def test_a_caption_at_the_foot_of_a_page_and_its_rows_on_the_next() -> None:
    """The caption of （六） ends page 1 (the last row of （五）'s table); its rows open page 2 without a
    header: （五）'s header names the same column, so it is read with it."""
    md = """| 第二十条第（五）项 | |
|---|---|
| 信息内容 | 本年处理决定数量 |
| 行政许可 | 35 |
| 第二十条第（六）项 | |

| 行政处罚 | 78 |
| 行政强制 | 2 |
"""
    assert _t2(md) == FIVE_SIX


def test_rows_under_a_header_of_other_columns_stay_unmapped() -> None:
    """（八）'s rows under （一）'s three columns: the columns are not （八）'s, nothing is guessed."""
    md = """| 第二十条第（一）项 | | | |
|---|---|---|---|
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 1 | 0 | 9 |
| 行政事业性收费 | 5 | 6 | 7 |
"""
    got = _t2(md)
    assert got == {
        "t2.art20_1.rules.issued": 1.0,
        "t2.art20_1.rules.repealed": 0.0,
        "t2.art20_1.rules.in_force": 9.0,
    }


def test_a_misprinted_table2_label_maps_in_its_item() -> None:
    md = """| 第二十条第（六）项 | |
|---|---|
| 信息内容 | 本年处理决定数量 |
| 行政处 罚 | 78 |
| 行攻强制 | 2 |
"""
    rec = recognize(parse(md, "text_plain"))
    assert {k: c.value for k, c in rec.cells.items() if k.startswith("t2.")} == {
        "t2.art20_6.admin_penalty.decisions": 78.0,
        "t2.art20_6.admin_coercion.decisions": 2.0,
    }
    assert rec.cells["t2.art20_6.admin_coercion.decisions"].locator["label_match"] == "fuzzy"
    assert json.dumps(rec.cells["t2.art20_6.admin_penalty.decisions"].locator, ensure_ascii=False)


@pytest.mark.parametrize("label", ["规范性文件", "行政规范性文件"])
def test_the_2019_label_in_a_2021_table(label: str) -> None:
    md = f"""| 第二十条第（一）项 | | | |
|---|---|---|---|
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 1 | 0 | 9 |
| {label} | 4 | 2 | 30 |
"""
    got = _t2(md)
    assert got["t2.art20_1.normative_docs.in_force"] == 30.0


def test_ogi_show_marks_fuzzy_rows(tmp_path: Path) -> None:
    from ogi.analysis.show import FUZZY_MARK, render
    from ogi.run.options import RunOptions
    from ogi.run.pipeline import run

    src = tmp_path / "report.md"
    lines = ["某县统计局2022年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", *T3_HEADER]
    lines += [
        _row("（三）不予公开", None),
        _row("1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
        _row("2.其他法律行政止公开", [4, 1, 0, 0, 0, 0, 5]),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run([str(src)], RunOptions(out=out))
    text = render(out, str(src))
    assert f"{FUZZY_MARK}t3.denied_other_law  printed '2.其他法律行政止公开'" in text
    assert f"{FUZZY_MARK}2.其他法律行政法规禁止公开" in text
    assert f"{FUZZY_MARK}1.属于国家秘密" not in text
