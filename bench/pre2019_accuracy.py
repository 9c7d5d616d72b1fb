"""Accuracy on generated pre-2019 reports (the Fujian form, issue 17), per format.

    python bench/pre2019_accuracy.py [--n 100] [--office 10] [--seed 0]

Draws reports with ``tests/generators/pre2019.py`` (random year 2011–2018, so both label periods, and the
real tables' quirks as variants), renders each in every format (``--office`` of them also as PDF and DOC
through LibreOffice), reads each with ``ogi.run.source.read_source`` and compares every cell with the truth:
right, wrong, missing, and ``ambiguous`` (counted right only when the truth is among the candidates and
the source cannot tell: glued digits, or one value printed for two columns). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ogi.run.source import extraction_options, read_source
from tests.generators.libreoffice import soffice
from tests.generators.pre2019 import expected_spaced, generate, glued_truth, render

FAST = ("text_tab", "html", "docx", "xlsx", "text_glued spaced", "text_glued glued")
OFFICE = ("pdf", "doc")


def score(fmt: str, seed: int) -> Counter[str]:
    rep = generate(seed)
    kind = fmt.split()[0]
    rep.spaced = fmt.endswith("spaced") or kind != "text_glued"
    data, name = render(rep, kind)
    rows = read_source(f"/bench/{name}", data, extraction_options(), name=name)
    got = {c["cell"]: c for c in rows.cells}
    out: Counter[str] = Counter(reports=1)
    if fmt.endswith("glued"):
        truth = glued_truth(rep)
        for key, value in truth.items():
            out["cells"] += 1
            c = got.get(key)
            if c is None:
                out["missing"] += 1
            elif c["status"] == "ambiguous":
                cands = json.loads(c["locator"]).get("candidates", [])
                out["ambiguous" if value is None or value in cands else "wrong"] += 1
            elif c["value"] == value or (value is None and c["value"] is None):
                out["right"] += 1
            else:
                out["wrong"] += 1
    else:
        exp = expected_spaced(rep, name) if kind == "text_glued" else rep.expected(name)
        for key, value in exp["cells"].items():
            out["cells"] += 1
            c = got.get(key)
            out["missing" if c is None else "right" if c["value"] == value else "wrong"] += 1
        for key in exp["blank"] + exp["placeholder"]:
            out["cells"] += 1
            c = got.get(key)
            out["missing" if c is None else "right" if c["value"] is None else "wrong"] += 1
        for key, cands in exp["ambiguous"].items():
            out["cells"] += 1
            c = got.get(key)
            ok = c is not None and json.loads(c["locator"]).get("candidates") == cands
            out["ambiguous" if ok else "wrong"] += 1
    full = out["right"] + out["ambiguous"] == out["cells"] and not out["ambiguous"]
    out["fully_right"] += int(full)
    out["form_right"] += int(rows.report["form"] == "fj_local" and rows.report["year"] == rep.year)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--office", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    formats = list(FAST) + (list(OFFICE) if soffice() else [])
    print(
        "| format | reports | cells right | ambiguous (truth among candidates) | wrong | missing "
        "| fully right | form and year right | s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fmt in formats:
        n = args.office if fmt in OFFICE else args.n
        total: Counter[str] = Counter()
        started = time.perf_counter()
        for seed in range(args.seed, args.seed + n):
            total += score(fmt, seed)
        cells = total["cells"]
        print(
            f"| {fmt} | {total['reports']} | {total['right']:,}/{cells:,} ({100 * total['right'] / cells:.2f}%) "
            f"| {total['ambiguous']} | {total['wrong']} | {total['missing']} | {total['fully_right']}/{n} "
            f"| {total['form_right']}/{n} | {time.perf_counter() - started:.0f} |"
        )


if __name__ == "__main__":
    main()
