"""How fast ogi reads PDF reports, per engine, against pdfplumber alone and against pdfium's text floor.

    python bench/pdf_bench.py [FOLDER_OR_PDF ...] [--repeat N]

Default inputs: the real report in ``tests/corpus/`` and the PDF fixtures the test suite builds
(``tests/.cache/pdf/``, after one ``pytest tests/pdf`` run). Everything runs in ONE warm process (imports
alone cost 70-160 ms): each method reads every file once to warm up, then the methods take turns on each
file ``--repeat`` times; a report's time is the median of its passes, ``ms/report`` the mean over the
reports and ``slowest`` the slowest report. Peak memory is measured in a separate pass under
``tracemalloc`` (Python allocations; pdfium's own C heap is not traced) so that tracing does not slow the
timed passes.

Methods:
- ``auto``, ``pdfium``, ``plumber``: ``ogi.extractors.pdf.reader.extract`` with that engine (tables, spans,
  page breaks, prose);
- ``auto+recognise``: the whole per-report pipeline ``ogi.run.pipeline.read_source`` (extraction,
  recognition, checks);
- ``naive``: pdfplumber ``extract_tables()`` on every page (what one would write without ogi);
- ``floor``: pypdfium2 text of every page, nothing else (no reader can do less).

The goals of issue 18 are printed beside the results: end to end (``auto+recognise``) within 3× the floor
on every report, and at least 5× faster than ``naive`` on the median report. The load average is printed
before and after the timed passes: on a shared machine, compare ratios from one run, not times across runs.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def default_inputs() -> list[Path]:
    files = sorted((ROOT / "tests" / "corpus").glob("*.pdf"))
    files += sorted((ROOT / "tests" / ".cache" / "pdf").glob("*.pdf"))
    return files


def collect(args: list[str]) -> list[Path]:
    if not args:
        return default_inputs()
    out: list[Path] = []
    for a in args:
        p = Path(a)
        out += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return out


def methods() -> dict[str, Callable[[bytes], object]]:
    import pdfplumber
    import pypdfium2 as pdfium

    from ogi.extractors import ExtractOptions
    from ogi.extractors.pdf.reader import extract
    from ogi.run.source import extraction_options, read_source

    def engine(name: str) -> Callable[[bytes], object]:
        options = ExtractOptions(pdf_engine=name)
        return lambda data: extract(data, "pdf", "bench.pdf", options)

    full = extraction_options("auto")

    def naive(data: bytes) -> object:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_tables() for page in pdf.pages]

    def floor(data: bytes) -> object:
        pdf = pdfium.PdfDocument(data)
        try:
            out = []
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                out.append(tp.get_text_range())
                tp.close()
                page.close()
            return out
        finally:
            pdf.close()

    return {
        "auto": engine("auto"),
        "pdfium": engine("pdfium"),
        "plumber": engine("plumber"),
        "auto+recognise": lambda data: read_source("bench.pdf", data, full, name="bench.pdf"),
        "naive": naive,
        "floor": floor,
    }


def born_digital(data: bytes) -> bool:
    from ogi.extractors.pdf.reader import extract

    try:
        return extract(data).format == "pdf"
    except Exception:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", help="PDF files or folders (default: corpus + test fixtures)")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the files (default 5)")
    args = ap.parse_args()
    files = collect(args.inputs)
    if not files:
        sys.exit("no PDF files found (run `pytest tests/pdf` once to build the fixtures)")
    blobs = {f: f.read_bytes() for f in files}
    readable = [f for f, d in blobs.items() if born_digital(d)]
    pages = 0
    import pypdfium2 as pdfium

    for f in readable:
        pages += len(pdfium.PdfDocument(blobs[f]))
    print(f"{len(readable)} born-digital PDF reports, {pages} pages; {args.repeat} timed passes each")
    print(machine())
    print()
    table = methods()
    for fn in table.values():
        for f in readable:  # warm up: imports, caches, first-call costs
            fn(blobs[f])
    # Methods take turns on each file, so a burst of load elsewhere on the machine hits them alike;
    # each report's time is the median of its passes.
    times: dict[str, dict[Path, list[float]]] = {name: {f: [] for f in readable} for name in table}
    gc.collect()
    for _ in range(args.repeat):
        for f in readable:
            for name, fn in table.items():
                t = time.perf_counter()
                fn(blobs[f])
                times[name][f].append(time.perf_counter() - t)
    rows = []
    for name, fn in table.items():
        medians = [statistics.median(ts) for ts in times[name].values()]
        tracemalloc.start()
        peak = 0
        for f in readable:
            tracemalloc.reset_peak()
            fn(blobs[f])
            peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        rows.append((name, statistics.fmean(medians), max(medians), peak))
    print(f"load average after the timed passes {os.getloadavg()[0]:.1f}\n")
    naive = next(r[1] for r in rows if r[0] == "naive")
    floor = next(r[1] for r in rows if r[0] == "floor")
    print(
        f"{'method':<16}{'reports/s':>10}{'ms/report':>11}{'slowest':>10}{'vs naive':>10}{'× floor':>9}"
        f"{'peak MB':>9}"
    )
    for name, mean, worst, peak in rows:
        print(
            f"{name:<16}{1 / mean:>10.1f}{mean * 1000:>11.1f}{worst * 1000:>10.1f}"
            f"{naive / mean:>9.1f}×{mean / floor:>8.1f}×{peak / 2**20:>9.1f}"
        )
    print("\nper report (median ms):")
    names = list(table)
    med = {n: {f: statistics.median(times[n][f]) for f in readable} for n in names}
    print(
        f"{'file':<30}{'pages':>6}"
        + "".join(f"{n:>16}" for n in names)
        + f"{'e2e × floor':>13}{'naive ÷ e2e':>13}"
    )
    for f in readable:
        n_pages = len(pdfium.PdfDocument(blobs[f]))
        cells = "".join(f"{med[n][f] * 1000:>16.1f}" for n in names)
        e2e = med["auto+recognise"][f]
        print(
            f"{f.name[:29]:<30}{n_pages:>6}{cells}{e2e / med['floor'][f]:>12.1f}×{med['naive'][f] / e2e:>12.1f}×"
        )
    worst_floor = max(med["auto+recognise"][f] / med["floor"][f] for f in readable)
    median_naive = statistics.median(med["naive"][f] / med["auto+recognise"][f] for f in readable)
    print(
        f"\ngoals (end to end, auto+recognise): ≤ 3× the floor on every report — worst {worst_floor:.1f}×; "
        f"≥ 5× faster than naive on the median report — {median_naive:.1f}×"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS {rss:.0f} MB (all methods, including pdfium's C heap)")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    import pdfplumber
    import pypdfium2

    return (
        f"machine: {cpu}, {os.cpu_count()} cores, load {load:.1f}; Python {platform.python_version()}, "
        f"pdfplumber {pdfplumber.__version__}, pypdfium2 {pypdfium2.PYPDFIUM_INFO}"
    )


if __name__ == "__main__":
    main()
