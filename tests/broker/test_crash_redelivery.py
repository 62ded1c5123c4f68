"""kill -9 of the real queue service under load, on the production broker configuration:
every request delivered before the crash is answered after the restart, once per number."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import topics
from protocol.codec import encode
from protocol.messages import IssueRequest
from provisioning.sandbox import start_sandbox
from tests.broker.mqtt_probe import Probe
from tests.broker.service_process import start_queue_service

SITE = "isesaki"
REQUESTS = 400


def test_requests_in_flight_at_a_kill_are_answered_after_the_restart(tmp_path):
    site = start_sandbox(tmp_path / "site", roles=("issuer",))
    service = start_queue_service(site, tmp_path / "service")
    bundle = site.bundles["issuer"]
    issuer = Probe(site.plain_port, bundle.username, bundle.password)
    answers: dict[str, list[dict]] = {}
    lock = threading.Lock()

    def on_message(client, userdata, msg) -> None:
        body = json.loads(msg.payload)
        with lock:
            answers.setdefault(body["request_id"], []).append(body)

    issuer.client.on_message = on_message
    try:
        issuer.subscribe(topics.response(SITE, "issuer-1"))
        ids = [f"crash-{i:05d}-{uuid.uuid4().hex[:8]}" for i in range(REQUESTS)]
        for n, rid in enumerate(ids):
            props = Properties(PacketTypes.PUBLISH)  # paho may pack it later: one each
            props.ResponseTopic = topics.response(SITE, "issuer-1")
            props.MessageExpiryInterval = 120  # long enough to survive the restart
            props.CorrelationData = rid.encode()
            issuer.client.publish(topics.request(SITE, "issuer-1", "issue"), encode(IssueRequest(
                request_id=rid, issuing_point="east", procedures=["tennyu"])), qos=1,
                properties=props)
            if n == REQUESTS // 4:
                while not answers:  # the service is busy answering: kill it mid-flood
                    time.sleep(0.001)
        service.send_signal(signal.SIGKILL)
        service.wait(10)
        with lock:
            before_restart = len(answers)
        service = start_queue_service(site, tmp_path / "service")
        deadline = time.monotonic() + 60
        while len(answers) < REQUESTS and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        unanswered = [rid for rid in ids if rid not in answers]
        print(f"\nanswered before the kill: {before_restart}/{REQUESTS}; "
              f"unanswered after the restart: {len(unanswered)}")
        assert unanswered == []
        numbers = {}
        for rid, bodies in answers.items():
            assert all(b["ok"] for b in bodies)
            assert len({b["result"]["number"] for b in bodies}) == 1  # a repeat is the same answer
            numbers[rid] = bodies[0]["result"]["number"]
        assert len(set(numbers.values())) == REQUESTS  # no number given to two requests
    finally:
        issuer.close()
        if service.poll() is None:
            os.kill(service.pid, signal.SIGTERM)
            service.wait(10)
        site.stop()
