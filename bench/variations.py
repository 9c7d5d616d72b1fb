"""Accuracy per variation: generated reports perturbed the way real ones are (issue 14, item 6).

    python bench/variations.py [--n 100] [--seed 0] [--out bench/out-variations] [--jobs 1]

For each variation (Markdown conversions in the styles of common converters, misprinted labels, the
2019 label in a 2021 table, captions apart from their tables, two table-二 items under one header),
draws ``--n`` reports with ``tests/generators``, renders and perturbs them, runs ``ogi run`` over all of
them at once and scores the dataset with ``ogi eval``'s logic. Prints a Markdown table: per variation,
cells right, wrong, missing, ambiguous, blanks read as values, reports fully right.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ogi.analysis.evaluate import evaluate  # noqa: E402
from ogi.run.options import RunOptions  # noqa: E402
from ogi.run.pipeline import run  # noqa: E402
from tests.generators import markdown, text_tab  # noqa: E402
from tests.generators.report import generate  # noqa: E402
from tests.generators.variation import perturb  # noqa: E402

#: name → (renderer, Markdown style or None, perturbations)
VARIATIONS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "markdown: one pipe table per table": ("markdown", "plain", ()),
    "markdown: table 三 in row-group pieces, invented headers 数据1…": ("markdown", "t3_fragments", ()),
    "markdown: … and a wrong (table-四) header above the last rows": ("markdown", "t3_wrong_headers", ()),
    "markdown: table 四 in three 5-column pieces": ("markdown", "t4_pieces", ()),
    "markdown: table-三 labels moved into loose lines": ("markdown", "loose_labels", ()),
    "labels misprinted (3 per report: dropped, changed, cut short)": ("markdown", "plain", ("labels",)),
    "the 2019 label in a 2021 table (规范性文件)": ("markdown", "plain", ("other_version",)),
    "table-二 captions at the foot of the page before": ("markdown", "plain", ("caption_apart",)),
    "two table-二 items under one header and caption": ("markdown", "plain", ("items_merged",)),
    "all of the above at once (pieces, loose labels, misprints, captions)": (
        "markdown",
        "loose_labels",
        ("labels", "other_version", "caption_apart", "items_merged"),
    ),
    "text_tab: labels misprinted (3 per report)": ("text_tab", None, ("labels",)),
}


def build(n: int, seed: int, root: Path) -> None:
    """Render every variation's reports into ``root/inputs`` (stems ``varNN-SEED``, NN the variation's
    place in ``VARIATIONS``), with their expected files in ``root/expected``."""
    inputs, expected_dir = root / "inputs", root / "expected"
    for d in (inputs, expected_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    for v, (renderer, style, kinds) in enumerate(VARIATIONS.values()):
        for i in range(n):
            rep = generate(seed + i)
            stem = f"var{v:02d}-{seed + i:05d}"
            if renderer == "markdown":
                data, expected = markdown.render(rep, stem, style or "plain")
                ext = "md"
            else:
                data, expected = text_tab.render(rep, stem)
                ext = "txt"
            text = perturb(data.decode("utf-8"), rep, kinds, seed + i)
            (inputs / f"{stem}.{ext}").write_text(text, encoding="utf-8")
            (expected_dir / f"{stem}.json").write_text(json.dumps(expected, ensure_ascii=False), "utf-8")


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.2f}%" if d else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="reports per variation (default 100)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out-variations")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--score",
        type=Path,
        help="only score this dataset (made by another ogi from OUT/inputs, e.g. an older version) against OUT/expected",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    names = list(VARIATIONS)
    if args.score:
        dataset = args.score
    else:
        build(args.n, args.seed, args.out)
        dataset = args.out / "dataset"
        shutil.rmtree(dataset, ignore_errors=True)
        run([str(args.out / "inputs")], RunOptions(out=dataset, force=True, jobs=args.jobs))
    ev = evaluate(dataset, args.out / "expected")
    stems = {s.stem: names[int(s.stem[3:5])] for s in ev.reports}
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in ev.reports:
        r = rows[stems[s.stem]]
        ambiguous = sum(1 for i in s.missing if i.status == "ambiguous")
        r["reports"] += 1
        r["fully"] += int(s.fully_right)
        r["cells"] += s.cells
        r["right"] += s.right
        r["wrong"] += len(s.wrong)
        r["missing"] += len(s.missing) - ambiguous
        r["ambiguous"] += ambiguous
        r["blank_as_value"] += len(s.blank_as_value)
    print(
        f"{args.n} generated reports per variation (seeds {args.seed}–{args.seed + args.n - 1}); "
        f"{time.perf_counter() - started:.0f} s in all.\n"
    )
    print(
        "| variation | reports | cells right | wrong | missing | ambiguous | blanks read as values | fully right |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in VARIATIONS:
        r = rows[name]
        print(
            f"| {name} | {r['reports']} | {r['right']:,}/{r['cells']:,} ({_pct(r['right'], r['cells'])}) | "
            f"{r['wrong']} | {r['missing']} | {r['ambiguous']} | {r['blank_as_value']} | "
            f"{r['fully']}/{r['reports']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
