"""Word reports (format ``docx``): the body in document order, tables as grids with their spans.

python-docx opens the package (parts, relationships, images, core properties), but the body is walked
on its XML, because what ogi needs is below python-docx's API:

- python-docx's ``row.cells`` repeats a merged cell at every grid position it covers; here a merged
  cell comes out once at its top-left with its span, read from ``w:gridSpan`` and ``w:vMerge``
  (a ``restart`` cell's rowspan counts the ``continue`` cells below it);
- a table of one cell is a frame (a boxed paragraph, a layout table around the report): its paragraphs
  are running text and its nested tables tables;
- content controls (``w:sdt``), tracked changes (``w:ins`` kept, ``w:del`` dropped), hidden text
  (``w:vanish``), fields (the result text, not the instruction; page numbers and tables of contents
  dropped) and tables nested in cells;
- headers and footers live in other parts; the page headers' text is kept in ``meta["page_header"]``
  (the agency above a title that starts with the year), footers are never read.

Cell text is the raw text as printed: wrapped lines and paragraphs of a cell are joined without a space
between Chinese characters; a cell holding only full-width spaces keeps them (``ogi.schema`` reads
whitespace-only cells as blank). Paragraph locators ``{"paragraph": n}`` count the paragraphs read as
running text in document order (empty ones included). Pictures in the body are listed in ``Document.meta["images"]``; report-sized ones
are read by OCR when the ``ocr`` extra is installed (``ogi.extractors.ocr.pictures``: their tables go where
the picture stands, their text too when the document has no tables of its own). A document with
report-sized pictures but no tables, and no OCR to read them, is ``needs_ocr``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from lxml import etree

from ogi.extractors.detect import OLE_MAGIC, ole_problem
from ogi.extractors.model import Block, Cell, Document, ExtractionError, Paragraph, Table
from ogi.extractors.ooxml import check_unpacked_size, count_in_parts, without_xml_controls
from ogi.extractors.textutil import join_cell_lines, join_wrapped

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V = "urn:schemas-microsoft-com:vml"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
W_SDT, W_SDTCONTENT, W_SDTPR, W_CUSTOMXML = _w("sdt"), _w("sdtContent"), _w("sdtPr"), _w("customXml")
W_VAL = _w("val")
MC_ALT, MC_CHOICE, MC_FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"

#: Inline elements whose children are read as they stand (links, insertions, moved-to text, smart tags).
_INLINE_CONTAINERS = frozenset(
    _w(t) for t in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "bdo", "dir", "rubyBase")
)
#: Inline elements dropped with everything in them (deleted and moved-away text, ruby annotations).
_INLINE_DROPPED = frozenset(_w(t) for t in ("del", "moveFrom", "rt"))
#: Fields whose result is page furniture, not report text.
_DROPPED_FIELDS = frozenset(
    {"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "PAGEREF", "TOC", "XE", "TC", "INDEX", "TOA", "TA", "RD"}
)
#: Main-part content types of Word documents, templates and their macro-enabled twins.
_WORD_MAIN_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

#: A picture at least this large (cm, as laid out) may be a table or a scanned page, not a logo or seal.
REPORTISH_MIN_WIDTH_CM = 8.0
REPORTISH_MIN_AREA_CM2 = 40.0
#: Without a known layout size, a picture file at least this large.
REPORTISH_MIN_BYTES = 40_000
_EMU_PER_CM = 360_000


def extract(data: bytes, fmt: str = "docx", name: str = "", options: object = None) -> Document:
    """Read a DOCX report into the document model (``fmt`` is kept: ``doc``/``wps`` after conversion)."""
    if data.startswith(OLE_MAGIC):
        # An encrypted DOCX is an OLE container holding the encrypted package.
        raise ExtractionError(ole_problem(data) or "an OLE container, not a DOCX package", "failed")
    check_unpacked_size(data, "DOCX")
    check_table_cells(data)
    package, part, root = _open(data)
    body = root.find(_w("body"))
    if body is None:
        raise ExtractionError("corrupt DOCX: the main document has no body")
    walker = _Walker(part, _hidden_styles(part))
    walker.container(body)
    doc = Document(format=fmt, blocks=walker.blocks)
    title = _core_title(package)
    if title:
        doc.meta["title"] = title
    header = _page_header(part)
    if header:
        doc.meta["page_header"] = header
    doc.meta["images"] = walker.images
    if walker.alt_chunks:
        doc.meta["alt_chunks"] = walker.alt_chunks
    _read_pictures(doc, package, getattr(options, "ocr", True))
    _flag_pictures(doc)
    if walker.alt_chunks and not doc.tables and doc.status is None:
        doc.status = "failed"
        doc.reason = (
            f"the document's content is {walker.alt_chunks} imported chunk(s) (w:altChunk, HTML or RTF "
            "that Word merges when it opens the file), which ogi does not read"
        )
    return doc


# -- opening ------------------------------------------------------------------------------------------

#: Table cells (``w:tc``) a document may hold. python-docx and the walker build objects for every cell:
#: 100,000 rows took 2.7 GB. A report's three tables have about 250 cells; appendices listing every
#: request run to a few thousand.
MAX_TABLE_CELLS = 100_000
_TC = re.compile(rb"<(?:\w+:)?tc[\s>/]")


def check_table_cells(data: bytes, limit: int = MAX_TABLE_CELLS) -> None:
    """Refuse a document whose XML parts hold more than ``limit`` table cells, counted in the XML before
    python-docx parses it."""
    n = count_in_parts(data, _TC, "word/")
    if n > limit:
        raise ExtractionError(
            f"DOCX refused: its tables have {n:,} cells (over the limit of {limit:,}; a report's tables "
            "have a few hundred)"
        )


def _open(data: bytes) -> tuple[Any, Any, Any]:
    """The package, its main part and the main part's XML root; ``ExtractionError`` when unreadable."""
    from docx.opc.package import OpcPackage
    from docx.oxml.parser import parse_xml

    try:
        package = OpcPackage.open(BytesIO(data))
    except Exception as exc:  # zipfile, KeyError for a missing part, lxml syntax errors, zlib …
        cleaned = without_xml_controls(data) if "invalid Char" in str(exc) else None
        if cleaned is None:
            raise ExtractionError(f"corrupt DOCX: {_why(exc)}") from exc
        return _open(cleaned)
    try:
        part = package.main_document_part
    except (KeyError, ValueError) as exc:
        raise ExtractionError("not a Word document: the package has no main document") from exc
    if part.content_type not in _WORD_MAIN_TYPES:
        raise ExtractionError(f"not a Word document: its main part is {part.content_type}")
    element = getattr(part, "element", None)
    if element is None:
        try:
            element = parse_xml(part.blob)
        except etree.XMLSyntaxError as exc:
            raise ExtractionError(f"corrupt DOCX: {_why(exc)}") from exc
    return package, part, element


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "zip" in type(exc).__name__.lower() or "zip" in text.lower():
        return f"damaged or truncated zip archive ({text})"
    return f"{type(exc).__name__}: {text}"


def _core_title(package: Any) -> str | None:
    try:
        title = package.core_properties.title
    except Exception:  # a broken core-properties part only loses the title
        return None
    return title.strip() if isinstance(title, str) and title.strip() else None


_RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"


def _page_header(part: Any) -> str | None:
    """The text of the document's page headers, one line per paragraph: the agency is often printed
    there with the title below it (``ogi.schema.titles`` reads it as the line above the first)."""
    lines: list[str] = []
    for rel in part.rels.values():
        if rel.reltype != _RT_HEADER or rel.is_external:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except (etree.XMLSyntaxError, KeyError, ValueError):  # a broken header only loses the header
            continue
        for p in root.iter(_w("p")):
            text = "".join(t.text or "" for t in p.iter(_w("t"))).strip()
            if text and text not in lines:
                lines.append(text)
    return "\n".join(lines) or None


def _on(el: Any) -> bool:
    """An OOXML on/off property: present without ``w:val``, or with a true value."""
    return el.get(W_VAL) not in ("0", "false", "off")


def _hidden_styles(part: Any) -> frozenset[str]:
    """Style ids whose run properties hide text (``w:vanish``), following ``w:basedOn``."""
    styles_part = None
    try:
        for rel in part.rels.values():
            if rel.reltype == _RT_STYLES and not rel.is_external:
                styles_part = rel.target_part
                break
    except Exception:
        return frozenset()
    if styles_part is None:
        return frozenset()
    root = getattr(styles_part, "element", None)
    if root is None:
        try:
            root = etree.fromstring(styles_part.blob, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            return frozenset()
    own: dict[str, bool | None] = {}
    based: dict[str, str] = {}
    for style in root.iter(_w("style")):
        sid = style.get(_w("styleId"))
        if not sid:
            continue
        vanish = style.find(f"{_w('rPr')}/{_w('vanish')}")
        own[sid] = None if vanish is None else _on(vanish)
        parent = style.find(_w("basedOn"))
        if parent is not None and parent.get(W_VAL):
            based[sid] = parent.get(W_VAL)
    hidden = set()
    for sid in own:
        seen: set[str] = set()
        cur: str | None = sid
        while cur is not None and cur not in seen:
            seen.add(cur)
            if own.get(cur) is not None:
                if own[cur]:
                    hidden.add(sid)
                break
            cur = based.get(cur)
    return frozenset(hidden)


# -- the walk -----------------------------------------------------------------------------------------


def _children(el: Any, tag: str) -> list[Any]:
    """``el``'s children with ``tag``, looking through content controls and custom XML wrappers.

    A content control still showing its placeholder prompt (``w:showingPlcHdr``) holds no content.
    """
    out: list[Any] = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag == W_SDT:
            pr = child.find(W_SDTPR)
            if pr is not None and pr.find(_w("showingPlcHdr")) is not None:
                continue
            content = child.find(W_SDTCONTENT)
            if content is not None:
                out.extend(_children(content, tag))
        elif child.tag == W_CUSTOMXML:
            out.extend(_children(child, tag))
    return out


@dataclass
class _Field:
    """A complex field being read: its instruction so far, and whether its result is being read."""

    instruction: str = ""
    in_result: bool = False
    keep: bool = True


@dataclass
class _TextState:
    """What accumulates while reading the runs of one paragraph or cell."""

    parts: list[str] = field(default_factory=list)
    fields: list[_Field] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)

    def visible(self) -> bool:
        return all(f.in_result and f.keep for f in self.fields)


class _Walker:
    """Walks the body once, appending blocks in document order."""

    def __init__(self, part: Any, hidden_styles: frozenset[str]) -> None:
        self.part = part
        self.hidden_styles = hidden_styles
        self.blocks: list[Block] = []
        self.images: list[dict[str, Any]] = []
        self.alt_chunks = 0
        self.n_tables = 0
        self.n_paragraphs = 0

    # block level

    def container(self, el: Any) -> None:
        """Paragraphs and tables of the body (or of a content control in it), in order."""
        state = _TextState()  # a field may span paragraphs
        for child in el:
            tag = child.tag
            if tag == W_P:
                self.body_paragraph(child, state)
            elif tag == W_TBL:
                frame = _frame_cell(child)
                if frame is None:
                    self.table(child)
                    continue
                # A one-cell table is a frame around running text (a boxed paragraph, or a layout
                # table around the whole report), not a statistics table: read what it holds.
                for inner in _cell_blocks(frame):
                    if inner.tag == W_P:
                        self.body_paragraph(inner, state)
                    else:
                        self.table(inner)
            elif tag == W_SDT:
                pr = child.find(W_SDTPR)
                if pr is not None and pr.find(_w("showingPlcHdr")) is not None:
                    continue
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self.container(content)
            elif tag == W_CUSTOMXML:
                self.container(child)
            elif tag == _w("altChunk"):
                # Imported HTML/RTF content Word merges at open time; ogi cannot read it from the DOCX.
                self.alt_chunks += 1

    def body_paragraph(self, p: Any, state: _TextState) -> None:
        """A paragraph of running text: a ``Paragraph`` block unless it is empty."""
        self.n_paragraphs += 1
        locator = {"paragraph": self.n_paragraphs}
        state.parts = []
        state.images = []
        self.paragraph(p, state)
        _close_broken_fields(state)
        text = _join_lines("".join(state.parts).split("\n"), keep_blank=False)
        self._add_images(state.images, locator)
        if text:
            self.blocks.append(Paragraph(text=text, locator=locator))

    def paragraph(self, p: Any, state: _TextState) -> None:
        hidden = False
        ppr = p.find(_w("pPr"))
        if ppr is not None:
            style = ppr.find(_w("pStyle"))
            hidden = style is not None and style.get(W_VAL) in self.hidden_styles
        self.inline(p, state, hidden)

    def inline(self, el: Any, state: _TextState, hidden: bool) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                self.run(child, state, hidden)
            elif tag in _INLINE_CONTAINERS:
                self.inline(child, state, hidden)
            elif tag in _INLINE_DROPPED:
                continue
            elif tag == _w("fldSimple"):
                if _field_name(child.get(_w("instr"), "")) not in _DROPPED_FIELDS:
                    self.inline(child, state, hidden)
            elif tag == W_SDT:
                pr = child.find(W_SDTPR)
                if pr is not None and pr.find(_w("showingPlcHdr")) is not None:
                    continue
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self.inline(content, state, hidden)
            elif tag == _w("ruby"):
                base = child.find(_w("rubyBase"))
                if base is not None:
                    self.inline(base, state, hidden)
            elif tag == MC_ALT:
                branch = _alternate(child)
                if branch is not None:
                    self.inline(branch, state, hidden)

    def run(self, r: Any, state: _TextState, para_hidden: bool) -> None:
        hidden = para_hidden
        rpr = r.find(_w("rPr"))
        if rpr is not None:
            vanish = rpr.find(_w("vanish"))
            style = rpr.find(_w("rStyle"))
            if vanish is not None:
                hidden = _on(vanish)
            elif style is not None and style.get(W_VAL) in self.hidden_styles:
                hidden = True
        for child in r:
            tag = child.tag
            if tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    state.fields.append(_Field())
                elif kind == "separate" and state.fields:
                    f = state.fields[-1]
                    f.in_result = True
                    f.keep = _field_name(f.instruction) not in _DROPPED_FIELDS
                elif kind == "end" and state.fields:
                    state.fields.pop()
                continue
            if tag == _w("instrText"):
                if state.fields and not state.fields[-1].in_result:
                    state.fields[-1].instruction += child.text or ""
                continue
            if not state.visible():
                continue
            if tag in (_w("drawing"), _w("pict"), _w("object")):
                state.images.extend(self._pictures(child))
                continue
            if tag == MC_ALT:
                branch = _alternate(child)
                if branch is not None:
                    for el in branch:
                        if el.tag in (_w("drawing"), _w("pict"), _w("object")):
                            state.images.extend(self._pictures(el))
                continue
            if hidden:
                continue
            if tag == W_T:
                state.parts.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                state.parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                state.parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                state.parts.append("-")

    # tables

    def table(self, tbl: Any) -> None:
        """One table block (numbered in document order), then the tables nested in its cells."""
        self.n_tables += 1
        number = self.n_tables
        table = Table(cells=[], locator={"table": number})
        self.blocks.append(table)
        # Grid column → the cell last started there, for vertical merges (``w:vMerge`` continue).
        last_at: dict[int, Cell] = {}
        r = 0
        for tr in _children(tbl, W_TR):
            if _deleted_row(tr):
                continue  # a deleted row (tracked change)
            c = _int_prop(tr.find(_w("trPr")), "gridBefore", 0)
            previous: Cell | None = None
            for tc in _children(tr, W_TC):
                tcpr = tc.find(_w("tcPr"))
                span = max(1, _int_prop(tcpr, "gridSpan", 1))
                vmerge = _merge_kind(tcpr, "vMerge")
                hmerge = _merge_kind(tcpr, "hMerge")
                text = self.cell_text(tc, {"table": number, "row": r + 1, "col": c + 1})
                above = last_at.get(c)
                if (
                    vmerge == "continue"
                    and above is not None
                    and above.colspan == span
                    and above.row + above.rowspan == r
                ):
                    above.rowspan += 1
                    _append_text(above, text)
                elif hmerge == "continue" and previous is not None:
                    previous.colspan += span
                    _append_text(previous, text)
                else:
                    cell = Cell(
                        text=text,
                        row=r,
                        col=c,
                        colspan=span,
                        locator={"table": number, "row": r + 1, "col": c + 1},
                    )
                    table.cells.append(cell)
                    last_at[c] = cell
                    previous = cell
                c += span
            r += 1

    def cell_text(self, tc: Any, locator: dict[str, Any]) -> str:
        """A cell's paragraphs as one raw text; its nested tables become blocks of their own."""
        lines: list[str] = []
        state = _TextState()
        images: list[dict[str, Any]] = []
        for child in _cell_blocks(tc):
            if child.tag == W_P:
                state.parts = []
                state.images = []
                self.paragraph(child, state)
                lines.extend("".join(state.parts).split("\n"))
                images.extend(state.images)
            else:
                self.table(child)
        self._add_images(images, locator)
        return _join_lines(lines, keep_blank=True)

    # pictures

    def _pictures(self, el: Any) -> list[dict[str, Any]]:
        """The pictures a ``w:drawing``/``w:pict``/``w:object`` shows, with their size as laid out."""
        out: list[dict[str, Any]] = []
        kind = "object" if el.tag == _w("object") else "picture"
        width = height = None
        extent = el.find(f".//{{{WP}}}extent")
        if extent is not None:
            width = _num(extent.get("cx")) / _EMU_PER_CM
            height = _num(extent.get("cy")) / _EMU_PER_CM
        else:
            shape = el.find(f".//{{{V}}}shape")
            if shape is not None:
                width, height = _vml_size(shape.get("style", ""))
        rids = [b.get(f"{{{R}}}embed") or b.get(f"{{{R}}}link") for b in el.iter(f"{{{A}}}blip")]
        rids += [d.get(f"{{{R}}}id") for d in el.iter(f"{{{V}}}imagedata")]
        for rid in rids:
            if not rid:
                continue
            info: dict[str, Any] = {"kind": kind, "rid": rid}
            try:
                rel = self.part.rels[rid]
                if rel.is_external:
                    info.update(name=rel.target_ref, bytes=0, external=True)
                else:
                    target = rel.target_part
                    info.update(
                        name=posixpath.basename(str(target.partname)),
                        part=str(target.partname),
                        bytes=len(target.blob),
                        content_type=target.content_type,
                    )
            except (KeyError, AttributeError):
                info.update(name=rid, bytes=0, missing=True)
            if width is not None and height is not None:
                info["width_cm"] = round(width, 2)
                info["height_cm"] = round(height, 2)
            info["reportish"] = _reportish(info)
            out.append(info)
        return out

    def _add_images(self, images: list[dict[str, Any]], locator: dict[str, Any]) -> None:
        for info in images:
            info["locator"] = dict(locator)
            # Where in the blocks the picture stands (OCR puts what it reads there).
            info["block"] = len(self.blocks)
            self.images.append(info)


def _frame_cell(tbl: Any) -> Any:
    """The only cell of a table of one row and one cell (a frame), else None."""
    rows = [tr for tr in _children(tbl, W_TR) if not _deleted_row(tr)]
    if len(rows) != 1:
        return None
    cells = _children(rows[0], W_TC)
    return cells[0] if len(cells) == 1 else None


def _deleted_row(tr: Any) -> bool:
    trpr = tr.find(_w("trPr"))
    return trpr is not None and trpr.find(_w("del")) is not None


def _close_broken_fields(state: _TextState) -> None:
    """Fields still in their instruction at the end of a paragraph were never closed (a damaged file):
    forget them, or they would hide the rest of the document."""
    while state.fields and not state.fields[-1].in_result:
        state.fields.pop()


def _cell_blocks(tc: Any) -> list[Any]:
    """A cell's paragraphs and nested tables in order (through content controls)."""
    out: list[Any] = []
    for child in tc:
        if child.tag in (W_P, W_TBL):
            out.append(child)
        elif child.tag in (W_SDT, W_CUSTOMXML):
            pr = child.find(W_SDTPR)
            if pr is not None and pr.find(_w("showingPlcHdr")) is not None:
                continue
            inner = child.find(W_SDTCONTENT) if child.tag == W_SDT else child
            if inner is not None:
                out.extend(_cell_blocks(inner))
    return out


def _alternate(el: Any) -> Any:
    """The branch of an ``mc:AlternateContent`` to read: the first choice, else the fallback."""
    choice = el.find(MC_CHOICE)
    return choice if choice is not None else el.find(MC_FALLBACK)


def _field_name(instruction: str) -> str:
    words = instruction.strip().split()
    return words[0].upper() if words else ""


def _int_prop(parent: Any, tag: str, default: int) -> int:
    if parent is None:
        return default
    el = parent.find(_w(tag))
    if el is None:
        return default
    try:
        return int(el.get(W_VAL, default))
    except (TypeError, ValueError):
        return default


def _merge_kind(tcpr: Any, tag: str) -> str | None:
    """``restart``, ``continue`` (the default when ``w:val`` is absent) or None (no merge)."""
    if tcpr is None:
        return None
    el = tcpr.find(_w(tag))
    if el is None:
        return None
    return "restart" if el.get(W_VAL) == "restart" else "continue"


def _join_lines(lines: list[str], keep_blank: bool) -> str:
    """Lines of one paragraph or cell as one text (see ``join_cell_lines``); a paragraph of only
    whitespace is empty."""
    if keep_blank:
        return join_cell_lines(lines)
    return join_wrapped([line.replace("\t", " ") for line in lines])


def _append_text(cell: Cell, text: str) -> None:
    """Text found in a merged continuation cell (Word keeps them empty; other writers may not)."""
    if text.strip():
        cell.text = join_wrapped([cell.text, text]) if cell.text.strip() else text


def _num(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


_VML_LENGTH = re.compile(r"(width|height)\s*:\s*([\d.]+)\s*(pt|in|cm|mm|px)?", re.IGNORECASE)
_CM_PER = {"pt": 2.54 / 72, "in": 2.54, "cm": 1.0, "mm": 0.1, "px": 2.54 / 96, "": 2.54 / 96}


def _vml_size(style: str) -> tuple[float | None, float | None]:
    size: dict[str, float] = {}
    for m in _VML_LENGTH.finditer(style):
        size[m.group(1).lower()] = float(m.group(2)) * _CM_PER[(m.group(3) or "").lower()]
    return size.get("width"), size.get("height")


def _reportish(info: dict[str, Any]) -> bool:
    """Whether a picture is large enough to be a table or a scanned page (not a logo, seal or icon)."""
    width, height = info.get("width_cm"), info.get("height_cm")
    if width is not None and height is not None:
        return bool(width >= REPORTISH_MIN_WIDTH_CM and width * height >= REPORTISH_MIN_AREA_CM2)
    return int(info.get("bytes") or 0) >= REPORTISH_MIN_BYTES


def _read_pictures(doc: Document, package: Any, wanted: bool) -> None:
    """Report-sized pictures read by OCR (when installed): their tables go where the pictures stand,
    and their text too when the document has no tables of its own (a report pasted as pictures)."""
    from ogi.extractors.ocr import engine as ocr

    images = [
        i
        for i in doc.meta.get("images") or []
        if i.get("reportish") and i.get("part") and not i.get("external")
    ]
    if not images or not wanted or not ocr.available():
        return
    from ogi.extractors.ocr.pictures import Picture, read_pictures

    parts = {str(p.partname): p for p in package.iter_parts()}
    text_too = not doc.tables
    # Pictures with nothing between them (a scanned report pasted page after page) are read together,
    # so that a table running from one picture into the next is stitched like one across PDF pages.
    groups: dict[int, list[Any]] = {}
    for info in images:
        part = parts.get(info["part"])
        if part is not None:
            at = int(info.get("block", len(doc.blocks)))
            groups.setdefault(at, []).append(Picture(str(info["name"]), part.blob, info.get("width_cm")))
    inserted = 0
    read: list[str] = []
    for at, pictures in sorted(groups.items()):
        blocks, _skipped = read_pictures(pictures)
        read += [p.name for p in pictures]
        keep: list[Block] = [b for b in blocks if isinstance(b, Table) or text_too]
        doc.blocks[at + inserted : at + inserted] = keep
        inserted += len(keep)
    if read:
        doc.meta["ocr_images"] = read


def _flag_pictures(doc: Document) -> None:
    """A document with report-sized pictures and no tables has its tables as pictures: ``needs_ocr``."""
    from ogi.extractors.ocr import engine as ocr

    images = doc.meta.get("images") or []
    big = [i for i in images if i.get("reportish")]
    if big and not doc.tables:
        doc.status = "needs_ocr"
        names = ", ".join(str(i.get("name")) for i in big[:3])
        if doc.meta.get("ocr_images"):
            why = "OCR found no table in them"
        elif ocr.available():
            why = "they could not be read"
        else:
            why = ocr.MISSING
        doc.reason = (
            f"no tables in the document but {len(big)} large picture(s) ({names}): "
            f"the statistics tables are probably images; {why}"
        )
