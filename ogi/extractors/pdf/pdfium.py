"""Characters and ruling lines of a PDF page through pdfium's raw API, described as pdfplumber would.

pdfplumber gets the same facts from pdfminer's pure-Python content-stream interpreter, which costs
100-200 ms a page; pdfium parses in C. This module turns pdfium's page objects into what pdfplumber's
table finder reads: path objects split into sub-paths and classified as pdfminer does (a two-point path is
a line, a closed axis-aligned four-point path a rect, anything else a curve), and characters with
pdfminer's boxes (``bottom`` on the font's descent line, ``top`` one font size above it).

Raw ctypes calls only: the object wrappers of ``pypdfium2`` allocate a Python object per call and are
several times slower. pdfium is not thread-safe: read PDFs in parallel with processes, never threads.

Pages whose content this port does not reproduce faithfully (Form XObjects, rotation, rotated or
skewed text, Unicode-map errors, a MediaBox not at the origin) are flagged in ``PageData.unsupported``;
the ``auto`` engine reads those with pdfplumber.

pdfium measures text in a font that is not embedded (other than the standard fonts it carries) through
the fonts installed on the machine: without a CJK font, vertical text in ``STSong-Light`` with
``Identity-V`` comes back empty. Such fonts are named in ``PageData.system_fonts`` whatever the machine
has, so that ``ogi.extractors.pdf.fonts`` can read those pages' characters with pdfminer (which uses the
font's own metrics and its bundled CMaps) and give the same document on every machine.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2  # noqa: F401  (initialises the library)
import pypdfium2.raw as R

from ogi.extractors.model import ExtractionError
from ogi.extractors.pdf.grid import Char

_SEG_LINE = R.FPDF_SEGMENT_LINETO
_SEG_BEZIER = R.FPDF_SEGMENT_BEZIERTO
_SEG_MOVE = R.FPDF_SEGMENT_MOVETO
_PATH = R.FPDF_PAGEOBJ_PATH
_TEXT = R.FPDF_PAGEOBJ_TEXT
_IMAGE = R.FPDF_PAGEOBJ_IMAGE
_FORM = R.FPDF_PAGEOBJ_FORM


def _plain(t: Any) -> Any:
    """``c_void_p`` for a pointer type, else the type itself."""
    if isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes.c_void_p)):
        return ctypes.c_void_p
    return t


def _fast(func: Any) -> Any:
    """The same pdfium function with its handles and out-parameters as plain addresses (ints).

    pypdfium2 declares typed pointers, and ctypes checks every such argument's type on each call: about
    3 µs a call against 1 µs with ``c_void_p``, which is most of what reading a page costs when it has
    thousands of characters (several calls each). Handles come back as ints too, which compare by value
    (pointer instances compare by identity: every call returns a new one)."""
    address = ctypes.cast(func, ctypes.c_void_p).value
    assert address is not None
    return ctypes.CFUNCTYPE(_plain(func.restype), *(_plain(t) for t in func.argtypes))(address)


def _address(handle: Any) -> int:
    """A pdfium handle (a pypdfium2 pointer) as the int the ``_fast`` functions take."""
    value = ctypes.cast(handle, ctypes.c_void_p).value
    assert value is not None
    return value


_text_object = _fast(R.FPDFText_GetTextObject)
_text_object_font = _fast(R.FPDFTextObj_GetFont)
_page_object = _fast(R.FPDFPage_GetObject)
_loose_char_box = _fast(R.FPDFText_GetLooseCharBox)
_char_origin = _fast(R.FPDFText_GetCharOrigin)
_is_generated = _fast(R.FPDFText_IsGenerated)
_char_matrix = _fast(R.FPDFText_GetMatrix)
_font_size = _fast(R.FPDFText_GetFontSize)
_unicode = _fast(R.FPDFText_GetUnicode)
_map_error = _fast(R.FPDFText_HasUnicodeMapError)
_object_type = _fast(R.FPDFPageObj_GetType)
_object_bounds = _fast(R.FPDFPageObj_GetBounds)
_object_matrix_of = _fast(R.FPDFPageObj_GetMatrix)
_form_count = _fast(R.FPDFFormObj_CountObjects)
_form_object = _fast(R.FPDFFormObj_GetObject)
_draw_mode = _fast(R.FPDFPath_GetDrawMode)
_count_segments = _fast(R.FPDFPath_CountSegments)
_segment = _fast(R.FPDFPath_GetPathSegment)
_segment_point = _fast(R.FPDFPathSegment_GetPoint)
_segment_type = _fast(R.FPDFPathSegment_GetType)
_segment_close = _fast(R.FPDFPathSegment_GetClose)

_SPACES = frozenset((0x20, 0x0D, 0x0A, 0x09, 0xA0, 0x3000, 0x02))
#: Digits kept when reading pdfium's single-precision numbers: content streams write at most a few
#: decimals, so rounding recovers the numbers pdfminer parses (73.16, not 73.160003662109375).
_DIGITS = 4


@dataclass
class Shape:
    """A painted path as pdfplumber classifies it: ``line``, ``rect`` or ``curve``.

    ``x0``/``top``/``x1``/``bottom`` are pdfplumber coordinates; ``width``/``height`` are computed in
    PDF space as pdfminer does; ``pts`` (pdfplumber coordinates) are kept for curves.
    """

    kind: str
    x0: float
    top: float
    x1: float
    bottom: float
    width: float
    height: float
    fill: bool
    stroke: bool
    pts: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class TextLine:
    """A line of a page's text as pdfium breaks it (one call for the page's text), with a few of its
    characters read exactly as ``_read_chars`` would (``_read_prose`` says which), for the line's box and
    font size, and how many visible characters each stands for."""

    text: str
    chars: list[Char]
    counts: list[int]


@dataclass
class PageData:
    """One page: its size, characters in content order, painted shapes, and what the port cannot do."""

    number: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    lines: list[Shape] = field(default_factory=list)
    rects: list[Shape] = field(default_factory=list)
    curves: list[Shape] = field(default_factory=list)
    images: int = 0
    #: Share of the page covered by images (their bounding boxes, overlaps counted twice).
    image_area: float = 0.0
    #: Characters whose glyph has no usable Unicode (no mapping, U+FFFD, private use).
    bad_chars: int = 0
    unsupported: list[str] = field(default_factory=list)
    #: Fonts of the page's text that pdfium takes from the machine (not embedded, not standard).
    system_fonts: list[str] = field(default_factory=list)
    #: A page read for its prose only (``PdfiumDocument.page`` with ``chars_needed``): its lines as pdfium
    #: breaks its text, ``chars`` left empty. None when the characters were read.
    text_lines: list[TextLine] | None = None
    #: Visible (non-space) characters of a page read for its prose (``chars`` counts them otherwise).
    visible: int = 0

    @property
    def shapes(self) -> list[Shape]:
        return self.lines + self.rects + self.curves


#: pdfium is not thread-safe: every use of a document holds this lock (threads then take turns; use
#: processes to read PDFs in parallel).
PDFIUM_LOCK = threading.RLock()


class PdfiumDocument:
    """A PDF opened from bytes with pdfium (empty password when the file allows it).

    The document holds ``PDFIUM_LOCK`` from opening to ``close()`` (use it as a context manager).
    """

    def __init__(self, data: bytes) -> None:
        PDFIUM_LOCK.acquire()
        self.handle: Any = None
        try:
            self._open(data)
        except BaseException:
            if self.handle:
                R.FPDF_CloseDocument(self.handle)
            PDFIUM_LOCK.release()
            raise

    def _open(self, data: bytes) -> None:
        # pdfium reads from this buffer for the document's lifetime.
        self._buf = ctypes.create_string_buffer(data, len(data))
        self.handle = R.FPDF_LoadMemDocument64(self._buf, len(data), None)
        if not self.handle:
            reason = _load_error(R.FPDF_GetLastError())
            if reason.startswith("corrupt") and b"%%EOF" not in data[-2048:]:
                reason = "truncated or corrupt PDF (no end-of-file marker; the download may be incomplete)"
            raise ExtractionError(reason, "failed")
        self.n_pages = R.FPDF_GetPageCount(self.handle)
        self.descents = descent_overrides(data)

    def close(self) -> None:
        if self.handle:
            R.FPDF_CloseDocument(self.handle)
            self.handle = None
            PDFIUM_LOCK.release()

    def __enter__(self) -> PdfiumDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def page(
        self, index: int, shapes: bool = True, chars_needed: Callable[[PageData], bool] | None = None
    ) -> PageData:
        """Read page ``index`` (0-based): characters always, shapes unless ``shapes`` is False.

        With ``chars_needed``, the shapes are read first, and a page for which it says no (a page
        without tables, say) is read for its prose only: ``text_lines`` from pdfium's text in one call
        and a few characters a line, not every character (each costs several pdfium calls). A page whose
        content the prose reading cannot vouch for (rotation, forms, rotated or unmapped characters,
        text outside the Basic Multilingual Plane) gets its characters read all the same."""
        page = R.FPDF_LoadPage(self.handle, index)
        if not page:
            raise ExtractionError(f"corrupt PDF: page {index + 1} cannot be loaded", "failed")
        try:
            # pdfplumber measures pages by their MediaBox (pdfium's page size is the CropBox).
            l_, b_, r_, t_ = (ctypes.c_float() for _ in range(4))
            if R.FPDFPage_GetMediaBox(page, l_, b_, r_, t_):
                width, height = abs(r_.value - l_.value), abs(t_.value - b_.value)
                origin = (min(l_.value, r_.value), min(b_.value, t_.value))
            else:
                width, height = R.FPDF_GetPageWidthF(page), R.FPDF_GetPageHeightF(page)
                origin = (0.0, 0.0)
            data = PageData(index + 1, _r(width), _r(height))
            if abs(origin[0]) > 0.01 or abs(origin[1]) > 0.01:
                data.unsupported.append("MediaBox not at the origin")
            rotation = R.FPDFPage_GetRotation(page)
            if rotation:
                data.unsupported.append(f"page rotated by {rotation * 90}°")
            system: dict[int, str | None] = {}
            if chars_needed is None:
                text_objects = _read_chars(page, data, self.descents, system)
                _read_objects(page, data, shapes, text_objects, system)
                return data
            texts = _read_objects(page, data, shapes, None, system)
            if data.unsupported or chars_needed(data) or not _read_prose(page, data, self.descents, system):
                chars_from = _read_chars(page, data, self.descents, system, len(texts))
                texts = [t for t in texts if t not in chars_from]
            # Text objects that gave no characters (all of them, for a page read for its prose): their
            # fonts are checked (text pdfium could not measure vanishes).
            for obj in texts:
                _note_font(data, _system_font(_text_object_font(obj), system))
            return data
        finally:
            R.FPDF_ClosePage(page)


_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor")
_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_ASCENT = re.compile(rb"/Ascent\s+(-?[\d.]+)")
_DESCENT = re.compile(rb"/Descent\s+(-?[\d.]+)")
#: pdfminer's descents (Adobe's metrics) for the standard fonts it recognises by their exact BaseFont.
_STANDARD_DESCENT = {
    **dict.fromkeys(("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique"), -194.0),
    **dict.fromkeys(("CourierNew", "CourierNew,Italic", "CourierNew,Bold", "CourierNew,BoldItalic"), -194.0),
    **dict.fromkeys(("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique"), -207.0),
    **dict.fromkeys(("Arial", "Arial,Italic", "Arial,Bold", "Arial,BoldItalic"), -207.0),
    **dict.fromkeys(("Times-Roman", "Times-Bold", "Times-BoldItalic", "Times-Italic"), -217.0),
    **dict.fromkeys(
        ("TimesNewRoman", "TimesNewRoman,Italic", "TimesNewRoman,Bold", "TimesNewRoman,BoldItalic"), -217.0
    ),
}
_BASEFONT = re.compile(rb"/BaseFont\s*/([A-Za-z,\-]+)(?=[\s/>\]])")


def descent_overrides(data: bytes) -> dict[bytes, float]:
    """Fonts whose descent pdfminer takes differently from pdfium, by base name: descent / 1000.

    - A descriptor giving Ascent 0 and Descent 0 (LibreOffice writes these): pdfminer puts character
      bottoms on the baseline, pdfium takes the metrics from the font program.
    - A standard font named exactly (``/BaseFont /Helvetica``): pdfminer uses Adobe's metrics whatever
      the descriptor says, pdfium its own.

    pdfium does not say where its metrics came from, so descriptors are read from the file's bytes
    (those inside compressed object streams are not seen and keep pdfium's metrics).
    """
    out: dict[bytes, float] = {}
    for m in _DESCRIPTOR.finditer(data):
        start = data.rfind(b"<<", max(0, m.start() - 1000), m.start())
        end = data.find(b">>", m.end(), m.end() + 2000)
        if start < 0 or end < 0:
            continue
        window = data[start:end]
        name, ascent, descent = _NAME.search(window), _ASCENT.search(window), _DESCENT.search(window)
        if name and ascent and descent and float(ascent.group(1)) == 0 and float(descent.group(1)) == 0:
            # pdfium reports base font names without the subset prefix (ABCDEF+).
            out[name.group(1).split(b"+", 1)[-1]] = 0.0
    for m in _BASEFONT.finditer(data):
        standard = _STANDARD_DESCENT.get(m.group(1).decode("ascii"))
        if standard is not None:
            out[m.group(1)] = standard / 1000.0
    return out


def _load_error(code: int) -> str:
    if code == R.FPDF_ERR_PASSWORD:
        return "encrypted PDF (password required)"
    if code == R.FPDF_ERR_SECURITY:
        return "encrypted PDF (unsupported security handler)"
    if code == R.FPDF_ERR_FORMAT:
        return "corrupt PDF (not a readable PDF structure)"
    if code == R.FPDF_ERR_FILE:
        return "corrupt PDF (cannot be opened)"
    return f"corrupt PDF (pdfium error {code})"


def _r(v: float) -> float:
    return round(v, _DIGITS)


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (pdfminer's ``mult_matrix``)."""
    a1, b1, c1, d1, e1, f1 = m
    a0, b0, c0, d0, e0, f0 = n
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


#: Fonts pdfium draws from copies of its own when they are not embedded (the standard 14, under the names
#: writers give them): measured the same on every machine.
_BUILTIN_FONT = re.compile(
    r"(Arial|Helvetica|Courier|CourierNew|Times|TimesNewRoman|Symbol|ZapfDingbats)(PS)?(MT)?"
    r"([-,][A-Za-z]+(MT)?)?"
)


def _system_font(font: int | None, cache: dict[int, str | None]) -> str | None:
    """The base name of ``font`` when pdfium measures it through the machine's fonts (not embedded and
    not a standard font), else None; asked once per font of a page."""
    if not font:
        return None
    if font not in cache:
        handle = ctypes.cast(font, R.FPDF_FONT)
        name = None
        if not R.FPDFFont_GetIsEmbedded(handle):
            buf = ctypes.create_string_buffer(256)
            n = R.FPDFFont_GetBaseFontName(handle, buf, 256)
            base = buf.raw[: max(n - 1, 0)].decode("utf-8", errors="replace")
            if not _BUILTIN_FONT.fullmatch(base):
                name = base or "(unnamed font)"
        cache[font] = name
    return cache[font]


def _note_font(data: PageData, name: str | None) -> None:
    if name is not None and name not in data.system_fonts:
        data.system_fonts.append(name)


class _Scratch:
    """ctypes out-parameters reused for every call, and the page's fonts (``_system_font``)."""

    def __init__(self, system: dict[int, str | None] | None = None) -> None:
        self.system: dict[int, str | None] = {} if system is None else system
        self.matrix = R.FS_MATRIX()
        self.x = ctypes.c_float()
        self.y = ctypes.c_float()
        self.fill_mode = ctypes.c_int()
        self.stroke = ctypes.c_int()
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))
        #: Their addresses, as the ``_fast`` functions take them.
        self.at = {
            name: ctypes.addressof(getattr(self, name))
            for name in ("matrix", "x", "y", "fill_mode", "stroke", "left", "bottom", "right", "top")
        }


def _read_objects(
    page: ctypes.c_void_p,
    data: PageData,
    shapes: bool,
    text_objects: set[int] | None,
    system: dict[int, str | None] | None = None,
) -> list[int]:
    """Paths (and images, forms) of the page.

    With ``text_objects`` (the text objects the characters came from), those are skipped without asking
    pdfium for their type (WPS writes one text object per character), and a text object that gave no
    characters has its font checked (text pdfium could not measure vanishes). With None (the characters
    are not read yet), the page's text objects are returned, unchecked."""
    scratch = _Scratch(system)
    n = R.FPDFPage_CountObjects(page)
    address = _address(page)
    handles = [_page_object(address, i) for i in range(n)]
    texts: list[int] | None = None
    if text_objects is None:
        others, texts = handles, []
    else:
        others = [h for h in handles if h not in text_objects]
    _read_list(others, None, data, shapes, scratch, 0, texts)
    return texts or []


def _object_matrix(obj: int, s: _Scratch) -> Matrix:
    _object_matrix_of(obj, s.at["matrix"])
    m = s.matrix
    return (_r(m.a), _r(m.b), _r(m.c), _r(m.d), _r(m.e), _r(m.f))


def _read_list(
    objects: list[int],
    outer: Matrix | None,
    data: PageData,
    shapes: bool,
    s: _Scratch,
    depth: int,
    texts: list[int] | None = None,
) -> None:
    """Painted paths of ``objects``; a Form XObject's children are read through its matrix. Text
    objects go to ``texts`` when given, else have their fonts checked."""
    for obj in objects:
        kind = _object_type(obj)
        if kind == _IMAGE:
            data.images += 1
            at = s.at
            if outer is None and _object_bounds(obj, at["left"], at["bottom"], at["right"], at["top"]):
                area = (s.right.value - s.left.value) * (s.top.value - s.bottom.value)
                data.image_area += area / max(data.width * data.height, 1.0)
            continue
        if kind == _FORM:
            if "Form XObject" not in data.unsupported:
                data.unsupported.append("Form XObject")
            if depth < 8:
                form = _object_matrix(obj, s)
                inner = form if outer is None else _mult(form, outer)
                k = _form_count(obj)
                _read_list([_form_object(obj, j) for j in range(k)], inner, data, shapes, s, depth + 1, texts)
            continue
        if kind == _TEXT:
            if texts is not None:
                texts.append(obj)
            else:
                _note_font(data, _system_font(_text_object_font(obj), s.system))
            continue
        if kind != _PATH or not shapes:
            continue
        matrix = _object_matrix(obj, s)
        if outer is not None:
            matrix = _mult(matrix, outer)
        _read_path(obj, matrix, data, s)


def _read_path(obj: int, matrix: Matrix, data: PageData, s: _Scratch) -> None:
    a, b, c, d, e, f = matrix
    at = s.at
    _draw_mode(obj, at["fill_mode"], at["stroke"])
    is_fill = s.fill_mode.value != 0
    is_stroke = bool(s.stroke.value)
    # The path as pdfminer records it: (op, x, y) with "h" after a closing segment.
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    x, y = s.x, s.y
    x_at, y_at = at["x"], at["y"]
    for j in range(_count_segments(obj)):
        seg = _segment(obj, j)
        _segment_point(seg, x_at, y_at)
        px, py = _r(x.value), _r(y.value)
        # pdfminer's apply_matrix_pt (PDF space; flipped to pdfplumber's top-left origin later).
        pt = (a * px + c * py + e, b * px + d * py + f)
        t = _segment_type(seg)
        if t == _SEG_BEZIER:
            # pdfium reports a curve as three points; pdfminer keeps the end point.
            bezier += 1
            if bezier % 3:
                continue
            ops.append("c")
        else:
            bezier = 0
            ops.append("m" if t == _SEG_MOVE else "l")
        pts.append(pt)
        if _segment_close(seg):
            ops.append("h")
            pts.append(pts[_subpath_start(ops)])
    _classify(ops, pts, is_fill, is_stroke, data)


def _subpath_start(ops: list[str]) -> int:
    for k in range(len(ops) - 1, -1, -1):
        if ops[k] == "m":
            return k
    return 0


def _classify(
    ops: list[str], pts: list[tuple[float, float]], fill: bool, stroke: bool, data: PageData
) -> None:
    """``PDFLayoutAnalyzer.paint_path`` of pdfminer.six: one shape per sub-path."""
    if not ops or ops[0] != "m":
        return
    starts = [k for k, op in enumerate(ops) if op == "m"] + [len(ops)]
    for s, end in itertools.pairwise(starts):
        if end - s < 2:  # a lone "m" paints nothing (pdfminer's regex needs m[^m]+)
            continue
        shape = "".join(ops[s:end])
        sub = pts[s:end]
        if len(shape) > 3 and shape[-2:] == "lh" and sub[-2] == sub[0]:
            shape = shape[:-2] + "h"
            sub = sub[:-2] + sub[-1:]
        if shape in ("mlh", "ml"):
            _add_line(sub[0], sub[1], fill, stroke, data)
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = sub
            closed = sub[0] == sub[4]
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            )
            if closed and square:
                _add_rect(sub[0], sub[2], fill, stroke, data)
            else:
                _add_curve(sub, fill, stroke, data)
        else:
            _add_curve(sub, fill, stroke, data)


def _bounds(points: list[tuple[float, float]], page_height: float) -> tuple[float, ...]:
    """(x0, top, x1, bottom, width, height): pdfminer's bbox in PDF space, then pdfplumber's flip."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return (x0, page_height - y1, x1, page_height - y0, x1 - x0, y1 - y0)


def _add_line(
    p0: tuple[float, float], p1: tuple[float, float], fill: bool, stroke: bool, data: PageData
) -> None:
    x0, top, x1, bottom, w, h = _bounds([p0, p1], data.height)
    data.lines.append(Shape("line", x0, top, x1, bottom, w, h, fill, stroke))


def _add_rect(
    p0: tuple[float, float], p2: tuple[float, float], fill: bool, stroke: bool, data: PageData
) -> None:
    x0, top, x1, bottom, w, h = _bounds([p0, p2], data.height)
    data.rects.append(Shape("rect", x0, top, x1, bottom, w, h, fill, stroke))


def _add_curve(points: list[tuple[float, float]], fill: bool, stroke: bool, data: PageData) -> None:
    x0, top, x1, bottom, w, h = _bounds(points, data.height)
    flipped = [(x, data.height - y) for x, y in points]
    data.curves.append(Shape("curve", x0, top, x1, bottom, w, h, fill, stroke, flipped))


def usable(code: int) -> bool:
    """Whether a character code point is real text (not unmapped, a replacement or private use)."""
    return not (
        code == 0
        or code == 0xFFFD
        or code == 0xFFFE
        or 0xE000 <= code <= 0xF8FF
        or code >= 0xF0000
        or (code < 0x20 and code not in (0x09, 0x0A, 0x0D))
    )


def _font_metrics(
    font: int | None, cache: dict[int, tuple[float, float, float] | None], overrides: dict[bytes, float]
) -> tuple[float, float, float] | None:
    """(descent as pdfium uses it, descent as pdfminer does, ascent), in font sizes, of a text
    object's font; None when pdfium has no metrics for it."""
    if not font:
        return None
    if font not in cache:
        asc = ctypes.c_float()
        desc = ctypes.c_float()
        handle = ctypes.cast(font, R.FPDF_FONT)
        if (
            R.FPDFFont_GetAscent(handle, 1000.0, ctypes.byref(asc))
            and R.FPDFFont_GetDescent(handle, 1000.0, ctypes.byref(desc))
            and asc.value != desc.value
        ):
            pdfminer = desc.value / 1000.0
            if overrides:
                buf = ctypes.create_string_buffer(256)
                n = R.FPDFFont_GetBaseFontName(handle, buf, 256)
                pdfminer = overrides.get(buf.raw[: max(n - 1, 0)], pdfminer)
            cache[font] = (desc.value / 1000.0, pdfminer, asc.value / 1000.0)
        else:
            cache[font] = None
    return cache[font]


def _page_text(tp: ctypes.c_void_p, n: int) -> str | None:
    """All characters' Unicode in one call (one UTF-16 unit per character index), None when the page
    has characters outside the BMP and indexes no longer line up."""
    buf = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(tp, 0, n, buf)
    text = bytes(buf)[: 2 * max(got - 1, 0)].decode("utf-16-le", errors="surrogatepass")
    return text if len(text) == n else None


def _read_chars(
    page: ctypes.c_void_p,
    data: PageData,
    overrides: dict[bytes, float] | None = None,
    system: dict[int, str | None] | None = None,
    text_objects: int = 0,
) -> set[int]:
    """The page's characters as pdfminer describes them; returns the text objects they came from (none
    when read by runs).

    ``text_objects`` is how many text objects the page has, when known: a page with about one per
    character (WPS exports) is read by runs (``_chars_by_runs``), where the per-object calls would cost
    several calls a character; with many characters an object, reading each exactly is cheaper."""
    text_page = R.FPDFText_LoadPage(page)
    if not text_page:
        return set()
    try:
        n = R.FPDFText_CountChars(text_page)
        if n <= 0:
            return set()
        text = _page_text(text_page, n)
        if (
            text is not None
            and 2 * text_objects >= n
            and _chars_by_runs(text_page, n, text, data, overrides, system)
        ):
            return set()
        return _chars_of(text_page, n, text, data, overrides, system)
    finally:
        R.FPDFText_ClosePage(text_page)


def _chars_by_runs(
    text_page: Any,
    n: int,
    text: str,
    data: PageData,
    overrides: dict[bytes, float] | None = None,
    system: dict[int, str | None] | None = None,
) -> bool:
    """``_chars_of`` for every character at about a third of its pdfium calls: one box a character.

    Characters of one font and size on one baseline share their loose box's vertical extent. The first
    character of each run of equal extents is read exactly (``_chars_of``: object, matrix, font, size,
    baseline), and the others of the run take its top, bottom, size and orientation, with their own
    left and right. False (``data`` untouched) when the page needs every character read: text outside
    the BMP, glyphs without a Unicode map, rotated or skewed text, or a run whose first character is
    not boxed by its loose box (vertical writing)."""
    tp: Any = _address(text_page)
    get_object = _text_object
    is_generated = _is_generated
    spaces = _SPACES
    kept = [
        i
        for i, ch in enumerate(text)
        if not (ord(ch) in spaces and (not get_object(tp, i) or is_generated(tp, i)))
    ]
    runs = _extent_runs(tp, kept)
    if runs is None:
        return False
    firsts, boxes = runs
    starts = [kept[k] for k in firsts]
    sample = PageData(data.number, data.width, data.height)
    positions: list[int] = []
    _chars_of(text_page, n, text, sample, overrides, system, starts, positions)
    if sample.unsupported or positions != starts:
        return False
    heads = sample.chars
    if any(head.x0 != boxes[k][0] or head.x1 != boxes[k][1] for head, k in zip(heads, firsts)):
        return False
    append = data.chars.append
    bad = 0
    for i, (left, right, run) in zip(kept, boxes):
        code = ord(text[i])
        head = heads[run]
        if not usable(code):
            bad += 1
        append(
            Char(chr(code) if code else "\ufffd", left, head.top, right, head.bottom, head.upright, head.size)
        )
    data.bad_chars += bad
    for name in sample.system_fonts:
        _note_font(data, name)
    return True


def _extent_runs(tp: int, indices: Sequence[int]) -> tuple[list[int], list[tuple[float, float, int]]] | None:
    """One loose box a character of ``indices``: where each run of characters with the same vertical
    extent starts (positions in ``indices``; one font and size on one baseline), and each character's
    left, right and run. None when a glyph has no Unicode map (then every character must be read)."""
    loose = R.FS_RECTF()
    loose_p = ctypes.addressof(loose)
    get_box = _loose_char_box
    map_error = _map_error
    firsts: list[int] = []
    boxes: list[tuple[float, float, int]] = []
    extent = None
    for k, i in enumerate(indices):
        if map_error(tp, i) == 1:
            return None
        get_box(tp, i, loose_p)
        here = (loose.bottom, loose.top)
        if here != extent:
            extent = here
            firsts.append(k)
        boxes.append((loose.left, loose.right, len(firsts) - 1))
    return firsts, boxes


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _read_prose(
    page: ctypes.c_void_p,
    data: PageData,
    overrides: dict[bytes, float] | None = None,
    system: dict[int, str | None] | None = None,
) -> bool:
    """The page's ``text_lines``: its text in one call, split where pdfium breaks lines, one box a
    character, and a few characters of each line read exactly (``_chars_of``); ``visible`` counted from
    the text. False (nothing recorded) when the text cannot be told from it: characters outside the BMP,
    characters without a Unicode map or not real text, sampled characters that are rotated or skewed
    (those need every character: ``_read_chars``)."""
    text_page = R.FPDFText_LoadPage(page)
    if not text_page:
        data.text_lines = []
        return True
    try:
        n = R.FPDFText_CountChars(text_page)
        if n <= 0:
            data.text_lines = []
            return True
        text = _page_text(text_page, n)
        if text is None:
            return False
        spans: list[tuple[int, int]] = []
        start = 0
        for m in _LINE_BREAK.finditer(text):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, n))
        tp = _address(text_page)
        visible = 0
        lines: list[tuple[str, list[int], list[int]]] = []
        wanted: list[int] = []
        for a, b in spans:
            shown = [i for i in range(a, b) if not text[i].isspace()]
            if not shown:
                continue
            if not all(usable(ord(text[i])) for i in shown):
                return False
            visible += len(shown)
            # The first character of each run of equal extents is read exactly and stands for the run
            # (its box and size; the run's length counts for the line's most common size), and the
            # line's last gives its right end.
            runs = _extent_runs(tp, shown)
            if runs is None:
                return False
            firsts, boxes = runs
            counts = [0] * len(firsts)
            for _left, _right, run in boxes:
                counts[run] += 1
            starts = [shown[k] for k in firsts]
            if starts[-1] != shown[-1]:
                starts.append(shown[-1])
                counts.append(0)
            lines.append((text[a:b], starts, counts))
            wanted += starts
        sample = PageData(data.number, data.width, data.height)
        positions: list[int] = []
        _chars_of(text_page, n, text, sample, overrides, system, wanted, positions)
        if sample.unsupported or sample.bad_chars:
            return False
        by_index = dict(zip(positions, sample.chars))
        if any(i not in by_index for i in wanted):
            return False
        data.text_lines = [TextLine(t, [by_index[i] for i in starts], counts) for t, starts, counts in lines]
        data.visible = visible
        for name in sample.system_fonts:
            _note_font(data, name)
        return True
    finally:
        R.FPDFText_ClosePage(text_page)


def _chars_of(
    text_page: Any,
    n: int,
    text: str | None,
    data: PageData,
    overrides: dict[bytes, float] | None = None,
    system: dict[int, str | None] | None = None,
    indices: Sequence[int] | None = None,
    positions: list[int] | None = None,
) -> set[int]:
    """Characters ``indices`` (all ``n`` when None) of a loaded text page, appended to ``data.chars`` as
    pdfminer describes them (``positions`` gets the index of each); returns their text objects.

    The per-character ctypes calls are what costs here (a few microseconds each, against about 2 ms a
    page for pdfium's own text parse): the page's text comes in one call, each character's text object
    in one pass, and an object's matrix, size and font are asked once per object, not per character."""
    height = data.height
    loose = R.FS_RECTF()
    loose_p = ctypes.addressof(loose)
    matrix = R.FS_MATRIX()
    matrix_p = ctypes.addressof(matrix)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_p, oy_p = ctypes.addressof(ox), ctypes.addressof(oy)
    chars = data.chars
    append = chars.append
    get_object = _text_object
    tp: Any = _address(text_page)
    # Characters pdfium generated (spaces and line breaks it infers) are not in the PDF: most have no
    # text object; a space inferred inside a text object has one, so those are asked about below.
    wanted = range(n) if indices is None else indices
    handles = [(i, get_object(tp, i)) for i in wanted]
    objects: set[int] = set()
    get_box = _loose_char_box
    get_origin = _char_origin
    is_generated = _is_generated
    spaces = _SPACES
    rotated = 0
    map_errors = 0
    last_obj = None
    upright = skewed = unmapped = False
    size = limit = 0.0
    metrics: tuple[float, float, float] | None = None
    descent = pdminer_descent = span = 0.0
    exact = True
    fonts: dict[int, tuple[float, float, float] | None] = {}
    font_info: dict[int | None, tuple[tuple[float, float, float] | None, bool]] = {}
    system = {} if system is None else system
    overrides = overrides or {}
    for i, obj in handles:
        if not obj:
            continue
        code = ord(text[i]) if text is not None else _unicode(tp, i)
        if (code in spaces or text is None) and is_generated(tp, i):
            continue
        if obj != last_obj:
            # Matrix, size and font are those of the text object: read them once per object.
            last_obj = obj
            objects.add(obj)
            _char_matrix(tp, i, matrix_p)
            a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
            fs = _font_size(tp, i)
            upright = a * d > 0 and b * c <= 0
            skewed = bool(b or c or not upright)
            size = round(fs * d if not b else fs * (b * b + d * d) ** 0.5, _DIGITS)
            limit = 3 * size + 1
            font = _text_object_font(obj)
            known = font_info.get(font)
            if known is None:
                # What depends on the font alone is asked once per font (WPS writes one text
                # object per character, in a handful of fonts). No Unicode for the glyph: pdfium
                # passes the character code off as text (pdfminer writes "(cid:N)"); a font without
                # a map has none for any glyph.
                _note_font(data, _system_font(font, system))
                known = font_info[font] = (_font_metrics(font, fonts, overrides), _map_error(tp, i) == 1)
            metrics, unmapped = known
            if metrics is not None:
                descent, pdminer_descent, ascent = metrics
                exact = descent == pdminer_descent
                span = (ascent - descent) * size
            if unmapped:
                map_errors += 1
        if skewed:
            rotated += 1
        if unmapped or not usable(code):
            data.bad_chars += 1
        get_box(tp, i, loose_p)
        x0, x1, y0, top = loose.left, loose.right, loose.bottom, loose.top
        if x1 - x0 > limit or top - y0 > limit:
            # A vertical-writing font: pdfium leaves its loose box unscaled (about 199 pt wide in
            # WPS exports), but its origin is the lower-left corner of pdfminer's box (one font
            # size square, with the default vertical metrics).
            get_origin(tp, i, ox_p, oy_p)
            x0, x1, y0 = ox.value, ox.value + size, oy.value
        elif metrics is not None and not skewed and (not exact or abs(top - y0 - span) > 0.01):
            # The loose box spans pdfium's ascent and descent around the baseline, widened to the
            # glyph where it reaches further; pdfminer's bottom is its own descent below the
            # baseline. Ask for the baseline when the two may differ.
            get_origin(tp, i, ox_p, oy_p)
            y0 = oy.value + pdminer_descent * size
        bottom = height - y0
        append(Char(chr(code) if code else "\ufffd", x0, bottom - size, x1, bottom, upright, size))
        if positions is not None:
            positions.append(i)
    if rotated:
        data.unsupported.append(f"{rotated} rotated or skewed characters")
    if map_errors:
        data.unsupported.append("characters with Unicode-map errors")
    return objects
