"""Does a change of code leave the dataset as it was? Digest what ``ogi run`` writes, compare two digests.

    python bench/same_output.py build DIR [--n 70] [--seed 500]   # inputs: data/samples + generated reports
    python bench/same_output.py digest DIR OUT.json               # ogi run DIR/inputs, digest the parquet files
    python bench/same_output.py compare BEFORE.json AFTER.json    # exit 1 when any file differs

Used for refactors that must not change behaviour: build the inputs once, digest with the old code (a
checkout of the previous commit, ``PYTHONPATH`` pointing at it), digest with the new, compare. Every parquet
file is compared as a table: its schema and every row, in order (the key-value metadata, which records the
run's id, is left out; so is ``reports.seconds``, the wall time). The generated reports cover every format whose renderer can run here
(LibreOffice-made PDF and DOC included when ``soffice`` is installed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(root: Path, n: int, seed: int) -> None:
    """Copy the samples and render ``n`` generated reports (round robin over the formats) into root/inputs."""
    sys.path.insert(0, str(ROOT))
    from bench.accuracy import available
    from bench.accuracy import build as render

    renderers, skipped = available()
    for fmt, why in skipped.items():
        print(f"skipped {fmt}: {why}")
    render(n, seed, renderers, root)
    samples = root / "inputs" / "samples"
    shutil.copytree(ROOT / "data" / "samples", samples, dirs_exist_ok=True)
    print(f"{sum(1 for _ in (root / 'inputs').rglob('*') if _.is_file())} inputs in {root / 'inputs'}")


def _table_digest(path: Path, drop: tuple[str, ...] = ()) -> str:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    table = table.replace_schema_metadata(None)  # the run id (and pandas' own metadata) differ by run
    for name in drop:
        if name in table.column_names:
            table = table.drop_columns([name])
    h = hashlib.sha256(str(table.schema).encode())
    for batch in table.to_batches():
        h.update(json.dumps(batch.to_pylist(), ensure_ascii=False, default=str, sort_keys=True).encode())
    return h.hexdigest()


def digest(root: Path, out: Path) -> dict[str, str]:
    """Run ``ogi run`` (the ``ogi`` importable from the current directory / PYTHONPATH) and digest its output."""
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "out"
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, "-m", "ogi", "run", str(root / "inputs"), "--out", str(dest), "--jobs", "2"]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        result: dict[str, str] = {}
        for path in sorted(dest.rglob("*.parquet")):
            name = str(path.relative_to(dest))
            result[name] = _table_digest(path, drop=("seconds",) if name == "reports.parquet" else ())
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"{len(result)} parquet files digested into {out}")
    return result


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for k in differ:
        print(f"differs: {k}")
    print("same output" if not differ else f"{len(differ)} of {len(a.keys() | b.keys())} files differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("dir", type=Path)
    b.add_argument("--n", type=int, default=70)
    b.add_argument("--seed", type=int, default=500)
    d = sub.add_parser("digest")
    d.add_argument("dir", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "build":
        build(args.dir, args.n, args.seed)
        return 0
    if args.cmd == "digest":
        digest(args.dir, args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
