"""Pagers lent at the concierge desk: the ledger, the page on each call, the return.

The transmitter hangs on the concierge's issuer, where the pagers are lent and put back
on their charging base (see docs/notify.md). The concierge types or scans the pager's id
while issuing; the ticket then carries the `hearing` need, so the counter console warns
that the citizen may not hear the call. The desk follows the live calls (as a board
does): a call or recall of a number with a pager out pages it once per call. Putting
the pager back on the base (the transmitter reports it) or scanning it again records
its return. The ledger (pager, day, number, times) stays on the issuer; no name.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from firmware.pager_link import PagerTransmitter
from protocol.messages import CallMessage
from protocol.private_files import open_database

log = logging.getLogger(__name__)
PAGER_ID = re.compile(r"^\s*P?0*(\d{1,3})\s*$", re.IGNORECASE)
SCHEMA = """
CREATE TABLE IF NOT EXISTS pagers (
    id INTEGER PRIMARY KEY, pager INTEGER NOT NULL, day TEXT NOT NULL, number INTEGER NOT NULL,
    lent_at REAL NOT NULL, paged_at REAL, pages INTEGER NOT NULL DEFAULT 0,
    last_call INTEGER, returned_at REAL);
CREATE INDEX IF NOT EXISTS pagers_out ON pagers(pager, returned_at);
"""


class PagerError(ValueError):
    """A pager that cannot be lent; the message is for the concierge (Japanese)."""


def parse_pager(text: str) -> int:
    """'P07', '7' or a scanned '007' -> 7; PagerError otherwise."""
    found = PAGER_ID.match(text or "")
    if not found or not 1 <= int(found.group(1)) <= 999:
        raise PagerError("呼出器の番号は1〜999です。")
    return int(found.group(1))


class PagerDesk:
    def __init__(self, path: str | Path, transmitter: PagerTransmitter | None,
                 business_day: Callable[[float], str], clock: Callable[[], float] = time.time):
        self.transmitter = transmitter
        self.business_day = business_day
        self.clock = clock
        self._db = open_database(path)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        if transmitter is not None:
            transmitter.on_return(self.returned)

    def close(self) -> None:
        if self.transmitter is not None:
            self.transmitter.close()
        with self._lock:
            self._db.close()

    def available(self, pager: int) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM pagers WHERE pager = ? AND returned_at IS NULL",
                                    (pager,)).fetchone() is None

    def lend(self, number: int, pager: int) -> None:
        now = self.clock()
        if not self.available(pager):  # the desk lends from one screen: no race to guard
            raise PagerError(f"呼出器{pager}番は貸出中です。返却を記録してから使ってください。")
        with self._lock:
            self._db.execute("INSERT INTO pagers(pager, day, number, lent_at) VALUES (?, ?, ?, ?)",
                             (pager, self.business_day(now), number, now))

    def returned(self, pager: int) -> bool:
        with self._lock:
            cur = self._db.execute("UPDATE pagers SET returned_at = ? "
                                   "WHERE pager = ? AND returned_at IS NULL", (self.clock(), pager))
        return cur.rowcount > 0

    def out(self) -> list[dict]:
        """Pagers lent and not back yet (the desk checks them at closing time)."""
        with self._lock:
            rows = self._db.execute("SELECT pager, day, number, lent_at, pages FROM pagers "
                                    "WHERE returned_at IS NULL ORDER BY lent_at").fetchall()
        return [dict(zip(("pager", "day", "number", "lent_at", "pages"), r)) for r in rows]

    def history(self) -> list[dict]:
        keys = ("pager", "day", "number", "lent_at", "paged_at", "pages", "returned_at")
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(keys)} FROM pagers ORDER BY id").fetchall()
        return [dict(zip(keys, r)) for r in rows]

    def on_call(self, call: CallMessage, retained: bool) -> bool:
        """A live call: page the number's pager (once per call id). A retained call is the
        state after a restart, not a new call: it pages nobody."""
        if retained or call.kind == "clear" or call.number is None or self.transmitter is None:
            return False
        day = self.business_day(call.at)
        with self._lock:
            row = self._db.execute(
                "SELECT id, pager, last_call FROM pagers WHERE day = ? AND number = ? "
                "AND returned_at IS NULL", (day, call.number)).fetchone()
        if row is None or row[2] == call.call_id:
            return False
        ok = self.transmitter.page(row[1], call.number, call.kind)
        if ok:
            with self._lock:
                self._db.execute("UPDATE pagers SET paged_at = ?, pages = pages + 1, last_call = ? "
                                 "WHERE id = ?", (self.clock(), call.call_id, row[0]))
        else:
            log.warning("pager %d did not take the call of %d", row[1], call.number)
        return ok
