"""The service's request path over a real Mosquitto: every request, however malformed,
gets one answer with a known code (Hypothesis, bounded examples), and requests that make
no sense for the site are refused."""

from __future__ import annotations

import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import messages as m
from protocol import topics
from protocol.codec import encode
from protocol.site import load_config
from queue_service.mqtt_shell import MqttShell
from queue_service.service import QueueService

SITE = "isesaki"
DEVICE = "fuzz-1"


class Device:
    """A raw MQTT v5 device: sends any bytes as a request and waits for the answer."""

    def __init__(self, broker):
        self.answers: dict[bytes, bytes] = {}
        self.cond = threading.Condition()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=DEVICE,
                                  protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port)
        self.client.subscribe(topics.response(SITE, DEVICE), qos=1)
        self.client.loop_start()

    def _on_message(self, client, userdata, msg) -> None:
        with self.cond:
            self.answers[getattr(msg.properties, "CorrelationData", b"")] = msg.payload
            self.cond.notify_all()

    def ask(self, command: str, payload: bytes) -> dict:
        correlation = uuid.uuid4().bytes
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = topics.response(SITE, DEVICE)
        props.CorrelationData = correlation
        self.client.publish(topics.request(SITE, DEVICE, command), payload, qos=1, properties=props)
        with self.cond:
            assert self.cond.wait_for(lambda: correlation in self.answers, 10), \
                f"no answer to {command} {payload[:80]!r}"
            return json.loads(self.answers.pop(correlation))

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture(scope="module")
def device(tmp_path_factory):
    from demo.broker import LocalBroker

    root = tmp_path_factory.mktemp("path")
    broker = LocalBroker(root / "broker").start()
    svc = QueueService(load_config(), root / "data")
    shell = MqttShell(svc, broker.host, broker.port)
    svc.start()
    shell.start()
    # A request published before the service first subscribed has no subscriber: the
    # broker drops it (a device retries). Ask only once the service serves.
    assert shell.sole.cleared.wait(10), "the service did not begin serving"
    d = Device(broker)
    d.svc = svc
    yield d
    d.close()
    shell.stop()
    svc.stop()
    broker.stop()


def known(answer: dict) -> bool:
    return answer["ok"] or answer["error"]["code"] in m.ERROR_CODES


leaves = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
          | st.sampled_from(["east", "tennyu", "c05", "juminhyo", "req-00000001"]))
documents = st.fixed_dictionaries(
    {"v": st.sampled_from([1, 1, 1, True, 1.0, "1", 2])},
    optional={k: st.recursive(leaves, lambda i: st.lists(i, max_size=3), max_leaves=6)
              for k in ("request_id", "issuing_point", "procedures", "counter", "number",
                        "life_event", "staff", "needs", "visits", "handover")})
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(st.sampled_from(sorted(m.COMMANDS) + ["no_such"]), documents, st.booleans())
def test_every_request_gets_one_answer_with_a_known_code(device, command, document, fresh_id):
    if fresh_id:
        document = {**document, "request_id": uuid.uuid4().hex}
    assert known(device.ask(command, json.dumps(document, allow_nan=True).encode()))


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_get_an_answer(device, payload):
    assert known(device.ask("issue", payload))


@pytest.mark.parametrize("payload", [
    b'{"v": 1, "request_id": "req-deep-0001", "procedures": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"v": 1, "request_id": "\\ud800-lone-surrogate", "issuing_point": "east"}',
    b'{"v": 1, "request_id": "req-huge-0001", "number": ' + b"7" * 4400 + b"}",
])
def test_the_probes_malformed_requests_are_answered(device, payload):
    answer = device.ask("issue", payload)
    assert not answer["ok"] and answer["error"]["code"] in ("malformed", "invalid", "too_large")


def issue(device, **fields) -> dict:
    body = {"v": 1, "request_id": uuid.uuid4().hex, "issuing_point": "east",
            "procedures": ["tennyu"], **fields}
    return device.ask("issue", json.dumps(body).encode())


def test_loose_requests_are_refused(device):
    assert issue(device, life_event="no_such_event")["error"]["code"] == "unknown_life_event"
    event = next(iter(device.svc.config.life_events))
    assert issue(device, life_event=event)["ok"]
    assert issue(device, procedures=["tennyu"] * 20)["error"]["code"] == "duplicate_procedure"
    assert issue(device, v=True)["error"]["code"] == "unsupported_version"
    assert issue(device, v=1.0)["error"]["code"] == "unsupported_version"


def test_a_device_cannot_name_a_staff_member_into_the_audit_trail(device):
    before = len(list(device.svc.store.events()))
    assert issue(device, staff="admin")["error"]["code"] == "staff_not_signed_in"
    assert len(list(device.svc.store.events())) == before


def test_requests_beyond_the_backlog_are_refused_busy_at_once(tmp_path, broker, monkeypatch):
    import queue_service.mqtt_shell as shell_module

    monkeypatch.setattr(shell_module, "BUSY_BACKLOG", 5)
    svc = QueueService(load_config(), tmp_path / "data")
    shell = MqttShell(svc, broker.host, broker.port)
    shell.start()  # the worker is not started: nothing leaves the backlog
    d = Device(broker)
    try:
        assert shell.sole.cleared.wait(10)  # subscribed and serving
        for _ in range(5):
            d.client.publish(topics.request(SITE, DEVICE, "get_visit"), encode(
                m.GetVisit(request_id=uuid.uuid4().hex, number=1)), qos=1)
        deadline = time.monotonic() + 10
        while svc.backlog() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        answer = d.ask("get_visit", encode(m.GetVisit(request_id=uuid.uuid4().hex, number=1)))
        assert answer["error"]["code"] == "busy"
        svc.start()
    finally:
        d.close()
        shell.stop()
        svc.stop()
