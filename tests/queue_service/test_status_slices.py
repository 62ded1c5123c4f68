"""Visit statuses of a long line go out slice by slice between requests: every retained
status still ends up what the engine says, after calls that move everyone up."""

from __future__ import annotations

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
