"""Versioned message models of the MQTT contract (JSON payloads, version field `v`).

Requests travel as MQTT v5 requests (Response Topic + Correlation Data + Message Expiry)
on `dev/<device>/req/<command>`; every request carries a `request_id` that the service
de-duplicates, so a redelivered or repeated request gets the first answer again.
Retained state messages have one writer: the queue service. No model here holds a
citizen's name or address, except `AttachApplication`, which is a request (never
retained) that goes only to the service.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

VERSION = 1
Need = Literal["wheelchair", "hearing", "sight", "pregnancy", "small_children", "language"]
Ident = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
RequestId = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
StepState = Literal["waiting", "called", "serving", "held", "absent", "done", "skipped", "cancelled"]
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


# ---- requests: issuing ---------------------------------------------------------------

class IssueRequest(Request):
    """Issue one visit with one number for all its procedures, in order."""

    issuing_point: str = Ident
    procedures: list[str] = Field(min_length=1, max_length=20)
    life_event: str | None = None
    needs: list[Need] = Field(default_factory=list, max_length=6)
    language: str = Field(default="ja", max_length=8)
    staff: str | None = Field(default=None, max_length=32)


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
    staff: str | None = Field(default=None, max_length=32)


class HandoverRequest(Request):
    """Visits an issuer made from its leased numbers while offline."""

    visits: list[OfflineVisit] = Field(min_length=1, max_length=200)


# ---- requests: counters ----------------------------------------------------------------

class CounterRequest(Request):
    counter: str = Ident
    staff: str | None = Field(default=None, max_length=32)


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

    handover: Literal["none", "immediate", "later"] | None = None


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
    """A pre-filled certificate application, linked to an issued visit by number."""

    number: int = Field(ge=0, le=99999)
    identified_by: Literal["mynumber_card", "manual"]
    applicant: Applicant
    certificates: list[CertificateLine] = Field(min_length=1, max_length=20)
    fee_yen: int = Field(ge=0)


# ---- responses -------------------------------------------------------------------------

class ErrorInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    reason: str


class Response(Message):
    request_id: str | None = None
    ok: bool
    result: dict | None = None
    error: ErrorInfo | None = None

    @classmethod
    def success(cls, request_id: str | None, result: dict) -> Response:
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
    steps: list[StepStatus]


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
    level: Literal["low", "medium", "high", "closed"]
    label_ja: str
    label_en: str
    at: float


class CounterStateMessage(Message):
    counter: str
    open: bool
    number: int | None = None


class ServiceStatus(Message):
    state: Literal["online", "offline"]
    day: str | None = None
    boot: int = 0


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
    audio: Literal["ok", "error"] | None = None
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
}

# What each device role may ask the service (the broker ACL is generated from this).
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "issuer": ("issue", "lease", "handover", "get_visit"),
    "certterm": ("issue", "attach_application", "get_visit"),
    "guide": ("get_visit",),
    "board": (),
    "counter": (
        "call_next", "recall", "absent", "start", "finish", "hold", "requeue",
        "add_procedure", "skip", "cancel_procedure", "transfer", "cancel_visit",
        "open_counter", "close_counter", "get_visit",
    ),
}
