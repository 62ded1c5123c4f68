"""A discrete-event simulation of one city-hall day that drives the real queue engine.

Citizens (from sim_scenario) arrive and get a ticket through `QueueEngine.handle("issue")`
with a real `IssueRequest`; every staffed counter acts as a clerk: when free it sends
`CallNext`, the called citizen walks up (or does not answer, and the clerk sends
`MarkAbsent` after a while), then `StartService` and one `FinishProcedure` per procedure.
The engine itself routes a finished visit to its next department (flexible routing may
change the order) and says when it may be called there; the simulation only reads where
the visit went and walks the citizen over. Time is simulated epoch seconds passed as `now`.

Two ways of ticketing run on the same citizens:
- "shared": one number per visit for every department (Isesaki's plan, the engine's rule);
- "separate": the old way, a new ticket for each department the citizen deals with,
  drawn on arrival there, at the back of that line.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

from protocol import messages as m
from protocol.site import SiteConfig
from queue_service import estimator
from queue_service.engine import QueueEngine

from .sim_scenario import (
    TICKET_S,
    Citizen,
    FloorPlan,
    counters_to_open,
    last_issue_time,
    open_time,
)

ABSENT_WAIT_S = 120.0  # a clerk calls twice over two minutes before marking absent
SAMPLE_S = 60.0  # queue lengths are sampled once a minute for the charts
MODES = ("shared", "separate", "per_procedure")


@dataclass
class Stop:
    """One wait and its service: a department (shared) or a ticket (separate)."""

    department: str
    procedures: list[str]  # served here, in order (shared: as the engine routed them)
    number: int | None = None
    reached: float | None = None  # ticket in hand at the waiting seats
    first_call: float | None = None
    finished: float | None = None

    @property
    def wait_s(self) -> float:
        return max(0.0, self.first_call - self.reached)


@dataclass
class VisitRecord:
    citizen: Citizen
    stops: list[Stop]
    issued: float
    estimate_min: float | None = None  # what the service showed at issue (first stop)
    naive_min: float | None = None
    range_min: tuple[int, int] | None = None  # the range shown at issue (None: closed)
    people_ahead: int = 0
    done_at: float | None = None

    @property
    def stay_s(self) -> float:
        return self.done_at - self.issued

    @property
    def departments(self) -> set[str]:
        return {s.department for s in self.stops}


@dataclass
class CounterRecord:
    department: str
    busy_s: float = 0.0
    calls: int = 0
    busy_since: float | None = None


@dataclass
class DayResult:
    mode: str
    visits: list[VisitRecord]
    counters: dict[str, CounterRecord]
    queue_lengths: dict[str, list[int]]  # per department, one sample a minute from opening
    calls: list[tuple[float, str, int]]  # (time, counter, number): what the boards showed
    end: float
    wall_s: float
    commands: int
    requeues: int  # visits that missed more calls than the engine's limit and were re-queued
    engine: QueueEngine = field(repr=False)


@dataclass
class _Run:
    record: VisitRecord
    stop: int = 0  # index into record.stops
    proc: str = ""  # the procedure being served or next
    ready_at: float = 0.0  # when the citizen is at the current department's seats
    missed: set[int] = field(default_factory=set)

    def service_s(self, procedure: str) -> float:
        c = self.record.citizen
        return c.service_s[c.procedures.index(procedure)]


def stops_for(config: SiteConfig, citizen: Citizen, mode: str) -> list[Stop]:
    """Shared: one stop per department. Separate: one ticket per department the citizen
    deals with, i.e. per owning department, even where the one-stop counter accepts
    several owners' procedures (転入届 and 児童手当 at 総合窓口 are two tickets the old way)."""
    stops: list[Stop] = []
    for i, p in enumerate(citizen.procedures):
        dept = config.queue_department(p)
        owner = config.procedures[p].department
        prev = citizen.procedures[i - 1] if i else None
        same = prev is not None and config.queue_department(prev) == dept and (
            mode == "shared"
            or mode == "separate" and config.procedures[prev].department == owner)
        if same:
            stops[-1].procedures.append(p)
        else:
            stops.append(Stop(dept, [p]))
    return stops


class DaySimulation:
    def __init__(self, config: SiteConfig, citizens: list[Citizen], staffing: dict[str, int],
                 mode: str, learned: dict | None = None):
        """`learned`: what the engine starts from, as the service starts a day from its
        store (None: a new site, on the configured minutes)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.config = config
        self.citizens = citizens
        self.staffing = staffing
        self.mode = mode
        self.engine = QueueEngine(config, learned)
        self.floor = FloorPlan(config)
        self._heap: list[tuple[float, int, str, object]] = []
        self._seq = 0
        self._requests = 0
        self._idle: dict[str, list[str]] = {d: [] for d in config.departments}
        self._by_number: dict[int, _Run] = {}
        self._at_counter: dict[str, _Run] = {}
        self.counters: dict[str, CounterRecord] = {}
        self.calls: list[tuple[float, str, int]] = []
        self.queue_lengths: dict[str, list[int]] = {d: [] for d in staffing}
        self.records: list[VisitRecord] = []
        self.requeues = 0

    # ---- plumbing ------------------------------------------------------------------
    def _at(self, t: float, what: str, payload: object) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, what, payload))

    def _rid(self) -> str:
        self._requests += 1
        return f"sim-{self.mode}-{self._requests:08d}"

    def _handle(self, command: str, model: type[m.Request], t: float, **fields) -> dict:
        return self.engine.handle(command, model(request_id=self._rid(), **fields), t).result

    # ---- the day -------------------------------------------------------------------
    def run(self) -> DayResult:
        started = time.perf_counter()
        t0 = open_time()
        for c in counters_to_open(self.config, self.staffing):
            self._at(t0, "open", c.id)
        for c in self.citizens:
            self._at(c.arrival, "arrive", c)
        next_sample = t0
        t = t0
        handlers = self.handlers()
        while self._heap:
            t, _, what, payload = heapq.heappop(self._heap)
            while next_sample <= t:
                for d, samples in self.queue_lengths.items():
                    samples.append(len(self.engine.state.waiting[d]))
                next_sample += SAMPLE_S
            handlers[what](t, payload)
        end = max(t, last_issue_time())
        for cid in self.counters:
            self._handle("close_counter", m.CloseCounter, end, counter=cid)
        return DayResult(self.mode, self.records, self.counters, self.queue_lengths,
                         self.calls, end, time.perf_counter() - started, self._requests,
                         self.requeues, self.engine)

    def handlers(self) -> dict:
        """What each kind of simulated event does (a variant of the day adds its own)."""
        return {"open": self._open, "arrive": self._arrive, "ticket": self._ticket,
                "start": self._start, "finish": self._finish, "absent": self._absent,
                "wake": self._wake}

    def _open(self, t: float, counter: str) -> None:
        self._handle("open_counter", m.OpenCounter, t, counter=counter, staff="sim")
        dept = self.config.counters[counter].department
        self.counters[counter] = CounterRecord(dept)
        self._idle[dept].append(counter)
        self._wake(t, dept)

    def _arrive(self, t: float, c: Citizen) -> None:
        stops = stops_for(self.config, c, self.mode)
        # Shared: the engine decides the order as the visit goes; stops are added then.
        record = VisitRecord(c, stops if self.mode != "shared" else stops[:1], issued=t)
        self.records.append(record)
        run = _Run(record)
        first = record.stops[0]
        run.ready_at = t + self.floor.entrance_to_department(c.issuing_point, first.department,
                                                             c.speed)
        result = self._issue(run, t)
        visit = result["visit"]
        record.people_ahead = visit["people_ahead"]
        record.estimate_min = visit["estimated_wait_min"]
        if visit["wait_min_high"] is not None:
            record.range_min = (visit["wait_min_low"], visit["wait_min_high"])
        record.naive_min = estimator.naive_wait_minutes(
            visit["people_ahead"], len(self.engine.counters_open(first.department)),
            self.engine.mean_service_minutes(first.department))
        self._wake(t, first.department)

    def _issue(self, run: _Run, t: float) -> dict:
        """Issue the ticket for the run's current stop (shared: the whole visit)."""
        c = run.record.citizen
        stop = run.record.stops[run.stop]
        procs = stop.procedures if self.mode != "shared" else c.procedures
        result = self._handle(
            "issue", m.IssueRequest, t, issuing_point=c.issuing_point, procedures=list(procs),
            life_event=c.life_event if run.stop == 0 else None, needs=list(c.needs))
        stop.number, stop.reached = result["number"], t
        self._by_number[result["number"]] = run
        return result

    def _ticket(self, t: float, run: _Run) -> None:
        run.ready_at = t
        self._issue(run, t)
        self._wake(t, run.record.stops[run.stop].department)

    def _wake(self, t: float, dept: str) -> None:
        idle = self._idle[dept]
        while idle and self.engine.state.waiting[dept]:
            counter = idle.pop(0)
            visit = self._handle("call_next", m.CallNext, t, counter=counter)["visit"]
            if visit is None:
                idle.insert(0, counter)
                return
            self._called(t, counter, visit["number"])

    def _called(self, t: float, counter: str, number: int) -> None:
        run = self._by_number[number]
        stop = run.record.stops[run.stop]
        rec = self.counters[counter]
        rec.calls += 1
        rec.busy_since = t
        self.calls.append((t, counter, number))
        self._at_counter[counter] = run
        if stop.first_call is None:
            stop.first_call = t
        c = run.record.citizen
        run.proc = self.engine.visit_by_number(number).current().procedure
        if c.misses[c.procedures.index(stop.procedures[0])] and run.stop not in run.missed:
            run.missed.add(run.stop)
            self._at(max(t, run.ready_at) + ABSENT_WAIT_S, "absent", counter)
            return
        walk = self.floor.answer_call(stop.department, counter, c.speed)
        self._at(max(t, run.ready_at) + walk, "start", counter)

    def _release(self, t: float, counter: str) -> CounterRecord:
        """The counter's citizen has gone: count its busy time."""
        rec = self.counters[counter]
        rec.busy_s += t - rec.busy_since
        rec.busy_since = None
        del self._at_counter[counter]
        return rec

    def _free(self, t: float, counter: str) -> None:
        rec = self._release(t, counter)
        self._idle[rec.department].append(counter)
        self._wake(t, rec.department)

    def _absent(self, t: float, counter: str) -> None:
        run = self._at_counter[counter]
        visit = self._handle("absent", m.MarkAbsent, t, counter=counter)["visit"]
        # Back at the seats by now, behind everyone: the engine re-queued the visit...
        run.ready_at = max(run.ready_at, t)
        self._free(t, counter)
        if visit["state"] == "absent":
            # ...unless the visit has missed more calls than the limit (counted over the
            # whole visit): then the citizen asks at the counter and the clerk re-queues it.
            self.requeues += 1
            self._handle("requeue", m.Requeue, t, counter=counter, number=visit["number"])
            self._wake(t, self.config.counters[counter].department)

    def _start(self, t: float, counter: str) -> None:
        run = self._at_counter[counter]
        self._handle("start", m.StartService, t, counter=counter)
        self._at(t + self.service_seconds(run, counter, t), "finish", counter)

    def service_seconds(self, run: _Run, counter: str, t: float) -> float:
        """How long the procedure being started takes (drawn up front with the citizen)."""
        return run.service_s(run.proc)

    def _finish(self, t: float, counter: str) -> None:
        run = self._at_counter[counter]
        record, stop = run.record, run.record.stops[run.stop]
        result = self._handle("finish", m.FinishProcedure, t, counter=counter)["visit"]
        if result["state"] == "serving":
            # Same department: the engine keeps the visit at this counter for the next one.
            step = next(s for s in result["steps"] if s["state"] == "serving")
            if self.mode == "shared" and step["procedure"] not in stop.procedures:
                stop.procedures.append(step["procedure"])
            self._check(step, stop.procedures, counter)
            run.proc = step["procedure"]
            self._at(t + self.service_seconds(run, counter, t), "finish", counter)
            return
        stop.finished = t
        self._free(t, counter)
        if self.mode == "shared" and result["state"] != "done":
            # The engine has put the visit in the queue of the department it chose.
            step = next(s for s in result["steps"] if s["state"] == "waiting")
            record.stops.append(Stop(step["department"], [step["procedure"]]))
        run.stop += 1
        if run.stop == len(record.stops):
            record.done_at = t
            return
        nxt = record.stops[run.stop]
        walk = self.floor.counter_to_department(counter, nxt.department, record.citizen.speed)
        if self.mode != "shared":
            self._at(t + walk + TICKET_S, "ticket", run)
            return
        self._check(step, record.citizen.procedures, nxt.department)
        nxt.number, nxt.reached = stop.number, t + walk
        run.ready_at = t + walk
        callable_at = self.engine.visit_by_number(stop.number).current().callable_at or t
        if callable_at > t:
            self._at(callable_at, "wake", nxt.department)
        else:
            self._wake(t, nxt.department)

    @staticmethod
    def _check(step: dict, expected: list[str] | tuple[str, ...], where: str) -> None:
        """The engine routed one of the procedures the simulation expects, where it expects."""
        if step["procedure"] not in expected or (step["department"] != where
                                                  and step["counter"] != where):
            raise RuntimeError(f"engine routed {step} to {where}, expected one of {expected}")


def simulate(config: SiteConfig, citizens: list[Citizen], staffing: dict[str, int],
             mode: str) -> DayResult:
    return DaySimulation(config, citizens, staffing, mode).run()
