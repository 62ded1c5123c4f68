"""kill -9 between a trigger and its send: after the restart the notification arrives,
exactly once (the real service process, its SQLite files, Mosquitto, a push endpoint)."""

from __future__ import annotations

import sqlite3

import httpx

from demo.notify_site import site_file
from demo.processes import ServiceProcess
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id


def _deliveries(data_dir) -> list[tuple]:
    with sqlite3.connect(data_dir / "notify.db") as db:
        return db.execute("SELECT trigger, state FROM deliveries").fetchall()


def test_a_call_recorded_before_a_kill_is_sent_once_after_the_restart(broker, tmp_path, push_endpoint):
    config = site_file(tmp_path / "site.toml", channels=["webpush"], near_people=0, near_minutes=0,
                       retry_first_s=0.2, retry_max_s=0.5, give_up_after=1000,
                       webpush={"push_services": [f"http://127.0.0.1:{push_endpoint.port}"]})
    svc = ServiceProcess(broker, tmp_path / "service", config=config).start()
    clerk = ServiceClient("isesaki", "counter-c07", broker.host, broker.port)
    clerk.start()
    try:
        ticket = clerk.request("issue", m.IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["nozei"]), 10).result.model_dump()
        phone = push_endpoint.new_subscriber()
        r = httpx.post(f"{svc.web_url}/v/{ticket['token']}/notify/webpush",
                       json=phone.subscription(), timeout=10)
        assert r.json()["ok"]
        push_endpoint.refuse = 10**6  # the push service is in trouble: the send cannot happen
        for command in ("open_counter", "call_next"):
            assert clerk.request(command, m.COMMANDS[command](
                request_id=new_request_id(), counter="c07"), 10).ok
        push_endpoint.wait_for(lambda: push_endpoint.refused >= 1)
        svc.kill()
        assert _deliveries(svc.data_dir) == [("called:0", "pending")]
        assert push_endpoint.received == []

        push_endpoint.refuse = 0
        svc.start()
        got = push_endpoint.wait_for(lambda: push_endpoint.payloads(phone))
        assert [p["kind"] for p in got] == ["called"] and got[0]["counter_number"] == 7
        push_endpoint.wait_for(lambda: _deliveries(svc.data_dir) == [("called:0", "sent")])
        svc.stop()
        svc.start()  # the start looks at every subscribed visit again: still called, not re-sent
        clerk.request("issue", m.IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["nozei"]), 10)
        assert _deliveries(svc.data_dir) == [("called:0", "sent")]
        assert len(push_endpoint.received) == 1
    finally:
        clerk.stop()
        svc.stop()
