"""The device agent on the production configuration: TLS, its own password, broker restarts."""

from __future__ import annotations

import time

import pytest

from firmware.agent import DeviceAgent
from protocol.codec import decode
from protocol.messages import DeviceStatus
from provisioning.sandbox import start_sandbox
from tests.broker.mqtt_probe import Probe


@pytest.fixture
def site(tmp_path):
    s = start_sandbox(tmp_path / "site", roles=("issuer",))
    yield s
    s.stop()


def admin_probe(site) -> Probe:
    creds = site.site.credentials("admin")
    return Probe(site.plain_port, creds["username"], creds["password"])


def test_agent_over_tls_with_a_client_certificate_survives_a_broker_restart(site, tmp_path):
    bundle = site.bundles["issuer"]
    assert bundle.client_cert_pem  # the sandbox enrols devices with certificates
    agent = DeviceAgent(bundle, version="0.3.0", state_dir=tmp_path / "agent", heartbeat_s=0.3)
    try:
        assert agent.start(wait=5)
        site.broker.restart(down_for=1.0)
        watcher = admin_probe(site)
        watcher.subscribe("madoguchi/isesaki/dev/issuer-1/#")
        # The broker sent the Last Will as it went down, so the device shows offline until
        # it reconnects (paho's backoff: 1 s, doubling up to 30 s) and is born again.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not latest(watcher, "status", "online"):
            time.sleep(0.1)
        status = latest(watcher, "status", "online")
        assert status is not None, "the agent was not born again after the broker restart"
        assert (status.boot, status.version) == (1, "0.3.0")  # same process: same boot
        assert agent.connected
        watcher.close()
    finally:
        agent.stop()


def latest(watcher: Probe, kind: str, state: str) -> DeviceStatus | None:
    found = [decode(DeviceStatus, m.payload) for m in watcher.messages
             if m.topic.endswith(f"/{kind}") and m.payload]
    return found[-1] if found and found[-1].state == state else None
