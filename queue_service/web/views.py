"""What each page shows, built from the engine's state: plain dicts for the templates.

Each `*_view` runs inside `QueueService.read` (under the service lock) and copies what it
needs, so rendering happens outside the lock. Public views carry numbers, counters and
times only, never personal data.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.site import SiteConfig

from .. import staffing
from ..bookings import booked_slot
from ..engine import QueueEngine
from ..model import Visit
from .i18n import MARKS, mark


def clock(config: SiteConfig, ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, ZoneInfo(config.timezone)).strftime("%H:%M")


def steps_view(config: SiteConfig, steps: list[m.StepStatus]) -> list[dict]:
    """The guidance list: each procedure with its 未 / 受付済 / 済 mark and where it is."""
    out = []
    for s in steps:
        proc = config.procedures[s.procedure]
        dept = config.departments[s.department]
        key = mark(s.state, proc.kind)
        out.append({
            "procedure": s.procedure, "name_ja": s.name_ja, "name_en": s.name_en,
            "department": s.department, "dept_ja": dept.name_ja, "dept_en": dept.name_en,
            "state": s.state, "mark": key, "mark_ja": MARKS[key][0], "mark_en": MARKS[key][1],
            "counter_number": s.counter_number, "kind": proc.kind,
        })
    return out


def counter_numbers(config: SiteConfig, department: str) -> list[int]:
    return [c.number for c in config.counters_of(department)]


def congestion_view(engine: QueueEngine, now: float) -> list[dict]:
    """Every department with a counter, in the site file's order, with its congestion."""
    config = engine.config
    rows = []
    for d in config.departments.values():
        if not config.counters_of(d.id):
            continue
        c = engine.congestion(d.id, now)
        floor = config.floors[d.floor]
        rows.append({**c.model_dump(), "name_ja": d.name_ja, "name_en": d.name_en,
                     "floor_ja": floor.name_ja, "floor_en": floor.name_en,
                     "counters": counter_numbers(config, d.id),
                     "colour": config.counters_of(d.id)[0].colour})
    return rows


def open_data(engine: QueueEngine, now: float) -> dict:
    """The congestion page as open data (no personal data)."""
    config = engine.config
    return {"site": config.id, "name_ja": config.name_ja, "name_en": config.name_en,
            "at": now, "departments": congestion_view(engine, now)}


def visit_view(config: SiteConfig, status: m.VisitStatus) -> dict:
    """The public page of one visit: where to go now, people ahead, progress."""
    view = status.model_dump()
    view["steps"] = steps_view(config, status.steps)
    view["total"] = sum(s["mark"] not in ("skipped", "cancelled") for s in view["steps"])
    view["finished"] = sum(s["state"] == "done" for s in view["steps"])
    dept = config.departments.get(status.department) if status.department else None
    view["dept_ja"] = dept.name_ja if dept else ""
    view["dept_en"] = dept.name_en if dept else ""
    view["floor_ja"] = config.floors[dept.floor].name_ja if dept else ""
    view["floor_en"] = config.floors[dept.floor].name_en if dept else ""
    view["counters"] = counter_numbers(config, dept.id) if dept else []
    counter = config.counters.get(status.counter) if status.counter else None
    view["colour"] = (counter.colour if counter else
                      config.counters_of(dept.id)[0].colour if dept else "#607D8B")
    view["colour_ja"] = counter.colour_ja if counter else ""
    view["colour_en"] = counter.colour_en if counter else ""
    view["position_ja"] = counter.position_ja if counter else ""
    view["position_en"] = counter.position_en if counter else ""
    view["issued"] = clock(config, status.issued_at)
    return view


def _waited_min(v: Visit, now: float) -> float:
    since = v.arrived_at if v.arrived_at is not None else v.queued_at
    return max(now - since, 0.0) / 60


def _parked(v: Visit, department: str) -> bool:
    """Listed under 保留・不在 (console) and counted there (dashboard): on hold, absent past
    the limit, or back in the line after missing a call (marked in the line too), so a
    clerk and a supervisor see at a glance who did not answer."""
    s = v.current()
    return s is not None and s.department == department and (
        s.state in ("held", "absent") or (s.state == "waiting" and v.absent_count > 0))


def _queue_row(engine: QueueEngine, v: Visit, now: float) -> dict:
    step = v.current()
    proc = engine.config.procedures[step.procedure] if step else None
    return {"number": v.number, "needs": list(v.needs), "waited_min": round(_waited_min(v, now)),
            "procedure_ja": proc.name_ja if proc else "",
            "procedure_en": proc.name_en if proc else "", "state": v.state,
            "absent_count": v.absent_count, "slot_at": booked_slot(v)}


def console_view(engine: QueueEngine, now: float, counter_id: str) -> dict:
    """The counter console: this counter's visit with its itinerary, and the queue."""
    config = engine.config
    counter = config.counters[counter_id]
    state = engine.state.counters[counter_id]
    dept = counter.department
    visit = engine.counter_visit(counter_id)
    step = visit.current() if visit else None
    current = None
    if visit is not None and step is not None and step.counter == counter_id:
        status = engine.visit_status(visit, now)
        current = {
            "number": visit.number, "state": step.state, "needs": list(visit.needs),
            "language": visit.language, "issued": clock(config, visit.issued_at),
            "life_event": config.life_events[visit.life_event].name_ja
            if visit.life_event in config.life_events else "",
            "procedure": step.procedure,
            "procedure_ja": config.procedures[step.procedure].name_ja,
            "procedure_en": config.procedures[step.procedure].name_en,
            "life_event_en": config.life_events[visit.life_event].name_en
            if visit.life_event in config.life_events else "",
            "called": clock(config, step.called_at), "absent_count": visit.absent_count,
            "steps": steps_view(config, status.steps),
            "open_procedures": [s.procedure for s in visit.steps if s.open],
        }
    queue = [_queue_row(engine, v, now) for v in engine.call_order(dept, now)]
    parked = [_queue_row(engine, v, now) for v in engine.state.visits.values()
              if _parked(v, dept)]
    parked.sort(key=lambda r: r["number"])
    return {
        "counter": counter_id, "number": counter.number, "colour": counter.colour,
        "position_ja": counter.position_ja, "position_en": counter.position_en, "department": dept,
        "dept_ja": config.departments[dept].name_ja, "dept_en": config.departments[dept].name_en,
        "open": state.open, "current": current,
        "queue": queue, "parked": parked, "congestion": engine.congestion(dept, now).model_dump(),
        "remote": counter.remote,
    }


def counters_view(engine: QueueEngine) -> list[dict]:
    """Counters grouped by department, for choosing one's counter."""
    config = engine.config
    groups = []
    for d in config.departments.values():
        counters = [{"id": c.id, "number": c.number, "colour": c.colour,
                     "position_ja": c.position_ja, "open": engine.state.counters[c.id].open}
                    for c in config.counters_of(d.id)]
        if counters:
            groups.append({"id": d.id, "name_ja": d.name_ja, "name_en": d.name_en,
                           "counters": counters})
    return groups


def dashboard_view(engine: QueueEngine, now: float) -> dict:
    """Per department: waiting, longest wait, counters, mean handling time today."""
    config = engine.config
    threshold = config.congestion.crowded_minutes
    handling: dict[str, list[float]] = {}
    for v in engine.state.visits.values():
        for s in v.steps:
            if s.state == "done" and s.called_at is not None and s.finished_at is not None:
                handling.setdefault(s.department, []).append((s.finished_at - s.called_at) / 60)
    rows = []
    for d in config.departments.values():
        if not config.counters_of(d.id):
            continue
        queue = engine.queue(d.id)
        longest = max((_waited_min(v, now) for v in queue), default=0.0)
        done = handling.get(d.id, [])
        counters = []
        for c in config.counters_of(d.id):
            cs = engine.state.counters[c.id]
            v = engine.counter_visit(c.id)
            step = v.current() if v else None
            counters.append({"id": c.id, "number": c.number, "open": cs.open,
                             "visit": v.number if v and step and step.counter == c.id else None,
                             "state": step.state if v and step and step.counter == c.id else None})
        congestion = engine.congestion(d.id, now)
        parked = sum(1 for v in engine.state.visits.values() if _parked(v, d.id))
        rows.append({
            "id": d.id, "name_ja": d.name_ja, "name_en": d.name_en, "waiting": len(queue),
            "longest_min": round(longest), "alert": bool(queue) and longest >= threshold,
            "counters": counters, "open": sum(c["open"] for c in counters),
            "handling_min": round(sum(done) / len(done), 1) if done else None,
            "done": len(done), "parked": parked, "level": congestion.level,
            "estimated_wait_min": congestion.estimated_wait_min,
            "wait_min_low": congestion.wait_min_low, "wait_min_high": congestion.wait_min_high,
            "moving_here": congestion.moving_here,
        })
    visits = list(engine.state.visits.values())
    return {
        "departments": rows, "threshold": threshold, "day": engine.state.day, "now": now,
        "alerts": [r for r in rows if r["alert"]],
        "issued": len(visits), "finished": sum(v.state == "done" for v in visits),
        "waiting": sum(r["waiting"] for r in rows),
        "staffing": staffing.advise(engine, now).lines,
    }
