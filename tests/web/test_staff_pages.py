"""Staff pages over HTTP against the real service: sign-in, roles, CSRF, console, audit."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, counter_command, csrf_of, issue, sign_in

FETCH = {"X-Requested-With": "fetch"}


def act(client, action: str, csrf: str, **fields):
    return client.post(f"/staff/console/{action}", data={"csrf_token": csrf, **fields},
                       headers=FETCH)


def choose_counter(client, counter: str) -> str:
    csrf = csrf_of(client, "/staff/counters")
    client.post("/staff/counters", data={"counter": counter, "csrf_token": csrf})
    return csrf


def test_staff_pages_need_sign_in(client):
    for path in ("/staff/console", "/staff/dashboard", "/staff/reports", "/staff/audit"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    assert client.post("/staff/console/call_next", headers=FETCH).status_code == 401


def test_sign_in_sets_a_protected_cookie_and_wrong_passwords_fail(client, accounts):
    r = sign_in(client, "tanaka", "not-the-password")
    assert r.headers["location"].startswith("/staff/login?error=bad")
    assert "職員IDまたはパスワードが違います" in client.get(r.headers["location"]).text
    r = sign_in(client, "tanaka")
    assert r.headers["location"] == "/staff/counters"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
    failed = [a for a in accounts.audit_log() if a["action"] == "login"]
    assert [(a["user"], a["ok"]) for a in failed] == [("tanaka", True), ("tanaka", False)]


def test_login_form_needs_its_csrf_token(client):
    r = client.post("/staff/login", data={"user": "tanaka", "password": PASSWORD},
                    follow_redirects=False)
    assert r.headers["location"] == "/staff/login?error=expired"
    assert client.get("/staff/console", follow_redirects=False).status_code == 303


def test_posts_without_the_session_csrf_token_change_nothing(client, service):
    sign_in(client, "tanaka")
    choose_counter(client, "c05")
    r = client.post("/staff/console/open_counter", data={"csrf_token": "forged"}, headers=FETCH)
    assert r.status_code == 403
    r = client.post("/staff/console/open_counter", headers=FETCH)
    assert r.status_code == 403
    assert service.read(lambda e, now: e.state.counters["c05"].open) is False


def test_roles_limit_what_each_staff_member_sees(client):
    sign_in(client, "tanaka")  # counter staff
    assert client.get("/staff/reports").status_code == 403
    assert client.get("/staff/dashboard").status_code == 403
    sign_in(client, "kato")  # concierge: sees the dashboard, cannot run a counter
    assert client.get("/staff/dashboard").status_code == 200
    assert client.get("/staff/console", follow_redirects=False).status_code == 403
    csrf = csrf_of(client)
    r = client.post("/staff/dashboard/counter", data={"counter": "c01", "open": "1",
                                                      "csrf_token": csrf}, headers=FETCH)
    assert r.status_code == 403
    sign_in(client, "suzuki")  # supervisor
    assert client.get("/staff/reports").status_code == 200
    assert client.get("/staff/accounts").status_code == 403
    sign_in(client, "admin")
    assert client.get("/staff/accounts").status_code == 200


def test_console_runs_a_visit_through_two_departments(client, service, accounts):
    ticket = issue(service, "tennyu", "kokuho_kanyu")
    sign_in(client, "tanaka")
    csrf = choose_counter(client, "c01")
    assert act(client, "call_next", csrf).json()["error"] == "counter_closed"
    assert act(client, "open_counter", csrf).json()["ok"]
    r = act(client, "call_next", csrf).json()
    assert r["ok"] and r["message"] == (f"{ticket['number']}番のかたをお呼びしました。\n"
                                        f"Number {ticket['number']} called.")
    page = client.get("/staff/console").text
    assert f'id="current-number">{ticket["number"]}<' in page
    assert "呼出中" in page and "転入届" in page and "国民健康保険" in page
    assert act(client, "start", csrf).json()["ok"]
    r = act(client, "finish", csrf).json()
    assert r["message"].endswith("次は国民健康保険課へご案内ください。\n"
                                 f"Number {ticket['number']}: please send them to "
                                 "National Health Insurance Division.")
    page = client.get("/staff/console").text
    assert "current-number" not in page  # the counter is free again
    status = service.visit_by_token(ticket["token"])
    assert status.department == "kokuho" and [s.state for s in status.steps] == ["done", "waiting"]
    rows = [(a["action"], a["user"], a["counter"], a["ok"]) for a in accounts.audit_log()
            if a["action"] not in ("login", "select_counter")]
    assert rows == [("finish", "tanaka", "c01", True), ("start", "tanaka", "c01", True),
                    ("call_next", "tanaka", "c01", True), ("open_counter", "tanaka", "c01", True),
                    ("call_next", "tanaka", "c01", False)]


def test_add_procedure_transfer_hold_and_requeue(client, service):
    ticket = issue(service, "juminhyo")
    sign_in(client, "tanaka")
    csrf = choose_counter(client, "c05")
    act(client, "open_counter", csrf)
    assert act(client, "call_next", csrf).json()["ok"]
    r = act(client, "add_procedure", csrf, procedure="inkan_shomei", position="next")
    assert r.json()["ok"], r.json()
    steps = [s.procedure for s in service.visit_by_token(ticket["token"]).steps]
    assert steps == ["juminhyo", "inkan_shomei"]
    assert act(client, "hold", csrf).json()["ok"]
    page = client.get("/staff/console").text
    assert re.search(rf"<b>{ticket['number']}</b> <span class=\"badge st-held\">"
                     r'<span class="ja">保留</span><span class="en" lang="en">On hold', page)
    assert act(client, "requeue", csrf, number=str(ticket["number"])).json()["ok"]
    assert act(client, "call_next", csrf).json()["ok"]
    r = act(client, "transfer", csrf, department="shiminzei").json()
    assert r["ok"] and r["message"].split("\n")[0].endswith("次は市民税課(証明窓口)へご案内ください。")
    assert service.visit_by_token(ticket["token"]).department == "shiminzei"
    assert act(client, "transfer", csrf, department="shiminzei").json()["error"] == "no_visit"
    assert act(client, "requeue", csrf, number="abc").json()["error"] == "invalid"


def test_console_shows_the_certificate_application_to_staff_only(client, service):
    from protocol import messages as m
    from protocol.client import new_request_id

    ticket = issue(service, "juminhyo", point="center")
    fee = service.config.procedures["juminhyo"].fee_yen * 2
    r = service.submit("attach_application", m.AttachApplication(
        request_id=new_request_id(), number=ticket["number"], identified_by="mynumber_card",
        sealed_applicant=m.seal_applicant(service.seal_public_key, m.Applicant(
            name="伊勢崎 花子", name_kana="イセサキ ハナコ", address="群馬県伊勢崎市今泉町2-410",
            birth_date="1980-04-01"), ticket["number"]),
        certificates=[m.CertificateLine(procedure="juminhyo", copies=2, purpose="勤務先")],
        fee_yen=fee), "certterm-1")
    assert r.ok, r.error
    sign_in(client, "tanaka")
    csrf = choose_counter(client, "c05")
    act(client, "open_counter", csrf)
    act(client, "call_next", csrf)
    page = client.get("/staff/console").text
    assert "伊勢崎 花子" in page and "群馬県伊勢崎市今泉町2-410" in page and f"<b>{fee}</b>" in page
    public = client.get(f"/v/{ticket['token']}").text + client.get(f"/api/v/{ticket['token']}").text
    assert "伊勢崎 花子" not in public and "今泉町" not in public and "1980" not in public


def test_supervisor_opens_and_closes_counters_and_sees_alerts(client, service):
    sign_in(client, "suzuki")
    csrf = csrf_of(client)
    r = client.post("/staff/dashboard/counter", data={"counter": "c09", "open": "1",
                                                      "csrf_token": csrf}, headers=FETCH)
    assert r.json()["ok"]
    assert service.read(lambda e, now: e.state.counters["c09"].open)
    issue(service, "kokuho_kanyu")
    page = client.get("/staff/dashboard").text
    assert 'data-counter="c09"' in page and re.search(r"9番 <span class=\"ja\">開</span>", page)
    assert 'role="alert"' not in page
    # A wait past the threshold raises the alert: the service's clock runs ahead.
    service.clock = lambda base=service.clock: base() + 45 * 60
    page = client.get("/staff/dashboard").text
    assert re.search(r"国民健康保険課: 最長 4[5-6] 分待ち", page)
    r = client.post("/staff/dashboard/counter", data={"counter": "c09", "open": "0",
                                                      "csrf_token": csrf}, headers=FETCH)
    assert r.json()["ok"] and not service.read(lambda e, now: e.state.counters["c09"].open)


def test_dashboard_shows_the_device_fleet(client, service):
    service.note_device("issuer-east", state="online", role="issuer", version="0.1.0")
    service.note_device("board-1f", state="offline", role="board", version="0.1.0")
    service.note_device("issuer-east", alerts=["printer:paper_low"])
    sign_in(client, "suzuki")
    page = client.get("/staff/dashboard").text
    assert "1 / 2 台 稼働中" in page
    assert re.search(r'class="device offline" data-device="board-1f"', page)
    assert re.search(r'class="device online warn" data-device="issuer-east"', page)
    assert "用紙残りわずか" in page


def test_expired_sessions_go_back_to_sign_in(client, accounts):
    sign_in(client, "suzuki")
    assert client.get("/staff/dashboard").status_code == 200
    accounts.idle_timeout = -1  # every session is now older than the idle limit
    r = client.get("/staff/dashboard", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")


def test_sign_out_ends_the_session(client):
    sign_in(client, "suzuki")
    csrf = csrf_of(client)
    client.post("/staff/logout", data={"csrf_token": csrf})
    assert client.get("/staff/dashboard", follow_redirects=False).status_code == 303


def test_admin_creates_and_disables_accounts(client, accounts):
    sign_in(client, "admin")
    csrf = csrf_of(client, "/staff/accounts")
    r = client.post("/staff/accounts", data={"csrf_token": csrf, "user": "yamada",
                                             "name": "山田 太郎", "role": "counter",
                                             "password": "short"})
    assert "at least 8" in r.text
    client.post("/staff/accounts", data={"csrf_token": csrf, "user": "yamada",
                                         "name": "山田 太郎", "role": "counter",
                                         "password": "long-enough-1"})
    assert accounts.authenticate("yamada", "long-enough-1").name == "山田 太郎"
    client.post("/staff/accounts", data={"csrf_token": csrf, "user": "yamada", "disable": "1"})
    assert accounts.authenticate("yamada", "long-enough-1") is None


def test_commands_from_other_devices_show_on_the_console(client, service):
    issue(service, "juminhyo")
    counter_command(service, "open_counter", "c06")
    sign_in(client, "tanaka")
    choose_counter(client, "c05")
    page = client.get("/staff/console?fragment=1").text
    assert "<html" not in page and 'id="dept-waiting">1<' in page
    counter_command(service, "call_next", "c06")
    assert 'id="dept-waiting">0<' in client.get("/staff/console?fragment=1").text


def test_repeated_wrong_passwords_lock_the_user_id(client):
    for _ in range(5):
        assert "error=bad" in sign_in(client, "tanaka", "guess-password").headers["location"]
    r = sign_in(client, "tanaka")  # even the right password, for now
    assert "error=locked" in r.headers["location"]
    assert "15分間サインインできません" in client.get(r.headers["location"]).text
    assert sign_in(client, "suzuki").headers["location"] == "/staff/dashboard"  # others unaffected


def test_reports_page_and_exports_for_today(client, service):
    issue(service, "juminhyo")
    counter_command(service, "open_counter", "c05")
    counter_command(service, "call_next", "c05")
    counter_command(service, "finish", "c05")
    sign_in(client, "suzuki")
    day = service.engine.state.day
    page = client.get("/staff/reports").text
    assert f'value="{day}"' in page and "住民票の写し" in page
    csv_ = client.get(f"/staff/reports/{day}/procedures.csv")
    assert csv_.headers["content-type"].startswith("text/csv")
    assert csv_.content.startswith(b"\xef\xbb\xbf") and "住民票の写し" in csv_.text
    png = client.get(f"/staff/reports/{day}/heatmap-shimin.png")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get(f"/staff/reports/{day}/secrets.csv").status_code == 404
    assert client.get("/staff/reports?day=not-a-day").status_code == 200  # falls back to today


def test_an_absent_visit_is_marked_in_the_line_and_listed_under_hold_and_absent(client, service):
    ticket = issue(service, "juminhyo")
    sign_in(client, "tanaka")
    csrf = choose_counter(client, "c05")
    act(client, "open_counter", csrf)
    assert act(client, "call_next", csrf).json()["ok"]
    assert act(client, "absent", csrf).json()["ok"]  # within the limit: back in the line
    page = client.get("/staff/console").text
    line = page.split('id="queue"')[1].split("</ol>")[0]
    assert re.search(rf"<b>{ticket['number']}</b>.*不在 1 回", line, re.DOTALL)
    parked = page.split("保留・不在")[1].split("</ul>")[0]
    assert f"<b>{ticket['number']}</b>" in parked and "なし" not in parked


def test_two_operators_on_one_counter_are_warned(app, service):
    from fastapi.testclient import TestClient

    with TestClient(app) as first, TestClient(app) as second:
        sign_in(first, "tanaka")
        choose_counter(first, "c05")
        assert 'id="shared-counter"' not in first.get("/staff/console").text
        sign_in(second, "suzuki")  # a supervisor helping out
        choose_counter(second, "c05")
        warning = second.get("/staff/console").text
        assert 'id="shared-counter"' in warning and "tanaka 名前" in warning
        assert 'id="shared-counter"' in first.get("/staff/console").text
