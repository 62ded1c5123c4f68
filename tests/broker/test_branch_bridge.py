"""A branch office (支所) broker bridged to the main one, from the generated bridge section."""

from __future__ import annotations

import threading
import time

import pytest

from firmware.agent import DeviceAgent
from protocol import topics
from protocol.client import new_request_id
from protocol.codec import decode
from protocol.messages import CongestionMessage, DeviceStatus, IssueRequest
from provisioning.sandbox import start_sandbox
from tests.broker.mqtt_probe import Probe
from tests.broker.service_process import start_queue_service


@pytest.fixture
def main_and_branch(tmp_path):
    main = start_sandbox(tmp_path / "main")
    service = start_queue_service(main, tmp_path / "service")
    branch = start_sandbox(tmp_path / "yamakawa", roles=("issuer",))
    bridge = main.site.add_bridge(
        "yamakawa", main_host="localhost",
        cafile=main.site.broker_paths()["ca"])
    (branch.site.broker_dir / "conf.d" / "bridge-yamakawa.conf").write_text(bridge)
    branch.broker.restart()
    deadline = time.monotonic() + 10
    while "as bridge-yamakawa" not in main.broker.log_text():
        assert time.monotonic() < deadline, branch.broker.log_text()
        time.sleep(0.1)
    yield main, branch
    service.terminate()
    service.wait(10)
    branch.stop()
    main.stop()


def test_a_branch_issuer_issues_at_the_main_service_and_sees_its_state(main_and_branch, tmp_path):
    main, branch = main_and_branch
    agent = DeviceAgent(branch.bundles["issuer"], version="0.1.0", state_dir=tmp_path / "issuer")
    congestion: list[tuple[CongestionMessage, bool]] = []
    got = threading.Event()

    def on_congestion(topic: str, payload: bytes, retained: bool) -> None:
        congestion.append((decode(CongestionMessage, payload), retained))
        got.set()

    agent.client.subscribe(topics.all_congestion("isesaki"), on_congestion)
    try:
        assert agent.start(wait=5)
        # MQTT v5 request/response across the bridge: Response Topic and Correlation Data
        # survive both ways, so the branch device gets its own answer.
        answer = agent.client.request("issue", IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["tennyu"]), timeout=10)
        assert answer.ok, answer.error
        assert got.wait(10)  # the main service's retained congestion reached the branch

        admin = main.site.credentials("admin")
        watcher = Probe(main.plain_port, admin["username"], admin["password"])
        watcher.subscribe(topics.device_status("isesaki", "issuer-1"))
        deadline = time.monotonic() + 5
        while not watcher.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        watcher.close()
        # The branch device's birth is visible on the main broker, for the fleet list.
        assert decode(DeviceStatus, watcher.messages[-1].payload).state == "online"
    finally:
        agent.stop()

    # A board switched on later at the branch gets the state from the branch broker at once.
    later = Probe(branch.plain_port, "admin", branch.site.credentials("admin")["password"])
    later.subscribe(topics.all_congestion("isesaki"))
    deadline = time.monotonic() + 5
    while not later.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    later.close()
    assert later.messages and all(m.retain for m in later.messages)
