"""Booking reminders: which bookings are due a reminder now, and what it says. Pure: the
notifier records what this returns in the same outbox as the visits' messages, keyed by
`booking:<code>` and the trigger, so each is sent at most once, across restarts.

Two triggers, from the site file's `[bookings]`: `reminder:day_before` (the day before
the booking's day, from `remind_day_before`, 17:00 by default, until that day begins) and
`reminder:before` (from `remind_minutes_before`, 60 by default, until the booking's time).
Only a booking still booked (not cancelled, checked in or released) is reminded. The
message holds the booking code, the date and time, the purpose and where, never a name,
in Japanese and in the language of the page it was booked on (wording.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from protocol.booking_code import show_code
from protocol.site import SiteConfig

from ..bookings import Booking, BookingBook
from .triggers import Notice
from .wording import reminder_text


def owner(code: str) -> str:
    """The outbox key of a booking's reminders (the outbox's `visit` column)."""
    return f"booking:{code}"


def windows(config: SiteConfig, b: Booking) -> Iterator[tuple[str, float, float]]:
    """(trigger, from, until) of each reminder the site asks for."""
    rules, tz = config.bookings, ZoneInfo(config.timezone)
    day = date.fromisoformat(b.slot_day)
    if rules.remind_day_before is not None:
        yield ("reminder:day_before",
               datetime.combine(day - timedelta(days=1), rules.remind_day_before, tz).timestamp(),
               datetime.combine(day, datetime.min.time(), tz).timestamp())
    if rules.remind_minutes_before > 0:
        yield "reminder:before", b.start - rules.remind_minutes_before * 60, b.start


def due(config: SiteConfig, book: BookingBook, now: float) -> list[tuple[Booking, Notice]]:
    """The reminders due now of bookings that left a contact (recorded ones included: the
    outbox ignores a trigger it already has)."""
    if config.bookings is None:
        return []
    out = []
    for code in book.contacts:
        b = book.bookings.get(code)
        if b is None or b.state != "booked":
            continue
        for trigger, start, until in windows(config, b):
            if start <= now < until:
                out.append((b, notice(config, b, trigger)))
    return out


def notice(config: SiteConfig, b: Booking, trigger: str) -> Notice:
    """The reminder in Japanese and in the language of the page it was booked on."""
    title, body = reminder_text(
        b.language, config, code=show_code(b.code), start=b.start, life_event=b.life_event,
        procedures=b.procedures, department=b.department, booth=b.booth)
    return Notice(trigger, "reminder", 0, title, body, department=b.department,
                  url=f"{config.public_url}/booking/{b.code}", language=b.language)
