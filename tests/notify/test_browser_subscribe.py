"""The subscribe step in a real headless Chromium: the page registers the service worker,
asks permission, subscribes with the service's VAPID key and sends the subscription; a
call then reaches the local push endpoint, and the service worker shows it.

The browser's own push service (Google's, on the internet) is the one part faked: the
page's PushManager.subscribe answers with a subscription on the local endpoint."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect, sync_playwright

from queue_service.web import create_app
from tests.web.conftest import CHROMIUM_ARGS, LiveServer

from .conftest import command, issue

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1,
         "is_mobile": True, "has_touch": True, "locale": "ja-JP"}
FAKE_PUSH_SERVICE = """
window.__subscribedWith = null;
PushManager.prototype.getSubscription = async function () { return null; };
PushManager.prototype.subscribe = async function (options) {
  var key = new Uint8Array(options.applicationServerKey);
  window.__subscribedWith = {userVisibleOnly: options.userVisibleOnly, keyLength: key.length, first: key[0]};
  var sub = %s;
  return {endpoint: sub.endpoint, toJSON: function () { return sub; }};
};
"""


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live(notify_service):
    server = LiveServer(create_app(notify_service)).start()
    yield server
    server.stop()


def test_subscribe_on_the_phone_then_the_call_is_pushed_and_shown(
        chromium, live, notify_service, push_endpoint):
    svc = notify_service
    command(svc, "open_counter", "c07")
    issue(svc, "nozei")
    issue(svc, "nozei")
    ticket = issue(svc, "nozei")  # two ahead
    phone = push_endpoint.new_subscriber()
    context = chromium.new_context(**PHONE)
    context.grant_permissions(["notifications"], origin=live.url)
    context.add_init_script(FAKE_PUSH_SERVICE % json.dumps(phone.subscription()))
    page = context.new_page()
    try:
        page.goto(f"{live.url}/v/{ticket['token']}")
        button = page.get_by_role("button", name="この端末に通知を受け取る")
        expect(button).to_be_visible()
        button.click()
        expect(page.locator(".notify-status")).to_have_text("この端末への通知を登録しました。順番が近づいたらお知らせします。")
        assert page.evaluate("window.__subscribedWith") == {"userVisibleOnly": True, "keyLength": 65,
                                                            "first": 4}
        scope = page.evaluate("navigator.serviceWorker.getRegistration('/v/').then(r => r && r.scope)")
        assert scope == f"{live.url}/v/"
        expect(page.get_by_role("button", name="お知らせを止める")).to_be_visible()
        expect(button).to_be_hidden()  # this phone is subscribed now
        # Two ahead is within near_people = 3: the "near" message arrives at once.
        near = push_endpoint.wait_for(lambda: push_endpoint.payloads(phone))[0]
        assert near["kind"] == "near" and near["url"].endswith(f"/v/{ticket['token']}")

        for _ in range(2):  # the two ahead are served, then this visit is called
            command(svc, "call_next", "c07")
            command(svc, "finish", "c07")
        command(svc, "call_next", "c07")
        called = push_endpoint.wait_for(lambda: len(push_endpoint.payloads(phone)) >= 2 and
                                        push_endpoint.payloads(phone)[1])
        assert called["kind"] == "called" and called["counter_number"] == 7
        # The page itself tells a screen reader (aria-live) when it shows the call.
        expect(page.locator("#call-announce")).to_have_text(
            f"{ticket['number']}番のかた、7番窓口へお越しください。", timeout=10_000)

        # Hand the decrypted message to the service worker as the push service would.
        cdp = context.new_cdp_session(page)
        cdp.send("ServiceWorker.enable")
        version = {}
        cdp.on("ServiceWorker.workerRegistrationUpdated",
               lambda e: version.update((r["scopeURL"], r["registrationId"]) for r in e["registrations"]))
        for _ in range(100):  # the registrations are reported shortly after enable
            if f"{live.url}/v/" in version:
                break
            page.wait_for_timeout(100)
        registration = version.get(f"{live.url}/v/")
        assert registration is not None
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": live.url, "registrationId": registration, "data": json.dumps(called)})
        shown = page.wait_for_function(
            "navigator.serviceWorker.getRegistration('/v/').then(r => r.getNotifications())"
            ".then(ns => ns.length ? ns.map(n => [n.title, n.body, n.tag, n.requireInteraction]) : null)")
        assert shown.json_value() == [[called["title"], called["body"], called["tag"], True]]
    finally:
        context.close()
