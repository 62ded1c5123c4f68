"""Password guessing at the staff sign-in, over the real web app served by uvicorn:
parallel guesses cannot slip past the count, one address cannot lock every account, and
a lock slows guessing without shutting anybody out for good."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlparse

import httpx

from .conftest import PASSWORD, csrf_of, sign_in


def attempt(url: str, user: str, password: str, start: threading.Barrier) -> str:
    """One browser's sign-in; returns the `error` the page was sent back with ('' = in)."""
    with httpx.Client(base_url=url, timeout=60) as browser:
        page = browser.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        start.wait()
        r = browser.post("/staff/login", data={"user": user, "password": password,
                                                "csrf_token": csrf})
    return parse_qs(urlparse(r.headers["location"]).query).get("error", [""])[0]


def in_parallel(url: str, logins: list[tuple[str, str]]) -> list[str]:
    start = threading.Barrier(len(logins))
    results: list[str] = []
    threads = [threading.Thread(target=lambda u=u, p=p: results.append(attempt(url, u, p, start)))
               for u, p in logins]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_sixty_parallel_guesses_check_at_most_five_passwords(live_server, app):
    results = in_parallel(live_server.url, [("tanaka", f"guess-{i:03d}") for i in range(60)])
    assert len(results) == 60
    checked = results.count("bad")
    print(f"\nparallel wrong passwords checked: {checked} of 60")
    assert checked <= 5 and results.count("locked") == 60 - checked
    assert "tanaka" in app.state.login_guard.locked_users()


def test_one_address_spraying_many_accounts_is_stopped(live_server):
    results = in_parallel(live_server.url, [(f"staff{i:02d}", "spring2027") for i in range(50)])
    checked = results.count("bad")
    print(f"\naccounts sprayed from one address, passwords checked: {checked} of 50")
    assert checked <= 20 and results.count("busy") == 50 - checked


def test_an_admin_lifts_a_lock_and_a_lock_expires_by_itself(client, app):
    for _ in range(5):
        sign_in(client, "tanaka", "guess-password")
    assert "error=locked" in sign_in(client, "tanaka").headers["location"]
    assert sign_in(client, "admin").headers["location"] == "/staff/dashboard"
    page = client.get("/staff/accounts").text
    assert "サインイン制限中" in page
    client.post("/staff/accounts", data={"csrf_token": csrf_of(client, "/staff/accounts"),
                                         "user": "tanaka", "unlock": "1"})
    assert "サインイン制限中" not in client.get("/staff/accounts").text
    client.cookies.clear()
    assert sign_in(client, "tanaka").headers["location"] == "/staff/counters"

    client.cookies.clear()
    for _ in range(5):
        sign_in(client, "suzuki", "guess-password")
    assert "error=locked" in sign_in(client, "suzuki").headers["location"]
    guard = app.state.login_guard
    real = guard.clock
    guard.clock = lambda: real() + 16 * 60  # the lock's window has passed
    assert sign_in(client, "suzuki", PASSWORD).headers["location"] == "/staff/dashboard"


def test_failures_survive_a_restart_of_the_web_app(client, service, accounts):
    from queue_service.web import create_app

    for _ in range(5):
        sign_in(client, "kato", "guess-password")
    from fastapi.testclient import TestClient

    with TestClient(create_app(service, accounts=accounts)) as again:
        assert "error=locked" in sign_in(again, "kato").headers["location"]
