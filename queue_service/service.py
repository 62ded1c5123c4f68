"""The queue service: a thin, durable shell around the pure engine.

Commands from MQTT and from the web go into one queue. A single worker takes whatever has
arrived (group commit), runs each command through the engine, writes the events and
answers in one SQLite transaction, and only then replies and publishes the retained
state that changed. A request id already answered gets the first answer again.
"""

from __future__ import annotations

import base64
import gc
import json
import logging
import os
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken

from protocol import messages as m
from protocol import topics
from protocol.codec import encode
from protocol.private_files import private_dir
from protocol.sealing import SealError, load_or_create_private_key, open_sealed, public_key_text
from protocol.site import SiteConfig

from . import backup, bookings, staffing
from .applications import ApplicationStore, load_or_create_key
from .engine import EngineError, QueueEngine
from .events import Event, VisitEvent
from .notify.notifier import Notifier
from .request_checks import check_request
from .sole_service import instance_id
from .store import RESPONSES_KEPT_S, Batch, Store

log = logging.getLogger(__name__)
MAX_BATCH = 256
IDLE_TICK_S = 15.0  # refresh estimates and check the daily reset even when nobody asks
VISITS_EVERY_S = 1.0  # congestion and visit statuses are coalesced: at most once a second,
VISITS_SHARE = 0.1  # and never taking more than this share of the worker's time
# A pass over the visit statuses (O(visits today)) runs in slices of about this long, when
# no request waits (and, under a steady load, one slice per SLICE_S / VISITS_SHARE): a
# request never waits behind a whole pass.
SLICE_S = 0.002
# Between two slices the worker waits this long for a request: an empty inbox may only
# mean that the network thread has not had its turn to read the requests in (and to send
# the statuses of the last slice), and back-to-back slices would keep it from having one.
SLICE_GAP_S = 0.002
# A repeated request id gets its first answer for this long: far beyond a request's Message
# Expiry (10 s) and a device's retries, and it bounds the memory the answers take.
DEDUP_WINDOW_S = 3600.0
STAFFING_EVERY_S = 60.0  # the staffing advice looks an hour ahead: once a minute is plenty


class Publisher(Protocol):
    def publish(self, topic: str, payload: bytes, retain: bool) -> None: ...


@dataclass
class _StatusPass:
    """A pass over the visit statuses of some departments, published slice by slice."""

    visits: list[str]  # visit ids as the pass began
    departments: set[str]
    took: float  # seconds of work so far
    next: int = 0


@dataclass
class _Work:
    command: str
    request: m.Request
    device: str
    reply: Callable[[bytes], None]


class QueueService:
    def __init__(self, config: SiteConfig, data_dir: str | Path,
                 clock: Callable[[], float] = time.time, *, new_store: bool = False):
        self.config = config
        self.clock = clock
        self.data_dir = private_dir(Path(data_dir))
        self.store = Store(self.data_dir / backup.STORE_NAME, new_store=new_store)
        data_key = load_or_create_key(self.data_dir / "applications.key")
        self.applications = ApplicationStore(self.data_dir / "applications.db", data_key)
        self._contacts = Fernet(data_key)  # a booking's reminder contact, sealed in the log
        self._seal_key = load_or_create_private_key(self.data_dir / "seal.key")
        self.seal_public_key = public_key_text(self._seal_key)
        self.instance = instance_id(self.data_dir)
        self.notifier = Notifier(config, self.data_dir, clock=clock,
                                 open_contact=self._open_contact)
        self.lock = threading.RLock()
        self.publisher: Publisher | None = None
        self.boot = self.store.bump_boot()
        self._inbox: queue.Queue[_Work | None] = queue.Queue()
        self._tokens = _Tokens()
        self._listeners: list[Callable[[], None]] = []
        self._published: dict[str, object] = {}  # topic -> its content's key (_changed)
        self._statuses_offered: dict[int, m.VisitStatus] = {}
        self._devices: dict[str, dict[str, Any]] = {}
        self._worker: threading.Thread | None = None
        self._dirty_departments: set[str] = set()
        self._pass: _StatusPass | None = None
        self._slice_at = 0.0
        self._visits_published_at = -VISITS_EVERY_S
        self._visits_interval = VISITS_EVERY_S
        self._staffing_at = -STAFFING_EVERY_S
        self._load()

    # ---- start-up and recovery ---------------------------------------------------------
    def _load(self) -> None:
        """Rebuild the engine from today's events and the answers already given."""
        self.engine = QueueEngine(self.config, self.store.learned())
        for event in self.store.earlier_events_of(bookings.EVENTS):  # booked days ahead
            self.engine.apply(event)
        for event in self.store.current_day_events():
            self.engine.apply(event)
        self._answers: dict[str, tuple[float, bytes]] = {
            rid: (at, body) for rid, at, body in self.store.responses_since(self.clock() - DEDUP_WINDOW_S)
        }
        self._forget_old_contacts()

    def _forget_old_contacts(self) -> None:
        """Booking contacts are purged once no reminder can need them (at each new
        business day, and at start in case the service was down at the rollover)."""
        self.store.forget_contacts(self.engine.bookings.forget_contacts(self.engine.state.day))

    def start(self) -> None:
        self._run_batch([])  # a new day may have begun while the service was down
        # What start-up made (modules, the site, the day replayed) lives as long as the
        # process: kept out of the collector's full passes, which then scan only the day's
        # new objects (a full pass over everything held requests up for tens of ms).
        gc.collect()
        gc.freeze()
        self.notifier.start()
        self._worker = threading.Thread(target=self._work, name="queue-worker", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        if self._worker:
            self._inbox.put(None)
            self._worker.join(10)
            self._worker = None
        self.notifier.stop()
        self.store.close()
        self.applications.close()

    # ---- the ways in ----------------------------------------------------------------
    def enqueue(self, command: str, request: m.Request, device: str,
                reply: Callable[[bytes], None]) -> None:
        """Queue a decoded request; `reply(payload)` is called once it is durable."""
        self._inbox.put(_Work(command, request, device, reply))

    def backlog(self) -> int:
        """Requests waiting for the worker."""
        return self._inbox.qsize()

    def submit(self, command: str, request: m.Request, device: str = "web",
               timeout: float = 10.0) -> m.Response:
        """Run one command and wait for its answer, with the command's typed result (the
        web pages use this)."""
        done = threading.Event()
        box: list[bytes] = []

        def reply(payload: bytes) -> None:
            box.append(payload)
            done.set()

        self.enqueue(command, request, device, reply)
        if not done.wait(timeout):
            raise TimeoutError(f"{command} was not answered within {timeout:.0f} s")
        return m.Response[m.RESULTS[command]].model_validate_json(box[0])

    def read(self, fn: Callable[[QueueEngine, float], Any]) -> Any:
        with self.lock:
            return fn(self.engine, self.clock())

    def on_change(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def visit_by_token(self, token: str) -> m.VisitStatus | None:
        if not token:
            return None
        with self.lock:
            for v in self.engine.state.visits.values():
                if secrets.compare_digest(v.token, token):
                    return self.engine.visit_status(v, self.clock())
        return None

    def application(self, number: int) -> dict | None:
        return self.applications.get(self.engine.state.day, number)

    # ---- devices ----------------------------------------------------------------------
    def note_device(self, device: str, **fields: Any) -> None:
        with self.lock:
            entry = self._devices.setdefault(device, {"device": device, "state": "unknown"})
            entry.update(fields)
            entry["last_seen"] = self.clock()

    def devices(self) -> list[dict]:
        with self.lock:
            return [dict(d) for d in sorted(self._devices.values(), key=lambda d: d["device"])]

    # ---- the worker -------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            try:
                if self._pass is not None:
                    first = self._inbox.get(timeout=SLICE_GAP_S)
                else:
                    first = self._inbox.get(
                        timeout=self._visits_interval if self._dirty_departments else IDLE_TICK_S)
            except queue.Empty:
                if self._pass is not None:
                    self._publish_slice()
                else:
                    self._run_batch([])
                continue
            if first is None:
                return
            items = [first]
            while len(items) < MAX_BATCH:
                try:
                    nxt = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._inbox.put(None)
                    break
                items.append(nxt)
            try:
                self._run_batch(items)
            except Exception:
                log.exception("batch failed")
                for item in items:
                    item.reply(_error(item.request, "internal", "the service failed on this request"))
            if self._pass is not None and time.monotonic() - self._slice_at >= SLICE_S / VISITS_SHARE:
                self._publish_slice()

    def _run_batch(self, items: list[_Work]) -> None:
        now = self.clock()
        batch = Batch()
        replies: list[tuple[_Work, bytes]] = []
        fresh: dict[str, bytes] = {}
        with self.lock:
            rolling = self.engine.business_day(now) != self.engine.state.day
            previous_day = list(self.engine.state.by_number) if rolling else []
            batch.events += self.engine.tick(now)
            if rolling:
                batch.learned = self.engine.learned()
            self._forget_answers(now - DEDUP_WINDOW_S)
            for item in items:
                rid = item.request.request_id
                known = self._answers.get(rid)
                answer = known[1] if known else fresh.get(rid)
                if answer is None:
                    answer, events = self._execute(item, now)
                    if events is not None:
                        batch.events += events
                        batch.responses.append((rid, item.device, item.command, now, answer))
                        fresh[rid] = answer
                replies.append((item, answer))
            batch.day = self.engine.state.day
            batch.visits = self._visit_rows(batch.events)
            if batch:
                try:
                    self.store.commit(batch)
                except sqlite3.Error:
                    log.exception("store commit failed; reloading from the last good state")
                    self._load()
                    replies = [(i, _error(i.request, "store_failed", "could not save; try again"))
                               for i in items]
                    fresh = {}
            self._answers.update((rid, (now, body)) for rid, body in fresh.items())
            if rolling:
                self.applications.purge_before(self.engine.state.day)
                self._forget_old_contacts()
                self.store.prune_responses(now - RESPONSES_KEPT_S)
                self._backup(self.engine.state.day)
        for item, answer in replies:
            item.reply(answer)
        with self.lock:
            # An empty batch is a timer: estimates change as time passes, so refresh all.
            # What is published is read now, after the commit (a call's `at` is when it
            # went out, not when its batch began).
            changes = self._state_changes(self.clock(), batch.events,
                                          full=rolling or not items, cleared=previous_day)
            self.notifier.after_batch(self.engine, batch.events, now)
        self._publish(changes)
        if batch.events:
            for listener in self._listeners:
                try:
                    listener()
                except Exception:
                    log.exception("change listener failed")

    def _backup(self, day: str) -> None:
        """The online backup as a business day begins; a failure is logged, not fatal."""
        try:
            backup.take(self.store, self.data_dir, day)
        except (OSError, sqlite3.Error):
            log.exception("the backup at the start of %s failed", day)

    def _forget_answers(self, before: float) -> None:
        """Drop the answers older than the de-duplication window (oldest come first)."""
        while self._answers:
            rid = next(iter(self._answers))
            if self._answers[rid][0] >= before:
                return
            del self._answers[rid]

    def _execute(self, item: _Work, now: float) -> tuple[bytes, list[Event] | None]:
        """Run one command; events None means refused (nothing stored)."""
        try:
            check_request(self.config, item.command, item.request)
            if item.command == "attach_application":
                result, events = self._attach(item.request), []
            else:
                request = item.request
                if isinstance(request, m.BookRequest) and request.contact:
                    sealed = self._contacts.encrypt(request.contact.encode()).decode()
                    request = request.model_copy(update={"contact": sealed})
                outcome = self.engine.handle(item.command, request, now, self._tokens)
                result, events = outcome.result, outcome.events
            # The answer goes out as the command's documented result model (a misspelt or
            # missing field fails here, not in a device).
            typed = m.RESULTS[item.command].model_validate(result)
            return encode(m.Response.success(item.request.request_id, typed)), events
        except EngineError as exc:
            return _error(item.request, exc.code, exc.reason), None

    def booking_contact(self, code: str) -> str | None:
        """The contact a citizen left for a reminder (None: none, or unreadable)."""
        with self.lock:
            made = self.engine.bookings.contacts.get(code)
        return self._open_contact(made) if made else None

    def _open_contact(self, sealed: str) -> str | None:
        try:
            return self._contacts.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None

    def _attach(self, r: m.AttachApplication) -> dict:
        v = self.engine.visit_by_number(r.number)
        if v is None or v.closed:
            raise EngineError("unknown_visit", f"no open visit with number {r.number} today")
        certificates = {s.procedure for s in v.steps}
        for line in r.certificates:
            proc = self.config.procedures.get(line.procedure)
            if proc is None or not proc.certificate:
                raise EngineError("unknown_procedure", f"{line.procedure!r} is not a certificate")
            if line.procedure not in certificates:
                raise EngineError("not_on_visit", f"{proc.name_ja} is not on visit {r.number}")
        expected = self.config.fee_yen((c.procedure, c.copies) for c in r.certificates)
        if expected != r.fee_yen:
            raise EngineError("fee_mismatch", f"fee should be {expected} yen, got {r.fee_yen}")
        try:
            applicant = m.Applicant.model_validate_json(
                open_sealed(self._seal_key, r.sealed_applicant, m.applicant_aad(r.number)))
        except (SealError, ValueError):
            raise EngineError("unsealable", "the applicant is not sealed for this service") from None
        application = r.model_dump(exclude={"v", "request_id", "sealed_applicant"})
        self.applications.attach(self.engine.state.day, r.number,
                                 {**application, "applicant": applicant.model_dump()})
        return {"number": r.number, "attached": True, "fee_yen": expected}

    def _visit_rows(self, events: list[Event]) -> list[tuple[str, str, int, str, str]]:
        """Current state of the visits these events touched (the `visits` table)."""
        ids = {e.visit for e in events if isinstance(e, VisitEvent)}
        rows = []
        for vid in ids:
            v = self.engine.state.visits.get(vid)
            if v is not None:
                # a step's fields are plain values: its __dict__ is what asdict() gives
                body = {"issued_at": v.issued_at, "issuing_point": v.issuing_point,
                        "needs": list(v.needs), "offline": v.offline,
                        "steps": [vars(step) for step in v.steps]}
                rows.append((v.id, v.day, v.number, v.state, json.dumps(body, ensure_ascii=False)))
        return rows

    # ---- retained state ---------------------------------------------------------------
    def _touched_departments(self, events: list[Event]) -> set[str]:
        depts: set[str] = set()
        for e in events:
            if isinstance(e, VisitEvent):
                v = self.engine.state.visits.get(e.visit)
                depts |= {s.department for s in v.steps} if v else set()
            counter = getattr(e, "counter", None)
            if counter:
                depts.add(self.config.counters[counter].department)
        return depts

    def _state_changes(self, now: float, events: list[Event], full: bool,
                       cleared: list[int]) -> list[tuple[str, bytes]]:
        """Retained messages whose content changed (call under the lock). Calls and
        counters go at once; the congestion of touched departments at most every
        VISITS_EVERY_S (longer on a long backlog), and then a pass over their visit
        statuses begins (`_publish_slice`); `full` (new day) does all."""
        site = self.config.id
        e = self.engine
        touched = set(self.config.departments) if full else self._touched_departments(events)
        self._dirty_departments |= touched
        out: list[tuple[str, bytes]] = []
        changed = self._changed

        for number in cleared:
            topic = topics.visit(site, number)
            if number not in e.state.by_number and changed(topic, b""):
                out.append((topic, b""))
        for cid in self.config.counters:
            # Compared by their fields (but the time), and encoded only when changed.
            call = e.current_call(cid, now)
            topic = topics.call(site, cid)
            if changed(topic, _fields(call)):
                out.append((topic, encode(call)))
            state = m.CounterStateMessage(counter=cid, open=e.state.counters[cid].open,
                                          number=call.number)
            topic = topics.counter_state(site, cid)
            if changed(topic, _fields(state)):
                out.append((topic, encode(state)))
        # the cadence is wall-clock time (a demonstration's clock may run faster)
        due = time.monotonic() - self._visits_published_at >= self._visits_interval
        if full and self._pass is not None:  # a new day: begin again at once, with all
            self._dirty_departments |= self._pass.departments
            self._pass = None
        if self._pass is None and (full or due):
            started = time.perf_counter()
            reader = e.reader(now)
            for dept in sorted(self._dirty_departments):
                c = e.congestion(dept, now, reader)
                topic = topics.congestion(site, dept)
                if changed(topic, encode(c.model_copy(update={"at": 0.0}))):
                    out.append((topic, encode(c)))
            if full or now - self._staffing_at >= STAFFING_EVERY_S:
                advice = staffing.advise(e, now)
                self._staffing_at = now
                topic = topics.staffing(site)
                if changed(topic, encode(advice.model_copy(update={"at": 0.0}))):
                    out.append((topic, encode(advice)))
            self._pass = _StatusPass(list(e.state.visits), self._dirty_departments,
                                     time.perf_counter() - started)
            self._dirty_departments = set()
        return out

    def _changed(self, topic: str, key: object) -> bool:
        """Whether a retained topic's content differs from what it last carried (`key`:
        the content, or what of it may change); if so, `key` is taken as published."""
        if self._published.get(topic) == key:
            return False
        self._published[topic] = key
        return True

    def _publish_slice(self, budget_s: float = SLICE_S) -> None:
        """Publish the next slice of the pass over visit statuses (about `budget_s` of work);
        a failure drops the pass (logged), never the worker."""
        try:
            with self.lock:
                changes = self._status_slice(budget_s)
            self._publish(changes)
        except Exception:
            log.exception("publishing visit statuses failed; the pass is dropped")
            self._pass = None

    def _status_slice(self, budget_s: float) -> list[tuple[str, bytes]]:
        """The changed statuses of the pass's next visits (call under the lock). Each slice
        reads the state as it is then; visits gone since the pass began are skipped."""
        p = self._pass
        out: list[tuple[str, bytes]] = []
        if p is None:
            return out
        started = time.perf_counter()
        now = self.clock()
        e = self.engine
        reader = e.reader(now)
        visits = e.state.visits
        while p.next < len(p.visits):
            v = visits.get(p.visits[p.next])
            p.next += 1
            if v is None or not any(s.department in p.departments for s in v.steps):
                continue
            status = e.visit_status(v, now, reader)
            # the engine hands back the very same status while nothing in it changed
            if self._statuses_offered.get(status.number) is not status:
                self._statuses_offered[status.number] = status
                topic, payload = topics.visit(self.config.id, status.number), encode(status)
                if self._changed(topic, payload):
                    out.append((topic, payload))
            if time.perf_counter() - started >= budget_s:
                break
        p.took += time.perf_counter() - started
        self._slice_at = time.monotonic()
        if p.next >= len(p.visits):
            # A long backlog makes a pass slow: answer requests first, statuses later.
            self._visits_interval = max(VISITS_EVERY_S, p.took / VISITS_SHARE)
            self._visits_published_at = time.monotonic()
            self._pass = None
        return out

    def status(self, state: str) -> m.ServiceStatus:
        """The retained birth/death message; it carries the key devices seal data with."""
        day = self.engine.state.day if state == "online" else None
        return m.ServiceStatus(state=state, day=day, boot=self.boot, seal_key=self.seal_public_key,
                               instance=self.instance)

    def republish(self) -> None:
        """Publish every retained topic again (after the broker or this service restarted)."""
        site = self.config.id
        with self.lock:
            self._published.clear()
            self._statuses_offered.clear()
            self._pass = None
            changes = self._state_changes(self.clock(), [], full=True, cleared=[])
            changes += self._status_slice(float("inf"))
        base = [
            (topics.service_status(site), encode(self.status("online"))),
            (topics.site_config(site), _json(self.config.document)),
        ]
        self._publish(base + changes)

    def _publish(self, changes: list[tuple[str, bytes]]) -> None:
        if self.publisher is None:
            return
        for topic, payload in changes:
            self.publisher.publish(topic, payload, True)


class _Tokens:
    """Visits' secret tokens (16 random bytes, URL-safe), drawn from the OS generator a
    few hundred at a time: a system call per token handed the worker's turn to another
    thread. One per service, used by its worker only."""

    def __init__(self, size: int = 16, per_read: int = 256):
        self.size, self.per_read = size, per_read
        self._pool, self._at = b"", 0

    def __call__(self) -> str:
        if self._at + self.size > len(self._pool):
            self._pool, self._at = os.urandom(self.size * self.per_read), 0
        raw = self._pool[self._at:self._at + self.size]
        self._at += self.size
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _fields(message: m.Message) -> tuple:
    """A message's content without its time `at`: what says whether it changed."""
    return tuple((k, v) for k, v in vars(message).items() if k != "at")


def _error(request: m.Request, code: str, reason: str) -> bytes:
    return encode(m.Response.failure(request.request_id, code, reason))


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
