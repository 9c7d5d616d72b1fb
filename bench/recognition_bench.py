"""How long recognition and checks take per report (``ogi.schema.report.interpret``), beside extraction.

    python bench/recognition_bench.py [FILE_OR_FOLDER ...] [--repeat N] [--cold] [--profile N]

Default inputs: the real reports in ``tests/corpus/`` (PDF, text, HTML, crawled text, the agency template
DOCX), the PDF fixtures the test suite builds (``tests/.cache/pdf/``; they are looked for in this checkout,
then in ``OGI_PDF_FIXTURES``), and generated reports of ``/work/same/inputs`` when that folder exists (one
per format; ``--generated DIR`` names another). ``PYTHONPATH=OTHER_CHECKOUT`` times that checkout's ogi on
the same inputs: run it for the code before and after, back to back.

Everything runs in ONE warm process. Each report is extracted once (the Document is kept) and
``interpret(doc)`` is then timed ``--repeat`` times; ``interpret`` does not change the Document it reads
(checked on every report before timing: the Document is compared with a deep copy taken before the first
call), so the passes share one Document. Extraction of the same report is timed in the same passes, as the
baseline measured in the same run. A report's time is the median of its passes, on the wall clock and in
the thread's CPU time (which other work on a shared machine disturbs less); the load average is printed
before and after.

Texts already seen are recognised from what ogi keeps per text (label rankings, normal forms), so the
passes show a report read again. ``first CPU`` is each report's first call, made after the reports before
it in the list were read: what an ``ogi run`` worker meets (other reports' texts seen, this one's not), a
single measurement (the first report's includes loading the template). ``--cold`` forgets everything kept
per text before every timed call (the labels' index, built once per process, is kept): a report none of
whose texts was ever seen. ``--profile N`` prints cProfile's top N functions instead of the timing table.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ogi.extractors.model import Document

ROOT = Path(__file__).resolve().parent.parent
# Last, so that ``PYTHONPATH=OTHER_CHECKOUT`` times that checkout's ogi on the same inputs (before/after).
sys.path.append(str(ROOT))

CORPUS = (
    "huaian-city-2024.pdf",
    "jiaxing-stats-2022.txt",
    "shanghai-govoffice-2019.html",
    "pingtan-2020-crawled.txt",
    "pingtan-2021-crawled.txt",
    "agency-template-2021.docx",
)
GENERATED = Path("/work/same/inputs")
#: Formats read without LibreOffice, one generated report each.
GENERATED_FORMATS = ("text_tab", "text_glued", "html", "docx", "xlsx", "pdf")


def default_inputs(generated: Path) -> list[Path]:
    files = [ROOT / "tests" / "corpus" / name for name in CORPUS]
    fixtures = ROOT / "tests" / ".cache" / "pdf"
    if not any(fixtures.glob("*.pdf")) and os.environ.get("OGI_PDF_FIXTURES"):
        fixtures = Path(os.environ["OGI_PDF_FIXTURES"])
    files += sorted(fixtures.glob("*.pdf"))
    if generated.is_dir():
        for fmt in GENERATED_FORMATS:
            files += sorted(generated.glob(f"gen-*-{fmt}.*"))[:1]
    return [f for f in files if f.is_file()]


def collect(args: list[str], generated: Path) -> list[Path]:
    if not args:
        return default_inputs(generated)
    out: list[Path] = []
    for a in args:
        p = Path(a)
        out += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "inputs", nargs="*", help="report files or folders (default: corpus, fixtures, generated)"
    )
    ap.add_argument("--repeat", type=int, default=21, help="timed passes (default 21)")
    ap.add_argument("--generated", type=Path, default=GENERATED, help="folder of generated reports")
    ap.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions instead")
    ap.add_argument("--cold", action="store_true", help="forget what is kept per text before every call")
    args = ap.parse_args()

    from ogi.extractors import ExtractionError, detect, extract
    from ogi.run.source import extraction_options
    from ogi.schema.report import interpret

    options = extraction_options("auto")
    files = collect(args.inputs, args.generated)
    print(f"ogi from {Path(sys.modules['ogi'].__file__ or '').parent}")
    docs = {}
    extractors = {}
    first: dict[Path, float] = {}
    for f in list(files):
        data = f.read_bytes()
        fmt = detect(data, f.name, glued_rows=options.glued_rows)

        def read(data: bytes = data, fmt: str = fmt, name: str = f.name) -> Document:
            doc = extract(data, fmt, name=name, options=options)
            doc.meta.setdefault("names", (name, name))  # as read_source does
            return doc

        try:
            doc = read()
        except ExtractionError as exc:
            print(f"skipped {f.name}: {exc.reason}")
            files.remove(f)
            continue
        before = copy.deepcopy(doc)
        c = time.thread_time()
        interpret(doc)
        first[f] = time.thread_time() - c
        if doc != before:
            sys.exit(f"{f.name}: interpret changed its Document; the passes would need a copy each")
        docs[f] = doc
        extractors[f] = read
    if args.profile:
        profile(docs, interpret, args.profile, args.cold)
        return

    load_before = os.getloadavg()
    times: dict[Path, list[float]] = {f: [] for f in files}
    cpu: dict[Path, list[float]] = {f: [] for f in files}
    extraction: dict[Path, list[float]] = {f: [] for f in files}
    gc.collect()
    for _ in range(args.repeat):
        for f in files:
            t = time.perf_counter()
            extractors[f]()
            extraction[f].append(time.perf_counter() - t)
            if args.cold:
                forget_texts()
            t, c = time.perf_counter(), time.thread_time()
            interpret(docs[f])
            cpu[f].append(time.thread_time() - c)
            times[f].append(time.perf_counter() - t)
    load_after = os.getloadavg()
    cold = " (cold: nothing kept per text)" if args.cold else ""
    print(
        f"{len(files)} reports, {args.repeat} timed passes{cold}; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (1 min), {os.cpu_count()} cores\n"
    )
    print("interpret: wall-clock ms and the thread's CPU ms (less sensitive to other work on the machine)")
    print(
        f"{'report':<36}{'format':>12}{'cells':>7}{'interpret ms':>14}{'CPU ms':>9}{'first CPU':>11}"
        f"{'extract ms':>12}{'share':>8}"
    )
    medians, cpu_medians = [], []
    for f in files:
        doc = docs[f]
        cells = sum(len(b.cells) for b in doc.tables)
        m = statistics.median(times[f])
        mc = statistics.median(cpu[f])
        e = statistics.median(extraction[f])
        medians.append(m)
        cpu_medians.append(mc)
        print(
            f"{f.name[:35]:<36}{doc.format:>12}{cells:>7}{m * 1000:>14.2f}{mc * 1000:>9.2f}"
            f"{first[f] * 1000:>11.2f}{e * 1000:>12.2f}"
            f"{m / (m + e):>7.0%}"
        )
    firsts = [first[f] for f in files]
    for name, values in (("wall", medians), ("CPU", cpu_medians), ("first call, CPU", firsts)):
        print(
            f"interpret ({name}): mean of the medians {statistics.fmean(values) * 1000:.2f} ms, "
            f"median {statistics.median(values) * 1000:.2f} ms, slowest {max(values) * 1000:.2f} ms"
        )


def forget_texts() -> None:
    """Forget what ``ogi.schema.labels`` keeps per printed text, in this checkout or an older one."""
    from ogi.schema import labels

    for name in ("squash", "normalize", "strip_numbering"):
        getattr(labels, name).cache_clear()
    for kept in getattr(labels, "_SETS_BY_IDS", {}).values():
        kept.cache.clear()


def profile(
    docs: dict[Path, Document], interpret: Callable[[Document], object], top: int, cold: bool
) -> None:
    prof = cProfile.Profile()
    for _ in range(5):
        for doc in docs.values():
            if cold:
                forget_texts()
            prof.enable()
            interpret(doc)
            prof.disable()
    stats = pstats.Stats(prof).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
