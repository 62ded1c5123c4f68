"""Learned service times: what the counters really take, from what happens at them.

A pure model fed by the engine's events (a procedure finished at a counter by a clerk,
a call answered or not). Per procedure it keeps a robust estimate of the log-duration,
starting from the site file's minutes as a prior worth `PRIOR_WEIGHT` observations that
fades as services are observed; per counter-and-clerk a speed factor and per hour of the
day a multiplier, both learned from what is left over and shrunk towards 1. Every
observation is winsorised against the current spread (`HUBER_BOUND` spreads), so a visit
left open for an hour or a service started by mistake moves an estimate little. Weights
stop shrinking after `MEMORY` observations: the model keeps following a floor that
changes. `summary()` / `from_summary()` carry the learning from one day to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

PRIOR_WEIGHT = 5.0  # the configured minutes count as this many observations
PRIOR_SPREAD = 0.47  # log-sd of service times before any is seen (a CV of about 50%)
HUBER_BOUND = 1.5  # residuals beyond this many spreads count only this far
MEMORY = 150.0  # at most this many observations' weight: older days fade
CLERK_WEIGHT = 12.0  # a counter-and-clerk factor starts at 1, worth this many observations
HOUR_WEIGHT = 60.0  # an hour's factor too: it must follow the day as it turns
FACTOR_LIMIT = math.log(2.0)  # a clerk or an hour is at most twice as slow or fast
CALL_PRIOR_MIN = 0.5  # from a call until the citizen sits down (or is marked absent)
CALL_BOUND_MIN = 3.0  # a call observed longer than this counts as this long
MIN_OBSERVED_MIN = 0.05  # three seconds: shorter durations count as this
ABSENT_PRIOR, ABSENT_WEIGHT = 0.0, 30.0  # share of unanswered calls: none until seen


def clerk_key(counter: str, staff: str | None) -> str:
    """Whose speed a counter works at: the counter and the clerk who opened it."""
    return f"{counter}:{staff or ''}"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_hour(now: float, timezone: str) -> tuple[int, float]:
    """(hour, minutes into the hour) of a moment at the site: the time-of-day profile."""
    local = datetime.fromtimestamp(now, _zone(timezone))
    return local.hour, local.minute + local.second / 60


def _clip(x: float, bound: float) -> float:
    return max(-bound, min(bound, x))


@dataclass
class _Location:
    """A robust online mean and spread on the log scale, with a prior that fades."""

    prior_min: float  # the configured minutes it started from
    mu: float
    var: float
    n: float = 0.0

    @classmethod
    def prior(cls, minutes: float) -> _Location:
        return cls(minutes, math.log(minutes) - PRIOR_SPREAD ** 2 / 2, PRIOR_SPREAD ** 2)

    def update(self, residual: float) -> float:
        """Take in one (log) residual; returns the winsorised one used."""
        bound = HUBER_BOUND * math.sqrt(self.var)
        r = _clip(residual, bound)
        w = 1.0 / (PRIOR_WEIGHT + self.n)
        self.mu += w * r
        # a winsorised residual at 1.5 spreads keeps ~87% of a normal's variance
        self.var += w * (r * r / 0.87 - self.var)
        self.var = min(max(self.var, 0.01), 1.0)
        self.n = min(self.n + 1, MEMORY)
        return r

    @property
    def mean_min(self) -> float:
        return math.exp(self.mu + self.var / 2)


@dataclass
class _Factor:
    log: float = 0.0
    n: float = 0.0

    def update(self, residual: float, weight: float) -> None:
        w = 1.0 / (weight + self.n)
        self.log = _clip(self.log + w * residual, FACTOR_LIMIT)
        self.n = min(self.n + 1, MEMORY)


@dataclass
class _CallTime:
    minutes: float = CALL_PRIOR_MIN
    n: float = 0.0
    absent: float = ABSENT_PRIOR  # share of calls nobody answers

    def update(self, minutes: float, absent: bool) -> None:
        w = 1.0 / (PRIOR_WEIGHT + self.n)
        self.minutes += w * (min(max(minutes, 0.0), CALL_BOUND_MIN) - self.minutes)
        w = 1.0 / (ABSENT_WEIGHT + self.n)
        self.absent += w * (float(absent) - self.absent)
        self.n = min(self.n + 1, MEMORY)


class ServiceTimes:
    """Expected minutes of each procedure, per counter-and-clerk and hour of the day."""

    def __init__(self, configured: dict[str, float]):
        self.procedures = {p: _Location.prior(m) for p, m in configured.items()}
        self._tables: dict[int, dict[str, float]] = {}  # per hour, until the next observation
        self.clerks: dict[str, _Factor] = {}
        self.hours: dict[int, _Factor] = {}
        self.calls: dict[str, _CallTime] = {}

    # ---- learning ---------------------------------------------------------------------
    def observe(self, procedure: str, clerk: str, hour: int, minutes: float) -> None:
        """One procedure finished: `minutes` of counter work by `clerk` at `hour`."""
        loc = self.procedures.get(procedure)
        if loc is None:
            return
        self._tables.clear()
        x = math.log(max(minutes, MIN_OBSERVED_MIN))
        clerk_f = self.clerks.setdefault(clerk, _Factor())
        hour_f = self.hours.get(hour)
        if hour_f is None:  # a new hour starts from the pace of the hour before it
            hour_f = self.hours[hour] = _Factor(self._hour_log(hour))
        # Backfitting, one observation at a time: each part takes what the others leave.
        bound = HUBER_BOUND * math.sqrt(loc.var)
        loc.update(x - loc.mu - clerk_f.log - hour_f.log)
        clerk_f.update(_clip(x - loc.mu - clerk_f.log - hour_f.log, bound), CLERK_WEIGHT)
        hour_f.update(_clip(x - loc.mu - clerk_f.log - hour_f.log, bound), HOUR_WEIGHT)

    def observe_call(self, department: str, minutes: float, absent: bool = False) -> None:
        """A call ended: the citizen sat down, or was marked absent, after `minutes`."""
        self.calls.setdefault(department, _CallTime()).update(minutes, absent)

    # ---- estimates --------------------------------------------------------------------
    def minutes(self, procedure: str, clerk: str | None = None, hour: int | None = None) -> float:
        """Expected minutes of one procedure (at this clerk and hour, if given)."""
        loc = self.procedures[procedure]
        f = self.clerk_factor(clerk) * self.hour_factor(hour)
        return loc.mean_min * f

    def table(self, hour: int) -> dict[str, float]:
        """Expected minutes of every procedure at `hour` (any clerk)."""
        if hour not in self._tables:
            self._tables[hour] = {p: self.minutes(p, None, hour) for p in self.procedures}
        return self._tables[hour]

    def clerk_factor(self, clerk: str | None) -> float:
        c = self.clerks.get(clerk) if clerk is not None else None
        return math.exp(c.log) if c else 1.0

    def hour_factor(self, hour: int | None) -> float:
        """The pace of an hour; one not seen yet goes at the pace of the last hour before
        it that was (the floor keeps its pace until seen to change)."""
        return 1.0 if hour is None else math.exp(self._hour_log(hour))

    def _hour_log(self, hour: int) -> float:
        h = self.hours.get(hour)
        if h is None:
            h = self.hours.get(max((k for k in self.hours if k < hour), default=-1))
        return h.log if h else 0.0

    def pool_factor(self, clerks: list[str]) -> float:
        """The factor of a pool of counters working side by side (their speeds add up)."""
        if not clerks:
            return 1.0
        return len(clerks) / sum(1.0 / self.clerk_factor(c) for c in clerks)

    def call_minutes(self, department: str) -> float:
        c = self.calls.get(department)
        return c.minutes if c else CALL_PRIOR_MIN

    def answered(self, department: str) -> float:
        """Share of calls answered: an unanswered one goes to the back of the line."""
        c = self.calls.get(department)
        return 1.0 - (c.absent if c else ABSENT_PRIOR)

    def spread(self, procedure: str) -> float:
        return math.sqrt(self.procedures[procedure].var)

    # ---- across days ------------------------------------------------------------------
    def summary(self) -> dict:
        """A compact, JSON-ready summary of what was learned."""
        return {
            "procedures": {p: [loc.prior_min, loc.mu, loc.var, loc.n]
                           for p, loc in self.procedures.items()},
            "clerks": {k: [f.log, f.n] for k, f in self.clerks.items()},
            "hours": {str(h): [f.log, f.n] for h, f in self.hours.items()},
            "calls": {d: [c.minutes, c.n, c.absent] for d, c in self.calls.items()},
        }

    @classmethod
    def from_summary(cls, configured: dict[str, float], summary: dict | None) -> ServiceTimes:
        """Yesterday's learning for today's site; a procedure whose configured minutes
        changed since (the site file was edited) starts again from the new minutes."""
        st = cls(configured)
        if not summary:
            return st
        for p, (prior, mu, var, n) in summary.get("procedures", {}).items():
            if p in st.procedures and math.isclose(prior, configured[p]):
                st.procedures[p] = _Location(prior, mu, var, n)
        st.clerks = {k: _Factor(*v) for k, v in summary.get("clerks", {}).items()}
        st.hours = {int(h): _Factor(*v) for h, v in summary.get("hours", {}).items()}
        st.calls = {d: _CallTime(*v) for d, v in summary.get("calls", {}).items()}
        return st
