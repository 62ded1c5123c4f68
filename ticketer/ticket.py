"""What a ticket says, as a plain dict stored with it, so a reprint is identical.

Built from the service's answer (online: the visit's real steps, people ahead and the
token for the QR link) or from the local route (offline: leased number, last known
congestion, a QR link to the public congestion page because no visit token exists yet).
"""

from __future__ import annotations

import time

from protocol import messages as m
from protocol.site import SiteConfig

from .catalogue import Route, counters_for


def _stop(site: SiteConfig, dept_id: str, procs: list[str]) -> dict:
    dept = site.departments[dept_id]
    floor = site.floors[dept.floor]
    cs = counters_for(site, dept_id, procs)
    first = cs[0] if cs else None
    return {
        "department": dept_id, "dept_ja": dept.name_ja, "dept_en": dept.name_en,
        "floor_ja": floor.name_ja, "floor_en": floor.name_en,
        "counters": [c.number for c in cs],
        "colour": first.colour if first else "#777777",
        "colour_ja": first.colour_ja if first else "", "colour_en": first.colour_en if first else "",
        "procedures_ja": [site.procedures[p].name_ja for p in procs],
        "procedures_en": [site.procedures[p].name_en for p in procs],
    }


def _guidance(site: SiteConfig, ids: list[str]) -> list[dict]:
    out = []
    for pid in ids:
        p = site.procedures[pid]
        out.append({"name_ja": p.name_ja, "name_en": p.name_en,
                    "note_ja": p.note_ja, "note_en": p.note_en})
    return out


def _base(site: SiteConfig, number: int, issued_at: float, language: str) -> dict:
    return {"site_ja": site.name_ja, "site_en": site.name_en, "number": number,
            "issued_at": issued_at, "day": site.business_day(issued_at),
            "timezone": site.timezone, "language": language}


def online_ticket(site: SiteConfig, result: m.IssueResult, language: str) -> dict:
    """From the issue answer: the visit's steps in the service's order."""
    visit = result.visit
    order: dict[str, list[str]] = {}
    for step in visit.steps:
        order.setdefault(step.department, []).append(step.procedure)
    ticket = _base(site, result.number, visit.issued_at, language)
    ticket.update(
        stops=[_stop(site, d, procs) for d, procs in order.items()],
        guidance=_guidance(site, result.guidance),
        ahead=visit.people_ahead, wait_range=_range(visit.wait_min_low, visit.wait_min_high),
        url=f"{site.public_url}/v/{result.token}", offline=False,
        booked=visit.booked, slot_at=visit.slot_at,
    )
    return ticket


def offline_ticket(site: SiteConfig, plan: Route, number: int, issued_at: float,
                   language: str, offline_ahead: int) -> dict:
    """From the local route; people ahead = last known waiting + visits issued here
    offline since; the wait is the service's last estimate for a newcomer (the issuer
    makes none of its own)."""
    first = plan.stops[0]
    ticket = _base(site, number, issued_at, language)
    ahead = None if first.waiting is None else first.waiting + offline_ahead
    ticket.update(
        stops=[_stop(site, s.department, [p.id for p in s.procedures]) for s in plan.stops],
        guidance=_guidance(site, [p.id for p in plan.guidance]),
        ahead=ahead, wait_range=list(first.wait_range) if first.wait_range else None,
        url=f"{site.public_url}/", offline=True,
    )
    return ticket


def _range(low: int | None, high: int | None) -> list[int] | None:
    """The range as the service sent it; None: no counter of the department is open."""
    return None if low is None or high is None else [low, high]


def with_token(site: SiteConfig, ticket: dict, token: str) -> dict:
    """An offline ticket after the service accepted it: a reprint links to the visit."""
    return {**ticket, "url": f"{site.public_url}/v/{token}"}


def sample_ticket(site: SiteConfig) -> dict:
    """A test print: looks like a ticket, says it is not one, number 0."""
    first = next(p for p in site.procedures.values() if p.queued)
    ticket = _base(site, 0, time.time(), "ja")
    ticket.update(stops=[_stop(site, site.queue_department(first.id), [first.id])],
                  guidance=[], ahead=None, wait_range=None, url=f"{site.public_url}/",
                  offline=False, sample=True)
    return ticket
