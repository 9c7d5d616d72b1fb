"""A run's settings, defined and validated once (as pdfplumber's ``TableSettings`` are): the command line
builds them from its options, the library takes them as they are, and a bad value is refused here with
one line before anything is read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ogi.extractors import PDF_ENGINES

if TYPE_CHECKING:
    from ogi.fetchers.http import FetchPolicy

#: Where files are read: in this process or worker processes (``local``), or on a Dask cluster.
RUN_ENGINES = ("local", "dask")
DEFAULT_MAX_BYTES = 300 * 1024 * 1024


@dataclass
class RunOptions:
    out: Path = Path("data/out")
    cache: Path = Path("data/cache")
    force: bool = False
    corrections: Path | None = None
    pdf_engine: str = "auto"
    jobs: int = 1
    timeout: float | None = None
    max_memory_mb: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    engine: str = "local"
    scheduler: str | None = None
    #: Remove the hand corrections the dataset keeps (``DIR/corrections.csv``) instead of applying them.
    drop_corrections: bool = False
    #: Remove stored reports whose source file is gone from the input folders.
    prune: bool = False
    #: How URL inputs are fetched (None: ``ogi.fetchers.http.DEFAULT_POLICY``). Their pages are read for
    #: the files they link to under ``timeout`` and ``max_memory_mb``, as files are.
    fetch_policy: FetchPolicy | None = None

    def __post_init__(self) -> None:
        if self.engine not in RUN_ENGINES:
            raise ValueError(f"engine must be one of {', '.join(RUN_ENGINES)}, not {self.engine!r}")
        if self.pdf_engine not in PDF_ENGINES:
            raise ValueError(f"PDF engine must be one of {', '.join(PDF_ENGINES)}, not {self.pdf_engine!r}")
        if self.corrections is not None and self.drop_corrections:
            raise ValueError("--corrections and --drop-corrections contradict each other: give one")
        for name in ("timeout", "max_memory_mb", "max_bytes", "jobs"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")
