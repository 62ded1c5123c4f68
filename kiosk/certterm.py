"""The self-service certificate terminal's presenter (書かない窓口, after Ibusuki's
らくらく窓口証明書発行): choose certificates, identify with the My Number card or by
hand, confirm the fee, print one pre-filled application and a queue ticket.

Flow: choose -> identify -> (pin | manual) -> confirm -> done. No Kivy here; the screens
(kiosk/certterm_app.py) are a thin view. Personal data lives only in this object's memory
until `reset()`, and leaves it only sealed with the queue service's public key (which the
service publishes in its retained `service/status`) inside the `attach_application`
request: the broker never holds it in clear. It is never logged or published retained.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PIL import Image
from pydantic import ValidationError

from protocol import topics
from protocol.client import RequestRefused, ServiceClient, ServiceUnavailable, new_request_id
from protocol.codec import ProtocolError, decode
from protocol.messages import (
    Applicant,
    AttachApplication,
    CertificateLine,
    IssueRequest,
    IssueResult,
    Response,
    Result,
    ServiceStatus,
    seal_applicant,
)
from protocol.sealing import SealError
from protocol.site import Counter, Procedure, SiteConfig

from . import floormap, i18n, printout
from .floormap import Position
from .mynacard import (
    PIN_TRIES,
    CardError,
    CardLocked,
    CardReader,
    CardRemoved,
    TextApReader,
    WrongPin,
)
from .wareki import parse_birth_date

log = logging.getLogger(__name__)
CARD_LEFT_SECONDS = 15.0
IDLE_SECONDS = 120.0
DONE_SECONDS = 30.0
MAX_COPIES = 10


@dataclass
class Choice:
    copies: int = 0
    purpose: str = i18n.PURPOSES_JA[0]


@dataclass(frozen=True)
class Receipt:
    """What the citizen gets: a number, where to wait, and the two printed images."""

    number: int
    counter: Counter | None  # the nearest counter of the queue, for its colour
    place: str  # "5・6番窓口(市民課)"
    fee_yen: int
    ticket: Image.Image = field(repr=False)
    sheet: Image.Image = field(repr=False)  # holds personal data: printed, never shown


class CertTermError(RuntimeError):
    """A step cannot be taken; `key` is an i18n key to show the citizen."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, lang: str) -> str:
        return i18n.t(self.key, lang, **self.values)


class CertTermPresenter:
    def __init__(self, config: SiteConfig, reader: CardReader | None, client: ServiceClient | None,
                 issuing_point: str, here: Position, printer=None,
                 idle_seconds: float = IDLE_SECONDS):
        if issuing_point not in config.issuing_points:
            raise ValueError(f"issuing point {issuing_point!r} is not in the site configuration "
                             f"(known: {', '.join(config.issuing_points)})")
        self.config = config
        self.reader = reader
        self.client = client
        self.issuing_point = issuing_point
        self.here = here
        self.printer = printer
        self.idle_seconds = idle_seconds
        self.request_timeout = 8.0
        self._last_touch = 0.0
        self._next_config: SiteConfig | None = None
        self.card_read_at: float | None = None
        self.seal_key: str | None = None  # the service's public key, from service/status
        if client is not None:
            client.subscribe(topics.service_status(client.site), self._on_service_status)
        self.reset()

    def _on_service_status(self, topic: str, payload: bytes, retained: bool) -> None:
        try:
            key = decode(ServiceStatus, payload).seal_key
        except ProtocolError as exc:
            log.warning("ignored a bad service status: %s", exc.code)
            return
        if key:
            self.seal_key = key

    # ---- life cycle ------------------------------------------------------------------------
    def use_config(self, config: SiteConfig) -> None:
        """A new site configuration (certificates, fees) from the service: it applies from
        the next citizen on, so nobody's fee changes between choosing and printing."""
        self._next_config = config
        if self.step == "choose" and not self.chosen():
            self.reset()

    def reset(self) -> None:
        """Forget everything about the last citizen."""
        self.config = self._next_config or self.config
        self.lang = "ja"
        self.step = "choose"
        self.choices: dict[str, Choice] = {p.id: Choice() for p in self.certificates()}
        self.applicant: Applicant | None = None
        self.identified_by: str | None = None
        self.tries_left: int | None = None
        # A card still on the reader keeps its alert for the next screen; a new one starts clean.
        if not self.card_present():
            self.card_read_at = None
        self.receipt: Receipt | None = None
        self._request_ids: tuple[str, str] | None = None

    def touched(self, now: float) -> None:
        self._last_touch = now

    def is_idle(self, now: float) -> bool:
        """Time to forget the citizen: nobody touched for a while (sooner once done)."""
        if self.step == "choose" and not self.chosen() and self.lang == "ja":
            return False  # already at the start
        limit = DONE_SECONDS if self.step == "done" else self.idle_seconds
        return now - self._last_touch >= limit

    def set_language(self, lang: str) -> None:
        if lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang

    # ---- choose ---------------------------------------------------------------------------------
    def certificates(self) -> list[Procedure]:
        return [p for p in self.config.procedures.values() if p.certificate]

    def set_copies(self, procedure_id: str, copies: int) -> None:
        self.choices[procedure_id].copies = max(0, min(MAX_COPIES, copies))

    def set_purpose(self, procedure_id: str, purpose_ja: str) -> None:
        if purpose_ja not in i18n.PURPOSES_JA:
            raise ValueError(f"unknown purpose {purpose_ja!r}")
        self.choices[procedure_id].purpose = purpose_ja

    def chosen(self) -> list[tuple[Procedure, Choice]]:
        return [(self.config.procedures[pid], c) for pid, c in self.choices.items() if c.copies]

    def total_fee(self) -> int:
        """From the site's fee table (SiteConfig.fee_yen, the rule the service checks)."""
        return self.config.fee_yen((p.id, c.copies) for p, c in self.chosen())

    def to_identify(self) -> None:
        if not self.chosen():
            raise CertTermError("choose_one")
        self.step = "identify"

    # ---- identify: the card --------------------------------------------------------------------
    def card_present(self) -> bool:
        if self.reader is None:
            return False
        try:
            return self.reader.card_present()
        except CardError:
            return False

    def start_card(self) -> int:
        """The card is on the reader: find how many PIN tries are left, go to the PIN pad."""
        self._expect("identify")
        if self.reader is None:
            raise CertTermError("card_error")
        try:
            self.tries_left = TextApReader(self.reader).remaining_tries()
        except CardError:
            raise CertTermError("card_error") from None
        self.step = "pin"
        if self.tries_left == 0:
            raise CertTermError("card_locked")
        return self.tries_left

    def pin_warning(self) -> str:
        """What to show above the PIN pad: nothing, tries left, last try, or locked."""
        if self.tries_left is None or self.tries_left >= PIN_TRIES:
            return ""
        if self.tries_left == 0:
            return i18n.t("card_locked", self.lang)
        if self.tries_left == 1:
            return i18n.t("pin_last_try", self.lang)
        return i18n.t("pin_wrong", self.lang, n=self.tries_left)

    def _expect(self, step: str) -> None:
        """Steps only follow each other (a stale touch must not skip the choice)."""
        if self.step != step or not self.chosen():
            raise CertTermError("choose_one")

    def enter_pin(self, pin: str, now: float) -> Applicant:
        self._expect("pin")
        if len(pin) != 4 or not pin.isdigit():
            raise CertTermError("enter_pin")
        try:
            applicant = TextApReader(self.reader).read(pin)
        except WrongPin as exc:
            self.tries_left = exc.remaining
            raise CertTermError("pin_last_try" if exc.remaining == 1 else "pin_wrong",
                                n=exc.remaining) from None
        except CardLocked:
            self.tries_left = 0
            raise CertTermError("card_locked") from None
        except CardRemoved:
            self.step = "identify"
            raise CertTermError("place_card") from None
        except CardError:
            raise CertTermError("card_error") from None
        self.tries_left = PIN_TRIES
        self.applicant, self.identified_by, self.card_read_at = applicant, "mynumber_card", now
        self.step = "confirm"
        return applicant

    def card_left(self, now: float) -> bool:
        """True when the card was read a while ago and still lies on the reader."""
        return (self.card_read_at is not None and now - self.card_read_at >= CARD_LEFT_SECONDS
                and self.card_present())

    # ---- identify: by hand -------------------------------------------------------------------------
    def go_to(self, step: str) -> None:
        """The screens' back and 'enter by hand' buttons (never forward past a check)."""
        allowed = {"choose": ("identify", "pin", "manual", "confirm"), "identify": ("pin", "manual"),
                   "manual": ("identify", "pin")}
        if self.step not in allowed.get(step, ()):
            raise ValueError(f"cannot go from {self.step!r} to {step!r}")
        self.step = step

    def enter_manual(self, name: str, name_kana: str, address: str, birth_date: str,
                     sex: str) -> Applicant:
        """Check the typed details; a CertTermError names the first field to fix and nothing
        typed is lost (the screen keeps its fields)."""
        self._expect("manual")
        for key, value in (("name", name), ("address", address), ("birth_date", birth_date)):
            if not value.strip():
                raise CertTermError("field_missing", field=i18n.t(key, self.lang))
        try:  # 西暦 or 和暦 (昭和55年4月1日, S55.4.1): stored as ISO
            born = parse_birth_date(birth_date).isoformat()
            applicant = Applicant(name=name.strip(), name_kana=name_kana.strip(),
                                  address=address.strip(), birth_date=born, sex=sex)
        except (ValidationError, ValueError):
            raise CertTermError("field_missing", field=i18n.t("birth_date", self.lang)) from None
        self.applicant, self.identified_by = applicant, "manual"
        self.step = "confirm"
        return applicant

    # ---- confirm and submit ---------------------------------------------------------------------------
    def lines(self) -> list[CertificateLine]:
        return [CertificateLine(procedure=p.id, copies=c.copies, purpose=c.purpose)
                for p, c in self.chosen()]

    def submit(self, now: float) -> Receipt:
        """Issue the visit, attach the application, print. Safe to call again after a
        failure: the same request ids make the service answer with the same number."""
        self._expect("confirm")
        if self.applicant is None or self.identified_by is None:
            raise CertTermError("choose_one")
        if self.client is None:
            raise CertTermError("service_down")
        if self._request_ids is None:
            self._request_ids = (new_request_id(), new_request_id())
        issue_id, attach_id = self._request_ids
        lines = self.lines()
        issued = self._ask("issue", IssueRequest(
            request_id=issue_id, issuing_point=self.issuing_point,
            procedures=[line.procedure for line in lines], language=self.lang))
        number = issued.number
        self._ask("attach_application", self.application(attach_id, number, lines))
        counters = self._counters_of(issued)
        counter = floormap.nearest(counters, self.here) if counters else None
        place = i18n.counters_position(counters, counter, self.lang) if counter else ""
        sheet = printout.render_application(
            self.config, self.applicant, self.identified_by,
            [printout.SheetLine(p.name_ja, c.copies, c.purpose, p.fee(c.copies))
             for p, c in self.chosen()], number, now)
        ticket = printout.render_ticket(self.config, number, place, counter, self.lang, now,
                                        token=issued.token)
        self.receipt = Receipt(number, counter, place, self.total_fee(), ticket, sheet)
        self.step = "done"
        if self.printer is not None:
            try:
                printout.print_images(self.printer, [ticket, sheet])
            except Exception:
                log.exception("printing the certificate application failed")
                raise CertTermError("print_failed") from None
        return self.receipt

    def application(self, request_id: str, number: int,
                    lines: list[CertificateLine]) -> AttachApplication:
        """The attach request, the applicant sealed for the service alone."""
        if self.seal_key is None or self.applicant is None or self.identified_by is None:
            log.warning("no sealing key from the service yet: the application cannot be sent")
            raise CertTermError("service_down")
        try:
            sealed = seal_applicant(self.seal_key, self.applicant, number)
        except SealError:
            log.warning("the service's sealing key is unusable")
            raise CertTermError("service_down") from None
        return AttachApplication(request_id=request_id, number=number,
                                 identified_by=self.identified_by, sealed_applicant=sealed,
                                 certificates=lines, fee_yen=self.total_fee())

    def _ask(self, command: str, request) -> Result:
        try:
            response: Response = self.client.request(command, request, timeout=self.request_timeout)
        except (ServiceUnavailable, RequestRefused) as exc:
            log.warning("%s failed: %s", command, exc)
            raise CertTermError("service_down") from None
        if not response.ok or response.result is None:
            code = response.error.code if response.error else "unknown"
            log.warning("%s refused by the service: %s", command, code)
            raise CertTermError("service_down")
        return response.result

    def _counters_of(self, issued: IssueResult) -> list[Counter]:
        """The counters of the department the visit waits at first."""
        visit = issued.visit
        department = visit.department or (visit.steps[0].department if visit.steps else None)
        return self.config.counters_of(department) if department else []

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) rows of the confirm screen, in the citizen's language."""
        a, lang = self.applicant, self.lang
        if a is None:
            return []
        return [(i18n.t("name", lang), a.name), (i18n.t("name_kana", lang), a.name_kana or "—"),
                (i18n.t("address", lang), a.address), (i18n.t("birth_date", lang), a.birth_date),
                (i18n.t("sex", lang), i18n.t(a.sex, lang))]
