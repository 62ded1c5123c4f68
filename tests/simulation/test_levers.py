"""The levers of one shared number in the simulation: each switch really changes the
engine's rule, the staff pool moves and serves, 書かない shortens only later procedures."""

from __future__ import annotations

import math

import pytest

from benchmarks.sim_levers import Day, kakanai, levers, no_levers, versus
from benchmarks.sim_staffing import POOL
from protocol.site import load_config

from .conftest import SMALL_DAY


@pytest.fixture(scope="module")
def day() -> Day:
    return Day.make(load_config(), SMALL_DAY)


def test_no_levers_is_the_engine_as_first_built(day):
    off = no_levers(day.config).routing
    assert (off.flexible, off.arrival_aware, off.place_lead_minutes) == (False, False, math.inf)
    shipped = day.config.routing
    assert shipped.flexible and shipped.arrival_aware and shipped.place_lead_minutes < math.inf
    assert [lv.rule for lv in levers(day.config)][-3:] == ["reactive", "advice", "advice"]


@pytest.mark.parametrize("mode, rule", [("shared", "advice"), ("separate", "reactive")])
def test_the_pool_moves_and_every_visit_is_served(day, mode, rule):
    from benchmarks.sim_staffing import PooledDay

    sim = PooledDay(day.config, day.citizens, day.staffing, mode, rule)
    r = sim.run()
    assert all(v.done_at is not None for v in r.visits)
    assert not any(r.engine.state.waiting.values())
    planned = sum(day.staffing.values())
    assert len(r.counters) >= planned  # counters the pool opened count like any other
    assert len(sim.pool) == POOL
    if rule == "advice":
        assert sim.moves > 0  # a busy morning: the advice sends the pool somewhere


def test_kakanai_shortens_every_procedure_but_the_first(day):
    short = kakanai(day.citizens, 0.17)
    for a, b in zip(day.citizens, short):
        assert b.service_s[0] == a.service_s[0]
        assert all(y == pytest.approx(x * 0.83) for x, y in zip(a.service_s[1:], b.service_s[1:]))


def test_the_shipped_engine_beats_separate_tickets_on_total_waits(day):
    shipped = versus(day.run("shared"), day.run("separate"))
    as_built = versus(day.run("shared", no_levers(day.config)), day.run("separate"))
    assert shipped.total_wait_ratio < as_built.total_wait_ratio
    assert shipped.kind_ratios["insurance"] < as_built.kind_ratios["insurance"]
