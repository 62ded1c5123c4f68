"""The visit page's subscribe step over HTTP, and the LINE official account's webhook."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from fastapi.testclient import TestClient

from queue_service.web import create_app

from .conftest import LINE_SECRET, command, issue

LINE_USER = "U" + "0123456789abcdef" * 2


@pytest.fixture
def web(notify_service):
    with TestClient(create_app(notify_service)) as c:
        yield c


def test_the_visit_page_offers_the_city_s_channels_with_the_privacy_text(web, notify_service):
    ticket = issue(notify_service, "nozei")
    page = web.get(f"/v/{ticket['token']}").text
    assert "順番が近づいたらお知らせします" in page
    assert 'id="push-on"' in page and 'id="notify-email"' in page and 'id="way-line"' in page
    assert "暗号化して保存" in page and "すべて削除します" in page and "お名前は書きません" in page
    assert 'aria-live="assertive"' in page
    key = web.get(f"/v/{ticket['token']}").text.split('data-vapid="')[1].split('"')[0]
    assert len(base64.urlsafe_b64decode(key + "=")) == 65  # an uncompressed P-256 point


def test_subscribing_by_email_and_stopping_again(web, notify_service, smtp_server):
    ticket = issue(notify_service, "nozei")
    url = f"/v/{ticket['token']}/notify"
    bad = web.post(f"{url}/email", json={"address": "not an address"})
    assert bad.status_code == 400 and bad.json()["message"] == "登録できませんでした。入力をご確認ください。"
    assert web.post(f"{url}/email", content="address=a@b.jp",
                    headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    ok = web.post(f"{url}/email", json={"address": "sato@example.jp"}).json()
    assert ok["ok"] and ok["subscribed"] == ["email"]
    assert "登録済み：メール" in web.get(f"/v/{ticket['token']}").text
    off = web.post(f"{url}/off", json={}).json()
    assert off["ok"] and off["subscribed"] == []
    assert notify_service.notifier.store.channels_of(
        notify_service.engine.visit_by_number(ticket["number"]).id) == []
    assert web.post("/v/unknown-token-123/notify/email",
                    json={"address": "sato@example.jp"}).status_code == 400
    # Subscribing again does not repeat what was already told.
    assert web.post(f"{url}/email", json={"address": "sato@example.jp"}).json()["ok"]
    assert [r["trigger"] for r in notify_service.notifier.store.deliveries()] == ["near:0"]


def test_a_finished_visit_offers_nothing(web, notify_service):
    ticket = issue(notify_service, "nozei")
    command(notify_service, "open_counter", "c07")
    command(notify_service, "call_next", "c07")
    command(notify_service, "finish", "c07")
    assert 'class="notify"' not in web.get(f"/v/{ticket['token']}").text
    r = web.post(f"/v/{ticket['token']}/notify/email", json={"address": "sato@example.jp"})
    assert r.status_code == 400 and r.json()["message"] == "この受付番号は終了しています。"


def _signed(body: dict) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, base64.b64encode(hmac.new(LINE_SECRET.encode(), raw, hashlib.sha256).digest()).decode()


def _text_event(text: str) -> dict:
    return {"destination": "U" + "f" * 32, "events": [{
        "type": "message", "mode": "active", "timestamp": 1764900000000,
        "webhookEventId": "01HXYZ", "deliveryContext": {"isRedelivery": False},
        "replyToken": "r" * 32, "source": {"type": "user", "userId": LINE_USER},
        "message": {"type": "text", "id": "1", "quoteToken": "q", "text": text}}]}


def test_line_links_through_the_official_account_webhook(web, notify_service, line_api):
    svc = notify_service
    command(svc, "open_counter", "c07")
    ticket = issue(svc, "nozei")
    page = web.get(f"/v/{ticket['token']}").text
    code = page.split('class="line-code"')[1].split(">")[1].split("<")[0].replace(" ", "")
    forged, _ = _signed(_text_event(code))
    assert web.post("/notify/line/webhook", content=forged,
                    headers={"X-Line-Signature": "AAAA"}).status_code == 400
    typed = code.replace("O", "0").replace("I", "1")  # as a citizen may read them
    raw, signature = _signed(_text_event(f"番号 {typed[:4]} {typed[4:]}"))
    assert web.post("/notify/line/webhook", content=raw,
                    headers={"X-Line-Signature": signature}).status_code == 200
    assert "登録済み：LINE" in web.get(f"/v/{ticket['token']}").text
    command(svc, "call_next", "c07")
    pushed = line_api.wait_for(lambda: len(line_api.pushed) >= 2 and line_api.pushed)
    assert [p["to"] for p in pushed] == [LINE_USER, LINE_USER]
    assert "7番窓口" in pushed[1]["messages"][0]["text"]


def test_the_page_cannot_name_a_line_user_and_answers_in_english(web, notify_service):
    ticket = issue(notify_service, "nozei")
    url = f"/v/{ticket['token']}/notify"
    assert web.post(f"{url}/line", json={"user_id": LINE_USER}).status_code == 404
    r = web.post(f"{url}/email?lang=en", json={"address": "x"}).json()
    assert r["message"] == "Could not subscribe: please check what you entered."
