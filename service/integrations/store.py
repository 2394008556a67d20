"""The durable store of webhook events: one SQLite table, ``webhook_events``.

The file is ``KLARSTEG_DATA_DIR/klarsteg.db`` (WAL mode, ``synchronous=FULL``: an event a
webhook answered 2xx for is on disk), shared with the other stores of the service, each
with its own prefixed tables and its own connection. Every method here is synchronous and
quick; the async code calls them in a worker thread.

An event's life: ``pending`` (due at ``next_attempt_at``) -> ``processing`` (claimed, with
a lease so that a crashed process's events are taken up again) -> ``done``, ``skipped``
(nothing to score) or ``failed`` (an error retrying cannot fix, or the attempts used up);
a retryable error puts it back to ``pending`` later. ``dedup_key`` is unique: a replayed
delivery inserts nothing. The ``payload`` holds only what processing needs (ids, and a
Pipedrive note's text when the webhook carried it) and is cleared once the event is
finished, so the note's text does not stay in the store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DB_NAME = "klarsteg.db"
FINISHED = ("done", "skipped", "failed")
STATUSES = ("pending", "processing", *FINISHED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    payload TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    score INTEGER,
    verdict TEXT,
    missing TEXT,
    written TEXT,
    followup_id TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_events_due ON webhook_events (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_events_object ON webhook_events (source, object_id);
"""


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class NewEvent:
    """An event as a webhook receives it: where from, its key for deduplication, the note."""

    source: str
    dedup_key: str
    event_type: str
    object_id: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredEvent:
    """A claimed event, ready to process."""

    id: int
    source: str
    event_type: str
    object_id: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """How processing an event ended (``status`` is one of ``FINISHED``)."""

    status: str
    score: int | None = None
    verdict: str | None = None
    missing: tuple[str, ...] = ()
    written: str | None = None
    error: str | None = None


class EventStore:
    """The ``webhook_events`` table, through one connection used under a lock."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / DB_NAME
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def open(self) -> None:
        """Create the folder (private to this user), the database and the table if need be."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        existed = self.path.exists()
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        if not existed:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute(
            "PRAGMA secure_delete=ON"
        )  # a dropped payload's text is overwritten, not left in free pages
        db.executescript(_SCHEMA)
        self._db = db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the webhook event store is not open")
        return self._db

    def add(self, events: list[NewEvent]) -> tuple[int, int]:
        """Insert events in one transaction, skipping known ``dedup_key``s: (new, duplicates)."""
        now, stamp = time.time(), _now_iso()
        new = 0
        with self._lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                for ev in events:
                    cur = db.execute(
                        "INSERT OR IGNORE INTO webhook_events (source, dedup_key, event_type, object_id,"
                        " payload, next_attempt_at, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            ev.source,
                            ev.dedup_key,
                            ev.event_type,
                            ev.object_id,
                            json.dumps(ev.payload),
                            now,
                            stamp,
                            stamp,
                        ),
                    )
                    new += cur.rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return new, len(events) - new

    def claim(self, limit: int, lease_s: float) -> list[StoredEvent]:
        """Take up to ``limit`` due events (pending, or processing with an expired lease)."""
        now = time.time()
        with self._lock:
            rows = (
                self._conn()
                .execute(
                    "UPDATE webhook_events SET status = 'processing', attempts = attempts + 1, lease_until = ?,"
                    " updated_at = ? WHERE id IN (SELECT id FROM webhook_events WHERE (status = 'pending'"
                    " AND next_attempt_at <= ?) OR (status = 'processing' AND lease_until < ?) ORDER BY id LIMIT ?)"
                    " RETURNING id, source, event_type, object_id, payload, attempts",
                    (now + lease_s, _now_iso(), now, now, limit),
                )
                .fetchall()
            )
        return sorted(
            (StoredEvent(r[0], r[1], r[2], r[3], json.loads(r[4] or "{}"), r[5]) for r in rows),
            key=lambda e: e.id,
        )

    def finish(self, event_id: int, outcome: Outcome) -> None:
        """Record how an event ended and drop its payload."""
        with self._lock:
            self._conn().execute(
                "UPDATE webhook_events SET status = ?, score = ?, verdict = ?, missing = ?, written = ?,"
                " error = ?, payload = NULL, lease_until = NULL, updated_at = ? WHERE id = ?",
                (
                    outcome.status,
                    outcome.score,
                    outcome.verdict,
                    json.dumps(list(outcome.missing)) if outcome.verdict is not None else None,
                    outcome.written,
                    outcome.error,
                    _now_iso(),
                    event_id,
                ),
            )

    def retry_later(self, event_id: int, error: str, delay_s: float) -> None:
        """Put an event back in the queue, due in ``delay_s`` seconds, with the error seen."""
        with self._lock:
            self._conn().execute(
                "UPDATE webhook_events SET status = 'pending', next_attempt_at = ?, error = ?,"
                " lease_until = NULL, updated_at = ? WHERE id = ?",
                (time.time() + delay_s, error, _now_iso(), event_id),
            )

    def release(self, event_ids: list[int]) -> None:
        """Give back claimed events unprocessed (at shutdown): due now, the attempt not counted."""
        with self._lock:
            self._conn().executemany(
                "UPDATE webhook_events SET status = 'pending', attempts = max(attempts - 1, 0),"
                " next_attempt_at = ?, lease_until = NULL WHERE id = ? AND status = 'processing'",
                [(time.time(), i) for i in event_ids],
            )

    def resume(self) -> int:
        """At start-up: every pending event is due now (a restart resumes the queue at once)."""
        with self._lock:
            cur = self._conn().execute(
                "UPDATE webhook_events SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?",
                (time.time(), time.time()),
            )
        return cur.rowcount

    def next_due_in(self) -> float | None:
        """Seconds until the next pending event is due (0 if one is), None when none waits."""
        with self._lock:
            row = (
                self._conn()
                .execute("SELECT min(next_attempt_at) FROM webhook_events WHERE status = 'pending'")
                .fetchone()
            )
        return None if row[0] is None else max(0.0, row[0] - time.time())

    def followup_for(self, source: str, object_id: str) -> str | None:
        """The task or activity Klarsteg already created for this note, if any."""
        with self._lock:
            row = (
                self._conn()
                .execute(
                    "SELECT followup_id FROM webhook_events WHERE source = ? AND object_id = ?"
                    " AND followup_id IS NOT NULL ORDER BY id LIMIT 1",
                    (source, object_id),
                )
                .fetchone()
            )
        return None if row is None else row[0]

    def set_followup(self, event_id: int, followup_id: str) -> None:
        """Remember a created task or activity at once, so that a retry does not create another."""
        with self._lock:
            self._conn().execute(
                "UPDATE webhook_events SET followup_id = ? WHERE id = ?", (followup_id, event_id)
            )

    def prune(self, older_than_days: int) -> int:
        """Delete finished events last updated more than ``older_than_days`` days ago."""
        cutoff = datetime.fromtimestamp(time.time() - older_than_days * 86400, UTC)
        stamp = cutoff.isoformat(timespec="seconds").replace("+00:00", "Z")
        with self._lock:
            cur = self._conn().execute(
                "DELETE FROM webhook_events WHERE status IN ('done', 'skipped', 'failed') AND updated_at < ?",
                (stamp,),
            )
        return cur.rowcount

    def listing(
        self, limit: int, before: int | None = None, status: str | None = None, source: str | None = None
    ) -> list[dict[str, Any]]:
        """The newest events first, without payloads: ids, status, score, error."""
        where, args = [], []
        if before is not None:
            where.append("id < ?")
            args.append(before)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if source is not None:
            where.append("source = ?")
            args.append(source)
        sql = (
            "SELECT id, source, event_type, object_id, status, attempts, score, verdict, missing, written,"
            " followup_id, error, received_at, updated_at FROM webhook_events"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        with self._lock:
            rows = self._conn().execute(sql, [*args, limit]).fetchall()
        keys = [
            "id",
            "source",
            "event_type",
            "object_id",
            "status",
            "attempts",
            "score",
            "verdict",
            "missing",
            "written",
            "followup_id",
            "error",
            "received_at",
            "updated_at",
        ]
        out = []
        for row in rows:
            item = dict(zip(keys, row, strict=True))
            item["missing"] = json.loads(item["missing"]) if item["missing"] else None
            out.append(item)
        return out
