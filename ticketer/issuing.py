"""Issuing a visit: through the queue service when it answers, else from leased numbers.

One issue intent has one request id, made when the ticket appears on screen and reused
on every retry or double tap: the service answers a repeated request id with its first
answer, and locally the ticket stored under that id is returned instead of a new one.

While connected the issuer keeps a block of numbers leased from the service (topped up
when fewer than half a block is left). When the service cannot be reached it issues
from those numbers, which no other issuer can hold, keeps the visits in its SQLite file
and hands them over when the service is back; re-sending is safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from protocol import messages as m
from protocol.client import RequestRefused, ServiceUnavailable, new_request_id
from protocol.site import SiteConfig

from .catalogue import route
from .store import LocalStore
from .ticket import offline_ticket, online_ticket, with_token

log = logging.getLogger(__name__)


class Requester(Protocol):
    """What the issuer needs of `protocol.client.ServiceClient`."""

    @property
    def connected(self) -> bool: ...

    def request(self, command: str, message: m.Request, timeout: float = 5.0) -> m.Response: ...


class IssueRefused(Exception):
    """The service (or the local lease) refused to issue; `reason` is for the concierge."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Intent:
    request_id: str
    procedures: tuple[str, ...]
    life_event: str | None
    needs: tuple[str, ...]
    language: str
    # The concierge signed in on this issuer: written to its own audit table, never sent
    # (the service refuses a staff id named by a device: queue_service/request_checks.py).
    staff: str | None


@dataclass(frozen=True)
class Issued:
    request_id: str
    number: int
    ticket: dict
    offline: bool
    repeated: bool = False  # the same intent was issued before: nothing new was issued


@dataclass(frozen=True)
class TooEarly:
    """A booking checked in before its window: nothing issued; come back at `at`."""

    start: float
    at: float


@dataclass(frozen=True)
class HandoverReport:
    accepted: int
    rejected: list[tuple[int, str]]


class Issuer:
    def __init__(self, client: Requester, store: LocalStore, site: SiteConfig,
                 issuing_point: str, *, congestion: Callable[[], dict] = dict,
                 clock: Callable[[], float] = time.time, timeout: float = 4.0):
        self.client = client
        self.store = store
        self.site = site
        self.issuing_point = issuing_point
        self.congestion = congestion
        self.clock = clock
        self.timeout = timeout
        self.service_online = False
        self._lock = threading.Lock()  # one issue at a time from this device

    # ---- issuing -----------------------------------------------------------------
    def issue(self, intent: Intent) -> Issued:
        with self._lock:
            stored = self.store.ticket(intent.request_id)
            if stored is not None:
                return Issued(intent.request_id, stored.number, stored.ticket,
                              stored.ticket["offline"], repeated=True)
            # Only try the service when the last contact worked: a concierge with a citizen
            # in front must not wait for a timeout on every ticket while it is down.
            if self.client.connected and self.service_online:
                try:
                    return self._issue_online(intent)
                except ServiceUnavailable as exc:
                    log.warning("queue service did not answer, issuing offline: %s", exc)
                    self.service_online = False
            return self._issue_offline(intent)

    def _issue_online(self, intent: Intent) -> Issued:
        request = m.IssueRequest(
            request_id=intent.request_id, issuing_point=self.issuing_point,
            procedures=list(intent.procedures), life_event=intent.life_event,
            needs=list(intent.needs), language=intent.language)
        try:
            response = self.client.request("issue", request, timeout=self.timeout)
        except RequestRefused as exc:
            raise IssueRefused("refused", str(exc)) from None
        self.service_online = True
        if not response.ok:
            err = response.error
            raise IssueRefused(err.code if err else "error", err.reason if err else "refused")
        result = response.result
        ticket = online_ticket(self.site, result, intent.language)
        self.store.save_ticket(intent.request_id, result.number, ticket["day"], ticket)
        return Issued(intent.request_id, result.number, ticket, offline=False)

    def check_in(self, request_id: str, code: str, language: str,
                 needs: tuple[str, ...] = ()) -> Issued | TooEarly:
        """A booked citizen's code: the day's ticket, marked booked (or late). Needs the
        service: a booking cannot be checked in offline."""
        with self._lock:
            stored = self.store.ticket(request_id)
            if stored is not None:
                return Issued(request_id, stored.number, stored.ticket, False, repeated=True)
            if not self.client.connected:
                raise IssueRefused("offline", "the queue service cannot be reached")
            request = m.CheckIn(request_id=request_id, code=code, issuing_point=self.issuing_point,
                                needs=list(needs), language=language)
            try:
                response = self.client.request("check_in", request, timeout=self.timeout)
            except RequestRefused as exc:
                raise IssueRefused("refused", str(exc)) from None
            except ServiceUnavailable:
                self.service_online = False
                raise IssueRefused("offline", "the queue service cannot be reached") from None
            self.service_online = True
            if not response.ok:
                err = response.error
                raise IssueRefused(err.code if err else "error", err.reason if err else "refused")
            answer = m.CheckInResult.model_validate(response.result)
            if answer.outcome == "too_early":
                return TooEarly(answer.booking.start, answer.come_back_at)
            ticket = online_ticket(self.site, answer.issued(), language)
            ticket["slot_at"] = answer.booking.start  # a late ticket says which time it missed
            self.store.save_ticket(request_id, answer.number, ticket["day"], ticket)
            return Issued(request_id, answer.number, ticket, offline=False)

    def _issue_offline(self, intent: Intent) -> Issued:
        now = self.clock()
        day = self.site.business_day(now)
        plan = route(self.site, list(intent.procedures), self.congestion(), intent.needs)
        if plan.empty:
            raise IssueRefused("nothing_to_queue", "none of these procedures is handled here")
        first = plan.stops[0].department
        # people ahead: the last known queue plus those this issuer sent there offline since
        ahead = sum(1 for v in self.store.pending_handover(limit=1000)
                    if self._first_department(v.procedures) == first)

        def make(number: int) -> m.OfflineVisit:
            return m.OfflineVisit(
                request_id=intent.request_id, number=number, issued_at=now,
                issuing_point=self.issuing_point, procedures=list(intent.procedures),
                life_event=intent.life_event, needs=list(intent.needs), language=intent.language)

        visit = self.store.issue_offline(day, make)
        if visit is None:
            raise IssueRefused("no_leased_numbers",
                               "no leased numbers are left: tickets cannot be issued offline")
        ticket = offline_ticket(self.site, plan, visit.number, now, intent.language, ahead)
        self.store.save_ticket(intent.request_id, visit.number, day, ticket)
        return Issued(intent.request_id, visit.number, ticket, offline=True)

    def _first_department(self, procedures: list[str]) -> str | None:
        stops, _ = self.site.itinerary(procedures)
        return stops[0][0] if stops else None

    # ---- keeping in touch with the service ---------------------------------------
    def numbers_left(self) -> int:
        return self.store.numbers_left(self.site.business_day(self.clock()))

    def top_up_lease(self) -> bool:
        """Lease another block when fewer than half a block is left; True if leased."""
        if self.numbers_left() >= max(self.site.numbers.lease_size // 2, 1):
            return False
        response = self.client.request(
            "lease", m.LeaseRequest(request_id=new_request_id(), issuing_point=self.issuing_point),
            timeout=self.timeout)
        self.service_online = True
        if not response.ok or not response.result:
            log.warning("lease refused: %s", response.error)
            return False
        r = response.result
        self.store.add_lease(r.day, r.first, r.last)
        return True

    def confirm_leases(self) -> None:
        """Ask the service which blocks it holds as leased to this issuing point today and
        stop using any other: numbers leased by a service whose store has since been
        replaced (or restored) may already have been issued by it. An answer also means
        the service is up, which a restarted issuer with numbers to spare would otherwise
        learn only at its next ticket."""
        response = self.client.request(
            "lease", m.LeaseRequest(request_id=new_request_id(), issuing_point=self.issuing_point,
                                    reserve=False), timeout=self.timeout)
        if not response.ok or not response.result:
            log.warning("lease check refused: %s", response.error)
            return
        r = response.result
        dropped = self.store.keep_leases(r.day, r.held)
        if dropped:
            log.warning("dropped %d leased numbers the service does not hold as ours", dropped)
        self.service_online = True

    def hand_over(self) -> HandoverReport:
        """Send the visits issued offline; returns what the service said."""
        accepted, rejected = 0, []
        while batch := self.store.pending_handover():
            response = self.client.request(
                "handover", m.HandoverRequest(request_id=new_request_id(), visits=batch),
                timeout=self.timeout)
            self.service_online = True
            if not response.ok or not response.result:
                raise IssueRefused(response.error.code if response.error else "error",
                                   response.error.reason if response.error else "handover refused")
            result = response.result
            self.store.mark_handed_over(result.accepted, result.rejected)
            for a in result.accepted:
                self._link_ticket(a.number, a.token, batch)
            accepted += len(result.accepted)
            rejected += [(r.number, r.reason) for r in result.rejected]
        return HandoverReport(accepted, rejected)

    def _link_ticket(self, number: int, token: str, batch: list[m.OfflineVisit]) -> None:
        visit = next((v for v in batch if v.number == number), None)
        stored = self.store.ticket(visit.request_id) if visit else None
        if stored is not None:
            self.store.update_ticket(stored.request_id, with_token(self.site, stored.ticket, token))

    def sync(self) -> None:
        """Hand over, then top up the lease; raises ServiceUnavailable if unreachable."""
        if not self.client.connected:
            self.service_online = False
            raise ServiceUnavailable("not connected to the broker")
        try:
            if not self.service_online:  # first contact since a start or an outage
                self.confirm_leases()
            self.hand_over()
            self.top_up_lease()
        except ServiceUnavailable:
            self.service_online = False
            raise
