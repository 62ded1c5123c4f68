"""Check-in of a booking at the concierge issuer: the code typed or its QR code scanned
gives the day's ticket marked booked; too early, a notice with the time to come back;
too late, a walk-in ticket that says so; a bad code changes nothing. The issuer talks to
the real queue service (its request models and answers), without the broker."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from protocol import messages as m
from protocol.client import new_request_id
from protocol.site import load_config
from queue_service.service import QueueService
from queue_service.web import create_app
from ticketer.issuing import Issuer
from ticketer.presenter import ConciergePresenter
from ticketer.render import ticket_image

TZ = ZoneInfo("Asia/Tokyo")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ticketer"
UPDATE = bool(os.environ.get("TICKETER_UPDATE_REFERENCES"))  # write the pictures to docs/


class ServiceLink:
    """The issuer's requester, answered by the real QueueService in this process."""

    connected = True

    def __init__(self, svc: QueueService):
        self.svc = svc

    def request(self, command: str, message: m.Request, timeout: float = 5.0) -> m.Response:
        return self.svc.submit(command, message, "issuer-east", timeout)


@pytest.fixture
def service(tmp_path, clock):
    svc = QueueService(load_config(), tmp_path / "service", clock=clock)
    svc.start()
    yield svc
    svc.stop()


@pytest.fixture
def desk(settings, site, lock, store, printer, clock, service):
    issuer = Issuer(ServiceLink(service), store, site, "east", clock=clock)
    issuer.service_online = True
    p = ConciergePresenter(settings, site, lock, issuer, printer, store, clock=clock)
    assert p.unlock_pin("1024", "4821").ok
    return p


def book(service: QueueService, hh: int, mm: int = 0, procedures=("tennyu", "kokuho_kanyu")) -> str:
    start = datetime(2027, 3, 29, hh, mm, tzinfo=TZ).timestamp()
    r = service.submit("book", m.BookRequest(request_id=new_request_id(), life_event="tennyu",
                                             procedures=list(procedures), start=start))
    assert r.ok, r.error
    return r.result.booking.code


def test_too_early_says_when_to_come_back_and_prints_nothing(desk, service, sim, clock):
    code = book(service, 10)
    clock.advance(30)  # 09:30
    assert desk.check_in(f"{code[:4]}-{code[4:]}")
    assert desk.notice.kind == "warning"
    assert desk.notice.text == (f"予約 {code[:4]}-{code[4:]} は 10:00 です。09:45 から受付できます。"
                                "その頃にもう一度お越しください")
    assert sim.tickets == 0 and service.engine.state.visits == {}


def test_scanning_the_qr_code_on_time_prints_a_booked_ticket(desk, service, sim, clock):
    code = book(service, 10)
    clock.advance(50)  # 09:50
    assert desk.check_in(f"http://localhost:8080/booking/{code}")  # what the QR code holds
    assert sim.tickets == 1
    ticket = desk.last.ticket
    assert ticket["booked"] == "on_time"
    assert ticket["slot_at"] == datetime(2027, 3, 29, 10, tzinfo=TZ).timestamp()
    assert [s["department"] for s in ticket["stops"]] == ["sogo", "kokuho"]
    assert desk.notice.text == f"{desk.last.number}番を発券しました(ご予約 10:00)"
    visit = service.engine.visit_by_number(desk.last.number)
    assert visit.booking == code and visit.slot_at is not None
    # the citizen's phone (the ticket's QR code) says the same, with no wait estimate
    with TestClient(create_app(service)) as phone:
        page = phone.get(ticket["url"].replace(service.config.public_url, "") + "?lang=ja").text
    assert "ご予約 <b>10:00</b>: 予約の時刻になりましたらお呼びします" in page
    assert "あなたより前の人数" not in page
    if UPDATE:
        ticket_image(ticket, 512).save(DOCS / "booking-ticket.png", optimize=True)


def test_more_than_fifteen_minutes_late_prints_a_walk_in_ticket_that_says_so(desk, service, sim, clock):
    code = book(service, 9, 30)
    clock.advance(50)  # 09:50, twenty minutes after the slot
    assert desk.check_in(code.lower())
    assert desk.last.ticket["booked"] == "late" and sim.tickets == 1
    assert desk.notice.text == f"{desk.last.number}番を発券しました。予約 09:30 を過ぎたため順番にお呼びします"
    if UPDATE:
        ticket_image(desk.last.ticket, 512).save(DOCS / "booking-ticket-late.png", optimize=True)


@pytest.mark.parametrize("typed, notice", [
    ("ZZZZ-ZZZZ", "予約 ZZZZ-ZZZZ は見つかりません。番号をお確かめください"),
    ("12", "予約番号は8文字です(例: ABCD-EFGH)"),
])
def test_a_bad_code_gets_a_clear_message_and_changes_nothing(desk, service, sim, clock, typed, notice):
    book(service, 10)
    clock.advance(50)
    desk.check_in(typed)
    assert desk.notice.kind == "error" and desk.notice.text == notice
    assert sim.tickets == 0 and service.engine.state.visits == {}


def test_a_booking_checked_in_twice_gets_one_ticket(desk, service, sim, clock):
    code = book(service, 10)
    clock.advance(50)
    desk.check_in(code)
    desk.check_in(code)
    assert sim.tickets == 1
    assert desk.notice.text == f"予約 {code[:4]}-{code[4:]} は受付済みです"


def test_needs_marked_before_the_scan_go_with_the_booked_visit(desk, service, clock):
    code = book(service, 10)
    clock.advance(50)
    desk.toggle_need("wheelchair")
    desk.check_in(code)
    assert service.engine.visit_by_number(desk.last.number).needs == ("wheelchair",)
