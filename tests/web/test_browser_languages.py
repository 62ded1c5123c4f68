"""The citizen's phone page in the reader's language, in a real headless Chromium against
the real service: Vietnamese from the phone's own language, Japanese kept beside the
names, no English slipped in, and the live update of a call in Vietnamese too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import counter_command, issue

VI_PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1,
            "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def test_the_phone_status_page_in_vietnamese(chromium, live_server, service):
    ticket = issue(service, "tennyu", "kokuho_kanyu")
    phone = chromium.new_context(**VI_PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/v/{ticket['token']}")  # no ?lang: the phone says vi-VN
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".langs a[aria-current]")).to_have_text("Tiếng Việt")
    expect(page.locator(".langs a").first).to_have_text("日本語")  # Japanese first
    expect(page.locator(".ticket .label")).to_have_text("Số của bạn")
    expect(page.locator(".ticket .msg")).to_have_text("Vui lòng chờ đến lượt tại")
    expect(page.locator(".ticket .where b")).to_have_text("Quầy một cửa")
    steps = page.locator(".steps .step")
    expect(steps.nth(0).locator(".pname")).to_contain_text("Khai báo chuyển đến")
    expect(steps.nth(0).locator(".pname .ja-orig")).to_have_text("転入届")  # to show a clerk
    expect(steps.nth(0).locator(".mark")).to_have_text("Chưa làm")
    expect(steps.nth(1).locator(".pname")).to_contain_text("Tham gia Bảo hiểm Y tế Quốc dân")
    expect(page.locator(".progress h2")).to_contain_text("Tiến độ thủ tục")
    text = page.locator("main").inner_text()
    for english in ("Moving-in", "National Health Insurance", "Please", "Your number", "To do"):
        assert english not in text
    assert "chỉ có tiếng Nhật" not in text  # the shipped site file has every text in vi
    page.wait_for_selector("[data-live][data-connected]")

    counter_command(service, "open_counter", "c01")
    counter_command(service, "call_next", "c01")
    expect(page.locator(".ticket .msg")).to_have_text("Đang gọi số của bạn. Xin mời đến")
    expect(page.locator(".ticket .cnum")).to_have_text("Quầy 1")
    expect(page.locator(".ticket .where small")).to_have_text("Quầy số 1 (Quầy một cửa) (xanh lá)")
    expect(steps.nth(0).locator(".mark")).to_have_text("Đang gọi")
    phone.close()
