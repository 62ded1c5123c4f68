"""The one follower of the service's retained state that every appliance uses."""

import json

import pytest

from protocol.codec import encode
from protocol.follower import ServiceFollower
from protocol.messages import CongestionMessage, ServiceStatus
from protocol.site import load_config

pytestmark = pytest.mark.pure
TOPIC = "madoguchi/isesaki/congestion/shimin"


def congestion(waiting: int) -> CongestionMessage:
    return CongestionMessage(department="shimin", waiting=waiting, serving=1, counters_open=1,
                             estimated_wait_min=4.0, level="low", label_ja="", label_en="", at=0)


def test_congestion_replaces_the_entry_and_an_empty_payload_removes_it():
    follower, heard = ServiceFollower(load_config()), []
    follower.on_congestion(lambda dept, msg: heard.append((dept, msg and msg.waiting)))
    follower.handle_congestion(TOPIC, encode(congestion(3)), True)
    follower.handle_congestion(TOPIC, encode(congestion(5)), False)
    assert follower.congestion("shimin").waiting == 5
    follower.handle_congestion(TOPIC, b"{not json", False)  # ignored: the last good stays
    assert follower.congestion("shimin").waiting == 5
    follower.handle_congestion(TOPIC, b"", True)
    assert follower.congestion("shimin") is None and follower.all_congestion() == {}
    follower.handle_congestion(TOPIC, b"", True)  # nothing left to remove: no news
    assert heard == [("shimin", 3), ("shimin", 5), ("shimin", None)]


def test_the_site_document_replaces_the_configuration_only_when_it_parses_and_differs():
    local = load_config()
    follower, sites, changes = ServiceFollower(local), [], []
    follower.on_site(sites.append)
    follower.on_change(lambda: changes.append(1))
    follower.handle_site("madoguchi/isesaki/site", b'{"site": {"id": "BAD ID"}}', True)
    follower.handle_site("madoguchi/isesaki/site", b"\xff\xfe", True)
    assert follower.config is local and not sites
    same = json.dumps(local.document, ensure_ascii=False, default=str).encode()
    follower.handle_site("madoguchi/isesaki/site", same, True)
    assert follower.config.source == "madoguchi/isesaki/site" and not sites  # nothing new
    changed = json.loads(same)
    changed["site"]["name_ja"] = "伊勢崎市役所 東分庁舎"
    follower.handle_site("madoguchi/isesaki/site", json.dumps(changed).encode(), True)
    assert [s.name_ja for s in sites] == ["伊勢崎市役所 東分庁舎"] and len(changes) == 1


def test_the_service_status_is_the_last_good_one():
    follower, heard = ServiceFollower(), []
    follower.on_status(heard.append)
    follower.handle_status("madoguchi/isesaki/service/status",
                           encode(ServiceStatus(state="online", day="2027-03-29", boot=4)), True)
    follower.handle_status("madoguchi/isesaki/service/status", b"garbage", False)
    follower.handle_status("madoguchi/isesaki/service/status", b"", True)
    assert follower.status.boot == 4 and [s.state for s in heard] == ["online"]


def test_a_failing_listener_does_not_stop_the_others():
    follower, heard = ServiceFollower(), []
    follower.on_congestion(lambda dept, msg: 1 / 0)
    follower.on_change(lambda: heard.append("change"))
    follower.handle_congestion(TOPIC, encode(congestion(1)), True)
    assert heard == ["change"]
