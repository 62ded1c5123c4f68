"""Zeroconf discovery on loopback: an appliance finds its site's broker without an address."""

from __future__ import annotations

import os

import pytest

from firmware.agent import BrokerAddress, DeviceAgent
from firmware.discovery import Advertisement, find_broker
from provisioning.sandbox import start_sandbox

LOOPBACK = ["127.0.0.1"]
# A site id of its own, so a broker advertised by anything else on this machine is not it.
SITE = f"zc{os.getpid()}"


@pytest.fixture(scope="session")
def advertised_site(tmp_path_factory):
    """A secured site whose broker is advertised by zeroconf (registration takes ~1.7 s)."""
    sandbox = start_sandbox(tmp_path_factory.mktemp("zeroconf"), site=SITE, roles=("board",),
                            discover=True)
    advert = Advertisement(SITE, sandbox.tls_port, addresses=LOOPBACK, interfaces=LOOPBACK)
    yield sandbox
    advert.close()
    sandbox.stop()


def test_the_site_broker_is_found_on_the_network(advertised_site):
    found = find_broker(SITE, timeout=5, interfaces=LOOPBACK)
    assert found is not None
    assert (found.host, found.port, found.tls) == ("127.0.0.1", advertised_site.tls_port, True)


def test_another_sites_broker_is_not_taken(advertised_site):
    assert find_broker("ibusuki", timeout=1, interfaces=LOOPBACK) is None


def test_an_agent_with_discovery_connects_over_tls_to_the_advertised_broker(advertised_site, tmp_path):
    bundle = advertised_site.bundles["board"]
    # The fixed address in the bundle is wrong on purpose: only discovery can succeed.
    lost = bundle.model_copy(update={"broker": BrokerAddress(
        host="192.0.2.1", port=1, discover=True, server_name=bundle.broker.server_name)})
    agent = DeviceAgent(lost, version="0.1.0", state_dir=tmp_path, discovery_interfaces=LOOPBACK)
    try:
        assert agent.start(wait=10)
        assert (agent.client.host, agent.client.port) == ("127.0.0.1", advertised_site.tls_port)
    finally:
        agent.stop()

