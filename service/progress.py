"""The progress bar of ``klarsteg score``: rows, rows per second and ETA on stderr (rich)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class BarProgress:
    """A ``ProgressSink`` drawn with rich on stderr; does nothing when disabled (``--quiet``, or
    stderr is not a terminal). Progress is measured in the reader's unit (bytes of a CSV/JSONL
    file, rows of Excel/Parquet) so the ETA is right without counting the rows first."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._started = time.monotonic()
        self._first_rows: int | None = None

    def __enter__(self) -> BarProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("scoring"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rows]} rows"),
                TextColumn("{task.fields[rate]} rows/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, total: int | None, unit: str) -> None:
        """Begin a bar of ``total`` units (unknown: no percentage or ETA)."""
        self._started = time.monotonic()
        if self._progress is not None:
            self._task = self._progress.add_task("score", total=total, rows=0, rate="-")

    def update(self, rows: int, position: int) -> None:
        """``rows`` written so far (all runs), reading at ``position``."""
        if self._first_rows is None:
            self._first_rows = rows
        if self._progress is None or self._task is None:
            return
        elapsed = time.monotonic() - self._started
        done_now = rows - self._first_rows
        rate = f"{done_now / elapsed:,.0f}" if elapsed > 0.5 and done_now else "-"
        self._progress.update(self._task, completed=position, rows=f"{rows:,}", rate=rate)
