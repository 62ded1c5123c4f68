"""Bookings in the reports, from the event log: per day, the bookings made for it, checked
in on time, late (walk-ins), no-shows and cancellations; booked visitors' wait past their
slot; and walk-ins' waits on days with and without bookings.

Definitions (stated on the report page too):
- wait past the slot: first call of a booked visit (checked in on time) minus the later of
  its slot start and its check-in;
- walk-in wait: first call of a visit issued without a booking minus its issue time (late
  bookings are neither: they were booked, then waited as walk-ins);
- a day with bookings: a day on which at least one booked visit checked in on time.
The events are replayed through `QueueEngine.apply`, as the service rebuilds its state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from protocol.site import SiteConfig

from .engine import QueueEngine
from .events import Event
from .reports import _r, mean, p90

STATES = ("checked_in", "late", "no_show", "cancelled", "booked")


def booking_days(events: Iterable[Event], config: SiteConfig) -> dict[str, dict]:
    """Per business day: booking counts, booked waits past the slot, walk-in waits."""
    engine = QueueEngine(config)
    past: dict[str, list[float]] = defaultdict(list)
    walk_in: dict[str, list[float]] = defaultdict(list)
    for e in events:
        if e.type == "called" and e.kind == "call":
            v = engine.state.visits.get(e.visit)
            step = v.current() if v else None
            if step is not None and step.called_at is None and v.current_index() == 0:
                if v.booking is None:
                    walk_in[v.day].append((e.at - v.issued_at) / 60)
                elif v.slot_at is not None:
                    past[v.day].append(max(e.at - max(v.slot_at, v.issued_at), 0.0) / 60)
        engine.apply(e)
    days: dict[str, dict] = {}
    for b in engine.bookings.bookings.values():
        row = days.setdefault(b.slot_day, {s: 0 for s in STATES})
        row[b.state] += 1
    for day in set(days) | set(walk_in):
        row = days.setdefault(day, {s: 0 for s in STATES})
        row.update(day=day, bookings=sum(row[s] for s in STATES if s != "cancelled"),
                   past_slot_mean_min=_r(mean(past[day])), past_slot_p90_min=_r(p90(past[day])),
                   walk_in_wait_mean_min=_r(mean(walk_in[day])), walk_ins=len(walk_in[day]),
                   _walk_in=walk_in[day])
    return days


def summary(days: dict[str, dict]) -> dict:
    """Walk-ins' mean wait on the days with bookings and on the days without."""
    with_b = [w for r in days.values() if r["checked_in"] for w in r["_walk_in"]]
    without = [w for r in days.values() if not r["checked_in"] for w in r["_walk_in"]]
    return {"walk_in_wait_with_bookings_min": _r(mean(with_b)),
            "walk_in_wait_without_bookings_min": _r(mean(without)),
            "days_with_bookings": sum(1 for r in days.values() if r["checked_in"]),
            "days_without_bookings": sum(1 for r in days.values() if not r["checked_in"] and r["_walk_in"])}


def table(days: dict[str, dict]) -> list[dict]:
    """The CSV rows, by day."""
    return [{k: v for k, v in days[d].items() if not k.startswith("_")} for d in sorted(days)]
