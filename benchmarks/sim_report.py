"""Figures from simulated days: waits, time in the building, counter use, estimate error,
shared numbers against separate tickets; printed as tables and drawn as PNG charts."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .sim_run import DayResult, VisitRecord
from .sim_scenario import KINDS, VISIT_KINDS, clock, day_start, open_time

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@dataclass(frozen=True)
class Stats:
    n: int
    mean: float
    p90: float
    max: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        xs = sorted(values)
        if not xs:
            return cls(0, math.nan, math.nan, math.nan)
        return cls(len(xs), statistics.fmean(xs), quantile(xs, 0.9), xs[-1])

    def row(self) -> str:
        return f"{self.n:6d} {self.mean:7.1f} {self.p90:7.1f} {self.max:7.1f}"


def quantile(sorted_xs: list[float], p: float) -> float:
    """Linear-interpolated quantile of an already sorted list."""
    k = (len(sorted_xs) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (k - lo)


def is_multi(v: VisitRecord) -> bool:
    """A visit to several departments."""
    return len(v.departments) > 1


def is_single(v: VisitRecord) -> bool:
    """A visit for one procedure."""
    return len(v.citizen.procedures) == 1


def waits_by_department(r: DayResult) -> dict[str, Stats]:
    """Minutes from ticket in hand at a department's seats to the first call there."""
    waits: dict[str, list[float]] = {}
    for v in r.visits:
        for s in v.stops:
            waits.setdefault(s.department, []).append(s.wait_s / 60)
    out = {d: Stats.of(waits[d]) for d in r.engine.config.departments if d in waits}
    out["all"] = Stats.of(w for ws in waits.values() for w in ws)
    return out


def stays_by_kind(r: DayResult) -> dict[str, Stats]:
    """Minutes from the first ticket to the last procedure finished."""
    out = {k.id: Stats.of(v.stay_s / 60 for v in r.visits if v.citizen.kind == k.id)
           for k in VISIT_KINDS}
    out["multi_department"] = Stats.of(v.stay_s / 60 for v in r.visits if is_multi(v))
    out["all"] = Stats.of(v.stay_s / 60 for v in r.visits)
    return out


def single_waits(r: DayResult) -> Stats:
    return Stats.of(v.stops[0].wait_s / 60 for v in r.visits if is_single(v))


def utilisation(r: DayResult) -> dict[str, float]:
    """Share of open time each department's counters had a citizen called or at the
    counter (walking up and no-shows included), from opening to the day's last finish."""
    span = r.end - open_time()
    busy: dict[str, list[float]] = {}
    for c in r.counters.values():
        busy.setdefault(c.department, []).append(c.busy_s / span)
    return {d: statistics.fmean(b) for d, b in busy.items()}


@dataclass(frozen=True)
class Accuracy:
    n: int
    mae: float
    p90: float
    bias: float  # mean of estimate - actual: negative means it promised too short a wait


def estimate_accuracy(r: DayResult) -> dict[str, Accuracy]:
    """Wait shown at issue (first department) against the real wait to the first call."""
    out = {}
    for name, attr in (("service", "estimate_min"), ("naive", "naive_min")):
        errors = [getattr(v, attr) - v.stops[0].wait_s / 60 for v in r.visits
                  if getattr(v, attr) is not None]
        absolute = sorted(abs(e) for e in errors)
        out[name] = Accuracy(len(errors), statistics.fmean(absolute), quantile(absolute, 0.9),
                             statistics.fmean(errors))
    return out


def comparison(shared: DayResult, other: DayResult) -> dict[str, float]:
    """Shared numbers against another way of ticketing (`other.mode`) on the same day."""
    mode = other.mode
    multi = {r.mode: Stats.of(v.stay_s / 60 for v in r.visits if is_multi(v)).mean
             for r in (shared, other)}
    single = {r.mode: single_waits(r).mean for r in (shared, other)}
    total = {r.mode: sum(s.wait_s for v in r.visits for s in v.stops) / 3600
             for r in (shared, other)}
    return {
        "stay_multi_shared_min": multi["shared"],
        f"stay_multi_{mode}_min": multi[mode],
        f"stay_multi_change_vs_{mode}_pct": 100 * (multi["shared"] / multi[mode] - 1),
        "wait_single_shared_min": single["shared"],
        f"wait_single_{mode}_min": single[mode],
        f"wait_single_change_vs_{mode}_pct": 100 * (single["shared"] / single[mode] - 1),
        "wait_total_shared_h": total["shared"],
        f"wait_total_{mode}_h": total[mode],
    }


# ---- tables ------------------------------------------------------------------------

def _name(r: DayResult, dept: str) -> str:
    d = r.engine.config.departments.get(dept)
    return f"{dept} {d.name_ja}" if d else dept


def table(title: str, shared: DayResult, others: list[DayResult],
          staffing: dict[str, int]) -> str:
    """Printed figures of one day; `others` are the other ways of ticketing, the first
    being the separate tickets shown column by column."""
    separate = others[0]
    lines = [(f"== {title}: {len(shared.visits)} visits, "
             f"{sum(staffing.values())} counters open =="),
             (f"{'wait at a department (min)':34s} {'n':>6s} {'mean':>7s} {'p90':>7s} "
             f"{'max':>7s}   {'separate':>8s} {'util':>5s} {'ctrs':>4s}")]
    util = utilisation(shared)
    sep = waits_by_department(separate)
    for dept, s in waits_by_department(shared).items():
        extra = f"   {sep[dept].mean:8.1f}" if dept in sep else ""
        if dept in util:
            extra += f" {100 * util[dept]:4.0f}% {staffing[dept]:4d}"
        lines.append(f"  {_name(shared, dept):32s} {s.row()}{extra}")
    lines.append(f"{'time in the building (min)':34s} {'n':>6s} {'mean':>7s} {'p90':>7s} "
                 f"{'max':>7s}   {'separate':>8s}")
    sep_stay = stays_by_kind(separate)
    for kind, s in stays_by_kind(shared).items():
        label = f"{kind} {KINDS[kind].name_ja}" if kind in KINDS else kind
        lines.append(f"  {label:32s} {s.row()}   {sep_stay[kind].mean:8.1f}")
    for other in others:
        c = comparison(shared, other)
        m = other.mode
        lines.append(
            f"shared number vs {m.replace('_', ' ')} tickets: multi-department stay "
            f"{c['stay_multi_shared_min']:.1f} vs {c[f'stay_multi_{m}_min']:.1f} min "
            f"({c[f'stay_multi_change_vs_{m}_pct']:+.1f}%); single-procedure wait "
            f"{c['wait_single_shared_min']:.1f} vs {c[f'wait_single_{m}_min']:.1f} min "
            f"({c[f'wait_single_change_vs_{m}_pct']:+.1f}%); everybody's waits "
            f"{c['wait_total_shared_h']:.0f} vs {c[f'wait_total_{m}_h']:.0f} h")
    acc = estimate_accuracy(shared)
    for name, a in acc.items():
        lines.append(f"estimate at issue, {name:7s}: MAE {a.mae:5.2f} min, p90 error "
                     f"{a.p90:5.2f} min, bias {a.bias:+5.2f} min (n={a.n})")
    lines.append(f"service estimate error / naive: {acc['service'].mae / acc['naive'].mae:.0%}"
                 f"; simulated in {shared.wall_s:.2f} s with {shared.commands} engine commands "
                 f"(shared), " + ", ".join(f"{r.wall_s:.2f} s ({r.mode})" for r in others))
    lines.append("visits re-queued by the clerk after missing more calls than the limit: "
                 + ", ".join(f"{r.requeues} ({r.mode})" for r in (shared, *others)))
    return "\n".join(lines)


# ---- charts ------------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if Path(FONT).exists() and "Noto Sans CJK JP" not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(FONT)
    plt.rcParams["font.family"] = ["Noto Sans CJK JP", "DejaVu Sans"]
    return plt


def _hours_axis(ax) -> None:
    ticks = list(range(9, 20))
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{h}:00" for h in ticks])
    ax.grid(alpha=0.3)


def charts(shared: DayResult, separate: DayResult, out: Path) -> list[Path]:
    plt = _pyplot()
    out.mkdir(parents=True, exist_ok=True)
    config = shared.engine.config
    colours = {d: config.counters_of(d)[0].colour for d in shared.queue_lengths}
    written = []

    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    t0 = (open_time() - day_start()) / 3600
    for dept, samples in shared.queue_lengths.items():
        xs = [t0 + i / 60 for i in range(len(samples))]
        ax.plot(xs, samples, label=_name(shared, dept), color=colours[dept], lw=1.6)
    ax.axvline((clock(17.25) - day_start()) / 3600, color="grey", ls=":", lw=1)
    ax.set_title("待っている人数(部署別)/ Visits waiting per department — "
                 f"late-March peak day, {len(shared.visits)} visits, one shared number")
    ax.set_ylabel("waiting / 待ち人数")
    _hours_axis(ax)
    ax.legend(fontsize=8, ncols=2)
    written.append(_save(plt, fig, out / "sim_queue_length.png"))

    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=100)
    bins = list(range(0, 95, 5))
    for r, colour in ((shared, "#1565C0"), (separate, "#EF6C00")):
        waits = [s.wait_s / 60 for v in r.visits for s in v.stops]
        ax.hist([min(w, 90) for w in waits], bins=bins, histtype="step", lw=2, color=colour,
                label=f"{'one shared number' if r is shared else 'separate tickets'}"
                      f" (mean {statistics.fmean(waits):.1f} min)")
    ax.set_yscale("log")
    ax.set_xlabel("wait at a department, minutes (90 = 90 or more) / 待ち時間(分)")
    ax.set_ylabel("waits (log scale) / 件数")
    ax.set_title("待ち時間の分布 / Distribution of waits, late-March peak day")
    ax.legend()
    ax.grid(alpha=0.3)
    written.append(_save(plt, fig, out / "sim_waits.png"))

    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    a, b = stays_by_kind(shared), stays_by_kind(separate)
    kinds = [k.id for k in VISIT_KINDS] + ["multi_department"]
    xs = range(len(kinds))
    ax.bar([x - 0.2 for x in xs], [a[k].mean for k in kinds], 0.4, color="#1565C0",
           label="one shared number / 番号ひとつ")
    ax.bar([x + 0.2 for x in xs], [b[k].mean for k in kinds], 0.4, color="#EF6C00",
           label="separate tickets / 部署ごとに発券")
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{KINDS[k].name_ja}\n{k}" if k in KINDS else "複数部署(計)\nall multi"
                        for k in kinds], fontsize=8, rotation=30, ha="right")
    ax.set_ylabel("mean time in the building, min / 庁舎内の滞在時間(分)")
    ax.set_title("用件別の滞在時間 / Time in the building per kind of visit, peak day")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    written.append(_save(plt, fig, out / "sim_shared_vs_separate.png"))

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), dpi=100, sharey=True)
    actual = [v.stops[0].wait_s / 60 for v in shared.visits]
    acc = estimate_accuracy(shared)
    top = max(actual) * 1.05
    for ax, attr, name in ((axes[0], "estimate_min", "service"), (axes[1], "naive_min", "naive")):
        est = [getattr(v, attr) or 0.0 for v in shared.visits]
        ax.scatter(est, actual, s=4, alpha=0.35, color="#1565C0" if name == "service" else "#EF6C00")
        ax.plot([0, top], [0, top], color="grey", lw=1)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("estimated at issue, min / 発券時の予想")
        ax.set_title(f"{'service estimator' if name == 'service' else 'naive: ahead x mean / counters'}"
                     f"\nMAE {acc[name].mae:.2f} min, p90 {acc[name].p90:.2f} min", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("actual wait to the first call, min / 実際の待ち時間")
    fig.suptitle("予想待ち時間の精度 / Estimated vs actual wait, peak day")
    written.append(_save(plt, fig, out / "sim_estimates.png"))
    return written


def _save(plt, fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
