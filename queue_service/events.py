"""The queue engine's events: frozen models, one per kind, in a union keyed on `type`.

An event is what the engine decided; `QueueEngine.apply` (through its public table
`engine.APPLY`) is the only code that turns one into state, so the store, a replay after
a crash, the reports and the simulation all read the same models. A misspelt field fails
where the event is made, not at the next replay.

These live in `queue_service/`, not `protocol/`: events never cross the broker; they are
the service's own log (the SQLite `events` table), while `protocol/` is the contract
that devices speak.

Every event about a visit carries the visit's id (`visit`). Rows written before
`visit_issued` carried it are completed on reading: `parse(body, day=...)` fills the id
from the row's business day and the number, so an existing database still replays.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo, model_validator

from .model import visit_id


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    at: float


class VisitEvent(EventBase):
    """An event about one visit."""

    visit: str


class StepSpec(BaseModel):
    """One procedure of a new visit and the department whose line it waits in."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    procedure: str
    department: str


# ---- the day and numbers --------------------------------------------------------------

class DayStarted(EventBase):
    type: Literal["day_started"] = "day_started"
    day: str


class NumbersLeased(EventBase):
    type: Literal["numbers_leased"] = "numbers_leased"
    issuing_point: str
    first: int
    last: int


# ---- visits ----------------------------------------------------------------------------

class BookingRef(BaseModel):
    """The booking a visit was checked in with; `slot_at` None when it came too late."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    slot_at: float | None


class VisitIssued(VisitEvent):
    type: Literal["visit_issued"] = "visit_issued"
    number: int
    issued_at: float
    issuing_point: str
    steps: tuple[StepSpec, ...]
    needs: tuple[str, ...]
    language: str
    staff: str | None
    life_event: str | None
    token: str
    request_id: str
    offline: bool
    booking: BookingRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_visit_id(cls, data: Any, info: ValidationInfo) -> Any:
        """Rows stored before this event carried its visit id: rebuild it from the row's
        business day (given as validation context) and the number."""
        if isinstance(data, dict) and "visit" not in data:
            day = (info.context or {}).get("day")
            if day and "number" in data:
                data = {**data, "visit": visit_id(day, data["number"])}
        return data


class Called(VisitEvent):
    type: Literal["called"] = "called"
    counter: str
    kind: Literal["call", "recall"]


class Absent(VisitEvent):
    type: Literal["absent"] = "absent"
    counter: str


class Started(VisitEvent):
    type: Literal["started"] = "started"
    counter: str


class Route(BaseModel):
    """Where a visit leaving a counter goes next (issue 12: flexible routing, arrival-aware
    calling, the bounded place), decided when its step closes so a replay rebuilds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    department: str  # the department it goes to now
    order: tuple[str, ...]  # its open procedures in the new order
    callable_at: float  # not called there before it can have walked over
    queued_at: float  # its place in that line


class Finished(VisitEvent):
    type: Literal["finished"] = "finished"
    counter: str
    handover: str | None
    route: Route | None = None  # None: done, or the next procedure at the same counter


class Skipped(VisitEvent):
    type: Literal["skipped"] = "skipped"
    counter: str
    route: Route | None = None


class ProcedureCancelled(VisitEvent):
    type: Literal["procedure_cancelled"] = "procedure_cancelled"
    index: int
    counter: str
    route: Route | None = None


class Held(VisitEvent):
    type: Literal["held"] = "held"
    counter: str


class Requeued(VisitEvent):
    type: Literal["requeued"] = "requeued"


class ProcedureAdded(VisitEvent):
    type: Literal["procedure_added"] = "procedure_added"
    index: int
    procedure: str
    department: str


class Transferred(VisitEvent):
    type: Literal["transferred"] = "transferred"
    counter: str
    department: str


class VisitCancelled(VisitEvent):
    type: Literal["visit_cancelled"] = "visit_cancelled"
    counter: str | None = None
    reason: str | None = None  # "superseded_offline": a hand-over replaced this visit


# ---- counters --------------------------------------------------------------------------

class CounterOpened(EventBase):
    type: Literal["counter_opened"] = "counter_opened"
    counter: str
    staff: str | None


class CounterClosed(EventBase):
    type: Literal["counter_closed"] = "counter_closed"
    counter: str
    staff: str | None


# ---- bookings (they outlive the business day: replayed from the whole log) ---------------

class BookingMade(EventBase):
    type: Literal["booking_made"] = "booking_made"
    code: str
    slot_day: str  # the business day of the slot (not the day it was made)
    slot: float  # start of the slot it holds a place in
    start: float  # its own time within the slot
    end: float
    department: str
    booth: str | None
    procedures: tuple[str, ...]
    life_event: str | None
    language: str
    contact: str | None  # only for a reminder, sealed by the service; never published or logged
    staff: str | None
    request_id: str


class BookingChanged(EventBase):
    type: Literal["booking_changed"] = "booking_changed"
    code: str
    slot_day: str
    slot: float
    start: float
    end: float
    staff: str | None


class BookingCancelled(EventBase):
    type: Literal["booking_cancelled"] = "booking_cancelled"
    code: str
    staff: str | None


class BookingCheckedIn(EventBase):
    type: Literal["booking_checked_in"] = "booking_checked_in"
    code: str
    number: int
    late: bool  # after the late window: a walk-in visit


class BookingReleased(EventBase):
    """Not checked in by the end of its late window: a no-show, its place freed."""

    type: Literal["booking_released"] = "booking_released"
    code: str


Event = Annotated[
    DayStarted | NumbersLeased | VisitIssued | Called | Absent | Started | Finished
    | Skipped | ProcedureCancelled | Held | Requeued | ProcedureAdded | Transferred
    | VisitCancelled | CounterOpened | CounterClosed
    | BookingMade | BookingChanged | BookingCancelled | BookingCheckedIn | BookingReleased,
    Field(discriminator="type"),
]
ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
# type name -> model, e.g. "called" -> Called
TYPES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].default: cls for cls in get_args(get_args(Event)[0])
}


def parse(body: str | bytes | dict, day: str | None = None) -> Event:
    """An event from its stored JSON (or dict); `day` is the business day of its row,
    used to complete rows written by older versions."""
    context = {"day": day} if day else None
    if isinstance(body, dict):
        return ADAPTER.validate_python(body, context=context)
    return ADAPTER.validate_json(body, context=context)


def dump(event: EventBase) -> str:
    """The stored JSON of an event."""
    return event.model_dump_json()
