"""One department's line dealt to its counters, kept up to date as visits join it.

`estimator.Reader` reads the engine's state at one moment; building a `DepartmentLine`
from it deals every visit of the line, in calling order, to whichever counter is free
first (a visit coming from another department with an earlier place in line is taken
as soon as it has arrived), and remembers the moment each visit will be called and the
counters' state after the last one. A visit that joins at the back is then dealt in
O(log counters), and so is the wait of a newcomer: neither costs O(line length). The
engine keeps one per department and drops it when anything else changes (a call, a
finish, a counter opening...). Times are absolute (epoch seconds), so a line built a
minute ago still answers for now. The same dealing as `estimator.start_times`.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right

from .estimator import Reader, counters_free

PRIORITY_CLASS = 0  # order keys start with 0 for visits with a priority need


class DepartmentLine:
    def __init__(self, reader: Reader, department: str, line: list[tuple],
                 coming: list[tuple[float, tuple, float]] | None = None):
        """`line`: the department's (order key, visit id) in calling order; `coming`:
        the visits on their way as an earlier line of the same state knew them."""
        now = reader.now
        self.department = department
        self.built_at = now
        self.pace = reader.pace
        self.counters = len(reader.state.counters_open(reader.config, department))
        self.start: dict[str, float] = {}  # visit id -> when it is expected to be called
        self.priority_start: float | None = None
        self.stale = False  # visits of the line moved back: `start` is dealt again when asked
        if not self.counters:
            self.coming, self.free = [], []
            return
        busy = reader.busy(reader.state.counters_open(reader.config, department))
        self.free = [now + 60 * m for m in counters_free(self.counters, busy)]
        # (arrival, order key, counter minutes) of visits on their way, by arrival
        self.coming = coming if coming is not None else sorted(
            (now + 60 * eta, key, job) for key, (eta, job) in reader.coming(department))
        self._taken = [False] * len(self.coming)
        self._first = 0  # every visit on its way before this one has been dealt
        visits = reader.state.visits
        jobs = [(key, vid, reader.job(visits[vid], visits[vid].current_index(), department))
                for key, vid in line]
        self._priority(jobs)
        for key, vid, job in jobs:
            self.start[vid] = self._deal(key, job)

    # ---- dealing ----------------------------------------------------------------------
    def _minutes(self, t: float, job: float) -> float:
        return 60 * job * (self.pace.at((t - self.built_at) / 60) if self.pace else 1.0)

    def _arrived_before(self, t: float, key: tuple) -> int | None:
        """The first visit on its way, arrived by t, with an earlier place than `key`."""
        while self._first < len(self.coming) and self._taken[self._first]:
            self._first += 1
        for i in range(self._first, len(self.coming)):
            eta, k, _job = self.coming[i]
            if eta > t:
                return None
            if not self._taken[i] and k < key:
                return i
        return None

    def _deal(self, key: tuple, job: float | None, free: list[float] | None = None,
              now: float = 0.0) -> float:
        """Deal jobs until the one of `key`, there from `now`, is taken; its start. job
        None: a newcomer who is only asking (nothing of it is kept, but visits ahead
        that arrived are)."""
        free = self.free if free is None else free
        while True:
            t = max(heapq.heappop(free), now)  # a counter idle since earlier is free now
            i = self._arrived_before(t, key)
            if i is not None:
                self._taken[i] = True
                heapq.heappush(free, t + self._minutes(t, self.coming[i][2]))
                continue
            heapq.heappush(free, t if job is None else t + self._minutes(t, job))
            return t

    def _priority(self, jobs: list[tuple[tuple, str, float]]) -> None:
        """When a newcomer with a priority need would be called: after the priority
        visits waiting and those on their way (a dealing of its own, `_pfree`)."""
        self._pfree = list(self.free)
        heapq.heapify(self._pfree)
        for key, _vid, job in jobs:
            if key[0] != PRIORITY_CLASS:
                break
            self._priority_deal(key, job)
        self.priority_start = self._priority_deal((PRIORITY_CLASS, self.built_at, math.inf), None)

    def _priority_deal(self, key: tuple, job: float | None, now: float = 0.0) -> float:
        taken, first = list(self._taken), self._first
        start = self._deal(key, job, self._pfree, now)
        self._taken, self._first = taken, first
        return start

    # ---- answers ----------------------------------------------------------------------
    def wait_of(self, visit_id: str, now: float) -> float | None:
        """Minutes until a visit of this line is called (None: no counter open)."""
        t = self.start.get(visit_id)
        return None if t is None else max(t - now, 0.0) / 60

    def newcomer(self, now: float) -> float | None:
        """Minutes until someone issued now is called (None: no counter open)."""
        if not self.counters:
            return None
        return max(self._deal((1, now, math.inf), None, now=now) - now, 0.0) / 60

    def priority_newcomer(self, now: float) -> float | None:
        if self.priority_start is None:
            return None
        return max(self.priority_start - now, 0.0) / 60

    @property
    def moving_here(self) -> int:
        return len(self.coming)

    # ---- keeping it current -----------------------------------------------------------
    def join(self, visit_id: str, key: tuple, job: float, now: float) -> None:
        """A visit joined the line: at the back, or (a priority need) behind the other
        priority visits: it is called when a priority newcomer would have been, and
        everyone behind it moves back (`stale`: dealt again when next asked)."""
        if not self.counters:
            return
        if key[0] == PRIORITY_CLASS:
            self.start[visit_id] = self._priority_deal(key, job, now)
            self.priority_start = self._priority_deal(
                (PRIORITY_CLASS, self.built_at, math.inf), None, now)
            self.stale = True
        self.start.setdefault(visit_id, self._deal(key, job, now=now))

    def on_its_way(self, arrival: float, key: tuple, job: float) -> None:
        """A visit joined another line and will come here later. Issued after every
        visit of this line, it is called after them (only newcomers wait for it), unless
        it has a priority need: then the visits of the line are dealt again when asked."""
        if self.counters:
            i = bisect_right(self.coming, (arrival, key, job))
            self.coming.insert(i, (arrival, key, job))
            self._taken.insert(i, False)
            self._first = min(self._first, i)
            self.stale = self.stale or key[0] == PRIORITY_CLASS
