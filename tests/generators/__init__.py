"""Report generators for tests and benchmarks (not part of the package).

``report`` draws a random consistent report and ``text_tab`` / ``html`` print it, each returning the bytes
and the expected values (contract §7). ``docx.fill_template`` fills the real agency Word template;
``xlsx.fill_workbook`` lays the same tables out in a workbook; ``libreoffice.convert`` turns them into
legacy ``.doc``/``.xls`` files (cached). ``values.sample_values`` gives a complete set of cell values that
satisfies the template's identities. ``glued`` renders reports as crawled page text with the cells glued.
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
