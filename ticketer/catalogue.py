"""What the concierge picks from: life events, procedures found by name or kana, and the
route a visit will take (departments in order, counters, floors, colours, waiting).

Pure functions of the site configuration and the last congestion messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.messages import CongestionMessage
from protocol.site import Counter, Procedure, SiteConfig, normalise


def search(site: SiteConfig, query: str, limit: int = 12) -> list[Procedure]:
    """Procedures whose name (ja or en) or reading contains the query; readings that
    start with it come first."""
    q = normalise(query)
    if not q:
        return []
    hits: list[tuple[int, Procedure]] = []
    for p in site.procedures.values():
        reading = normalise(p.kana)
        fields = (normalise(p.name_ja), reading, normalise(p.name_en))
        if any(q in f for f in fields):
            hits.append((0 if reading.startswith(q) or fields[0].startswith(q) else 1, p))
    hits.sort(key=lambda h: h[0])
    return [p for _, p in hits[:limit]]


def categories(site: SiteConfig) -> list[str]:
    seen: list[str] = []
    for p in site.procedures.values():
        if p.category not in seen:
            seen.append(p.category)
    return seen


@dataclass(frozen=True)
class CounterInfo:
    number: int
    colour: str
    colour_ja: str
    colour_en: str
    position_ja: str
    position_en: str


@dataclass(frozen=True)
class RouteStop:
    department: str
    name_ja: str
    name_en: str
    floor_ja: str
    floor_en: str
    procedures: tuple[Procedure, ...]
    counters: tuple[CounterInfo, ...]
    waiting: int | None = None
    # the range the service estimates (protocol.waits), for this visit's needs; None
    # while no counter is open or congestion is unknown
    wait_range: tuple[int, int] | None = None
    moving_here: int = 0
    counters_open: int = 0
    level: str | None = None

    @property
    def colour(self) -> str:
        return self.counters[0].colour if self.counters else "#777777"

    def counter_numbers(self) -> str:
        return "・".join(str(c.number) for c in self.counters)


@dataclass(frozen=True)
class Route:
    stops: tuple[RouteStop, ...]
    guidance: tuple[Procedure, ...]

    @property
    def empty(self) -> bool:
        return not self.stops


def counters_for(site: SiteConfig, department: str, procedures: list[str]) -> list[Counter]:
    """The department's counters that serve at least one of these procedures."""
    return [c for c in site.counters_of(department) if any(c.serves(p) for p in procedures)]


def route(site: SiteConfig, procedure_ids: list[str],
          congestion: dict[str, CongestionMessage] | None = None,
          needs: tuple[str, ...] | list[str] | set[str] = ()) -> Route:
    """The visit's stops in the order the service will route it; waiting at each stop
    from the latest congestion message of its department (None if unknown). With a
    priority need the visit is called first: the wait is the service's estimate for that."""
    priority = bool(set(needs) & set(site.calling.priority_needs))
    stops_raw, guidance = site.itinerary(procedure_ids)
    stops = []
    for dept_id, procs in stops_raw:
        dept = site.departments[dept_id]
        floor = site.floors[dept.floor]
        counters = tuple(
            CounterInfo(c.number, c.colour, c.colour_ja, c.colour_en, c.position_ja, c.position_en)
            for c in counters_for(site, dept_id, procs)
        )
        cong = (congestion or {}).get(dept_id)
        stops.append(RouteStop(
            department=dept_id, name_ja=dept.name_ja, name_en=dept.name_en,
            floor_ja=floor.name_ja, floor_en=floor.name_en,
            procedures=tuple(site.procedures[p] for p in procs), counters=counters,
            waiting=cong.waiting if cong else None,
            wait_range=_range(cong, priority) if cong else None,
            moving_here=cong.moving_here if cong else 0,
            counters_open=cong.counters_open if cong else 0,
            level=cong.level if cong else None,
        ))
    return Route(tuple(stops), tuple(site.procedures[p] for p in guidance))


def _range(c: CongestionMessage, priority: bool) -> tuple[int, int] | None:
    low, high = ((c.priority_wait_min_low, c.priority_wait_min_high) if priority
                 else (c.wait_min_low, c.wait_min_high))
    return None if low is None or high is None else (low, high)
