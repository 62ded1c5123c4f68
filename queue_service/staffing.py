"""Staffing advice: where counters will be needed in the next hour, from the visits in
the building and the day's arrivals.

A pure function of the engine's state and the time. Per department it forecasts, in
10-minute slots over the next 60 minutes, the counter-minutes that will want serving
(each procedure at the minutes the service has learned, `engine.service_times`):
- the work waiting there now, and what the busy counters still have to do;
- the visits elsewhere in the building with a procedure there later in their itinerary
  (their remaining itinerary), arriving when their earlier procedures should be done;
- new visits, at the rate of the work issued over the last `RATE_WINDOW_MIN` minutes (the
  day's arrival curve so far), or a given curve of the day's shares per hour.
A fluid model deals that work to the open counters; when the queue would keep someone
waiting longer than `target_wait_min`, or one more counter would save more than
`GAIN_OPEN_MIN` people-minutes of waiting, it advises opening counters ahead of time (staff
need MOVE_MIN to move, so the advice says when the counter must be open); when one counter fewer would keep every wait under half
the target for the whole hour at little cost, it names a free counter that can close.
The lines come most useful first (people-minutes saved), for a supervisor with few
people to move.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.glossary import counters

from .estimator import WALK_MIN
from .service_times import local_hour

if TYPE_CHECKING:
    from .engine import QueueEngine
    from .model import Visit

SLOT_MIN = 10.0
HORIZON_MIN = 60.0
RATE_WINDOW_MIN = 30.0  # new work arrives at the rate of the last half hour...
TARGET_WAIT_MIN = 5.0  # ...and no one should wait longer than this (from the simulation);
GAIN_OPEN_MIN = 60.0  # a counter that saves an hour of waiting in the next one is worth it
GAIN_CLOSE_MIN = 15.0  # a counter whose closing costs less than this can close
MOVE_MIN = 5.0  # a member of staff needs this long to reach another department's counter

Curve = Sequence[tuple[float, float, float]]  # (start hour, end hour, share of the day)


@dataclass(frozen=True)
class Forecast:
    department: str
    counters_open: int
    counters_free: int
    positions: int  # counters the department has in the site file
    backlog_min: float  # counter-minutes waiting or still at the counters now
    inflow_min: tuple[float, ...]  # counter-minutes arriving in each slot
    job_min: float  # a visit's mean counter time here: how many people a backlog is

    def _backlogs(self, counters: int) -> list[float]:
        backlog, out = self.backlog_min, []
        for inflow in self.inflow_min:
            backlog = max(backlog + inflow - max(counters, 0) * SLOT_MIN, 0.0)
            out.append(backlog)
        return out

    def waits(self, counters: int) -> list[float]:
        """Expected wait at the end of each slot with `counters` open (fluid model)."""
        if counters <= 0:
            return [math.inf if b > 0 else 0.0 for b in self._backlogs(0)]
        return [b / counters for b in self._backlogs(counters)]

    def people_minutes(self, counters: int) -> float:
        """Minutes of waiting, summed over the people, in the next hour."""
        return sum(self._backlogs(counters)) / self.job_min * SLOT_MIN

    def gain(self, counters: int) -> float:
        """People-minutes of waiting saved by one more counter than `counters`."""
        return self.people_minutes(counters) - self.people_minutes(counters + 1)


def forecast(engine: QueueEngine, now: float, curve: Curve | None = None) -> dict[str, Forecast]:
    config = engine.config
    depts = [d for d in config.departments if config.counters_of(d)]
    backlog = dict.fromkeys(depts, 0.0)
    slots = int(HORIZON_MIN / SLOT_MIN)
    inflow = {d: [0.0] * slots for d in depts}
    open_ = {d: engine.counters_open(d) for d in depts}
    recent = dict.fromkeys(depts, 0.0)
    times = engine.service_times  # learned from the day's log, the site file's minutes at first
    minutes = times.table(local_hour(now, config.timezone)[0])

    def blocks(v: Visit, open_only: bool = True) -> list[tuple[str, float, str]]:
        """(department, counter-minutes, state of its first step) of v's steps, in order."""
        out: list[tuple[str, float, str]] = []
        for s in v.steps:
            if (open_only and not s.open) or s.state == "cancelled":
                continue
            if out and out[-1][0] == s.department:
                out[-1] = (s.department, out[-1][1] + minutes[s.procedure], out[-1][2])
            else:
                out.append((s.department, times.call_minutes(s.department) + minutes[s.procedure],
                            s.state))
        return out

    # the arrival curve so far: all the work of the visits issued in the last window
    for v in engine.state.visits.values():
        if 0 <= now - v.issued_at <= RATE_WINDOW_MIN * 60 and not v.cancelled:
            for dept, work, _ in blocks(v, open_only=False):
                if dept in recent:
                    recent[dept] += work
    # the work in the building: waiting or at a counter now, and later in itineraries
    moving: list[tuple[float, list[tuple[str, float, str]]]] = []
    for v in engine.state.visits.values():
        bs = blocks(v) if not v.closed else []
        if not bs or bs[0][0] not in backlog:
            continue
        first, work, state = bs[0]
        step = v.current()
        if state in ("called", "serving"):
            elapsed = (now - (step.called_at or now)) / 60
            left = max(work - elapsed, 0.2 * work)
            backlog[first] += left
            moving.append((left, bs))
        elif state == "waiting":
            backlog[first] += work
            walking = max(((step.callable_at or now) - now) / 60, 0.0)
            moving.append((walking + work, bs))
    for eta, bs in moving:
        first = bs[0][0]
        if bs[0][2] == "waiting":  # behind the line where it waits (fluid)
            eta += backlog[first] / max(len(open_[first]), 1) / 2
        for dept, later, _ in bs[1:]:
            if dept not in inflow:
                continue
            eta += WALK_MIN
            k = int(eta // SLOT_MIN)
            if k < slots:
                inflow[dept][k] += later
            eta += later
    rate = {d: recent[d] / RATE_WINDOW_MIN * _curve_factor(config.timezone, now, curve)
            for d in depts}
    for d in depts:
        for k in range(slots):
            inflow[d][k] += rate[d] * SLOT_MIN
    return {d: Forecast(d, len(open_[d]), sum(1 for c in open_[d] if c.visit is None),
                        len(config.counters_of(d)), backlog[d], tuple(inflow[d]),
                        engine.mean_service_minutes(d) + times.call_minutes(d))
            for d in depts}


def _curve_factor(timezone: str, now: float, curve: Curve | None) -> float:
    """How the next hour's arrivals compare with the last half hour's, by the curve."""
    if not curve:
        return 1.0
    t = datetime.fromtimestamp(now, ZoneInfo(timezone))
    hour = t.hour + t.minute / 60 + t.second / 3600

    def share_per_hour(h: float) -> float:
        return next((s / (b - a) for a, b, s in curve if a <= h < b), 0.0)

    past = sum(share_per_hour(hour - RATE_WINDOW_MIN / 60 * (i + 0.5) / 6) for i in range(6)) / 6
    ahead = sum(share_per_hour(hour + HORIZON_MIN / 60 * (i + 0.5) / 6) for i in range(6)) / 6
    return ahead / past if past > 0 else 1.0


def advise(engine: QueueEngine, now: float, curve: Curve | None = None,
           target_wait_min: float = TARGET_WAIT_MIN) -> m.StaffingAdvice:
    """The advice for the supervisor, one line per department that should change."""
    config = engine.config
    lines: list[m.StaffingLine] = []
    for d, f in forecast(engine, now, curve).items():
        name = config.departments[d].name_ja
        name_en = config.departments[d].name_en
        waits = f.waits(f.counters_open)
        needed = f.counters_open
        while needed < f.positions and (max(f.waits(needed)) > target_wait_min
                                        or f.gain(needed) >= GAIN_OPEN_MIN):
            needed += 1
        action, in_min, counter = "keep", 0, None
        if needed > f.counters_open:
            # the slot in which the line first grows too long: be open when it begins
            first_late = next((k for k, w in enumerate(waits) if w > target_wait_min), 0)
            in_min = int(first_late * SLOT_MIN)
            action = "open"
            extra = needed - f.counters_open
            when_ja = "今すぐ" if in_min == 0 else f"{in_min}分後に"
            when_en = "now" if in_min == 0 else f"in {in_min} min"
            text_ja = f"{name}: {when_ja}窓口をあと{extra}つ開けてください"
            text_en = f"{name_en}: open {extra} more counter{'s' if extra > 1 else ''} {when_en}"
        elif f.counters_open > 1 and f.counters_free > 0 and \
                max(f.waits(f.counters_open - 1)) <= target_wait_min / 2 and \
                f.gain(f.counters_open - 1) < GAIN_CLOSE_MIN:
            free = [c for c in engine.counters_open(d) if c.visit is None]
            counter = max(free, key=lambda c: config.counters[c.id].number).id
            action, needed = "close", f.counters_open - 1
            number = config.counters[counter].number
            text_ja = f"{name}: {counters([number], 'ja')}を閉じられます"
            text_en = f"{name_en}: {counters([number], 'en')} can close"
        else:
            continue
        lines.append(m.StaffingLine(
            department=d, action=action, counters_open=f.counters_open,
            counters_needed=needed, in_min=in_min, counter=counter,
            load_min=round(f.backlog_min + sum(f.inflow_min), 1),
            wait_min=round(min(max(waits), 999.0), 1),
            gain_min=round(f.gain(f.counters_open), 1), text_ja=text_ja, text_en=text_en))
    # staff are few: first where one more counter saves the most waiting
    lines.sort(key=lambda x: (x.action != "open", -x.gain_min))
    return m.StaffingAdvice(lines=lines, at=now)
