"""Limits on password guessing at the staff sign-in, checked and counted atomically.

Every sign-in attempt reserves its place under one lock *before* its password is
checked, and the reservation counts as a failure until the check succeeds. So parallel
guesses cannot slip past the count: at most `USER_LIMIT` passwords are ever checked for
one staff id in a window, at most `ADDRESS_LIMIT` from one client address (so one
attacker cannot lock every account), and at most `GLOBAL_LIMIT` per minute for the whole
site (a spray from many addresses is slowed). Locks expire with their window: they slow
guessing, they never shut anybody out for good, and an administrator can lift a staff
member's lock at once (accounts page). Failures are seeded from the audit trail at start.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

USER_LIMIT, USER_WINDOW_S = 5, 15 * 60
ADDRESS_LIMIT, ADDRESS_WINDOW_S = 20, 15 * 60
GLOBAL_LIMIT, GLOBAL_WINDOW_S = 30, 60


@dataclass(frozen=True)
class Attempt:
    """A reservation: pass it back to `finish`."""

    keys: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class Refusal:
    reason: str  # "user", "address" or "site"
    retry_after_s: float


class LoginGuard:
    def __init__(self, clock=time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._limits = {"user": (USER_LIMIT, USER_WINDOW_S),
                        "addr": (ADDRESS_LIMIT, ADDRESS_WINDOW_S),
                        "site": (GLOBAL_LIMIT, GLOBAL_WINDOW_S)}

    def seed(self, failures: list[tuple[float, str | None, str | None]]) -> None:
        """Past failures (time, staff id, address), oldest first, e.g. from the audit."""
        with self._lock:
            for at, user, address in failures:
                for key in self._keys(user or "", address or ""):
                    self._failures.setdefault(key, deque()).append(at)

    @staticmethod
    def _keys(user: str, address: str) -> tuple[str, ...]:
        return (f"user:{user}", f"addr:{address}", "site:")

    def begin(self, user: str, address: str) -> Attempt | Refusal:
        """Reserve one password check, or say why not and for how long."""
        now = self.clock()
        keys = self._keys(user, address)
        with self._lock:
            for key in keys:
                limit, window = self._limits[key.split(":", 1)[0]]
                times = self._failures.setdefault(key, deque())
                while times and times[0] <= now - window:
                    times.popleft()
                if len(times) >= limit:
                    reason = {"user": "user", "addr": "address", "site": "site"}[key.split(":")[0]]
                    return Refusal(reason, times[0] + window - now)
            for key in keys:
                self._failures[key].append(now)
        return Attempt(keys, now)

    def finish(self, attempt: Attempt, ok: bool) -> None:
        """A successful check gives its reservation back (and clears the user's count)."""
        if not ok:
            return
        with self._lock:
            for key in attempt.keys:
                times = self._failures.get(key)
                if times and attempt.at in times:
                    times.remove(attempt.at)
            self._failures.pop(attempt.keys[0], None)

    def locked_users(self) -> set[str]:
        now = self.clock()
        with self._lock:
            return {key.split(":", 1)[1] for key, times in self._failures.items()
                    if key.startswith("user:")
                    and sum(t > now - USER_WINDOW_S for t in times) >= USER_LIMIT}

    def unlock(self, user: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{user}", None)
