"""Security headers of the real web app, and the pages still working under their
Content-Security-Policy in a real headless Chromium (which enforces it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import issue, sign_in
from .test_browser import staff_sign_in


@pytest.mark.parametrize("user, path", [
    (None, "/staff/login"), ("tanaka", "/staff/counters"), ("suzuki", "/staff/dashboard"),
    ("suzuki", "/staff/reports"), ("admin", "/staff/accounts"), (None, "/"),
    (None, "/congestion"), (None, "/api/congestion"), (None, "/no-such-page"),
])
def test_every_page_has_the_security_headers(client, user, path):
    if user:
        sign_in(client, user)
    r = client.get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]  # never for scripts
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"


def test_a_citizens_ticket_page_is_not_cached_and_leaks_no_referrer(client, service):
    ticket = issue(service, "juminhyo")
    r = client.get(f"/v/{ticket['token']}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")


def test_the_console_and_reports_work_under_the_policy_and_refuse_framing(chromium, live_server,
                                                                           service):
    issue(service, "juminhyo")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    staff_sign_in(page, live_server.url, "suzuki")
    page.goto(f"{live_server.url}/staff/reports")
    heat = page.locator("#heat")
    page.select_option("select[name=dept]", index=1)
    page.click("form[data-heatmap] button")
    assert "heatmap-" in heat.get_attribute("src")
    assert not heat.get_attribute("src").endswith(page.locator(
        "select[name=dept] option").first.get_attribute("value") + ".png")
    page.goto(f"{live_server.url}/staff/dashboard")
    page.wait_for_selector("[data-live][data-connected]")
    assert violations == []

    # Another site framing the console: the browser refuses to show it.
    framer = context.new_page()
    with framer.expect_console_message(lambda msg: "frame-ancestors" in msg.text):
        framer.set_content(f'<iframe id="f" src="{live_server.url}/staff/dashboard"></iframe>')
    expect(framer.frame_locator("#f").locator("[data-live]")).to_have_count(0)
    context.close()
