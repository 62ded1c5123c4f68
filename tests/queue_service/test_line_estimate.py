"""The line kept up to date as visits join it gives the waits a fresh dealing gives, and
asking for a wait does not read the whole line."""

from __future__ import annotations

import random

import pytest

from demo.simulators import draw_visit
from queue_service.line_estimate import DepartmentLine
from tests.queue_service.helpers import Desk


def fresh_waits(desk: Desk, department: str) -> dict[int, float]:
    e = desk.engine
    line = DepartmentLine(e.reader(desk.now), department, e.state.lines[department])
    return {e.state.visits[vid].number: line.wait_of(vid, desk.now)
            for _, vid in e.state.lines[department]}


def kept_waits(desk: Desk, department: str) -> dict[int, float]:
    e = desk.engine
    return {e.state.visits[vid].number: desk.status(e.state.visits[vid].number).estimated_wait_min
            for _, vid in e.state.lines[department]}


def test_visits_joining_one_by_one_get_the_waits_of_a_fresh_dealing():
    desk = Desk()
    rng = random.Random(5)
    desk.open("c01", "c02", "c05", "c09")
    for procedures in (["tennyu"], ["tenkyo"], ["juminhyo"], ["kokuho_kanyu"]):
        desk.issue(*procedures)
    for counter in ("c01", "c02", "c05", "c09"):
        desk.call(counter)  # every open counter busy: what is left to deal is the line
    for _ in range(40):
        _, procedures, needs = draw_visit(desk.engine.config, rng)
        desk.issue(*procedures, needs=needs)
        desk.later(0.02)  # a busy morning: 40 visits in under a minute
    # (within a few percent: a visit on its way here is timed from its place in the line
    # it joined, where a fresh dealing times it from the visits waiting there only; and a
    # counter past its expected time is not moved on until the line is dealt again)
    compared = 0
    for dept in ("sogo", "shimin", "kokuho"):
        fresh = fresh_waits(desk, dept)
        assert kept_waits(desk, dept) == {n: pytest.approx(w, rel=0.03, abs=0.06)
                                          for n, w in fresh.items()}
        compared += len(fresh)
    assert compared >= 30


def test_a_newcomer_is_dealt_from_the_counters_as_they_are_now():
    desk = Desk()
    desk.open("c05")
    desk.issue("juminhyo")
    desk.engine.congestion("shimin", desk.now)  # the line is dealt now...
    desk.later(30)  # ...and half an hour later the counter is still idle
    n = desk.issue("juminhyo")
    assert desk.status(n).estimated_wait_min == pytest.approx(5.5, abs=0.1)  # behind one, not 0


def test_asking_for_waits_does_not_read_the_line_again(monkeypatch):
    desk = Desk()
    desk.open("c05", "c06")
    for _ in range(200):
        desk.issue("juminhyo")
    desk.engine.congestion("shimin", desk.now)
    built = []
    original = DepartmentLine.__init__
    monkeypatch.setattr(DepartmentLine, "__init__",
                        lambda self, *a, **k: (built.append(1), original(self, *a, **k))[1])
    for _ in range(50):
        desk.issue("juminhyo")
        desk.engine.congestion("shimin", desk.now)
    assert built == []  # 50 more visits, each dealt on its own: no line read again
