"""Publishing a run's files as one set: every reader sees the whole earlier set or the whole later one.

A run writes its parquet files, dictionary, ``datapackage.json`` and ``run.json`` into a staging folder
inside the dataset (``.staging-<run id>``); nothing a reader sees changes while it does. Then a journal
(``.publish.json``, written atomically) lists the files, and each is renamed into place. A process killed
while renaming leaves the journal: the next ogi that opens the dataset (``recover``) finishes the
renames, so the set is completed, never left mixed. A run killed before the journal (or a full disk)
leaves only a staging folder, which ``recover`` deletes: the previous set stays whole.

Every parquet file carries the run id in its key-value metadata (``ogi_run_id``), and ``run.json`` names
it too, so a reader can check that the files it loaded belong to one run (``check_run_ids``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ogi import __version__
from ogi.dataset.parquet import RUN_ID_KEY
from ogi.utils.files import write_text_atomic

JOURNAL = ".publish.json"
STAGING_PREFIX = ".staging-"
RUN_FILE = "run.json"


def new_run_id() -> str:
    """A run id that sorts by time: UTC timestamp and a random suffix (two runs never share one)."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(4)


def staging_dir(out: Path, run_id: str) -> Path:
    """A fresh staging folder for ``run_id`` inside the dataset folder (same file system: renames)."""
    path = Path(out) / f"{STAGING_PREFIX}{run_id}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def write_run_file(staging: Path, run_id: str, extra: dict[str, Any] | None = None) -> None:
    """``run.json``: which run wrote the set, with which ogi, when."""
    info = {
        "run_id": run_id,
        "ogi_version": __version__,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    write_text_atomic(staging / RUN_FILE, json.dumps(info, ensure_ascii=False, indent=1) + "\n")


def publish(out: Path, staging: Path) -> list[Path]:
    """Move every file of ``staging`` into ``out`` as one set (see the module docstring)."""
    out = Path(out)
    names = sorted(p.name for p in staging.iterdir() if p.is_file())
    write_text_atomic(out / JOURNAL, json.dumps({"staging": staging.name, "files": names}))
    _finish(out, staging.name, names)
    return [out / n for n in names]


def recover(out: Path) -> str | None:
    """Finish a publish a killed process left half done, and drop staging folders no journal names.

    Returns what was done (one line), or None when there was nothing to do."""
    out = Path(out)
    journal = out / JOURNAL
    done = None
    if journal.exists():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            staging, names = str(state["staging"]), [str(n) for n in state["files"]]
        except (OSError, ValueError, KeyError, TypeError):
            # A journal that cannot be read was never completed (it is written atomically): ignore it.
            journal.unlink(missing_ok=True)
        else:
            _finish(out, staging, names)
            done = f"finished publishing the files of an interrupted run ({staging.removeprefix(STAGING_PREFIX)})"
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
            done = done or "removed the unfinished files of an interrupted run"
    return done


def _finish(out: Path, staging: str, names: Iterable[str]) -> None:
    folder = out / staging
    for name in names:
        src = folder / name
        if src.exists():
            os.replace(src, out / name)
    (out / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def run_id_of(path: Path) -> str | None:
    """The run id a parquet file records (None for files written before run ids)."""
    meta = pq.read_schema(path).metadata or {}
    value = meta.get(RUN_ID_KEY)
    return value.decode() if value else None


def check_run_ids(paths: Iterable[Path]) -> str | None:
    """The one run id the parquet files ``paths`` share; raises ``ValueError`` when they were written by
    different runs (a reader caught a set mid-publish, or files were copied from two datasets)."""
    ids = {p.name: run_id_of(p) for p in paths if p.exists()}
    found = set(ids.values())
    if len(found) > 1:
        detail = ", ".join(f"{n}: {i}" for n, i in sorted(ids.items()))
        raise ValueError(f"the dataset's files come from different runs ({detail}); run ogi run again")
    return found.pop() if found else None
