"""The issuer's local SQLite file: leased numbers, offline visits, tickets, audit log.

Everything that must survive a power cut lives here, written before anything is
printed or acknowledged: a ticket that failed to print is found again after a restart,
offline visits stay until the service accepts them, and a leased number is used once.
The audit log records who unlocked, locked and issued; it holds no PIN and no card UID.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from protocol.messages import AcceptedVisit, OfflineVisit, RejectedVisit
from protocol.private_files import open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS leases (
    day TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (day, first));
CREATE TABLE IF NOT EXISTS offline_visits (
    request_id TEXT PRIMARY KEY, number INTEGER NOT NULL, day TEXT NOT NULL,
    visit TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', token TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS tickets (
    request_id TEXT PRIMARY KEY, number INTEGER NOT NULL, day TEXT NOT NULL,
    ticket TEXT NOT NULL, printed INTEGER NOT NULL DEFAULT 0, problem TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, event TEXT NOT NULL, staff TEXT,
    detail TEXT NOT NULL DEFAULT '');
"""


@dataclass(frozen=True)
class StoredTicket:
    request_id: str
    number: int
    day: str
    ticket: dict
    printed: bool
    problem: str | None
    attempts: int


class LocalStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = open_database(self.path)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # ---- leases ------------------------------------------------------------------
    def add_lease(self, day: str, first: int, last: int) -> None:
        self._run("INSERT OR IGNORE INTO leases (day, first, last, next) VALUES (?, ?, ?, ?)",
                  (day, first, last, first))

    def keep_leases(self, day: str, held: list[tuple[int, int]]) -> int:
        """Use up every lease of `day` not inside a block of `held`; returns how many
        numbers were left in them."""
        with self._lock:
            rows = self._db.execute("SELECT first, last, next FROM leases WHERE day = ?",
                                    (day,)).fetchall()
            dropped = 0
            for first, last, nxt in rows:
                if any(a <= first and last <= b for a, b in held):
                    continue
                dropped += max(last - nxt + 1, 0)
                self._db.execute("UPDATE leases SET next = last + 1 WHERE day = ? AND first = ?",
                                 (day, first))
            return dropped

    def numbers_left(self, day: str) -> int:
        rows = self._run("SELECT COALESCE(SUM(last - next + 1), 0) FROM leases WHERE day = ?", (day,))
        return int(rows[0][0])

    # ---- offline visits ----------------------------------------------------------
    def issue_offline(self, day: str, make: Callable[[int], OfflineVisit]) -> OfflineVisit | None:
        """Take the next leased number of `day` and store the visit `make(number)` built,
        in one transaction; None when no leased number is left."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT first, next FROM leases WHERE day = ? AND next <= last "
                    "ORDER BY first LIMIT 1", (day,)).fetchone()
                if row is None:
                    self._db.execute("ROLLBACK")
                    return None
                first, number = row
                visit: OfflineVisit = make(number)
                self._db.execute("UPDATE leases SET next = next + 1 WHERE day = ? AND first = ?",
                                 (day, first))
                self._db.execute(
                    "INSERT INTO offline_visits (request_id, number, day, visit) VALUES (?, ?, ?, ?)",
                    (visit.request_id, number, day, visit.model_dump_json()))
                self._db.execute("COMMIT")
                return visit
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def pending_handover(self, limit: int = 200) -> list[OfflineVisit]:
        rows = self._run("SELECT visit FROM offline_visits WHERE state = 'pending' "
                         "ORDER BY number LIMIT ?", (limit,))
        return [OfflineVisit.model_validate_json(r[0]) for r in rows]

    def count_offline(self, state: str = "pending") -> int:
        return int(self._run("SELECT COUNT(*) FROM offline_visits WHERE state = ?", (state,))[0][0])

    def mark_handed_over(self, accepted: list[AcceptedVisit], rejected: list[RejectedVisit]) -> None:
        with self._lock:
            for a in accepted:
                self._db.execute("UPDATE offline_visits SET state = 'accepted', token = ? "
                                 "WHERE number = ? AND state = 'pending'", (a.token, a.number))
            for r in rejected:
                self._db.execute("UPDATE offline_visits SET state = 'rejected', reason = ? "
                                 "WHERE number = ? AND state = 'pending'", (r.reason, r.number))

    def rejected_visits(self) -> list[tuple[int, str]]:
        """Offline visits the service refused and the concierge has not yet seen."""
        return [(n, r) for n, r in self._run(
            "SELECT number, reason FROM offline_visits WHERE state = 'rejected' ORDER BY number")]

    def acknowledge_rejected(self) -> None:
        self._run("UPDATE offline_visits SET state = 'rejected_seen' WHERE state = 'rejected'")

    # ---- tickets -----------------------------------------------------------------
    def save_ticket(self, request_id: str, number: int, day: str, ticket: dict) -> None:
        self._run("INSERT OR IGNORE INTO tickets (request_id, number, day, ticket, created) "
                  "VALUES (?, ?, ?, ?, ?)", (request_id, number, day, json.dumps(ticket), time.time()))

    def update_ticket(self, request_id: str, ticket: dict) -> None:
        self._run("UPDATE tickets SET ticket = ? WHERE request_id = ?", (json.dumps(ticket), request_id))

    def ticket(self, request_id: str) -> StoredTicket | None:
        rows = self._run("SELECT request_id, number, day, ticket, printed, problem, attempts "
                         "FROM tickets WHERE request_id = ?", (request_id,))
        return _ticket(rows[0]) if rows else None

    def ticket_by_number(self, day: str, number: int) -> StoredTicket | None:
        rows = self._run("SELECT request_id, number, day, ticket, printed, problem, attempts "
                         "FROM tickets WHERE day = ? AND number = ?", (day, number))
        return _ticket(rows[0]) if rows else None

    def mark_printed(self, request_id: str, ok: bool, problem: str | None) -> None:
        self._run("UPDATE tickets SET printed = MAX(printed, ?), problem = ?, attempts = attempts + 1 "
                  "WHERE request_id = ?", (int(ok), None if ok else problem, request_id))

    def unprinted(self) -> list[StoredTicket]:
        rows = self._run("SELECT request_id, number, day, ticket, printed, problem, attempts "
                         "FROM tickets WHERE printed = 0 ORDER BY created")
        return [_ticket(r) for r in rows]

    def last_ticket(self) -> StoredTicket | None:
        rows = self._run("SELECT request_id, number, day, ticket, printed, problem, attempts "
                         "FROM tickets ORDER BY created DESC LIMIT 1")
        return _ticket(rows[0]) if rows else None

    # ---- audit -------------------------------------------------------------------
    def audit(self, event: str, staff: str | None, detail: str = "") -> None:
        self._run("INSERT INTO audit (at, event, staff, detail) VALUES (?, ?, ?, ?)",
                  (time.time(), event, staff, detail))

    def audit_log(self) -> list[tuple[str, str | None, str]]:
        return [(e, s, d) for e, s, d in self._run("SELECT event, staff, detail FROM audit ORDER BY id")]


def _ticket(row: tuple) -> StoredTicket:
    rid, number, day, ticket, printed, problem, attempts = row
    return StoredTicket(rid, number, day, json.loads(ticket), bool(printed), problem, attempts)
