"""Rules the appliances and the service share are kept once, so they cannot disagree:
the route order and which counter serves what."""

import pytest

from kiosk import floormap
from kiosk.guide import GuidePresenter
from protocol.follower import ServiceFollower
from protocol.site import load_config
from tests.queue_service.helpers import Desk
from ticketer.catalogue import route

pytestmark = pytest.mark.pure
CONFIG = load_config()
# A department's procedure first, then one-stop ones: the guide used to put the one-stop
# counter first whatever the order, the engine routes by first mention.
VISITS = [list(e.procedures) for e in CONFIG.life_events.values()] + [
    ["nenkin", "tennyu", "kokuho_kanyu", "inu_toroku"],
    ["juminhyo", "jido_teate", "tenshutsu"],
]


@pytest.mark.parametrize("procedures", VISITS, ids=lambda p: "+".join(p))
def test_the_guide_the_issuer_and_the_engine_give_the_same_route(procedures):
    desk = Desk()
    issued = desk.run("issue", issuing_point="east", procedures=procedures)
    engine_order = [s["procedure"] for s in issued["visit"]["steps"]] + issued["guidance"]
    guide = GuidePresenter(ServiceFollower(CONFIG), floormap.resolve_here(CONFIG, "east"))
    assert [d.procedure.id for d in guide.guidance_list(procedures)] == engine_order
    plan = route(CONFIG, procedures)
    assert [p.id for s in plan.stops for p in s.procedures] + [p.id for p in plan.guidance] \
        == engine_order


def test_the_issuer_shows_exactly_the_counters_the_engine_calls_from():
    for procedure in (p for p in CONFIG.procedures.values() if p.queued):
        department = CONFIG.queue_department(procedure.id)
        shown = {c.number for s in route(CONFIG, [procedure.id]).stops for c in s.counters}
        callers = set()
        for counter in CONFIG.counters_of(department):
            desk = Desk()
            desk.open(counter.id)
            desk.issue(procedure.id)
            if desk.call(counter.id) is not None:
                callers.add(counter.number)
        assert shown == callers, procedure.id

