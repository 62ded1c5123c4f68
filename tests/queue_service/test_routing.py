"""Moving between departments on the pure engine: order constraints, flexible routing,
arrival-aware calling and the bounded place (issue 12)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from queue_service.engine import QueueEngine

from .helpers import Desk


@pytest.fixture
def desk():
    return Desk()


def route(desk: Desk, number: int) -> list[tuple[str, str]]:
    return [(s.procedure, s.state) for s in desk.status(number).steps]


def test_order_constraints_are_respected_whatever_the_listing(desk):
    desk.open("c01", "c09", "c11")
    # listed insurance first: the resident registration still comes first
    n = desk.issue("kokuho_kanyu", "nenkin", "tennyu")
    assert desk.status(n).department == "sogo"
    assert desk.call("c09") is None and desk.call("c11") is None  # not before 転入届
    assert desk.call("c01") == n
    # おくやみ: 死亡届 first
    b = desk.issue("okuyami_sodan", "koki_korei", "shibou")
    assert route(desk, b)[0] == ("shibou", "waiting")


def test_a_moving_visit_is_not_called_before_it_can_be_there(desk):
    desk.open("c01", "c09", "c21")
    mover = desk.issue("tennyu", "kokuho_kanyu")
    assert desk.call("c01") == mover
    desk.later(15)
    assert desk.finish("c01")["department"] == "kokuho"
    # counter 1 (x 6, y 4) to 国保's seats (x 31.5, y 10): 31.5 m at 1.0 m/s
    assert desk.call("c09") is None
    desk.later(0.5)
    assert desk.call("c09") is None  # 30 s: still on the way
    desk.later(0.1)
    assert desk.call("c09") == mover
    # another floor: the walk to the lift and from it, plus the lift (60 s)
    up = desk.issue("tenkyo", "hoikusho")
    assert desk.call("c01") == up
    desk.later(10).finish("c01")
    desk.later(1.5)
    assert desk.call("c21") is None  # 90 s of 94
    desk.later(0.1)
    assert desk.call("c21") == up


def test_a_moving_visit_keeps_its_place_but_no_earlier_than_the_lead():
    base = Desk().engine.config
    assert base.routing.place_lead_minutes == 0  # shipped: a mover queues from its arrival
    desk = Desk(QueueEngine(replace(base, routing=replace(base.routing, place_lead_minutes=5))))
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")  # issued first
    assert desk.call("c01") == mover
    busy = desk.issue("kokuho_soshitsu")
    assert desk.call("c09") == busy  # keeps 国保 busy while the others line up
    desk.later(10)
    early = desk.issue("kokuho_kanyu")  # 10 min before the mover arrives: stays ahead
    desk.later(8)
    late = desk.issue("kokuho_kanyu")  # 2 min before it arrives: the mover goes first
    desk.later(2).finish("c01")
    desk.later(1)
    assert desk.status(mover).people_ahead == 1
    desk.finish("c09")
    assert desk.call("c09") == early
    desk.finish("c09")
    assert desk.call("c09") == mover
    desk.finish("c09")
    assert desk.call("c09") == late


def test_a_mover_goes_first_where_it_will_be_called_soonest(desk):
    desk.open("c01", "c09", "c11")
    mover = desk.issue("tennyu", "kokuho_kanyu", "nenkin")  # listed: 国保, then 年金
    assert desk.call("c01") == mover
    for _ in range(3):  # 国保 has a line, 年金 is free
        desk.issue("kokuho_soshitsu")
    assert desk.call("c09") is not None
    desk.later(15)
    after = desk.finish("c01")
    assert after["department"] == "nenkin" and after["state"] == "waiting"
    assert [(s["procedure"], s["state"]) for s in after["steps"]] == [
        ("tennyu", "done"), ("nenkin", "waiting"), ("kokuho_kanyu", "waiting")]
    assert desk.status(mover).department == "nenkin"
    desk.later(1)
    assert desk.call("c11") == mover
    desk.later(12)
    assert desk.finish("c11")["department"] == "kokuho"


def test_with_both_free_the_nearer_comes_first_unless_flexible_routing_is_off():
    base = Desk().engine.config
    fixed = replace(base, routing=replace(base.routing, flexible=False))
    # counter 1 to 年金's seats is 6 m, to 国保's 31.5 m: both free, 年金 calls sooner
    for config, expected in ((base, "nenkin"), (fixed, "kokuho")):
        d = Desk(QueueEngine(config))
        d.open("c01", "c09", "c11")
        n = d.issue("tennyu", "kokuho_kanyu", "nenkin")
        d.call("c01")
        assert d.finish("c01")["department"] == expected
        assert d.status(n).department == expected


def test_replaying_the_events_rebuilds_the_chosen_route(desk):
    desk.open("c01", "c09", "c11")
    mover = desk.issue("tennyu", "kokuho_kanyu", "nenkin")
    desk.call("c01")
    for _ in range(3):
        desk.issue("kokuho_soshitsu")
    desk.call("c09")
    desk.later(15).finish("c01")
    again = QueueEngine(desk.engine.config)
    for e in desk.events:
        again.apply(e)
    assert again.visit_status(again.visit_by_number(mover), desk.now) == desk.status(mover)
    assert again.visit_by_number(mover).current().callable_at == \
        desk.engine.visit_by_number(mover).current().callable_at


def test_with_the_shipped_lead_a_mover_queues_from_its_arrival(desk):
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")  # issued first
    assert desk.call("c01") == mover
    busy = desk.issue("kokuho_soshitsu")
    assert desk.call("c09") == busy
    desk.later(19.5)
    single = desk.issue("kokuho_kanyu")  # a minute before the mover arrives
    desk.later(0.5).finish("c01")
    desk.later(1).finish("c09")
    assert desk.call("c09") == single


def test_the_estimate_knows_a_mover_will_queue_behind_the_later_single(desk):
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")
    assert desk.call("c01") == mover
    desk.later(10)
    busy = desk.issue("kokuho_soshitsu")
    assert desk.call("c09") == busy
    desk.later(2)
    single = desk.issue("kokuho_kanyu")
    # c09 frees in 8.5 min; the mover arrives after the single was issued, so with the
    # shipped lead it will queue behind: the single waits for c09 only
    assert desk.status(single).estimated_wait_min == pytest.approx(8.5, abs=0.1)
