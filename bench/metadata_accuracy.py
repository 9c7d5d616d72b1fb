"""Metadata accuracy: is each report's year, agency and template version read right, per format?

    python bench/metadata_accuracy.py [--n 200] [--pdf 40] [--scans 10] [--seed 0] [--formats …] [--json]

Draws ``--n`` reports per format with the generator of ``tests/generators``, each with a random title
layout (``report.draw_title``: wrapped at random offsets, spaced, Chinese-numeral years, the agency in the
page header, titles missing with the year only in the prose, web-page titles that differ from the body),
renders them (text_tab, html, docx, xlsx, text_glued; ``--pdf`` of them as PDFs through LibreOffice, and
``--scans`` of those PDFs' first pages as 200-dpi scans read by OCR) and reads each with
``ogi.run.source.read_source``. A year or agency is *right* when it equals the generated one, *null* when ogi
leaves it empty (the reason is in ``error``), *wrong* otherwise. "… where printed" counts only the
reports whose format shows it (the agency in the title, a 「现将…」 sentence or a page header the format
keeps; the year anywhere: a spreadsheet without its title prints no year). Then the same for the real reports of ``tests/corpus``. Prints Markdown (or ``--json``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ogi.run.source import read_source  # noqa: E402
from tests.generators.report import Report, draw_title, generate  # noqa: E402

#: format → (renderer module, extension)
CHEAP = {
    "text_tab": ("tests.generators.text_tab", "txt"),
    "html": ("tests.generators.html", "html"),
    "docx": ("tests.generators.docx", "docx"),
    "xlsx": ("tests.generators.xlsx", "xlsx"),
    "text_glued": ("tests.generators.glued", "txt"),
}


def _report(seed: int) -> Report:
    return generate(seed, title=draw_title(random.Random(f"title:{seed}")))


def _truth(fmt: str, rep: Report) -> Report:
    if fmt == "text_glued":
        from tests.generators.glued import glued_report

        return glued_report(rep)
    return rep


def score(
    tally: Counter[str], fmt: str, rep: Report, data: bytes, expected: dict[str, Any], ext: str
) -> None:
    """Count one report's year, agency and template version as right, null or wrong."""
    row = read_source(f"/bench/m{rep.seed}.{ext}", data, name=f"m{rep.seed}.{ext}").report
    truth = _truth(fmt, rep)
    tally["reports"] += 1
    for key, want in (("year", truth.year), ("agency", truth.agency), ("template_version", truth.version)):
        got = row.get(key)
        tally[f"{key}:{'right' if got == want else 'null' if got is None else 'wrong'}"] += 1
    if expected.get("year") is not None:  # a sheet without title prints no year at all
        tally["year printed"] += 1
        tally["year printed:right"] += row.get("year") == truth.year
    if expected.get("agency") is not None:
        tally["printed"] += 1
        tally["printed:right"] += row.get("agency") == truth.agency
    tally[f"source:{row.get('year_source')}"] += 1


def generated(n: int, pdfs: int, scans: int, seed: int, formats: list[str]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for fmt in formats:
        if fmt not in CHEAP:
            continue
        module = importlib.import_module(CHEAP[fmt][0])
        for s in range(seed, seed + n):
            rep = _report(s)
            data, expected = module.render(rep, f"m{s}")
            score(out[fmt], fmt, rep, data, expected, CHEAP[fmt][1])
    if pdfs and "pdf" in formats:
        from tests.generators import pdf
        from tests.generators.libreoffice import soffice

        if soffice() is None:
            print("pdf skipped: LibreOffice is not installed", file=sys.stderr)
            return out
        reps = [_report(s) for s in range(seed, seed + pdfs)]
        made = pdf.render_batch([(r, f"m{r.seed}") for r in reps], [[] for _ in reps])
        for rep, (data, expected) in zip(reps, made, strict=True):
            score(out["pdf"], "pdf", rep, data, expected, "pdf")
        if scans:
            from ogi.extractors import ocr
            from tests.generators.scan import cached, image_pdf, render_pages

            if not ocr.available():
                print(f"scans skipped: {ocr.MISSING}", file=sys.stderr)
                return out
            for rep, (data, expected) in list(zip(reps, made, strict=True))[:scans]:
                scan = cached([data, "metadata-bench-page-1"], lambda d=data: image_pdf(render_pages(d, [1])))
                score(out["pdf_scanned (page 1)"], "pdf", rep, scan, expected, "pdf")
    return out


def corpus() -> Counter[str]:
    """The real reports of tests/corpus against their hand-checked expected files."""
    tally: Counter[str] = Counter()
    for exp_path in sorted((ROOT / "tests" / "corpus").glob("*.json")):
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        src = exp_path.with_name(exp["file"])
        row = read_source(str(src), src.read_bytes(), name=src.name).report
        tally["reports"] += 1
        for key in ("year", "agency", "template_version"):
            want, got = exp.get(key), row.get(key)
            if key == "agency" and want is None:
                continue
            tally[f"{key}:{'right' if got == want else 'null' if got is None else 'wrong'}"] += 1
    return tally


def _cell(t: Counter[str], key: str) -> str:
    n = t[f"{key}:right"] + t[f"{key}:null"] + t[f"{key}:wrong"]
    if not n:
        return "–"
    pct = 100 * t[f"{key}:right"] / n
    return f"{t[f'{key}:right']}/{n} ({pct:.1f}%), {t[f'{key}:null']} null, {t[f'{key}:wrong']} wrong"


def table(rows: dict[str, Counter[str]]) -> str:
    lines = [
        "| format | reports | year right | year where printed | agency right | agency where printed"
        " | template version right |",
        "|---|---|---|---|---|---|---|",
    ]
    for fmt, t in rows.items():
        printed = f"{t['printed:right']}/{t['printed']}" if t["printed"] else "–"
        year_printed = f"{t['year printed:right']}/{t['year printed']}" if t["year printed"] else "–"
        lines.append(
            f"| {fmt} | {t['reports']} | {_cell(t, 'year')} | {year_printed} | {_cell(t, 'agency')} | {printed} | "
            f"{_cell(t, 'template_version')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="generated reports per cheap format (default 200)")
    parser.add_argument("--pdf", type=int, default=40, help="generated PDFs (LibreOffice; default 40)")
    parser.add_argument("--scans", type=int, default=10, help="of those, first pages scanned and OCR'd")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--formats", default=",".join([*CHEAP, "pdf"]), help="comma-separated formats")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = generated(args.n, args.pdf, args.scans, args.seed, args.formats.split(","))
    total: Counter[str] = Counter()
    for t in rows.values():
        total.update(t)
    rows["all generated"] = total
    rows["real (tests/corpus)"] = corpus()
    if args.json:
        print(json.dumps({k: dict(v) for k, v in rows.items()}, ensure_ascii=False, indent=1))
    else:
        print(table(rows))
        sources = sorted((k.split(":", 1)[1], v) for k, v in total.items() if k.startswith("source:"))
        print("\nyear_source over the generated reports: " + ", ".join(f"{k} {v}" for k, v in sources))
        print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
