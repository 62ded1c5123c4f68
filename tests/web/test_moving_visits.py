"""Flexible routing end to end: commands over MQTT (real Mosquitto), the retained visit
status, and the citizen's phone page all send a mover to the quicker department."""

from __future__ import annotations

from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, new_request_id
from tests.queue_service.test_service import Watcher
from tests.web.conftest import counter_command, issue, sign_in
from tests.web.test_staff_pages import act, choose_counter

SITE = "isesaki"


def ask(c: ServiceClient, command: str, **fields) -> dict:
    r = c.request(command, m.COMMANDS[command](request_id=new_request_id(), **fields))
    assert r.ok, r.error
    return r.result.model_dump()


def test_a_mover_is_sent_to_the_quicker_of_two_free_departments(broker, service, client):
    desk = ServiceClient(SITE, "counter-01", broker.host, broker.port)
    issuer = ServiceClient(SITE, "issuer-east", broker.host, broker.port)
    assert desk.start(wait=10) and issuer.start(wait=10)
    try:
        for c in ("c01", "c09", "c11"):
            ask(desk, "open_counter", counter=c)
        # listed 国保 first; both 国保 and 年金 are free, 年金's seats are nearer
        issued = ask(issuer, "issue", issuing_point="east",
                     procedures=["tennyu", "kokuho_kanyu", "nenkin"])
        number, token = issued["number"], issued["token"]
        assert [s["procedure"] for s in issued["visit"]["steps"]] == [
            "tennyu", "kokuho_kanyu", "nenkin"]
        assert ask(desk, "call_next", counter="c01")["visit"]["number"] == number
        after = ask(desk, "finish", counter="c01")["visit"]
        assert after["department"] == "nenkin"
        watcher = Watcher(broker, topics.visit(SITE, number))
        try:
            _, payload, _ = watcher.wait(
                lambda t, p, r: m.VisitStatus.model_validate_json(p).department == "nenkin")
        finally:
            watcher.close()
        status = m.VisitStatus.model_validate_json(payload)
        assert [s.procedure for s in status.steps if s.state == "waiting"] == ["nenkin", "kokuho_kanyu"]
        page = client.get(f"/v/{token}").text
        assert '<p class="where"><b>年金医療課</b>' in page and "11番窓口" in page
    finally:
        desk.stop()
        issuer.stop()


def test_the_console_sends_the_citizen_where_the_service_routed_it(client, service, accounts):
    for c in ("c09", "c11"):
        counter_command(service, "open_counter", c)
    for _ in range(3):  # 国保 has a line; 年金 is free
        issue(service, "kokuho_soshitsu")
    counter_command(service, "call_next", "c09")
    ticket = issue(service, "tennyu", "kokuho_kanyu", "nenkin")
    sign_in(client, "tanaka")
    csrf = choose_counter(client, "c01")
    act(client, "open_counter", csrf)
    act(client, "call_next", csrf)
    r = act(client, "finish", csrf).json()
    assert r["message"] == (f"{ticket['number']}番: 次は年金医療課へご案内ください。\n"
                            f"Number {ticket['number']}: please send them to "
                            "Pension and Medical Care Division.")
    data = client.get(f"/api/v/{ticket['token']}").json()
    assert data["department"] == "nenkin"
