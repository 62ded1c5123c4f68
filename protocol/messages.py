"""Versioned message models of the MQTT contract (JSON payloads, version field `v`).

Requests travel as MQTT v5 requests (Response Topic + Correlation Data + Message Expiry)
on `dev/<device>/req/<command>`; every request carries a `request_id` that the service
de-duplicates, so a redelivered or repeated request gets the first answer again.
Retained state messages have one writer: the queue service. No model here holds a
citizen's name or address: `AttachApplication` carries the applicant sealed with the
service's public key (protocol.sealing), so the broker only ever sees ciphertext.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .sealing import seal

VERSION = 1
# The vocabularies of the contract, each kept here once (protocol/site.py checks the site
# file against them, the engine and the appliances read them from here).
NEEDS = ("wheelchair", "hearing", "sight", "pregnancy", "small_children", "language")
HANDOVERS = ("none", "immediate", "later")  # how a finished procedure's result is handed over
OPEN_STEP_STATES = ("waiting", "called", "serving", "held", "absent")
CLOSED_STEP_STATES = ("done", "skipped", "cancelled")  # a step in one of these is over
Need = Literal[NEEDS]  # type: ignore[valid-type]
Handover = Literal[HANDOVERS]  # type: ignore[valid-type]
Ident = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
RequestId = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
StepState = Literal[OPEN_STEP_STATES + CLOSED_STEP_STATES]  # type: ignore[valid-type]
PrinterState = Literal["ok", "paper_low", "paper_out", "cover_open", "offline"]
VisitState = Literal[
    "waiting", "called", "serving", "held", "absent", "done", "cancelled", "expired"
]


class Message(BaseModel):
    """Base of every payload: strict (unknown fields are an error) and versioned."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = VERSION


class Request(Message):
    request_id: str = RequestId


# Who did it, for the audit trail: only the service's web pages set it, from the signed-in
# session (queue_service/request_checks.py).
StaffId = Field(default=None, max_length=32, description=(
    "The signed-in staff member, set by the service's web pages; a device that names one "
    "is refused (`staff_not_signed_in`)."))


# ---- requests: issuing ---------------------------------------------------------------

class IssueRequest(Request):
    """Issue one visit with one number for all its procedures, in order."""

    issuing_point: str = Ident
    procedures: list[str] = Field(min_length=1, max_length=20)
    life_event: str | None = None
    needs: list[Need] = Field(default_factory=list, max_length=6)
    language: str = Field(default="ja", max_length=8)
    staff: str | None = StaffId


class LeaseRequest(Request):
    """Reserve a block of numbers that an issuer may use while it cannot reach the service.

    With `reserve` false nothing is reserved: the answer only lists the blocks the service
    holds as leased to this issuing point today, so an issuer can drop numbers it
    believes leased that the service does not know (a service whose store was replaced
    would otherwise see them issued twice)."""

    issuing_point: str = Ident
    reserve: bool = True


class OfflineVisit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    request_id: str = RequestId
    number: int = Field(ge=0, le=99999)
    issued_at: float
    issuing_point: str = Ident
    procedures: list[str] = Field(min_length=1, max_length=20)
    life_event: str | None = None
    needs: list[Need] = Field(default_factory=list, max_length=6)
    language: str = Field(default="ja", max_length=8)
    staff: str | None = StaffId


class HandoverRequest(Request):
    """Visits an issuer made from its leased numbers while offline."""

    visits: list[OfflineVisit] = Field(min_length=1, max_length=200)


# ---- requests: counters ----------------------------------------------------------------

class CounterRequest(Request):
    counter: str = Ident
    staff: str | None = StaffId


class CallNext(CounterRequest):
    pass


class Recall(CounterRequest):
    """Call the current visit again, or a given number waiting or marked absent."""

    number: int | None = Field(default=None, ge=0, le=99999)


class MarkAbsent(CounterRequest):
    pass


class StartService(CounterRequest):
    pass


class FinishProcedure(CounterRequest):
    """Finish the procedure being served; the visit moves on to its next department."""

    handover: Handover | None = None


class Hold(CounterRequest):
    pass


class Requeue(CounterRequest):
    """Put a held visit, or one that missed too many calls, back in its queue."""

    number: int = Field(ge=0, le=99999)


class AddProcedure(CounterRequest):
    procedure: str = Ident
    position: Literal["next", "end"] = "next"


class SkipProcedure(CounterRequest):
    """Mark the current procedure as not needed (e.g. optional consultation declined)."""


class CancelProcedure(CounterRequest):
    procedure: str = Ident


class Transfer(CounterRequest):
    department: str = Ident


class CancelVisit(CounterRequest):
    pass


class OpenCounter(CounterRequest):
    pass


class CloseCounter(CounterRequest):
    pass


class GetVisit(Request):
    number: int = Field(ge=0, le=99999)


# ---- requests: self-service certificates (personal data: request only, never retained) --

class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=100)
    name_kana: str = Field(default="", max_length=100)
    address: str = Field(min_length=1, max_length=200)
    birth_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    sex: Literal["male", "female", "unknown"] = "unknown"


class CertificateLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    procedure: str = Ident
    copies: int = Field(ge=1, le=20)
    purpose: str = Field(default="", max_length=60)


class AttachApplication(Request):
    """A pre-filled certificate application, linked to an issued visit by number. The
    `Applicant` travels sealed for the service (`seal_applicant`)."""

    number: int = Field(ge=0, le=99999)
    identified_by: Literal["mynumber_card", "manual"]
    sealed_applicant: str = Field(min_length=60, max_length=4096, pattern=r"^[A-Za-z0-9_-]+$")
    certificates: list[CertificateLine] = Field(min_length=1, max_length=20)
    fee_yen: int = Field(ge=0)


def applicant_aad(number: int) -> bytes:
    """What a sealed applicant is bound to: the visit it belongs to."""
    return f"attach_application:{number}".encode()


def seal_applicant(public_key: str, applicant: Applicant, number: int) -> str:
    """`AttachApplication.sealed_applicant`: only the service holding the key opens it."""
    return seal(public_key, applicant.model_dump_json().encode(), applicant_aad(number))


# ---- requests: bookings (a slot for a purpose; no name, a contact only for a reminder) --

BookingCode = Field(min_length=8, max_length=8, pattern=r"^[A-HJ-NP-Z2-9]{8}$")
BookingState = Literal["booked", "checked_in", "late", "cancelled", "no_show"]


class BookRequest(Request):
    """Book a place in the slot starting at `start` (epoch seconds, one of the free slots
    listed) for a purpose: its procedures, in a department, or at a remote booth. The
    answer gives the booking's own time within the slot."""

    procedures: list[str] = Field(min_length=1, max_length=20)
    life_event: str | None = None
    start: float
    booth: str | None = None
    language: str = Field(default="ja", max_length=8)
    contact: str | None = Field(default=None, max_length=120)  # never published or logged
    staff: str | None = StaffId  # booked on a citizen's behalf


class ChangeBooking(Request):
    code: str = BookingCode
    start: float
    staff: str | None = StaffId


class CancelBooking(Request):
    code: str = BookingCode
    staff: str | None = StaffId


class GetBooking(Request):
    code: str = BookingCode


class CheckIn(Request):
    """A booked citizen arrives: the booking becomes the day's visit with one number."""

    code: str = BookingCode
    issuing_point: str = Ident
    needs: list[Need] = Field(default_factory=list, max_length=6)  # as the concierge marks them
    language: str = Field(default="ja", max_length=8)
    staff: str | None = StaffId


# ---- responses -------------------------------------------------------------------------

# Every error code an answer can carry, with what it means. A new refusal adds its code
# here (ErrorInfo.code only accepts these), and the AsyncAPI lists them.
ERROR_CODES: dict[str, str] = {
    # the payload itself (protocol/codec.py, before the service sees it)
    "malformed": "The payload is not UTF-8 JSON or not a JSON object.",
    "too_large": "The payload is larger than 16 KiB.",
    "unsupported_version": "The payload's `v` is not a version this service speaks.",
    "invalid": "A field is missing, unknown or out of range; the reason names it.",
    "unknown_command": "There is no such command.",
    # issuing
    "unknown_issuing_point": "The issuing point is not in the site configuration.",
    "unknown_procedure": "A procedure is unknown, not a certificate, or not open on the visit.",
    "nothing_to_queue": "None of the procedures is handled in this building (guidance only).",
    "numbers_exhausted": "Every number of the business day has been issued or leased.",
    "duplicate_procedure": "A visit lists the same procedure more than once.",
    # counters
    "unknown_counter": "The counter is not in the site configuration.",
    "counter_closed": "The counter is closed: send open_counter first.",
    "counter_busy": "The counter still has a visit called or in service: finish, hold or "
                    "mark it absent first.",
    "no_visit": "The counter has no visit in the state this command needs.",
    "unknown_visit": "No (open) visit has this number in the current business day.",
    "not_here": "That number is not waiting for this counter.",
    "not_held": "That number is neither on hold nor marked absent.",
    "not_queued": "The procedure is not handled in this building.",
    "already_listed": "The procedure is already open on this visit.",
    "unknown_department": "The department is unknown or has no counter.",
    # certificate applications
    "not_on_visit": "The certificate is not one of the visit's procedures.",
    "fee_mismatch": "The fee does not match the site's fees for these certificates.",
    "unsealable": "The applicant is not sealed with this service's key for this visit.",
    # bookings
    "bookings_closed": "This site takes no bookings.",
    "not_bookable": "This purpose is not taken by booking (or not at that booth).",
    "unknown_booth": "There is no remote booth with that counter id.",
    "unknown_life_event": "The life event is not in the site configuration.",
    "no_such_slot": "That time is not a slot that can be booked (hours, day, how far ahead).",
    "slot_passed": "That slot has already begun.",
    "slot_full": "That slot has no place left (someone took the last one).",
    "unknown_booking": "No booking has this code.",
    "not_changeable": "The booking is checked in, cancelled or released: it cannot change.",
    "booking_cancelled": "The booking was cancelled.",
    "already_checked_in": "The booking was already checked in; the reason gives its number.",
    "booking_expired": "The booking was for an earlier day.",
    # who
    "staff_not_signed_in": "A device named a staff member: staff are taken from a signed-in "
                           "session of the web pages, never from a device's request.",
    # the service
    "store_failed": "The service could not save the request; nothing changed, try again.",
    "busy": "The service has too many requests waiting; nothing changed, try again shortly.",
    "internal": "The service failed on this request; nothing changed.",
}
ErrorCode = Literal[tuple(ERROR_CODES)]  # type: ignore[valid-type]


class ErrorInfo(BaseModel):
    """Why a request was refused: a machine-readable `code` and a `reason` for people."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: ErrorCode = Field(description="One of:\n" + "\n".join(
        f"- `{code}`: {meaning}" for code, meaning in ERROR_CODES.items()))
    reason: str


ResultT = TypeVar("ResultT")


class Response(Message, Generic[ResultT]):
    """The answer to a request, on the requesting device's `dev/<device>/res`.

    `result` is the command's result model (`RESULTS[command]`) when `ok`; `error` says
    why not otherwise. `Response[IssueResult]` reads an answer with its typed result; plain
    `Response` leaves `result` a JSON object."""

    request_id: str | None = None
    ok: bool
    result: ResultT | None = None
    error: ErrorInfo | None = None

    @classmethod
    def success(cls, request_id: str | None, result: BaseModel | dict) -> Response:
        return cls(request_id=request_id, ok=True, result=result)

    @classmethod
    def failure(cls, request_id: str | None, code: str, reason: str) -> Response:
        return cls(request_id=request_id, ok=False, error=ErrorInfo(code=code, reason=reason))


# ---- retained state (single writer: the queue service) ----------------------------------

class StepStatus(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    procedure: str
    name_ja: str
    name_en: str
    department: str
    state: StepState
    counter: str | None = None
    counter_number: int | None = None


class VisitStatus(Message):
    """Public status of a visit: by number, no personal data."""

    number: int
    day: str
    state: VisitState
    issued_at: float
    department: str | None = None
    counter: str | None = None
    counter_number: int | None = None
    people_ahead: int = 0
    estimated_wait_min: float = 0.0
    # The range shown for the wait (protocol.waits); None while not waiting or while no
    # counter of its department is open.
    wait_min_low: int | None = None
    wait_min_high: int | None = None
    steps: list[StepStatus]
    booked: Literal["on_time", "late"] | None = None  # checked in with a booking
    slot_at: float | None = None  # the booked slot (on time only): called when it is due


class CallMessage(Message):
    """The current call of a counter. Live calls arrive with retain=0; a board that
    receives it as a retained message shows it without announcing it again."""

    counter: str
    counter_number: int
    department: str
    colour: str
    number: int | None
    call_id: int
    kind: Literal["call", "recall", "clear"]
    at: float


class CongestionMessage(Message):
    department: str
    waiting: int
    serving: int
    counters_open: int
    estimated_wait_min: float | None  # None while no counter is open
    # The range shown for someone issued now (protocol.waits), and for someone issued now
    # with a priority need (called first); None while no counter is open.
    wait_min_low: int | None = None
    wait_min_high: int | None = None
    priority_wait_min_low: int | None = None
    priority_wait_min_high: int | None = None
    moving_here: int = 0  # visits at other departments due here before a newcomer
    level: Literal["low", "medium", "high", "closed"]
    label_ja: str
    label_en: str
    at: float


class CounterStateMessage(Message):
    counter: str
    open: bool
    number: int | None = None


class StaffingLine(BaseModel):
    """One department whose counters should change (queue_service/staffing.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    department: str
    action: Literal["open", "close"]
    counters_open: int
    counters_needed: int
    in_min: int = 0  # open: how soon the extra counters are needed
    counter: str | None = None  # close: the free counter that can close
    load_min: float  # counter-minutes expected over the next hour, waiting work included
    wait_min: float  # the longest wait expected over the hour with the counters open now
    gain_min: float  # people-minutes of waiting one more counter would save in the hour
    text_ja: str
    text_en: str


class StaffingAdvice(Message):
    """Advice for the supervisor from the next hour's forecast load (no personal data)."""

    lines: list[StaffingLine]
    at: float


class ServiceStatus(Message):
    state: Literal["online", "offline"]
    day: str | None = None
    boot: int = 0
    seal_key: str | None = Field(default=None, max_length=64)  # X25519 public key, for sealing
    instance: str | None = Field(default=None, max_length=32)  # which installation (one per site)


# ---- devices -----------------------------------------------------------------------------

Role = Literal["issuer", "board", "guide", "certterm", "counter", "service"]


class DeviceStatus(Message):
    """Birth (online, after connecting) and death (offline, the Last Will)."""

    device: str
    state: Literal["online", "offline"]
    role: Role | None = None
    boot: int = 0
    version: str = ""
    at: float = 0.0


class Health(Message):
    device: str
    uptime_s: float
    version: str
    temperature_c: float | None = None
    free_disk_mb: float | None = None
    printer: PrinterState | None = None
    audio: Literal["ok", "error", "no_clips"] | None = None  # no_clips: a board that cannot speak
    alerts: list[str] = Field(default_factory=list)
    at: float


class IssuerState(Message):
    """An issuer's live state, retained on `dev/<device>/state` whenever it changes.

    `unprinted`: tickets issued but not yet printed (waiting for a reprint);
    `offline_visits`: visits issued from leased numbers not yet handed over."""

    device: str
    lock: Literal["locked", "unlocked", "locked_out"]
    mode: Literal["concierge", "self_service"] = "concierge"
    service: Literal["online", "offline"]
    printer: PrinterState
    unprinted: int = 0
    offline_visits: int = 0
    leased_left: int = 0
    at: float


class DeviceConfig(Message):
    device: str
    role: Role
    name: str
    location: str = ""
    settings: dict = Field(default_factory=dict)


class DeviceCommand(Message):
    command_id: str = RequestId
    command: Literal["reload_config", "test_print", "test_chime", "restart"]


class CommandResult(Message):
    command_id: str
    ok: bool
    detail: str = ""


# ---- results: what `Response.result` holds for each command --------------------------------

class Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IssueResult(Result):
    """A new visit: its number, the token of its status page, where it goes first."""

    number: int
    token: str  # the secret of the visit's status page (printed as a QR code; never retained)
    visit: VisitStatus
    guidance: list[str]  # procedures handled elsewhere (guidance only), ids
    congestion: CongestionMessage  # of the department the visit waits in first


class LeaseResult(Result):
    """Numbers `first`..`last` of `day` reserved for this issuing point's offline use; for a
    request with `reserve` false, only `held`: every block leased to it today."""

    day: str
    first: int | None = None
    last: int | None = None
    held: list[tuple[int, int]] = Field(default_factory=list)


class AcceptedVisit(Result):
    number: int
    token: str


class RejectedVisit(Result):
    number: int
    reason: str


class HandoverResult(Result):
    """Per offline visit: accepted (with its status-page token) or rejected (why)."""

    accepted: list[AcceptedVisit]
    rejected: list[RejectedVisit]


class VisitResult(Result):
    """The visit as it is after the command (for get_visit: as it is now)."""

    visit: VisitStatus


class CallNextResult(Result):
    """The visit now called to this counter, or `visit: null` when nobody waits for it
    (the counter stays free)."""

    visit: VisitStatus | None


class CounterResult(Result):
    """Whether the counter is open after the command (opening an open counter is fine)."""

    counter: str
    open: bool


class AttachResult(Result):
    """The application is linked to the visit; `fee_yen` as the site computes it."""

    number: int
    attached: bool
    fee_yen: int


class BookingInfo(Result):
    """A booking as its holder sees it (no contact: that stays in the service)."""

    code: str
    slot_day: str
    slot: float  # start of the slot it holds a place in
    start: float  # its own time within the slot: come then; called from just before
    end: float  # end of the slot
    department: str
    booth: str | None = None
    procedures: list[str]
    life_event: str | None = None
    state: BookingState
    number: int | None = None  # the visit's number once checked in


class BookingResult(Result):
    """The booking after the command (made, changed, cancelled, or as it is now)."""

    booking: BookingInfo


class CheckInResult(Result):
    """`checked_in`: a visit called when its slot is due; `late`: a walk-in visit (more
    than the late window after the slot); `too_early`: nothing changed, come back at
    `come_back_at`. The visit fields are those of the issue answer (None when too early)."""

    outcome: Literal["checked_in", "late", "too_early"]
    booking: BookingInfo
    come_back_at: float | None = None
    number: int | None = None
    token: str | None = None
    visit: VisitStatus | None = None
    guidance: list[str] = Field(default_factory=list)
    congestion: CongestionMessage | None = None

    def issued(self) -> IssueResult:
        """The visit part as an issue answer (what a ticket is printed from)."""
        return IssueResult(number=self.number, token=self.token, visit=self.visit,
                           guidance=self.guidance, congestion=self.congestion)


COMMANDS: dict[str, type[Request]] = {
    "issue": IssueRequest,
    "lease": LeaseRequest,
    "handover": HandoverRequest,
    "call_next": CallNext,
    "recall": Recall,
    "absent": MarkAbsent,
    "start": StartService,
    "finish": FinishProcedure,
    "hold": Hold,
    "requeue": Requeue,
    "add_procedure": AddProcedure,
    "skip": SkipProcedure,
    "cancel_procedure": CancelProcedure,
    "transfer": Transfer,
    "cancel_visit": CancelVisit,
    "open_counter": OpenCounter,
    "close_counter": CloseCounter,
    "get_visit": GetVisit,
    "attach_application": AttachApplication,
    "book": BookRequest,
    "change_booking": ChangeBooking,
    "cancel_booking": CancelBooking,
    "get_booking": GetBooking,
    "check_in": CheckIn,
}

# The result model of each command's answer (a test checks every command has one).
RESULTS: dict[str, type[Result]] = {
    "issue": IssueResult,
    "lease": LeaseResult,
    "handover": HandoverResult,
    "call_next": CallNextResult,
    "recall": VisitResult,
    "absent": VisitResult,
    "start": VisitResult,
    "finish": VisitResult,
    "hold": VisitResult,
    "requeue": VisitResult,
    "add_procedure": VisitResult,
    "skip": VisitResult,
    "cancel_procedure": VisitResult,
    "transfer": VisitResult,
    "cancel_visit": VisitResult,
    "open_counter": CounterResult,
    "close_counter": CounterResult,
    "get_visit": VisitResult,
    "attach_application": AttachResult,
    "book": BookingResult,
    "change_booking": BookingResult,
    "cancel_booking": BookingResult,
    "get_booking": BookingResult,
    "check_in": CheckInResult,
}

# What each device role may ask the service (the broker ACL is generated from this).
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "issuer": ("issue", "lease", "handover", "get_visit", "check_in", "get_booking"),
    "certterm": ("issue", "attach_application", "get_visit"),
    "guide": ("get_visit", "check_in"),
    "board": (),
    "counter": (
        "call_next", "recall", "absent", "start", "finish", "hold", "requeue",
        "add_procedure", "skip", "cancel_procedure", "transfer", "cancel_visit",
        "open_counter", "close_counter", "get_visit",
    ),
}
