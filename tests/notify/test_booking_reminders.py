"""Booking reminders by e-mail, through the real service and a real local SMTP server
(aiosmtpd): the day before at 17:00 and 60 minutes before, once per booking and trigger
across a restart, never after a cancel, never to a phone number, with the code, the date
and time and the purpose and no name; the contact is gone after the booking's day. A
booking made on the English booking page is reminded in Japanese, then in English."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from protocol import messages as m
from protocol.client import new_request_id
from queue_service.service import QueueService
from queue_service.web import create_app
from queue_service.web.booking_texts import LANGS, TEXT

from .conftest import local_site, mails_to

TZ = ZoneInfo("Asia/Tokyo")


def ts(day: int, hh: int, mm: int = 0) -> float:
    return datetime(2027, 3, day, hh, mm, tzinfo=TZ).timestamp()  # 29 is a Monday


def book(svc: QueueService, contact: str | None, hh: int = 10) -> str:
    r = svc.submit("book", m.BookRequest(request_id=new_request_id(), life_event="tennyu",
                                         procedures=["tennyu", "kokuho_kanyu"],
                                         start=ts(29, hh), contact=contact))
    assert r.ok, r.error
    return r.result.booking.code


def poke(svc: QueueService, code: str) -> None:
    """Any request runs a batch, after which the notifier looks at the time."""
    assert svc.submit("get_booking", m.GetBooking(request_id=new_request_id(), code=code)).ok


def test_reminders_go_once_before_the_booking(smtp_server, tmp_path):
    site = local_site(1, smtp_server.port, 1, tmp_path)
    clock = [ts(26, 12)]  # the Friday before
    svc = QueueService(site, tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    try:
        kept = book(svc, "hanako@example.jp")
        cancelled = book(svc, "taro@example.jp", 11)
        phoned = book(svc, "0270-24-5111", 13)
        assert svc.submit("cancel_booking", m.CancelBooking(request_id=new_request_id(),
                                                            code=cancelled)).ok
        clock[0] = ts(28, 16, 59)  # Sunday, before 17:00: nothing yet
        poke(svc, kept)
        assert svc.notifier.store.deliveries() == []
        clock[0] = ts(28, 17, 1)
        poke(svc, kept)
        [mail] = mails_to(smtp_server, "hanako@example.jp", 1)
    finally:
        svc.stop()
    text = mail.get_content()
    assert mail["Subject"] == "【伊勢崎市役所 本庁舎】ご予約のお知らせ 3月29日(月) 10:00"
    assert f"予約番号: {kept[:4]}-{kept[4:]}" in text
    assert "日時: 3月29日(月) 10:00" in text and "ご用件: 引越し・転入" in text
    assert f"/booking/{kept}" in text
    assert "お名前は記載していません" in text

    # a restart within the same window: the outbox has the trigger, nothing is sent again
    clock[0] = ts(28, 17, 40)
    svc = QueueService(site, tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    try:
        poke(svc, kept)
        clock[0] = ts(29, 9, 1)  # Monday, 59 minutes before: the second reminder
        poke(svc, kept)
        mails = mails_to(smtp_server, "hanako@example.jp", 2)
        assert len(mails) == 2 and mails[1]["Subject"] == mails[0]["Subject"]
        clock[0] = ts(29, 9, 40)
        poke(svc, kept)
        rows = svc.notifier.store.deliveries()
        assert sorted((r["visit"], r["trigger"], r["state"]) for r in rows) == [
            (f"booking:{kept}", "reminder:before", "sent"),
            (f"booking:{kept}", "reminder:day_before", "sent")]
        # the next day's reset: the contact of a past booking is purged
        clock[0] = ts(30, 9)
        poke(svc, kept)
        assert svc.notifier.store.channels_of(f"booking:{kept}") == []
        assert svc.notifier.store.deliveries() == []
    finally:
        svc.stop()
    assert len(mails_to(smtp_server, "hanako@example.jp", 3, timeout=0.5)) == 2
    assert all("taro@example.jp" not in x["to"] for x in smtp_server.messages)  # cancelled
    assert len(smtp_server.messages) == 2  # and none to the phone number
    assert phoned


def reminder_of_a_booking_made_on(page: str, smtp_server, tmp_path) -> tuple:
    """(the reminder mail, the booking code) of a booking made on the booking page in
    the language `page`, reminded the evening before."""
    site = local_site(1, smtp_server.port, 1, tmp_path)
    clock = [ts(26, 12)]
    svc = QueueService(site, tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    try:
        with TestClient(create_app(svc)) as phone:
            title = TEXT["title"][LANGS.index(page)]
            assert title in phone.get(f"/booking?lang={page}").text  # kept in a cookie
            confirm = phone.get(f"/booking/confirm?purpose=le-tennyu&start={ts(29, 10)}").text
            request_id = re.search(r'name="request_id" value="([^"]+)"', confirm).group(1)
            made = phone.post("/booking", data={
                "purpose": "le-tennyu", "start": str(ts(29, 10)), "request_id": request_id,
                "contact": "alex@example.com"}, follow_redirects=False)
        assert made.status_code == 303, made.text
        code = made.headers["location"].split("/")[-1].split("?")[0]
        clock[0] = ts(28, 17, 1)
        poke(svc, code)
        [mail] = mails_to(smtp_server, "alex@example.com", 1)
    finally:
        svc.stop()
    return mail, code


def test_a_booking_made_on_the_english_page_is_reminded_in_japanese_then_english(
        smtp_server, tmp_path):
    mail, code = reminder_of_a_booking_made_on("en", smtp_server, tmp_path)
    assert mail["Subject"] == ("【伊勢崎市役所 本庁舎】ご予約のお知らせ 3月29日(月) 10:00 / "
                               "Booking reminder: Mon 29 Mar 10:00")
    text = mail.get_content()
    shown = f"{code[:4]}-{code[4:]}"
    japanese = text.index(f"予約番号: {shown}\n日時: 3月29日(月) 10:00\nご用件: 引越し・転入")
    english = text.index(f"Booking code: {shown}\nDate and time: Mon 29 Mar 10:00\nFor: Moving in")
    assert japanese < english
    assert "check in from 15 minutes before your time" in text
    # the link and the closing lines too, Japanese first
    assert "予約の確認・変更・取り消し / See, change or cancel your booking: " in text
    assert text.index("連絡先は予約日の翌日に削除されます。") \
        < text.index("Your contact details are erased the day after your booking.")


def test_a_booking_made_in_easy_japanese_is_reminded_in_easy_japanese_too(smtp_server, tmp_path):
    mail, code = reminder_of_a_booking_made_on("easy", smtp_server, tmp_path)
    assert mail["Subject"] == ("【伊勢崎市役所 本庁舎】ご予約のお知らせ 3月29日(月) 10:00 / "
                               "よやくの おしらせ 3月29日(月) 10:00")
    text = mail.get_content()
    assert text.index(f"予約番号: {code[:4]}-{code[4:]}") < text.index(f"よやく ばんごう: {code[:4]}-{code[4:]}")
    assert "予約の確認・変更・取り消し / よやくを みる・かえる・やめる: " in text
