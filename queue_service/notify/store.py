"""The notification store: sealed contacts and a durable outbox, in their own SQLite file.

Contacts (push subscriptions, e-mail addresses, LINE user ids) are sealed with Fernet
under `notify.key` (owner-only, in the data directory), never logged, never published,
and purged when the business day ends. The outbox has one row per (visit, trigger) in
`messages` (its primary key: a trigger is recorded once, across restarts) and one row
per contact in `deliveries`, which the sender drains with retries and backoff.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from protocol.private_files import open_database

from .triggers import Notice

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    day     TEXT NOT NULL,
    visit   TEXT NOT NULL,
    channel TEXT NOT NULL,
    sealed  BLOB NOT NULL,
    UNIQUE (visit, channel)
);
CREATE TABLE IF NOT EXISTS messages (
    visit   TEXT NOT NULL,
    trigger TEXT NOT NULL,
    day     TEXT NOT NULL,
    at      REAL NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (visit, trigger)
);
CREATE TABLE IF NOT EXISTS deliveries (
    visit    TEXT NOT NULL,
    trigger  TEXT NOT NULL,
    contact  INTEGER NOT NULL,
    channel  TEXT NOT NULL,
    state    TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at   REAL NOT NULL,
    sent_at  REAL,
    error    TEXT,
    PRIMARY KEY (visit, trigger, contact)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(channel, state, due_at);
"""


@dataclass(frozen=True)
class Delivery:
    visit: str
    trigger: str
    contact_id: int
    channel: str
    attempts: int
    created_at: float
    contact: dict | None  # None: unreadable (sealed under another key) or purged
    notice: dict


class NotifyStore:
    def __init__(self, db_path: Path, key: bytes):
        self._fernet = Fernet(key)
        self._db = open_database(db_path)
        # A process kill loses nothing committed in WAL mode; a power cut may lose the last
        # rows, which the notifier finds again from the visits' state at the next start.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Statements that stand or fall together (the connection autocommits otherwise)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- contacts ----------------------------------------------------------------------
    def subscribe(self, day: str, visit: str, channel: str, contact: dict) -> int:
        sealed = self._fernet.encrypt(json.dumps(contact, ensure_ascii=False).encode())
        with self._lock:
            self._db.execute(
                "INSERT INTO contacts(day, visit, channel, sealed) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(visit, channel) DO UPDATE SET sealed = excluded.sealed",
                (day, visit, channel, sealed))
            return self._db.execute("SELECT id FROM contacts WHERE visit = ? AND channel = ?",
                                    (visit, channel)).fetchone()[0]

    def unsubscribe(self, visit: str) -> None:
        with self._lock, self._transaction() as db:
            db.execute("DELETE FROM contacts WHERE visit = ?", (visit,))
            db.execute("UPDATE deliveries SET state = 'dropped' "
                       "WHERE visit = ? AND state = 'pending'", (visit,))

    def drop_contact(self, contact_id: int) -> None:
        """A contact the channel says is gone for good (unsubscribed, unknown address)."""
        with self._lock:
            self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))

    def channels_of(self, visit: str) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT channel FROM contacts WHERE visit = ? ORDER BY channel",
                                    (visit,)).fetchall()
        return [r[0] for r in rows]

    def subscribed(self, day: str) -> dict[str, set[str]]:
        """Visits of the day with a contact -> the triggers already recorded for them."""
        with self._lock:
            visits = {r[0] for r in self._db.execute(
                "SELECT DISTINCT visit FROM contacts WHERE day = ?", (day,))}
            fired = self._db.execute("SELECT visit, trigger FROM messages WHERE day = ?",
                                     (day,)).fetchall()
        out: dict[str, set[str]] = {v: set() for v in visits}
        for visit, trigger in fired:
            if visit in out:
                out[visit].add(trigger)
        return out

    def fired(self, visit: str) -> set[str]:
        """The triggers already recorded for a visit."""
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT trigger FROM messages WHERE visit = ?",
                                                   (visit,))}

    # ---- the outbox --------------------------------------------------------------------
    def record(self, day: str, visit: str, notices: list[Notice], now: float) -> int:
        """Record notices and queue one delivery per contact; a trigger already recorded is
        ignored (it was queued before, perhaps before a restart). Returns deliveries queued."""
        queued = 0
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                contacts = db.execute("SELECT id, channel FROM contacts WHERE visit = ?",
                                      (visit,)).fetchall()
                for n in notices:
                    body = json.dumps(n.as_dict(), ensure_ascii=False)
                    cur = db.execute("INSERT OR IGNORE INTO messages(visit, trigger, day, at, body) "
                                     "VALUES (?, ?, ?, ?, ?)", (visit, n.trigger, day, now, body))
                    if cur.rowcount == 0:
                        continue
                    for extra in n.covers:
                        db.execute("INSERT OR IGNORE INTO messages(visit, trigger, day, at, body) "
                                   "VALUES (?, ?, ?, ?, '{}')", (visit, extra, day, now))
                    db.executemany(
                        "INSERT OR IGNORE INTO deliveries(visit, trigger, contact, channel, due_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        [(visit, n.trigger, cid, channel, now) for cid, channel in contacts])
                    queued += len(contacts)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return queued

    def forget(self, visits: list[str]) -> None:
        """Visits served or cancelled: whatever is still waiting to go is no use now, and
        their contacts are not needed any more (deleted before the daily purge)."""
        rows = [(v,) for v in visits]
        with self._lock:
            self._db.executemany("UPDATE deliveries SET state = 'dropped' "
                                 "WHERE visit = ? AND state = 'pending'", rows)
            self._db.executemany("DELETE FROM contacts WHERE visit = ?", rows)

    def due(self, channel: str, now: float, limit: int = 50) -> list[Delivery]:
        with self._lock:
            rows = self._db.execute(
                "SELECT d.visit, d.trigger, d.contact, d.channel, d.attempts, m.at, c.sealed, m.body "
                "FROM deliveries d JOIN messages m ON m.visit = d.visit AND m.trigger = d.trigger "
                "LEFT JOIN contacts c ON c.id = d.contact "
                "WHERE d.channel = ? AND d.state = 'pending' AND d.due_at <= ? "
                "ORDER BY d.due_at LIMIT ?", (channel, now, limit)).fetchall()
        return [Delivery(v, t, cid, ch, attempts, at, self._open(sealed), json.loads(body))
                for v, t, cid, ch, attempts, at, sealed, body in rows]

    def next_due(self, channel: str) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT min(due_at) FROM deliveries "
                                   "WHERE channel = ? AND state = 'pending'", (channel,)).fetchone()
        return row[0]

    def mark_sent(self, d: Delivery, now: float) -> None:
        with self._lock:
            self._db.execute("UPDATE deliveries SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
                             "error = NULL WHERE visit = ? AND trigger = ? AND contact = ?",
                             (now, d.visit, d.trigger, d.contact_id))

    def mark_failed(self, d: Delivery, error: str, retry_at: float | None) -> None:
        """A failed attempt: try again at `retry_at`, or give up (None). `error` names the
        failure's kind only (it never holds the contact)."""
        with self._lock:
            self._db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, error = ?, state = ?, due_at = ? "
                "WHERE visit = ? AND trigger = ? AND contact = ?",
                (error, "pending" if retry_at is not None else "failed",
                 retry_at if retry_at is not None else 0.0, d.visit, d.trigger, d.contact_id))

    def deliveries(self, visit: str | None = None) -> list[dict]:
        """The outbox as rows (for the tests, the benchmark and the supervisor)."""
        query = ("SELECT visit, trigger, channel, state, attempts, due_at, sent_at, error "
                 "FROM deliveries" + (" WHERE visit = ?" if visit else "") + " ORDER BY rowid")
        with self._lock:
            rows = self._db.execute(query, (visit,) if visit else ()).fetchall()
        keys = ("visit", "trigger", "channel", "state", "attempts", "due_at", "sent_at", "error")
        return [dict(zip(keys, r)) for r in rows]

    def purge_before(self, day: str) -> None:
        """The daily reset: every contact and message of earlier days goes."""
        with self._lock:
            with self._transaction() as db:  # one step: no reader sees contacts gone, messages kept
                db.execute("DELETE FROM contacts WHERE day < ?", (day,))
                db.execute("DELETE FROM deliveries WHERE (visit, trigger) IN "
                           "(SELECT visit, trigger FROM messages WHERE day < ?)", (day,))
                db.execute("DELETE FROM messages WHERE day < ?", (day,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _open(self, sealed: bytes | None) -> dict | None:
        if sealed is None:
            return None
        try:
            return json.loads(self._fernet.decrypt(sealed))
        except InvalidToken:
            return None
