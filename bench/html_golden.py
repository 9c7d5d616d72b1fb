"""Golden comparison of the HTML extractor: two revisions must read every page to the same ``Document``.

    python bench/html_golden.py collect [--generated 300] [--fuzz 600]
    python bench/html_golden.py record OUT.pkl [--rev REV | --module PATH]
    python bench/html_golden.py compare A.pkl B.pkl
    python bench/html_golden.py check [--against REV]        # collect if needed, record both, compare
    python bench/html_golden.py expected PAGE.html... --into DIR [--rev REV]   # DIR/PAGE.json

``collect`` writes the input pages to ``bench/out/html_golden/inputs/`` (gitignored), one file per page,
grouped by prefix:

- ``file-*``: every ``.html`` under ``tests/corpus`` and ``tests/fixtures``;
- ``cms-*``: the pages of ``tests/cms_site.py`` (CMS article pages, index pages, bare tables);
- ``gen-*``: ``tests/generators/html.py::render(generate(seed))`` for ``--generated`` seeds;
- ``fuzz-*``: messy pages of ``bench/html_fuzz.py`` for ``--fuzz`` seeds;
- ``test-*``: every page the HTML tests hand to ``extract()`` (captured by running them under pytest with
  this module as a plugin: inline snippets, hypothesis examples, the local CMS site's pages).

The inputs are written once, so the revisions compared read the very same bytes even if the generators
change. ``record`` runs ``extract()`` of the working tree (or of ``ogi.extractors.html.walk.py`` at git revision
``REV``, or of the file ``PATH``; only that module is taken from the revision, the rest of ``ogi`` is the
working tree's) on every input and pickles the whole ``Document`` (blocks, cell texts, spans, locators,
meta, status, reason) or the ``ExtractionError``. ``compare`` lists the pages that differ
and shows the first difference of each; it exits 1 when any page differs. ``expected`` writes the
Document of each page given as JSON into a folder: ``tests/test_html_golden.py`` holds a handful of pages
to those (written with the BeautifulSoup implementation, ``--rev 3fac156``).

``check --against 3fac156`` compares the working tree with that BeautifulSoup implementation (about a
minute and a half on 2 cores, most of it BeautifulSoup); ``check`` alone, with the last commit.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib.util
import os
import pickle
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "html_golden"
INPUTS = OUT / "inputs"
MODULE = "ogi.extractors.html.walk.py"
#: The test files whose pages are captured (the ones that exercise the HTML extractor).
CAPTURE_TESTS = [
    "tests/test_html_extractor.py",
    "tests/test_html_shanghai.py",
    "tests/test_crawl.py",
    "tests/test_generated.py",
    "tests/test_corpus.py",
    "tests/test_pipeline.py",
    "tests/test_metadata_title.py",
]
_CAPTURE_ENV = "OGI_HTML_CAPTURE"


# -- inputs ----------------------------------------------------------------------------------------------


def _cms_pages() -> dict[str, bytes]:
    from tests import cms_site as cms

    jx = cms.jiaxing_body()
    body = jx.replace("<td><p>0</p></td>", "<td><p>&nbsp;</p></td>")
    shanghai = cms.SHANGHAI.read_text(encoding="utf-8")
    pages: dict[str, str | bytes] = {
        "jiaxing": cms.cms_page(cms.JIAXING_TITLE, jx),
        "jiaxing-blank": cms.cms_page(cms.JIAXING_TITLE, body),
        "jiaxing-zoom": cms.cms_page(cms.JIAXING_TITLE, jx, container='<div id="zoom">{}</div>'),
        "jiaxing-content": cms.cms_page(cms.JIAXING_TITLE, jx, container='<div class="content">{}</div>'),
        "jiaxing-bare": cms.cms_page(cms.JIAXING_TITLE, jx, container="{}"),
        "jiaxing-gbk": cms.cms_page(cms.JIAXING_TITLE, jx, charset="gb2312").encode("gbk"),
        "shanghai-page": cms.cms_page("2019年上海市人民政府办公厅政府信息公开工作年度报告", shanghai),
        "other": cms.cms_page(
            "嘉兴市交通运输局2021年度政府信息公开工作年度报告",
            cms.report_body(
                "嘉兴市交通运输局2021年度政府信息公开工作年度报告",
                "嘉兴市交通运输局",
                2021,
                t2={"art20_6.admin_penalty.decisions": 3},
            ),
        ),
        "attachment": cms.cms_page(
            "某局2022年度政府信息公开工作年度报告",
            '<p>全文见附件。</p><p><a href="/files/P020230120.pdf">某局2022年度政府信息公开工作年度报告.pdf</a></p>',
        ),
        "images": cms.cms_page(
            "某局2022年度政府信息公开工作年度报告",
            "<p>某局2022年度政府信息公开工作年度报告</p>"
            '<p><img src="/pic/t2.jpg" width="640"><img src="/images/icon_share.png"><img src="/pic/t3.jpg"></p>',
        ),
        "notice": cms.cms_page(
            "关于开展培训的通知", '<p>各单位：</p><p><a href="/files/form.docx">报名表.docx</a></p>'
        ),
        "tables-2021": cms.tables_2021({}, {}, [0] * 15),
        "index": cms.index_page(
            "年报",
            [("/col/nb/a.html", "2022年度政府信息公开工作年度报告"), ("/col/nb/b.html", "通知")],
            cms.create_page_html(3, 0) + '<a href="index_1.html">下一页</a>',
        ),
    }
    return {k: v if isinstance(v, bytes) else v.encode("utf-8") for k, v in pages.items()}


def collect(generated: int, fuzz: int, capture: bool = True) -> None:
    """Write the input pages (see the module docstring)."""
    from bench.html_fuzz import page
    from tests.generators.html import render
    from tests.generators.report import generate

    INPUTS.mkdir(parents=True, exist_ok=True)
    for old in INPUTS.iterdir():
        old.unlink()
    n = 0
    for base in (ROOT / "tests" / "corpus", ROOT / "tests" / "fixtures"):
        for path in sorted(base.rglob("*.htm*")):
            rel = path.relative_to(ROOT).as_posix().replace("/", "_")
            (INPUTS / f"file-{rel}").write_bytes(path.read_bytes())
            n += 1
    for name, data in _cms_pages().items():
        (INPUTS / f"cms-{name}.html").write_bytes(data)
        n += 1
    for seed in range(generated):
        data, _expected = render(generate(seed), f"gen-{seed}")
        (INPUTS / f"gen-{seed:04d}.html").write_bytes(data)
        n += 1
    for seed in range(fuzz):
        (INPUTS / f"fuzz-{seed:04d}.html").write_bytes(page(seed))
        n += 1
    print(f"{n} pages written", file=sys.stderr)
    if capture:
        env = dict(os.environ, **{_CAPTURE_ENV: str(INPUTS)})
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "bench.html_golden", "-x", *CAPTURE_TESTS]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        captured = sum(1 for p in INPUTS.iterdir() if p.name.startswith("test-"))
        print(f"{captured} pages captured from the tests", file=sys.stderr)


def pytest_configure(config: Any) -> None:
    """As a pytest plugin (``collect``): keep every page the tests hand to ``extract()``."""
    target = os.environ.get(_CAPTURE_ENV)
    if not target:
        return
    import ogi.extractors.html.walk as html

    original = html.extract

    def capturing(data: bytes, *args: Any, **kwargs: Any) -> Any:
        digest = hashlib.sha256(data).hexdigest()[:16]
        path = Path(target) / f"test-{digest}.html"
        if not path.exists():
            path.write_bytes(data)
        return original(data, *args, **kwargs)

    html.extract = capturing  # type: ignore[assignment]


def inputs() -> dict[str, bytes]:
    if not INPUTS.is_dir() or not any(INPUTS.iterdir()):
        raise SystemExit(f"no inputs in {INPUTS}: run `python bench/html_golden.py collect` first")
    return {p.name: p.read_bytes() for p in sorted(INPUTS.iterdir())}


# -- recording ---------------------------------------------------------------------------------------------


def load_module(rev: str | None = None, path: str | None = None) -> ModuleType:
    """``ogi.extractors.html.walk`` of the working tree, of git revision ``rev``, or of the file ``path``."""
    if rev is None and path is None:
        import ogi.extractors.html.walk as html

        return html
    if rev is not None:
        source = subprocess.run(
            ["git", "show", f"{rev}:{MODULE}"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        tmp = Path(tempfile.mkdtemp()) / f"html_{rev.replace('/', '_')}.py"
        tmp.write_bytes(source)
        path = str(tmp)
    assert path is not None
    spec = importlib.util.spec_from_file_location("ogi_html_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    warnings.filterwarnings("ignore", module=spec.name)  # BeautifulSoup's XMLParsedAsHTMLWarning and kin
    return module


def _plain(obj: Any) -> Any:
    """A Document as plain data, with the block type kept."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            "type": type(obj).__name__,
            **{f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)},
        }
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_plain(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def read(extract: Callable[[bytes], Any], data: bytes) -> Any:
    """What ``extract`` makes of ``data``: the Document as plain data, or the error it raised."""
    from ogi.extractors.model import ExtractionError

    try:
        return _plain(extract(data))
    except ExtractionError as exc:
        return {"error": type(exc).__name__, "reason": str(exc), "status": getattr(exc, "status", None)}


def record(out: Path, rev: str | None = None, path: str | None = None) -> dict[str, Any]:
    module = load_module(rev, path)
    pages = inputs()
    results: dict[str, Any] = {}
    start = time.perf_counter()
    for name, data in pages.items():
        results[name] = read(module.extract, data)
    elapsed = time.perf_counter() - start
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(results)} pages recorded to {out} in {elapsed:.1f} s ({module.__file__})", file=sys.stderr)
    return results


# -- comparing -------------------------------------------------------------------------------------------


def first_difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where two recorded outputs first differ (a path into the Document), or None."""
    if type(a) is not type(b):
        return f"{where or '.'}: {type(a).__name__} {a!r:.200} != {type(b).__name__} {b!r:.200}"
    if isinstance(a, dict):
        for key in list(dict.fromkeys([*a, *b])):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'first' if key in a else 'second'}"
            if (d := first_difference(a[key], b[key], f"{where}.{key}")) is not None:
                return d
        if list(a) != list(b):
            return f"{where}: key order {list(a)} != {list(b)}"
        return None
    if isinstance(a, list | tuple):
        for i, (x, y) in enumerate(zip(a, b)):
            if (d := first_difference(x, y, f"{where}[{i}]")) is not None:
                return d
        if len(a) != len(b):
            return f"{where}: length {len(a)} != {len(b)}"
        return None
    return None if a == b else f"{where or '.'}: {a!r:.300} != {b!r:.300}"


def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
    names = sorted(set(a) | set(b))
    differing = []
    for name in names:
        if name not in a or name not in b:
            differing.append((name, "recorded in only one of the two"))
        elif (d := first_difference(a[name], b[name])) is not None:
            differing.append((name, d))
    for name, d in differing[:40]:
        print(f"{name}: {d}")
    groups: dict[str, int] = {}
    for name in names:
        groups[name.split("-", 1)[0]] = groups.get(name.split("-", 1)[0], 0) + 1
    summary = ", ".join(f"{g} {n}" for g, n in sorted(groups.items()))
    print(
        f"{len(names) - len(differing)} of {len(names)} pages identical ({summary}); {len(differing)} differ"
    )
    return 1 if differing else 0


def write_expected(pages: list[Path], folder: Path, rev: str | None = None) -> None:
    """``folder/NAME.json``: the Document ``extract()`` reads from each ``NAME.html`` of ``pages``."""
    from ogi.extractors.model import ExtractionError
    from tests.test_html_golden import document_json, dumps

    module = load_module(rev)
    for page in pages:
        try:
            doc = module.extract(page.read_bytes())
        except ExtractionError as exc:
            doc = exc
        out = folder / f"{page.stem}.json"
        out.write_text(dumps(document_json(doc)), encoding="utf-8")
        print(out, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--generated", type=int, default=300)
    c.add_argument("--fuzz", type=int, default=600)
    c.add_argument("--no-capture", action="store_true", help="skip running the tests to capture their pages")
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    r.add_argument("--rev")
    r.add_argument("--module")
    cmp = sub.add_parser("compare")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    ex = sub.add_parser("expected")
    ex.add_argument("pages", type=Path, nargs="+")
    ex.add_argument("--into", type=Path, required=True)
    ex.add_argument("--rev")
    ch = sub.add_parser("check")
    ch.add_argument("--against", default="HEAD", help="git revision of the reference (default HEAD)")
    args = ap.parse_args(argv)
    if args.cmd == "collect":
        collect(args.generated, args.fuzz, capture=not args.no_capture)
        return 0
    if args.cmd == "record":
        record(args.out, args.rev, args.module)
        return 0
    if args.cmd == "expected":
        write_expected(args.pages, args.into, args.rev)
        return 0
    if args.cmd == "compare":
        return compare(pickle.loads(args.a.read_bytes()), pickle.loads(args.b.read_bytes()))
    if not INPUTS.is_dir():
        collect(300, 600)
    reference = record(OUT / f"reference-{args.against.replace('/', '_')}.pkl", rev=args.against)
    current = record(OUT / "current.pkl")
    return compare(reference, current)


if __name__ == "__main__":
    sys.exit(main())
