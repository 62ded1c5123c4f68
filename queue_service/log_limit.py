"""Repeated log lines, rate-limited: a flood of refusals writes a few lines, not megabytes.

`LogLimiter.warning(key, msg, *args)` writes the first line of a kind (`key`) at once and
then at most one per `every_s`, saying how many like it were held back meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time


class LogLimiter:
    def __init__(self, logger: logging.Logger, every_s: float = 10.0, clock=time.monotonic):
        self.logger, self.every_s, self.clock = logger, every_s, clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, key: str, msg: str, *args: object) -> None:
        now = self.clock()
        with self._lock:
            if now - self._last.get(key, float("-inf")) < self.every_s:
                self._held[key] = self._held.get(key, 0) + 1
                return
            self._last[key] = now
            held = self._held.pop(key, 0)
        if held:
            msg += f" (and {held} more like it in the last {self.every_s:.0f} s)"
        self.logger.warning(msg, *args)
