"""The wait estimator: what a citizen is told at issue, built from the engine's live state."""

from __future__ import annotations

import pytest

from queue_service import estimator
from queue_service.estimator import QueueSnapshot
from queue_service.service_times import CALL_PRIOR_MIN as CALL_OVERHEAD_MIN
from tests.queue_service.helpers import Desk

pytestmark = pytest.mark.pure


@pytest.fixture
def desk():
    return Desk()


def wait(desk: Desk, number: int) -> float:
    return desk.status(number).estimated_wait_min


def test_no_wait_with_a_free_counter_and_unknown_with_none_open(desk):
    n = desk.issue("juminhyo")
    assert desk.engine.congestion("shimin", desk.now).estimated_wait_min is None
    desk.open("c05")
    assert wait(desk, n) == 0.0


def test_a_visit_ahead_counts_with_all_its_procedures_in_the_department(desk):
    desk.open("c01")
    first = desk.issue("tennyu", "jido_teate", "kodomo_iryo")  # 15 + 10 + 8 min at 総合窓口
    second = desk.issue("tenkyo")
    assert desk.call("c01") == first
    third = desk.issue("tenkyo")
    # the second waits for all three procedures of the first, not one average service
    assert wait(desk, second) == pytest.approx(15 + 10 + 8 + CALL_OVERHEAD_MIN, abs=0.1)
    # the third also waits for the second's 転居届 (10 min)
    assert wait(desk, third) == pytest.approx(33.5 + 10 + CALL_OVERHEAD_MIN, abs=0.1)
    desk.later(20)
    # 13.5 min of its expected 33.5 are left on average, and more given it has lasted 20
    assert 13.5 < wait(desk, second) < 17


def test_a_visit_coming_from_another_department_with_an_earlier_place_counts():
    from dataclasses import replace

    from queue_service.engine import QueueEngine

    base = Desk().engine.config  # a site where movers keep their place (lead of 5 min)
    desk = Desk(QueueEngine(replace(base, routing=replace(base.routing, place_lead_minutes=5))))
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")  # 総合窓口, then 国民健康保険課
    assert desk.call("c01") == mover
    desk.later(10)
    busy_kokuho = desk.issue("kokuho_soshitsu")
    assert desk.call("c09") == busy_kokuho
    desk.later(2)
    single = desk.issue("kokuho_kanyu")
    # c09 is free in 8.5 min; by then the mover (3.5 min more at 総合窓口, 1 min walk)
    # is at 国保 with an earlier place in line and takes the counter for 12.5 min
    assert wait(desk, single) == pytest.approx(8.5 + 12.5, abs=0.1)

    naive = estimator.naive_wait_minutes(desk.status(single).people_ahead, 1,
                                         desk.engine.mean_service_minutes("kokuho"))
    assert naive == 0.0  # nobody is waiting at 国保 yet: the naive estimate promises no wait


def test_a_visit_elsewhere_that_arrives_after_the_counter_frees_does_not_count(desk):
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")
    assert desk.call("c01") == mover
    assert desk.call("c09") is None
    single = desk.issue("kokuho_kanyu")
    assert wait(desk, single) == 0.0  # called long before the mover is done at 総合窓口


def test_a_later_visit_elsewhere_does_not_count(desk):
    desk.open("c09")
    single = desk.issue("kokuho_kanyu")
    assert desk.call("c09") == single
    waiting = desk.issue("kokuho_soshitsu")
    desk.open("c01")
    mover = desk.issue("tennyu", "kokuho_kanyu")
    assert desk.call("c01") == mover
    # the mover was issued after: it will queue behind, so the estimate ignores it
    assert wait(desk, waiting) == pytest.approx(12 + CALL_OVERHEAD_MIN, abs=0.1)


def test_counters_are_dealt_jobs_in_order():
    # two idle counters: the jobs start at 0, 0 and 4 (the counter of the short one);
    # the next is called at 10, when the first counter is free again
    assert estimator.start_times(2, (), (10.0, 4.0, 10.0)) == [0.0, 0.0, 4.0, 10.0]
    arriving = QueueSnapshot(ahead_min=(), upstream=((3.0, 8.0), (40.0, 8.0)), busy=(),
                             counters_open=1)
    assert estimator.wait_minutes(arriving) == 0.0  # free now, before anyone arrives
    busy = QueueSnapshot(ahead_min=(), upstream=((3.0, 8.0), (40.0, 8.0)), busy=((10.0, 0.0),),
                         counters_open=1)
    # the first arrives while the counter is busy (10 min to go), then takes it for 8
    assert estimator.wait_minutes(busy) == pytest.approx(18.0, abs=0.05)


def test_a_visit_that_has_overrun_at_its_counter_still_has_a_good_part_to_go():
    # expected to take 10 minutes, there for 15 already: what is left of a service that
    # has lasted this long (log-normal service times), not a fixed fifth of it
    overran = QueueSnapshot(ahead_min=(), upstream=(), busy=((10.0, 15.0),), counters_open=1)
    assert 2.5 < estimator.wait_minutes(overran) < 5.0
    # and one just started has its whole expected time to go
    started = QueueSnapshot(ahead_min=(), upstream=(), busy=((10.0, 0.0),), counters_open=1)
    assert estimator.wait_minutes(started) == pytest.approx(10.0, abs=0.05)


def test_the_first_of_several_busy_counters_is_free_sooner_than_any_one_is_expected_to_be():
    alone = estimator.counters_free(1, ((10.0, 5.0),))[0]
    three = estimator.counters_free(3, ((10.0, 5.0),) * 3)
    assert three[0] < 0.8 * alone  # someone of three is done well before the typical one
    assert three == sorted(three)
    assert sum(three) == pytest.approx(3 * alone, rel=0.02)  # the work left is the same
