"""The service's clock: the wall clock, or for a demonstration a simulated one.

A simulated clock maps the wall clock onto a simulated day: `start` (epoch seconds of the
simulated moment) at the wall-clock `origin`, running `speed` times faster. Every process
of a demo builds it from the same three numbers, so the service, the simulated clerks and
the concierges share one idea of the time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ScaledClock:
    start: float  # simulated epoch seconds at `origin`
    origin: float  # wall-clock epoch seconds
    speed: float  # simulated seconds per wall-clock second

    def __call__(self) -> float:
        return self.start + (time.time() - self.origin) * self.speed

    def argv(self) -> list[str]:
        """The command-line options of `python -m queue_service` for this clock."""
        return ["--sim-clock", f"{self.start!r},{self.origin!r},{self.speed!r}"]

    @classmethod
    def parse(cls, text: str) -> ScaledClock:
        start, origin, speed = (float(x) for x in text.split(","))
        return cls(start, origin, speed)
