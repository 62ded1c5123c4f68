"""The issuer under the firmware's device agent, on a real broker: health, the test_print
command, configuration from the service, and the retained issuer state."""

from __future__ import annotations

import threading

import pytest

from firmware.agent import DeviceAgent
from firmware.bundle import BrokerAddress, Bundle
from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import decode, encode
from protocol.messages import CommandResult, DeviceCommand, DeviceConfig, Health, IssuerState
from protocol.site import load_config
from ticketer.device import IssuerDevice
from ticketer.printer import TicketPrinter

from .helpers import eventually


class Listener:
    """Keeps the last message of each topic under a filter (through protocol.client)."""

    def __init__(self, broker, topic: str):
        self.last: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.client = ServiceClient("isesaki", "test-listener", broker.host, broker.port)
        self.client.subscribe(topic, self._got)
        assert self.client.start()

    def _got(self, topic: str, payload: bytes, retained: bool) -> None:
        with self._lock:
            self.last[topic] = payload

    def get(self, topic: str) -> bytes | None:
        with self._lock:
            return self.last.get(topic)


@pytest.fixture
def issuer(broker, tmp_path, settings, sim):
    bundle = Bundle(site="isesaki", device="issuer-east", role="issuer",
                    broker=BrokerAddress(host=broker.host, port=broker.port))
    agent = DeviceAgent(bundle, "0.1.0", tmp_path / "agent", heartbeat_s=0.3)
    device = IssuerDevice(settings, load_config(), agent.client, TicketPrinter(lambda: sim),
                          interval=0.2)
    device.attach_agent(agent)
    assert agent.start(wait=5)
    device.start()
    listener = Listener(broker, "madoguchi/isesaki/dev/issuer-east/#")
    yield device, agent, listener
    listener.client.stop()
    device.stop()
    agent.stop()


def test_heartbeats_report_the_printer_state(issuer, sim):
    listener = issuer[2]
    health_topic = topics.device_health("isesaki", "issuer-east")

    def printer_in_health(state):
        payload = listener.get(health_topic)
        return payload and decode(Health, payload).printer == state

    eventually(lambda: printer_in_health("ok"), what="health with printer ok")
    sim.cover_open = True
    eventually(lambda: printer_in_health("cover_open"), what="health with cover open")


def test_test_print_command_prints_a_sample_and_reports_a_printer_problem(issuer, sim):
    listener = issuer[2]
    result_topic = topics.device_command_result("isesaki", "issuer-east")

    def command(cid: str) -> CommandResult:
        listener.client.publish(topics.device_command("isesaki", "issuer-east"),
                                encode(DeviceCommand(command_id=cid, command="test_print")))
        eventually(lambda: (p := listener.get(result_topic)) and decode(CommandResult, p).command_id == cid,
                   what=f"result of {cid}")
        return decode(CommandResult, listener.get(result_topic))

    assert command("cmd-test-print-1").ok and sim.tickets == 1
    sim.paper = "out"
    failed = command("cmd-test-print-2")
    assert not failed.ok and "paper_out" in failed.detail and sim.tickets == 1


def test_lock_state_is_published_retained_and_settings_come_from_the_service(issuer):
    device, _, listener = issuer
    state_topic = topics.device_state("isesaki", "issuer-east")

    def lock_is(value):
        payload = listener.get(state_topic)
        return payload and decode(IssuerState, payload).lock == value

    eventually(lambda: lock_is("locked"), what="retained locked state")
    device._post(lambda: device.presenter.unlock_pin("1024", "4821"))
    eventually(lambda: lock_is("unlocked"), what="unlocked state")
    state = decode(IssuerState, listener.get(state_topic))
    assert state.service == "offline" and state.printer == "ok"  # no queue service running
    listener.client.publish(topics.device_config("isesaki", "issuer-east"), encode(DeviceConfig(
        device="issuer-east", role="issuer", name="東口 発券機",
        settings={"lock": {"idle_minutes": 0.01}})), retain=True)
    eventually(lambda: device.settings.lock.idle_minutes == 0.01, what="settings applied")
    eventually(lambda: lock_is("locked"), what="idle lock with the new setting")
    assert ("lock", "1024", "idle") in device.store.audit_log()
