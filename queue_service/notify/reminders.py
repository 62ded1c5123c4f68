"""Booking reminders: which bookings are due a reminder now, and what it says. Pure: the
notifier records what this returns in the same outbox as the visits' messages, keyed by
`booking:<code>` and the trigger, so each is sent at most once, across restarts.

Two triggers, from the site file's `[bookings]`: `reminder:day_before` (the day before
the booking's day, from `remind_day_before`, 17:00 by default, until that day begins) and
`reminder:before` (from `remind_minutes_before`, 60 by default, until the booking's time).
Only a booking still booked (not cancelled, checked in or released) is reminded. The
message holds the booking code, the date and time, the purpose and where: never a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from protocol.booking_code import show_code
from protocol.site import SiteConfig

from ..bookings import Booking, BookingBook
from .triggers import Notice

WEEKDAYS_JA = "月火水木金土日"


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
    local = datetime.fromtimestamp(b.start, ZoneInfo(config.timezone))
    when = f"{local.month}月{local.day}日({WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    event = config.life_events.get(b.life_event) if b.life_event else None
    purpose = event.name_ja if event else "、".join(
        config.procedures[p].name_ja for p in b.procedures if p in config.procedures)
    dept = config.departments.get(b.department)
    place = config.counters[b.booth].remote.branch_ja if b.booth else (dept.name_ja if dept else "")
    early = int(config.bookings.early_minutes)
    return Notice(
        trigger, "reminder", 0, f"ご予約のお知らせ {when}",
        f"予約番号: {show_code(b.code)}\n日時: {when}\nご用件: {purpose}\n窓口: {place}\n\n"
        f"当日は予約の{early}分前から受付できます。総合案内の発券機かフロア案内で、"
        "予約番号を入力するかQRコードをお見せください。",
        department=b.department, url=f"{config.public_url}/booking/{b.code}")
