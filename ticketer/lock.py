"""The concierge lock: only staff may issue (Isesaki: 発券はコンシェルジュのみ).

A pure state machine over an injected clock. Locked at start. Unlocks with a staff PIN,
a staff card or the key switch; locks on request, after `idle_minutes` without a touch,
when closing time passes, and when the key switch is turned off. `max_wrong_pins` wrong
PINs in a row lock it out for `lockout_minutes`: during a lock-out neither PINs nor
cards are accepted, only the physical key (held by a supervisor). Every change goes to
the audit callback with the staff id; PINs and card UIDs never do.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from .settings import LockSettings
from .staff import StaffDirectory

State = Literal["locked", "unlocked", "locked_out"]
Audit = Callable[[str, str | None, str], None]  # (event, staff id, detail)


@dataclass(frozen=True)
class Attempt:
    ok: bool
    message_key: str  # a presenter text key: unlocked / wrong_pin / locked_out
    tries_left: int = 0
    until: float | None = None


class ConciergeLock:
    def __init__(self, staff: StaffDirectory, settings: LockSettings, audit: Audit,
                 timezone: str = "Asia/Tokyo", clock: Callable[[], float] = _time.time):
        self.staff = staff
        self.settings = settings
        self._audit = audit
        self._tz = ZoneInfo(timezone)
        self._clock = clock
        self.state: State = "locked"
        self.staff_id: str | None = None
        self.method: str | None = None
        self.lockout_until: float | None = None
        self._wrong = 0
        self._last_activity = clock()
        self._last_tick = clock()
        self._listeners: list[Callable[[], None]] = []

    # ---- observers ---------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    @property
    def unlocked(self) -> bool:
        return self.state == "unlocked"

    @property
    def tries_left(self) -> int:
        return self.settings.max_wrong_pins - self._wrong

    # ---- unlocking ---------------------------------------------------------------
    def unlock_pin(self, staff_id: str, pin: str) -> Attempt:
        self.tick()
        if self.state == "locked_out":
            return Attempt(False, "locked_out", until=self.lockout_until)
        member = self.staff.check_pin(staff_id.strip(), pin)
        if member is None:
            self._wrong += 1
            known = self.staff.get(staff_id.strip()) is not None
            self._audit("wrong_pin", staff_id.strip() if known else None,
                        f"attempt {self._wrong} of {self.settings.max_wrong_pins}")
            if self._wrong >= self.settings.max_wrong_pins:
                self.lockout_until = self._clock() + self.settings.lockout_minutes * 60
                self._set("locked_out", None, None)
                self._audit("lockout", None, f"{self.settings.lockout_minutes:g} min")
                return Attempt(False, "locked_out", until=self.lockout_until)
            self._changed()
            return Attempt(False, "wrong_pin", tries_left=self.tries_left)
        self._unlock(member.id, "pin")
        return Attempt(True, "unlocked")

    def unlock_card(self, uid: bytes) -> Attempt:
        self.tick()
        if self.state == "locked_out":
            return Attempt(False, "locked_out", until=self.lockout_until)
        member = self.staff.by_card(uid)
        if member is None:
            self._audit("unknown_card", None, "")
            return Attempt(False, "unknown_card")
        self._unlock(member.id, "card")
        return Attempt(True, "unlocked")

    def key_switch(self, on: bool) -> None:
        """The physical key overrides a lock-out; turning it off locks."""
        if on:
            self._unlock(self.settings.key_staff, "key")
        elif self.state == "unlocked":
            self.lock("key")

    def _unlock(self, staff_id: str, method: str) -> None:
        self._wrong = 0
        self.lockout_until = None
        self._last_activity = self._clock()
        self._set("unlocked", staff_id, method)
        self._audit("unlock", staff_id, method)

    # ---- locking -----------------------------------------------------------------
    def lock(self, reason: str = "manual") -> None:
        if self.state != "unlocked":
            return
        staff = self.staff_id
        self._set("locked", None, None)
        self._audit("lock", staff, reason)

    def touch(self) -> None:
        """Any activity on the screen or buttons postpones the idle lock."""
        self._last_activity = self._clock()

    def tick(self) -> None:
        """Called every few seconds: idle lock, closing time, end of a lock-out."""
        now = self._clock()
        if self.state == "locked_out" and self.lockout_until is not None and now >= self.lockout_until:
            self._wrong = 0
            self.lockout_until = None
            self._set("locked", None, None)
            self._audit("lockout_ended", None, "")
        if self.state == "unlocked":
            if now - self._last_activity >= self.settings.idle_minutes * 60:
                self.lock("idle")
            elif self._closing_passed(self._last_tick, now):
                self.lock("closing_time")
        self._last_tick = now

    def _closing_passed(self, before: float, now: float) -> bool:
        closing = self.settings.closing_time
        if closing is None or now <= before:
            return False
        start = datetime.fromtimestamp(before, self._tz)
        moment = datetime.combine(start.date(), closing, self._tz)
        if moment.timestamp() <= before:
            moment += timedelta(days=1)
        return moment.timestamp() <= now

    def _set(self, state: State, staff_id: str | None, method: str | None) -> None:
        self.state, self.staff_id, self.method = state, staff_id, method
        self._changed()
