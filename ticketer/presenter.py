"""The issuer's screen logic, without a window: what the screens show and what taps do.

The Kivy views (`ticketer.app`) only draw this state and forward taps; tests drive it
directly. Slow work (asking the service, printing) runs through `run` (a worker thread
on the device, inline in tests) and comes back through `post` (the UI thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol.booking_code import normalise_code, show_code
from protocol.client import new_request_id
from protocol.glossary import counters
from protocol.messages import CongestionMessage, PrinterState
from protocol.site import NEEDS, LifeEvent, Procedure, SiteConfig
from protocol.waits import wait_reason, wait_text

from .catalogue import Route, categories, route, search
from .issuing import Intent, Issued, Issuer, IssueRefused, TooEarly
from .lock import Attempt, ConciergeLock
from .pagers import PagerDesk, PagerError, parse_pager
from .printer import READY, TicketPrinter
from .settings import DeviceSettings
from .store import LocalStore, StoredTicket
from .texts import t

Task = Callable[[], None]


def _inline(task: Task) -> None:
    task()


@dataclass(frozen=True)
class Notice:
    """A line the concierge must see: kind is info, warning or error."""

    kind: str
    text: str


class ConciergePresenter:
    def __init__(self, settings: DeviceSettings, site: SiteConfig, lock: ConciergeLock,
                 issuer: Issuer, printer: TicketPrinter, store: LocalStore, *,
                 run: Callable[[Task], None] = _inline, post: Callable[[Task], None] = _inline,
                 clock: Callable[[], float] = time.time):
        self.settings = settings
        self.site = site
        self.lock = lock
        self.issuer = issuer
        self.printer = printer
        self.store = store
        self._run, self._post, self._clock = run, post, clock
        self.lang = settings.language
        self.life_event: str | None = None
        self.answers: set[str] = set()  # questions of the life event answered yes
        self.procedures: list[str] = []
        self.needs: set[str] = set()
        self.pagers: PagerDesk | None = None  # the desk's transmitter, if it has one
        self.pager: int | None = None  # the pager lent with the ticket on screen
        self.query = ""
        self.category: str | None = None
        self.request_id = new_request_id()
        self.busy = False
        self.last: Issued | None = None
        self.notice: Notice | None = None
        self.pin_message = ""
        self.printer_state: PrinterState = printer.state
        self.congestion: dict[str, CongestionMessage] = {}
        self._congestion_lock = threading.Lock()
        issuer.congestion = self.congestion_snapshot  # offline tickets estimate from it
        self._listeners: list[Callable[[], None]] = []
        lock.subscribe(lambda: self._post(self._changed))

    # ---- observers -----------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def text(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    # ---- what is shown -------------------------------------------------------------
    @property
    def mode(self) -> str:
        """locked | concierge | self_service"""
        if self.lock.unlocked:
            return "concierge"
        tz = ZoneInfo(self.site.timezone)
        if self.lock.state == "locked" and self.settings.self_service.active_at(
                datetime.fromtimestamp(self._clock(), tz).time()):
            return "self_service"
        return "locked"

    def life_events(self) -> list[LifeEvent]:
        return list(self.site.life_events.values())

    def questions(self):
        return self.site.life_events[self.life_event].questions if self.life_event else ()

    def selected(self) -> list[Procedure]:
        return [self.site.procedures[p] for p in self.procedures]

    def results(self) -> list[Procedure]:
        if self.query:
            return search(self.site, self.query)
        if self.category:
            return [p for p in self.site.procedures.values() if p.category == self.category]
        return []

    def categories(self) -> list[str]:
        return categories(self.site)

    def congestion_snapshot(self) -> dict[str, CongestionMessage]:
        with self._congestion_lock:
            return dict(self.congestion)

    def route(self) -> Route:
        return route(self.site, self.procedures, self.congestion_snapshot(), self.needs)

    def name(self, item) -> str:
        return item.name_en if self.lang == "en" else item.name_ja

    def need_label(self, need: str) -> str:
        return self.text(f"need_{need}")

    def all_needs(self) -> tuple[str, ...]:
        return NEEDS

    @property
    def can_issue(self) -> bool:
        return (self.mode != "locked" and not self.busy and bool(self.procedures)
                and not self.route().empty)

    @property
    def service_online(self) -> bool:
        return self.issuer.service_online

    def numbers_left(self) -> int:
        return self.issuer.numbers_left()

    def unprinted(self) -> list[StoredTicket]:
        return self.store.unprinted()

    def rejected(self) -> list[tuple[int, str]]:
        """Offline tickets the service refused: those citizens need a new ticket."""
        return self.store.rejected_visits()

    def acknowledge_rejected(self) -> None:
        self.activity()
        for number, reason in self.store.rejected_visits():
            self.store.audit("handover_rejected_seen", self.lock.staff_id, f"number {number}: {reason}")
        self.store.acknowledge_rejected()
        self._changed()

    def printer_label(self) -> str:
        return self.text(f"printer_{self.printer_state}")

    def stop_lines(self, stop) -> tuple[str, str, str]:
        """(department, where, waiting) for a route stop in the screen's language."""
        where_counters = counters([c.number for c in stop.counters], self.lang)
        first = stop.counters[0] if stop.counters else None
        colour = (first.colour_en if self.lang == "en" else first.colour_ja) if first else ""
        where = self.text("floor_counter", floor=stop.floor_en if self.lang == "en" else stop.floor_ja,
                          counters=where_counters, colour=colour)
        if stop.waiting is None:
            waiting = self.text("waiting_unknown")
        else:
            low, high = stop.wait_range or (None, None)
            waiting = self.text("waiting", n=stop.waiting, wait=wait_text(low, high, self.lang))
            reason = wait_reason(stop.waiting, stop.counters_open, stop.moving_here, high, self.lang)
            if reason:
                waiting += f"({reason})" if self.lang == "ja" else f" ({reason})"
        return self.name(stop), where, waiting

    # ---- concierge actions -----------------------------------------------------------
    def activity(self) -> None:
        self.lock.touch()

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "ja" else "ja"
        self._changed()

    def choose_life_event(self, event_id: str) -> None:
        self.activity()
        event = self.site.life_events[event_id]
        self.life_event = event_id
        self.answers = set()
        self.procedures = list(event.procedures)
        self._edited()

    def answer(self, question_id: str, yes: bool) -> None:
        """A life-event question: yes adds its procedures, no takes them away again."""
        self.activity()
        q = next(q for q in self.questions() if q.id == question_id)
        if yes:
            self.answers.add(q.id)
            self.procedures += [p for p in q.add if p not in self.procedures]
        else:
            self.answers.discard(q.id)
            still = {p for other in self.questions() if other.id in self.answers for p in other.add}
            base = set(self.site.life_events[self.life_event].procedures)
            self.procedures = [p for p in self.procedures if p not in q.add or p in still | base]
        self._edited()

    def add_procedure(self, procedure_id: str) -> None:
        self.activity()
        if self.mode == "self_service" and procedure_id not in self.settings.self_service.procedures:
            return  # a citizen may only pick what the site offers for self-service
        if procedure_id not in self.procedures:
            self.procedures.append(procedure_id)
        self._edited()

    def remove_procedure(self, procedure_id: str) -> None:
        self.activity()
        self.procedures = [p for p in self.procedures if p != procedure_id]
        self._edited()

    def toggle_need(self, need: str) -> None:
        self.activity()
        self.needs ^= {need}
        self._edited()

    def set_pager(self, text: str) -> bool:
        """The pager typed or scanned for this ticket ('' removes it). A pager means the
        citizen may not hear the call: the `hearing` need goes with it."""
        self.activity()
        if not text.strip():
            self.pager = None
            self._changed()
            return True
        try:
            pager = parse_pager(text)
            if self.pagers is not None and not self.pagers.available(pager):
                raise PagerError(f"呼出器{pager}番は貸出中です。返却を記録してから使ってください。")
            self.pager = pager
        except PagerError as exc:
            self.notice = Notice("error", str(exc))
            self._changed()
            return False
        self.needs.add("hearing")
        self._changed()
        return True

    def pager_returned(self, text: str) -> bool:
        """A pager scanned back at the desk (the charging base also reports it)."""
        self.activity()
        try:
            ok = self.pagers is not None and self.pagers.returned(parse_pager(text))
        except PagerError as exc:
            self.notice = Notice("error", str(exc))
        else:
            self.notice = Notice("info" if ok else "error",
                                 "呼出器の返却を記録しました。" if ok else "その呼出器は貸出中ではありません。")
        self._changed()
        return self.notice.kind == "info"

    def set_query(self, text: str) -> None:
        self.activity()
        self.query = text
        self._changed()

    def choose_category(self, category: str | None) -> None:
        self.activity()
        self.category = None if category == self.category else category
        self.query = ""
        self._changed()

    def _edited(self) -> None:
        # A finished ticket is on screen: the next edit starts a new citizen's intent.
        if self.last is not None and self.last.request_id == self.request_id:
            self.request_id = new_request_id()
        self.notice = None
        self._changed()

    def next_citizen(self) -> None:
        self.activity()
        self.life_event, self.answers, self.procedures = None, set(), []
        self.needs, self.query, self.category = set(), "", None
        self.pager = None
        self.request_id = new_request_id()
        self.notice = None
        self._changed()

    # ---- issuing ---------------------------------------------------------------------
    @property
    def issued_current(self) -> Issued | None:
        """The ticket issued and printed for what is on screen (then the big button offers
        the next citizen: a second 発券する would only give the same ticket again)."""
        last = self.last
        if last is None or last.request_id != self.request_id:
            return None
        stored = self.store.ticket(last.request_id)
        return last if stored is not None and stored.printed else None

    def primary(self) -> None:
        """The big button: issue, or once issued, start the next citizen."""
        if self.issued_current is not None and not self.busy:
            self.next_citizen()
        else:
            self.issue()

    def issue(self) -> bool:
        """Issue the ticket on screen; a second tap while it runs does nothing."""
        if not self.can_issue:
            return False
        self.activity()
        self.busy = True
        self._changed()
        staff = self.lock.staff_id if self.mode == "concierge" else None
        intent = Intent(self.request_id, tuple(self.procedures), self.life_event,
                        tuple(sorted(self.needs)), self.lang, staff)
        pager = self.pager
        self._run(lambda: self._issue_work(intent, pager))
        return True

    def _issue_work(self, intent: Intent, pager: int | None = None) -> None:
        try:
            issued = self.issuer.issue(intent)
        except IssueRefused as exc:
            refused = exc  # `exc` is unbound after the except block; the task runs later
            self._post(lambda: self._finish(None, None, refused))
            return
        state: PrinterState | None = None
        stored = self.store.ticket(issued.request_id)
        if not (issued.repeated and stored and stored.printed):
            state = self._print(issued.request_id, issued.ticket)
        if not issued.repeated:
            self.store.audit("issue", intent.staff,
                             f"number {issued.number}{' offline' if issued.offline else ''}")
            if pager is not None and self.pagers is not None:
                try:
                    self.pagers.lend(issued.number, pager)
                except PagerError:  # lent at another moment since it was typed: note it
                    self.store.audit("pager_busy", intent.staff, f"pager {pager}, number {issued.number}")
        self._post(lambda: self._finish(issued, state, None))

    def _print(self, request_id: str, ticket: dict) -> PrinterState:
        state = self.printer.print_ticket(ticket)
        ok = state in READY
        self.store.mark_printed(request_id, ok, None if ok else state)
        if not ok:
            self.store.audit("print_failed", None, f"number {ticket['number']}: {state}")
        return state

    def _finish(self, issued: Issued | None, state: PrinterState | None,
                error: IssueRefused | None) -> None:
        self.busy = False
        if error is not None:
            key = "no_leased_numbers" if error.code == "no_leased_numbers" else None
            self.notice = Notice("error", self.text(key) if key else self.text("error", reason=error.reason))
        else:
            assert issued is not None
            self.last = issued
            if state is not None:
                self.printer_state = state
            if state is not None and state not in READY:
                self.notice = Notice("error", self.text("not_printed", n=issued.number))
            else:
                key = "issued_offline" if issued.offline else "issued"
                self.notice = Notice("info", self.text(key, n=issued.number))
            if self.mode == "self_service":  # the next citizen starts afresh
                self.procedures, self.request_id = [], new_request_id()
        self._changed()

    # ---- check-in of a booking -------------------------------------------------------
    def check_in(self, text: str) -> bool:
        """A booking code typed, or the booking's QR code scanned: the day's ticket,
        marked booked; too early, a notice with the time to come back."""
        if self.mode != "concierge" or self.busy:
            return False
        self.activity()
        code = normalise_code(text)
        if code is None:
            self.notice = Notice("error", self.text("booking_bad_code"))
            self._changed()
            return False
        self.busy = True
        self._changed()
        request_id, staff, lang = new_request_id(), self.lock.staff_id, self.lang
        needs = tuple(sorted(self.needs))  # the concierge may mark needs first, as for a ticket

        def work() -> None:
            try:
                result = self.issuer.check_in(request_id, code, lang, needs)
            except IssueRefused as exc:
                refused = exc
                self._post(lambda: self._checked_in(code, None, None, refused))
                return
            state = None
            if isinstance(result, Issued):
                state = self._print(result.request_id, result.ticket)
                self.store.audit("check_in", staff, f"number {result.number}")
            self._post(lambda: self._checked_in(code, result, state, None))

        self._run(work)
        return True

    def _checked_in(self, code: str, result: Issued | TooEarly | None,
                    state: PrinterState | None, error: IssueRefused | None) -> None:
        self.busy = False
        shown = show_code(code)
        if error is not None:
            key = {"unknown_booking": "booking_unknown", "booking_expired": "booking_expired",
                   "offline": "booking_offline",
                   "booking_cancelled": "booking_cancelled",
                   "already_checked_in": "booking_already"}.get(error.code)
            self.notice = Notice("error", self.text(key, code=shown) if key
                                 else self.text("error", reason=error.reason))
        elif isinstance(result, TooEarly):
            self.notice = Notice("warning", self.text(
                "booking_too_early", code=shown, slot=self._hhmm(result.start),
                at=self._hhmm(result.at)))
        else:
            assert result is not None
            self.last = result
            if state is not None:
                self.printer_state = state
            if state is not None and state not in READY:
                self.notice = Notice("error", self.text("not_printed", n=result.number))
            else:
                key = "booking_on_time" if result.ticket.get("booked") == "on_time" else "booking_late"
                self.notice = Notice("info", self.text(key, n=result.number,
                                                       slot=self._hhmm(result.ticket["slot_at"])))
        self._changed()

    def _hhmm(self, ts: float) -> str:
        local = datetime.fromtimestamp(ts, ZoneInfo(self.site.timezone))
        if local.date() != datetime.fromtimestamp(self._clock(), ZoneInfo(self.site.timezone)).date():
            return f"{local.month}/{local.day} {local:%H:%M}"
        return f"{local:%H:%M}"

    def reprint(self) -> None:
        """Reprint the oldest ticket that did not print, else the last ticket: same number."""
        if self.mode == "locked" or self.busy:
            return
        self.activity()
        pending = self.store.unprinted()
        target = pending[0] if pending else self.store.last_ticket()
        if target is None:
            return
        self.busy = True
        self._changed()
        staff = self.lock.staff_id

        def work() -> None:
            state = self._print(target.request_id, target.ticket)
            self.store.audit("reprint", staff, f"number {target.number}")
            self._post(lambda: self._reprinted(target, state))

        self._run(work)

    def _reprinted(self, target: StoredTicket, state: PrinterState) -> None:
        self.busy = False
        self.printer_state = state
        if state in READY:
            self.notice = Notice("info", self.text("issued", n=target.number))
        else:
            self.notice = Notice("error", self.text("printer_fix"))
        self._changed()

    # ---- lock --------------------------------------------------------------------------
    def unlock_pin(self, staff_id: str, pin: str) -> Attempt:
        attempt = self.lock.unlock_pin(staff_id, pin)
        self.pin_message = self._attempt_text(attempt)
        self._changed()
        return attempt

    def card(self, uid: bytes) -> Attempt:
        attempt = self.lock.unlock_card(uid)
        self.pin_message = self._attempt_text(attempt)
        self._changed()
        return attempt

    def _attempt_text(self, a: Attempt) -> str:
        if a.ok:
            return ""
        if a.message_key == "wrong_pin":
            return self.text("wrong_pin", n=a.tries_left)
        if a.message_key == "locked_out":
            until = datetime.fromtimestamp(a.until or 0, ZoneInfo(self.site.timezone))
            return self.text("locked_out", t=until.strftime("%H:%M"))
        return self.text(a.message_key)

    def lock_now(self) -> None:
        self.lock.lock("manual")
        self.next_citizen()

    # ---- updates from the device -----------------------------------------------------------
    def self_service_procedures(self) -> list[Procedure]:
        return [self.site.procedures[p] for p in self.settings.self_service.procedures
                if p in self.site.procedures]

    def set_congestion(self, department: str, message: CongestionMessage | None) -> None:
        """A department's congestion; None: the department has none any more."""
        with self._congestion_lock:
            if message is None:
                self.congestion.pop(department, None)
            else:
                self.congestion[department] = message
        self._post(self._changed)

    def set_printer_state(self, state: PrinterState) -> None:
        if state != self.printer_state:
            self.printer_state = state
            self._post(self._changed)

    def set_site(self, site: SiteConfig) -> None:
        def apply() -> None:
            self.site = site
            self.issuer.site = site
            self.procedures = [p for p in self.procedures if p in site.procedures]
            if self.life_event not in site.life_events:
                self.life_event = None
            self._changed()
        self._post(apply)

    def refresh(self) -> None:
        self._post(self._changed)
