"""Recognition: tables found by content, rows and columns mapped by label, values aligned safely."""

from __future__ import annotations

from ogi.extractors.model import Cell, Document, Paragraph, Table
from ogi.schema.recognize import recognize
from ogi.schema.report import interpret
from ogi.schema.template import load

T = load()
Spec = str | tuple[str, int, int]  # text, or (text, rowspan, colspan)


def grid(rows: list[list[Spec]]) -> Table:
    """A table with true geometry, placed like HTML: each cell takes the next free grid position."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            text, rs, cs = (spec, 1, 1) if isinstance(spec, str) else spec
            while (r, c) in taken:
                c += 1
            cells.append(Cell(text, r, c, rs, cs, {"table": 1, "row": r + 1, "col": c + 1}))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
    return Table(cells, {"table": 1})


def flat(rows: list[list[str]]) -> Table:
    """A table without geometry (the text rendering): cells only in order."""
    cells = [
        Cell(t, r, c, locator={"line": r * 10 + c}) for r, row in enumerate(rows) for c, t in enumerate(row)
    ]
    return Table(cells, {"table": 1}, geometry=False)


T3_HEADER_GRID: list[list[Spec]] = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]


def t3_grid(version: str = "2021", value: str = "1", other_single: bool = False) -> list[list[Spec]]:
    """Table 三 as HTML lays it out (vertical group labels with rowspans)."""
    rows: list[list[Spec]] = [list(r) for r in T3_HEADER_GRID]
    vals = [value] * 6 + [str(int(value) * 6) if value.isdigit() else value]
    rows.append([("一、本年新收政府信息公开申请数量", 1, 3), *vals])
    rows.append([("二、上年结转政府信息公开申请数量", 1, 3), *vals])
    data_rows = [r for r in T.t3_data_rows(version, other_single_row=other_single) if r.group is not None]
    first = True
    group_seen: set[str] = set()
    for r in data_rows:
        row: list[Spec] = []
        if first:
            row.append(("三、本年度办理结果", len(data_rows), 1))
            first = False
        group = T.t3_row(r.group) if r.group and r.group != "results" else None
        if group is not None:
            if group.key not in group_seen:
                n = len([x for x in data_rows if x.group == group.key])
                row.append((group.label, n, 1))
                group_seen.add(group.key)
            row.append(r.label)
        else:
            row.append((r.label, 1, 2))
        rows.append(row + vals)
    rows.append([("四、结转下年度继续办理", 1, 3), *vals])
    return rows


def t4_grid(review_pending: str = "尚未审结") -> Table:
    """Table 四 as the template lays it out, its fifteen values 1 … 15 (``review_pending``: the label
    printed over 行政复议's 尚未审结 column)."""
    return grid(
        [
            [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
            [
                ("结果维持", 2, 1),
                ("结果纠正", 2, 1),
                ("其他结果", 2, 1),
                (review_pending, 2, 1),
                ("总计", 2, 1),
                ("未经复议直接起诉", 1, 5),
                ("复议后起诉", 1, 5),
            ],
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
            [str(i) for i in range(1, 16)],
        ]
    )


def test_geometry_table3_every_cell() -> None:
    doc = Document("html", [grid(t3_grid())])
    rec = recognize(doc)
    keys = [k for k in T.cell_keys("2021") if k.startswith("t3.")]
    assert sorted(k for k in rec.cells if k.startswith("t3.")) == sorted(keys)
    assert rec.cells["t3.other_other.total"].value == 6
    assert rec.cells["t3.denied_state_secret.natural_person"].locator["col"] == 4


def test_2019_table3_other_handling_is_a_row() -> None:
    rec = recognize(Document("html", [grid(t3_grid("2019"))]), year_hint=2020)
    assert "t3.other_handling.total" in rec.cells
    assert not any(k.startswith("t3.other_other") for k in rec.cells)


def test_2021_report_printing_other_handling_as_one_row() -> None:
    t2 = grid(
        [
            [("第二十条第（一）项", 1, 4)],
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "3"],
        ]
    )
    doc = Document("html", [t2, grid(t3_grid("2021", other_single=True))])
    rec = recognize(doc)
    assert rec.version == "2021" and rec.other_single_row
    assert rec.cells["t3.other_handling.natural_person"].value == 1
    assert not any(k.startswith("t3.other_overdue") for k in rec.cells)
    # the rows after it are not shifted
    assert rec.cells["t3.results_total.total"].value == 6
    assert rec.cells["t3.carry_forward.natural_person"].value == 1


def test_flat_table3_rows_align_from_the_right() -> None:
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "0", "6"],
        ["三、本年度办理结果", "（一）予以公开", "5", "1", "", "", "", "", "6"],
        ["", "（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"],
    ]
    rec = recognize(Document("text_tab", [flat(rows)]))
    assert rec.cells["t3.new_received.total"].value == 6
    assert rec.cells["t3.granted.commercial_enterprise"].value == 1
    assert rec.cells["t3.granted.research_institution"].status == "blank"
    assert rec.cells["t3.denied_state_secret.total"].value == 0


def test_flat_row_with_too_few_values_is_left_missing() -> None:
    rows = [
        ["", "自然人", "法人或其他组织", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "5", "1", "0", "6"],
    ]
    rec = recognize(Document("text_tab", [flat(rows)]))
    assert not any(k.startswith("t3.new_received") for k in rec.cells)
    assert rec.notes and rec.unmapped


def test_subtotal_column_and_table2_extra_row() -> None:
    header = [list(r) for r in T3_HEADER_GRID]
    header[0][1] = ("申请人情况", 1, 8)
    header[1][1] = ("法人或其他组织", 1, 6)
    header[2] = [*header[2], "小计"]
    body: list[list[Spec]] = [
        [("一、本年新收政府信息公开申请数量", 1, 3), "5", "1", "1", "0", "0", "0", "2", "7"]
    ]
    t2 = grid(
        [
            [("第二十条第（一）项", 1, 4)],
            ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
            ["规章", "1", "1", "9"],
            ["规范性文件", "2", "2", "8"],
            ["其他主动公开文件", "56", "45", "100"],
        ]
    )
    rec = recognize(Document("html", [t2, grid(header + body)]), year_hint=2020)
    assert rec.version == "2019"
    assert rec.cells["t3.new_received.legal_person_subtotal"].value == 2
    assert rec.cells["t3.new_received.total"].value == 7
    assert rec.cells["t2.art20_1.normative_docs.public_total"].value == 8
    (extra,) = rec.unmapped
    assert extra.table == "t2" and extra.label == "其他主动公开文件" and extra.values == ["56", "45", "100"]


def test_table2_misaligned_span_maps_by_count() -> None:
    """上海 2019: the value under 上一年项目数量 spans two grid columns, the header's 本年增/减 two others."""
    t2 = grid(
        [
            [("第二十条第（五）项", 1, 5)],
            ["信息内容", "上一年项目数量", ("本年增/减", 1, 2), "处理决定数量"],
            ["行政许可", ("120", 1, 2), "+4", "3000"],
            ["其他对外管理服务事项", ("7", 1, 2), "-2", "15"],
        ]
    )
    rec = recognize(Document("html", [t2]), year_hint=2019)
    assert rec.version == "2019"
    assert rec.cells["t2.art20_5.admin_license.prev_year_items"].value == 120
    assert rec.cells["t2.art20_5.admin_license.change"].value == 4
    assert rec.cells["t2.art20_5.admin_license.decisions"].value == 3000
    assert rec.cells["t2.art20_5.other_mgmt_services.change"].value == -2


def test_a_short_sub_row_label_is_read_in_the_group_of_the_rows_before_it() -> None:
    """The （六） group label split over rows by a PDF cell (「（六）其它」 / 「处理」) is not recognised; the
    unnumbered 「其它」 after its first two sub-rows is still 3.其他 of （六）."""
    rows = t3_grid()
    at = next(
        i for i, r in enumerate(rows) if any("逾期不补正" in (c if isinstance(c, str) else c[0]) for c in r)
    )
    for i in range(at, at + 3):
        rows[i] = [c for c in rows[i] if (c if isinstance(c, str) else c[0]) != "（六）其他处理"]
    rows[at] = [("（六）其它", 1, 1), *rows[at]]
    rows[at + 1] = [("处理", 1, 1), *rows[at + 1]]
    rows[at + 2] = [("", 1, 1), "其它", *rows[at + 2][1:]]
    rec = recognize(Document("pdf", [grid(rows)]))
    assert rec.cells["t3.other_other.natural_person"].value == 1
    assert rec.cells["t3.other_other.total"].value == 6
    assert not rec.unmapped


def test_a_number_inside_a_label_cell_leaves_the_row_unplaced() -> None:
    """A PDF row without column rules read with the grid of the table below it: 「政府集中采购0 | 457000」.
    Counting the values would put 457000 under 采购项目数量; the row goes to unmapped instead."""
    first = grid(
        [
            [("第二十条第（九）项", 1, 3)],
            ["信息内容", "采购项目数量", "采购总金额"],
        ]
    )
    second = grid([[("政府集中采购0", 1, 4), ("457000", 1, 4), ("", 1, 2), ""]])
    rec = recognize(Document("pdf", [first, second]))
    assert not any(k.startswith("t2.art20_9") for k in rec.cells)
    assert [(u.label, u.values[0]) for u in rec.unmapped] == [("政府集中采购0", "457000")]
    # The same in table 三; the row printed properly is read.
    t3 = grid([*t3_grid()[:3], [("四、结转下年度继续办理0", 1, 3), *["1"] * 6, "6"]])
    rec = recognize(Document("html", [t3]))
    assert "t3.carry_forward.total" not in rec.cells
    assert recognize(Document("html", [grid(t3_grid())])).cells["t3.carry_forward.total"].value == 6


def test_table2_pieces_joined_across_blocks_and_units() -> None:
    """Table 二 broken over a page: the （六） caption in one grid, its header and rows in the next."""
    first = grid(
        [
            [("第二十条第（五）项", 1, 4)],
            ["信息内容", ("本年处理决定数量", 1, 3)],
            ["行政许可", ("11398889", 1, 3)],
            [("第二十条第（六）项", 1, 4)],
        ]
    )
    second = grid(
        [
            ["信息内容", "本年处理决定数量"],
            ["行政处罚", "6937489"],
            ["行政强制", "12"],
            [("第二十条第（八）项", 1, 2)],
            ["信息内容", "本年收费金额（单位：万元）"],
            ["行政事业性收费", "96171.6"],
        ]
    )
    doc = Document("pdf", [first, Paragraph("- 4 -"), second])
    rec = recognize(doc)
    assert rec.version == "2021"
    assert rec.cells["t2.art20_6.admin_penalty.decisions"].value == 6937489
    fee = rec.cells["t2.art20_8.admin_fees.fee_amount"]
    assert fee.value == 96171.6 and fee.unit == "万元"


def test_table4_flattened_row_and_headers() -> None:
    t4 = t4_grid()
    rec = recognize(Document("html", [t4]))
    assert rec.cells["t4.review.upheld"].value == 1
    assert rec.cells["t4.review.total"].value == 5
    assert rec.cells["t4.litigation_direct.upheld"].value == 6
    assert rec.cells["t4.litigation_after_review.total"].value == 15


def test_table4_header_label_not_recognised_leaves_its_column_out_without_shifting_the_others() -> None:
    """A header label that matches nothing (an OCR misreading such as 「尚木审结」): the values are
    placed by position, so the other fourteen land in their own columns and that one is left missing."""
    t4 = t4_grid(review_pending="尚木审洁")
    rec = recognize(Document("html", [t4]))
    assert "t4.review.pending" not in rec.cells
    assert rec.cells["t4.review.upheld"].value == 1
    assert rec.cells["t4.review.other_result"].value == 3
    assert rec.cells["t4.review.total"].value == 5
    assert rec.cells["t4.litigation_direct.upheld"].value == 6


def test_table4_header_cell_holding_two_labels_names_no_column() -> None:
    """A PDF without vertical rules reads two header cells as one (「结果结果维持纠正」): that cell names
    neither column, its value goes to unmapped, and the columns read cleanly keep theirs."""
    t4 = grid(
        [
            [("行政复议", 1, 3), ("行政诉讼", 1, 6)],
            [
                ("结果维持", 2, 1),
                ("结果其他尚未纠正结果审结", 2, 1),
                ("总计", 2, 1),
                ("未经复议直接起诉", 1, 3),
                ("复议后起诉", 1, 3),
            ],
            ["结果结果维持纠正", "其他结果", "尚未审结", "结果结果总计维持纠正", "其他尚未结果审结", "总计"],
            ["", "4", "4", "0", "4", "6", "13", "9", "9"],
        ]
    )
    rec = recognize(Document("pdf", [t4]))
    got = {k: c.value for k, c in rec.cells.items() if k.startswith("t4.")}
    assert got == {
        "t4.review.upheld": None,
        "t4.review.total": 4,
        "t4.litigation_direct.other_result": 4,
        "t4.litigation_direct.pending": 6,
        "t4.litigation_after_review.total": 9,
    }
    assert sorted(v for u in rec.unmapped for v in u.values) == ["0", "13", "4", "9"]


def test_conflicting_duplicate_row_is_ambiguous() -> None:
    rows = [list(r) for r in T3_HEADER_GRID]
    rows.append([("一、本年新收政府信息公开申请数量", 1, 3), "5", "0", "0", "0", "0", "0", "5"])
    rows.append([("一、本年新收政府信息公开申请数量", 1, 3), "6", "0", "0", "0", "0", "0", "6"])
    rec = recognize(Document("html", [grid(rows)]))
    cell = rec.cells["t3.new_received.natural_person"]
    assert cell.status == "ambiguous" and cell.value is None and cell.locator["candidates"] == [5, 6]
    assert rec.cells["t3.new_received.commercial_enterprise"].value == 0


def test_not_a_report() -> None:
    doc = Document("text_plain", [Paragraph("关于召开会议的通知"), Paragraph("请各单位准时参加。")])
    it = interpret(doc)
    assert it.status == "not_a_report" and it.error


def test_title_without_tables_is_partial_and_pre2019_unsupported() -> None:
    it = interpret(
        Document("text_plain", [Paragraph("某某县2023年政府信息公开工作年度报告"), Paragraph("一、总体情况")])
    )
    assert it.status == "partial" and "none of tables" in (it.error or "")
    it = interpret(Document("text_plain", [Paragraph("某某县2016年政府信息公开工作年度报告")]))
    assert it.status == "unsupported_template" and it.template_version == "pre2019"


def test_metadata_title_agency_year() -> None:
    from ogi.schema.metadata import agency_from_title, year_from

    assert agency_from_title("2019年上海市人民政府办公厅政府信息公开工作年度报告") == "上海市人民政府办公厅"
    assert agency_from_title("嘉兴市统计局2022年度政府信息公开工作年度报告") == "嘉兴市统计局"
    assert agency_from_title("淮安市人民政府2024年政府信息公开工作年度报告") == "淮安市人民政府"
    assert year_from(None, "本年度报告中所列数据统计期限从2019年1月1日到12月31日止") == 2019
