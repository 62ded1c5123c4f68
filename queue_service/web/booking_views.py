"""What the booking pages show: purposes (the guide's life events and procedures, with
what to bring), the free slots of a day, one booking, the day's bookings for staff.

Purpose ids: `le-<life event>`, `p-<procedure>`, `booth-<counter>-<procedure>`.
Slot and booking views run inside `QueueService.read` (under the service lock).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from protocol.booking_code import show_code
from protocol.days import clock_label, day_label
from protocol.site import SiteConfig
from protocol.texts import localized

from ..bookings import Booking, BookingError
from ..engine import QueueEngine
from .booking_texts import time_label


@dataclass(frozen=True)
class Purpose:
    id: str
    group: str  # life_events | procedures | remote
    name_ja: str
    name_en: str
    procedures: tuple[str, ...]
    life_event: str | None = None
    booth: str | None = None
    branch_ja: str = ""
    branch_en: str = ""
    texts: dict = field(default_factory=dict, compare=False)  # its name per language (protocol.texts)

    def bring(self, config: SiteConfig, lang: str) -> list[str]:
        items: list[str] = []
        for p in self.procedures:
            for item in localized(config.procedures[p], "bring", lang):
                if item not in items:
                    items.append(item)
        return items


def purposes(config: SiteConfig) -> list[Purpose]:
    """Every bookable purpose: life events whose first procedure is bookable, bookable
    procedures on their own, and each remote booth's procedures."""
    rules = config.bookings
    if rules is None:
        return []
    out = []
    for e in config.life_events.values():
        queued = [p for p in e.procedures if config.procedures[p].queued]
        if queued and queued[0] in rules.procedures:
            out.append(Purpose(f"le-{e.id}", "life_events", e.name_ja, e.name_en,
                               tuple(queued), life_event=e.id, texts=e.texts))
    for pid in rules.procedures:
        p = config.procedures[pid]
        out.append(Purpose(f"p-{pid}", "procedures", p.name_ja, p.name_en, (pid,), texts=p.texts))
    for booth in config.booths():
        for pid in booth.procedures:
            p = config.procedures[pid]
            out.append(Purpose(f"booth-{booth.id}-{pid}", "remote", p.name_ja, p.name_en, (pid,),
                               booth=booth.id, branch_ja=booth.remote.branch_ja,
                               branch_en=booth.remote.branch_en, texts=p.texts))
    return out


def purpose_by_id(config: SiteConfig, purpose_id: str) -> Purpose | None:
    return next((p for p in purposes(config) if p.id == purpose_id), None)


def purpose_of(config: SiteConfig, b: Booking) -> Purpose:
    """The purpose a booking was made for (as close as the site file still has it)."""
    for p in purposes(config):
        if p.procedures == b.procedures and p.booth == b.booth and p.life_event == b.life_event:
            return p
    first = config.procedures[b.procedures[0]]
    return Purpose("", "procedures", first.name_ja, first.name_en, b.procedures,
                   life_event=b.life_event, booth=b.booth, texts=first.texts)


def slots_view(engine: QueueEngine, now: float, purpose: Purpose, day: str | None,
               lang: str) -> dict:
    """The booking days (with free places) and the chosen day's slots."""
    book = engine.bookings
    tz = engine.config.timezone
    try:
        department, booth = book.place(list(purpose.procedures), purpose.booth)
    except BookingError:
        return {"days": [], "day": None, "slots": []}
    days = []
    for d in book.booking_days(now):
        slots = book.slots(d, department, booth, now)
        if slots:
            days.append({"day": d.isoformat(), "label": day_label(slots[0].start, tz, lang),
                         "free": sum(s.free for s in slots)})
    chosen = day if any(d["day"] == day for d in days) else next(
        (d["day"] for d in days if d["free"]), None)
    slots = []
    if chosen:
        for s in book.slots(date.fromisoformat(chosen), department, booth, now):
            # the time shown is the one the next booking of this slot gets
            slots.append({"start": s.start, "label": clock_label(s.next_start or s.start, tz),
                          "range": time_label(s.start, s.end, tz), "free": s.free})
    return {"days": days, "day": chosen, "slots": slots, "department": department}


def next_time(engine: QueueEngine, now: float, purpose: Purpose, slot: float) -> float | None:
    """The time a booking of this slot would get now (None if it is full or gone)."""
    try:
        department, booth = engine.bookings.place(list(purpose.procedures), purpose.booth)
    except BookingError:
        return None
    day = datetime.fromtimestamp(slot, ZoneInfo(engine.config.timezone)).date()
    return next((s.next_start for s in engine.bookings.slots(day, department, booth, now)
                 if s.start == slot), None)


def booking_view(engine: QueueEngine, b: Booking, lang: str) -> dict:
    config = engine.config
    purpose = purpose_of(config, b)
    dept = config.departments[b.department]
    floor = config.floors[dept.floor]
    booth = config.counters.get(b.booth) if b.booth else None
    rules = config.bookings
    return {
        "code": b.code, "shown": show_code(b.code), "state": b.state, "number": b.number,
        "start": b.start, "day_label": day_label(b.start, config.timezone, lang),
        "time_label": clock_label(b.start, config.timezone),
        "slot_label": time_label(b.slot, b.end, config.timezone),
        "purpose": purpose, "bring": purpose.bring(config, lang),
        "department": b.department, "dept_ja": dept.name_ja, "dept_en": dept.name_en,
        "floor_ja": floor.name_ja, "floor_en": floor.name_en,
        "booth": booth, "early": int(rules.early_minutes), "late": int(rules.late_minutes),
        "purpose_id": purpose.id,
    }


def day_bookings(engine: QueueEngine, day: str) -> list[dict]:
    """The day's bookings for the staff console, by slot."""
    config = engine.config
    rows = []
    for b in sorted(engine.bookings.bookings.values(), key=lambda b: (b.start, b.code)):
        if b.slot_day != day:
            continue
        purpose = purpose_of(config, b)
        rows.append({"code": show_code(b.code), "time": clock_label(b.start, config.timezone),
                     "purpose_ja": purpose.name_ja,
                     "place_ja": (config.counters[b.booth].position_ja if b.booth
                                  else config.departments[b.department].name_ja),
                     "state": b.state, "number": b.number, "by_staff": b.staff is not None})
    return rows
