"""A device's health alerts on the staff dashboard in words, Japanese with English beside
it: a real device agent sends its heartbeat through Mosquitto to the service, the staff
page (and the OS Chromium) shows what it means; a code the glossary does not know still
shows, as itself."""

from __future__ import annotations

import time
from typing import get_args

from playwright.sync_api import expect

from firmware.agent import Bundle, DeviceAgent
from firmware.health import DISK_LOW_MB, HOT_C, alerts_for
from protocol.glossary import device_alert
from protocol.messages import PrinterState
from tests.web.conftest import sign_in
from tests.web.test_staff_english import LAPTOP
from tests.web.test_staff_english import sign_in as sign_in_browser


def test_every_alert_an_appliance_sends_has_words():
    readings = [{"printer": state} for state in get_args(PrinterState)] + [
        {"audio": "error"}, {"audio": "no_clips"}, {"temperature_c": HOT_C},
        {"free_disk_mb": DISK_LOW_MB - 1}]
    sent = {code for reading in readings for code in alerts_for(reading)}
    # the device agent's own, the board's per speech language, the LED sign's, the pager link's
    sent |= {"health:probe_failed", "health:invalid", "audio:no_clips_en", "audio:old_clips_pt",
             "sign:no_answer", "pager:no_answer"}
    assert "printer:paper_out" in sent and "disk:low" in sent
    assert {code for code in sent if device_alert(code) is None} == set()
    assert device_alert("audio:old_clips_pt") == ("読み上げ音声が古い版です(pt)",
                                                  "Speech clips out of date (pt)")
    assert device_alert("ups:on_battery") is None  # shown as the code itself


def agent_with_paper_out(service, broker, tmp_path) -> DeviceAgent:
    """The east issuer out of paper, with an alert of a kind the dashboard has no words for."""
    bundle = Bundle.development(service.config.id, "issuer-east", "issuer",
                                host=broker.host, port=broker.port)
    agent = DeviceAgent(bundle, version="0.1.0", state_dir=tmp_path / "issuer-east",
                        heartbeat_s=0.2)
    agent.add_health(lambda: {"printer": "paper_out", "alerts": ["ups:on_battery"]})
    agent.start(wait=5)
    deadline = time.monotonic() + 10
    while not any(d.get("alerts") for d in service.devices()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return agent


def test_dashboard_writes_a_devices_alerts_in_words(client, service, broker, tmp_path):
    agent = agent_with_paper_out(service, broker, tmp_path)
    try:
        sign_in(client, "suzuki")
        page = client.get("/staff/dashboard").text
    finally:
        agent.stop()
    assert ('<span class="badge danger" data-alert="printer:paper_out"><span class="ja">用紙切れ'
            '</span><span class="en" lang="en">Paper out</span></span>') in page
    assert '<span class="badge danger" data-alert="ups:on_battery">ups:on_battery</span>' in page


def test_the_english_of_an_alert_hides_with_the_switch(chromium, live_server, service, broker,
                                                      tmp_path):
    agent = agent_with_paper_out(service, broker, tmp_path)
    desk = chromium.new_context(**LAPTOP)
    try:
        page = desk.new_page()
        sign_in_browser(page, live_server.url, "suzuki")
        page.goto(f"{live_server.url}/staff/dashboard")
        device = page.locator('li.device[data-device="issuer-east"]')
        paper = device.locator('[data-alert="printer:paper_out"]')
        expect(paper.locator(".ja")).to_have_text("用紙切れ")
        expect(paper.locator(".en")).to_have_text("Paper out")
        expect(device.locator('[data-alert="ups:on_battery"]')).to_have_text("ups:on_battery")
        page.click("#english-toggle")
        expect(paper.locator(".ja")).to_be_visible()
        expect(paper.locator(".en")).to_be_hidden()
        expect(device.locator('[data-alert="ups:on_battery"]')).to_be_visible()
    finally:
        desk.close()
        agent.stop()
