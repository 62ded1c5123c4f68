"""A pool of staff who can serve several departments, moved during the simulated day.

Both ways of ticketing get the same pool (`POOL` people, `MOVE_S` to walk to another
department's counter), on top of the planned counters:
- one shared number: the pool follows the service's staffing advice
  (queue_service/staffing.py, checked every `CHECK_S`), opening a counter where the
  forecast says one will be needed and leaving one that the advice says can close;
- separate tickets, the old way: the pool follows a reactive rule, as a supervisor
  watching the boards would: open a counter where the line is longer than
  `REACT_PER_COUNTER` people per open counter, leave it when its line is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol import messages as m
from protocol.site import SiteConfig
from queue_service import staffing

from .sim_run import CounterRecord, DayResult, DaySimulation
from .sim_scenario import ARRIVAL_PROFILE, Citizen, last_issue_time, open_time

POOL = 4
MOVE_S = staffing.MOVE_MIN * 60
CHECK_S = 300.0
REACT_PER_COUNTER = 2.0
RULES = ("advice", "reactive")


@dataclass
class Member:
    free_at: float = 0.0  # back in the pool (after walking) from this time
    counter: str | None = None  # the counter this member staffs (or walks to)
    leaving: bool = False  # closes the counter as soon as its visit is done


class PooledDay(DaySimulation):
    """The day with a pool of movable staff following `rule` ("advice" or "reactive")."""

    def __init__(self, config: SiteConfig, citizens: list[Citizen], staffing_plan: dict[str, int],
                 mode: str, rule: str, pool: int = POOL,
                 target_wait_min: float = staffing.TARGET_WAIT_MIN):
        super().__init__(config, citizens, staffing_plan, mode)
        self.target_wait_min = target_wait_min
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
        self.rule = rule
        self.pool = [Member() for _ in range(pool)]
        self.moves = 0
        planned = {c.id for d, n in staffing_plan.items() for c in config.counters_of(d)[:n]}
        self._spare = {d: [c.id for c in config.counters_of(d) if c.id not in planned]
                       for d in config.departments}

    def handlers(self) -> dict:
        return {**super().handlers(), "check": self._check_staffing, "arrive_staff": self._arrive_staff}

    def run(self) -> DayResult:
        self._at(open_time() + CHECK_S, "check", None)
        return super().run()

    # ---- deciding --------------------------------------------------------------------
    def _check_staffing(self, t: float, _payload: object) -> None:
        if t < last_issue_time() or any(not v.closed for v in self.engine.state.visits.values()):
            self._at(t + CHECK_S, "check", None)
        if self.rule == "advice":
            advice = staffing.advise(self.engine, t, ARRIVAL_PROFILE, self.target_wait_min)
            for line in advice.lines:
                if line.action == "close":
                    self._leave(t, line.department)
            for line in advice.lines:
                if line.action == "open" and line.in_min * 60 <= MOVE_S:
                    for _ in range(line.counters_needed - line.counters_open):
                        if not self._send(t, line.department):
                            self._rebalance(t, line)
                            break
            return
        for d in self._spare:
            waiting = len(self.engine.state.waiting[d])
            open_here = len(self.engine.counters_open(d))
            if open_here and waiting > REACT_PER_COUNTER * open_here:
                self._send(t, d)
            elif waiting == 0:
                self._leave(t, d)

    def _send(self, t: float, dept: str) -> bool:
        """Send a free pool member to open a counter in dept; False if none is free."""
        member = next((p for p in self.pool if p.counter is None and p.free_at <= t), None)
        spare = [c for c in self._spare[dept]
                 if not self.engine.state.counters[c].open
                 and all(p.counter != c for p in self.pool)]
        if member is None or not spare:
            return False
        member.counter = spare[0]
        self.moves += 1
        self._at(t + MOVE_S, "arrive_staff", member)
        return True

    def _rebalance(self, t: float, line: m.StaffingLine) -> None:
        """The advice wants a counter the pool cannot staff: free the pool member whose
        department would lose least (under half what the line gains), as the advice's
        figures say."""
        forecasts = staffing.forecast(self.engine, t, ARRIVAL_PROFILE)
        loss = {}
        for p in self.pool:
            if p.counter is not None and not p.leaving:
                d = self.config.counters[p.counter].department
                if d != line.department and self.engine.state.counters[p.counter].open:
                    f = forecasts[d]
                    loss[d] = f.gain(f.counters_open - 1)
        if loss:
            d = min(loss, key=loss.get)
            if loss[d] < line.gain_min / 2:
                self._leave(t, d)

    def _leave(self, t: float, dept: str) -> None:
        """One pool member in dept leaves its counter (at once if free, else after its visit)."""
        mine = [p for p in self.pool if p.counter is not None and not p.leaving
                and self.config.counters[p.counter].department == dept
                and self.engine.state.counters[p.counter].open]
        if not mine:
            return
        member = next((p for p in mine if p.counter in self._idle[dept]), mine[0])
        member.leaving = True
        if member.counter in self._idle[dept]:
            self._close(t, member)

    # ---- doing -----------------------------------------------------------------------
    def _arrive_staff(self, t: float, member: Member) -> None:
        counter = member.counter
        dept = self.config.counters[counter].department
        self._handle("open_counter", m.OpenCounter, t, counter=counter, staff="pool")
        self.counters.setdefault(counter, CounterRecord(dept))
        self._idle[dept].append(counter)
        self._wake(t, dept)

    def _close(self, t: float, member: Member) -> None:
        counter = member.counter
        dept = self.config.counters[counter].department
        if counter in self._idle[dept]:
            self._idle[dept].remove(counter)
        self._handle("close_counter", m.CloseCounter, t, counter=counter, staff="pool")
        member.counter, member.leaving, member.free_at = None, False, t + MOVE_S

    def _free(self, t: float, counter: str) -> None:
        member = next((p for p in self.pool if p.counter == counter and p.leaving), None)
        if member is None:
            super()._free(t, counter)
            return
        self._release(t, counter)
        self._close(t, member)

