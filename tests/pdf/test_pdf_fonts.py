"""Same document on every machine: text in fonts that are not embedded (issue 15, item 17).

pdfium measures such text through the machine's fonts (without a CJK font, the vertical label of the
WPS page, set in ``STSong-Light`` with ``UniGB-UCS2-V``, vanishes); ogi reads those pages' characters
with pdfminer. The last test reads the fixtures again with the machine's CJK fonts hidden (a tmpfs over
each folder ``fc-list :lang=zh file`` names, in a private mount namespace) and expects the same grids.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_handmade import VERTICAL_LABEL, wps_page
from pdf_helpers import grids, paragraphs, read

from ogi.extractors.model import Table
from ogi.extractors.pdf.pdfium import PdfiumDocument

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
ENGINES = ("pdfium", "plumber", "auto")


def cjk_font_folders() -> list[str]:
    """The folders holding the machine's CJK fonts (fontconfig's list; pdfium scans the same folders)."""
    if shutil.which("fc-list") is None:
        return []
    done = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=60)
    files = [line.split(":", 1)[0].strip() for line in done.stdout.splitlines() if line.strip()]
    return sorted({str(Path(f).parent) for f in files if f})


@pytest.mark.parametrize("chars_needed", [None, lambda _page: True, lambda _page: False])
def test_fonts_that_are_not_embedded_are_named(chars_needed: object) -> None:
    """Whichever way the page is read: characters first, shapes first, or for its prose only."""
    with PdfiumDocument(wps_page()) as pdoc:
        page = pdoc.page(0, chars_needed=chars_needed)  # type: ignore[arg-type]
    assert page.system_fonts == ["STSong-Light"]  # Helvetica is pdfium's own: not named


def test_embedded_fonts_are_not_named(huaian: bytes) -> None:
    with PdfiumDocument(huaian) as pdoc:
        assert all(not pdoc.page(i).system_fonts for i in range(pdoc.n_pages))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_vertical_label_is_read_by_every_engine(wps_pdf: bytes, engine: str) -> None:
    doc = read(wps_pdf, engine)
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [c.text for c in table.cells if c.col == 0 and c.text] == [VERTICAL_LABEL]
    assert doc.meta["font_fallbacks"] == {"1": "STSong-Light"}


def _readings(paths: list[Path]) -> dict[str, dict[str, object]]:
    return {
        f"{p.name}:{engine}": {"grids": grids(d), "paragraphs": paragraphs(d), "engine": d.meta["pdf_engine"]}
        for p in paths
        for engine, d in ((e, read(p.read_bytes(), e)) for e in ENGINES)
    }


_CHILD = """
import json, sys
sys.path[:0] = [{root!r}, {here!r}]
from pathlib import Path
from test_pdf_fonts import _readings
print(json.dumps(_readings([Path(p) for p in sys.argv[1:]]), ensure_ascii=False))
"""


@pytest.mark.slow
def test_same_grids_with_the_cjk_fonts_hidden(tmp_path: Path, huaian: bytes) -> None:
    folders = cjk_font_folders()
    if not folders:
        pytest.skip("no CJK fonts installed: nothing to hide (the other tests already read without them)")
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("hiding the fonts needs root and unshare (a private mount namespace)")
    files = {"wps.pdf": wps_page(), "wps-forms.pdf": wps_page(pages=2, form_pages=(2,)), "huaian.pdf": huaian}
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(root=str(ROOT), here=str(HERE)), encoding="utf-8")
    mounts = " && ".join(f"mount -t tmpfs none '{f}'" for f in folders)
    command = f'{mounts} && test -z "$(fc-list :lang=zh file)" && echo fonts-hidden >&2 && exec "$@"'
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", command, "sh", sys.executable, str(script), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "fonts-hidden" not in done.stderr:
        pytest.skip(f"could not hide the CJK fonts here: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    hidden = json.loads(done.stdout)
    here = json.loads(json.dumps(_readings(paths), ensure_ascii=False))
    assert hidden == here
    # The vertical label is there without the fonts too.
    assert VERTICAL_LABEL in json.dumps(hidden["wps.pdf:pdfium"]["grids"], ensure_ascii=False)
