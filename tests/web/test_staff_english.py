"""The staff pages in a real headless Chromium on a 1366×768 counter laptop: Japanese first
with English beside it on every heading, button and state; the header's switch hides the
English and never the Japanese; nothing overflows; the console's other duties (an absent
visit marked in the line, 保留・不在 listed and counted, two operators at one counter
warned) still hold."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, counter_command, issue

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "locale": "ja-JP"}


def sign_in(page, url: str, user: str) -> None:
    page.goto(f"{url}/staff/login")
    expect(page.locator("h1 .ja")).to_have_text("職員サインイン")
    expect(page.locator("h1 .en")).to_have_text("Staff sign-in")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def both_languages(locator) -> list[tuple[str, str]]:
    """(Japanese, English) of each element; fails on one with no visible Japanese."""
    out = []
    for i in range(locator.count()):
        el = locator.nth(i)
        ja, en = el.locator(".ja").first, el.locator(".en").first
        assert ja.is_visible(), el.inner_text()
        out.append((ja.inner_text().strip(), en.inner_text().strip() if en.is_visible() else ""))
    return out


def no_overflow(page) -> None:
    """Nothing wider than the window, no button text cut off."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    clipped = page.evaluate("""[...document.querySelectorAll('button')].filter(
        b => b.offsetParent && (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1)
    ).map(b => [b.innerText, b.scrollWidth, b.clientWidth, b.scrollHeight, b.clientHeight])""")
    assert clipped == []


def test_console_and_dashboard_show_japanese_with_english(chromium, live_server, service, accounts):
    accounts.add("sato", "佐藤 名前", "counter", PASSWORD)
    missed, held, called, _ = (issue(service, "juminhyo") for _ in range(4))
    counter_command(service, "open_counter", "c05")
    for command in ("call_next", "absent", "call_next", "hold", "call_next"):
        assert counter_command(service, command, "c05").ok
    desk = chromium.new_context(**LAPTOP)
    page = desk.new_page()
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/staff/counters")
    page.click("button.counter-pick[value=c05]")
    expect(page.locator("#current-number")).to_have_text(str(called["number"]))

    nav = dict(both_languages(page.locator(".staff-head nav a")))
    assert nav["窓口操作"] == "Counter" and nav["状況一覧"] == "Overview" and nav["集計"] == "Reports"
    headings = dict(both_languages(page.locator(".console h2")))
    assert headings["対応中の番号"] == "Number at this counter"
    assert headings["保留・不在"] == "On hold and absent"
    assert headings["市民課の待ち"] == "Waiting for Citizens Division"
    buttons = dict(both_languages(page.locator(".actions button.act")))
    assert buttons == {"次を呼ぶ": "Call next", "再呼出": "Call again", "不在": "Absent",
                       "受付開始": "Start", "この手続き完了": "Procedure done", "保留": "Hold",
                       "不要にする": "Not needed", "受付取消": "Cancel visit"}
    assert both_languages(page.locator("#current-state")) == [("呼出中", "Being called")]
    assert both_languages(page.locator("#counter-state")) == [("受付中(開)", "Open")]
    # 16: the citizen who missed a call is back in the line, marked there and in 保留・不在
    line = page.locator("#queue li", has_text=str(missed["number"]))
    assert both_languages(line.locator(".badge")) == [("不在 1 回", "absent ×1")]
    parked = page.locator("#parked li")
    expect(parked).to_have_count(2)
    assert both_languages(parked.nth(0).locator(".badge")) == [("不在 1 回", "absent ×1")]
    assert both_languages(parked.nth(1).locator(".badge")) == [("保留", "On hold")]
    expect(parked.nth(1).locator("b")).to_have_text(str(held["number"]))
    no_overflow(page)

    # the toast after an action: Japanese, then English
    page.keyboard.press("s")
    expect(page.locator("#current-state .ja")).to_have_text("手続き中")
    expect(page.locator("#current-state .en")).to_have_text("In progress")
    expect(page.locator("#toast")).to_have_text(f"{called['number']}番の受付を開始しました。\n"
                                                f"Number {called['number']}: started.")

    # 16: a second operator at the same counter is warned, in both languages
    other = chromium.new_context(**LAPTOP).new_page()
    sign_in(other, live_server.url, "sato")
    other.click("button.counter-pick[value=c05]")
    warning = other.locator("#shared-counter")
    expect(warning.locator(".ja")).to_contain_text("admin 名前")
    expect(warning.locator(".en")).to_contain_text("also work this counter")
    other.context.close()

    page.goto(f"{live_server.url}/staff/dashboard")
    columns = dict(both_languages(page.locator("table.dash thead th")))
    assert columns["待ち人数"] == "Waiting" and columns["保留・不在"] == "Held / absent"
    assert columns["待ち目安"] == "Estimated wait"
    shimin = page.locator('tr[data-dept="shimin"]')
    assert both_languages(shimin.locator("th")) == [("市民課", "Citizens Division")]
    expect(shimin.locator(".parked")).to_have_text("2")  # as the console lists them
    stats = dict(both_languages(page.locator(".summary .stat")))
    assert stats["本日の受付"] == "Visits today"
    no_overflow(page)

    for path, title in (("/staff/reports", ("集計", "Reports")),
                        ("/staff/audit", ("操作記録", "Audit log")),
                        ("/staff/accounts", ("職員アカウント", "Staff accounts")),
                        ("/staff/bookings", ("予約", "Bookings"))):
        page.goto(live_server.url + path)
        assert both_languages(page.locator("main h1").first) == [title]
        assert all(ja and en for ja, en in both_languages(page.locator("main thead th").filter(
            has=page.locator(".ja")))), path
        no_overflow(page)
    page.goto(f"{live_server.url}/staff/dashboard")

    # the switch hides the English, never the Japanese, and keeps the choice
    page.click("#english-toggle")
    expect(page.locator("table.dash thead th .ja").first).to_be_visible()
    expect(page.locator("table.dash thead th .en").first).to_be_hidden()
    page.goto(f"{live_server.url}/staff/console")
    expect(page.locator(".actions button.act .ja").first).to_have_text("次を呼ぶ")
    expect(page.locator(".actions button.act .en").first).to_be_hidden()
    page.click("#english-toggle")
    expect(page.locator(".actions button.act .en").first).to_have_text("Call next")
    desk.close()
