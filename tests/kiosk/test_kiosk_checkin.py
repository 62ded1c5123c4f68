"""Check-in of a booking at the floor guide, against the real queue service process over
a real Mosquitto, on a simulated clock (a Monday morning, then later that day, then the
next day): on time a number, where to go first and a printed ticket marked booked; too
early the time to come back; late a walk-in; a bad or expired code a clear message and
nothing changed."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from escpos.printer import Dummy

from demo.processes import ServiceProcess
from kiosk.checkin import CheckInPresenter
from kiosk.guide import GuidePresenter
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.follower import ServiceFollower
from queue_service.clock import ScaledClock

TZ = ZoneInfo("Asia/Tokyo")


def at(day: int, hh: int, mm: int) -> ScaledClock:
    """The service's clock from 2027-03-<day> hh:mm (29 is a Monday), at the real pace."""
    return ScaledClock(datetime(2027, 3, day, hh, mm, tzinfo=TZ).timestamp(), time.time(), 1.0)


@pytest.fixture
def desk(broker, tmp_path, config, east):
    """The service on a simulated clock, a booking client and the guide's check-in."""
    svc = ServiceProcess(broker, tmp_path / "service", web_port=0, clock=at(29, 9, 50)).start()
    booker = ServiceClient(svc.site, "issuer-east", broker.host, broker.port)
    guide_client = ServiceClient(svc.site, "guide-east", broker.host, broker.port)
    assert booker.start(wait=10) and guide_client.start(wait=10)
    printer = Dummy()
    guide = GuidePresenter(ServiceFollower(config), east, client=guide_client)
    checkin = CheckInPresenter(guide, printer, clock=lambda: svc.clock())
    yield svc, booker, checkin, printer
    guide_client.stop()
    booker.stop()
    svc.stop()


def book(booker: ServiceClient, hh: int, mm: int = 0) -> str:
    start = datetime(2027, 3, 29, hh, mm, tzinfo=TZ).timestamp()
    made = booker.request("book", m.BookRequest(
        request_id=new_request_id(), life_event="tennyu", procedures=["tennyu", "kokuho_kanyu"],
        start=start), timeout=10)
    assert made.ok, made.error
    return made.result.booking.code


def state_of(booker: ServiceClient, code: str) -> str:
    seen = booker.request("get_booking", m.GetBooking(request_id=new_request_id(), code=code),
                          timeout=10)
    assert seen.ok, seen.error
    return seen.result.booking.state


def restart(svc: ServiceProcess, clock: ScaledClock) -> None:
    """The same service (its data) on a later clock; the clients stay on the broker."""
    svc.stop()
    svc.clock = clock
    svc.start()


def test_booked_visitors_check_in_at_the_guide(desk):
    svc, booker, checkin, printer = desk
    on_time, early, late, stale = (book(booker, 10), book(booker, 11),
                                  book(booker, 10, 30), book(booker, 11, 30))

    # on time (09:50 for 10:00), typed on the screen's keys: the number and a booked ticket
    for ch in on_time:
        checkin.key(ch)
    answer = checkin.submit()
    assert answer.kind == "on_time" and answer.number is not None
    assert answer.message == "10:00のご予約を受け付けました。\n予約の時刻にお呼びします"
    assert answer.first.place == "1・2・3番窓口(総合窓口)"
    assert answer.printed == "印刷しました。お取りください。"
    assert printer.output.count(b"\x1dv0") == 1  # one raster ticket
    assert state_of(booker, on_time) == "checked_in"
    # the same code again: nothing new, the number it already has
    again = checkin.submit(on_time)
    assert again.kind == "error"
    assert again.message == (f"予約 {on_time[:4]}-{on_time[4:]} は受付済みです"
                             f"({answer.number}番)")

    # too early (09:50 for 11:00): when to come back, nothing issued
    answer = checkin.submit(f"{early[:4]}-{early[4:]}\n")
    assert answer.kind == "too_early" and answer.number is None
    assert answer.message == ("ご予約は11:00です。\n10:45から受付できます。"
                              "その頃にもう一度お越しください")
    assert state_of(booker, early) == "booked"

    # what a scanned QR code holds: the booking page's address, in English
    checkin.guide.set_language("en")
    answer = checkin.submit("ABC")
    assert answer.kind == "error"
    assert answer.message == "A booking code has 8 characters (ABCD-EFGH)"
    answer = checkin.submit("http://localhost:8080/booking/ZZZZZZZZ")
    assert answer.message == "No booking ZZZZ-ZZZZ: please check the code"
    checkin.guide.set_language("ja")
    assert printer.output.count(b"\x1dv0") == 1  # nothing printed for any of them

    # later that morning (11:05 for 10:30): more than 15 minutes late becomes a walk-in
    restart(svc, at(29, 11, 5))
    answer = checkin.submit(f"http://localhost:8080/booking/{late}")
    assert answer.kind == "late" and answer.number is not None
    assert answer.message == "予約の10:30を過ぎたため、\n当日受付として順番にお呼びします"
    assert printer.output.count(b"\x1dv0") == 2
    assert state_of(booker, late) == "late"

    # the next day: yesterday's booking is expired, and nothing changes
    restart(svc, at(30, 9, 50))
    answer = checkin.submit(stale)
    assert answer.kind == "error"
    assert answer.message == (f"予約 {stale[:4]}-{stale[4:]} は別の日の予約です(期限切れ)。"
                              "総合案内でおたずねください")
    assert printer.output.count(b"\x1dv0") == 2
