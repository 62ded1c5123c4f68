"""The board's state machine, without a window: what the screen shows and what is spoken.

MQTT handlers feed it (`on_call`, `on_congestion`, `on_service`, `on_link`) from the
network thread; the screen reads `view(now)` from the Kivy thread. The rules that keep a
board honest after a restart or a reconnect live here:

- a retained call (retain=1: sent on (re)subscribe) is shown, never announced;
- a call whose (call_id, number, kind) was already seen is a redelivery: ignored;
- a live call older than `stale_s` (queued by the broker while the board was away) is
  shown, not announced;
- a recall arrives as a new call_id for the same number: announced again;
- the last `max_calls` calls stay listed after their counter moved on (受付開始, the next
  call), marked by counter and as no longer calling, so a citizen who looked away can
  still check.
Citizens appear by number only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from protocol.messages import CallMessage, CongestionMessage, ServiceStatus
from protocol.site import SiteConfig
from protocol.texts import OPTIONAL, under_japanese
from protocol.waits import wait_reason, wait_text

from .settings import BoardSettings

STALE_S = 60.0
DEFAULT_TIMEZONE = "Asia/Tokyo"  # until the site document arrives


@dataclass(frozen=True)
class ShownCall:
    counter: str
    counter_number: int
    department: str
    colour: str
    number: int
    call_id: int
    recall: bool
    announced_at: float | None  # board clock when announced; None when restored
    calling: bool = True  # False once the counter moved on (serving it, or called another)


@dataclass(frozen=True)
class Update:
    """What a call message changed at a counter: for the voice and the signal lamps."""

    counter: str
    counter_number: int
    number: int | None
    announce: bool
    recall: bool


@dataclass(frozen=True)
class DepartmentRow:
    id: str
    name_ja: str
    name_en: str
    waiting: int
    estimated_wait_min: float | None
    level: str  # low, medium, high, closed; "unknown" until the service says
    wait_min_low: int | None = None  # the service's range (protocol.waits)
    wait_min_high: int | None = None
    counters_open: int = 0
    moving_here: int = 0
    names: tuple[tuple[str, str], ...] = ()  # (language, name or marker) beyond ja: protocol.texts

    def wait_text(self, lang: str) -> str:
        """The wait as every surface writes it (no counter open: no minutes)."""
        return wait_text(self.wait_min_low, self.wait_min_high, lang)

    def reason(self, lang: str) -> str | None:
        """Why a short line has a long wait, if it has."""
        return wait_reason(self.waiting, self.counters_open, self.moving_here,
                           self.wait_min_high, lang)


@dataclass(frozen=True)
class BoardView:
    calls: tuple[ShownCall, ...]  # the recent calls, newest first
    flashing: int | None  # call_id of the newest call while it flashes
    departments: tuple[DepartmentRow, ...]
    online: bool
    language: str
    notice: dict[str, str] | None
    signage: dict[str, str] | None
    site_name_ja: str
    timezone: str  # the site's: every clock shows the hall's time


class BoardPresenter:
    def __init__(
        self,
        settings: BoardSettings | None = None,
        site: SiteConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        stale_s: float = STALE_S,
    ):
        self.settings = settings or BoardSettings()
        self.site = site
        self.clock, self.wall, self.stale_s = clock, wall, stale_s
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[int, int | None, str]] = {}
        self._calls: dict[str, ShownCall] = {}  # what each counter is calling now
        self._recent: list[ShownCall] = []  # newest first, at most settings.max_calls
        self._congestion: dict[str, CongestionMessage] = {}
        self._link = False
        self._service_online = False
        self._day: str | None = None

    # ---- configuration ---------------------------------------------------------------
    def set_site(self, site: SiteConfig) -> None:
        with self._lock:
            self.site = site

    def set_settings(self, settings: BoardSettings) -> None:
        with self._lock:
            self.settings = settings
            self._calls = {c: call for c, call in self._calls.items() if self._shows(c)}
            self._recent = [c for c in self._recent if self._shows(c.counter)][: settings.max_calls]

    def _shows(self, counter: str) -> bool:
        return not self.settings.counters or counter in self.settings.counters

    # ---- inputs (network thread) -------------------------------------------------------
    def on_call(self, msg: CallMessage, retained: bool) -> Update | None:
        """Apply a call message; None when it changes nothing on this board."""
        with self._lock:
            if not self._shows(msg.counter):
                return None
            identity = (msg.call_id, msg.number, msg.kind)
            seen = self._seen.get(msg.counter)
            if seen == identity:
                return None  # QoS 1 redelivery, or the service republishing after a restart
            if seen and not retained and msg.call_id < seen[0]:
                return None  # an older live message arriving late
            self._seen[msg.counter] = identity
            new_call = seen is None or msg.call_id > seen[0]
            fresh = self.wall() - msg.at <= self.stale_s
            announce = not retained and msg.number is not None and new_call and fresh
            recall = msg.kind == "recall" or (
                msg.number is not None and msg.counter in self._calls
                and self._calls[msg.counter].number == msg.number and new_call
            )
            if msg.number is None:
                self._calls.pop(msg.counter, None)
            elif new_call or msg.counter not in self._calls:
                self._calls[msg.counter] = ShownCall(
                    msg.counter, msg.counter_number, msg.department, msg.colour, msg.number,
                    msg.call_id, recall, self.clock() if announce else None,
                )
            else:
                self._calls[msg.counter] = replace(self._calls[msg.counter], number=msg.number)
            self._remember(msg.counter)
            return Update(msg.counter, msg.counter_number, msg.number, announce, recall)

    def _remember(self, counter: str) -> None:
        """Keep the recent list in step with what `counter` calls now."""
        now = self._calls.get(counter)
        recent = []
        for c in self._recent:
            if now is not None and c.number == now.number:
                continue  # called again (a recall, another counter): listed once, at the top
            recent.append(replace(c, calling=False) if c.counter == counter and c.calling else c)
        if now is not None:
            recent.insert(0, now)
        self._recent = recent[: self.settings.max_calls]

    def on_congestion(self, department: str, msg: CongestionMessage | None) -> None:
        """A department's congestion; None: the department has none any more."""
        with self._lock:
            if msg is None:
                self._congestion.pop(department, None)
            else:
                self._congestion[department] = msg

    def on_service(self, msg: ServiceStatus) -> None:
        with self._lock:
            self._service_online = msg.state == "online"
            if msg.day and self._day and msg.day != self._day:
                # A new business day: call ids and numbers start again.
                self._seen.clear()
                self._calls.clear()
                self._recent.clear()
            self._day = msg.day or self._day

    def on_link(self, up: bool) -> None:
        with self._lock:
            self._link = up

    # ---- output (screen thread) --------------------------------------------------------
    def view(self, now: float | None = None) -> BoardView:
        now = self.clock() if now is None else now
        with self._lock:
            s = self.settings
            calls = tuple(self._recent)
            newest = calls[0] if calls else None
            flashing = (
                newest.call_id
                if newest and newest.announced_at is not None and now - newest.announced_at < s.flash_s
                else None
            )
            language = s.label_languages[int(now // s.rotate_s) % len(s.label_languages)]
            notice = s.notices[int(now // (s.rotate_s * len(s.label_languages))) % len(s.notices)] if s.notices else None
            signage = s.signage[int(now // s.signage_s) % len(s.signage)] if s.signage else None
            return BoardView(
                calls=calls, flashing=flashing, departments=self._department_rows(),
                online=self._link and self._service_online, language=language,
                notice=notice, signage=signage,
                site_name_ja=self.site.name_ja if self.site else "",
                timezone=self.site.timezone if self.site else DEFAULT_TIMEZONE,
            )

    def _department_rows(self) -> tuple[DepartmentRow, ...]:
        if self.site is None:
            return ()
        ids = list(self.settings.departments)
        if not ids:
            counters = [c for c in self.site.counters.values() if self._shows(c.id)]
            ids = list(dict.fromkeys(c.department for c in counters))
        rows = []
        for dept_id in ids:
            dept = self.site.departments.get(dept_id)
            if dept is None:
                continue
            c = self._congestion.get(dept_id)
            rows.append(DepartmentRow(
                dept.id, dept.name_ja, dept.name_en,
                c.waiting if c else 0, c.estimated_wait_min if c else None,
                c.level if c else "unknown",
                c.wait_min_low if c else None, c.wait_min_high if c else None,
                c.counters_open if c else 0, c.moving_here if c else 0,
                tuple((code, under_japanese(dept, "name", code)) for code in OPTIONAL),
            ))
        return tuple(rows)
