"""Peak-day simulation through the real queue engine: `python -m benchmarks.simulate`.

Simulates a late-March peak day and an average day at the shipped example site, each
twice on the same citizens (one shared number per visit; separate tickets per department,
the old way), prints per-department waits, time in the building per kind of visit,
counter utilisation and the accuracy of the wait shown at issue, draws charts into docs/
and writes benchmarks/sim_results.json. See docs/estimates.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from protocol.site import SiteConfig, load_config

from . import sim_bookings, sim_mismatch
from .sim_levers import Day, versus
from .sim_report import charts, comparison, estimate_accuracy, table, utilisation
from .sim_run import MODES, DayResult, simulate
from .sim_scenario import DayPlan, make_citizens, plan_staffing, staffed_config

ROOT = Path(__file__).resolve().parent.parent
PEAK_VISITS = 1600  # late March: 3.5 x an average day
AVERAGE_VISITS = 460


def run_day(base: SiteConfig, plan: DayPlan) -> tuple[dict[str, DayResult], dict[str, int]]:
    """The day once per way of ticketing (MODES), on the same citizens and staffing."""
    citizens = make_citizens(base, plan)
    staffing = plan_staffing(base, citizens)
    config = staffed_config(base, staffing)
    return {mode: simulate(config, citizens, staffing, mode) for mode in MODES}, staffing


def day_summary(runs: dict[str, DayResult], staffing: dict[str, int]) -> dict:
    shared = runs["shared"]
    acc = estimate_accuracy(shared)
    out = {
        "visits": len(shared.visits),
        "sim_seconds": round(shared.wall_s, 3),
        **{f"sim_seconds_{m}": round(r.wall_s, 3) for m, r in runs.items() if m != "shared"},
        "engine_commands": shared.commands,
        "counters_open": staffing,
        "utilisation": {d: round(u, 3) for d, u in utilisation(shared).items()},
    }
    for mode, other in runs.items():
        if mode != "shared":
            out.update({k: round(v, 2) for k, v in comparison(shared, other).items()})
    vs = versus(shared, runs["separate"])
    out.update(worst_kind=vs.worst_kind, worst_kind_wait_ratio=round(vs.worst_kind_wait_ratio, 3),
               total_wait_ratio=round(vs.total_wait_ratio, 3),
               kind_wait_ratios={k: round(r, 3) for k, r in vs.kind_ratios.items()})
    out.update({
        "estimate_mae_min": round(acc["service"].mae, 2),
        "estimate_p90_min": round(acc["service"].p90, 2),
        "estimate_bias_min": round(acc["service"].bias, 2),
        "naive_mae_min": round(acc["naive"].mae, 2),
        "naive_p90_min": round(acc["naive"].p90, 2),
        "naive_bias_min": round(acc["naive"].bias, 2),
    })
    return out


def targets(peak: dict) -> list[tuple[str, bool]]:
    return [
        ((f"peak day >= 1500 visits in < 10 s: {peak['visits']} visits in "
         f"{peak['sim_seconds']:.2f} s"), peak["visits"] >= 1500 and peak["sim_seconds"] < 10),
        (f"multi-department stay <= 0.75 x separate: {peak['stay_multi_change_vs_separate_pct']:+.1f}%",
         peak["stay_multi_change_vs_separate_pct"] <= -25),
        ((f"every kind's mean wait <= 1.05 x separate: worst {peak['worst_kind']} "
         f"{peak['worst_kind_wait_ratio']:.2f}"), peak["worst_kind_wait_ratio"] <= 1.05),
        (f"everybody's waits <= 0.85 x separate: {peak['total_wait_ratio']:.2f}",
         peak["total_wait_ratio"] <= 0.85),
        ((f"estimate error <= 60% of naive: {peak['estimate_mae_min']:.2f} vs "
         f"{peak['naive_mae_min']:.2f} min"), peak["estimate_mae_min"] <= 0.6 * peak["naive_mae_min"]),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.simulate", description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--peak-visits", type=int, default=PEAK_VISITS)
    ap.add_argument("--average-visits", type=int, default=AVERAGE_VISITS)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "sim_results.json")
    ap.add_argument("--charts", type=Path, default=ROOT / "docs",
                    help="folder for the PNG charts")
    ap.add_argument("--no-charts", action="store_true")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    base = load_config()
    days = {}
    for name, visits, seed in (("peak", args.peak_visits, args.seed),
                               ("average", args.average_visits, args.seed + 1)):
        runs, staffing = run_day(base, DayPlan(name, visits, seed))
        others = [r for m, r in runs.items() if m != "shared"]
        print(table(f"{name} day (seed {seed})", runs["shared"], others, staffing), end="\n\n")
        days[name] = day_summary(runs, staffing)
        if name == "peak" and not args.no_charts:
            for path in charts(runs["shared"], runs["separate"], args.charts):
                print(f"chart: {path}")
    peak = days["peak"]
    # the same day with a pool of movable staff: the advice (shared) against a reactive
    # rule (separate tickets); see benchmarks/sim_staffing.py
    pooled = Day.make(base, DayPlan("peak", args.peak_visits, args.seed))
    pool = versus(pooled.run("shared", rule="advice"), pooled.run("separate", rule="reactive"))
    # The floor that does not match its site file (benchmarks/sim_mismatch.py; six seeds
    # with `python -m benchmarks.sim_mismatch`): this seed, peak and average day, as a
    # first day and as a later day (after an earlier day there).
    mismatch = sim_mismatch.run_seeds(base, (args.seed,), (("peak", args.peak_visits),
                                                           ("average", args.average_visits)))
    results = {
        "visits": peak["visits"],
        "sim_seconds": peak["sim_seconds"],
        "stay_multi_shared_min": peak["stay_multi_shared_min"],
        "stay_multi_separate_min": peak["stay_multi_separate_min"],
        "wait_single_shared_min": peak["wait_single_shared_min"],
        "wait_single_separate_min": peak["wait_single_separate_min"],
        "worst_kind_wait_ratio": peak["worst_kind_wait_ratio"],
        "total_wait_ratio": peak["total_wait_ratio"],
        "with_staff_pool": {
            "stay_multi_shared_min": round(pool.stay_multi_min, 2),
            "stay_multi_separate_min": round(pool.stay_multi_separate_min, 2),
            "wait_single_shared_min": round(pool.wait_single_min, 2),
            "wait_single_separate_min": round(pool.wait_single_separate_min, 2),
            "worst_kind": pool.worst_kind,
            "worst_kind_wait_ratio": round(pool.worst_kind_wait_ratio, 3),
            "total_wait_ratio": round(pool.total_wait_ratio, 3),
        },
        "estimate_mae_min": peak["estimate_mae_min"],
        "naive_mae_min": peak["naive_mae_min"],
        **{k: v for k, v in mismatch["peak"].items() if k.startswith("mismatch_")},
        "mismatch_average_day": {k: v for k, v in mismatch["average"].items()
                                 if k.startswith("mismatch_")},
        **sim_mismatch.later_keys(mismatch["peak"]["later"]),
        "mismatch_later_average_day": sim_mismatch.later_keys(mismatch["average"]["later"]),
        "stay_multi_per_procedure_min": peak["stay_multi_per_procedure_min"],
        "wait_single_per_procedure_min": peak["wait_single_per_procedure_min"],
        "seed": args.seed,
        "total_seconds": round(time.perf_counter() - started, 2),
        "days": days,
    }
    results.update(sim_bookings.results(base, args.seed, args.peak_visits))
    print("targets (peak day):")
    share, ratio = results["booked_called_within_5min_share"], results["walkin_wait_ratio_with_bookings"]
    later = [(f"later day: {text}", met) for text, met in
             sim_mismatch.targets(mismatch["peak"]["later"])]
    for text, met in targets(peak) + sim_mismatch.targets(mismatch["peak"]) + later + [
            (f"booked called within 5 min of their time >= 0.90: {share}", share >= 0.90),
            (f"walk-ins' wait with bookings / without <= 1.10: {ratio}", ratio <= 1.10)]:
        print(f"  [{'met' if met else 'NOT met'}] {text}")
    print(f"with a pool of movable staff (advice vs reactive rule): multi-department stay "
          f"x{pool.stay_multi_ratio:.2f}, worst kind {pool.worst_kind} "
          f"x{pool.worst_kind_wait_ratio:.2f}, everybody's waits x{pool.total_wait_ratio:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
