"""Issuing through the real queue service, and from leased numbers while it is away."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config
from ticketer.device import IssuerDevice
from ticketer.issuing import Intent, Issuer
from ticketer.printer import TicketPrinter
from ticketer.sim_printer import SimulatedPrinter
from ticketer.store import LocalStore

from .helpers import eventually


def _client(svc, device: str) -> ServiceClient:
    c = ServiceClient(svc.site, device, svc.broker.host, svc.broker.port,
                      request_expiry_s=4, keepalive=5)
    assert c.start()
    return c


@pytest.fixture
def issuer_client(queue_service):
    c = _client(queue_service, "issuer-east")
    yield c
    c.stop()


def intent(*procedures: str, staff: str | None = "1024") -> Intent:
    return Intent(new_request_id(), procedures, None, ("wheelchair",), "ja", staff)


def test_online_issue_and_a_retried_intent_gives_the_same_ticket(issuer_client, tmp_path):
    store = LocalStore(tmp_path / "i.sqlite3")
    issuer = Issuer(issuer_client, store, load_config(), "east")
    issuer.sync()
    assert issuer.service_online and issuer.numbers_left() == 20
    want = intent("tennyu", "kokuho_kanyu")
    first = issuer.issue(want)
    again = issuer.issue(want)
    assert not first.offline and again.repeated and again.number == first.number
    # the service itself answers a repeated request id with the first answer
    response = issuer_client.request("issue", m.IssueRequest(
        request_id=want.request_id, issuing_point="east", procedures=["tennyu"]))
    assert response.result.number == first.number
    assert first.ticket["url"].endswith("/v/" + response.result.token)
    assert [s["department"] for s in first.ticket["stops"]] == ["sogo", "kokuho"]


def _device(svc, tmp_path, settings, device: str, point: str, printer=None) -> IssuerDevice:
    s = replace(settings, device=device, issuing_point=point, data_dir=tmp_path / device)
    client = _client(svc, device)
    dev = IssuerDevice(s, load_config(), client, printer or TicketPrinter(SimulatedPrinter),
                       run=lambda task: task(), interval=0.2)
    dev.start()
    eventually(lambda: dev.issuer.service_online and dev.issuer.numbers_left() >= 20,
               what=f"{device} leased numbers")
    return dev


def test_offline_issuing_from_leased_numbers_and_handover_without_collisions(
        queue_service, tmp_path, settings):
    east = _device(queue_service, tmp_path, settings, "issuer-east", "east")
    west = _device(queue_service, tmp_path, settings, "issuer-west", "west")
    try:
        for dev in (east, west):
            assert dev.presenter.unlock_pin("1024", "4821").ok
        east.presenter.choose_life_event("tenshutsu")
        east.presenter.issue()
        online_number = east.presenter.last.number
        assert not east.presenter.last.offline

        queue_service.broker.stop()
        eventually(lambda: not east.presenter.service_online and not west.presenter.service_online,
                   what="issuers notice the broker is gone")
        assert "オフライン" in east.presenter.text("offline")
        offline: dict[str, list[int]] = {"east": [], "west": []}
        for dev, point in ((east, "east"), (west, "west"), (east, "east")):
            dev.presenter.next_citizen()
            dev.presenter.choose_life_event("shomei")
            dev.presenter.toggle_need("hearing")
            dev.presenter.issue()
            assert dev.presenter.last.offline and dev.presenter.notice.kind == "info"
            assert "オフライン" in dev.presenter.notice.text
            offline[point].append(dev.presenter.last.number)
        assert east.store.count_offline() == 2 and west.store.count_offline() == 1
        every = offline["east"] + offline["west"] + [online_number]
        assert len(set(every)) == len(every)

        queue_service.broker.start()
        for dev in (east, west):
            eventually(lambda d=dev: d.issuer.service_online and d.store.count_offline() == 0,
                       timeout=30, what="hand-over after the broker is back")
            assert dev.store.rejected_visits() == []
        probe = _client(queue_service, "issuer-center")
        try:
            for point, numbers in offline.items():
                for n in numbers:
                    r = probe.request("get_visit", m.GetVisit(request_id=new_request_id(), number=n))
                    assert r.ok, r.error
                    assert [s.procedure for s in r.result.visit.steps] == ["juminhyo"]
            # a reprint of an offline ticket now links to its visit's public page
            t = east.store.ticket_by_number(east.store.last_ticket().day, offline["east"][0])
            assert "/v/" in t.ticket["url"]
            r = probe.request("issue", m.IssueRequest(
                request_id=new_request_id(), issuing_point="center", procedures=["juminhyo"]))
            assert r.result.number not in every
        finally:
            probe.stop()
        audit = east.store.audit_log()
        assert [d for e, s, d in audit if e == "issue"] == [
            f"number {online_number}", f"number {offline['east'][0]} offline",
            f"number {offline['east'][1]} offline"]
        assert all(s == "1024" for e, s, _ in audit if e == "issue")
    finally:
        east.stop()
        west.stop()
        east.client.stop()
        west.client.stop()


def test_a_visit_the_service_refuses_at_hand_over_is_shown_until_acknowledged(
        issuer_client, tmp_path, settings, lock, printer):
    from ticketer.presenter import ConciergePresenter

    site = load_config()
    store = LocalStore(tmp_path / "i.sqlite3")
    issuer = Issuer(issuer_client, store, site, "east")
    # numbers this issuer believes leased but the service never leased to it
    # (e.g. its SQLite file was restored from another device)
    store.add_lease(site.business_day(time.time()), 2990, 2999)
    p = ConciergePresenter(settings, site, lock, issuer, printer, store)
    p.unlock_pin("1024", "4821")
    p.choose_life_event("konin")
    p.issue()  # the service has not been reached yet: offline, number 2990
    assert p.last.offline and p.last.number == 2990
    issuer.sync()
    assert p.rejected() == [(2990, "number 2990 was not leased to east")]
    assert "2990番" in p.text("rejected", items="2990番")
    p.acknowledge_rejected()
    assert p.rejected() == []
    assert ("handover_rejected_seen", "1024", "number 2990: number 2990 was not leased to east") \
        in store.audit_log()


def test_a_restarted_issuer_is_online_at_once_and_never_reissues_a_number(issuer_client, tmp_path):
    """A restarted issuer with numbers to spare used to stay 「オフライン」 until its next
    ticket; and numbers leased by a service whose store was since replaced were issued a
    second time from the issuer's file."""
    site = load_config()
    day = site.business_day(time.time())
    issued = [issuer_client.request("issue", m.IssueRequest(
        request_id=new_request_id(), issuing_point="center", procedures=["juminhyo"])
    ).result.number for _ in range(3)]
    store = LocalStore(tmp_path / "i.sqlite3")
    # this issuer's file holds a block the running service never leased to it
    store.add_lease(day, issued[0], issued[0] + 19)
    issuer = Issuer(issuer_client, store, site, "east")
    assert not issuer.service_online
    issuer.sync()  # what the device's sync loop runs right after a start
    assert issuer.service_online
    issuer.service_online = False  # the service goes away: issue from the lease
    for _ in range(3):
        ticket = issuer.issue(intent("juminhyo"))
        assert ticket.offline and ticket.number not in issued
        issued.append(ticket.number)
    assert len(set(issued)) == len(issued)
