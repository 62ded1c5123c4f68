"""Fills the outbox from the queue service's committed batches (the service's only hook).

`after_batch(engine, events, now)` runs in the service's worker under its lock, after the
batch is on disk and answered: it looks at the subscribed visits the events touched (and,
at most every NEAR_EVERY_S, at those still waiting for a "near" message), asks
`triggers.due` what to tell, and records it; the sender threads do the sending. At the
first batch of a day (also the first after a start) every subscribed visit is looked at
again, so a trigger lost in a crash is found from the visit's state, and the previous
day's contacts and messages are purged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from protocol.site import SiteConfig

from ..applications import load_or_create_key
from ..events import Event, VisitEvent
from . import reminders, triggers
from .channels import Channel, Invalid, build_channels
from .sender import Sender
from .store import NotifyStore

log = logging.getLogger(__name__)
NEAR_EVERY_S = 1.0
REMIND_EVERY_S = 30.0
ENDS_BOOKING = ("booking_cancelled", "booking_checked_in", "booking_released")


class NotifyError(ValueError):
    """A subscription the page asked for that cannot be made (its text is a code of
    queue_service.notify.web.MESSAGES)."""


def _visit_of(event: Event) -> str | None:
    return event.visit if isinstance(event, VisitEvent) else None


class Notifier:
    def __init__(self, config: SiteConfig, data_dir: str | Path,
                 channels: dict[str, Channel] | None = None,
                 clock: Callable[[], float] = time.time,
                 open_contact: Callable[[str], str | None] | None = None):
        data_dir = Path(data_dir)
        self.config = config
        self._key = load_or_create_key(data_dir / "notify.key")
        self.store = NotifyStore(data_dir / "notify.db", self._key)
        self.channels = build_channels(config, data_dir) if channels is None else channels
        self.sender = Sender(self.store, self.channels, config.notify, clock)
        self._day: str | None = None
        self._fired: dict[str, set[str]] = {}
        self._checked_at = 0.0
        self._line_codes: dict[str, str] = {}
        self.open_contact = open_contact  # a booking's sealed contact -> its text
        self._reminded: set[tuple[str, str]] = set()  # (booking code, trigger) recorded
        self._reminded_at = float("-inf")

    def start(self) -> None:
        self.sender.start()

    def stop(self) -> None:
        self.sender.stop()
        self.store.close()

    @property
    def offered(self) -> list[str]:
        return list(self.channels)

    # ---- from the visit page (call under the service lock: see QueueService.read) --------
    def subscribe(self, engine, now: float, token: str, channel: str, offered: dict) -> list[str]:
        visit = self.visit_of_token(engine, token)
        if visit is None or visit.closed:
            raise NotifyError("visit_closed")
        if channel not in self.channels:
            raise NotifyError("not_offered")
        try:
            contact = self.channels[channel].contact(offered if isinstance(offered, dict) else {})
        except Invalid:
            raise NotifyError("invalid_contact") from None
        return self._add(engine, now, visit, channel, contact)

    def link_line(self, engine, now: float, codes: list[str], user_id: str) -> bool:
        """The official account received text from this LINE user; `codes` are the
        8-letter runs in it, one of which may be a visit's code."""
        visit = self.visit_of_line_code(engine, codes)
        if visit is None:
            return False
        try:
            contact = self.channels["line"].contact({"user_id": user_id})
        except Invalid:
            return False
        self._add(engine, now, visit, "line", contact)
        return True

    def _add(self, engine, now: float, visit, channel: str, contact: dict) -> list[str]:
        self.store.subscribe(visit.day, visit.id, channel, contact)
        if visit.id not in self._fired:  # (again, after a stop: what was told stays told)
            self._fired[visit.id] = self.store.fired(visit.id)
        self._check(engine, now, [visit.id])
        return self.store.channels_of(visit.id)

    def unsubscribe(self, engine, token: str) -> None:
        visit = self.visit_of_token(engine, token)
        if visit is not None:
            self.store.unsubscribe(visit.id)
            self._fired.pop(visit.id, None)

    @staticmethod
    def visit_of_token(engine, token: str):
        for v in engine.state.visits.values():
            if secrets.compare_digest(v.token, token):
                return v
        return None

    def line_code(self, visit_id: str) -> str:
        """The code a citizen sends to the official account to link LINE to this visit."""
        code = self._line_codes.get(visit_id)
        if code is None:
            mac = hmac.new(self._key, f"line:{visit_id}".encode(), hashlib.sha256).digest()
            code = self._line_codes[visit_id] = base64.b32encode(mac)[:8].decode()
        return code

    def visit_of_line_code(self, engine, codes: list[str]):
        wanted = set(codes)
        return next((v for v in engine.state.visits.values()
                     if not v.closed and self.line_code(v.id) in wanted), None)

    # ---- from the service ----------------------------------------------------------------
    def after_batch(self, engine, events: list[Event], now: float) -> None:
        try:
            self._after_batch(engine, events, now)
        except Exception:
            log.exception("notifications of a batch failed")

    def _after_batch(self, engine, events: list[Event], now: float) -> None:
        day = engine.state.day
        full = day != self._day
        if full:
            if day:
                self.store.purge_before(day)
                self._line_codes.clear()
            self._fired = self.store.subscribed(day)
            self._day = day
        self._remind(engine, events, now)
        if not self._fired:
            return
        candidates = {v for v in (_visit_of(e) for e in events) if v in self._fired}
        if full:
            candidates |= set(self._fired)
        if candidates:
            self._check(engine, now, sorted(candidates))
        if not full and now - self._checked_at >= NEAR_EVERY_S:
            self._checked_at = now
            self._check_near(engine, now)

    def _remind(self, engine, events: list[Event], now: float) -> None:
        """Booking reminders (reminders.py) by e-mail, at most every REMIND_EVERY_S; a
        booking cancelled, checked in or released loses its contact and what was pending."""
        for e in events:
            if e.type in ENDS_BOOKING:
                self.store.unsubscribe(reminders.owner(e.code))
        email = self.channels.get("email")
        if email is None or self.open_contact is None or now - self._reminded_at < REMIND_EVERY_S:
            return
        self._reminded_at = now
        queued = 0
        for b, notice in reminders.due(self.config, engine.bookings, now):
            key = reminders.owner(b.code)
            if (b.code, notice.trigger) in self._reminded:
                continue
            self._reminded.add((b.code, notice.trigger))
            if notice.trigger in self.store.fired(key):
                continue  # recorded before a restart
            try:
                contact = email.contact({"address": self.open_contact(engine.bookings.contacts[b.code])})
            except Invalid:
                continue  # a phone number: no reminder by e-mail
            self.store.subscribe(b.slot_day, key, "email", contact)
            queued += self.store.record(b.slot_day, key, [notice], now)
        if queued:
            self.sender.wake()

    def _check_near(self, engine, now: float) -> None:
        """The subscribed visits still waiting for their "near" message, front of each line
        first: the first one that is not near yet ends its line's look (those behind it
        have more people ahead and longer waits), so the cost stays small on long lines."""
        lines: dict[str, list[tuple[tuple, str]]] = {}
        for vid, fired in self._fired.items():
            v = engine.state.visits.get(vid)
            step = v.current() if v is not None and not v.closed else None
            if step is None or step.state != "waiting" or f"near:{v.current_index()}" in fired:
                continue
            key = engine.state.waiting[step.department].get(vid)
            if key is not None:
                lines.setdefault(step.department, []).append((key, vid))
        reader = engine.reader(now)
        for waiting in lines.values():
            for _, vid in sorted(waiting):
                status = engine.visit_status(engine.state.visits[vid], now, reader)
                if not triggers.is_near(self.config.notify, status):
                    break
                self._check(engine, now, [vid], reader)

    def _check(self, engine, now: float, visit_ids: list[str], reader=None) -> None:
        reader = reader or engine.reader(now)
        queued, closed = 0, []
        for vid in visit_ids:
            v = engine.state.visits.get(vid)
            if v is None:
                continue
            if v.closed:
                closed.append(vid)
                continue
            url = f"{self.config.public_url}/v/{v.token}"
            step = v.current()
            notices = [replace(n, url=url) for n in triggers.due(
                self.config, engine.visit_status(v, now, reader), self._fired.setdefault(vid, set()),
                transferred=bool(step and step.transferred), language=v.language)]
            if notices:
                queued += self.store.record(v.day, vid, notices, now)
                for n in notices:
                    self._fired[vid].update((n.trigger, *n.covers))
        if closed:
            self.store.forget(closed)
        if queued:
            self.sender.wake()
