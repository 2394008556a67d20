"""The durable store of corrections: one SQLite table, ``corrections``.

The file is ``KLARSTEG_DATA_DIR/klarsteg.db`` (WAL mode, ``synchronous=FULL``: a correction
answered 201 is on disk), shared with the service's other stores, each with its own table
and its own connection. The folder is created private to the user (0700) and the file 0600:
corrections hold the notes' text.

Each row is one saved correction: the note annotated in the training-data format
(``record``, JSON), where it came from (``api`` or ``import``), what the date layer said
about its when (``date_check``), and, for corrections made against a result, the model
version and the model's own answer at that time. Rows are never changed; a later correction
of the same note (same text, white space and case aside, and same note date) supersedes
an earlier one in the export.

The connection is opened on first use, so an app that never receives a correction creates
no file. Every method is synchronous and quick; the async routes call them in a thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.corrections.check import RECORD_KEYS, SPAN_KEYS, note_key

DB_NAME = "klarsteg.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    source TEXT NOT NULL,
    note_key TEXT NOT NULL,
    record_sha256 TEXT NOT NULL,
    record TEXT NOT NULL,
    date_check TEXT NOT NULL,
    model_version TEXT,
    model_answer TEXT
);
CREATE INDEX IF NOT EXISTS corrections_note ON corrections (note_key, id);
CREATE INDEX IF NOT EXISTS corrections_record ON corrections (record_sha256);
"""


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _note_key(record: dict[str, Any]) -> str:
    """The note a correction is about: its text (white space and case aside) and note date."""
    digest = hashlib.sha256(note_key(record["text"]).encode()).hexdigest()
    return f"{digest}:{record['note_date']}"


@dataclass(frozen=True)
class StoredCorrection:
    """One row of the ``corrections`` table."""

    id: int
    created_at: str
    source: str
    record: dict[str, Any]
    date_check: str
    model_version: str | None
    model_answer: dict[str, Any] | None
    superseded: bool = False

    def export(self) -> dict[str, Any]:
        """The correction as a training-data line (``klarsteg corrections export``)."""
        out: dict[str, Any] = {"id": f"correction-{self.id}"}
        for key in RECORD_KEYS:  # in the training data's order, spans' keys too
            if key in self.record:
                value = self.record[key]
                if isinstance(value, dict) and key in SPAN_KEYS:
                    value = {k: value[k] for k in SPAN_KEYS[key] if k in value}
                out[key] = value
        out["source"] = f"correction:{self.source}"
        out["corrected_at"] = self.created_at
        if self.model_version:
            out["model_version"] = self.model_version
        if self.date_check == "override":
            out["date_check"] = "override"
        return out


class CorrectionStore:
    """The ``corrections`` table, through one connection used under a lock."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / DB_NAME
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        existed = self.path.exists()
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        if not existed:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=10000")
        db.executescript(_SCHEMA)
        return db

    def _conn(self) -> sqlite3.Connection:
        """The connection, opened (and the table created) on first use; call under the lock."""
        if self._db is None:
            self._db = self._open()
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def add(
        self,
        record: dict[str, Any],
        *,
        source: str,
        date_check: str,
        model_version: str | None = None,
        model_answer: dict[str, Any] | None = None,
    ) -> StoredCorrection:
        """Store one checked correction; return it with its id."""
        return self.add_many(
            [(record, date_check)], source=source, model_version=model_version, model_answer=model_answer
        )[0]

    def add_many(
        self,
        items: Iterable[tuple[dict[str, Any], str]],
        *,
        source: str,
        model_version: str | None = None,
        model_answer: dict[str, Any] | None = None,
    ) -> list[StoredCorrection]:
        """Store checked corrections ``(record, date_check)`` in one transaction."""
        stamp = _now_iso()
        answer = json.dumps(model_answer, ensure_ascii=False) if model_answer is not None else None
        stored: list[StoredCorrection] = []
        with self._lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                for record, date_check in items:
                    canonical = _canonical(record)
                    cur = db.execute(
                        "INSERT INTO corrections (created_at, source, note_key, record_sha256, record,"
                        " date_check, model_version, model_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            stamp,
                            source,
                            _note_key(record),
                            hashlib.sha256(canonical.encode()).hexdigest(),
                            canonical,
                            date_check,
                            model_version,
                            answer,
                        ),
                    )
                    stored.append(
                        StoredCorrection(
                            id=int(cur.lastrowid or 0),
                            created_at=stamp,
                            source=source,
                            record=record,
                            date_check=date_check,
                            model_version=model_version,
                            model_answer=model_answer,
                        )
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return stored

    def has_record(self, record: dict[str, Any]) -> bool:
        """True when this exact correction (every field the same) is stored already."""
        digest = hashlib.sha256(_canonical(record).encode()).hexdigest()
        with self._lock:
            row = (
                self._conn()
                .execute("SELECT 1 FROM corrections WHERE record_sha256 = ? LIMIT 1", (digest,))
                .fetchone()
            )
        return row is not None

    def count(self) -> int:
        with self._lock:
            return int(self._conn().execute("SELECT count(*) FROM corrections").fetchone()[0])

    def page(self, before: int | None = None, limit: int = 50) -> list[StoredCorrection]:
        """Corrections newest first, with ids below ``before`` when given, at most ``limit``."""
        with self._lock:
            rows = (
                self._conn()
                .execute(
                    "SELECT c.id, c.created_at, c.source, c.record, c.date_check, c.model_version,"
                    " c.model_answer, EXISTS (SELECT 1 FROM corrections l WHERE l.note_key = c.note_key"
                    " AND l.id > c.id) FROM corrections c WHERE c.id < ? ORDER BY c.id DESC LIMIT ?",
                    (before if before is not None else 2**63 - 1, limit),
                )
                .fetchall()
            )
        return [_row(r) for r in rows]

    def latest(self) -> list[StoredCorrection]:
        """The latest correction of every note, oldest first: what the export writes."""
        with self._lock:
            rows = (
                self._conn()
                .execute(
                    "SELECT c.id, c.created_at, c.source, c.record, c.date_check, c.model_version,"
                    " c.model_answer, 0 FROM corrections c WHERE c.id = (SELECT max(l.id) FROM corrections l"
                    " WHERE l.note_key = c.note_key) ORDER BY c.id"
                )
                .fetchall()
            )
        return [_row(r) for r in rows]


def _row(r: tuple[Any, ...]) -> StoredCorrection:
    return StoredCorrection(
        id=int(r[0]),
        created_at=str(r[1]),
        source=str(r[2]),
        record=json.loads(r[3]),
        date_check=str(r[4]),
        model_version=r[5],
        model_answer=json.loads(r[6]) if r[6] else None,
        superseded=bool(r[7]),
    )
