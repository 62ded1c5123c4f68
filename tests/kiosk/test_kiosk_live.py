"""Live data from the real queue service: the retained site configuration and each
department's congestion reach the guide through a real Mosquitto."""

from __future__ import annotations

import time

from kiosk.guide import GuidePresenter
from kiosk.live import LiveData
from protocol.client import ServiceClient, new_request_id
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
    live = LiveData(config)
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
    live = LiveData(config)
    live.handle_site("madoguchi/isesaki/site", b'{"site": {"id": "BAD ID"}}', True)
    live.handle_site("madoguchi/isesaki/site", b"\xff\xfe", True)
    assert live.config is config
