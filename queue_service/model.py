"""The engine's in-memory state: visits, their steps (the guidance list), counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from protocol.messages import OPEN_STEP_STATES

if TYPE_CHECKING:
    from protocol.site import SiteConfig


def visit_id(day: str, number: int) -> str:
    """The id of a visit: its business day and number, e.g. 2027-03-29-00123."""
    return f"{day}-{number:05d}"


@dataclass
class Step:
    """One procedure of a visit, queued in one department."""

    procedure: str
    department: str
    state: str = "waiting"
    counter: str | None = None
    transferred: bool = False
    called_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    handover: str | None = None
    callable_at: float | None = None  # a moving visit is not called here before it can arrive
    join_estimate: float | None = None  # wait estimated when it joined this department's line

    @property
    def open(self) -> bool:
        return self.state in OPEN_STEP_STATES


@dataclass
class Visit:
    id: str
    number: int
    day: str
    issued_at: float
    queued_at: float  # order in the queue: the issue time, kept from department to department
    issuing_point: str
    needs: tuple[str, ...]
    language: str
    staff: str | None
    life_event: str | None
    token: str
    request_id: str
    steps: list[Step]
    offline: bool = False
    absent_count: int = 0
    cancelled: bool = False
    expired: bool = False
    arrived_at: float | None = None  # when the current step started waiting
    booking: str | None = None  # the booking code it was checked in with
    slot_at: float | None = None  # the booked slot's start (None for a late booking)

    def current_index(self) -> int | None:
        if self.cancelled or self.expired:
            return None
        return next((i for i, s in enumerate(self.steps) if s.open), None)

    def current(self) -> Step | None:
        i = self.current_index()
        return None if i is None else self.steps[i]

    @property
    def state(self) -> str:
        if self.expired:
            return "expired"
        if self.cancelled:
            return "cancelled"
        step = self.current()
        return "done" if step is None else step.state

    @property
    def closed(self) -> bool:
        return self.state in ("done", "cancelled", "expired")


@dataclass
class CounterState:
    id: str
    open: bool = False
    visit: str | None = None  # the visit called or being served here
    call_id: int = 0
    call_kind: str = "call"  # of the last call here: "recall" sounds and pages differently
    staff: str | None = None  # who opened it: service times are learned per counter and clerk


@dataclass
class EngineState:
    day: str = ""
    next_number: int = 0
    visits: dict[str, Visit] = field(default_factory=dict)
    by_number: dict[int, str] = field(default_factory=dict)
    counters: dict[str, CounterState] = field(default_factory=dict)
    leases: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # per department: visit ids whose current step waits there, with their order key
    waiting: dict[str, dict[str, tuple]] = field(default_factory=dict)
    # per department: the same visits as (order key, visit id), kept sorted: the line
    lines: dict[str, list[tuple]] = field(default_factory=dict)
    # per department: recent service durations in minutes (newest last)
    service_minutes: dict[str, list[float]] = field(default_factory=dict)
    call_seq: int = 0

    def queue(self, department: str) -> list[Visit]:
        """Visits waiting in a department, in the order they will be called."""
        return [self.visits[vid] for _, vid in self.lines[department]]

    def counters_open(self, config: SiteConfig, department: str) -> list[CounterState]:
        return [self.counters[c.id] for c in config.counters_of(department)
                if self.counters[c.id].open]
