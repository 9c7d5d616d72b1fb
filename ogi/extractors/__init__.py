"""Format-specific extractors: bytes in, the document model (``ogi.extractors.model``) out.

``extract`` is the one entry point: it dispatches on the contract's ``format`` value. Extractors know
formats, never the template; what they need from it (the labels to cut glued text at) is passed in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ogi.extractors.detect import detect
from ogi.extractors.model import Document, ExtractionError, strip_document_controls

__all__ = ["PDF_ENGINES", "Document", "ExtractOptions", "ExtractionError", "detect", "extract"]


#: The PDF engines (``ogi.extractors.pdf.reader``): ``auto`` is pdfium with pdfplumber for the pages the
#: port does not reproduce.
PDF_ENGINES = ("auto", "pdfium", "plumber")


@dataclass(frozen=True)
class ExtractOptions:
    """Knobs the pipeline passes to extractors."""

    #: One of ``PDF_ENGINES`` (PDF only).
    pdf_engine: str = "auto"
    #: Labels to cut glued crawled text at, in template order (``text_glued`` only).
    glued_labels: Sequence[str] = field(default_factory=tuple)
    #: Row labels that open a row of cells: two of them each followed by a row of numbers tell glued text
    #: from prose (format detection).
    glued_rows: Sequence[str] = field(default_factory=tuple)
    #: Seconds a converter (LibreOffice) may take.
    convert_timeout: float = 120.0
    #: Read pages and pictures without text by OCR when the ``ocr`` extra is installed.
    ocr: bool = True
    #: Images a page shows, by URL as the page links them (resolved against the page's URL), for OCR of
    #: HTML pages whose tables are pictures (the fetcher keeps them).
    images: Mapping[str, bytes] = field(default_factory=dict)
    #: The URL a page was fetched from (relative image links in it are resolved against it).
    page_url: str = ""


# format → "module:function"; modules are imported on first use so a run over text files never pays for
# pdfplumber's or lxml's import.
_EXTRACTORS: dict[str, str] = {
    "text_tab": "ogi.extractors.text:extract_tab",
    "text_plain": "ogi.extractors.text:extract_plain",
    "text_glued": "ogi.extractors.text_glued:extract",
    "html": "ogi.extractors.html.walk:extract",
    "docx": "ogi.extractors.docx:extract",
    "xlsx": "ogi.extractors.xlsx:extract",
    "doc": "ogi.extractors.legacy:extract",
    "wps": "ogi.extractors.legacy:extract",
    "xls": "ogi.extractors.legacy:extract",
    "pdf": "ogi.extractors.pdf.reader:extract",
}


def _load(target: str) -> Callable[..., Document]:
    module, _, func = target.partition(":")
    fn: Callable[..., Document] = getattr(importlib.import_module(module), func)
    return fn


def extract(data: bytes, fmt: str, *, name: str = "", options: ExtractOptions | None = None) -> Document:
    """Read ``data`` (already known to be ``fmt``) into a ``Document``.

    Raises ``ExtractionError`` with the contract status and a one-line reason when it cannot.
    """
    if not data:
        raise ExtractionError("empty file")
    target = _EXTRACTORS.get(fmt)
    if target is None:
        raise ExtractionError(
            f"unrecognised format ({name or 'input'} is not HTML, Word, Excel, PDF or text)"
        )
    # Every extractor's dependencies are required ones: a failing import is a broken installation, and
    # it surfaces as itself (never as a per-file "cannot read" that would hide it in a status column).
    fn = _load(target)
    return strip_document_controls(fn(data, fmt=fmt, name=name, options=options or ExtractOptions()))
