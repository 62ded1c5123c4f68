"""Web Push end to end: the service's outbox, pywebpush with VAPID, and a local push
endpoint that checks the JWT signature and decrypts the payload (RFC 8291)."""

from __future__ import annotations

import os
import stat

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


def test_a_subscription_to_another_host_is_refused(notify_service):
    import pytest

    from queue_service.notify.notifier import NotifyError

    ticket = issue(notify_service, "nozei")
    with pytest.raises(NotifyError):
        subscribe(notify_service, ticket["token"], "webpush",
                  {"endpoint": "http://169.254.169.254/latest", "keys": {"p256dh": "x", "auth": "y"}})
