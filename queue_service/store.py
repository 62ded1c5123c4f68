"""Durable storage: SQLite in WAL mode with an append-only event log.

One `commit()` writes a whole batch (events, the answers kept for de-duplication and the
current state of the visits it touched) in one transaction with fsync, before anything
is acknowledged or published. The event log is the truth: replaying today's events
rebuilds the engine after a crash. The `visits` table is the current state for queries.
What the engine learned of the floor (service times, wait ranges) up to the start of the
business day is kept in `meta` under `learned`, written with the day's first batch:
today's events replayed on top of it give today's learning back.
Events are written and read through their models (queue_service/events.py); a row from
an older version is completed on reading.

Opening checks the file first: an empty, corrupt or foreign file, or a missing one in a
data directory that was used before, raises StoreError (one line, saying what to do)
instead of silently starting a new day from nothing; `new_store=True` moves such a file
aside and starts afresh. Files are created owner-only (they hold staff password hashes).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from protocol.private_files import open_database, private_dir

from . import events as ev
from .events import Event

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    day  TEXT NOT NULL,
    at   REAL NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_at ON events(at);
CREATE INDEX IF NOT EXISTS events_type ON events(type, seq);
CREATE TABLE IF NOT EXISTS responses (
    request_id TEXT PRIMARY KEY,
    device     TEXT NOT NULL,
    command    TEXT NOT NULL,
    at         REAL NOT NULL,
    body       BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS visits (
    id     TEXT PRIMARY KEY,
    day    TEXT NOT NULL,
    number INTEGER NOT NULL,
    state  TEXT NOT NULL,
    body   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

RESPONSES_KEPT_S = 7 * 24 * 3600  # on disk, for looking back; memory keeps far less
# Files that only exist once a service has run in a data directory.
USED_MARKERS = ("applications.key", "seal.key", "applications.db")


class StoreError(RuntimeError):
    """The store cannot be opened safely; the message is one line for the operator."""


def check_store(db_path: Path) -> str | None:
    """Why this file must not be used as the service's store, or None if it is sound."""
    if not db_path.exists():
        used = [m for m in USED_MARKERS if (db_path.parent / m).exists()]
        return f"{db_path} is missing but {db_path.parent} was used before" if used else None
    if db_path.stat().st_size == 0:
        return f"{db_path} is empty"
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return f"{db_path} is corrupt (integrity check failed)"
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            ours = {t for t in tables if not t.startswith(("staff_", "sqlite_"))}
            # Only staff accounts (made before the first start) is a store not yet begun.
            if ours and "events" not in ours:
                return f"{db_path} is not a Madoguchi store (no event log)"
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return f"{db_path} is corrupt ({exc})"
    return None


@dataclass
class Batch:
    """Everything one transaction writes."""

    day: str = ""
    events: list[Event] = field(default_factory=list)
    responses: list[tuple[str, str, str, float, bytes]] = field(default_factory=list)
    visits: list[tuple[str, str, int, str, str]] = field(default_factory=list)
    learned: dict | None = None  # at a new business day: the learning to start it from

    def __bool__(self) -> bool:
        return bool(self.events or self.responses or self.visits or self.learned)


class Store:
    def __init__(self, db_path: str | Path, *, new_store: bool = False):
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        problem = check_store(self.db_path)
        if problem and not new_store:
            raise StoreError(f"{problem}: restore a backup (python -m queue_service.backup "
                             "restore) or start with --new-store to begin an empty store")
        if problem and self.db_path.exists():
            aside = self.db_path.with_name(f"{self.db_path.name}.broken-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                src = self.db_path.with_name(self.db_path.name + suffix)
                if src.exists():
                    src.rename(aside.with_name(aside.name + suffix))
        self._db = open_database(self.db_path)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA synchronous=FULL")  # fsync at every commit: acknowledged = on disk
        self._db.execute("PRAGMA secure_delete=FAST")  # erased contacts do not stay in freed space
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def commit(self, batch: Batch) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT INTO events(day, at, type, body) VALUES (?, ?, ?, ?)",
                    [(getattr(e, "day", batch.day), e.at, e.type, ev.dump(e))
                     for e in batch.events],
                )
                db.executemany(
                    "INSERT OR IGNORE INTO responses(request_id, device, command, at, body) "
                    "VALUES (?, ?, ?, ?, ?)", batch.responses,
                )
                db.executemany(
                    "INSERT OR REPLACE INTO visits(id, day, number, state, body) VALUES (?, ?, ?, ?, ?)",
                    batch.visits,
                )
                if batch.learned is not None:
                    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('learned', ?)",
                               (json.dumps(batch.learned),))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _current_day_start(self) -> int:
        row = self._db.execute("SELECT max(seq) FROM events WHERE type = 'day_started'").fetchone()
        return row[0] or 0

    def current_day_events(self) -> list[Event]:
        """Events from the last `day_started` on, in order: what replay needs."""
        with self._lock:
            start = self._current_day_start()
            rows = self._db.execute(
                "SELECT day, body FROM events WHERE seq >= ? ORDER BY seq", (start,)
            ).fetchall()
        return [ev.parse(body, day) for day, body in rows]

    def earlier_events_of(self, types: tuple[str, ...]) -> list[Event]:
        """Events of these types from before the current day, in order (records that
        outlive a business day, such as bookings made days ahead)."""
        marks = ", ".join("?" * len(types))
        with self._lock:
            rows = self._db.execute(
                f"SELECT day, body FROM events WHERE type IN ({marks}) AND seq < ? ORDER BY seq",
                (*types, self._current_day_start()),
            ).fetchall()
        return [ev.parse(body, day) for day, body in rows]

    def events(self, since: float | None = None, until: float | None = None) -> Iterator[Event]:
        """The event log in order, optionally between two times (epoch seconds).

        Read row by row through a read-only connection of its own (WAL: it sees what is
        committed and never holds up the writer), so a report over a day or weeks of
        events never has them all in memory at once (a process keeps most of the memory
        of such a peak: a 1,500-visit day read whole left 2 MB more behind)."""
        query = "SELECT day, body FROM events WHERE at >= ? AND at < ? ORDER BY seq"
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        try:
            rows = db.execute(query, (since if since is not None else float("-inf"),
                                      until if until is not None else float("inf")))
            for day, body in rows:
                yield ev.parse(body, day)
        finally:
            db.close()

    def responses_since(self, since: float) -> list[tuple[str, float, bytes]]:
        """(request id, time, answer) of the answers given since `since`, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT request_id, at, body FROM responses WHERE at >= ? ORDER BY at", (since,)
            ).fetchall()
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    def prune_responses(self, before: float) -> None:
        with self._lock:
            self._db.execute("DELETE FROM responses WHERE at < ?", (before,))

    def forget_contacts(self, codes: list[str]) -> None:
        """Erase the sealed reminder contacts of these bookings from the event log (the
        only personal data it holds), and from the file: freed pages are overwritten and
        the write-ahead log that held the old rows is emptied."""
        if not codes:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "UPDATE events SET body = json_set(body, '$.contact', NULL) "
                "WHERE type = 'booking_made' AND json_extract(body, '$.code') = ?",
                [(c,) for c in codes])
            self._db.execute("COMMIT")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def learned(self) -> dict | None:
        """The learning kept at the start of the current business day (None: new site)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'learned'").fetchone()
        return json.loads(row[0]) if row else None

    def backup(self, dest: Path) -> Path:
        """An online, consistent copy of the store (SQLite's backup API), owner-only."""
        private_dir(dest.parent)
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.unlink(missing_ok=True)
        target = open_database(tmp)
        try:
            with self._lock:
                self._db.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
        os.replace(tmp, dest)
        return dest

    def bump_boot(self) -> int:
        """Count service starts (published with the service's birth message)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'boot'").fetchone()
            boot = int(row[0]) + 1 if row else 1
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('boot', ?)", (str(boot),))
        return boot
