"""Accuracy benchmark: ogi on generated reports at scale, in every format, and on the real corpus.

    python bench/accuracy.py [--n 1000] [--seed 0] [--out bench/out] [--formats text_tab,html] [--jobs 2]
                             [--no-plumber] [--no-corpus] [--json]

Draws ``--n`` reports with the generator of ``tests/generators`` (random template version and layout
variants), renders each in one of the formats whose renderer *and* extractor are in this installation
(round robin over ``RENDERERS``: text_tab, html, docx, xlsx, text_glued, pdf, doc), runs
``ogi.run.pipeline.run`` over them, and scores the dataset with ``ogi eval``'s logic
(``ogi.analysis.evaluate``). PDFs are read a second time with the pdfplumber engine (the first run uses
the default, ``auto``). Then it does the same for the real reports of ``tests/corpus`` against their
hand-checked expected files. Prints, as Markdown, accuracy per format, per variant and per template
version.

A format takes part when ``tests/generators/<module>.py`` has ``render(report, stem) -> (bytes, expected)``
(and ``render_batch`` for the LibreOffice-made formats, one soffice call per target), ogi has its
extractor, and, for ``pdf`` and ``doc``, LibreOffice is installed; the others are listed as skipped.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ogi.analysis.evaluate import Evaluation, Totals, evaluate  # noqa: E402
from ogi.run.options import RunOptions  # noqa: E402
from ogi.run.pipeline import run  # noqa: E402
from tests.generators.report import Report, generate  # noqa: E402

#: format → (renderer module, file extension, extractor module)
RENDERERS: dict[str, tuple[str, str, str]] = {
    "text_tab": ("tests.generators.text_tab", "txt", "ogi.extractors.text"),
    "html": ("tests.generators.html", "html", "ogi.extractors.html.walk"),
    "docx": ("tests.generators.docx", "docx", "ogi.extractors.docx"),
    "xlsx": ("tests.generators.xlsx", "xlsx", "ogi.extractors.xlsx"),
    "text_glued": ("tests.generators.glued", "txt", "ogi.extractors.text_glued"),
    "pdf": ("tests.generators.pdf", "pdf", "ogi.extractors.pdf.reader"),
    "doc": ("tests.generators.doc", "doc", "ogi.extractors.legacy"),
}
#: Formats made by LibreOffice from the Word rendering.
NEEDS_SOFFICE = frozenset({"pdf", "doc"})


def available(formats: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Renderer modules of the formats that can run here, and why the others cannot."""
    from tests.generators.libreoffice import soffice

    ready: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for fmt, (module, _ext, extractor) in RENDERERS.items():
        if formats and fmt not in formats:
            continue
        if importlib.util.find_spec(extractor) is None:
            skipped[fmt] = f"no extractor ({extractor})"
            continue
        if fmt in NEEDS_SOFFICE and soffice() is None:
            skipped[fmt] = "LibreOffice (soffice) is not installed"
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError:
            skipped[fmt] = f"no renderer ({module})"
            continue
        if not callable(getattr(mod, "render", None)):
            skipped[fmt] = f"{module} has no render(report, stem)"
            continue
        ready[fmt] = mod
    return ready, skipped


def render_all(renderers: dict[str, Any], items: list[tuple[str, Report, str]]) -> list[tuple[bytes, dict]]:
    """(bytes, expected) of each (format, report, stem), in order: formats with ``render_batch``
    (LibreOffice) render all their reports at once."""
    out: list[tuple[bytes, dict] | None] = [None] * len(items)
    by_format: dict[str, list[int]] = defaultdict(list)
    for i, (fmt, _rep, _stem) in enumerate(items):
        by_format[fmt].append(i)
    for fmt, indexes in by_format.items():
        mod = renderers[fmt]
        if hasattr(mod, "render_batch"):
            done = mod.render_batch([(items[i][1], items[i][2]) for i in indexes])
            for i, result in zip(indexes, done, strict=True):
                out[i] = result
        else:
            for i in indexes:
                out[i] = mod.render(items[i][1], items[i][2])
    return [r for r in out if r is not None]


def build(n: int, seed: int, renderers: dict[str, Any], root: Path) -> dict[str, list[str]]:
    """Render ``n`` reports into ``root/inputs`` with expected files in ``root/expected``.

    Returns the variants of each stem (the report's and the renderer's page-level ones, and the version).
    """
    inputs, expected_dir = root / "inputs", root / "expected"
    for d in (inputs, expected_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    formats = sorted(renderers)
    items = []
    for i in range(n):
        fmt = formats[i % len(formats)]
        items.append((fmt, generate(seed + i), f"gen-{seed + i:06d}-{fmt}"))
    variants: dict[str, list[str]] = {}
    for (fmt, rep, stem), (data, expected) in zip(items, render_all(renderers, items), strict=True):
        ext = RENDERERS[fmt][1]
        (inputs / f"{stem}.{ext}").write_bytes(data)
        (expected_dir / f"{stem}.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
        variants[stem] = [*sorted(set(expected.get("variants", rep.variants))), f"version {rep.version}"]
    return variants


def per_variant(ev: Evaluation, variants: dict[str, list[str]]) -> dict[str, Totals]:
    out: dict[str, Totals] = defaultdict(Totals)
    for score in ev.reports:
        for v in variants.get(score.stem, []):
            out[v].add(score)
        if not variants.get(score.stem) or variants[score.stem] == [
            v for v in variants[score.stem] if v.startswith("version")
        ]:
            out["(no variant)"].add(score)
    return dict(out)


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.2f}%" if d else "–"


def table(rows: dict[str, Totals], first: str) -> str:
    head = f"| {first} | reports | fully right | cells right | wrong | missing | extra | blank→value | template | year | checks right |"
    lines = [head, "|" + "---|" * 11]
    for name, t in rows.items():
        lines.append(
            f"| {name} | {t.reports} | {t.fully_right} ({_pct(t.fully_right, t.reports)}) | "
            f"{t.right}/{t.cells} ({_pct(t.right, t.cells)}) | {t.wrong} | {t.missing} | {t.extra} | "
            f"{t.blank_as_value} | {t.template_right}/{t.template_stated} | {t.year_right}/{t.year_stated} | "
            f"{t.checks_right}/{t.reports} |"
        )
    return "\n".join(lines)


def corpus(root: Path) -> Evaluation:
    """ogi on the real reports of tests/corpus against their hand-checked expected files."""
    out = root / "corpus-dataset"
    shutil.rmtree(out, ignore_errors=True)
    sources = [
        str(p) for p in sorted((ROOT / "tests" / "corpus").iterdir()) if p.suffix not in (".json", ".md")
    ]
    run(sources, RunOptions(out=out, force=True))
    return evaluate(out, ROOT / "tests" / "corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated reports (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--formats", default="", help="comma-separated formats (default: all available)")
    parser.add_argument("--no-corpus", action="store_true", help="skip the real corpus")
    parser.add_argument("--no-plumber", action="store_true", help="read PDFs with the default engine only")
    parser.add_argument("--jobs", type=int, default=1, help="ogi run --jobs (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)

    renderers, skipped = available([f for f in args.formats.split(",") if f] or None)
    if not renderers:
        print(f"no format can run here: {skipped}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    variants = build(args.n, args.seed, renderers, args.out)
    built = time.perf_counter()
    dataset = args.out / "dataset"
    shutil.rmtree(dataset, ignore_errors=True)
    run([str(args.out / "inputs")], RunOptions(out=dataset, force=True, jobs=args.jobs))
    ran = time.perf_counter()
    ev = evaluate(dataset, args.out / "expected")
    by_variant = dict(sorted(per_variant(ev, variants).items()))
    pdfs = sorted((args.out / "inputs").glob("*.pdf"))
    if pdfs and not args.no_plumber:
        # The same PDFs read with the pdfplumber engine: a row of its own.
        plumber = args.out / "dataset-plumber"
        shutil.rmtree(plumber, ignore_errors=True)
        run([str(p) for p in pdfs], RunOptions(out=plumber, force=True, jobs=args.jobs, pdf_engine="plumber"))
        ev_plumber = evaluate(plumber, args.out / "expected")
        if "pdf" in ev_plumber.by_format:
            ev.by_format["pdf (plumber engine)"] = ev_plumber.by_format["pdf"]
    real = None if args.no_corpus else corpus(args.out)

    if args.json:
        result = {
            "generated": {
                "n": args.n,
                "seed": args.seed,
                "formats": sorted(renderers),
                "skipped": skipped,
                "seconds_render": round(built - started, 2),
                "seconds_ogi": round(ran - built, 2),
                **ev.to_dict(),
                "by_variant": {k: {**vars(t), "accuracy": t.accuracy} for k, t in by_variant.items()},
            },
            "corpus": real.to_dict() if real else None,
        }
        result["generated"].pop("reports")
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(
        f"Generated set: {args.n} reports (seeds {args.seed}–{args.seed + args.n - 1}), formats "
        f"{', '.join(sorted(renderers))}; skipped: "
        + (", ".join(f"{f} ({why})" for f, why in sorted(skipped.items())) or "none")
        + f". ogi read them in {ran - built:.1f} s.\n"
    )
    print(table({**ev.by_format, "overall": ev.overall}, "format"))
    print()
    print(table(by_variant, "variant"))
    bad = [s for s in ev.reports if not (s.fully_right and s.checks_right)]
    if bad:
        print(f"\n{len(bad)} generated reports not fully right, e.g.:")
        for s in bad[:10]:
            issues = (s.wrong + s.missing + s.extra + s.blank_as_value)[:3]
            print(
                f"  {s.stem} ({s.status}): "
                + "; ".join(f"{i.cell} expected {i.expected} got {i.got}" for i in issues)
            )
    if real is not None:
        print("\nReal corpus (tests/corpus, hand-checked expected values):\n")
        print(table({**real.by_format, "overall": real.overall}, "format"))
        for s in real.reports:
            print(
                f"  {s.stem}: {s.format}, status {s.status}, {s.right}/{s.cells} cells right"
                + (f" — {s.error}" if s.error else "")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
