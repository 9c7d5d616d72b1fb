"""OCR never reaches the network: the models are the ones inside the rapidocr wheel.

The check runs in a fresh interpreter whose sockets refuse to connect (and whose DNS lookups fail) from
before anything is imported, reads a table picture end to end, and reports which model files were used.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ocr import fixtures as F

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import numpy as np
    from ogi.extractors.ocr import engine as ocr
    from ogi.extractors.ocr.pictures import Picture, read_pictures

    data = open(sys.argv[1], "rb").read()
    blocks, skipped = read_pictures([Picture("t4.png", data)])
    eng = ocr.engine()
    det = eng._det.cfg.Det.model_path
    print(json.dumps({
        "grid": [b.text_grid() for b in blocks if hasattr(b, "text_grid")],
        "models": [str(det), str(eng._rec_model)],
        "package": str(ocr._models_dir()),
    }))
    """
)


@pytest.mark.slow
def test_ocr_works_with_the_network_blocked(t4_png: bytes, tmp_path: Path) -> None:
    F.require_ocr()
    picture = tmp_path / "t4.png"
    picture.write_bytes(t4_png)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(picture)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "NO_PROXY": "*"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    (grid,) = out["grid"]
    assert grid[0][0] == "行政复议" and len(grid[-1]) == 15
    for model in out["models"]:
        assert model.startswith(out["package"]) and Path(model).is_file()
