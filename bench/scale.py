"""Scale benchmark: throughput, memory of the whole process tree, and incremental re-runs.

    python bench/scale.py [--pool 200] [--n 2000] [--big 20000] [--out bench/out/scale] [--skip-big]

Renders a pool of ``--pool`` distinct reports in mixed formats with the generator of ``tests/generators``
(every format whose renderer and extractor are available), then makes files from it with cheap byte-level
mutations that change each file's sha256 (a comment or trailing bytes the readers ignore). It measures, each
as a separate ``ogi run`` process (so imports and start-up count, as they do for a user):

- reports/second at N = ``--n`` for ``--jobs 1``, ``--jobs 2`` and ``--engine dask`` (2 workers);
- peak resident memory of the whole process tree (workers included) at N = ``--big`` with ``--jobs 2``;
- the time of a re-run with 1% of the big set's files changed, against the full run.

Prints a Markdown table; the numbers in the README come from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accuracy import RENDERERS, available, render_all  # noqa: E402
from tests.generators.report import generate  # noqa: E402

DEFAULT_FORMATS = ("text_tab", "text_glued", "html", "docx", "xlsx", "pdf")


def build_pool(size: int, root: Path, formats: list[str] | None = None) -> list[tuple[str, str, bytes]]:
    """(format, extension, bytes) for ``size`` distinct generated reports, formats round robin (PDF and
    DOC made by LibreOffice in one batched call each)."""
    renderers, skipped = available(formats)
    if skipped:
        print(f"formats skipped: {skipped}", file=sys.stderr)
    formats = sorted(renderers)
    items = [(formats[i % len(formats)], generate(10_000 + i), f"pool-{i}") for i in range(size)]
    return [
        (fmt, RENDERERS[fmt][1], data)
        for (fmt, _rep, _stem), (data, _expected) in zip(items, render_all(renderers, items), strict=True)
    ]


def mutate(fmt: str, data: bytes, i: int) -> bytes:
    """The same report with different bytes (so a different sha256 and report_id)."""
    if fmt in ("text_tab", "text_glued", "text_plain"):
        return data + f"\n\n（编号 {i}）\n".encode()
    if fmt == "html":
        return data + f"\n<!-- {i} -->\n".encode()
    if fmt in ("docx", "xlsx"):
        return _zip_comment(data, f"ogi-bench {i}".encode())
    if fmt == "doc":
        return data + bytes(512 - len(data) % 512) + f"ogi-bench {i}".encode().ljust(512, b"\0")
    return data + f"\n%ogi-bench {i}\n".encode()  # PDF: a comment after %%EOF


def _zip_comment(data: bytes, comment: bytes) -> bytes:
    """Set the ZIP archive comment (readers ignore it; the bytes change)."""
    import io
    import zipfile

    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as z:
        z.comment = comment
    return out.getvalue()


def make_files(pool: list[tuple[str, str, bytes]], n: int, folder: Path) -> list[tuple[Path, str]]:
    """``n`` files from the pool, each mutated: (path, format)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for i in range(n):
        fmt, ext, data = pool[i % len(pool)]
        path = folder / f"f{i:06d}.{ext}"
        path.write_bytes(mutate(fmt, data, i))
        files.append((path, fmt))
    return files


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack += children.get(p, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def ogi_run(folder: Path, out: Path, *extra: str) -> tuple[float, float, str]:
    """Run ``ogi run`` as a process; (seconds, peak MB of the tree, last line printed)."""
    cmd = [sys.executable, "-m", "ogi", "run", str(folder), "--out", str(out), "-q", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {stderr[-2000:]}")
    return seconds, peak, stdout.strip().splitlines()[0] if stdout.strip() else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--skip-big", action="store_true", help="only the throughput runs")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument(
        "--formats",
        default=",".join(DEFAULT_FORMATS),
        help="comma-separated formats of the pool (default: every format ogi reads without a converter; "
        "add doc to include LibreOffice conversions, about a second each)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    pool = build_pool(args.pool, out, [f for f in args.formats.split(",") if f])
    formats = sorted({f for f, _e, _d in pool})
    results: dict[str, dict[str, float | str]] = {}

    small = out / "files-n"
    make_files(pool, args.n, small)
    runs = [("jobs 1", ["--jobs", "1"]), ("jobs 2", ["--jobs", "2"])]
    if not args.skip_dask:
        runs.append(("dask (2 workers)", ["--engine", "dask", "--jobs", "2"]))
    for name, extra in runs:
        dataset = out / f"dataset-{name.split()[0]}-{extra[-1]}"
        shutil.rmtree(dataset, ignore_errors=True)
        seconds, peak, line = ogi_run(small, dataset, *extra)
        results[name] = {
            "n": args.n,
            "seconds": seconds,
            "reports_per_s": args.n / seconds,
            "peak_mb": peak,
            "summary": line,
        }

    if not args.skip_big:
        big = out / "files-big"
        files = make_files(pool, args.big, big)
        dataset = out / "dataset-big"
        shutil.rmtree(dataset, ignore_errors=True)
        seconds, peak, line = ogi_run(big, dataset, "--jobs", "2")
        results["big, jobs 2"] = {
            "n": args.big,
            "seconds": seconds,
            "reports_per_s": args.big / seconds,
            "peak_mb": peak,
            "summary": line,
        }
        changed = files[::100]
        for i, (path, fmt) in enumerate(changed):
            path.write_bytes(mutate(fmt, path.read_bytes(), 10**7 + i))
        re_seconds, re_peak, re_line = ogi_run(big, dataset, "--jobs", "2")
        results["re-run, 1% changed"] = {
            "n": len(changed),
            "seconds": re_seconds,
            "share_of_full_run": re_seconds / seconds,
            "peak_mb": re_peak,
            "summary": re_line,
        }

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.json:
        print(
            json.dumps(
                {"machine": machine, "formats": formats, "results": results}, ensure_ascii=False, indent=2
            )
        )
        return 0
    print(f"Machine: {machine}. Pool: {args.pool} reports in {', '.join(formats)}.\n")
    print("| run | files | seconds | reports/s | peak memory (process tree) |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        rate = (
            f"{r['reports_per_s']:.1f}"
            if "reports_per_s" in r
            else f"{100 * float(r['share_of_full_run']):.1f}% of the full run"
        )
        print(f"| {name} | {r['n']} | {float(r['seconds']):.1f} | {rate} | {float(r['peak_mb']):.0f} MB |")
    j1, j2 = results.get("jobs 1"), results.get("jobs 2")
    if j1 and j2:
        print(f"\n--jobs 2 is {float(j2['reports_per_s']) / float(j1['reports_per_s']):.2f}× --jobs 1.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
