"""A tiny PDF writer for fixtures whose drawing must be exact (WPS-style pages, vertical-writing fonts).

Office suites decide where rules, backgrounds and glyphs go; these fixtures need to say it themselves:
a white fill-only rectangle behind every text line, a table row closed only by a cell background, a
label set in a vertical-writing CJK font at WPS's scale (font size 199 under a 0.05 text matrix). Text
uses a non-embedded CID font with Identity-H or Identity-V encoding and a ToUnicode map, so every
extractor reads the intended characters; digits use Helvetica.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class _Font:
    name: str
    vertical: bool
    cids: dict[str, int] = field(default_factory=dict)
    #: Without a ToUnicode map (and with Adobe-Identity ordering) the glyphs have no known Unicode.
    unicode: bool = True

    def encode(self, text: str) -> str:
        """Codes: UCS-2 (UniGB-UCS2-H/V, so viewers draw real glyphs), or arbitrary CIDs without Unicode."""
        out = []
        for ch in text:
            if ch not in self.cids:
                self.cids[ch] = ord(ch) if self.unicode else len(self.cids) + 1
            out.append(f"{self.cids[ch]:04X}")
        return "<" + "".join(out) + ">"


@dataclass
class Page:
    """One page being drawn; coordinates are PDF points with the origin at the bottom-left."""

    width: float = 595.0
    height: float = 842.0
    ops: list[str] = field(default_factory=list)
    #: Draw the page inside a Form XObject (shifted by its /Matrix and shifted back by ``cm``).
    form: bool = False
    #: Store the page as landscape content turned by /Rotate 90, as authoring tools write a portrait
    #: page printed across a landscape sheet: the drawing is rotated by an exact ``cm``.
    turned: bool = False

    def fill_rect(self, x: float, y: float, w: float, h: float, rgb: tuple[float, float, float]) -> None:
        self.ops.append(f"{rgb[0]:g} {rgb[1]:g} {rgb[2]:g} rg {x:g} {y:g} {w:g} {h:g} re f")

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> None:
        self.ops.append(f"0 0 0 RG {width:g} w {x0:g} {y0:g} m {x1:g} {y1:g} l S")


class Writer:
    """Collects pages and fonts, then writes a PDF 1.4 file with a classic cross-reference table."""

    def __init__(self, unicode: bool = True) -> None:
        self.pages: list[Page] = []
        self.fonts = {"F1": _Font("F1", False, unicode=unicode), "F2": _Font("F2", True, unicode=unicode)}

    def page(self, width: float = 595.0, height: float = 842.0) -> Page:
        p = Page(width, height)
        self.pages.append(p)
        return p

    def text(
        self, page: Page, x: float, y: float, text: str, size: float = 12, vertical: bool = False
    ) -> None:
        """CJK text at baseline (x, y); ``vertical`` sets it top-down in a vertical-writing font with
        WPS's encoding of the size (Tf 20× the size under a 0.05 text matrix)."""
        if vertical:
            code = self.fonts["F2"].encode(text)
            page.ops.append(f"0 0 0 rg BT /F2 {size * 20:g} Tf 0.05 0 0 0.05 {x:g} {y:g} Tm {code} Tj ET")
        else:
            code = self.fonts["F1"].encode(text)
            page.ops.append(f"0 0 0 rg BT /F1 {size:g} Tf 1 0 0 1 {x:g} {y:g} Tm {code} Tj ET")

    def digits(self, page: Page, x: float, y: float, text: str, size: float = 10) -> None:
        page.ops.append(f"0 0 0 rg BT /F3 {size:g} Tf 1 0 0 1 {x:g} {y:g} Tm ({text}) Tj ET")

    def image_page(
        self, jpeg: bytes, px_w: int, px_h: int, width: float = 595.0, height: float = 842.0
    ) -> None:
        """A page that is one picture (a scan)."""
        p = self.page(width, height)
        p.ops.append(f"q {width:g} 0 0 {height:g} 0 0 cm /Im{len(self.pages)} Do Q")
        p.image = (jpeg, px_w, px_h)  # type: ignore[attr-defined]

    def write(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "", compress: bool = True) -> bytes:
            if compress:
                data = zlib.compress(data)
                extra += " /Filter /FlateDecode"
            return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"

        font_ids: dict[str, int] = {}
        for key, font in self.fonts.items():
            # UniGB-UCS2 codes are Unicode already (and pdfminer would look a ToUnicode map up by CID).
            tu = None
            ordering = b"(GB1) /Supplement 2" if font.unicode else b"(Identity) /Supplement 0"
            desc = add(
                b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -120 1000 880]"
                b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>"
            )
            cid = add(
                b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
                b" /CIDSystemInfo << /Registry (Adobe) /Ordering "
                + ordering
                + f" >> /FontDescriptor {desc} 0 R /DW 1000 >>".encode()
            )
            if font.unicode:
                enc = "UniGB-UCS2-V" if font.vertical else "UniGB-UCS2-H"
            else:
                enc = "Identity-V" if font.vertical else "Identity-H"
            to_unicode = f" /ToUnicode {tu} 0 R" if tu else ""
            font_ids[key] = add(
                f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /{enc}"
                f" /DescendantFonts [{cid} 0 R]{to_unicode} >>".encode()
            )
        font_ids["F3"] = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        fonts = " ".join(f"/{k} {v} 0 R" for k, v in font_ids.items())
        pages_id = (
            len(objects)
            + 1
            + 2 * len(self.pages)
            + sum(1 for p in self.pages if hasattr(p, "image") or p.form)
        )
        kids = []
        for n, p in enumerate(self.pages, start=1):
            xobj = ""
            if hasattr(p, "image"):
                jpeg, w, h = p.image
                im = add(
                    f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB"
                    f" /BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n".encode()
                    + jpeg
                    + b"\nendstream"
                )
                xobj = f" /XObject << /Im{n} {im} 0 R >>"
            body = "\n".join(p.ops).encode()
            if p.turned:
                body = f"q 0 1 -1 0 {p.height:g} 0 cm\n".encode() + body + b"\nQ"
            if p.form:
                fm = add(
                    stream(
                        body,
                        f" /Type /XObject /Subtype /Form /BBox [-50 -50 {p.width + 50:g} {p.height + 50:g}]"
                        f" /Matrix [1 0 0 1 12 -7] /Resources << /Font << {fonts} >> >>",
                    )
                )
                xobj = f" /XObject << /Fm{n} {fm} 0 R >>"
                body = f"q 1 0 0 1 -12 7 cm /Fm{n} Do Q".encode()
            content = add(stream(body))
            box = (
                f"[0 0 {p.height:g} {p.width:g}] /Rotate 90"
                if p.turned
                else f"[0 0 {p.width:g} {p.height:g}]"
            )
            kids.append(
                add(
                    f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox {box}"
                    f" /Resources << /Font << {fonts} >>{xobj} >> /Contents {content} 0 R >>".encode()
                )
            )
        assert (
            add(
                f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
            )
            == pages_id
        )
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


def _to_unicode(font: _Font) -> bytes:
    items = [f"<{cid:04X}> <{ord(ch):04X}>" for ch, cid in font.cids.items()]
    blocks = "".join(
        f"{len(items[i : i + 100])} beginbfchar\n" + "\n".join(items[i : i + 100]) + "\nendbfchar\n"
        for i in range(0, len(items), 100)
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
