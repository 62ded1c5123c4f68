"""The simulated city-hall day: who comes when, for what, how long each procedure takes,
how far people walk and how many counters are staffed.

Everything random is drawn up front from one seed, so the shared-number run and the
separate-ticket run see the very same citizens, arrival times and service times.
Numbers come from /work/shared/domain.md: about 1,000 cases a working day at Isesaki,
a late-March peak day 3-4 times an ordinary one (Tsukuba), mostly certificates, moves
and insurance at peak, bereavements bundling 4-6 procedures.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import floorplan
from protocol.site import Counter, SiteConfig, parse_config

TZ = ZoneInfo("Asia/Tokyo")
DATE = (2027, 3, 29)  # a Monday in the late-March moving season
OPEN_AT = (8, 30)  # counters open, issuing starts
LAST_ISSUE_AT = (17, 15)  # the last ticket of the day
# Share of the day's arrivals per slot (start hour, end hour): a morning peak, a lunch dip,
# a smaller early-afternoon wave.
ARRIVAL_PROFILE: tuple[tuple[float, float, float], ...] = (
    (8.5, 9, 0.06), (9, 10, 0.15), (10, 11, 0.15), (11, 12, 0.12), (12, 13, 0.08),
    (13, 14, 0.12), (14, 15, 0.12), (15, 16, 0.11), (16, 17, 0.07), (17, 17.25, 0.02),
)
SERVICE_CV = 0.5  # spread of service times around the configured minutes (lognormal)
MISS_SHARE = 0.05  # share of calls nobody answers (away, did not hear); once per stop
PRIORITY_NEEDS = (("wheelchair", 0.015), ("pregnancy", 0.008), ("sight", 0.004))
WALK_SPEED = (1.0, 0.15)  # m/s, mean and spread; floor plans are in metres
REACT_S = 15.0  # seconds to notice a call and stand up
TICKET_S = 20.0  # the old way: drawing a new ticket at each department's machine
UTILISATION_TARGET = 1.0  # staffing: day-long counter load per open counter (a busy day)


@dataclass(frozen=True)
class VisitKind:
    id: str
    name_ja: str
    name_en: str
    life_event: str | None
    weight: dict[str, float]  # per day kind ("average", "peak")
    draw: Callable[[random.Random], list[str]]


def _pick(rng: random.Random, weighted: dict[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _move_in(rng: random.Random) -> list[str]:
    # 転入 questionnaire: children (+2), someone 65+ (+1) or needing care (+1): 3-5 queued.
    extra = _pick(rng, {"none": 0.45, "children": 0.33, "over65": 0.16, "care": 0.06})
    add = {"none": [], "children": ["jido_teate", "kodomo_iryo"], "over65": ["kaigo_shikaku"],
           "care": ["shogai_techo"]}[extra]
    return ["tennyu", "kokuho_kanyu", "nenkin", *add]


def _move_out(rng: random.Random) -> list[str]:
    procs = ["tenshutsu", "kokuho_soshitsu"]
    if rng.random() < 0.3:
        procs.append("jido_teate")
    return procs


def _bereavement(rng: random.Random) -> list[str]:
    # 死亡・おくやみ: the five core procedures, minus insurance when the deceased was not on
    # national health insurance, plus pension / disability questions: 4-6 queued.
    procs = ["shibou", "okuyami_sodan", "kokuho_soshitsu", "koki_korei", "kaigo_shikaku"]
    if rng.random() < 0.3:
        procs.remove("kokuho_soshitsu")
    if rng.random() < 0.5:
        procs.append("nenkin")
    if rng.random() < 0.15 and len(procs) < 6:
        procs.append("shogai_techo")
    return procs


def _birth(rng: random.Random) -> list[str]:
    procs = ["shussei", "jido_teate", "kodomo_iryo", "kokuho_kanyu"]
    if rng.random() < 0.3:
        procs.append("hoikusho")
    return procs


def _move_within(rng: random.Random) -> list[str]:
    return ["tenkyo", "jido_teate"] if rng.random() < 0.25 else ["tenkyo"]


CERTIFICATES = {"juminhyo": 0.40, "inkan_shomei": 0.15, "shotoku": 0.15, "koseki": 0.12,
                "nozei": 0.05, "kisai_jiko": 0.04, "kotei_shisan": 0.03, "joseki": 0.03,
                "koseki_fuhyo": 0.03}

VISIT_KINDS: tuple[VisitKind, ...] = (
    VisitKind("certificate", "証明書", "One certificate", "shomei",
              {"average": 0.50, "peak": 0.48}, lambda r: [_pick(r, CERTIFICATES)]),
    VisitKind("card_seal", "マイナンバーカード・印鑑登録", "My Number card or seal", None,
              {"average": 0.09, "peak": 0.08},
              lambda r: [_pick(r, {"mynumber": 0.6, "inkan_toroku": 0.4})]),
    VisitKind("insurance", "保険・年金(1件)", "Insurance or pension (one)", None,
              {"average": 0.12, "peak": 0.12},
              lambda r: [_pick(r, {"kokuho_kanyu": 0.4, "kokuho_soshitsu": 0.3, "nenkin": 0.2,
                                   "koki_korei": 0.1})]),
    VisitKind("care", "介護・障がい(1件)", "Care or disability (one)", None,
              {"average": 0.05, "peak": 0.03},
              lambda r: [_pick(r, {"kaigo_nintei": 0.6, "shogai_techo": 0.4})]),
    VisitKind("move_within", "転居", "Moving within the city", "tenkyo",
              {"average": 0.05, "peak": 0.06}, _move_within),
    VisitKind("move_out", "転出", "Moving out", "tenshutsu",
              {"average": 0.05, "peak": 0.07}, _move_out),
    VisitKind("move_in", "引越し・転入", "Moving in", "tennyu",
              {"average": 0.08, "peak": 0.10}, _move_in),
    VisitKind("birth", "出生", "Birth", "shussei",
              {"average": 0.03, "peak": 0.02}, _birth),
    VisitKind("bereavement", "死亡・おくやみ", "Bereavement", "shibou",
              {"average": 0.03, "peak": 0.02}, _bereavement),
)
KINDS = {k.id: k for k in VISIT_KINDS}


@dataclass(frozen=True)
class Citizen:
    """One visit as it will unfold, whatever the ticketing: all random draws live here."""

    index: int
    kind: str
    life_event: str | None
    arrival: float  # epoch seconds: issued at the entrance
    issuing_point: str
    procedures: tuple[str, ...]  # queued procedures, in itinerary order
    service_s: tuple[float, ...]  # counter time of each procedure
    misses: tuple[bool, ...]  # misses the first call of the stop starting with this procedure
    needs: tuple[str, ...]
    speed: float  # walking speed, m/s


@dataclass(frozen=True)
class DayPlan:
    name: str  # "average" or "peak"
    visits: int
    seed: int


def day_start() -> float:
    return datetime(*DATE, 0, 0, tzinfo=TZ).timestamp()


def clock(hours: float) -> float:
    """Epoch seconds of a time of the simulated day, given in hours (9.5 = 09:30)."""
    return day_start() + hours * 3600


def open_time() -> float:
    return clock(OPEN_AT[0] + OPEN_AT[1] / 60)


def last_issue_time() -> float:
    return clock(LAST_ISSUE_AT[0] + LAST_ISSUE_AT[1] / 60)


def _in_itinerary_order(config: SiteConfig, procs: list[str]) -> list[str]:
    """The procedures in the order the site's itinerary gives (grouped by department,
    keeping the order constraints): the order the old way walks them."""
    return [p for _, ps in config.itinerary(procs)[0] for p in ps]


def _service_seconds(rng: random.Random, minutes: float) -> float:
    sigma = math.sqrt(math.log(1 + SERVICE_CV**2))
    mu = math.log(minutes) - sigma**2 / 2
    return 60 * min(max(rng.lognormvariate(mu, sigma), 1.0), 4 * minutes)


def make_citizens(config: SiteConfig, plan: DayPlan) -> list[Citizen]:
    """The day's visits, sorted by arrival; the same plan always gives the same list."""
    rng = random.Random(plan.seed)
    slots = ARRIVAL_PROFILE
    times = []
    for _ in range(plan.visits):
        start, end, _share = rng.choices(slots, weights=[s[2] for s in slots])[0]
        times.append(clock(start + rng.random() * (end - start)))
    times.sort()
    kinds = [k.id for k in VISIT_KINDS]
    weights = [k.weight[plan.name] for k in VISIT_KINDS]
    points = sorted(config.issuing_points)
    citizens = []
    for i, t in enumerate(times):
        kind = KINDS[rng.choices(kinds, weights=weights)[0]]
        procs = _in_itinerary_order(config, kind.draw(rng))
        needs = tuple(n for n, share in PRIORITY_NEEDS if rng.random() < share)
        citizens.append(Citizen(
            index=i, kind=kind.id, life_event=kind.life_event, arrival=t,
            issuing_point=rng.choice(points), procedures=tuple(procs),
            service_s=tuple(_service_seconds(rng, config.procedures[p].minutes) for p in procs),
            misses=tuple(rng.random() < MISS_SHARE for _ in procs), needs=needs,
            speed=max(0.5, rng.gauss(*WALK_SPEED)) * (0.6 if "wheelchair" in needs else 1.0),
        ))
    return citizens


def plan_staffing(config: SiteConfig, citizens: list[Citizen],
                  utilisation: float = UTILISATION_TARGET) -> dict[str, int]:
    """Counters to open per department: the day's expected counter load (configured
    minutes plus a minute per call for walking up) over the opening hours, at
    `utilisation`; the morning peak runs above it and the afternoon drains it."""
    load = {d: 0.0 for d in config.departments}
    for c in citizens:
        stops = set()
        for p in c.procedures:
            dept = config.queue_department(p)
            load[dept] += config.procedures[p].minutes
            stops.add(dept)
        for d in stops:
            load[d] += 1.0
    hours = (last_issue_time() - open_time()) / 60
    return {d: max(1, math.ceil(load[d] / (hours * utilisation)))
            for d in config.departments if config.counters_of(d)}


def staffed_config(config: SiteConfig, staffing: dict[str, int],
                   last_number: int = 9999) -> SiteConfig:
    """The site with enough counter positions for the staffing plan. The shipped example
    lists one to three per department; extra (temporary) positions are added beside them
    in a copy of its document, which goes through the same validation as any site file.
    The separate-ticket comparison issues more tickets than there are visits, hence
    `last_number`."""
    doc = copy.deepcopy(config.document)
    doc["numbers"]["last"] = max(doc["numbers"]["last"], last_number)
    number = max(c.number for c in config.counters.values())
    for dept, wanted in staffing.items():
        mine = [t for t in doc["counters"] if t["department"] == dept]
        base = mine[0]
        width = config.floors[base["floor"]].width
        step = 3 if base["x"] < width / 2 else -3
        for k in range(1, wanted - len(mine) + 1):
            number += 1
            doc["counters"].append({
                **base, "id": f"t{number:02d}", "number": number,
                "x": min(width, max(0, base["x"] + step * k)),
                "position_ja": f"{number}番窓口(臨時)", "position_en": f"Counter {number} (temporary)",
            })
    return parse_config(doc, "simulation staffing")


def counters_to_open(config: SiteConfig, staffing: dict[str, int]) -> list[Counter]:
    out = []
    for dept, n in staffing.items():
        out.extend(config.counters_of(dept)[:n])
    return out


class FloorPlan(floorplan.FloorPlan):
    """The site's floor plan, walked by a citizen who also needs a moment to react."""

    def answer_call(self, dept: str, counter: str, speed: float) -> float:
        """From the department's waiting seats to the counter that called."""
        return REACT_S + self.seats_to_counter(dept, counter, speed)
