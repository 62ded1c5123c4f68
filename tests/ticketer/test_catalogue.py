"""The route preview is the route the service gives; business days start at reset time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from protocol import messages as m
from protocol.site import load_config
from queue_service.engine import QueueEngine
from ticketer.catalogue import route

from .conftest import T0

pytestmark = pytest.mark.pure

SITE = load_config()
CASES = [
    (ev.id, list(dict.fromkeys(list(ev.procedures) + [p for q in ev.questions for p in q.add])))
    for ev in SITE.life_events.values()
] + [("mixed", ["juminhyo", "tennyu", "shotoku", "jido_teate", "inu_toroku", "koseki"])]


@pytest.mark.parametrize("name, procedures", CASES, ids=[c[0] for c in CASES])
def test_preview_matches_the_route_the_engine_gives(name, procedures):
    engine = QueueEngine(SITE)
    result = engine.handle("issue", m.IssueRequest(
        request_id=f"preview-{name}", issuing_point="east", procedures=procedures), T0).result
    issued = [(s["department"], s["procedure"]) for s in result["visit"]["steps"]]
    plan = route(SITE, procedures)
    assert [(s.department, p.id) for s in plan.stops for p in s.procedures] == issued
    assert [p.id for p in plan.guidance] == result["guidance"]


def test_stops_name_counters_floors_and_colours():
    plan = route(SITE, ["shussei", "hoikusho"])
    first, second = plan.stops
    assert (first.department, first.counter_numbers(), first.colour) == ("sogo", "1・2・3", "#2E7D32")
    assert (second.floor_ja, second.counters[0].colour_ja) == ("2階", "きいろ")


def test_business_day_starts_at_the_reset_time():
    tz = ZoneInfo("Asia/Tokyo")
    assert SITE.business_day(datetime(2027, 3, 29, 3, 59, tzinfo=tz).timestamp()) == "2027-03-28"
    assert SITE.business_day(datetime(2027, 3, 29, 4, 0, tzinfo=tz).timestamp()) == "2027-03-29"
