"""The booking pages in a real headless Chromium against the real service: a citizen
books, changes and cancels on a phone; two phones race for the last place of a slot;
staff book a phone call from the console; a bad code gets a clear message."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from protocol import messages as m
from protocol.client import new_request_id
from tests.web.test_browser import PHONE, staff_sign_in


def bookings(service) -> list:
    return service.read(lambda e, now: [b for b in e.bookings.bookings.values()])


def test_a_citizen_books_changes_and_cancels_on_a_phone(chromium, live_server, service):
    page = chromium.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/booking?lang=ja")
    expect(page.locator("h1")).to_have_text("窓口の予約")
    page.click("a.purpose:has-text('引越し・転入')")
    expect(page.locator(".bring li").first).to_be_visible()  # what to bring
    first = page.locator(".slots a.button").first
    first_start = float(first.get_attribute("data-start"))
    first.click()
    expect(page.locator("h1")).to_have_text("予約の内容")
    page.click("button:has-text('この内容で予約する')")
    expect(page.locator("h1")).to_have_text("予約しました")
    shown = page.locator(".booking-card .code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", shown)
    expect(page.locator(".booking-card .qr svg")).to_be_visible()
    [made] = bookings(service)
    assert made.code == shown.replace("-", "") and made.slot == first_start
    assert made.life_event == "tennyu" and "kokuho_kanyu" in made.procedures

    page.click("text=日時を変更する")
    page.locator(".slots button:not([disabled])").nth(1).click()
    expect(page.locator(".flash")).to_have_text("日時を変更しました。")
    assert bookings(service)[0].slot != first_start

    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('予約を取り消す')")
    expect(page.locator(".booking-card .state")).to_have_text("この予約は取り消されました。")
    assert bookings(service)[0].state == "cancelled"


def test_easy_japanese_and_english(chromium, live_server):
    page = chromium.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/booking?lang=easy")
    expect(page.locator("h1")).to_have_text("まどぐちの よやく")
    page.goto(f"{live_server.url}/booking?lang=en")
    expect(page.locator("h1")).to_have_text("Book a counter visit")
    expect(page.locator("a.purpose").first).to_have_text(re.compile("Moving in"))


def test_two_phones_racing_for_the_last_place_get_one_booking(chromium, live_server, service):
    found = service.read(lambda e, now: next(
        (s.start, s.capacity) for d in e.bookings.booking_days(now)
        for s in e.bookings.slots(d, "sogo", None, now) if s.free))
    start, capacity = found
    for _ in range(capacity - 1):
        assert service.submit("book", m.BookRequest(request_id=new_request_id(),
                                                    procedures=["tenkyo"], start=start)).ok
    phones = [chromium.new_context(**PHONE).new_page() for _ in range(2)]
    for p in phones:
        p.goto(f"{live_server.url}/booking/confirm?purpose=le-tenkyo&start={start}&lang=ja")
    for p in phones:  # submit both forms without waiting for either answer
        p.evaluate("document.querySelector('form.confirm').submit()")
    for p in phones:
        p.wait_for_load_state()
        expect(p.locator("h1")).not_to_have_text("予約の内容")
    titles = sorted(p.locator("h1").inner_text() for p in phones)
    loser = next(p for p in phones if p.locator("h1").inner_text() != "予約しました")
    assert "予約しました" in titles
    expect(loser.locator(".alert")).to_have_text(
        "その時間はいま埋まりました。ほかの時間を選んでください。")
    taken = [b for b in bookings(service) if b.slot == start and b.state == "booked"]
    assert len(taken) == capacity


def test_staff_book_a_phone_call_and_see_the_days_bookings(chromium, live_server, service):
    desk = chromium.new_context(viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    staff_sign_in(staff, live_server.url, "kato")
    staff.goto(f"{live_server.url}/staff/bookings")
    staff.select_option("#phone-purpose", "p-kaigo_nintei")
    staff.click("button:has-text('空きを見る')")
    chosen = staff.locator("#phone-start option").first.get_attribute("value")
    staff.click("button:has-text('予約する')")
    expect(staff.locator("#booking-message")).to_contain_text("予約しました。予約番号")
    [b] = bookings(service)
    assert b.staff == "kato" and b.slot == float(chosen) and b.department == "kaigo"
    staff.goto(f"{live_server.url}/staff/bookings")
    while staff.locator("h1 small").inner_text() != b.slot_day:  # day by day to the booked one
        staff.click("text=翌日 ›")
    row = staff.locator("table.bookings tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".code")).to_have_text(f"{b.code[:4]}-{b.code[4:]}")
    expect(row).to_contain_text("電話")


def test_a_bad_code_gets_a_clear_message_and_changes_nothing(chromium, live_server, service):
    page = chromium.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/booking?lang=ja")
    page.fill("input[name=code]", "ZZZZ-ZZZZ")
    page.click("button:has-text('確認する')")
    expect(page.locator(".alert")).to_have_text("この予約番号は見つかりません。番号をお確かめください。")
    page.fill("input[name=code]", "12")
    page.click("button:has-text('確認する')")
    expect(page.locator(".alert")).to_have_text("予約番号は8文字です(例: ABCD-EFGH)。")
    assert bookings(service) == []


def test_the_calling_rule_is_published_in_three_languages(chromium, live_server):
    page = chromium.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/booking/rule?lang=ja")
    items = page.locator(".rule-list li")
    expect(items).to_have_count(4)
    expect(items.nth(1)).to_have_text("予約をして受付を済ませたかたは、予約した時刻の2分前になったらお呼びします。")
    page.goto(f"{live_server.url}/booking/rule?lang=easy")
    expect(items.nth(1)).to_contain_text("よやくの じかんの 2ふん まえに よびます")
    page.goto(f"{live_server.url}/booking/rule?lang=en")
    expect(items.nth(2)).to_have_text("Otherwise walk-ins are called in the order of their tickets.")
    expect(page.locator("main")).to_contain_text("at most 20% of each division's counter time")
