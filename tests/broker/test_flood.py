"""A flood of requests at the real queue service on the production broker configuration:
every request gets an answer (its result, a refusal, or an explicit `busy`), none is
dropped on the way, and the refusals do not flood the log."""

from __future__ import annotations

import json
import threading
import time
import uuid

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import messages as m
from protocol import topics
from protocol.codec import encode
from provisioning.sandbox import start_sandbox
from tests.broker.mqtt_probe import Probe
from tests.broker.service_process import start_queue_service

SITE = "isesaki"
FLOOD = 6000


def test_a_flood_is_answered_in_full_and_logged_in_a_few_lines(tmp_path):
    site = start_sandbox(tmp_path / "site", roles=("issuer",))
    service = start_queue_service(site, tmp_path / "service")
    bundle = site.bundles["issuer"]
    issuer = Probe(site.plain_port, bundle.username, bundle.password)
    answers: dict[bytes, dict] = {}
    lock = threading.Lock()

    def on_message(client, userdata, msg) -> None:
        with lock:
            answers[msg.properties.CorrelationData] = json.loads(msg.payload)

    issuer.client.on_message = on_message
    try:
        issuer.subscribe(topics.response(SITE, "issuer-1"))
        for i in range(FLOOD):
            props = Properties(PacketTypes.PUBLISH)  # paho may pack it later: one each
            props.ResponseTopic = topics.response(SITE, "issuer-1")
            props.MessageExpiryInterval = 120
            props.CorrelationData = f"{i:08d}".encode()
            if i % 3 == 0:  # malformed: each is refused, and would be logged
                command, payload = "issue", b'{"v": 1, "request_id": "flood-bad", "x": [}'
            else:
                command, payload = "get_visit", encode(m.GetVisit(request_id=uuid.uuid4().hex,
                                                                  number=i))
            issuer.client.publish(topics.request(SITE, "issuer-1", command), payload, qos=1,
                                  properties=props)
        seen, still = -1, time.monotonic()
        while len(answers) < FLOOD and time.monotonic() - still < 30:
            time.sleep(0.5)
            if len(answers) != seen:
                seen, still = len(answers), time.monotonic()
        codes: dict[str, int] = {}
        for a in answers.values():
            key = "ok" if a["ok"] else a["error"]["code"]
            codes[key] = codes.get(key, 0) + 1
        print(f"\nflood of {FLOOD}: unanswered {100 * (FLOOD - len(answers)) / FLOOD:.1f}%, {codes}")
        assert len(answers) == FLOOD
        assert set(codes) <= {"ok", "unknown_visit", "malformed", "busy"}
    finally:
        issuer.close()
        service.terminate()
        service.wait(10)
        site.stop()
    log = (tmp_path / "service" / "service.log").read_text()
    refusal_lines = [line for line in log.splitlines() if "refused" in line]
    print(f"service log: {len(log)} bytes, {len(refusal_lines)} refusal lines")
    assert 1 <= len(refusal_lines) <= 10
