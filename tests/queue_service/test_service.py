"""The queue service process over a real Mosquitto, with its real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, ServiceUnavailable, new_request_id

SITE = "isesaki"


class Watcher:
    """A plain MQTT subscriber that records (topic, payload, retained)."""

    def __init__(self, broker, topic: str):
        self.seen: list[tuple[str, bytes, bool]] = []
        self.cond = threading.Condition()
        subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        assert subscribed.wait(10), "no SUBACK"

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.seen.append((msg.topic, msg.payload, bool(msg.retain)))
            self.cond.notify_all()

    def wait(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                hit = [s for s in self.seen if predicate(*s)]
                if hit:
                    return hit[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not seen in {timeout} s; saw {[s[0] for s in self.seen]}")
                self.cond.wait(left)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def client(broker, device: str) -> ServiceClient:
    c = ServiceClient(SITE, device, broker.host, broker.port)
    assert c.start(wait=10)
    return c


def event_count(svc) -> int:
    with sqlite3.connect(svc.data_dir / "madoguchi.db") as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def issued_numbers(svc) -> list[int]:
    with sqlite3.connect(svc.data_dir / "madoguchi.db") as db:
        rows = db.execute("SELECT body FROM events WHERE type = 'visit_issued'").fetchall()
    return [json.loads(r[0])["number"] for r in rows]


def issue(c: ServiceClient, *procedures: str, rid: str | None = None, point="east") -> m.Response:
    return c.request("issue", m.IssueRequest(request_id=rid or new_request_id(), issuing_point=point,
                                             procedures=list(procedures)))


@pytest.fixture
def issuer(broker, queue_service):
    c = client(broker, "issuer-east")
    yield c
    c.stop()


@pytest.fixture
def counter(broker, queue_service):
    c = client(broker, "counter-01")
    yield c
    c.stop()


def test_issue_publishes_the_visit_and_congestion(broker, queue_service, issuer):
    published = Watcher(broker, topics.visit(SITE, 1))
    r = issue(issuer, "tennyu", "kokuho_kanyu")
    assert r.ok and r.result.number == 1 and len(r.result.token) >= 20
    try:  # per-visit statuses are coalesced to once a second: wait until it went out
        published.wait(lambda t, p, r: t == topics.visit(SITE, 1))
    finally:
        published.close()
    w = Watcher(broker, f"madoguchi/{SITE}/#")
    try:
        _, payload, retained = w.wait(lambda t, p, r: t == topics.visit(SITE, 1))
        status = m.VisitStatus.model_validate_json(payload)
        assert retained and status.state == "waiting" and status.department == "sogo"
        assert r.result.token not in payload.decode()  # the QR token is never broadcast
        _, payload, _ = w.wait(lambda t, p, r: t == topics.congestion(SITE, "sogo"))
        assert m.CongestionMessage.model_validate_json(payload).waiting == 1
        _, payload, _ = w.wait(lambda t, p, r: t == topics.site_config(SITE))
        assert json.loads(payload)["site"]["id"] == SITE
        _, payload, _ = w.wait(lambda t, p, r: t == topics.service_status(SITE))
        assert m.ServiceStatus.model_validate_json(payload).state == "online"
    finally:
        w.close()


def test_a_repeated_request_returns_the_first_answer(queue_service, issuer):
    rid = new_request_id()
    first = issue(issuer, "juminhyo", rid=rid)
    again = issue(issuer, "juminhyo", rid=rid)
    assert first == again
    assert issued_numbers(queue_service) == [1]


def test_three_issuers_at_the_same_instant_never_collide(broker, queue_service):
    issuers = [client(broker, f"issuer-{p}") for p in ("east", "west", "center")]
    start = threading.Barrier(3)
    got: list[int] = []
    lock = threading.Lock()

    def run(c: ServiceClient, point: str):
        start.wait()
        for _ in range(40):
            n = issue(c, "juminhyo", point=point).result.number
            with lock:
                got.append(n)

    threads = [threading.Thread(target=run, args=(c, p)) for c, p in
               zip(issuers, ("east", "west", "center"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for c in issuers:
        c.stop()
    assert sorted(got) == list(range(1, 121))
    assert sorted(issued_numbers(queue_service)) == list(range(1, 121))


@pytest.mark.parametrize("command, payload, code", [
    ("issue", b"\x00garbage", "malformed"),
    ("issue", b'{"v": 9, "request_id": "req-00000001"}', "unsupported_version"),
    ("issue", b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": []}', "invalid"),
    ("issue", b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["warp"]}', "unknown_procedure"),
    ("call_next", b'{"v": 1, "request_id": "req-00000001", "counter": "c99"}', "unknown_counter"),
    ("teleport", b'{"v": 1, "request_id": "req-00000001"}', "unknown_command"),
    ("issue", b"{" + b" " * 20000 + b"}", "too_large"),
])
def test_bad_requests_get_a_reason_and_change_nothing(broker, queue_service, issuer, command, payload, code):
    issue(issuer, "juminhyo")
    before = event_count(queue_service)
    w = Watcher(broker, topics.response(SITE, "tester"))
    try:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        c.connect(broker.host, broker.port)
        c.loop_start()
        c.publish(topics.request(SITE, "tester", command), payload, qos=1).wait_for_publish(5)
        _, answer, _ = w.wait(lambda t, p, r: True)
        c.disconnect()
        c.loop_stop()
    finally:
        w.close()
    response = m.Response.model_validate_json(answer)
    assert not response.ok and response.error.code == code and response.error.reason
    assert event_count(queue_service) == before
    assert issue(issuer, "juminhyo").result.number == 2  # still serving


def test_a_call_reaches_subscribers_live_and_later_ones_retained(broker, queue_service, issuer, counter):
    number = issue(issuer, "juminhyo").result.number
    live = Watcher(broker, topics.all_calls(SITE))
    try:
        live.wait(lambda t, p, r: t == topics.call(SITE, "c05") and r)  # the idle retained state
        assert counter.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter="c05")).ok
        r = counter.request("call_next", m.CallNext(request_id=new_request_id(), counter="c05"))
        assert r.result.visit.number == number
        _, payload, retained = live.wait(lambda t, p, r: t.endswith("/c05") and b'"number":%d' % number in p)
        assert not retained and m.CallMessage.model_validate_json(payload).kind == "call"
    finally:
        live.close()
    late = Watcher(broker, topics.call(SITE, "c05"))
    try:
        _, payload, retained = late.wait(lambda t, p, r: True)
        assert retained and m.CallMessage.model_validate_json(payload).number == number
    finally:
        late.close()


def test_restart_resumes_numbers_queues_and_retained_state(broker, queue_service, issuer, counter):
    mover = issue(issuer, "tennyu", "kokuho_kanyu").result.number
    counter.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter="c01"))
    counter.request("call_next", m.CallNext(request_id=new_request_id(), counter="c01"))
    counter.request("finish", m.FinishProcedure(request_id=new_request_id(), counter="c01"))
    queue_service.stop()
    # wipe the broker's retained state too: the service must publish it again
    broker.stop()
    for f in broker.workdir.glob("*.db"):
        f.unlink()
    broker.start()
    queue_service.start()
    w = Watcher(broker, topics.visit(SITE, mover))
    try:
        _, payload, _ = w.wait(lambda t, p, r: p != b"")
        status = m.VisitStatus.model_validate_json(payload)
        assert status.department == "kokuho" and [s.state for s in status.steps] == ["done", "waiting"]
    finally:
        w.close()
    deadline = time.monotonic() + 10
    while not issuer.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert issue(issuer, "juminhyo").result.number == mover + 1


def test_kill_9_in_the_middle_of_a_load_loses_and_duplicates_nothing(broker, queue_service):
    c = client(broker, "issuer-east")
    answered: dict[str, int] = {}
    stop = threading.Event()

    def load():
        while not stop.is_set():
            rid = new_request_id()
            while rid not in answered:  # a real issuer retries with the same request id
                try:
                    answered[rid] = issue(c, "juminhyo", rid=rid).result.number
                except ServiceUnavailable:
                    time.sleep(0.2)

    t = threading.Thread(target=load)
    t.start()
    deadline = time.monotonic() + 20
    while len(answered) < 60 and time.monotonic() < deadline:
        time.sleep(0.02)
    queue_service.kill()
    time.sleep(0.5)
    queue_service.start()
    target = len(answered) + 60
    while len(answered) < target and time.monotonic() < deadline + 30:
        time.sleep(0.05)
    stop.set()
    t.join(30)
    c.stop()
    numbers = sorted(answered.values())
    assert len(numbers) >= 120
    assert numbers == list(range(1, len(numbers) + 1))  # every answer unique, no gap
    assert sorted(issued_numbers(queue_service)) == numbers  # and every one is on disk
