"""Speed of the HTML extractor per page, on the golden comparison's pages (``bench/html_golden.py``).

    python bench/html_speed.py [--against REV] [--repeat 3] [--groups gen,cms,file,test,fuzz] [--wall]

Times ``extract()`` of the working tree, and with ``--against`` that of ``ogi.extractors.html.walk.py`` at git
revision ``REV``, on every input page of ``bench/out/html_golden/inputs`` (run ``bench/html_golden.py
collect`` first). The implementations take turns page by page, each page ``--repeat`` times, and a page's
time is its fastest run, in CPU seconds of the process (``--wall``: elapsed time). On a shared machine
both help: the minimum is the least disturbed run, and CPU time does not count waiting for a core. Prints, as Markdown,
the median and mean milliseconds per page for each group of pages (``gen`` = generated report pages).
No assertions: it measures.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.html_golden import inputs, load_module  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", help="git revision to compare with")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--groups", default="gen,cms,file,test,fuzz")
    ap.add_argument("--wall", action="store_true", help="elapsed time instead of the process's CPU time")
    args = ap.parse_args(argv)
    clock = time.perf_counter if args.wall else time.process_time
    groups = args.groups.split(",")
    pages = {name: data for name, data in inputs().items() if name.split("-", 1)[0] in groups}
    impls = {"current": load_module().extract}
    if args.against:
        impls = {args.against: load_module(rev=args.against).extract, **impls}
    times: dict[str, dict[str, float]] = {label: {} for label in impls}
    for data in list(pages.values())[:5]:  # warm up (imports, regex caches)
        for fn in impls.values():
            fn(data)
    gc.disable()
    try:
        for name, data in pages.items():
            for label, fn in impls.items():
                best = float("inf")
                for _ in range(args.repeat):
                    start = clock()
                    fn(data)
                    best = min(best, clock() - start)
                times[label][name] = best * 1000
            gc.collect()
    finally:
        gc.enable()
    header = "| pages | n | KB (median) |"
    rule = "|---|---:|---:|"
    for label in impls:
        header += f" {label} median ms | {label} mean ms |"
        rule += "---:|---:|"
    if len(impls) == 2:
        header += " speed-up (mean) |"
        rule += "---:|"
    print(header)
    print(rule)
    for group in [*groups, "all"]:
        names = [n for n in pages if group == "all" or n.split("-", 1)[0] == group]
        if not names:
            continue
        kb = statistics.median(len(pages[n]) for n in names) / 1024
        row = f"| {group} | {len(names)} | {kb:.0f} |"
        means = []
        for label in impls:
            values = [times[label][n] for n in names]
            means.append(statistics.fmean(values))
            row += f" {statistics.median(values):.1f} | {means[-1]:.1f} |"
        if len(impls) == 2:
            row += f" {means[0] / means[1]:.1f}× |"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
