"""Staffing advice from a known building state (queue_service/staffing.py)."""

from __future__ import annotations

import pytest

from queue_service import staffing

from .helpers import Desk


@pytest.fixture
def desk():
    return Desk()


def texts(desk: Desk) -> list[str]:
    return [line.text_ja for line in staffing.advise(desk.engine, desk.now).lines]


def test_movers_still_at_the_one_stop_counter_call_for_a_counter_ahead_of_time(desk):
    for _ in range(4):  # four move-ins issued over half an hour ago
        desk.issue("tennyu", "kokuho_kanyu")
    desk.open("c01", "c02", "c03", "c09")
    desk.later(31)
    for c in ("c01", "c02", "c03"):
        desk.call(c)
    # 国保 is idle now, but in 16.5 minutes three 12-minute procedures arrive for one
    # counter, and the fourth mover (still in line at 総合窓口) some ten minutes later:
    # the second 10-minute slot would leave people waiting 27.5 minutes
    f = staffing.forecast(desk.engine, desk.now)["kokuho"]
    assert f.backlog_min == 0 and f.inflow_min[0] == 0
    assert f.inflow_min[1] == pytest.approx(3 * (12 + 0.5))
    assert f.inflow_min[2] == pytest.approx(12 + 0.5)
    assert f.waits(1)[1] == pytest.approx(37.5 - 10)
    assert "国民健康保険課: 10分後に窓口をあと1つ開けてください" in texts(desk)
    line = next(x for x in staffing.advise(desk.engine, desk.now).lines if x.department == "kokuho")
    assert (line.action, line.counters_open, line.counters_needed, line.in_min) == ("open", 1, 2, 10)


def test_a_long_line_now_asks_for_a_counter_at_once(desk):
    desk.open("c09")
    for _ in range(6):
        desk.issue("kokuho_soshitsu")
    assert "国民健康保険課: 今すぐ窓口をあと1つ開けてください" in texts(desk)


def test_an_idle_department_is_told_which_counter_can_close(desk):
    desk.open("c07", "c08", "c05")
    assert "市民税課(証明窓口): 8番窓口を閉じられます" in texts(desk)
    assert not any(t.startswith("市民課") for t in texts(desk))  # one counter: keep it


def test_the_arrivals_of_the_last_half_hour_continue(desk):
    desk.open("c05", "c06")
    for _ in range(12):  # 12 certificates in the last 10 minutes: 66 counter-minutes
        desk.issue("juminhyo")
        for c in ("c05", "c06"):
            if desk.engine.counter_visit(c) is None:
                desk.call(c)
        desk.later(10 / 12)
    f = staffing.forecast(desk.engine, desk.now)["shimin"]
    assert f.inflow_min[0] == pytest.approx(12 * 5.5 / 30 * 10)
