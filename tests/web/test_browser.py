"""The pages in a real headless Chromium, against the real service and Mosquitto:
sign in, call next, finish and pass the visit on, and watch the citizen's page follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from tests.phrase_lines import JAPANESE, line_faults
from tests.web.conftest import PASSWORD, counter_command, issue

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1,
         "is_mobile": True, "has_touch": True, "locale": "ja-JP"}


@pytest.fixture
def kiosk(broker, service):
    """An issuer on the broker, asking the service over MQTT like the real appliance."""
    client = ServiceClient(service.config.id, "issuer-east", broker.host, broker.port)
    client.start()
    yield client
    client.stop()


def kiosk_issue(kiosk: ServiceClient, *procedures: str) -> dict:
    r = kiosk.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                              procedures=list(procedures)), timeout=10)
    assert r.ok, r.error
    return r.result.model_dump()


def staff_sign_in(page, url: str, user: str) -> None:
    page.goto(f"{url}/staff/login")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_counter_calls_finishes_and_the_citizens_phone_follows(chromium, live_server, kiosk):
    ticket = kiosk_issue(kiosk, "tennyu", "kokuho_kanyu")
    phone = chromium.new_context(**PHONE)
    citizen = phone.new_page()
    citizen.goto(f"{live_server.url}/v/{ticket['token']}")
    expect(citizen.locator(".ticket .number")).to_have_text(str(ticket["number"]))
    expect(citizen.locator(".ticket .msg")).to_have_text("順番をお待ちください")
    citizen.wait_for_selector("[data-live][data-connected]")
    citizen.evaluate("window.notReloaded = true")

    desk = chromium.new_context(viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    staff_sign_in(staff, live_server.url, "tanaka")
    expect(staff).to_have_url(f"{live_server.url}/staff/counters")
    staff.click("button.counter-pick[value=c01]")
    expect(staff).to_have_url(f"{live_server.url}/staff/console")
    staff.wait_for_selector("[data-live][data-connected]")
    staff.click("text=窓口を開ける")
    expect(staff.locator("#counter-state .ja")).to_have_text("受付中(開)")

    staff.keyboard.press("n")  # call next
    expect(staff.locator("#current-number")).to_have_text(str(ticket["number"]))
    expect(staff.locator("#toast")).to_have_text(f"{ticket['number']}番のかたをお呼びしました。\n"
                                                f"Number {ticket['number']} called.")
    rows = staff.locator("table.itinerary tbody tr")
    expect(rows.nth(0).locator(".mark .ja")).to_have_text("呼出中")
    expect(rows.nth(1).locator(".mark .ja")).to_have_text("未")

    # The citizen's page changed by itself: called to counter 1.
    expect(citizen.locator(".ticket .msg")).to_have_text("お呼びしています。窓口へお越しください")
    expect(citizen.locator(".ticket .cnum")).to_have_text("1番窓口")
    # called, not yet accepted: the same word as on the console, never 「受付済」
    expect(citizen.locator(".steps .step .mark").nth(0)).to_have_text("呼出中")

    staff.keyboard.press("s")
    expect(staff.locator("#current-state .ja")).to_have_text("手続き中")
    staff.keyboard.press("f")  # finish: the visit moves on to the health insurance division
    expect(staff.locator("#toast")).to_contain_text("次は国民健康保険課へご案内ください")
    expect(staff.locator("#current-number")).to_have_count(0)

    expect(citizen.locator(".ticket .where b")).to_have_text("国民健康保険課")
    steps = citizen.locator(".steps .step .mark")
    expect(steps).to_have_text(["済", "未"])
    assert citizen.evaluate("window.notReloaded") is True

    # A kiosk issues another ticket: the console's queue grows without a reload.
    staff.evaluate("window.notReloaded = true")
    expect(staff.locator("#dept-waiting")).to_have_text("0")
    kiosk_issue(kiosk, "tenkyo")
    expect(staff.locator("#dept-waiting")).to_have_text("1")
    assert staff.evaluate("window.notReloaded") is True
    phone.close()
    desk.close()


def test_public_congestion_page_switches_language_and_updates(chromium, live_server, service):
    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/congestion")
    shimin = page.locator('li[data-dept="shimin"]')
    expect(shimin.locator(".waiting b")).to_have_text("0")
    page.wait_for_selector("[data-live][data-connected]")
    issue(service, "juminhyo")
    counter_command(service, "open_counter", "c05")
    expect(shimin.locator(".waiting b")).to_have_text("1")
    expect(shimin.locator(".level")).to_have_text("空いています")
    page.click("text=English")
    expect(page.locator("h1")).to_have_text("Counter waiting times")
    expect(shimin.locator(".level")).to_have_text("Not busy")
    phone.close()


def test_unknown_ticket_link_shows_a_friendly_page(chromium, live_server):
    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    response = page.goto(f"{live_server.url}/v/this-link-does-not-exist")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("ページが見つかりません")
    assert "Traceback" not in page.content()
    phone.close()


def test_supervisor_opens_a_counter_from_the_dashboard(chromium, live_server, service):
    desk = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    staff_sign_in(page, live_server.url, "suzuki")
    expect(page).to_have_url(f"{live_server.url}/staff/dashboard")
    page.click('button[data-counter="c09"]')
    expect(page.locator('button[data-counter="c09"]')).to_contain_text("9番 開")
    assert service.read(lambda e, now: e.state.counters["c09"].open)
    desk.close()


def test_the_pages_clock_is_the_halls_on_a_phone_set_to_another_zone(chromium, live_server):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    phone = chromium.new_context(**PHONE, timezone_id="America/Sao_Paulo")
    page = phone.new_page()
    before = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    page.goto(f"{live_server.url}/congestion")
    shown = page.locator("time.now").first.text_content()
    after = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    assert shown[:5] in (before, after), shown
    phone.close()


LINES_JS = """el => {
  const lines = [];
  for (const child of el.querySelectorAll("*"))  // only text laid out inline, in one flow
    if (!getComputedStyle(child).display.startsWith("inline")) return {text: "", lines: []};
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node, bottom = null;  // a new line starts below the last one (a bold figure and
  while ((node = walker.nextNode())) {  // its smaller unit share one line: 「3人」)
    for (let i = 0; i < node.data.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const rect = r.getClientRects()[0];
      if (!rect) continue;
      if (bottom === null || rect.top > bottom - 2) { lines.push(""); bottom = rect.bottom; }
      bottom = Math.max(bottom, rect.bottom);
      lines[lines.length - 1] += node.data[i];
    }
  }
  const style = getComputedStyle(el);
  const width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text: el.textContent, lines: lines.map(l => l.trim()).filter(l => l),
          width: width, em: parseFloat(style.fontSize)};
}"""


def test_japanese_on_a_phone_breaks_between_phrases(chromium, live_server, service):
    """On a 390 px phone, every line of the visit, congestion and booking pages breaks
    between BudouX phrases (「お越しくださ/い」 never), with no ・ 。 、 ) 」 at a line start:
    the line boxes as Chromium laid them out, judged like the boards' and the tickets'."""
    ticket = issue(service, "tennyu", "jido_teate", "kokuho_kanyu")
    counter_command(service, "open_counter", "c01")
    counter_command(service, "call_next", "c01")
    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    seen, faults = [], []
    for path in (f"/v/{ticket['token']}", "/congestion", "/booking?lang=ja",
                 "/booking/rule?lang=ja", "/booking?lang=easy"):
        page.goto(f"{live_server.url}{path}")
        for el in page.locator("main p, main h1, main h2, main h3, main li, main dt, main dd, "
                               "main td, main th, main label, main a.button").all():
            box = page.evaluate(LINES_JS, el.element_handle())
            if not JAPANESE.search(box["text"]) or not box["lines"]:
                continue
            seen += box["lines"]
            # a phrase may be cut only when it is wider than the line (CJK: 1 em a character)
            faults += line_faults(box["text"], box["lines"],
                                  lambda piece, box=box: len(piece) * box["em"] > box["width"])
    assert any("お越しください" in line for line in seen)  # the call line was measured
    assert sum(len(line) for line in seen) > 500
    assert not faults, faults
    phone.close()
