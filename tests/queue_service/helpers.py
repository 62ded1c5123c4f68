"""Driving the pure engine in tests: short commands with a fixed clock."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.site import load_config
from queue_service.engine import QueueEngine
from queue_service.events import Event

# 2027-03-29 09:00 in Isesaki: a late-March Monday morning
T0 = datetime(2027, 3, 29, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
_ids = itertools.count(1)


class Desk:
    """An engine plus a clock, with one-line commands."""

    def __init__(self, engine: QueueEngine | None = None, now: float = T0):
        self.engine = engine or QueueEngine(load_config())
        self.now = now
        self.events: list[Event] = []
        self._tokens = itertools.count(1)

    def run(self, command: str, **fields):
        model = m.COMMANDS[command]
        request = model(request_id=f"req-{next(_ids):08d}", **fields)
        out = self.engine.handle(command, request, self.now, lambda: f"tok{next(self._tokens)}")
        self.events += out.events
        return out.result

    def later(self, minutes: float) -> Desk:
        self.now += minutes * 60
        return self

    def issue(self, *procedures: str, point: str = "east", needs=()) -> int:
        return self.run("issue", issuing_point=point, procedures=list(procedures), needs=list(needs))["number"]

    def open(self, *counters: str) -> None:
        for c in counters:
            self.run("open_counter", counter=c)

    def call(self, counter: str) -> int | None:
        visit = self.run("call_next", counter=counter)["visit"]
        return visit and visit["number"]

    def finish(self, counter: str) -> dict:
        return self.run("finish", counter=counter)["visit"]

    def status(self, number: int):
        return self.engine.visit_status(self.engine.visit_by_number(number), self.now)


def drive_every_event_type(desk: Desk) -> None:
    """A morning at the desk that makes every kind of event at least once."""
    desk.open("c01", "c05", "c11", "c12")
    lease = desk.run("lease", issuing_point="east")
    ghost = desk.run("issue", issuing_point="east", procedures=["juminhyo"])  # answer lost
    printed = {"request_id": desk.events[-1].request_id, "number": lease["first"],
               "issued_at": desk.now, "issuing_point": "east", "procedures": ["juminhyo"]}
    desk.run("handover", visits=[printed])  # replaces the ghost: visit_cancelled
    assert desk.status(ghost["number"]).state == "cancelled"
    moving = desk.issue("tennyu", "nenkin")
    desk.issue("juminhyo", needs=["wheelchair"])
    desk.later(1)
    desk.call("c01")
    desk.run("recall", counter="c01")
    desk.run("start", counter="c01")
    desk.run("add_procedure", counter="c01", procedure="kaigo_shikaku")
    desk.run("cancel_procedure", counter="c01", procedure="nenkin")
    desk.later(6).finish("c01")
    desk.later(1)  # walked over to 介護保険課
    assert desk.call("c12") == moving
    desk.run("transfer", counter="c12", department="nenkin")
    desk.call("c11")
    desk.run("hold", counter="c11")
    desk.run("requeue", counter="c11", number=moving)
    desk.call("c11")
    desk.run("skip", counter="c11")
    desk.call("c05")
    desk.run("absent", counter="c05")
    desk.call("c05")
    desk.run("cancel_visit", counter="c05")
    desk.run("close_counter", counter="c12")
    # bookings: made, changed, cancelled, checked in, and one released as a no-show
    first = desk.run("book", procedures=["tenkyo"], start=T0 + 1800)["booking"]["code"]
    second = desk.run("book", procedures=["tenkyo"], start=T0 + 3600)["booking"]["code"]
    desk.run("change_booking", code=second, start=T0 + 5400)
    third = desk.run("book", procedures=["kokuho_kanyu"], start=T0 + 3600)["booking"]["code"]
    desk.run("cancel_booking", code=third)
    desk.now = T0 + 1200  # 09:20: check-in is open for the 09:30 slot
    desk.run("check_in", code=first, issuing_point="east")
    desk.run("get_booking", code=first)
    desk.now = T0 + 5400 + 16 * 60  # the 10:30 booking's late window is over
    desk.issue("juminhyo")
