"""Check-in of a booking at the floor guide: the booking code typed on the screen, or the
booking's QR code read by a keyboard-wedge scanner (its text, then Enter), becomes the
day's visit with one number, as at the concierge issuer (the service's `check_in`).

On time: the number, where to go first and a ticket marked booked, printed through the
guide's printer. Too early: the time to come back, nothing changes. Late: a walk-in
visit, and the screen and the ticket say so. A code that cannot be one is refused here
without asking the service; an unknown, cancelled or expired code changes nothing.

No Kivy here: kiosk/checkin_app.py is the thin screen over this presenter.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.booking_code import CODE_ALPHABET, normalise_code, show_code
from protocol.client import RequestRefused, ServiceUnavailable, new_request_id

from . import i18n, printout
from .guide import Destination, GuidePresenter

log = logging.getLogger(__name__)
CODE_LENGTH = 8
_REFUSALS = {"unknown_booking": "checkin_unknown", "booking_expired": "checkin_expired",
             "booking_cancelled": "checkin_cancelled", "already_checked_in": "checkin_already"}


@dataclass(frozen=True)
class CheckInAnswer:
    """What the citizen sees after a check-in. `kind`: on_time, late, too_early or error."""

    kind: str
    message: str
    code: str = ""  # the code as shown (ABCD-EFGH), once it is one
    number: int | None = None
    first: Destination | None = None  # where to go first (on time and late)
    printed: str = ""  # the printer's outcome, in the citizen's language


class CheckInPresenter:
    def __init__(self, guide: GuidePresenter, printer=None, issuing_point: str | None = None,
                 clock: Callable[[], float] = time.time):
        self.guide = guide
        self.printer = printer
        self.issuing_point = issuing_point or self._nearest_issuing_point()
        self.clock = clock
        self.code = ""  # typed on the screen's keys
        self.answer: CheckInAnswer | None = None
        self._pending: tuple[str, str] | None = None  # (code, request id) of an unanswered try

    def _nearest_issuing_point(self) -> str:
        """The guide's check-ins count under the issuing point nearest to it."""
        here, points = self.guide.here, self.guide.config.issuing_points
        return min(points, key=lambda k: (points[k].floor != here.floor,
                                          math.dist((points[k].x, points[k].y), (here.x, here.y))))

    @property
    def lang(self) -> str:
        return self.guide.lang

    # ---- the screen's keys -----------------------------------------------------------
    def clear(self) -> None:
        self.code, self.answer = "", None

    def key(self, ch: str) -> None:
        """A tap on the code keys; "" deletes the last character."""
        if not ch:
            self.code = self.code[:-1]
        elif ch in CODE_ALPHABET and len(self.code) < CODE_LENGTH:
            self.code += ch
        self.answer = None

    # ---- the check-in ----------------------------------------------------------------
    def submit(self, text: str | None = None) -> CheckInAnswer:
        """Check in the code typed on the keys, or `text` (what the scanner typed)."""
        typed = self.code if text is None else text
        code = normalise_code(typed)
        if code is None:
            self.answer = CheckInAnswer("error", i18n.t("checkin_bad_code", self.lang))
            return self.answer
        # the same code again after a lost answer asks again with the same request id,
        # which the service de-duplicates: never two numbers for one booking
        if self._pending is None or self._pending[0] != code:
            self._pending = (code, new_request_id())
        request = m.CheckIn(request_id=self._pending[1], code=code,
                            issuing_point=self.issuing_point, language=self.lang)
        self.answer = self._ask(request)
        self.code = ""
        return self.answer

    def _ask(self, request: m.CheckIn) -> CheckInAnswer:
        shown = show_code(request.code)
        client = self.guide.client
        if client is None:
            return CheckInAnswer("error", i18n.t("service_down", self.lang))
        try:
            response = client.request("check_in", request, timeout=5.0)
        except (ServiceUnavailable, RequestRefused) as exc:
            log.warning("check_in failed: %s", exc)
            return CheckInAnswer("error", i18n.t("service_down", self.lang))
        self._pending = None
        if not response.ok:
            code = response.error.code if response.error else ""
            key = _REFUSALS.get(code, "service_down")
            number = response.error.reason.rsplit(" ", 1)[-1] if code == "already_checked_in" else ""
            return CheckInAnswer("error", i18n.t(key, self.lang, code=shown, n=number), shown)
        result = m.CheckInResult.model_validate(response.result)
        slot = self._hhmm(result.booking.start)
        if result.outcome == "too_early":
            return CheckInAnswer("too_early", i18n.t("checkin_too_early", self.lang, slot=slot,
                                                     at=self._hhmm(result.come_back_at)), shown)
        late = result.outcome == "late"
        first = self._first_stop(result.visit)
        mark = i18n.t("ticket_late" if late else "ticket_booked", self.lang, slot=slot)
        return CheckInAnswer("late" if late else "on_time",
                             i18n.t("checkin_late" if late else "checkin_on_time", self.lang,
                                    slot=slot),
                             shown, result.number, first, self._print(result, first, mark))

    def _first_stop(self, visit: m.VisitStatus | None) -> Destination | None:
        steps = [s for s in visit.steps if s.state not in m.CLOSED_STEP_STATES] if visit else []
        if not steps or steps[0].procedure not in self.guide.config.procedures:
            return None
        return self.guide.destination(steps[0].procedure)

    def _print(self, result: m.CheckInResult, first: Destination | None, mark: str) -> str:
        """The ticket, marked booked (or late), through the guide's printer."""
        image = printout.render_ticket(self.guide.config, result.number,
                                       first.place if first else "",
                                       first.counter if first else None, self.lang,
                                       issued_at=self.clock(), token=result.token or "", mark=mark)
        try:
            if self.printer is None:
                raise RuntimeError("no printer configured")
            printout.print_images(self.printer, [image])
            return i18n.t("printed", self.lang)
        except Exception:  # the printer's errors vary by connection: show the citizen
            log.exception("printing the booked ticket failed")
            return i18n.t("print_failed", self.lang)

    def _hhmm(self, ts: float) -> str:
        """A time of the booking; with the date when it is not today."""
        tz = ZoneInfo(self.guide.config.timezone)
        local = datetime.fromtimestamp(ts, tz)
        if local.date() != datetime.fromtimestamp(self.clock(), tz).date():
            return f"{local.month}/{local.day} {local:%H:%M}"
        return f"{local:%H:%M}"
