"""The engine's events as typed models: made strictly, stored and read back through the
same models, replayed into exactly the live state; refused commands change nothing."""

import json
import sqlite3
import subprocess
import sys

import pydantic
import pytest

from protocol.site import load_config
from queue_service import events as ev
from queue_service.engine import APPLY, EngineError, QueueEngine
from queue_service.model import visit_id
from queue_service.service import QueueService
from queue_service.store import SCHEMA

from .helpers import T0, Desk, drive_every_event_type

pytestmark = pytest.mark.pure


def test_every_event_type_has_one_applier_in_the_public_table():
    assert set(APPLY) == set(ev.TYPES)


def test_a_misspelt_field_fails_where_the_event_is_made():
    with pytest.raises(pydantic.ValidationError):
        ev.Called(at=T0, visit="2027-03-29-00001", countr="c01", kind="call")
    with pytest.raises(pydantic.ValidationError):
        ev.parse({"type": "caled", "at": T0, "visit": "x", "counter": "c01", "kind": "call"})
    event = ev.Requeued(at=T0, visit="2027-03-29-00001")
    with pytest.raises(pydantic.ValidationError):
        event.at = 0.0  # frozen: the log is not edited in place


def test_every_visit_event_carries_the_id_of_its_visit():
    desk = Desk()
    drive_every_event_type(desk)
    ids = {v.id for v in desk.engine.state.visits.values()}
    visit_events = [e for e in desk.events if isinstance(e, ev.VisitEvent)]
    assert {e.type for e in visit_events} >= {"visit_issued", "called", "finished"}
    assert all(e.visit in ids for e in visit_events)
    issued = next(e for e in desk.events if e.type == "visit_issued")
    assert issued.visit == visit_id(desk.engine.state.day, issued.number)


def test_replaying_every_event_type_through_the_stored_form_rebuilds_the_live_state():
    desk = Desk()
    drive_every_event_type(desk)
    assert {e.type for e in desk.events} == set(ev.TYPES)  # the drive covers every type
    replayed = QueueEngine(desk.engine.config)
    for e in desk.events:
        replayed.apply(ev.parse(ev.dump(e)))  # as the store writes and reads it
    assert replayed.state == desk.engine.state
    assert replayed.visit_statuses(desk.now) == desk.engine.visit_statuses(desk.now)


def test_a_refused_command_leaves_the_state_exactly_as_it_was_even_across_the_reset():
    desk = Desk()
    desk.open("c05")
    desk.issue("juminhyo")
    before = desk.engine.state
    snapshot = QueueEngine(desk.engine.config)
    for e in desk.events:
        snapshot.apply(e)
    desk.later(60 * 20)  # 05:00 the next morning: past the 04:00 reset
    with pytest.raises(EngineError, match="unknown_issuing_point"):
        desk.run("issue", issuing_point="nowhere", procedures=["juminhyo"])
    with pytest.raises(EngineError, match="counter_closed"):  # closed by the new day
        desk.run("call_next", counter="c05")
    assert desk.engine.state is before
    assert desk.engine.state == snapshot.state  # yesterday, untouched: no day_started
    assert desk.engine.state.day == "2027-03-29"
    desk.open("c05")  # the first accepted command starts the day, in its own events
    assert [e.type for e in desk.events[-2:]] == ["day_started", "counter_opened"]
    assert desk.engine.state.day == "2027-03-30"


# As the version before typed events wrote them (json.dumps of the dict): visit_issued
# carried no visit id.
OLD_EVENTS = [
    {"type": "day_started", "day": "2027-03-29", "at": T0},
    {"type": "counter_opened", "at": T0, "counter": "c05", "staff": None},
    {"type": "visit_issued", "at": T0 + 5, "number": 1, "issued_at": T0 + 5,
     "issuing_point": "east", "steps": [{"procedure": "juminhyo", "department": "shimin"}],
     "needs": [], "language": "ja", "staff": None, "life_event": None, "token": "tok1",
     "request_id": "req-00000001", "offline": False},
    {"type": "called", "at": T0 + 60, "visit": "2027-03-29-00001", "counter": "c05",
     "kind": "call"},
]
OLD_ROWS = [("2027-03-29", e["at"], e["type"], json.dumps(e, ensure_ascii=False))
            for e in OLD_EVENTS]


def test_a_database_written_before_typed_events_still_replays(tmp_path):
    db = sqlite3.connect(tmp_path / "madoguchi.db")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO events(day, at, type, body) VALUES (?, ?, ?, ?)", OLD_ROWS)
    db.commit()
    db.close()
    svc = QueueService(load_config(), tmp_path, clock=lambda: T0 + 120)
    try:
        v = svc.engine.visit_by_number(1)
        assert v is not None and v.id == "2027-03-29-00001"
        assert svc.engine.visit_status(v, T0 + 120).state == "called"
        assert svc.engine.counter_visit("c05") is v
        stored = list(svc.store.events())
        assert stored[2].visit == "2027-03-29-00001"
    finally:
        svc.stop()


def test_the_estimator_reads_state_types_and_does_not_import_the_engine():
    code = ("import sys, queue_service.estimator; "
            "sys.exit('queue_service.engine' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
