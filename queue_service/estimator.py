"""Wait estimates: how long until a visit (or a new arrival) is called in a department.

`wait_minutes` is a pure function over a `QueueSnapshot`; `read_snapshot` builds the
snapshot from the engine's live state (the site configuration and the state types of
queue_service/model.py only: the estimator does not know the engine) (what the service
knows at that moment: the queues, who is at which counter since when, which procedures
each visit still has) and the service times learned so far
(`service_times.ServiceTimes`, which start from the configured minutes of each
procedure). Nothing here looks at the future.

The method, measured against the real waits of a simulated peak day
(benchmarks/simulate.py), is described in docs/estimates.md. In short: every visit that
will be called first is a job of known expected length (all its procedures here, not
one average service); busy counters free up at the expected order statistics of what
each still has to do, given how long it has lasted; visits still at other departments
that will come here with an earlier place in line join as jobs when they are expected
to arrive; the jobs are dealt to the counters in order and the wait is when a counter
is first free with no earlier job left.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .service_times import clerk_key, local_hour

if TYPE_CHECKING:
    from protocol.site import SiteConfig

    from .model import CounterState, EngineState, Visit
    from .service_times import ServiceTimes

WALK_MIN = 1.0  # from one department's counter to the next department's seats
RESIDUAL_SHARE = 0.2  # a visit past its expected time at a counter still has this share to go
SERVICE_SPREAD = 0.35  # log-sd of what a visit at a counter still has to do (chosen on the simulation)
FREE_GRID = 24  # steps of the integral of when busy counters free up (to 3 x the longest)
_SQRT2 = math.sqrt(2)
PACE_HOURS = 10  # hours of the time-of-day profile looked ahead


@dataclass(frozen=True)
class QueueSnapshot:
    """What a department's queue looks like to someone joining it now."""

    ahead_min: tuple[float, ...]  # expected counter time of each visit called first, in order
    # Visits now elsewhere, due here later with an earlier place in line:
    # (minutes until they can be called here, expected counter time here).
    upstream: tuple[tuple[float, float], ...]
    # per busy open counter: (expected minutes with its visit, minutes since the call)
    busy: tuple[tuple[float, float], ...]
    counters_open: int
    pace: Pace | None = None  # how much slower or faster the coming hours work than now


@dataclass(frozen=True)
class Pace:
    """The time-of-day profile seen from now: `factors[i]` is the speed of the i-th hour
    from now (0: the current one, which has `left_min` minutes to go) relative to now."""

    left_min: float
    factors: tuple[float, ...]

    def at(self, t: float) -> float:
        i = 0 if t < self.left_min else 1 + int((t - self.left_min) // 60)
        return self.factors[min(i, len(self.factors) - 1)]


def naive_wait_minutes(ahead: int, counters_open: int, mean_service_min: float) -> float | None:
    """The textbook estimate: people ahead x mean service time / open counters."""
    if counters_open <= 0:
        return None
    return ahead * mean_service_min / counters_open


def wait_minutes(q: QueueSnapshot) -> float | None:
    """Expected wait; None when no counter is open (the wait cannot be known)."""
    if q.counters_open <= 0:
        return None
    return start_times(q.counters_open, q.busy, q.ahead_min, q.upstream, q.pace)[-1]


def start_times(counters: int, busy: tuple[tuple[float, float], ...], jobs: tuple[float, ...],
                upstream: tuple[tuple[float, float], ...] = (),
                pace: Pace | None = None) -> list[float]:
    """Minutes until each job, then one more visit, is called: jobs (and upstream jobs,
    once arrived) are dealt in order to whichever counter is free first; a job taken
    at t lasts its expected minutes times the pace of the hour at t."""
    free = counters_free(counters, busy)
    heapq.heapify(free)
    arriving = sorted(upstream)
    out: list[float] = []
    next_job = next_up = 0
    while True:
        t = heapq.heappop(free)
        if next_job < len(jobs):
            job = jobs[next_job]
            next_job += 1
            out.append(t)
        elif next_up < len(arriving) and arriving[next_up][0] <= t:
            job = arriving[next_up][1]
            next_up += 1
        else:
            out.append(t)
            return out
        heapq.heappush(free, t + (job * pace.at(t) if pace is not None else job))


def remaining_minutes(expected: float, elapsed: float) -> float:
    """Expected minutes still to go at a counter busy for `elapsed` with a visit expected
    to take `expected`; one that overran still needs a share of its expected time."""
    return max(expected - elapsed, RESIDUAL_SHARE * expected)


def _rest(expected: float, elapsed: float) -> tuple[Callable[[float], float], float]:
    """What a visit expected to take `expected` on average, `elapsed` into it, still has
    to do, for a log-normal service time of spread `SERVICE_SPREAD`: P(done within t
    more minutes) and the mean. One that has lasted far beyond any such time is done
    after `RESIDUAL_SHARE` of it."""
    sd = SERVICE_SPREAD
    mu = math.log(expected) - sd * sd / 2

    def longer(x: float, shift: float = 0.0) -> float:  # P(service > x), shift: E[S; S > x]
        if x <= 0:
            return 1.0
        return 0.5 * math.erfc((math.log(x) - mu - shift) / (sd * _SQRT2))

    alive = longer(elapsed)
    if alive < 1e-6:
        rest = RESIDUAL_SHARE * expected
        return (lambda t: float(t >= rest)), rest
    mean = expected * longer(elapsed, sd * sd) / alive - elapsed
    return (lambda t: 1.0 - longer(elapsed + t) / alive), mean


def counters_free(counters: int, busy: tuple[tuple[float, float], ...]) -> list[float]:
    """Minutes until the 1st, 2nd, ... counter is free: the idle ones now, then the
    expected order statistics of what the busy ones still have to do (each a log-normal
    service time given how long it has lasted). The first of several busy counters is
    free sooner than any one of them is expected to be; their sum is the work left."""
    busy = tuple((e, el) for e, el in busy[:counters] if e > 0)
    idle = [0.0] * max(counters - len(busy), 0)
    if not busy:
        return idle
    over, means = zip(*(_rest(e, el) for e, el in busy))
    m, top = len(busy), 3 * max(e for e, _ in busy)
    out, before, t0 = [0.0] * m, [1.0] * m, 0.0
    for k in range(1, FREE_GRID + 1):
        t = top * (k / FREE_GRID) ** 2  # finer near now, where the first ones free up
        step, t0 = t - t0, t
        # dist[n]: P(n of the busy counters are free by t) (Poisson-binomial)
        dist, done = [1.0] + [0.0] * m, 0
        for f in over:
            q = f(t)
            if q < 1e-9:  # not this one, not yet
                continue
            done += 1
            for n in range(done, 0, -1):
                dist[n] += (dist[n - 1] - dist[n]) * q
            dist[0] *= 1 - q
        below = 0.0  # P(fewer than j free), j = 1..m: the j-th is still busy
        for j in range(m):
            below += dist[j]
            out[j] += (before[j] + below) / 2 * step
            before[j] = below
        if below < 1e-4:  # every one is free by now
            break
    scale = sum(means) / sum(out)  # the integral's small error, kept off the work left
    return idle + [x * scale for x in out]


# ---- reading the engine's state ----------------------------------------------------

def read_snapshot(config: SiteConfig, state: EngineState, times: ServiceTimes,
                  order_key: Callable[[Visit], tuple], department: str, ahead: int,
                  queued_at: float, now: float, exclude: str | None = None,
                  reader: Reader | None = None) -> QueueSnapshot:
    """The snapshot for a visit (`exclude`, with `ahead` visits before it) or for a
    newcomer issued at `queued_at`, from the state at `now`. Pass one `reader`
    for many snapshots of the same moment: it reads each department once."""
    reader = reader or Reader(config, state, times, order_key, now)
    return reader.snapshot(department, ahead, queued_at, exclude)


class Reader:
    """Reads the engine's state at one moment, caching what every snapshot of that
    moment shares (each department's jobs, busy counters, visits on their way)."""

    def __init__(self, config: SiteConfig, state: EngineState, times: ServiceTimes,
                 order_key: Callable[[Visit], tuple], now: float):
        self.config = config
        self.state = state
        self.times = times
        self.order_key = order_key
        self.now = now
        hour, minute = local_hour(now, config.timezone)
        self.minutes = times.table(hour)
        self.pace = Pace(60 - minute, tuple(
            times.hour_factor((hour + i) % 24) / times.hour_factor(hour)
            for i in range(PACE_HOURS)))
        self._pool: dict[str, float] = {}
        self._queues: dict[str, dict[str, float]] = {}
        self._jobs: dict[str, list[float]] = {}
        self._busy: dict[str, tuple[tuple[float, float], ...]] = {}
        self._coming: dict[str, list[tuple[tuple, tuple[float, float]]]] = {}

    def snapshot(self, department: str, ahead: int, queued_at: float,
                 exclude: str | None) -> QueueSnapshot:
        state = self.state
        me = state.visits.get(exclude) if exclude else None
        my_key = self.order_key(me) if me is not None else (1, queued_at, math.inf)
        if department not in self._jobs:
            self._jobs[department] = [self.job(v, v.current_index(), department)
                                      for v in self.state.queue(department)]
            self._busy[department] = self.busy(self.state.counters_open(self.config, department))
            self.coming(department)
        upstream = tuple(c for key, c in self._coming[department] if key < my_key)
        return QueueSnapshot(ahead_min=tuple(self._jobs[department][:ahead]), upstream=upstream,
                             busy=self._busy[department],
                             counters_open=len(self.state.counters_open(self.config, department)),
                             pace=self.pace)

    def coming(self, department: str) -> list[tuple[tuple, tuple[float, float]]]:
        """(order key, (minutes until it can be called here, counter time here)) of every
        visit now elsewhere that will come to `department`."""
        if department not in self._coming:
            self._coming[department] = [
                (self._place_there(v, coming[0]), coming) for v, dept in self._elsewhere(department)
                if (coming := self.upstream(v, dept, department)) is not None
            ]
        return self._coming[department]

    def _place_there(self, v: Visit, eta_min: float) -> tuple:
        """v's order key once it arrives in `eta_min`: its issue time, but no earlier than
        the place lead before its arrival (the bounded place, protocol.site.Routing)."""
        key = self.order_key(v)
        lead = self.config.routing.place_lead_minutes
        return (key[0], max(v.issued_at, self.now + 60 * (eta_min - lead)), *key[2:])

    def _elsewhere(self, department: str):
        """Visits waiting or at a counter in another department (held ones are not
        coming soon)."""
        state, counters = self.state, self.config.counters
        for dept, waiting in state.waiting.items():
            if dept != department:
                for vid in waiting:
                    yield state.visits[vid], dept
        for c in state.counters.values():
            dept = counters[c.id].department
            if c.visit in state.visits and dept != department:
                yield state.visits[c.visit], dept

    def block(self, v: Visit, start: int, department: str) -> tuple[int, float]:
        """End index and configured minutes of the run of open steps from `start` that
        wait in `department` (a visit's procedures in one department are served in one go)."""
        end, minutes = start, 0.0
        while end < len(v.steps) and v.steps[end].department == department \
                and v.steps[end].open:
            minutes += self.minutes[v.steps[end].procedure]
            end += 1
        return end, minutes

    def job(self, v: Visit, start: int, department: str) -> float:
        """Expected counter time of v's procedures in department, call to last finish,
        at whichever of its open counters (their speeds pooled) takes it; a call nobody
        answers costs only the call (the visit goes to the back of the line)."""
        return self.times.call_minutes(department) + self.block(v, start, department)[1] \
            * self.pool(department) * self.times.answered(department)

    def clerk(self, counter: str) -> str:
        return clerk_key(counter, self.state.counters[counter].staff)

    def pool(self, department: str) -> float:
        if department not in self._pool:
            self._pool[department] = self.times.pool_factor(
                [self.clerk(c.id) for c in self.state.counters_open(self.config, department)])
        return self._pool[department]

    def busy(self, counters: list[CounterState]) -> tuple[tuple[float, float], ...]:
        out = []
        for c in counters:
            v = self.state.visits.get(c.visit) if c.visit else None
            step = v.current() if v is not None else None
            if step is not None and step.counter == c.id:
                out.append(self.at_counter(v))
        return tuple(out)

    def at_counter(self, v: Visit) -> tuple[float, float]:
        """(expected minutes, minutes so far) of v at its counter, for its procedures
        there; a follow-on procedure's clock starts when the previous one finished."""
        i = v.current_index()
        step = v.steps[i]
        _, minutes = self.block(v, i, step.department)
        minutes *= self.times.clerk_factor(self.clerk(step.counter)) if step.counter else 1.0
        follow_on = step.started_at is not None and step.started_at == step.called_at
        expected = minutes + (0.0 if follow_on else self.times.call_minutes(step.department))
        elapsed = max(self.now - step.called_at, 0.0) / 60 if step.called_at else 0.0
        return expected, elapsed

    def wait_in(self, v: Visit, dept: str) -> float | None:
        """Minutes until v, waiting in dept, is called there (None: no counter open)."""
        if dept not in self._queues:
            queue = self.state.queue(dept)
            open_there = self.state.counters_open(self.config, dept)
            busy = self.busy(open_there)
            jobs = tuple(self.job(w, w.current_index(), dept) for w in queue)
            starts = start_times(len(open_there), busy, jobs, (), self.pace) if open_there else []
            self._queues[dept] = {w.id: t for w, t in zip(queue, starts)}
        return self._queues[dept].get(v.id)

    def upstream(self, v: Visit, dept: str, department: str,
                 wait: float | None = None) -> tuple[float, float] | None:
        """(minutes until v can be called in department, its counter time there), for v
        now in dept (waiting there: `wait` minutes more, if known); None if v has nothing
        left in department or is not moving."""
        i = v.current_index()
        if i is None:
            return None
        later = next((j for j in range(i + 1, len(v.steps))
                      if v.steps[j].open and v.steps[j].department == department), None)
        if later is None:
            return None
        step = v.steps[i]
        if step.state == "waiting":
            wait = self.wait_in(v, dept) if wait is None else wait
            if wait is None:
                return None
            eta = wait + self.job(v, i, dept)
        elif step.state in ("called", "serving"):
            eta = remaining_minutes(*self.at_counter(v))
        else:
            return None
        j = self.block(v, i, dept)[0]
        while j < later:  # other departments on the way
            other = v.steps[j].department
            eta += WALK_MIN + self.job(v, j, other)
            j = max(self.block(v, j, other)[0], j + 1)
        return eta + WALK_MIN, self.job(v, later, department)
