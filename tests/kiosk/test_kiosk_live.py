"""Live data from the real queue service: the retained site configuration and each
department's congestion reach the guide through a real Mosquitto."""

from __future__ import annotations

import time

import pytest

from kiosk.guide import GuidePresenter
from protocol.client import ServiceClient, new_request_id
from protocol.follower import ServiceFollower
from protocol.messages import IssueRequest
from protocol.site import load_config


def wait_until(predicate, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "live data did not arrive in time"
        time.sleep(0.05)


def test_guide_shows_the_waits_the_service_publishes(queue_service, east):
    broker = queue_service.broker
    config = load_config()
    live = ServiceFollower(config)
    changes: list[int] = []
    live.on_change(lambda: changes.append(1))
    guide_client = ServiceClient(queue_service.site, "guide-east", broker.host, broker.port)
    live.attach(guide_client)
    issuer = ServiceClient(queue_service.site, "issuer-east", broker.host, broker.port)
    guide_client.start()
    issuer.start()
    try:
        guide = GuidePresenter(live, east)
        wait_until(lambda: live.congestion("shimin") is not None)
        before = guide.destination("juminhyo").wait.waiting
        for _ in range(3):
            response = issuer.request("issue", IssueRequest(
                request_id=new_request_id(), issuing_point="east", procedures=["juminhyo"]))
            assert response.ok
        wait_until(lambda: guide.destination("juminhyo").wait.waiting == before + 3)
        dest = guide.destination("juminhyo")
        assert dest.wait.level in ("low", "medium", "high", "closed")
        assert "人待ち" in dest.wait_text("ja") or "受付していません" in dest.wait_text("ja")
        assert changes
        # The service's retained site document replaced the local file, parsed the same way.
        assert live.config.source.endswith("/site")
        assert live.config.procedures["juminhyo"].fee_yen == 300
    finally:
        guide_client.stop()
        issuer.stop()


def test_a_bad_site_document_keeps_the_last_good_configuration(config):
    live = ServiceFollower(config)
    live.handle_site("madoguchi/isesaki/site", b'{"site": {"id": "BAD ID"}}', True)
    live.handle_site("madoguchi/isesaki/site", b"\xff\xfe", True)
    assert live.config is config


@pytest.fixture
def guide_and_desk(queue_service, east):
    """The east entrance's guide, asking the real service, and counter 1's desk."""
    broker = queue_service.broker
    guide_client = ServiceClient(queue_service.site, "guide-east", broker.host, broker.port)
    staff = ServiceClient(queue_service.site, "counter-c01", broker.host, broker.port)
    guide_client.start()
    staff.start()
    try:
        yield GuidePresenter(ServiceFollower(load_config()), east, client=guide_client), staff
    finally:
        guide_client.stop()
        staff.stop()


def test_a_ticket_holder_sees_the_progress_of_their_visit(guide_and_desk):
    from kiosk.guide import ProgressUnavailable
    from protocol.messages import CallNext, OpenCounter

    guide, staff = guide_and_desk
    number = staff.request("issue", IssueRequest(
        request_id=new_request_id(), issuing_point="east",
        procedures=["tennyu", "jido_teate", "kokuho_kanyu"])).result.number
    waiting = guide.progress(number)
    # anyone may type any number: where to go, never which procedures
    assert (waiting.done, waiting.total) == (0, 3)
    assert waiting.next.place == "1・2・3番窓口(総合窓口)" and waiting.called_at == ""

    assert staff.request("open_counter", OpenCounter(request_id=new_request_id(),
                                                     counter="c01")).ok
    assert staff.request("call_next", CallNext(request_id=new_request_id(), counter="c01")).ok
    called = guide.progress(number)
    assert called.called_at == "1番窓口(総合窓口)"
    assert [c.id for c in called.next.counters] == ["c01"]  # the map leads to that counter

    with pytest.raises(ProgressUnavailable) as unknown:
        guide.progress(2999)
    assert unknown.value.key == "number_unknown"


def test_without_a_connection_the_progress_says_the_service_is_down(config, east):
    from kiosk.guide import ProgressUnavailable

    with pytest.raises(ProgressUnavailable) as exc:
        GuidePresenter(ServiceFollower(config), east).progress(1)
    assert exc.value.key == "service_down"


def test_after_a_transfer_the_guide_sends_the_citizen_where_the_visit_now_waits(guide_and_desk):
    """回す from 1番窓口 to 国民健康保険課: the guide said 1・2・3番 while the phone page said
    9・10番; both now follow the department the visit waits in."""
    from protocol.messages import CallNext, OpenCounter, StartService, Transfer

    guide, staff = guide_and_desk
    number = staff.request("issue", IssueRequest(
        request_id=new_request_id(), issuing_point="east", procedures=["tennyu"])).result.number
    assert staff.request("open_counter", OpenCounter(request_id=new_request_id(), counter="c01")).ok
    assert staff.request("call_next", CallNext(request_id=new_request_id(), counter="c01")).ok
    assert staff.request("start", StartService(request_id=new_request_id(), counter="c01")).ok
    moved = staff.request("transfer", Transfer(request_id=new_request_id(), counter="c01",
                                               department="kokuho"))
    assert moved.ok, moved.error
    shown = guide.progress(number)
    assert shown.next.place == "9・10番窓口(国民健康保険課)"
    assert moved.result.visit.department == "kokuho"
