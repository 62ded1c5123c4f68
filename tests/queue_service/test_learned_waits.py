"""The estimate learns what the counters really take: convergence from the configured
minutes, robustness to a service left open or started by mistake, a clerk's own speed,
ranges that widen where estimates were wrong, and learning kept across days."""

from __future__ import annotations

import itertools
import random

import pytest

from protocol import messages as m
from protocol.site import load_config
from queue_service.engine import QueueEngine
from queue_service.service import QueueService
from queue_service.service_times import ServiceTimes
from tests.queue_service.helpers import T0, Desk


def serve(desk: Desk, counter: str, procedure: str, minutes: float) -> None:
    """One citizen for `procedure`, served at `counter` in `minutes` (after a short walk)."""
    desk.issue(procedure)
    desk.call(counter)
    desk.later(0.5)
    desk.run("start", counter=counter)
    desk.later(minutes)
    desk.finish(counter)


def newcomer_wait(desk: Desk, procedure: str) -> float:
    """The wait shown to a newcomer behind one visit for `procedure` at a busy counter."""
    department = desk.engine.config.queue_department(procedure)
    return desk.engine.congestion(department, desk.now).estimated_wait_min


def test_a_procedure_configured_at_10_minutes_that_takes_20_is_learned_as_about_20():
    desk = Desk()
    assert desk.engine.config.procedures["tenkyo"].minutes == 10
    desk.open("c01")
    rng = random.Random(3)
    for _ in range(36):
        serve(desk, "c01", "tenkyo", 20 * rng.lognormvariate(-0.045, 0.3))
    e = desk.engine
    learned = e.service_times.minutes("tenkyo", e.clerk("c01"), e.hour(desk.now))
    assert 17 <= learned <= 23
    # and the wait shown behind one such visit (called, not yet started) says so
    desk.issue("tenkyo")
    desk.call("c01")
    behind = desk.issue("tenkyo")
    assert 17 <= desk.status(behind).estimated_wait_min <= 24


def test_a_service_left_open_an_hour_or_started_by_mistake_moves_the_estimate_little():
    desk = Desk()
    desk.open("c01")
    for _ in range(20):
        serve(desk, "c01", "tenkyo", 10)
    before = desk.engine.service_times.minutes("tenkyo")
    serve(desk, "c01", "tenkyo", 60)  # forgotten at the counter over lunch
    after_long = desk.engine.service_times.minutes("tenkyo")
    serve(desk, "c01", "tenkyo", 0.05)  # started and finished by mistake
    after_short = desk.engine.service_times.minutes("tenkyo")
    assert before == pytest.approx(10, rel=0.1)
    assert after_long / before < 1.08  # a plain mean of 21 services would say +24%
    assert after_short / after_long > 0.92


def test_a_slow_clerk_is_learned_apart_from_the_procedure():
    desk = Desk()
    desk.open("c01", "c02")
    for _ in range(30):
        serve(desk, "c01", "tenkyo", 14)
        serve(desk, "c02", "tenkyo", 7)
    st = desk.engine.service_times
    fast, slow = st.clerk_factor(desk.engine.clerk("c02")), st.clerk_factor(desk.engine.clerk("c01"))
    assert slow / fast > 1.4


def test_the_learning_survives_a_restart_and_carries_into_the_next_day(tmp_path):
    clock = [T0]
    ids = itertools.count(1)

    def service() -> QueueService:
        return QueueService(load_config(), tmp_path, clock=lambda: clock[0])

    def ask(svc: QueueService, command: str, **fields) -> None:
        r = svc.submit(command, m.COMMANDS[command](request_id=f"req-{next(ids):06d}", **fields))
        assert r.ok, r.error

    svc = service()
    svc.start()
    ask(svc, "open_counter", counter="c01")
    for _ in range(25):
        ask(svc, "issue", issuing_point="east", procedures=["tenkyo"])
        ask(svc, "call_next", counter="c01")
        clock[0] += 30
        ask(svc, "start", counter="c01")
        clock[0] += 20 * 60
        ask(svc, "finish", counter="c01")
    learned = svc.engine.service_times.minutes("tenkyo")
    assert learned > 14
    day = svc.engine.state.day
    svc.stop()
    # a restart the same day replays today's events: the same learning
    svc = service()
    assert svc.engine.service_times.minutes("tenkyo") == pytest.approx(learned)
    svc.start()
    svc.stop()
    # the next business day starts from yesterday's learning, not from the site file
    clock[0] += 24 * 3600
    svc = service()
    svc.start()
    assert svc.engine.state.day != day
    svc.stop()
    svc = service()
    assert svc.engine.service_times.minutes("tenkyo") == pytest.approx(learned, rel=0.01)
    svc.stop()
    # a new site starts from its configured minutes
    assert QueueEngine(load_config()).service_times.minutes("tenkyo") == pytest.approx(10)


def test_edited_site_minutes_restart_that_procedure_from_the_new_figure():
    st = ServiceTimes({"a": 10.0, "b": 5.0})
    for _ in range(30):
        st.observe("a", "c1:x", 10, 20.0)
        st.observe("b", "c1:x", 10, 10.0)
    again = ServiceTimes.from_summary({"a": 10.0, "b": 8.0}, st.summary())
    assert again.minutes("a") == pytest.approx(st.minutes("a"))
    assert again.procedures["b"].mean_min == pytest.approx(8.0)


def test_an_hour_not_seen_yet_goes_at_the_pace_of_the_hour_before_it():
    # The morning ran 30% slower than the procedure's usual: the next hour, before any
    # service is seen in it, is expected to run as slowly (not back at the usual pace),
    # and it moves from there once its own services are seen.
    st = ServiceTimes({"a": 10.0})
    for _ in range(60):
        st.observe("a", "c1:x", 9, 10.0)
    for _ in range(200):
        st.observe("a", "c1:x", 10, 13.0)
    ten = st.minutes("a", hour=10)
    assert ten > 11.5
    assert st.minutes("a", hour=11) == pytest.approx(ten)
    assert st.minutes("a", hour=15) == pytest.approx(ten)
    st.observe("a", "c1:x", 11, 13.0)
    assert st.minutes("a", hour=11) == pytest.approx(ten, rel=0.03)
    for _ in range(60):
        st.observe("a", "c1:x", 11, 8.0)
    assert st.minutes("a", hour=11) < 0.9 * ten
