"""The whole secured site: the real queue service and appliances' agents through the real ACL."""

from __future__ import annotations

import threading

import pytest

from firmware.agent import DeviceAgent
from protocol import topics
from protocol.client import RequestRefused, new_request_id
from protocol.codec import decode
from protocol.messages import CallMessage, CallNext, IssueRequest, OpenCounter
from provisioning.sandbox import start_sandbox
from tests.broker.service_process import start_queue_service


@pytest.fixture
def site_with_service(tmp_path):
    site = start_sandbox(tmp_path / "site", roles=("issuer", "board", "counter", "certterm"))
    service = start_queue_service(site, tmp_path / "service")
    yield site
    service.terminate()
    service.wait(10)
    site.stop()


def test_devices_work_with_the_real_service_and_only_within_their_roles(site_with_service, tmp_path):
    site = site_with_service
    agents = {role: DeviceAgent(site.bundles[role], version="0.1.0", state_dir=tmp_path / role)
              for role in ("issuer", "board", "counter", "certterm")}
    calls: list[CallMessage] = []
    called = threading.Event()

    def on_call(topic: str, payload: bytes, retained: bool) -> None:
        call = decode(CallMessage, payload)
        calls.append(call)
        if call.kind == "call":
            called.set()

    agents["board"].client.subscribe(topics.all_calls("isesaki"), on_call)
    try:
        for agent in agents.values():
            assert agent.start(wait=5)
        issued = agents["issuer"].client.request("issue", IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["tennyu"]))
        assert issued.ok, issued.error
        counter = agents["counter"].client
        assert counter.request("open_counter", OpenCounter(request_id=new_request_id(), counter="c03")).ok
        answer = counter.request("call_next", CallNext(request_id=new_request_id(), counter="c03"))
        assert answer.ok, answer.error
        assert called.wait(5)
        live = [c for c in calls if c.kind == "call"]
        assert live and live[-1].number == issued.result.number

        # The certificate terminal may issue, but the broker refuses a call at once.
        with pytest.raises(RequestRefused, match="Not authorized"):
            agents["certterm"].client.request(
                "call_next", CallNext(request_id=new_request_id(), counter="c03"), timeout=5)
    finally:
        for agent in agents.values():
            agent.stop()
