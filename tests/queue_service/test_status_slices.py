"""The service's request path: visit statuses of a long line go out slice by slice between
requests and every retained status still ends up what the engine says; a failed commit
refuses its batch and the service goes on from what is on disk."""

from __future__ import annotations

import sqlite3
import threading
import time

from protocol import messages as m
from protocol import topics
from protocol.client import new_request_id
from protocol.codec import encode
from protocol.site import load_config
from queue_service.service import QueueService

from .helpers import T0

LINE = 300


class Retained:
    """A publisher that keeps the last payload of every retained topic, as the broker does."""

    def __init__(self):
        self.lock = threading.Lock()
        self.topics: dict[str, bytes] = {}

    def publish(self, topic: str, payload: bytes, retain: bool) -> None:
        if retain:
            with self.lock:
                self.topics[topic] = payload


def stale_statuses(svc: QueueService, broker: Retained) -> list[int]:
    """Numbers whose retained status differs from the engine's (or is missing)."""
    site = svc.config.id

    def now_shown(engine, now):
        return {v.number: encode(engine.visit_status(v, now)) for v in engine.state.visits.values()}

    expected = svc.read(now_shown)
    with broker.lock:
        return [n for n, body in expected.items() if broker.topics.get(topics.visit(site, n)) != body]


def wait_until_current(svc: QueueService, broker: Retained, timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (stale := stale_statuses(svc, broker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return stale


def test_a_long_line_keeps_every_retained_status_current(tmp_path):
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: T0)
    broker = Retained()
    svc.publisher = broker
    svc.start()
    try:
        for _ in range(LINE):
            r = svc.submit("issue", m.IssueRequest(request_id=new_request_id(),
                                                   issuing_point="east", procedures=["juminhyo"]))
            assert r.ok
        assert wait_until_current(svc, broker) == []
        first = m.VisitStatus.model_validate_json(broker.topics[topics.visit(svc.config.id, LINE)])
        assert first.people_ahead == LINE - 1

        # every call moves everyone up: each status changes, a pass over all of them
        assert svc.submit("open_counter", m.OpenCounter(request_id=new_request_id(),
                                                        counter="c05")).ok
        for _ in range(3):
            assert svc.submit("call_next", m.CallNext(request_id=new_request_id(),
                                                      counter="c05")).ok
            assert svc.submit("finish", m.FinishProcedure(request_id=new_request_id(),
                                                          counter="c05")).ok
        assert wait_until_current(svc, broker) == []
        last = m.VisitStatus.model_validate_json(broker.topics[topics.visit(svc.config.id, LINE)])
        assert last.people_ahead == LINE - 1 - 3
    finally:
        svc.stop()


def test_a_failed_commit_refuses_what_was_not_written_and_the_service_goes_on(tmp_path):
    """A commit that fails: its batch is refused (store_failed), the engine goes back to
    what is on disk, the retained state follows it, and the next requests are served."""
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: T0)
    broker = Retained()
    svc.publisher = broker
    svc.start()
    real_commit = svc.store.commit
    try:
        def issue() -> m.Response:
            return svc.submit("issue", m.IssueRequest(
                request_id=new_request_id(), issuing_point="east", procedures=["juminhyo"]))

        assert issue().result.number == 1

        def failing(batch):
            raise sqlite3.OperationalError("disk I/O error")

        svc.store.commit = failing
        refused = issue()
        assert not refused.ok and refused.error.code == "store_failed"
        svc.store.commit = real_commit
        assert issue().result.number == 2  # number 2 was never written: handed out now
        assert svc.read(lambda e, now: sorted(v.number for v in e.state.visits.values())) == [1, 2]
        assert wait_until_current(svc, broker) == []
    finally:
        svc.store.commit = real_commit
        svc.stop()
