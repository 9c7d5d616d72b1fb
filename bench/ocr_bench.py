"""OCR benchmark: scans of the real report and of generated reports, clean and with scanner noise.

    python bench/ocr_bench.py [--reports 6] [--seed 100] [--json]

Each report is rendered at 200 dpi and wrapped as an image-only PDF (``tests/generators/scan.py``):

- "clean": as is, the page size declaring 200 dpi;
- "noisy": as a flatbed scan would deliver it (rotated 0.5–1.5°, Gaussian noise of 12 grey levels, JPEG
  at quality 70);
- "72 dpi": clean, but the page size is the pixel count in points (what Pillow, many phone apps and some
  copiers write: a 200-dpi A4 scan on a page 23 inches wide);
- "shaded": the tables' header rows and every other row printed on grey, with the noise, at 72 dpi.

ogi reads each PDF end to end (``read_source``: rendering, OCR, grids, recognition, identities), and the
benchmark reports:

- cells exactly right: the value, and blank/placeholder where the source prints one, against what the
  generator wrote (generated reports) or the hand-typed expected file (淮安 2024, ``tests/corpus``);
- how many of the wrong cells are wrong in the born-digital PDF as well (read from its text layer: not
  OCR's doing);
- cells not read at all (missing, or ambiguous): the report's status is ``partial`` and says which;
- wrong numbers of table 二 (no identity can catch them: there must be none) and blanks or placeholders
  read as a number;
- whether every wrong number of tables 三 and 四 is caught: involved in a hard check that fails (a
  placeholder read as blank is no wrong number: both count as 0);
- corrections made by the identities (``ocr_corrected``), and how many were right;
- seconds per page: wall clock, and CPU time of the process (all threads; OCR runs on both cores, so
  on an otherwise idle 2-core machine the wall clock is about half the CPU time), pages per second, and
  the ratio to the **baseline** measured in the same run on the same scans: RapidOCR's plain full-page
  call with its default settings (``RapidOCR()(image)``: detection, direction classifier and recognition
  of every line; what one would write without ogi), given the page as ogi renders it. It reads text, not
  tables, so its time is a floor of sorts, not a competitor's accuracy. The goal of issue 18 (≤ 1.0 s a
  page, median) is printed beside them. ``--speed-only`` skips the generated reports and the scoring's
  text-layer pass (the real report's scans only).

Generated reports come from ``tests/generators`` (random values and layout variants that the Word
template can print), filled into the agency template and printed to PDF by LibreOffice.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ogi.run.source import read_source  # noqa: E402
from tests.generators.libreoffice import convert_batch  # noqa: E402
from tests.generators.report import generate  # noqa: E402
from tests.generators.scan import Variation  # noqa: E402
from tests.ocr import fixtures as F  # noqa: E402

#: Layout variants of the generator that the Word template prints (others add rows or columns).
VARIANTS = (
    "blank_zero",
    "slash_zero",
    "other_single_row",
    "decimals",
    "large_numbers",
    "thousands_separators",
    "units_in_cells",
    "signed_change",
    "wrong_total",
)


@dataclass
class Result:
    name: str
    scan: str
    pages: int
    seconds: float
    cpu: float
    #: The same pages read by RapidOCR's plain full-page call (wall clock and CPU seconds).
    baseline: float
    baseline_cpu: float
    cells: int
    right: int
    wrong: list[tuple[str, Any, Any]] = field(default_factory=list)
    missing: int = 0
    wrong_t34: int = 0
    #: Wrong numbers of table 二, and blanks or placeholders read as a number (no check sees either).
    wrong_t2: int = 0
    blank_as_value: int = 0
    caught_t34: int = 0
    corrected: int = 0
    corrected_right: int = 0
    status: str = ""
    #: Wrong cells that are wrong in the born-digital PDF too (not OCR's doing).
    shared: int = 0


def _n_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


@cache
def plain_rapidocr() -> Any:
    """RapidOCR with its default settings (the wheel's models named, so that nothing is downloaded)."""
    from rapidocr import RapidOCR

    from ogi.extractors.ocr.engine import _packaged

    return RapidOCR(
        params={
            "Global.log_level": "error",
            "Det.model_path": str(_packaged("*det*.onnx")),
            "Cls.model_path": str(_packaged("*cls*.onnx")),
            "Rec.model_path": str(_packaged("*rec*.onnx")),
        }
    )


def baseline(pdf: bytes) -> tuple[float, float]:
    """Wall and CPU seconds of RapidOCR's plain call on every page, rendered as ogi renders it."""
    from ogi.extractors.ocr.scanned_pdf import render

    engine = plain_rapidocr()
    seconds = cpu = 0.0
    for n in range(1, _n_pages(pdf) + 1):
        pixels, _scale = render(pdf, n)
        started, started_cpu = time.perf_counter(), time.process_time()
        engine(np.repeat(pixels[:, :, None], 3, axis=2))
        seconds += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return seconds, cpu


def score(
    name: str, scan: str, pdf: bytes, expected: dict[str, tuple[float | None, str]], compare: bool = True
) -> Result:
    base, base_cpu = baseline(pdf) if compare else (0.0, 0.0)
    started = time.perf_counter()
    cpu = time.process_time()
    rows = read_source(f"{name}-{scan}.pdf", pdf)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    got = {c["cell"]: c for c in rows.cells}
    failed = [c for c in rows.checks if c["severity"] == "hard" and c["outcome"] == "fail"]
    res = Result(
        name,
        scan,
        _n_pages(pdf),
        seconds,
        cpu,
        base,
        base_cpu,
        len(expected),
        0,
        status=rows.report["status"],
    )
    for key, (value, kind) in expected.items():
        cell = got.get(key)
        ok = same = False
        if cell is not None:
            read_as = "value" if cell["status"] in ("value", "ocr", "ocr_corrected") else cell["status"]
            same = (cell["value"] is None and value is None) or (
                cell["value"] is not None and value is not None and abs(cell["value"] - value) < 1e-9
            )
            ok = same and read_as == kind
            if cell["status"] == "ocr_corrected":
                res.corrected += 1
                res.corrected_right += int(same)
        if ok:
            res.right += 1
            continue
        res.wrong.append((key, (value, kind), None if cell is None else (cell["raw"], cell["status"])))
        if cell is None or cell["status"] == "ambiguous":
            # Not read: the report's status (partial) says so; no number was made up.
            res.missing += 1
            continue
        if value is None and cell["value"] is not None:
            res.blank_as_value += 1
        if key.startswith("t2.") and not same and cell["value"] is not None:
            res.wrong_t2 += 1
        if key.startswith(("t3.", "t4.")) and not same:
            # A wrong number; a placeholder read as blank (both count as 0) no identity can see.
            res.wrong_t34 += 1
            res.caught_t34 += int(any(key in c["cells"] for c in failed))
    return res


def huaian() -> tuple[bytes, dict[str, tuple[float | None, str]]]:
    data = F.huaian_expected()
    expected: dict[str, tuple[float | None, str]] = {k: (float(v), "value") for k, v in data["cells"].items()}
    expected.update({k: (None, "blank") for k in data.get("blank", [])})
    expected.update({k: (None, "placeholder") for k in data.get("placeholder", [])})
    return F.HUAIAN.read_bytes(), expected


def generated(n: int, seed: int) -> list[tuple[str, bytes, dict[str, tuple[float | None, str]]]]:
    reports = []
    docs = {}
    for i in range(n):
        rng = random.Random(seed + i)
        version = rng.choice(["2021", "2019"])
        variants = [v for v in VARIANTS if rng.random() < 0.3]
        rep = generate(seed + i, version, variants)
        name = f"gen{seed + i}-{version}"
        docs[f"{name}.docx"] = F.report_docx(rep)
        reports.append((name, rep))
    pdfs = convert_batch(docs, "pdf")
    return [(name, pdfs[f"{name}.docx"], F.expected_cells(rep)) for name, rep in reports]


SCANS = ("clean", "noisy", "72 dpi", "shaded")


def scans(pdf: bytes, seed: int, sigma: float = 12.0, quality: int = 70) -> dict[str, bytes]:
    pages = range(1, _n_pages(pdf) + 1)
    variations = {
        "clean": Variation("clean"),
        "noisy": Variation("noisy", noise=True, sigma=sigma, quality=quality),
        "72 dpi": Variation("72 dpi", declared=72),
        "shaded": Variation(
            "shaded", declared=72, shaded=True, banded=True, noise=True, sigma=sigma, quality=quality
        ),
    }
    return {name: v.pdf(pdf, pages, seed) for name, v in variations.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=6, help="generated reports (default 6)")
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--sigma", type=float, default=12.0, help="noise of the noisy scans, grey levels")
    ap.add_argument("--quality", type=int, default=70, help="JPEG quality of the noisy scans")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--speed-only", action="store_true", help="the real report's scans only, no scoring pass")
    args = ap.parse_args()

    from ogi.extractors.ocr import engine as ocr

    if not ocr.available():
        sys.exit(ocr.MISSING)
    ocr.engine()  # load the models before timing
    plain_rapidocr()
    inputs = [("huaian-2024", *huaian())]
    # Untimed: the first pages a session reads cost more (onnxruntime sizes its buffers), for both.
    warm = scans(inputs[0][1], args.seed)["clean"]
    score("warm-up", "clean", warm, inputs[0][2])
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if not args.speed_only:
        inputs += generated(args.reports, args.seed)
    results: list[Result] = []
    for k, (name, pdf, expected) in enumerate(inputs):
        shared: set[str] = set()
        if not args.speed_only:
            text = score(name, "text", pdf, expected, compare=False)
            shared = {w[0] for w in text.wrong}
        for scan, data in scans(pdf, args.seed + k, args.sigma, args.quality).items():
            res = score(name, scan, data, expected)
            res.shared = len({w[0] for w in res.wrong} & shared)
            results.append(res)
            print(
                f"{name:18} {scan:5} {res.pages} pages {res.seconds / res.pages:5.2f} s/page "
                f"(CPU {res.cpu / res.pages:5.2f}; baseline {res.baseline / res.pages:5.2f}) "
                f"{res.right}/{res.cells} right, {res.missing} not read, "
                f"t2 wrong {res.wrong_t2}, blank as value {res.blank_as_value}, "
                f"t3/t4 wrong {res.wrong_t34} caught {res.caught_t34}, "
                f"corrected {res.corrected_right}/{res.corrected} {res.status}",
                file=sys.stderr,
            )
            for w in res.wrong:
                print(f"    {w}", file=sys.stderr)
    if args.json:
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=1, default=str))
        return
    print(report(results, load_before))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def speed(results: list[Result]) -> list[str]:
    """Pages per second and seconds a page beside the baseline of the same run, and the goal."""
    lines = [
        "| scans | pages | ogi s/page (median) | CPU s/page | pages/s | baseline s/page (median) "
        "| baseline CPU s/page | baseline pages/s | ogi ÷ baseline | goal ≤ 1.0 s/page |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    groups = [(scan, [r for r in results if r.scan == scan]) for scan in SCANS] + [("all", results)]
    for scan, group in groups:
        if not group:
            continue
        pages = sum(r.pages for r in group)
        ogi = _median([r.seconds / r.pages for r in group])
        base = _median([r.baseline / r.pages for r in group])
        lines.append(
            f"| {scan} | {pages} | {ogi:.2f} | {_median([r.cpu / r.pages for r in group]):.2f} "
            f"| {pages / sum(r.seconds for r in group):.2f} | {base:.2f} "
            f"| {_median([r.baseline_cpu / r.pages for r in group]):.2f} "
            f"| {pages / sum(r.baseline for r in group):.2f} | {ogi / base:.2f}× "
            f"| {'met' if ogi <= 1.0 else f'not met (+{ogi - 1.0:.2f} s)'} |"
        )
    return lines


def report(results: list[Result], load_before: float = float("nan")) -> str:
    cpu = platform.processor() or platform.machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"{len({r.name for r in results})} reports, {os.cpu_count()} cores ({cpu}), "
        f"load average {load_before:.1f} before and {load:.1f} at the end",
        "",
        *speed(results),
        "",
        "| scans | reports | pages | cells exactly right | not read (missing or ambiguous) "
        "| wrong cells also wrong from the text layer | wrong t2 numbers | blanks read as a number "
        "| wrong t3/t4 numbers caught by a failed check | corrections right | s/page (median) "
        "| s/page (max) | CPU s/page (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scan in SCANS:
        rs = [r for r in results if r.scan == scan]
        for label, group in (
            ("real (淮安 2024)", [r for r in rs if r.name.startswith("huaian")]),
            ("generated", [r for r in rs if not r.name.startswith("huaian")]),
        ):
            if not group:
                continue
            cells = sum(r.cells for r in group)
            right = sum(r.right for r in group)
            wrong = sum(r.wrong_t34 for r in group)
            caught = sum(r.caught_t34 for r in group)
            corr = sum(r.corrected for r in group)
            corr_ok = sum(r.corrected_right for r in group)
            per_page = sorted(r.seconds / r.pages for r in group)
            cpu_page = sorted(r.cpu / r.pages for r in group)
            lines.append(
                f"| {scan}, {label} | {len(group)} | {sum(r.pages for r in group)} | "
                f"{right}/{cells} ({100 * right / cells:.2f} %) | {sum(r.missing for r in group)} "
                f"| {sum(r.shared for r in group)}/{cells - right} "
                f"| {sum(r.wrong_t2 for r in group)} | {sum(r.blank_as_value for r in group)} "
                f"| {caught}/{wrong} | {corr_ok}/{corr} | "
                f"{per_page[len(per_page) // 2]:.1f} | {per_page[-1]:.1f} | {cpu_page[len(cpu_page) // 2]:.1f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
