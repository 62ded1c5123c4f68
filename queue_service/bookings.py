"""Bookings beside walk-ins: slots and their capacity, booking codes, check-in windows,
no-shows, and the published calling rule that merges checked-in bookings with walk-ins.

Pure like the engine that owns it: `BookingBook` changes only in `apply(event)`, and its
events go to the same event log, so replaying them rebuilds every booking after a crash.
Unlike the day's visits, bookings outlive the business day (they are made days ahead), so
the service replays all booking events, not only today's.

A slot is held in one place: the department where the purpose's first stop waits, or a
remote booth. Its capacity is the share of that department's counter time the site holds
for bookings (`bookings.held_share`): counters x share x slot length / typical minutes,
at least one; a booth takes one booking per slot. The places of a slot have their own
times, spread evenly over it (ZMS: slot length = service time / counters), so the
bookings of one slot are not all due at once: the k-th booking of a 10:00 slot holding
7 is at 10:00 + k x 4 minutes.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.booking_code import CODE_ALPHABET
from protocol.site import SiteConfig

from . import events as ev
from .model import Visit

KINDS = (ev.BookingMade, ev.BookingChanged, ev.BookingCancelled, ev.BookingCheckedIn,
         ev.BookingReleased)
EVENTS = tuple(k.model_fields["type"].default for k in KINDS)


class BookingError(Exception):
    """A booking request the rules refuse; nothing changed."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass
class Booking:
    code: str
    slot_day: str
    slot: float  # start of the slot it holds a place in
    start: float  # its own time within the slot: check-in windows and calls follow it
    end: float  # end of the slot
    department: str
    booth: str | None
    procedures: tuple[str, ...]
    life_event: str | None
    language: str
    staff: str | None
    state: str = "booked"  # booked | checked_in | late | cancelled | no_show
    number: int | None = None

    def info(self) -> m.BookingInfo:
        return m.BookingInfo(code=self.code, slot_day=self.slot_day, slot=self.slot,
                             start=self.start, end=self.end, department=self.department, booth=self.booth,
                             procedures=list(self.procedures), life_event=self.life_event,
                             state=self.state, number=self.number)


@dataclass(frozen=True)
class Slot:
    start: float
    end: float
    capacity: int
    taken: int
    next_start: float | None  # the time the next booking of this slot gets

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


class BookingBook:
    def __init__(self, config: SiteConfig):
        self.config = config
        self.rules = config.bookings
        self.tz = ZoneInfo(config.timezone)
        self.bookings: dict[str, Booking] = {}
        self.taken: dict[tuple[str, float], set[float]] = {}  # (place, slot) -> times held
        self._due: list[tuple[float, str]] = []  # (end of the late window, code) of booked
        self._made = 0
        self.contacts: dict[str, str] = {}  # code -> the reminder contact as the service sealed it

    # ---- places, slots, capacity ---------------------------------------------------
    def place(self, procedures: list[str], booth: str | None) -> tuple[str, str | None]:
        """(department, booth) where a purpose's slot is held; BookingError if not bookable."""
        if self.rules is None:
            raise BookingError("bookings_closed", "this site takes no bookings")
        unknown = [p for p in procedures if p not in self.config.procedures]
        if unknown:
            raise BookingError("unknown_procedure", f"unknown procedure {unknown[0]!r}")
        if booth is not None:
            counter = self.config.counters.get(booth)
            if counter is None or counter.remote is None:
                raise BookingError("unknown_booth", f"no remote booth {booth!r}")
            if any(p not in counter.procedures for p in procedures):
                raise BookingError("not_bookable", f"booth {booth} does not serve all of these")
            return counter.department, booth
        stops, _ = self.config.itinerary(procedures)
        if not stops or stops[0][1][0] not in self.rules.procedures:
            raise BookingError("not_bookable", "this purpose is not taken by booking")
        return stops[0][0], None

    def slot_minutes(self, booth: str | None) -> int:
        if booth is not None:
            return self.config.counters[booth].remote.slot_minutes
        return self.rules.slot_minutes

    def capacity(self, department: str, booth: str | None) -> int:
        if booth is not None:
            return 1
        counters = [c for c in self.config.counters_of(department) if c.remote is None]
        minutes = [p.minutes for p in self.config.procedures.values()
                   if p.id in self.rules.procedures
                   and self.config.queue_department(p.id) == department]
        if not counters or not minutes or self.rules.held_share <= 0:
            return 0
        typical = sum(minutes) / len(minutes)
        held = len(counters) * self.rules.held_share * self.rules.slot_minutes
        return max(1, int(held // typical))

    def starts(self, day: date, booth: str | None) -> list[float]:
        """Slot starts of a day (empty on a closed day)."""
        if self.rules is None or not self.rules.open_on(day):
            return []
        step = timedelta(minutes=self.slot_minutes(booth))
        t = datetime.combine(day, self.rules.opens, self.tz)
        closes = datetime.combine(day, self.rules.closes, self.tz)
        out = []
        while t + step <= closes:
            out.append(t.timestamp())
            t += step
        return out

    def slots(self, day: date, department: str, booth: str | None, now: float) -> list[Slot]:
        """The day's slots in a place, with capacity and bookings taken; only those that
        can still be booked (not started, within `days_ahead`)."""
        if not self._within_reach(day, now):
            return []
        key = booth or department
        cap = self.capacity(department, booth)
        step = self.slot_minutes(booth) * 60
        out = []
        for s in self.starts(day, booth):
            if s > now:
                held = self.taken.get((key, s), set())
                out.append(Slot(s, s + step, cap, len(held), self._free_time(s, step, cap, held)))
        return out

    @staticmethod
    def _free_time(slot: float, step: float, capacity: int, held: set[float]) -> float | None:
        """The first of a slot's place times (whole minutes, evenly spread) not held."""
        times = [slot + 60 * int(i * step / 60 / capacity) for i in range(capacity)]
        return next((t for t in times if t not in held), None)

    def booking_days(self, now: float) -> list[date]:
        """The days bookings are taken on, from today up to `days_ahead`."""
        if self.rules is None:
            return []
        today = date.fromisoformat(self.config.business_day(now))
        days = (today + timedelta(days=i) for i in range(self.rules.days_ahead + 1))
        return [d for d in days if self.rules.open_on(d)]

    def _within_reach(self, day: date, now: float) -> bool:
        today = date.fromisoformat(self.config.business_day(now))
        return self.rules is not None and today <= day <= today + timedelta(days=self.rules.days_ahead)

    def _check_slot(self, department: str, booth: str | None, slot: float, now: float,
                    mine: Booking | None = None) -> tuple[str, float, float]:
        """(slot day, slot end, the booking's time) for a place in this slot."""
        day = datetime.fromtimestamp(slot, self.tz).date()
        if not self._within_reach(day, now) or slot not in self.starts(day, booth):
            raise BookingError("no_such_slot", "that time is not a slot that can be booked")
        if slot <= now:
            raise BookingError("slot_passed", "that slot has already begun")
        step = self.slot_minutes(booth) * 60
        held = set(self.taken.get((booth or department, slot), set()))
        if mine is not None and mine.slot == slot:
            held.discard(mine.start)
        start = self._free_time(slot, step, self.capacity(department, booth), held)
        if start is None:
            raise BookingError("slot_full", "that slot was just taken: choose another")
        return day.isoformat(), slot + step, start

    # ---- commands: their events; BookingError refuses ------------------------------------
    def book(self, r: m.BookRequest, now: float, new_token: Callable[[], str]) -> list[ev.Event]:
        department, booth = self.place(r.procedures, r.booth)
        if r.life_event is not None and r.life_event not in self.config.life_events:
            raise BookingError("unknown_life_event", f"unknown life event {r.life_event!r}")
        slot_day, end, start = self._check_slot(department, booth, r.start, now)
        return [ev.BookingMade(
            at=now, code=self._new_code(new_token()), slot_day=slot_day, slot=r.start,
            start=start, end=end,
            department=department, booth=booth, procedures=tuple(r.procedures),
            life_event=r.life_event, language=r.language, contact=r.contact, staff=r.staff,
            request_id=r.request_id)]

    def change(self, r: m.ChangeBooking, now: float) -> list[ev.Event]:
        b = self._open_booking(r.code)
        slot_day, end, start = self._check_slot(b.department, b.booth, r.start, now, mine=b)
        return [ev.BookingChanged(at=now, code=b.code, slot_day=slot_day, slot=r.start,
                                  start=start, end=end, staff=r.staff)]

    def cancel(self, r: m.CancelBooking, now: float) -> list[ev.Event]:
        b = self._open_booking(r.code)
        return [ev.BookingCancelled(at=now, code=b.code, staff=r.staff)]

    def get(self, code: str) -> Booking:
        b = self.bookings.get(code)
        if b is None:
            raise BookingError("unknown_booking", "no booking has this code")
        return b

    def arrival(self, code: str, now: float) -> str:
        """How a check-in at `now` goes: checked_in, late (a walk-in) or too_early."""
        b = self.get(code)
        if b.state == "cancelled":
            raise BookingError("booking_cancelled", "this booking was cancelled")
        if b.state in ("checked_in", "late"):
            raise BookingError("already_checked_in", f"already checked in as number {b.number}")
        today = self.config.business_day(now)
        if b.slot_day < today:
            raise BookingError("booking_expired", f"this booking was for {b.slot_day}")
        if now < self.opens_at(b):
            return "too_early"
        return "checked_in" if now <= b.start + self.rules.late_minutes * 60 else "late"

    def opens_at(self, b: Booking) -> float:
        """When check-in opens for a booking."""
        return b.start - self.rules.early_minutes * 60

    def release_due(self, now: float) -> list[ev.Event]:
        """Bookings not checked in by the end of their late window: released (no-shows)."""
        events = []
        while self._due and self._due[0][0] < now:
            until, code = heapq.heappop(self._due)
            b = self.bookings.get(code)
            if b is not None and b.state == "booked" and self._late_until(b) == until:
                events.append(ev.BookingReleased(at=now, code=code))
        return events

    def _open_booking(self, code: str) -> Booking:
        b = self.get(code)
        if b.state != "booked":
            raise BookingError("not_changeable", f"this booking is {b.state}: it cannot change")
        return b

    def _late_until(self, b: Booking) -> float:
        return b.start + self.rules.late_minutes * 60

    def _new_code(self, token: str) -> str:
        n = self._made
        while True:
            digest = hashlib.sha256(f"{token}:{n}".encode()).digest()
            code = "".join(CODE_ALPHABET[x % 32] for x in digest[:8])
            if code not in self.bookings:
                return code
            n += 1

    def forget_contacts(self, day: str) -> list[str]:
        """Drop the contacts no reminder can need any more: those of bookings for a day
        before `day`, and of bookings no longer waiting (cancelled, checked in, released).
        Returns their codes, so the store can erase them too."""
        done = [code for code in self.contacts
                if self.bookings[code].slot_day < day or self.bookings[code].state != "booked"]
        for code in done:
            del self.contacts[code]
        return done

    # ---- events: the only code that changes bookings --------------------------------
    def apply(self, e: ev.Event) -> None:
        {"booking_made": self._on_made, "booking_changed": self._on_changed,
         "booking_cancelled": self._on_cancelled, "booking_checked_in": self._on_checked_in,
         "booking_released": self._on_released}[e.type](e)

    def _hold(self, b: Booking, hold: bool) -> None:
        held = self.taken.setdefault((b.booth or b.department, b.slot), set())
        if hold:
            held.add(b.start)
            if self.rules is not None:
                heapq.heappush(self._due, (self._late_until(b), b.code))
        else:
            held.discard(b.start)

    def _on_made(self, e: ev.BookingMade) -> None:
        b = Booking(code=e.code, slot_day=e.slot_day, slot=e.slot, start=e.start, end=e.end,
                    department=e.department, booth=e.booth, procedures=e.procedures,
                    life_event=e.life_event, language=e.language, staff=e.staff)
        self.bookings[b.code] = b
        if e.contact:
            self.contacts[b.code] = e.contact
        self._made += 1
        self._hold(b, True)

    def _on_changed(self, e: ev.BookingChanged) -> None:
        b = self.bookings[e.code]
        self._hold(b, False)
        b.slot_day, b.slot, b.start, b.end = e.slot_day, e.slot, e.start, e.end
        self._hold(b, True)

    def _on_cancelled(self, e: ev.BookingCancelled) -> None:
        b = self.bookings[e.code]
        b.state = "cancelled"
        self._hold(b, False)

    def _on_checked_in(self, e: ev.BookingCheckedIn) -> None:
        b = self.bookings[e.code]
        b.state = "late" if e.late else "checked_in"
        b.number = e.number

    def _on_released(self, e: ev.BookingReleased) -> None:
        self.bookings[e.code].state = "no_show"


def booked_slot(v: Visit) -> float | None:
    """The slot a waiting visit was booked for, while the calling rule applies to it:
    at the stop it booked (the first), checked in on time, and no call missed yet."""
    if v.slot_at is None or v.absent_count or v.current_index() != 0:
        return None
    return v.slot_at


def call_order(line: list[Visit], now: float, due_s: float,
               priority: Callable[[Visit], bool]) -> list[Visit]:
    """The published calling rule (docs/bookings.md), over a department's line in order:
    1. visits with priority needs, in line order;
    2. checked-in bookings whose slot is due (from `due_s` before it), earliest slot first;
    3. walk-ins (and those who came too late for their booking), in line order;
    4. bookings whose slot is not due yet, earliest first: only when nobody else waits."""
    first, due, walk_ins, later = [], [], [], []
    for v in line:
        slot = booked_slot(v)
        if priority(v):
            first.append(v)
        elif slot is None:
            walk_ins.append(v)
        elif slot - due_s <= now:
            due.append(v)
        else:
            later.append(v)
    due.sort(key=booked_slot)
    later.sort(key=booked_slot)
    return first + due + walk_ins + later
