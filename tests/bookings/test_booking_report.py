"""Bookings in the reports: counts by outcome, booked visitors' wait past their slot,
walk-ins' waits with and without bookings; on the staff reports page and in its CSV."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from protocol.site import load_config
from queue_service import booking_report
from queue_service.accounts import AccountStore
from queue_service.service import QueueService
from queue_service.store import Batch, Store
from queue_service.web import create_app
from tests.bookings.test_booking_rules import MONDAY, at, book, check_in
from tests.queue_service.helpers import Desk
from tests.web.conftest import PASSWORD, sign_in


def a_day(desk: Desk) -> dict:
    """Monday: three bookings (one on time, one late, one no-show, one cancelled) and
    walk-ins at one counter; Tuesday: walk-ins only."""
    desk.open("c01")
    on_time = book(desk, at(MONDAY, 10))["code"]
    late = book(desk, at(MONDAY, 10, 30), "tenkyo")["code"]
    book(desk, at(MONDAY, 11), "tenkyo")
    desk.run("cancel_booking", code=book(desk, at(MONDAY, 11, 30), "tenkyo")["code"])
    desk.later(50)  # 09:50
    desk.issue("tenkyo")
    check_in(desk, on_time)
    desk.later(5)
    assert desk.call("c01")  # 09:55 the walk-in (waited 5 minutes)
    desk.finish("c01")
    desk.later(8)
    assert desk.call("c01")  # 10:03 the booking: 3 minutes past its slot
    desk.finish("c01")
    check_in(desk.later(47), late)  # 10:50: a walk-in now
    desk.later(10).call("c01")
    desk.finish("c01")
    desk.later(60).issue("tenkyo")  # the 11:00 booking is released as a no-show by now
    desk.now = at(date(2027, 3, 30), 9)
    desk.open("c01")
    desk.issue("tenkyo")
    desk.later(12).call("c01")
    return booking_report.booking_days(desk.events, desk.engine.config)


def test_counts_waits_past_the_slot_and_walk_ins_with_and_without_bookings():
    days = a_day(Desk())
    monday = days["2027-03-29"]
    assert (monday["bookings"], monday["checked_in"], monday["late"], monday["no_show"],
            monday["cancelled"]) == (3, 1, 1, 1, 1)
    assert monday["past_slot_mean_min"] == 3.0
    assert monday["walk_in_wait_mean_min"] == 5.0 and monday["walk_ins"] == 1
    assert days["2027-03-30"]["walk_in_wait_mean_min"] == 12.0
    s = booking_report.summary(days)
    assert s["walk_in_wait_with_bookings_min"] == 5.0
    assert s["walk_in_wait_without_bookings_min"] == 12.0


def test_the_reports_page_and_csv_show_the_bookings(tmp_path):
    desk = Desk()
    a_day(desk)
    store = Store(tmp_path / "data" / "madoguchi.db")  # the log as the service wrote it
    store.commit(Batch(day="2027-03-29", events=desk.events))
    store.close()
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: desk.now)
    accounts = AccountStore(svc.store.db_path)
    accounts.add("suzuki", "鈴木", "supervisor", PASSWORD)
    try:
        with TestClient(create_app(svc, accounts=accounts)) as client:
            sign_in(client, "suzuki")
            page = client.get("/staff/reports?day=2027-03-29").text
            assert "予約時刻からの待ち" in page
            page = client.get("/staff/reports?day=2027-03-30").text  # 4 weeks up to Tuesday
            assert '<b id="walkin-with">5.0</b>' in page
            assert '<b id="walkin-without">12.0</b>' in page
            csv = client.get("/staff/reports/2027-03-30/bookings.csv?days=2").text
            header, monday = csv.lstrip("\ufeff").splitlines()[:2]
            assert header.startswith("checked_in,late,no_show,cancelled,booked,day,bookings")
            assert monday.startswith("1,1,1,1,0,2027-03-29,3")
    finally:
        svc.stop()
