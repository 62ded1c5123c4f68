"""Web Push end to end: the service's outbox, pywebpush with VAPID, and a local push
endpoint that checks the JWT signature and decrypts the payload (RFC 8291)."""

from __future__ import annotations

import os
import stat

from protocol import messages as m
from protocol.client import new_request_id

from .conftest import command, issue, subscribe


def test_a_call_reaches_the_subscribed_phone_once_with_the_counter_and_no_name(
        notify_service, push_endpoint, tmp_path):
    svc = notify_service
    phone = push_endpoint.new_subscriber()
    ticket = issue(svc, "nozei")
    assert subscribe(svc, ticket["token"], "webpush", phone.subscription()) == ["webpush"]
    # Nobody ahead: the "near" message goes at once.
    near = push_endpoint.wait_for(lambda: push_endpoint.payloads(phone))[0]
    assert near["kind"] == "near" and near["number"] == ticket["number"]
    assert "まもなく" in near["title"] and "あと0人" in near["body"]

    command(svc, "open_counter", "c07")
    command(svc, "call_next", "c07")
    got = push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 2 and
                                 push_endpoint.payloads(phone))
    called = got[1]
    assert called["kind"] == "called" and called["counter_number"] == 7
    assert called["title"] == f"{ticket['number']}番のかた お呼びしています"
    assert "7番窓口" in called["body"]
    # A recall is the same trigger: nothing more is sent.
    command(svc, "recall", "c07")
    command(svc, "finish", "c07")
    issue(svc, "nozei")  # another batch, another look at the subscribed visits
    assert [p["kind"] for p in push_endpoint.payloads(phone)] == ["near", "called"]
    received = push_endpoint.received[-1]
    assert received["urgency"] == "high"
    assert received["vapid"]["claims"]["sub"] == "mailto:madoguchi@city.isesaki.example"
    # The VAPID key was made at first start, readable by the service's user only.
    key = tmp_path / "data" / "vapid.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    rows = svc.notifier.store.deliveries()
    assert {(r["trigger"], r["state"]) for r in rows} == {("near:0", "sent"), ("called:0", "sent")}


def test_a_visit_issued_in_portuguese_is_told_in_japanese_and_portuguese(
        notify_service, push_endpoint):
    svc = notify_service
    phone = push_endpoint.new_subscriber()
    ticket = issue(svc, "nozei", "kokuho_kanyu", language="pt")
    subscribe(svc, ticket["token"], "webpush", phone.subscription())
    command(svc, "open_counter", "c07")
    command(svc, "call_next", "c07")
    command(svc, "finish", "c07")  # routed on to 国民健康保険課
    near, called, routed = push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 3
                                                  and push_endpoint.payloads(phone))
    n = ticket["number"]
    assert near["title"] == f"{n}番のかた まもなく順番です / Nº {n}: sua vez está chegando"
    assert near["body"].splitlines()[0].startswith("市民税課")  # Japanese first
    assert "0 pessoas na sua frente" in near["body"].splitlines()[1]
    assert called["title"] == f"{n}番のかた お呼びしています / Nº {n}: é a sua vez"
    ja, pt = called["body"].splitlines()
    assert "7番窓口" in ja and pt.startswith("Dirija-se ao Guichê 7")
    assert routed["title"].startswith(f"{n}番のかた 次は国民健康保険課です / Nº {n}: a seguir, ")
    assert "国民健康保険課" not in routed["title"].split(" / ")[1]  # the department in Portuguese


def test_routed_on_gets_one_next_message_and_the_cap_holds(notify_service, push_endpoint):
    svc = notify_service
    phone = push_endpoint.new_subscriber()
    ticket = issue(svc, "nozei", "kokuho_kanyu")
    subscribe(svc, ticket["token"], "webpush", phone.subscription())
    command(svc, "open_counter", "c07")
    command(svc, "call_next", "c07")
    command(svc, "finish", "c07")  # routed on to 国民健康保険課
    got = push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 3 and
                                 push_endpoint.payloads(phone))
    assert [p["kind"] for p in got] == ["near", "called", "next"]
    assert "国民健康保険課" in got[2]["title"] and "あと0人" in got[2]["body"]
    command(svc, "open_counter", "c09")
    command(svc, "call_next", "c09")  # a fourth message would pass max_messages = 3
    issue(svc, "nozei")
    assert len(push_endpoint.payloads(phone)) == 3


def test_a_push_service_in_trouble_is_retried_and_does_not_hold_up_the_queue(
        notify_service, push_endpoint):
    svc = notify_service
    push_endpoint.refuse = 3
    phone = push_endpoint.new_subscriber()
    ticket = issue(svc, "nozei")
    subscribe(svc, ticket["token"], "webpush", phone.subscription())
    near = push_endpoint.wait_for(lambda: push_endpoint.payloads(phone))
    assert len(near) == 1
    # the sender records the delivery once the push service has answered it
    push_endpoint.wait_for(lambda: svc.notifier.store.deliveries()[0]["state"] != "pending")
    row = svc.notifier.store.deliveries()[0]
    assert row["state"] == "sent" and row["attempts"] == 4


def test_a_served_visit_gets_nothing_more_and_an_expired_subscription_is_dropped(
        notify_service, push_endpoint):
    svc = notify_service
    command(svc, "open_counter", "c07")
    first = issue(svc, "nozei")
    second = issue(svc, "nozei")
    gone = push_endpoint.new_subscriber()
    del push_endpoint.subscribers[gone.endpoint.rsplit("/", 1)[-1]]  # the browser unsubscribed
    subscribe(svc, first["token"], "webpush", gone.subscription())
    push_endpoint.wait_for(lambda: svc.notifier.store.deliveries()[0]["state"] == "failed")
    assert svc.notifier.store.channels_of(svc.engine.visit_by_number(first["number"]).id) == []
    phone = push_endpoint.new_subscriber()
    subscribe(svc, second["token"], "webpush", phone.subscription())
    push_endpoint.wait_for(lambda: push_endpoint.payloads(phone))
    for _ in range(2):
        command(svc, "call_next", "c07")
        command(svc, "finish", "c07")
    issue(svc, "nozei")
    push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 2)
    triggers = [r["trigger"] for r in svc.notifier.store.deliveries() if r["visit"].endswith(
        f"{second['number']:05d}")]
    assert triggers == ["near:0", "called:0"]
    # Served: the phone's subscription is deleted at once, not only at the daily reset.
    second_id = svc.engine.visit_by_number(second["number"]).id
    push_endpoint.wait_for(lambda: svc.notifier.store.channels_of(second_id) == [])


def test_a_subscription_to_another_host_is_refused(notify_service):
    import pytest

    from queue_service.notify.notifier import NotifyError

    ticket = issue(notify_service, "nozei")
    with pytest.raises(NotifyError):
        subscribe(notify_service, ticket["token"], "webpush",
                  {"endpoint": "http://169.254.169.254/latest", "keys": {"p256dh": "x", "auth": "y"}})


def test_near_waits_until_few_are_ahead(push_endpoint, tmp_path):
    from queue_service.service import QueueService

    from .conftest import local_site

    svc = QueueService(local_site(push_endpoint.port, tmp_path=tmp_path, near_minutes=0),
                       tmp_path / "data")
    svc.start()
    try:
        tickets = [issue(svc, "nozei") for _ in range(6)]
        phone = push_endpoint.new_subscriber()
        subscribe(svc, tickets[-1]["token"], "webpush", phone.subscription())  # 5 ahead
        command(svc, "open_counter", "c07")
        command(svc, "call_next", "c07")
        command(svc, "finish", "c07")  # 4 ahead: not near
        svc.submit("get_visit", m.GetVisit(request_id=new_request_id(), number=tickets[-1]["number"]))
        assert svc.notifier.store.deliveries() == []
        command(svc, "call_next", "c07")  # 3 ahead: told at the next look (within a second or two)
        got = push_endpoint.wait_for(lambda: push_endpoint.payloads(phone), timeout=30)
        assert got[0]["kind"] == "near" and "あと3人" in got[0]["body"]
    finally:
        svc.stop()


def test_a_wait_under_m_minutes_counts_only_where_a_counter_is_open():
    from protocol.site import load_config
    from queue_service.notify.triggers import due

    config = load_config()
    status = m.VisitStatus(number=12, day="2026-03-30", state="waiting", issued_at=0.0,
                           department="shiminzei", people_ahead=8, estimated_wait_min=0.0,
                           steps=[m.StepStatus(procedure="nozei", name_ja="納税証明書",
                                               name_en="Tax", department="shiminzei",
                                               state="waiting")])
    assert due(config, status, set()) == []  # no wait range: no counter open
    near = status.model_copy(update={"estimated_wait_min": 8.0, "wait_min_low": 5,
                                     "wait_min_high": 10})
    assert [n.trigger for n in due(config, near, set())] == ["near:0"]
    assert due(config, near, {"near:0"}) == []
    assert due(config, near, {"a", "b"}) == []  # the last of 3 messages is kept for the call


def test_a_visit_passed_on_by_a_counter_is_told_where_to_go(notify_service, push_endpoint):
    svc = notify_service
    phone = push_endpoint.new_subscriber()
    ticket = issue(svc, "nozei")
    subscribe(svc, ticket["token"], "webpush", phone.subscription())
    command(svc, "open_counter", "c07")
    command(svc, "call_next", "c07")
    command(svc, "transfer", "c07", department="kokuho")
    got = push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 3 and
                                 push_endpoint.payloads(phone))
    assert [p["kind"] for p in got] == ["near", "called", "next"]
    assert got[2]["title"].endswith("次は国民健康保険課です")
