"""Report generators for tests and benchmarks (not part of the package).

``report`` draws a random consistent report (the one report model every renderer prints). Each format
module has ``render(report, stem) -> (bytes, expected)`` with the expected values of output-contract.md
§7: ``text_tab``, ``html``, ``docx`` (the real agency Word template, ``fill_template`` underneath),
``xlsx`` (the Word rendering's tables on a sheet), ``glued`` (crawled text with glued cells; its
reference decides what the text allows), and ``pdf`` / ``doc`` (the Word rendering through LibreOffice,
with ``render_batch`` for one soffice call per target; ``libreoffice.convert_batch`` caches by content
hash under ``tests/.cache/libreoffice/``). ``values.sample_values`` gives a fixed complete set of values
for hand-written tests; ``expected`` is the oracle of single printed cells.
"""

import io
import re
import zipfile

FIXED_TIME = (2024, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def deterministic_zip(data: bytes) -> bytes:
    """The same OOXML package with fixed entry timestamps and a fixed modification time (openpyxl writes
    the time of saving), so equal content gives equal bytes (fixture caches key on the bytes' hash)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", content)
            dst.writestr(info, content)
    return out.getvalue()
