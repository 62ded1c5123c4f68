"""A visit with the `hearing` need (e.g. a pager lent at the desk): the console warns that
the citizen may not hear the spoken call."""

from __future__ import annotations

from tests.web.conftest import csrf_of, issue, sign_in

FETCH = {"X-Requested-With": "fetch"}


def test_the_console_warns_when_the_called_citizen_may_not_hear(client, service, accounts):
    hearing = issue(service, "nozei", needs=["hearing"])
    issue(service, "nozei")
    sign_in(client, "tanaka")
    csrf = csrf_of(client, "/staff/counters")
    client.post("/staff/counters", data={"counter": "c07", "csrf_token": csrf})
    for action in ("open_counter", "call_next"):
        assert client.post(f"/staff/console/{action}", data={"csrf_token": csrf}, headers=FETCH).json()["ok"]
    page = client.get("/staff/console").text
    assert f'id="current-number">{hearing["number"]}<' in page
    assert ('id="hearing-alert" role="alert"><span class="ja">呼び出しの声が聞こえないことがあります。'
            in page)
    for action in ("finish", "call_next"):
        client.post(f"/staff/console/{action}", data={"csrf_token": csrf}, headers=FETCH)
    assert "hearing-alert" not in client.get("/staff/console").text
