"""Scoring whole CRM exports: stream the input in chunks, score them in worker processes, and write
one output record for every input record, in order, flushing each chunk as it completes.

``score_file`` is the entry point. Memory is bounded by the chunk size times the number of chunks
in flight (two per worker), whatever the size of the file. An interrupted run (Ctrl-C, SIGTERM,
even SIGKILL) leaves a valid partial CSV/JSONL output that ``resume=True`` continues.

Privacy: nothing here logs note text. Errors name a record number (and the id column) only.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from model.artifacts import verify_artifacts
from model.normalize import join_subject_body
from model.pipeline import Klarsteg, NoteInput, validate_input
from model.settings import get_settings
from model.threads import limit_process_threads
from service.formats import (
    APPENDABLE,
    FormatError,
    Reader,
    Record,
    Row,
    file_format,
    flatten,
    open_reader,
    open_writer,
    to_text,
)

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "ColumnError",
    "Columns",
    "ProgressSink",
    "flatten",
    "parse_row_date",
    "resolve_columns",
    "score_file",
]

log = logging.getLogger("klarsteg.batch")

TEXT_COLUMNS = (
    "text",
    "note",
    "notes",
    "body",
    "anteckning",
    "anteckningar",
    "kommentar",
    "kommentarer",
    "comment",
    "comments",
    "description",
    "beskrivning",
)
DATE_COLUMNS = (
    "note_date",
    "date",
    "created",
    "datum",
    "created_at",
    "created_date",
    "createddate",
    "activity_date",
    "activitydate",
    "skapad",
    "skapat",
)
ID_COLUMNS = ("id", "note_id", "activity_id", "activityid", "record_id", "row_id")
# A CRM activity's subject line: joined before the body as the note's first line.
SUBJECT_COLUMNS = ("subject", "amne", "ämne", "rubrik", "activity_subject", "note_subject", "headline")

MAX_ERROR_SAMPLES = 20


class ColumnError(ValueError):
    """The columns asked for (or looked for) are not in the input."""


@dataclass
class BatchOptions:
    """How to read and score a file. ``workers=0`` means one worker per CPU core."""

    text_col: str | None = None
    date_col: str | None = None
    id_col: str | None = None
    subject_col: str | None = None
    note_date: str | None = None
    workers: int = 0
    chunk_size: int = 256
    resume: bool = False
    model_dir: Path | None = None


@dataclass
class BatchSummary:
    """What a run did. ``read`` counts every input record seen, ``resumed`` those already in the
    output from an earlier run; ``scored + errors`` were written by this run."""

    read: int = 0
    resumed: int = 0
    scored: int = 0
    errors: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    workers: int = 1
    error_samples: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Records in the output now (earlier runs included)."""
        return self.resumed + self.scored + self.errors

    @property
    def rate(self) -> float:
        """Records written per second by this run."""
        return (self.scored + self.errors) / self.seconds if self.seconds > 0 else 0.0


class ProgressSink(Protocol):
    """Receives progress; the CLI shows it as a bar. Units are the reader's (bytes or rows)."""

    def start(self, total: int | None, unit: str) -> None: ...

    def update(self, rows: int, position: int) -> None: ...


@dataclass(frozen=True)
class Columns:
    """The input columns that hold the text, each note's date and an id."""

    text: str
    date: str | None
    id: str | None
    subject: str | None = None


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str) -> str | None:
    if wanted:
        if wanted in columns:
            return wanted
        folded = {_norm(c): c for c in columns}
        if _norm(wanted) in folded:
            return folded[_norm(wanted)]
        raise ColumnError(f"no {what} column {wanted!r}; the columns are: {', '.join(columns) or '(none)'}")
    folded = {_norm(c): c for c in columns}
    return next((folded[c] for c in candidates if c in folded), None)


def resolve_columns(columns: list[str], options: BatchOptions) -> Columns:
    """The text, date and id columns: as given, or found among the usual names."""
    text = _pick(columns, options.text_col, TEXT_COLUMNS, "text")
    if text is None:
        raise ColumnError(
            f"no text column found among: {', '.join(columns) or '(none)'}. "
            f"Name it with --text-col (looked for: {', '.join(TEXT_COLUMNS)})"
        )
    if options.note_date and options.date_col:
        raise ColumnError("give either --note-date (one date for all rows) or --date-col, not both")
    day = None if options.note_date else _pick(columns, options.date_col, DATE_COLUMNS, "date")
    ident = _pick(columns, options.id_col, ID_COLUMNS, "id")
    subject = _pick(columns, options.subject_col, SUBJECT_COLUMNS, "subject")
    return Columns(text, day, ident, subject if subject != text else None)


def note_text(body: Any, subject: Any = None) -> str:
    """A record's note: its text cell, with the subject cell as the first line when there is
    one (``model.normalize.join_subject_body``)."""
    text = "" if body is None else body if isinstance(body, str) else to_text(body)
    if subject is None:
        return text
    return join_subject_body(subject if isinstance(subject, str) else to_text(subject), text)


_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_ISO = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DATE_LIKE = re.compile(r"[0-9 ./:T+Z-]{1,32}")


def parse_row_date(value: Any, column: str) -> date:
    """A row's note date from a cell: a date/datetime, an ISO date or timestamp
    (``2026-03-10``, ``2026-03-10 14:22``, ``2026-03-10T14:22:00Z``), ``2026/03/10`` or
    ``10.03.2026``. Raises ValueError naming the column."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_text(value).strip()
    if not text:
        raise ValueError(f"no date in column {column!r} (or give --note-date for all rows)")
    head = re.split(r"[T ]", text, maxsplit=1)[0]
    try:
        return date.fromisoformat(head)
    except ValueError:
        pass
    try:
        if m := _DOTTED.fullmatch(head):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _SLASHED_ISO.fullmatch(head):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        pass
    # Quote the cell only when it looks like a date attempt: a misaligned export can put note
    # text in the date column, and this message is shown on stderr.
    shown = repr(text) if _DATE_LIKE.fullmatch(text) else f"{len(text)} characters"
    raise ValueError(f"the date in column {column!r} is not a date like 2026-03-10 ({shown})")


# --------------------------------------------------------------------------- scoring (workers)

_worker_model: Klarsteg | None = None


def _watch_parent(parent_pid: int) -> None:
    """End this worker when the main process is gone (e.g. SIGKILLed), instead of lingering."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def _init_worker(model_dir: str | None, parent_pid: int) -> None:
    """Pool initializer: ignore Ctrl-C (the main process handles it), use one thread for
    BLAS/OpenMP (the workers are the parallelism: two workers on two cores must not fight
    over them), load the model once."""
    global _worker_model
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_process_threads()
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    _worker_model = Klarsteg.load(model_dir)


def _score_in_worker(notes: list[NoteInput]) -> list[dict[str, Any] | str]:
    assert _worker_model is not None, "worker not initialised"
    return score_notes(_worker_model, notes)


def score_notes(model: Klarsteg, notes: list[NoteInput]) -> list[dict[str, Any] | str]:
    """Score validated notes: the SPEC JSON for each, or an error message for a note the model
    fails on (the chunk is then scored note by note so one bad note does not sink the others)."""
    if not notes:
        return []
    try:
        return [r.model_dump() for r in model.score_many(notes)]
    except Exception:  # a model bug must cost one row, not the chunk
        out: list[dict[str, Any] | str] = []
        for note in notes:
            try:
                out.append(model.score_many([note])[0].model_dump())
            except Exception as exc:
                out.append(f"internal error while scoring ({type(exc).__name__})")
        return out


class _Done:
    """A finished 'future' for in-process scoring."""

    def __init__(self, value: list[dict[str, Any] | str]) -> None:
        self._value = value

    def result(self) -> list[dict[str, Any] | str]:
        return self._value


# --------------------------------------------------------------------------- interruption


class _Stopper:
    """Turns SIGINT/SIGTERM into KeyboardInterrupt, but never in the middle of writing a chunk:
    a signal that arrives while a chunk is written is acted on right after."""

    def __init__(self) -> None:
        self.requested = False
        self.writing = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: object) -> None:
        self.requested = True
        if not self.writing:
            raise KeyboardInterrupt

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


# --------------------------------------------------------------------------- the run


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepare(record: Record, cols: Columns, note_date: date | None) -> NoteInput | str:
    """The note to score for a record, or the reason it cannot be scored."""
    if record.error:
        return record.error
    text = note_text(record.values.get(cols.text), record.values.get(cols.subject) if cols.subject else None)
    try:
        day = note_date
        if day is None and cols.date:
            day = parse_row_date(record.values.get(cols.date), cols.date)
        return validate_input(text, day)
    except ValueError as exc:
        return str(exc)


def _skip_done(
    records: Iterator[Record], done: int, last: dict[str, Any] | None, cols: Columns, summary: BatchSummary
) -> None:
    """Read past the records an earlier run wrote, checking the last one is the same record."""
    record = None
    for _ in range(done):
        record = next(records, None)
        if record is None:
            raise FormatError(
                f"the output already has {done} records but the input has only {summary.read}: "
                "is it the output of another input?"
            )
        summary.read += 1
    if record is not None and last is not None:
        key = cols.id or cols.text
        if to_text(record.values.get(key)) != to_text(last.get(key)):
            raise FormatError(
                f"cannot resume: record {done} of the output does not match record {done} of the "
                f"input (column {key!r}); is it the output of another input?"
            )
    summary.resumed = done


SMALL_INPUT_ROWS = 2000
"""Inputs with fewer rows than this are scored in-process: starting workers costs more."""


def score_file(
    input_path: Path,
    output_path: Path,
    options: BatchOptions | None = None,
    *,
    progress: ProgressSink | None = None,
    model: Klarsteg | None = None,
) -> BatchSummary:
    """Score every record of ``input_path`` into ``output_path`` (formats from the suffixes).

    Returns the summary; ``summary.interrupted`` is set when Ctrl-C or SIGTERM stopped the run
    (the output then holds every completed chunk, and ``resume=True`` continues it). Raises
    ``FormatError``/``ColumnError`` (both ValueError) for unusable files and ``OSError`` for I/O.
    ``model`` (an already loaded model) is used in-process instead of worker processes.
    """
    options = options or BatchOptions()
    started = time.monotonic()
    out_kind = file_format(output_path)
    if options.resume and out_kind not in APPENDABLE:
        raise FormatError(
            f"--resume needs a CSV or JSONL output, not {output_path.suffix}: Excel and Parquet files "
            "cannot be appended to safely (score to .csv or .jsonl, then convert)"
        )
    if output_path.resolve() == input_path.resolve():
        raise FormatError("the output would overwrite the input; choose another output file")
    fixed_date = validate_input("x", options.note_date).note_date if options.note_date else None
    workers = options.workers if options.workers > 0 else (os.cpu_count() or 1)
    if model is not None:
        workers = 1
    else:
        # A missing, tampered or foreign model fails here, with its own message, before the
        # output is touched (and before a worker pool could hide it as a broken pool).
        verify_artifacts(Path(options.model_dir) if options.model_dir else get_settings().model_dir)
    summary = BatchSummary(workers=workers)

    with open_reader(input_path) as reader:
        cols = resolve_columns(reader.columns, options)
        if cols.date is None and fixed_date is None:
            log.warning(
                "no date column found (looked for %s): relative dates are resolved against today. "
                "Use --date-col or --note-date.",
                ", ".join(DATE_COLUMNS),
            )
        writer = open_writer(output_path, reader)
        done, last = 0, None
        if options.resume and output_path.exists():
            done, last = writer.resume()
        else:
            writer.start()
        try:
            with _Stopper() as stopper:
                records: Iterator[Record] = iter(reader)
                if done:
                    _skip_done(records, done, last, cols, summary)
                if workers > 1:
                    # Worker processes each load the model (~2 s): a small input is scored
                    # sooner in this process.
                    head = list(itertools.islice(records, SMALL_INPUT_ROWS))
                    if len(head) < SMALL_INPUT_ROWS:
                        workers = summary.workers = 1
                    records = itertools.chain(head, records)
                _run(
                    reader,
                    records,
                    writer,
                    cols,
                    fixed_date,
                    options,
                    workers,
                    summary,
                    progress,
                    stopper,
                    model,
                )
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            writer.close()
    summary.seconds = time.monotonic() - started
    return summary


def _run(
    reader: Reader,
    records: Iterator[Record],
    writer: Any,
    cols: Columns,
    fixed_date: date | None,
    options: BatchOptions,
    workers: int,
    summary: BatchSummary,
    progress: ProgressSink | None,
    stopper: _Stopper,
    model: Klarsteg | None,
) -> None:
    executor: ProcessPoolExecutor | None = None
    submit: Callable[[list[NoteInput]], Future[Any] | _Done]
    if workers > 1:
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(str(options.model_dir) if options.model_dir else None, os.getpid()),
        )

        def submit(notes: list[NoteInput]) -> Future[Any] | _Done:
            return executor.submit(_score_in_worker, notes) if notes else _Done([])
    else:
        local = model or Klarsteg.load(options.model_dir)

        def submit(notes: list[NoteInput]) -> Future[Any] | _Done:
            return _Done(score_notes(local, notes))

    if progress is not None:
        progress.start(reader.total, reader.unit)
        progress.update(summary.written, reader.position)
    pending: deque[tuple[list[Record], list[NoteInput | str], Future[Any] | _Done, int]] = deque()

    def drain_one() -> None:
        chunk, prepared, future, position = pending.popleft()
        results = iter(future.result())
        rows: list[Row] = []
        for record, item in zip(chunk, prepared, strict=True):
            outcome = item if isinstance(item, str) else next(results)
            if isinstance(outcome, str):
                rows.append(Row(record, None, outcome))
                summary.errors += 1
                if len(summary.error_samples) < MAX_ERROR_SAMPLES:
                    ident = f" (id {to_text(record.values.get(cols.id))})" if cols.id else ""
                    summary.error_samples.append(f"row {record.number}{ident}: {outcome}")
            else:
                rows.append(Row(record, outcome, None))
                summary.scored += 1
        stopper.writing = True
        try:
            writer.write(rows)
        finally:
            stopper.writing = False
        if progress is not None:
            progress.update(summary.written, position)
        stopper.check()

    try:
        for chunk in _chunks(records, max(1, options.chunk_size)):
            summary.read += len(chunk)
            prepared = [_prepare(r, cols, fixed_date) for r in chunk]
            future = submit([p for p in prepared if not isinstance(p, str)])
            pending.append((chunk, prepared, future, reader.position))
            while len(pending) > 2 * workers or (pending and isinstance(pending[0][2], _Done)):
                drain_one()
        while pending:
            drain_one()
    except BrokenProcessPool as exc:
        raise RuntimeError(
            f"a worker process died ({exc}); the output holds every chunk written before"
        ) from None
    finally:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
