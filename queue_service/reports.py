"""Figures the cities report, computed from the queue service's own event log.

Pure functions over an iterable of events (as the engine emitted them) and the site
configuration: the events are replayed through the engine's dispatch table (`APPLY`, what
`QueueEngine.apply` uses), the same code that rebuilds the service's state, so a report
reads the log exactly as the service did.

Definitions (stated on the report page too):
- wait: first call at a department minus arrival there (the issue time for the first
  department, the finish of the previous procedure or the transfer for the next ones);
- handling: finish of a procedure minus its call (counter occupancy per procedure);
- multi-department visit: a visit called at two or more departments;
- absent rate: visits marked absent at least once / visits issued.

CLI: `python -m queue_service.reports --db PATH --day YYYY-MM-DD --out DIR` writes the CSV
tables and PNG charts of that day (and a weekday-by-hour heat map of the weeks before).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from protocol.site import SiteConfig

from . import charts
from . import events as ev
from .engine import APPLY, QueueEngine

WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class WaitRecord:
    day: str
    department: str
    arrived_at: float
    called_at: float

    @property
    def minutes(self) -> float:
        return max(self.called_at - self.arrived_at, 0.0) / 60


@dataclass
class HandlingRecord:
    day: str
    procedure: str
    department: str
    called_at: float
    finished_at: float

    @property
    def minutes(self) -> float:
        return max(self.finished_at - self.called_at, 0.0) / 60


@dataclass
class VisitRecord:
    day: str
    number: int
    issued_at: float
    procedures: int
    departments: set[str] = field(default_factory=set)
    absent: bool = False
    finished: int = 0


@dataclass
class Arrival:
    """A visit starting to wait at a department (for the weekday-by-hour heat map)."""

    day: str
    department: str
    at: float


@dataclass
class Collected:
    """What the event log says, one record per visit, wait and handled procedure."""

    config: SiteConfig
    visits: list[VisitRecord] = field(default_factory=list)
    waits: list[WaitRecord] = field(default_factory=list)
    handlings: list[HandlingRecord] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    def days(self) -> list[str]:
        return sorted({v.day for v in self.visits})


def collect(events: Iterable[ev.Event], config: SiteConfig) -> Collected:
    """Replay the events and record every wait, handling time and visit."""
    engine = QueueEngine(config)
    out = Collected(config)
    records: dict[str, VisitRecord] = {}
    # Open waits: (visit id, id of the step object, department) -> arrival time. A step
    # called once and back in the queue (absent, held) does not start a new wait.
    waiting: dict[tuple[str, int, str], float] = {}
    called: set[tuple[str, int, str]] = set()
    for e in events:
        kind = e.type
        if kind not in APPLY:
            continue  # an event the engine keeps no state for
        visit = engine.state.visits.get(e.visit) if isinstance(e, ev.VisitEvent) else None
        step = visit.current() if visit else None
        if kind == "called" and visit and step:
            key = (visit.id, id(step), step.department)
            if key in waiting:
                out.waits.append(WaitRecord(visit.day, step.department, waiting.pop(key), e.at))
            called.add(key)
            records[visit.id].departments.add(step.department)
        elif kind == "finished" and visit and step and step.called_at is not None:
            out.handlings.append(HandlingRecord(visit.day, step.procedure, step.department,
                                                step.called_at, e.at))
            records[visit.id].finished += 1
        elif kind == "absent" and visit:
            records[visit.id].absent = True
        elif kind == "procedure_added" and visit:
            records[visit.id].procedures += 1
        engine.apply(e)
        if kind == "day_started":
            waiting.clear()
            called.clear()
            continue
        if kind == "visit_issued":
            visit = engine.state.visits[e.visit]
            records[visit.id] = VisitRecord(visit.day, visit.number, visit.issued_at,
                                            len(visit.steps))
            out.visits.append(records[visit.id])
        if visit is None:
            continue
        step = visit.current()
        if step is not None and step.state == "waiting":
            key = (visit.id, id(step), step.department)
            if key not in waiting and key not in called:
                arrived = visit.arrived_at if visit.arrived_at is not None else e.at
                if kind == "visit_issued":
                    arrived = visit.issued_at
                waiting[key] = arrived
                out.arrivals.append(Arrival(visit.day, step.department, arrived))
    return out


# ---- statistics ------------------------------------------------------------------------

def mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def p90(values: Sequence[float]) -> float | None:
    """90th percentile (linear interpolation between order statistics)."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


class Report:
    """Tables of one log: per day, per hour of a day, per procedure, per department."""

    def __init__(self, collected: Collected):
        self.c = collected
        self.config = collected.config
        self.tz = ZoneInfo(collected.config.timezone)

    def hour(self, ts: float) -> int:
        return datetime.fromtimestamp(ts, self.tz).hour

    def daily(self) -> list[dict]:
        rows = []
        for day in self.c.days():
            visits = [v for v in self.c.visits if v.day == day]
            waits = [w.minutes for w in self.c.waits if w.day == day]
            handling = [h.minutes for h in self.c.handlings if h.day == day]
            absent = sum(v.absent for v in visits)
            rows.append({
                "day": day, "visits": len(visits),
                "procedures": sum(v.procedures for v in visits),
                "procedures_done": len(handling),
                "wait_mean_min": _r(mean(waits)), "wait_p90_min": _r(p90(waits)),
                "handling_mean_min": _r(mean(handling)),
                "multi_department_visits": sum(len(v.departments) > 1 for v in visits),
                "absent_visits": absent,
                "absent_rate": _r(absent / len(visits), 3) if visits else None,
            })
        return rows

    def hourly(self, day: str) -> list[dict]:
        arrivals: dict[int, int] = defaultdict(int)
        waits: dict[int, list[float]] = defaultdict(list)
        done: dict[int, int] = defaultdict(int)
        for v in self.c.visits:
            if v.day == day:
                arrivals[self.hour(v.issued_at)] += 1
        for w in self.c.waits:
            if w.day == day:
                waits[self.hour(w.arrived_at)].append(w.minutes)
        for h in self.c.handlings:
            if h.day == day:
                done[self.hour(h.finished_at)] += 1
        hours = sorted(set(arrivals) | set(waits) | set(done))
        if not hours:
            return []
        return [{"hour": h, "visits": arrivals[h], "calls": len(waits[h]),
                 "procedures_done": done[h], "wait_mean_min": _r(mean(waits[h])),
                 "wait_p90_min": _r(p90(waits[h]))}
                for h in range(hours[0], hours[-1] + 1)]

    def procedures(self, day: str) -> list[dict]:
        by: dict[str, list[float]] = defaultdict(list)
        for h in self.c.handlings:
            if h.day == day:
                by[h.procedure].append(h.minutes)
        order = list(self.config.procedures)
        rows = []
        for pid, values in sorted(by.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0]))):
            p = self.config.procedures[pid]
            rows.append({"procedure": pid, "name_ja": p.name_ja, "name_en": p.name_en,
                         "count": len(values), "handling_mean_min": _r(mean(values)),
                         "handling_p90_min": _r(p90(values)), "planned_min": p.minutes})
        return rows

    def departments(self, day: str) -> list[dict]:
        waits: dict[str, list[float]] = defaultdict(list)
        handling: dict[str, list[float]] = defaultdict(list)
        for w in self.c.waits:
            if w.day == day:
                waits[w.department].append(w.minutes)
        for h in self.c.handlings:
            if h.day == day:
                handling[h.department].append(h.minutes)
        return [{"department": d.id, "name_ja": d.name_ja, "name_en": d.name_en,
                 "calls": len(waits[d.id]), "wait_mean_min": _r(mean(waits[d.id])),
                 "wait_p90_min": _r(p90(waits[d.id])),
                 "procedures_done": len(handling[d.id]),
                 "handling_mean_min": _r(mean(handling[d.id]))}
                for d in self.config.departments.values() if waits[d.id] or handling[d.id]]

    def heatmap(self, department: str) -> list[list[float]]:
        """Mean arrivals per hour at a department: 7 weekday rows (Mon..Sun) x 24 hours,
        averaged over the days of that weekday present in the log."""
        counts = [[0.0] * 24 for _ in range(7)]
        days_seen: list[set[str]] = [set() for _ in range(7)]
        for day in self.c.days():
            days_seen[date.fromisoformat(day).weekday()].add(day)
        for a in self.c.arrivals:
            if a.department == department:
                wd = date.fromisoformat(a.day).weekday()
                counts[wd][self.hour(a.at)] += 1
        return [[c / max(len(days_seen[wd]), 1) for c in row] for wd, row in enumerate(counts)]


def build_report(events: Iterable[ev.Event], config: SiteConfig) -> Report:
    return Report(collect(events, config))


def day_bounds(config: SiteConfig, day: str, days: int = 1) -> tuple[float, float]:
    """Start and end (epoch seconds) of a business day, which starts at the reset time."""
    start = datetime.combine(date.fromisoformat(day), config.numbers.reset_time,
                             ZoneInfo(config.timezone))
    return start.timestamp(), (start + timedelta(days=days)).timestamp()


# ---- export ----------------------------------------------------------------------------

def to_csv(rows: list[dict]) -> str:
    """CSV text with a header row (UTF-8 with BOM when written, so Excel reads kanji)."""
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return buf.getvalue()


def _arrivals_data(report: Report, day: str) -> dict:
    return {"rows": report.hourly(day),
            "title": f"{report.config.name_ja} {day} 時間帯別の来庁者数と待ち時間"}


def arrivals_chart(report: Report, day: str) -> bytes:
    """PNG: visits issued per hour (bars) and mean / 90th-percentile wait (lines)."""
    return charts.draw("arrivals", _arrivals_data(report, day))


def arrivals_figure(report: Report, day: str):
    """The figure of `arrivals_chart`, drawn in this process (loads matplotlib: for tests)."""
    return charts.arrivals_figure(_arrivals_data(report, day))


def heatmap_rows(report: Report, department: str) -> tuple[list[str], list[int], list[list[float]]]:
    """(row labels, hours, values) of the heat map: a row for each of the site's opening
    days and for any other day with arrivals, each labelled by its own day."""
    grid = report.heatmap(department)
    hours = [h for h in range(24) if any(grid[wd][h] for wd in range(7))] or list(range(8, 18))
    cols = list(range(min(hours), max(hours) + 1))
    days = sorted(set(report.config.open_weekdays) | {wd for wd in range(7) if any(grid[wd])})
    return ([f"{WEEKDAYS_JA[wd]} {WEEKDAYS_EN[wd]}" for wd in days], cols,
            [[grid[wd][h] for h in cols] for wd in days])


def heatmap_chart(report: Report, department: str) -> bytes:
    """PNG: mean arrivals at one department by weekday (rows) and hour (columns)."""
    labels, cols, data = heatmap_rows(report, department)
    dept = report.config.departments[department]
    return charts.draw("heatmap", {
        "grid": data, "hours": cols, "labels": labels,
        "title": f"{dept.name_ja} 曜日×時間帯の混雑 ({dept.name_en})"})


def write_day(report: Report, day: str, out: Path, heatmap_report: Report | None = None) -> list[Path]:
    """Write the CSV tables and PNG charts of a day into `out`; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    tables = {"daily": [r for r in report.daily() if r["day"] == day],
              "hourly": report.hourly(day), "procedures": report.procedures(day),
              "departments": report.departments(day)}
    for name, rows in tables.items():
        path = out / f"{day}-{name}.csv"
        path.write_text(to_csv(rows), encoding="utf-8-sig")
        files.append(path)
    path = out / f"{day}-arrivals.png"
    path.write_bytes(arrivals_chart(report, day))
    files.append(path)
    hm = heatmap_report or report
    for dept in report.config.departments:
        if any(a.department == dept for a in hm.c.arrivals):
            path = out / f"{day}-heatmap-{dept}.png"
            path.write_bytes(heatmap_chart(hm, dept))
            files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    from protocol.site import ConfigError, load_config

    from .store import Store

    parser = argparse.ArgumentParser(prog="python -m queue_service.reports",
                                     description="Write a day's report (CSV and PNG charts).")
    parser.add_argument("--db", required=True, help="the queue service's SQLite file")
    parser.add_argument("--day", required=True, help="business day, YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="folder for the CSV and PNG files")
    parser.add_argument("--config", help="site file (default: the shipped example)")
    parser.add_argument("--weeks", type=int, default=4,
                        help="weeks before the day for the weekday-by-hour heat map")
    args = parser.parse_args(argv)
    try:
        date.fromisoformat(args.day)
    except ValueError:
        parser.error(f"--day: expected YYYY-MM-DD, got {args.day!r}")
    if not Path(args.db).exists():
        print(f"error: no database at {args.db}", file=sys.stderr)
        return 1
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    store = Store(args.db)
    since, until = day_bounds(config, args.day)
    report = build_report(store.events(since, until), config)
    first = (date.fromisoformat(args.day) - timedelta(weeks=args.weeks) + timedelta(days=1))
    hm_since, _ = day_bounds(config, first.isoformat())
    heat = build_report(store.events(hm_since, until), config)
    for path in write_day(report, args.day, Path(args.out), heat):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
