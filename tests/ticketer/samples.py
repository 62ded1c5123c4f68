"""Deterministic tickets for printing tests and the reference images."""

from __future__ import annotations

import itertools

from protocol import messages as m
from protocol.site import SiteConfig
from queue_service.engine import QueueEngine
from ticketer.catalogue import route
from ticketer.ticket import offline_ticket, online_ticket

from .conftest import T0


def online_sample(site: SiteConfig) -> dict:
    """Ticket 6 of a morning with 5 citizens ahead at the one-stop counter, 3 counters open."""
    engine = QueueEngine(site)
    ids = itertools.count()

    def run(command, **fields):
        req = m.COMMANDS[command](request_id=f"sample-{next(ids):04d}", **fields)
        return engine.handle(command, req, T0, lambda: "Xq3v9TtJ2bL0c8Yw").result

    for c in ("c01", "c02", "c03", "c09", "c11"):
        run("open_counter", counter=c)
    for _ in range(5):
        run("issue", issuing_point="west", procedures=["tenkyo"])
    result = run("issue", issuing_point="east", life_event="tennyu",
                 procedures=["tennyu", "kokuho_kanyu", "nenkin", "jido_teate", "inu_toroku"])
    # The reference picture must not change when the service's wait estimate improves.
    result["visit"].update(people_ahead=5, estimated_wait_min=20.4, wait_min_low=15,
                           wait_min_high=25)
    return online_ticket(site, m.IssueResult.model_validate(result), "ja")


def offline_sample(site: SiteConfig) -> dict:
    plan = route(site, ["juminhyo", "inkan_shomei"], {})
    return offline_ticket(site, plan, 1042, T0 + 3600, "ja", 0)
