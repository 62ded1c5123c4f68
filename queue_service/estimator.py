"""Wait estimates: how long until a visit (or a new arrival) is called in a department.

Pure functions over a `QueueSnapshot` that the engine builds; see docs/estimates.md for
the method and benchmarks/simulate.py for how it is measured against real waits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueSnapshot:
    """What a department's queue looks like to someone joining it now."""

    ahead: int  # visits waiting here that will be called first
    upstream: int  # visits elsewhere now, due here later, with an earlier place in line
    busy_elapsed_min: tuple[float, ...]  # per busy counter: minutes since it called its visit
    counters_open: int
    mean_service_min: float  # recent counter occupancy per visit (call to finish)


# Share of upstream visits that reach this department before the new arrival is called.
UPSTREAM_WEIGHT = 0.5


def naive_wait_minutes(ahead: int, counters_open: int, mean_service_min: float) -> float | None:
    """The textbook estimate: people ahead x mean service time / open counters."""
    if counters_open <= 0:
        return None
    return ahead * mean_service_min / counters_open


def wait_minutes(q: QueueSnapshot) -> float | None:
    """Expected wait; None when no counter is open (the wait cannot be known)."""
    if q.counters_open <= 0:
        return None
    mean = max(q.mean_service_min, 0.1)
    # Counters still busy free up after the remainder of their current service.
    remaining = sum(max(mean - e, mean * 0.2) for e in q.busy_elapsed_min)
    idle = max(q.counters_open - len(q.busy_elapsed_min), 0)
    work = (q.ahead + UPSTREAM_WEIGHT * q.upstream) * mean + remaining
    if idle and q.ahead == 0 and q.upstream == 0:
        return 0.0
    return work / q.counters_open
