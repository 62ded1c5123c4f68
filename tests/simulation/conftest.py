"""A small busy day, simulated once per test session both ways (it takes well under a second)."""

from __future__ import annotations

import pytest

from benchmarks.sim_run import DayResult, simulate
from benchmarks.sim_scenario import DayPlan, make_citizens, plan_staffing, staffed_config
from protocol.site import load_config

SMALL_DAY = DayPlan("peak", 200, 3)


def run_small_day(mode: str, plan: DayPlan = SMALL_DAY) -> DayResult:
    base = load_config()
    citizens = make_citizens(base, plan)
    staffing = plan_staffing(base, citizens)
    return simulate(staffed_config(base, staffing), citizens, staffing, mode)


@pytest.fixture(scope="session")
def shared_day() -> DayResult:
    return run_small_day("shared")


@pytest.fixture(scope="session")
def separate_day() -> DayResult:
    return run_small_day("separate")
