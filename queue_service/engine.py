"""The queueing rules as a pure state machine: commands and the time in, events out.

`QueueEngine.handle(command, request, now)` checks a command against the state, turns it
into events and applies them; `apply(event)` is the only place state changes, so replaying
the stored events rebuilds exactly the same state after a crash. No sockets, no SQLite,
no clock: the simulation drives a whole day through these same rules in seconds.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from protocol import glossary
from protocol import messages as m
from protocol.floorplan import FloorPlan
from protocol.site import SiteConfig
from protocol.waits import natural_range

from . import bookings, estimator
from . import events as ev
from .bookings import BookingBook, BookingError
from .events import Event
from .line_estimate import PRIORITY_CLASS, DepartmentLine
from .model import CounterState, EngineState, Step, Visit, visit_id
from .service_times import ServiceTimes, clerk_key, local_hour
from .wait_range import WaitRanges

# The public dispatch table: event type -> the engine method that applies it. Filled by
# `@applies(...)` below; `QueueEngine.apply` and the reports go through it.
APPLY: dict[str, Callable[[QueueEngine, Any], None]] = {}


def applies(kind: type[ev.EventBase]) -> Callable:
    """Register the decorated engine method as the one that applies events of `kind`."""
    def register(fn: Callable) -> Callable:
        APPLY[kind.model_fields["type"].default] = fn
        return fn
    return register

LINE_KEPT_S = 120.0  # a department's dealt line is dealt again after this long


class EngineError(Exception):
    """A command that the rules refuse; nothing changed."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass
class Outcome:
    result: dict
    events: list[Event] = field(default_factory=list)


class QueueEngine:
    def __init__(self, config: SiteConfig, learned: dict | None = None):
        """`learned`: a `learned()` summary of earlier days (None: a new site, which
        starts from the configured minutes)."""
        self.config = config
        learned = learned or {}
        self.service_times = ServiceTimes.from_summary(
            {p: c.minutes for p, c in config.procedures.items()}, learned.get("service_times"))
        self.ranges = WaitRanges(learned.get("ranges"))
        # per department: its line dealt to its counters, kept while only visits join it
        self._lines: dict[str, DepartmentLine] = {}
        self._statuses: dict[str, tuple[tuple, m.VisitStatus]] = {}  # the last of each visit
        self.state = EngineState()
        self.state.counters = {c: CounterState(c) for c in config.counters}
        self.state.waiting = {d: {} for d in config.departments}
        self.state.lines = {d: [] for d in config.departments}
        self._priority = set(config.calling.priority_needs)
        self._typical_minutes = {d: _typical_minutes(config, d) for d in config.departments}
        self._floor = FloorPlan(config)
        self.bookings = BookingBook(config)  # outlives the business day
        self._handlers: dict[str, Callable[[object, float, Callable[[], str]], Outcome]] = {
            "issue": self._issue,
            "lease": self._lease,
            "handover": self._handover,
            "call_next": self._call_next,
            "recall": self._recall,
            "absent": self._absent,
            "start": self._start,
            "finish": self._finish,
            "hold": self._hold,
            "requeue": self._requeue,
            "add_procedure": self._add_procedure,
            "skip": self._skip,
            "cancel_procedure": self._cancel_procedure,
            "transfer": self._transfer,
            "cancel_visit": self._cancel_visit,
            "open_counter": self._open_counter,
            "close_counter": self._close_counter,
            "get_visit": self._get_visit,
            "book": self._book,
            "change_booking": lambda r, now, _t: self._booked(self.bookings.change(r, now), r.code),
            "cancel_booking": lambda r, now, _t: self._booked(self.bookings.cancel(r, now), r.code),
            "get_booking": lambda r, now, _t: self._booked([], r.code),
            "check_in": self._check_in,
        }

    # ---- entry points --------------------------------------------------------------
    def business_day(self, now: float) -> str:
        return self.config.business_day(now)

    def handle(
        self, command: str, request: m.Request, now: float,
        new_token: Callable[[], str] = lambda: "",
    ) -> Outcome:
        """Run one command. Raises EngineError if the rules refuse it, and then the state
        is exactly as it was: a new business day that the command would have started is
        not started either (its `day_started` is only ever returned with the command's
        own events)."""
        handler = self._handlers.get(command)
        if handler is None:
            raise EngineError("unknown_command", f"the engine has no command {command!r}")
        if self.business_day(now) == self.state.day:
            return self._released(self._run(handler, request, now, new_token), now)
        before = self.state
        self.state = copy.deepcopy(before)  # once a day: the refusal below puts it back
        try:
            rollover = self.rollover(now)
            outcome = self._run(handler, request, now, new_token)
        except BaseException:
            self.state = before
            raise
        outcome.events[:0] = rollover
        return self._released(outcome, now)

    def _run(self, handler, request: m.Request, now: float, new_token) -> Outcome:
        try:
            return handler(request, now, new_token)
        except BookingError as exc:
            raise EngineError(exc.code, exc.reason) from None

    def _released(self, outcome: Outcome, now: float) -> Outcome:
        """After a command: bookings whose late window has ended are released (no-shows)."""
        outcome.events += self.release_no_shows(now)
        return outcome

    def release_no_shows(self, now: float) -> list[Event]:
        events = self.bookings.release_due(now)
        for e in events:
            self.apply(e)
        return events

    def tick(self, now: float) -> list[Event]:
        """What time alone changes: a new business day, bookings released as no-shows."""
        return self.rollover(now) + self.release_no_shows(now)

    def rollover(self, now: float) -> list[Event]:
        """Start a new business day if `now` is past the reset time; returns its events."""
        day = self.business_day(now)
        if day == self.state.day:
            return []
        event = ev.DayStarted(day=day, at=now)
        self.apply(event)
        return [event]

    def apply(self, event: Event) -> None:
        """Change the state as the event says (the only way state changes)."""
        if event.type != "visit_issued":
            self._lines.clear()  # calls, finishes, counters... change every estimate
        APPLY[event.type](self, event)

    def learned(self) -> dict:
        """What the engine has learned of the floor, to start the next day from."""
        return {"service_times": self.service_times.summary(), "ranges": self.ranges.summary()}

    def hour(self, now: float) -> int:
        """The local hour of a moment (service times have a time-of-day profile)."""
        return local_hour(now, self.config.timezone)[0]

    def clerk(self, counter: str) -> str:
        return clerk_key(counter, self.state.counters[counter].staff)

    # ---- queries -------------------------------------------------------------------
    def visit_by_number(self, number: int) -> Visit | None:
        vid = self.state.by_number.get(number)
        return self.state.visits.get(vid) if vid else None

    def counter_visit(self, counter: str) -> Visit | None:
        vid = self.state.counters[counter].visit
        return self.state.visits.get(vid) if vid else None

    def queue(self, department: str) -> list[Visit]:
        """Visits waiting in a department, in the order they will be called."""
        return self.state.queue(department)

    def call_order(self, department: str, now: float) -> list[Visit]:
        """Who is called next in a department: the published rule (bookings.call_order)."""
        due_s = self.config.bookings.due_minutes * 60 if self.config.bookings else 0.0
        return bookings.call_order(self.queue(department), now, due_s,
                                   lambda v: bool(self._priority.intersection(v.needs)))

    def counters_open(self, department: str) -> list[CounterState]:
        return self.state.counters_open(self.config, department)

    def mean_service_minutes(self, department: str) -> float:
        recent = self.state.service_minutes.get(department) or []
        if len(recent) >= 3:
            return sum(recent) / len(recent)
        return self._typical_minutes[department]

    def snapshot(self, department: str, ahead: int, queued_at: float, now: float,
                 exclude: str | None = None,
                 reader: estimator.Reader | None = None) -> estimator.QueueSnapshot:
        """The queue as the wait estimator sees it, for visit `exclude` with `ahead` visits
        before it, or for a newcomer issued at `queued_at`."""
        return estimator.read_snapshot(self.config, self.state, self.service_times,
                                       self._order_key, department, ahead, queued_at, now,
                                       exclude, reader)

    def congestion(self, department: str, now: float,
                   reader: estimator.Reader | None = None) -> m.CongestionMessage:
        """The department as someone issued now sees it, with and without a priority need."""
        waiting = len(self.state.lines[department])
        open_counters = self.counters_open(department)
        line = self.line(department, now, reader)
        wait, priority = line.newcomer(now), line.priority_newcomer(now)
        low, high = self.wait_range(department, wait)
        p_low, p_high = self.wait_range(department, priority)
        level = self._level(wait)
        return m.CongestionMessage(
            department=department, waiting=waiting,
            serving=sum(1 for c in open_counters if c.visit),
            counters_open=len(open_counters),
            estimated_wait_min=None if wait is None else round(wait, 1),
            wait_min_low=low, wait_min_high=high,
            priority_wait_min_low=p_low, priority_wait_min_high=p_high,
            moving_here=line.moving_here, level=level,
            label_ja=glossary.level(level, "ja"), label_en=glossary.level(level, "en"), at=now,
        )

    def line(self, department: str, now: float, reader: estimator.Reader | None = None,
             starts: bool = False) -> DepartmentLine:
        """The department's line dealt to its counters (kept while only visits join it,
        and for at most LINE_KEPT_S: overruns and the hour move on); `starts`: every
        visit's own start is needed, not only a newcomer's."""
        line = self._lines.get(department)
        fresh = line is not None and 0 <= now - line.built_at <= LINE_KEPT_S
        if not fresh or (starts and line.stale):
            line = self._lines[department] = DepartmentLine(
                reader or self.reader(now), department, self.state.lines[department],
                line.coming if fresh else None)
        return line

    def wait_range(self, department: str, wait: float | None) -> tuple[int | None, int | None]:
        """The range shown for an estimated wait (None: no counter open)."""
        if wait is None:
            return None, None
        return natural_range(*self.ranges.bounds(department, wait))

    def visit_statuses(self, now: float, departments: set[str] | None = None,
                       reader: estimator.Reader | None = None) -> list[m.VisitStatus]:
        """Public status of the day's visits (or of those with a step in `departments`),
        with people ahead and estimated wait."""
        reader = reader or self.reader(now)
        return [self.visit_status(v, now, reader) for v in self.state.visits.values()
                if departments is None or any(s.department in departments for s in v.steps)]

    def reader(self, now: float) -> estimator.Reader:
        """One reading of the state for many estimates of the same moment."""
        return estimator.Reader(self.config, self.state, self.service_times, self._order_key,
                                now)

    def visit_status(self, visit: Visit, now: float,
                     reader: estimator.Reader | None = None) -> m.VisitStatus:
        step = visit.current()
        rank = None
        if step is not None and step.state == "waiting":
            line = self.state.lines[step.department]
            rank = bisect_left(line, (self.state.waiting[step.department][visit.id], visit.id))
        return self._status(visit, rank, now, reader)

    def current_call(self, counter: str, now: float) -> m.CallMessage:
        c = self.config.counters[counter]
        state = self.state.counters[counter]
        visit = self.counter_visit(counter)
        step = visit.current() if visit else None
        number = visit.number if step and step.state == "called" else None
        return m.CallMessage(
            counter=counter, counter_number=c.number, department=c.department,
            colour=c.colour, number=number, call_id=state.call_id,
            kind=state.call_kind if number is not None else "clear", at=now,
        )

    # ---- helpers -------------------------------------------------------------------
    def _order_key(self, v: Visit, queued_at: float | None = None) -> tuple:
        """A visit's place in line: priority needs first, then its place (queued_at)."""
        place = v.queued_at if queued_at is None else queued_at
        return (0 if self._priority.intersection(v.needs) else 1, place, v.number)

    def _level(self, wait: float | None) -> str:
        if wait is None:
            return "closed"
        if wait >= self.config.congestion.crowded_minutes:
            return "high"
        if wait >= self.config.congestion.busy_minutes:
            return "medium"
        return "low"

    def _status(self, v: Visit, rank: int | None, now: float,
                reader: estimator.Reader | None = None) -> m.VisitStatus:
        step = v.current()
        wait, low, high = 0.0, None, None
        if step is not None and step.state == "waiting" and rank is not None:
            estimate = self.line(step.department, now, reader, starts=True).wait_of(v.id, now)
            if estimate is not None:
                wait = estimate
                low, high = self.wait_range(step.department, estimate)
        # A status is rebuilt only when something in it changed (a pass over all visits
        # must stay cheap): the same key gives the same status.
        key = (v.state, rank, round(wait, 1), low, high, step.counter if step else None,
               tuple((s.state, s.counter, s.department) for s in v.steps), v.booking, v.slot_at)
        known = self._statuses.get(v.id)
        if known is not None and known[0] == key:
            return known[1]
        counter = self.config.counters.get(step.counter) if step and step.counter else None
        steps = []
        for s in v.steps:
            proc = self.config.procedures[s.procedure]
            sc = self.config.counters.get(s.counter) if s.counter else None
            steps.append(m.StepStatus(
                procedure=s.procedure, name_ja=proc.name_ja, name_en=proc.name_en,
                department=s.department, state=s.state, counter=s.counter,
                counter_number=sc.number if sc else None,
            ))
        status = m.VisitStatus(
            number=v.number, day=v.day, state=v.state, issued_at=v.issued_at,
            department=step.department if step else None,
            counter=counter.id if counter else None,
            counter_number=counter.number if counter else None,
            people_ahead=rank or 0, estimated_wait_min=round(wait, 1),
            wait_min_low=low, wait_min_high=high, steps=steps,
            booked=None if v.booking is None else "late" if v.slot_at is None else "on_time",
            slot_at=v.slot_at,
        )
        self._statuses[v.id] = (key, status)
        return status

    def _reindex(self, v: Visit) -> None:
        """Keep the visit in the line of the department it waits in now, and no other."""
        for dept, waiting in self.state.waiting.items():
            key = waiting.pop(v.id, None)
            if key is not None:
                line = self.state.lines[dept]
                del line[bisect_left(line, (key, v.id))]
        step = v.current()
        if step is not None and step.state == "waiting":
            key = self._order_key(v)
            self.state.waiting[step.department][v.id] = key
            insort(self.state.lines[step.department], (key, v.id))

    def _can_serve(self, counter_id: str, step: Step) -> bool:
        c = self.config.counters[counter_id]
        return step.department == c.department and (c.serves(step.procedure) or step.transferred)

    def _steps_for(self, procedures: list[str]) -> tuple[list[dict], list[str]]:
        """Queued steps in itinerary order (SiteConfig.itinerary) and the guidance-only ones."""
        unknown = [p for p in procedures if p not in self.config.procedures]
        if unknown:
            raise EngineError("unknown_procedure", f"unknown procedure {unknown[0]!r}")
        stops, guidance = self.config.itinerary(procedures)
        if not stops:
            raise EngineError("nothing_to_queue", "none of these procedures is handled here")
        steps = [{"procedure": p, "department": dept} for dept, procs in stops for p in procs]
        return steps, guidance

    def _counter(self, counter: str, must_be_open: bool = True) -> CounterState:
        if counter not in self.state.counters:
            raise EngineError("unknown_counter", f"unknown counter {counter!r}")
        state = self.state.counters[counter]
        if must_be_open and not state.open:
            raise EngineError("counter_closed", f"counter {counter} is closed: open it first")
        return state

    def _at_counter(self, counter: str, states: tuple[str, ...]) -> tuple[Visit, Step]:
        self._counter(counter)
        v = self.counter_visit(counter)
        step = v.current() if v else None
        if v is None or step is None or step.counter != counter or step.state not in states:
            raise EngineError("no_visit", f"counter {counter} has no visit that is {' or '.join(states)}")
        return v, step

    def _done(self, events: list[Event], visit: Visit | None = None, now: float = 0.0,
              result: dict | None = None) -> Outcome:
        """Apply the events, then describe the visit as it is afterwards."""
        for e in events:
            self.apply(e)
        out = dict(result or {})
        if visit is not None:
            out.update(self._visit_result(visit, now))
        return Outcome(out, events)

    def _visit_result(self, v: Visit, now: float) -> dict:
        return {"visit": self.visit_status(v, now).model_dump()}

    # ---- moving between departments ---------------------------------------------------
    def _follows_on(self, counter: str | None, step: Step, nxt: Step) -> bool:
        """The next procedure in the same department stays at this counter: no new queue."""
        return bool(counter) and step.counter == counter and self._can_serve(counter, nxt) \
            and self.state.counters[counter].open

    def _route(self, v: Visit, step: Step, counter: str | None, now: float) -> ev.Route | None:
        """Where v goes once `step` (at `counter`) closes, when it leaves the counter: the
        department it may visit now (order constraints) that will call it soonest
        (flexible routing), when it can be there (arrival-aware calling) and its place
        there (its issue time, but no earlier than the place lead before it arrives)."""
        rest = [s for s in v.steps if s.open and s is not step]
        if not rest or self._follows_on(counter, step, rest[0]):
            return None
        routing = self.config.routing
        pairs = [(s.procedure, s.department) for s in rest]
        allowed = self.config.allowed_next(pairs) if routing.flexible else [rest[0].department]
        arrival = {d: now + self._walk_s(counter, d) for d in allowed}
        place = {d: max(v.issued_at, arrival[d] - 60 * routing.place_lead_minutes)
                 for d in allowed}
        if len(allowed) > 1:
            reader = self.reader(now)
            soonest = {d: max((arrival[d] - now) / 60,
                              self.expected_wait(v, d, place[d], now, reader)) for d in allowed}
            dept = min(allowed, key=lambda d: (soonest[d], allowed.index(d)))
        else:
            dept = allowed[0]
        order = [p for _, procs in self.config.route(pairs, first=dept) for p in procs]
        callable_at = arrival[dept] if routing.arrival_aware else now
        return ev.Route(department=dept, order=tuple(order), callable_at=callable_at,
                        queued_at=place[dept])

    def _walk_s(self, counter: str | None, department: str) -> float:
        if counter is None or department not in self._floor.waiting:
            return 0.0
        return self._floor.counter_to_department(counter, department)

    def expected_wait(self, v: Visit, department: str, queued_at: float, now: float,
                      reader: estimator.Reader | None = None) -> float:
        """The estimator's minutes until `v`, joining `department` now with place
        `queued_at`, would be called there (infinite while no counter is open)."""
        ahead = bisect_left(self.state.lines[department], (self._order_key(v, queued_at), v.id))
        wait = estimator.wait_minutes(self.snapshot(department, ahead, queued_at, now, v.id, reader))
        return float("inf") if wait is None else wait

    # ---- issuing -------------------------------------------------------------------
    def _issue(self, r: m.IssueRequest, now: float, new_token: Callable[[], str]) -> Outcome:
        if r.issuing_point not in self.config.issuing_points:
            raise EngineError("unknown_issuing_point", f"unknown issuing point {r.issuing_point!r}")
        steps, guidance = self._steps_for(r.procedures)
        return self._issue_visit(r, steps, guidance, now, new_token, list(r.needs), r.life_event)

    def _issue_visit(self, r: m.IssueRequest | m.CheckIn, steps: list[dict], guidance: list[str],
                     now: float, new_token: Callable[[], str], needs: list[str],
                     life_event: str | None, booking: ev.BookingRef | None = None) -> Outcome:
        number = self.state.next_number
        if number > self.config.numbers.last:
            raise EngineError("numbers_exhausted", "every number of the day has been issued")
        event = ev.VisitIssued(
            at=now, visit=visit_id(self.state.day, number), number=number, issued_at=now,
            issuing_point=r.issuing_point, steps=steps, needs=tuple(needs),
            language=r.language, staff=r.staff, life_event=life_event,
            token=new_token(), request_id=r.request_id, offline=False, booking=booking,
        )
        self.apply(event)
        v = self.visit_by_number(number)
        reader = self.reader(now)
        result = {"visit": self.visit_status(v, now, reader).model_dump()}
        result.update(number=number, token=v.token, guidance=guidance,
                      congestion=self.congestion(steps[0]["department"], now, reader).model_dump())
        return Outcome(result, [event])

    # ---- bookings (rules in bookings.py) ---------------------------------------------
    def _booked(self, events: list[ev.Event], code: str) -> Outcome:
        for e in events:
            self.apply(e)
        return Outcome({"booking": self.bookings.get(code).info().model_dump()}, events)

    def _book(self, r: m.BookRequest, now: float, new_token: Callable[[], str]) -> Outcome:
        events = self.bookings.book(r, now, new_token)
        return self._booked(events, events[-1].code)

    def _check_in(self, r: m.CheckIn, now: float, new_token: Callable[[], str]) -> Outcome:
        """A booked citizen arrives: on time, a visit called when its slot is due; too
        late, a walk-in visit; too early, nothing changes and the answer says when."""
        if r.issuing_point not in self.config.issuing_points:
            raise EngineError("unknown_issuing_point", f"unknown issuing point {r.issuing_point!r}")
        outcome = self.bookings.arrival(r.code, now)
        b = self.bookings.get(r.code)
        if outcome == "too_early":
            return Outcome({"outcome": outcome, "booking": b.info().model_dump(),
                            "come_back_at": self.bookings.opens_at(b)})
        if b.booth is not None:
            steps = [{"procedure": p, "department": b.department} for p in b.procedures]
            guidance: list[str] = []
        else:
            steps, guidance = self._steps_for(list(b.procedures))
        late = outcome == "late"
        issued = self._issue_visit(r, steps, guidance, now, new_token, list(r.needs), b.life_event,
                                   ev.BookingRef(code=b.code, slot_at=None if late else b.start))
        checked = ev.BookingCheckedIn(at=now, code=b.code, number=issued.result["number"],
                                      late=late)
        self.apply(checked)
        result = {**issued.result, "outcome": outcome, "booking": b.info().model_dump()}
        return Outcome(result, issued.events + [checked])

    def _lease(self, r: m.LeaseRequest, now: float, _t) -> Outcome:
        if r.issuing_point not in self.config.issuing_points:
            raise EngineError("unknown_issuing_point", f"unknown issuing point {r.issuing_point!r}")
        if not r.reserve:
            return Outcome(self._leases_of(r.issuing_point))
        first = self.state.next_number
        last = min(first + self.config.numbers.lease_size - 1, self.config.numbers.last)
        if first > self.config.numbers.last:
            raise EngineError("numbers_exhausted", "no numbers left to lease today")
        event = ev.NumbersLeased(at=now, issuing_point=r.issuing_point, first=first, last=last)
        return self._done([event], result={"day": self.state.day, "first": first, "last": last})

    def _leases_of(self, issuing_point: str) -> dict:
        return {"day": self.state.day,
                "held": [list(b) for b in self.state.leases.get(issuing_point, [])]}

    def _handover(self, r: m.HandoverRequest, now: float, new_token) -> Outcome:
        events: list[Event] = []
        accepted, rejected = [], []
        for ov in r.visits:
            existing = self.visit_by_number(ov.number)
            if existing and existing.request_id == ov.request_id:
                accepted.append({"number": ov.number, "token": existing.token})
                continue
            reason = self._offline_problem(ov, existing)
            if reason:
                rejected.append({"number": ov.number, "reason": reason})
                continue
            try:
                steps, _ = self._steps_for(ov.procedures)
            except EngineError as exc:
                rejected.append({"number": ov.number, "reason": exc.reason})
                continue
            ghost = self._ghost_of(ov)
            if ghost is not None:
                # The online issue went through but its answer never reached the issuer,
                # which printed a leased number instead: nobody holds the online number.
                cancel = ev.VisitCancelled(at=now, visit=ghost.id, counter=None,
                                           reason="superseded_offline")
                self.apply(cancel)
                events.append(cancel)
            event = ev.VisitIssued(
                at=now, visit=visit_id(self.state.day, ov.number), number=ov.number,
                issued_at=ov.issued_at, issuing_point=ov.issuing_point, steps=steps,
                needs=tuple(ov.needs), language=ov.language, staff=ov.staff,
                life_event=ov.life_event, token=new_token(), request_id=ov.request_id,
                offline=True,
            )
            self.apply(event)
            events.append(event)
            accepted.append({"number": ov.number, "token": event.token})
        return Outcome({"accepted": accepted, "rejected": rejected}, events)

    def _ghost_of(self, ov: m.OfflineVisit) -> Visit | None:
        return next((v for v in self.state.visits.values()
                     if v.request_id == ov.request_id and not v.offline and not v.closed), None)

    def _offline_problem(self, ov: m.OfflineVisit, existing: Visit | None) -> str | None:
        if existing is not None:
            return "number already used today"
        if self.business_day(ov.issued_at) != self.state.day:
            return "issued on another day"
        leases = self.state.leases.get(ov.issuing_point, [])
        if not any(a <= ov.number <= b for a, b in leases):
            return f"number {ov.number} was not leased to {ov.issuing_point}"
        return None

    # ---- counters ------------------------------------------------------------------
    def _call_event(self, v: Visit, counter: str, now: float, kind: str) -> Event:
        return ev.Called(at=now, visit=v.id, counter=counter, kind=kind)

    def _call_next(self, r: m.CallNext, now: float, _t) -> Outcome:
        c = self._counter(r.counter)
        self._ensure_free(c)
        dept = self.config.counters[r.counter].department
        for v in self.call_order(dept, now):
            step = v.current()
            if self._can_serve(r.counter, step) and (step.callable_at or now) <= now:
                return self._done([self._call_event(v, r.counter, now, "call")], v, now)
        return Outcome({"visit": None})

    def _ensure_free(self, c: CounterState) -> None:
        v = self.counter_visit(c.id)
        step = v.current() if v else None
        if step is not None and step.counter == c.id and step.state in ("called", "serving"):
            raise EngineError("counter_busy", f"counter {c.id} is still with number {v.number}: "
                              "finish, hold or mark absent first")

    def _recall(self, r: m.Recall, now: float, _t) -> Outcome:
        c = self._counter(r.counter)
        if r.number is None:
            v, _ = self._at_counter(r.counter, ("called",))
            return self._done([self._call_event(v, r.counter, now, "recall")], v, now)
        self._ensure_free(c)
        v = self.visit_by_number(r.number)
        step = v.current() if v else None
        if v is None or step is None:
            raise EngineError("unknown_visit", f"no open visit with number {r.number} today")
        if step.state not in ("waiting", "absent") or not self._can_serve(r.counter, step):
            raise EngineError("not_here", f"number {r.number} is not waiting for counter {r.counter}")
        return self._done([self._call_event(v, r.counter, now, "recall")], v, now)

    def _absent(self, r: m.MarkAbsent, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called",))
        return self._done([ev.Absent(at=now, visit=v.id, counter=r.counter)], v, now)

    def _start(self, r: m.StartService, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called",))
        return self._done([ev.Started(at=now, visit=v.id, counter=r.counter)], v, now)

    def _finish(self, r: m.FinishProcedure, now: float, _t) -> Outcome:
        v, step = self._at_counter(r.counter, ("called", "serving"))
        handover = r.handover or self.config.procedures[step.procedure].handover
        return self._done([ev.Finished(at=now, visit=v.id, counter=r.counter, handover=handover,
                                       route=self._route(v, step, r.counter, now))], v, now)

    def _hold(self, r: m.Hold, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called", "serving"))
        return self._done([ev.Held(at=now, visit=v.id, counter=r.counter)], v, now)

    def _requeue(self, r: m.Requeue, now: float, _t) -> Outcome:
        v = self.visit_by_number(r.number)
        step = v.current() if v else None
        if v is None or step is None or step.state not in ("held", "absent"):
            raise EngineError("not_held", f"number {r.number} is not on hold or absent")
        return self._done([ev.Requeued(at=now, visit=v.id)], v, now)

    def _add_procedure(self, r: m.AddProcedure, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called", "serving"))
        proc = self.config.procedures.get(r.procedure)
        if proc is None:
            raise EngineError("unknown_procedure", f"unknown procedure {r.procedure!r}")
        if not proc.queued:
            raise EngineError("not_queued", f"{proc.name_ja} is not handled in this building")
        if any(s.procedure == r.procedure and s.open for s in v.steps):
            raise EngineError("already_listed", f"{proc.name_ja} is already on this visit")
        index = v.current_index() + 1 if r.position == "next" else len(v.steps)
        event = ev.ProcedureAdded(at=now, visit=v.id, index=index, procedure=r.procedure,
                                  department=self.config.queue_department(r.procedure))
        return self._done([event], v, now)

    def _skip(self, r: m.SkipProcedure, now: float, _t) -> Outcome:
        v, step = self._at_counter(r.counter, ("called", "serving"))
        return self._done([ev.Skipped(at=now, visit=v.id, counter=r.counter,
                                      route=self._route(v, step, r.counter, now))], v, now)

    def _cancel_procedure(self, r: m.CancelProcedure, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called", "serving"))
        index = next((i for i, s in enumerate(v.steps)
                      if s.procedure == r.procedure and s.open), None)
        if index is None:
            raise EngineError("unknown_procedure", f"{r.procedure!r} is not open on this visit")
        step = v.steps[index]
        route = self._route(v, step, r.counter, now) if step is v.current() else None
        return self._done([ev.ProcedureCancelled(at=now, visit=v.id, index=index,
                                                  counter=r.counter, route=route)], v, now)

    def _transfer(self, r: m.Transfer, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called", "serving"))
        if r.department not in self.config.departments:
            raise EngineError("unknown_department", f"unknown department {r.department!r}")
        if not self.config.counters_of(r.department):
            raise EngineError("unknown_department", f"department {r.department!r} has no counter")
        return self._done([ev.Transferred(at=now, visit=v.id, counter=r.counter,
                                            department=r.department)], v, now)

    def _cancel_visit(self, r: m.CancelVisit, now: float, _t) -> Outcome:
        v, _ = self._at_counter(r.counter, ("called", "serving"))
        return self._done([ev.VisitCancelled(at=now, visit=v.id, counter=r.counter)], v, now)

    def _open_counter(self, r: m.OpenCounter, now: float, _t) -> Outcome:
        c = self._counter(r.counter, must_be_open=False)
        if c.open:
            return Outcome({"counter": r.counter, "open": True})
        return self._done([ev.CounterOpened(at=now, counter=r.counter, staff=r.staff)], result={"counter": r.counter, "open": True})

    def _close_counter(self, r: m.CloseCounter, now: float, _t) -> Outcome:
        c = self._counter(r.counter, must_be_open=False)
        if not c.open:
            return Outcome({"counter": r.counter, "open": False})
        self._ensure_free(c)
        return self._done([ev.CounterClosed(at=now, counter=r.counter, staff=r.staff)], result={"counter": r.counter, "open": False})

    def _get_visit(self, r: m.GetVisit, now: float, _t) -> Outcome:
        v = self.visit_by_number(r.number)
        if v is None:
            raise EngineError("unknown_visit", f"no visit with number {r.number} today")
        return Outcome(self._visit_result(v, now))

    # ---- events: the only code that changes state ----------------------------------
    @applies(ev.DayStarted)
    def _on_day_started(self, e: ev.DayStarted) -> None:
        s = self.state
        s.day = e.day
        s.next_number = self.config.numbers.first
        s.visits.clear()
        self._statuses.clear()
        s.by_number.clear()
        s.leases.clear()
        for dept in s.waiting:
            s.waiting[dept].clear()
            s.lines[dept].clear()
        for c in s.counters.values():
            c.open, c.visit = False, None

    @applies(ev.VisitIssued)
    def _on_visit_issued(self, e: ev.VisitIssued) -> None:
        s = self.state
        number = e.number
        v = Visit(
            id=e.visit, number=number, day=s.day, issued_at=e.issued_at,
            queued_at=e.issued_at, issuing_point=e.issuing_point,
            needs=e.needs, language=e.language, staff=e.staff,
            life_event=e.life_event, token=e.token, request_id=e.request_id,
            steps=[Step(x.procedure, x.department) for x in e.steps],
            offline=e.offline, arrived_at=e.at,
            booking=e.booking.code if e.booking else None,
            slot_at=e.booking.slot_at if e.booking else None,
        )
        s.visits[v.id] = v
        s.by_number[number] = v.id
        if not e.offline:
            s.next_number = max(s.next_number, number + 1)
        self._reindex(v)
        self._joined(v, e.at)

    def _joined(self, v: Visit, now: float) -> None:
        """v has just joined a department's line: deal it in that line, if it joined at
        the back (else the line is dealt again when next asked), and note the wait
        estimated now, which its real wait will be compared with (the calibration of the
        ranges). Done while the events apply, so replaying them calibrates the same way."""
        step = v.current()
        if step is None or step.state != "waiting":
            return
        dept = step.department
        key = self.state.waiting[dept][v.id]
        order = self.state.lines[dept]
        rank = bisect_left(order, (key, v.id))
        behind = len(order) if key[0] != PRIORITY_CLASS else bisect_left(order, ((1,),))
        line = self._lines.get(dept)
        reader = self.reader(now)
        if line is not None and rank == behind - 1 and v.id not in line.start:
            line.join(v.id, key, reader.job(v, v.current_index(), dept), now)
        else:
            self._lines.pop(dept, None)
        line = self.line(dept, now, reader)
        wait = step.join_estimate = line.wait_of(v.id, now)
        for later in {s.department for s in v.steps if s.open} - {dept}:
            there = self._lines.get(later)
            coming = reader.upstream(v, dept, later, wait) if there and wait is not None else None
            if coming is not None:  # (waiting where no counter is open, v is not coming yet)
                there.on_its_way(now + 60 * coming[0], key, coming[1])

    @applies(ev.NumbersLeased)
    def _on_numbers_leased(self, e: ev.NumbersLeased) -> None:
        self.state.leases.setdefault(e.issuing_point, []).append((e.first, e.last))
        self.state.next_number = e.last + 1

    @applies(ev.Called)
    def _on_called(self, e: ev.Called) -> None:
        v = self.state.visits[e.visit]
        step = v.current()
        previous = step.counter
        if previous and previous != e.counter and self.state.counters[previous].visit == v.id:
            self.state.counters[previous].visit = None
        if step.called_at is None and step.join_estimate is not None and v.arrived_at is not None:
            self.ranges.observe(step.department, step.join_estimate, (e.at - v.arrived_at) / 60)
        step.state, step.counter = "called", e.counter
        if e.kind == "call" or step.called_at is None:
            step.called_at = e.at
        self.state.call_seq += 1
        c = self.state.counters[e.counter]
        c.visit, c.call_id, c.call_kind = v.id, self.state.call_seq, e.kind
        self._reindex(v)

    def _release(self, v: Visit, counter: str) -> None:
        c = self.state.counters[counter]
        if c.visit == v.id:
            c.visit = None

    @applies(ev.Absent)
    def _on_absent(self, e: ev.Absent) -> None:
        v = self.state.visits[e.visit]
        step = v.current()
        if step.called_at is not None:
            self.service_times.observe_call(step.department, (e.at - step.called_at) / 60,
                                            absent=True)
        v.absent_count += 1
        step.counter = None
        if v.absent_count > self.config.calling.absent_limit:
            step.state = "absent"
        else:
            step.state, v.queued_at = "waiting", e.at
        self._release(v, e.counter)
        self._reindex(v)

    @applies(ev.Started)
    def _on_started(self, e: ev.Started) -> None:
        step = self.state.visits[e.visit].current()
        step.state, step.started_at = "serving", e.at
        if step.called_at is not None:
            self.service_times.observe_call(step.department, (e.at - step.called_at) / 60)

    def _close_step(self, v: Visit, step: Step, state: str,
                    e: ev.Finished | ev.Skipped | ev.ProcedureCancelled) -> None:
        step.state, step.finished_at = state, e.at
        counter = e.counter
        if counter:
            self._release(v, counter)
        route = e.route
        if route:
            _reorder_open_steps(v, route.order)
        nxt = v.current()
        if nxt and self._follows_on(counter, step, nxt):
            nxt.state, nxt.counter = "serving", counter
            nxt.called_at = nxt.started_at = e.at
            self.state.counters[counter].visit = v.id
        elif nxt:
            v.arrived_at = e.at
            if route:
                nxt.callable_at = v.arrived_at = route.callable_at
                v.queued_at = route.queued_at
            if nxt.department != step.department:
                v.absent_count = 0  # the limit is on not answering one department's calls
        self._reindex(v)
        if nxt and nxt.state == "waiting":
            self._joined(v, e.at)

    @applies(ev.Finished)
    def _on_finished(self, e: ev.Finished) -> None:
        v = self.state.visits[e.visit]
        step = v.current()
        step.handover = e.handover
        if step.called_at is not None:
            recent = self.state.service_minutes.setdefault(step.department, [])
            recent.append((e.at - step.called_at) / 60)
            del recent[:-self.config.congestion.recent_services]
            self._learn_service(step, e)
        self._close_step(v, step, "done", e)

    def _learn_service(self, step: Step, e: ev.Finished) -> None:
        """The counter time of a finished procedure, from its start (or, if the clerk
        never pressed start, from the call less the usual walk up), at the hour of its
        middle."""
        began = step.started_at if step.started_at is not None else step.called_at
        minutes = (e.at - began) / 60
        if step.started_at is None:
            minutes -= self.service_times.call_minutes(step.department)
        self.service_times.observe(step.procedure, self.clerk(e.counter),
                                   self.hour((began + e.at) / 2), minutes)

    @applies(ev.Skipped)
    def _on_skipped(self, e: ev.Skipped) -> None:
        v = self.state.visits[e.visit]
        self._close_step(v, v.current(), "skipped", e)

    @applies(ev.ProcedureCancelled)
    def _on_procedure_cancelled(self, e: ev.ProcedureCancelled) -> None:
        v = self.state.visits[e.visit]
        step = v.steps[e.index]
        if step is v.current():
            self._close_step(v, step, "cancelled", e)
        else:
            step.state, step.finished_at = "cancelled", e.at

    @applies(ev.Held)
    def _on_held(self, e: ev.Held) -> None:
        v = self.state.visits[e.visit]
        v.current().state = "held"
        self._release(v, e.counter)
        self._reindex(v)

    @applies(ev.Requeued)
    def _on_requeued(self, e: ev.Requeued) -> None:
        v = self.state.visits[e.visit]
        step = v.current()
        if step.state == "absent":
            v.queued_at = e.at
        step.state, step.counter = "waiting", None
        self._reindex(v)

    @applies(ev.ProcedureAdded)
    def _on_procedure_added(self, e: ev.ProcedureAdded) -> None:
        v = self.state.visits[e.visit]
        v.steps.insert(e.index, Step(e.procedure, e.department))
        self._reindex(v)

    @applies(ev.Transferred)
    def _on_transferred(self, e: ev.Transferred) -> None:
        v = self.state.visits[e.visit]
        step = v.current()
        step.department, step.transferred = e.department, True
        step.state, step.counter = "waiting", None
        v.arrived_at = e.at
        self._release(v, e.counter)
        self._reindex(v)
        self._joined(v, e.at)

    @applies(ev.VisitCancelled)
    def _on_visit_cancelled(self, e: ev.VisitCancelled) -> None:
        v = self.state.visits[e.visit]
        for s in v.steps:
            if s.open:
                s.state, s.finished_at = "cancelled", e.at
        v.cancelled = True
        for c in self.state.counters.values():
            if c.visit == v.id:
                c.visit = None
        self._reindex(v)

    @applies(ev.CounterOpened)
    def _on_counter_opened(self, e: ev.CounterOpened) -> None:
        c = self.state.counters[e.counter]
        c.open, c.staff = True, e.staff

    @applies(ev.CounterClosed)
    def _on_counter_closed(self, e: ev.CounterClosed) -> None:
        self.state.counters[e.counter].open = False


def _reorder_open_steps(v: Visit, order: tuple[str, ...]) -> None:
    """Put v's open steps in the order of their procedures in `order`; closed steps keep
    their places in the guidance list."""
    places = [i for i, s in enumerate(v.steps) if s.open]
    steps = sorted((v.steps[i] for i in places), key=lambda s: order.index(s.procedure))
    for i, step in zip(places, steps):
        v.steps[i] = step


def _typical_minutes(config: SiteConfig, department: str) -> float:
    """Mean configured duration of the procedures queued in a department (no data yet)."""
    minutes = [p.minutes for p in config.procedures.values()
               if p.queued and config.queue_department(p.id) == department]
    return sum(minutes) / len(minutes) if minutes else 10.0


for _kind in bookings.KINDS:  # the booking book applies its own events
    APPLY[_kind.model_fields["type"].default] = lambda engine, e: engine.bookings.apply(e)
