"""Each lever of one shared number on and off, over several seeds:
`python -m benchmarks.sim_levers` (about two minutes).

The levers (docs/estimates.md, "One number for every citizen"): arrival-aware calling,
the bounded place at the next department, flexible routing, staffing advice for a pool
of multi-department staff, and shorter later procedures where the application data is
shared (書かない, reported apart from the targets). Every run is the same citizens,
service times and staff as the separate-ticket run it is compared with.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from protocol.site import SiteConfig, load_config

from .sim_report import _pyplot, _save, is_multi, single_waits, stays_by_kind
from .sim_run import DayResult, simulate
from .sim_scenario import (
    KINDS,
    VISIT_KINDS,
    Citizen,
    DayPlan,
    make_citizens,
    plan_staffing,
    staffed_config,
)
from .sim_staffing import POOL, PooledDay

SEEDS = (2027, 1, 2, 3, 4, 5)
ROOT = Path(__file__).resolve().parent.parent
PEAK_VISITS, AVERAGE_VISITS = 1600, 460


def with_routing(config: SiteConfig, **changes) -> SiteConfig:
    """The site with some `[routing]` settings changed (a lever on or off)."""
    return replace(config, routing=replace(config.routing, **changes))


def no_levers(config: SiteConfig) -> SiteConfig:
    """One shared number as first built: listed order, callable at once, place kept."""
    return with_routing(config, flexible=False, arrival_aware=False, place_lead_minutes=math.inf)


def visit_wait_min(r: DayResult) -> dict[int, float]:
    """Each visit's waits at all its departments together, minutes, by citizen index."""
    return {v.citizen.index: sum(s.wait_s for s in v.stops) / 60 for v in r.visits}


def kind_waits(r: DayResult) -> dict[str, float]:
    """Mean of the visits' total wait per kind of visit."""
    waits = visit_wait_min(r)
    out = {}
    for k in VISIT_KINDS:
        mine = [waits[v.citizen.index] for v in r.visits if v.citizen.kind == k.id]
        if mine:
            out[k.id] = statistics.fmean(mine)
    return out


@dataclass(frozen=True)
class Versus:
    """One way of running the day against the separate tickets of the same day."""

    stay_multi_min: float
    stay_multi_separate_min: float
    wait_single_min: float
    wait_single_separate_min: float
    worst_kind: str
    worst_kind_wait_ratio: float
    total_wait_ratio: float
    kind_ratios: dict[str, float]  # mean wait per kind of visit, this way / separate
    kind_stay_ratios: dict[str, float]  # mean time in the building per kind, this way / separate

    @property
    def stay_multi_ratio(self) -> float:
        return self.stay_multi_min / self.stay_multi_separate_min


def versus(run: DayResult, separate: DayResult) -> Versus:
    a, b = kind_waits(run), kind_waits(separate)
    ratios = {k: a[k] / b[k] for k in a if b.get(k)}
    worst = max(ratios, key=ratios.get)
    total = sum(visit_wait_min(run).values()) / sum(visit_wait_min(separate).values())

    def multi(r: DayResult) -> float:
        return statistics.fmean(v.stay_s / 60 for v in r.visits if is_multi(v))

    sa, sb = stays_by_kind(run), stays_by_kind(separate)
    stays = {k.id: sa[k.id].mean / sb[k.id].mean for k in VISIT_KINDS if sb[k.id].n}
    return Versus(multi(run), multi(separate), single_waits(run).mean, single_waits(separate).mean,
                  worst, ratios[worst], total, ratios, stays)


KAKANAI_SHARE = 0.17  # Ibusuki: handling 443 -> 369 s once the data is shared (書かない)


def kakanai(citizens: list[Citizen], share: float = KAKANAI_SHARE) -> list[Citizen]:
    """The same citizens with every procedure after a visit's first shorter by `share`:
    the application data read at the first counter is shared, nobody writes it again."""
    return [replace(c, service_s=c.service_s[:1] + tuple(s * (1 - share) for s in c.service_s[1:]))
            for c in citizens]


@dataclass
class Day:
    """The citizens and staffing of one simulated day, ready to run any way. The site has
    counter positions for the planned staff plus the whole pool in every department."""

    base: SiteConfig
    config: SiteConfig
    citizens: list[Citizen]
    staffing: dict[str, int]

    @classmethod
    def make(cls, base: SiteConfig, plan: DayPlan, pool: int = POOL) -> Day:
        citizens = make_citizens(base, plan)
        staffing = plan_staffing(base, citizens)
        positions = {d: n + pool for d, n in staffing.items()}
        return cls(base, staffed_config(base, positions), citizens, staffing)

    def run(self, mode: str = "shared", config: SiteConfig | None = None,
            rule: str | None = None, citizens: list[Citizen] | None = None) -> DayResult:
        """The day one way; `rule`: a pool of movable staff following it."""
        config, citizens = config or self.config, citizens or self.citizens
        if rule is None:
            return simulate(config, citizens, self.staffing, mode)
        return PooledDay(config, citizens, self.staffing, mode, rule).run()


@dataclass(frozen=True)
class Lever:
    """One way to run the shared-number day, and the separate-ticket day it is held against."""

    name: str
    config: SiteConfig
    rule: str | None = None  # the pool follows this rule; the separate day gets "reactive"
    kakanai: bool = False  # later procedures shorter (reported apart from the targets)


def levers(config: SiteConfig) -> list[Lever]:
    """One shared number with the levers switched on one after the other."""
    off = no_levers(config)
    lead = config.routing.place_lead_minutes
    return [
        Lever("no lever (as first built)", off),
        Lever("+ arrival-aware calls", with_routing(off, arrival_aware=True)),
        Lever(f"+ bounded place ({lead:g} min)",
              with_routing(off, arrival_aware=True, place_lead_minutes=lead)),
        Lever("+ flexible routing (shipped engine)", config),
        Lever(f"+ pool of {POOL} following the reactive rule", config, "reactive"),
        Lever(f"+ pool of {POOL} following the staffing advice (all levers)", config, "advice"),
        Lever("all levers + 書かない (later procedures −17%)", config, "advice", kakanai=True),
    ]


def run_lever(day: Day, lever: Lever, old: dict[tuple[str, str | None], DayResult]
              ) -> tuple[Versus, Versus]:
    """The lever's day against separate tickets and against per-procedure tickets, with
    the same staff (and pool, following the reactive rule, if the lever has one)."""
    rule = None if lever.rule is None else "reactive"
    for mode in ("separate", "per_procedure"):
        if (mode, rule) not in old:
            old[mode, rule] = day.run(mode, rule=rule)
    citizens = kakanai(day.citizens) if lever.kakanai else None
    run = day.run("shared", lever.config, lever.rule, citizens)
    return versus(run, old["separate", rule]), versus(run, old["per_procedure", rule])


def _fmt(values: list[float], digits: int = 2) -> str:
    """One value, or mean (min–max) over several days."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return (f"{statistics.fmean(values):.{digits}f} "
            f"({min(values):.{digits}f}–{max(values):.{digits}f})")


def lever_results(days: list[Day]) -> dict[str, list[tuple[Versus, Versus]]]:
    """Every lever configuration against (separate, per-procedure) tickets, day by day."""
    results: dict[str, list[tuple[Versus, Versus]]] = {}
    for d in days:
        old: dict[tuple[str, str | None], DayResult] = {}
        for lever in levers(d.config):
            results.setdefault(lever.name, []).append(run_lever(d, lever, old))
    return results


def lever_table(results: dict[str, list[tuple[Versus, Versus]]]) -> str:
    """Markdown: each lever configuration against separate tickets (and, in the last two
    columns, per-procedure tickets), over the days."""
    rows = [("| one shared number | multi stay / separate | single wait / separate "
             "| worst kind's wait / separate | total waits / separate "
             "| multi stay / per procedure | total waits / per procedure |"),
            "|---|---|---|---|---|---|---|"]
    for name, pairs in results.items():
        vs, pp = [p[0] for p in pairs], [p[1] for p in pairs]
        worst = statistics.mode(v.worst_kind for v in vs)
        rows.append(f"| {name} | {_fmt([v.stay_multi_ratio for v in vs])} "
                    f"| {_fmt([v.wait_single_min / v.wait_single_separate_min for v in vs])} "
                    f"| {_fmt([v.worst_kind_wait_ratio for v in vs])} ({KINDS[worst].name_ja}) "
                    f"| {_fmt([v.total_wait_ratio for v in vs])} "
                    f"| {_fmt([v.stay_multi_ratio for v in pp])} "
                    f"| {_fmt([v.total_wait_ratio for v in pp])} |")
    return "\n".join(rows)


def lead_table(days: list[Day], leads: tuple[float, ...] = (0, 2, 5, 10, 20, math.inf)) -> str:
    """Markdown: the place lead N against separate tickets (all other levers shipped)."""
    rows = [("| place lead N | multi stay / separate | worst kind's wait / separate "
            "| total waits / separate |"), "|---|---|---|---|"]
    separate = [d.run("separate") for d in days]
    for lead in leads:
        vs = [versus(d.run("shared", with_routing(d.config, place_lead_minutes=lead)), s)
              for d, s in zip(days, separate)]
        rows.append(f"| {'∞' if math.isinf(lead) else f'{lead:g} min'} "
                    f"| {_fmt([v.stay_multi_ratio for v in vs])} "
                    f"| {_fmt([v.worst_kind_wait_ratio for v in vs])} "
                    f"| {_fmt([v.total_wait_ratio for v in vs])} |")
    return "\n".join(rows)


def kind_table(results: dict[str, list[tuple[Versus, Versus]]], stay: bool = False) -> str:
    """Markdown: each kind of visit's mean wait (or time in the building) against
    separate tickets, mean over the days."""
    kinds = [k.id for k in VISIT_KINDS]
    rows = ["| one shared number | " + " | ".join(KINDS[k].name_ja for k in kinds) + " |",
            "|---|" + "---|" * len(kinds)]
    for name, pairs in results.items():
        cells = [statistics.fmean((v.kind_stay_ratios if stay else v.kind_ratios)[k]
                                  for v, _ in pairs) for k in kinds]
        rows.append(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return "\n".join(rows)


def chart(results: dict[str, list[tuple[Versus, Versus]]], path: Path, title: str) -> Path:
    """Bars per kind of visit: mean wait against separate tickets, one bar per lever."""
    plt = _pyplot()
    kinds = [k.id for k in VISIT_KINDS]
    fig, ax = plt.subplots(figsize=(11, 5), dpi=100)
    names = list(results)
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        ys = [statistics.fmean(v.kind_ratios[k] for v, _ in results[name]) for k in kinds]
        ax.bar([x - 0.4 + width * (i + 0.5) for x in range(len(kinds))], ys, width, label=name)
    ax.axhline(1.0, color="black", lw=1)
    ax.axhline(1.05, color="grey", ls=":", lw=1)
    ax.set_xticks(list(range(len(kinds))))
    ax.set_xticklabels([f"{KINDS[k].name_ja}\n{k}" for k in kinds], fontsize=8, rotation=30,
                       ha="right")
    ax.set_ylabel("mean wait / separate tickets (1 = the same)")
    ax.set_title(title)
    ax.legend(fontsize=7, ncols=2)
    ax.grid(axis="y", alpha=0.3)
    return _save(plt, fig, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sim_levers",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    ap.add_argument("--what", choices=("levers", "lead"), nargs="+", default=["levers", "lead"])
    ap.add_argument("--charts", type=Path, default=ROOT / "docs", help="folder for the PNG charts")
    args = ap.parse_args(argv)
    base = load_config()
    for name, visits in (("peak", PEAK_VISITS), ("average", AVERAGE_VISITS)):
        days = [Day.make(base, DayPlan(name, visits, s)) for s in args.seeds]
        print(f"### {name} day, seeds {', '.join(map(str, args.seeds))}\n")
        if "levers" in args.what:
            results = lever_results(days)
            print(lever_table(results), end="\n\n")
            print(kind_table(results), end="\n\n")
            print(kind_table(results, stay=True), end="\n\n")
            path = chart(results, args.charts / f"sim_levers_{name}.png",
                         f"用件別の待ち時間(従来比)/ Mean wait per kind of visit against separate "
                         f"tickets, {name} day, {len(days)} seeds")
            print(f"chart: {path}\n")
        if "lead" in args.what and name == "peak":
            print(lead_table(days), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
