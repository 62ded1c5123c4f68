"""A remote counter (Morioka's video booths): a citizen booked at the branch office
checks in there, the clerk in the main building calls from the booth's console (which
holds the video link), and the call shows on the branch's board, not on the main floor's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from display.presenter import BoardPresenter
from display.settings import parse_settings
from protocol import messages as m
from protocol import topics
from protocol.client import new_request_id
from protocol.messages import CallMessage, ServiceStatus
from queue_service.accounts import AccountStore
from queue_service.service import QueueService
from queue_service.web import create_app
from tests.bookings.sites import booth_config
from tests.web.conftest import PASSWORD, sign_in
from tests.web.test_staff_pages import act, choose_counter

TZ = ZoneInfo("Asia/Tokyo")
T0 = datetime(2027, 3, 29, 10, 20, tzinfo=TZ).timestamp()


class Retained:
    """What the service publishes, as the broker would keep it (retained, last wins)."""

    def __init__(self):
        self.topics: dict[str, bytes] = {}

    def publish(self, topic: str, payload: bytes, retain: bool) -> None:
        self.topics[topic] = payload


@pytest.fixture
def branch(tmp_path):
    clock = [T0 - 3600]
    svc = QueueService(booth_config(30), tmp_path / "data", clock=lambda: clock[0])
    svc.publisher = Retained()
    svc.start()
    accounts = AccountStore(svc.store.db_path)
    accounts.add("sato", "佐藤", "counter", PASSWORD)
    with TestClient(create_app(svc, accounts=accounts)) as client:
        yield svc, client, clock
    svc.stop()


def board(counters: list[str], site) -> BoardPresenter:
    b = BoardPresenter(parse_settings({"counters": counters}), site, wall=lambda: T0)
    b.on_link(True)
    b.on_service(ServiceStatus(state="online", day="2027-03-29"))
    return b


def test_a_booth_booking_is_called_by_the_remote_clerk_and_shown_at_the_branch(branch):
    svc, client, clock = branch
    start = datetime(2027, 3, 29, 10, 30, tzinfo=TZ).timestamp()
    made = svc.submit("book", m.BookRequest(request_id=new_request_id(), procedures=["nenkin"],
                                            booth="r01", start=start))
    assert made.ok, made.error
    clock[0] = T0  # 10:20, at the branch office's reception
    checked = svc.submit("check_in", m.CheckIn(request_id=new_request_id(),
                                               code=made.result.booking.code,
                                               issuing_point="akabori"))
    number = checked.result.number
    assert checked.result.visit.department == "remote_akabori"

    sign_in(client, "sato")
    csrf = choose_counter(client, "r01")
    page = client.get("/staff/console")
    assert 'href="https://video.example.jp/booth/akabori"' in page.text
    assert "リモート窓口(赤堀支所)" in page.text and "予約 10:30" in page.text
    act(client, "open_counter", csrf)
    clock[0] = start - 60  # its slot is due
    act(client, "call_next", csrf)

    payload = svc.publisher.topics[topics.call(svc.config.id, "r01")]
    call = CallMessage.model_validate_json(payload)
    assert call.number == number and call.counter_number == 51
    at_branch, main_floor = board(["r01"], svc.config), board(["c09", "c10"], svc.config)
    for b in (at_branch, main_floor):
        b.on_call(call, retained=False)
    assert [c.number for c in at_branch.view().calls] == [number]
    assert main_floor.view().calls == ()
