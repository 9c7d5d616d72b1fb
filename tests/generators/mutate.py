"""Mutated inputs for the fuzz targets (``tests/test_fuzz.py``): hypothesis strategies that damage a seed
file the way downloads, editors and hostile pages do.

A mutation is drawn as data (so hypothesis can shrink it) and applied to a seed's bytes:

- byte edits anywhere: flip a byte, delete or duplicate a run, insert a token or random bytes, truncate;
- for text formats (HTML, tab text, glued text), tokens that matter to the readers: control characters
  (``\\x0b`` is what Word's manual line break pastes as), markup, spans, table labels, long digit runs,
  a BOM, GB bytes inside UTF-8;
- for OOXML (DOCX, XLSX), the same edits inside one part of the package, which is then zipped again
  (byte edits of the zip itself mostly stop at the zip reader);
- for PDF, tokens of the file's own syntax (``endstream``, ``obj``, huge matrices and font sizes).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from hypothesis import strategies as st

TEXT_TOKENS = [
    b"\x00", b"\x0b", b"\x0c", b"\x1b[31m", b"\r", b"\t", b"\t\t\t", b"\n\n", b"\xef\xbb\xbf", b"\xff\xfe",
    b"\xb9\xab\xbf\xaa", b"\xe5\x85", b"<table>", b"</table>", b"<tr>", b"</td><td>",
    b'<td rowspan="1000" colspan="1000">', b"<td colspan=0>", b"<!--", b"<script>", b"<![CDATA[",
    b"&#0;", b"&#xD800;", "总计".encode(), "（一）予以公开".encode(), "三、收到和处理政府信息公开申请情况".encode(),
    "四、政府信息公开行政复议、行政诉讼情况".encode(), "本年新收政府信息公开申请数量".encode(), "自然人".encode(),
    b"1234567890" * 8, b"-", b"/", b"0", "１２".encode(), "一千二百".encode(), b"=HYPERLINK(\"x\")",
]  # fmt: skip
PDF_TOKENS = [
    b"endstream", b"endobj", b" obj ", b"<<", b">>", b"[", b"]", b"/Type /Page", b"/Filter /FlateDecode",
    b"/Length 99999999", b"/Rotate 45", b"/MediaBox [0 0 0 0]", b"1000000 0 0 1000000 0 0 cm",
    b"BT /F1 99999 Tf (x) Tj ET", b"q Q Q Q", b"0 0 m 1e30 1e30 l S", b"xref", b"trailer", b"%%EOF",
    b"startxref\n0\n", b"/Encrypt", b"/Count -1", b"/Kids [1 0 R]",
]  # fmt: skip
XML_TOKENS = [
    b"<w:tc>", b"</w:tr>", b'<w:gridSpan w:val="1000000"/>', b'<w:vMerge w:val="restart"/>', b"<w:vMerge/>",
    b'<mergeCell ref="A1:XFD1048576"/>', b'<c r="ZZZ99999999" t="s"><v>999999</v></c>', b'<v>1e309</v>',
    b'<c r="A1" t="s"><v>-1</v></c>', b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]>", b"&a;", b"\x00", b"\x0b",
    "总计".encode(), b"<w:t>", b"</w:t>", b"<",
]  # fmt: skip

_POSITION = st.integers(min_value=0, max_value=2**31)


@dataclass(frozen=True)
class Edit:
    """One byte edit; positions and lengths are taken modulo the data's size when applied."""

    op: str
    at: int
    size: int = 1
    data: bytes = b""

    def apply(self, data: bytes) -> bytes:
        n = len(data)
        at = self.at % (n + 1)
        if self.op == "flip" and n:
            at %= n
            return data[:at] + bytes([data[at] ^ (self.size % 255 + 1)]) + data[at + 1 :]
        if self.op == "delete":
            return data[:at] + data[at + self.size :]
        if self.op == "insert":
            return data[:at] + self.data + data[at:]
        if self.op == "duplicate":
            return data[:at] + data[at : at + self.size] * 2 + data[at + self.size :]
        if self.op == "truncate":
            return data[:at]
        return data


def edits(tokens: list[bytes], max_edits: int = 6) -> st.SearchStrategy[list[Edit]]:
    """A few byte edits, inserting ``tokens`` or random bytes."""
    size = st.integers(min_value=1, max_value=4096)
    inserted = st.binary(min_size=1, max_size=32)
    if tokens:
        inserted = st.sampled_from(tokens) | inserted
    one = st.one_of(
        st.builds(Edit, st.just("flip"), _POSITION, st.integers(1, 255)),
        st.builds(Edit, st.just("delete"), _POSITION, size),
        st.builds(Edit, st.just("insert"), _POSITION, st.just(1), inserted),
        st.builds(Edit, st.just("duplicate"), _POSITION, size),
        st.builds(Edit, st.just("truncate"), _POSITION),
    )
    return st.lists(one, min_size=1, max_size=max_edits)


def apply(data: bytes, changes: list[Edit]) -> bytes:
    for change in changes:
        data = change.apply(data)
    return data


@dataclass(frozen=True)
class PartEdit:
    """Edits of one part of a zip package (``part`` taken modulo the number of parts)."""

    part: int
    changes: tuple[Edit, ...]


def mutate_package(data: bytes, part_edits: list[PartEdit]) -> bytes:
    """The zip package ``data`` with some parts edited, zipped again (entry order and names kept)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(info.filename, z.read(info)) for info in z.infolist()]
    for pe in part_edits:
        k = pe.part % len(parts)
        name, body = parts[k]
        parts[k] = (name, apply(body, list(pe.changes)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


def package_edits() -> st.SearchStrategy[list[PartEdit]]:
    part = st.builds(
        PartEdit, st.integers(min_value=0, max_value=63), edits(XML_TOKENS + TEXT_TOKENS, 4).map(tuple)
    )
    return st.lists(part, min_size=1, max_size=3)
