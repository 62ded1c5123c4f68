"""The request path of the real queue service on the production broker configuration:
answers go only where they belong, whatever a device puts in its request."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import topics
from protocol.client import new_request_id
from protocol.codec import encode
from protocol.messages import HandoverRequest, IssueRequest, OfflineVisit, OpenCounter
from provisioning.sandbox import start_sandbox
from tests.broker.mqtt_probe import Probe
from tests.broker.service_process import start_queue_service

SITE = "isesaki"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("hardening")
    site = start_sandbox(root / "site", roles=("issuer", "board", "counter", "certterm"))
    service = start_queue_service(site, root / "service")
    site.service_dir = root / "service"
    yield site
    service.terminate()
    service.wait(10)
    site.stop()


def device_probe(site, role: str) -> Probe:
    bundle = site.bundles[role]
    return Probe(site.plain_port, bundle.username, bundle.password)


def send_request(probe: Probe, device: str, command: str, payload: bytes,
                 response_topic: str | None = None) -> bytes:
    correlation = uuid.uuid4().bytes
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = response_topic or topics.response(SITE, device)
    props.CorrelationData = correlation
    props.MessageExpiryInterval = 10
    probe.client.publish(topics.request(SITE, device, command), payload, qos=1, properties=props)
    return correlation


def correlations(probe: Probe) -> set[bytes]:
    return {getattr(m.properties, "CorrelationData", None) for m in list(probe.messages)}


def test_answers_go_only_to_the_requesting_devices_own_res_topic(live):
    admin = live.site.credentials("admin")
    watcher = Probe(live.plain_port, admin["username"], admin["password"])
    issuer = device_probe(live, "issuer")
    try:
        watcher.subscribe(f"{topics.ROOT}/{SITE}/#")
        issuer.subscribe(topics.response(SITE, "issuer-1"))
        targets = [topics.site_config(SITE), topics.call(SITE, "c03"),
                   topics.device_command(SITE, "board-1"), topics.response(SITE, "counter-1"),
                   topics.service_status(SITE), topics.visit(SITE, 1), "elsewhere/x"]
        sent = {}
        for target in targets:
            request = IssueRequest(request_id=new_request_id(), issuing_point="east",
                                   procedures=["tennyu"])
            sent[send_request(issuer, "issuer-1", "issue", encode(request), target)] = target
        own = topics.response(SITE, "issuer-1")
        deadline = time.monotonic() + 10
        while len(correlations(issuer) & set(sent)) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert correlations(issuer) >= set(sent), "some requests got no answer on the own res"
        assert all(m.topic == own for m in issuer.messages)
        time.sleep(0.5)
        misplaced = [m.topic for m in watcher.messages
                     if getattr(m.properties, "CorrelationData", None) in sent and m.topic != own]
        assert misplaced == []
    finally:
        issuer.close()
        watcher.close()


def test_an_application_queued_for_an_offline_service_is_only_ciphertext_on_disk(tmp_path):
    """The broker keeps requests for the stopped service in its persistence file: the
    applicant in them must be sealed, and the directory the broker's alone."""
    from kiosk import floormap
    from kiosk.certterm import CertTermPresenter
    from protocol.client import ServiceClient, ServiceUnavailable
    from protocol.site import load_config

    site = start_sandbox(tmp_path / "site", roles=("certterm",))
    service = start_queue_service(site, tmp_path / "service")
    bundle = site.bundles["certterm"]
    client = ServiceClient(SITE, "certterm-1", port=site.plain_port, username=bundle.username,
                           password=bundle.password)
    try:
        config = load_config()
        terminal = CertTermPresenter(config, None, client, "center",
                                     floormap.resolve_here(config, "cert_terminal"))
        assert client.start()
        deadline = time.monotonic() + 10
        while terminal.seal_key is None and time.monotonic() < deadline:
            time.sleep(0.05)
        service.terminate()
        service.wait(10)
        terminal.set_copies("juminhyo", 1)
        terminal.to_identify()
        terminal.go_to("manual")
        terminal.enter_manual("伊勢崎 秘子", "イセサキ ヒミコ", "群馬県伊勢崎市今泉町九丁目99番地",
                              "1977-07-07", "female")
        request = terminal.application(new_request_id(), 1, terminal.lines())
        with pytest.raises(ServiceUnavailable):
            client.request("attach_application", request, timeout=1)
    finally:
        client.stop()
        if service.poll() is None:
            service.terminate()
    persistence = site.broker.persistence_dir
    site.stop()  # Mosquitto saves its state as it stops
    saved = b"".join(p.read_bytes() for p in persistence.iterdir())
    assert b"attach_application" in saved  # the request was kept for the service
    for secret in ("伊勢崎 秘子", "群馬県伊勢崎市今泉町九丁目", "1977-07-07"):
        assert secret.encode() not in saved
    assert persistence.stat().st_mode & 0o077 == 0


def ask(probe: Probe, device: str, command: str, request) -> dict:
    """Send one request as `device` and wait for its answer on the device's own res."""
    correlation = send_request(probe, device, command, encode(request))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in list(probe.messages):
            if getattr(message.properties, "CorrelationData", None) == correlation:
                return json.loads(message.payload)
        time.sleep(0.05)
    raise AssertionError(f"no answer to {command} from {device}")


def test_a_device_cannot_name_a_staff_member_and_its_requests_are_its_own(live):
    """No staff id reaches the audit trail from a device: the service signs staff in only
    on its web pages. A device naming one is refused; without one it is recorded as the
    device that asked."""
    issuer, counter = device_probe(live, "issuer"), device_probe(live, "counter")
    try:
        issuer.subscribe(topics.response(SITE, "issuer-1"))
        counter.subscribe(topics.response(SITE, "counter-1"))
        named = IssueRequest(request_id=new_request_id(), issuing_point="east",
                             procedures=["tennyu"], staff="admin")
        assert ask(issuer, "issuer-1", "issue", named)["error"]["code"] == "staff_not_signed_in"
        opened = OpenCounter(request_id=new_request_id(), counter="c03", staff="admin")
        assert ask(counter, "counter-1", "open_counter", opened)["error"]["code"] \
            == "staff_not_signed_in"
        offline = HandoverRequest(request_id=new_request_id(), visits=[OfflineVisit(
            request_id=new_request_id(), number=9001, issued_at=time.time(),
            issuing_point="east", procedures=["tennyu"], staff="1024")])
        assert ask(issuer, "issuer-1", "handover", offline)["error"]["code"] \
            == "staff_not_signed_in"
        plain = IssueRequest(request_id=new_request_id(), issuing_point="east",
                             procedures=["tennyu"])
        assert ask(issuer, "issuer-1", "issue", plain)["ok"]
    finally:
        issuer.close()
        counter.close()
    with sqlite3.connect(f"file:{live.service_dir / 'madoguchi.db'}?mode=ro", uri=True) as db:
        events = [json.loads(body) for (body,) in db.execute("SELECT body FROM events")]
        devices = dict(db.execute("SELECT request_id, device FROM responses"))
    assert [e.get("staff") for e in events if e.get("staff")] == []
    assert [e["type"] for e in events if e.get("request_id") == plain.request_id] \
        == ["visit_issued"]
    assert devices[plain.request_id] == "issuer-1"
    assert not {named.request_id, opened.request_id, offline.request_id} & set(devices)


def test_the_concierge_issuer_issues_with_its_staff_signed_in(live, tmp_path):
    """The issuer's PIN sign-in stays on the issuer (its audit table): what it sends the
    service names no staff, so a signed-in concierge issues as before."""
    from protocol.client import ServiceClient
    from protocol.site import load_config
    from ticketer.issuing import Intent, Issuer
    from ticketer.store import LocalStore

    bundle = live.bundles["issuer"]
    client = ServiceClient(SITE, "issuer-1", port=live.plain_port, username=bundle.username,
                           password=bundle.password)
    try:
        assert client.start()
        issuer = Issuer(client, LocalStore(tmp_path / "issuer.sqlite3"), load_config(), "east")
        issuer.sync()
        issued = issuer.issue(Intent(new_request_id(), ("tennyu",), None, (), "ja", "1024"))
    finally:
        client.stop()
    assert not issued.offline and issued.number > 0
