"""The booking rules in the pure engine: slots and capacity, book / change / cancel,
check-in before, in and after its window, no-shows, remote booths, and the calling rule
that merges checked-in bookings with walk-ins."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from protocol.site import load_config, parse_config
from queue_service.engine import EngineError, QueueEngine
from tests.bookings.sites import booth_config, example
from tests.queue_service.helpers import T0, Desk

TZ = ZoneInfo("Asia/Tokyo")
MONDAY = date(2027, 3, 29)  # T0 is 09:00 that day


def at(day: date, hh: int, mm: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ).timestamp()


def book(desk: Desk, start: float, *procedures: str, **fields) -> dict:
    return desk.run("book", procedures=list(procedures or ("tennyu",)), start=start,
                    **fields)["booking"]


def check_in(desk: Desk, code: str, point: str = "east") -> dict:
    return desk.run("check_in", code=code, issuing_point=point)


def test_slots_follow_the_booking_hours_and_closed_days():
    engine = QueueEngine(load_config())
    b = engine.bookings
    tuesday = date(2027, 3, 30)
    slots = b.slots(tuesday, "sogo", None, T0)
    assert [datetime.fromtimestamp(s.start, TZ).strftime("%H:%M") for s in (slots[0], slots[-1])] \
        == ["09:00", "15:30"]
    assert len(slots) == 14 and all(s.end - s.start == 1800 for s in slots)
    # today: only slots that have not begun (T0 is 09:00, so 09:00 is gone)
    assert b.slots(MONDAY, "sogo", None, T0)[0].start == at(MONDAY, 9, 30)
    assert b.slots(date(2027, 4, 3), "sogo", None, T0) == []  # Saturday
    assert b.slots(date(2027, 4, 29), "sogo", None, T0) == []  # 昭和の日
    assert b.slots(date(2027, 5, 31), "sogo", None, T0) == []  # beyond days_ahead (30)
    assert date(2027, 3, 22) not in b.booking_days(at(date(2027, 3, 19), 10))  # 振替休日


def test_a_slot_takes_its_capacity_and_no_more():
    desk = Desk()
    start = at(date(2027, 3, 30), 10)
    capacity = desk.engine.bookings.capacity("sogo", None)
    codes = [book(desk, start)["code"] for _ in range(capacity)]
    with pytest.raises(EngineError) as err:
        book(desk, start)
    assert err.value.code == "slot_full"
    [slot] = [s for s in desk.engine.bookings.slots(date(2027, 3, 30), "sogo", None, desk.now)
              if s.start == start]
    assert slot.free == 0 and slot.taken == capacity
    # another department's slot at the same time is its own
    assert book(desk, start, "kokuho_kanyu")["department"] == "kokuho"
    # cancelling gives the place back
    desk.run("cancel_booking", code=codes[0])
    assert book(desk, start)["state"] == "booked"


@pytest.mark.parametrize("start, code", [
    (at(date(2027, 3, 30), 10, 10), "no_such_slot"),  # not on the 30-minute grid
    (at(date(2027, 3, 30), 16), "no_such_slot"),  # after the last slot
    (at(date(2027, 4, 3), 10), "no_such_slot"),  # Saturday
    (at(MONDAY, 9), "slot_passed"),  # already begun (T0 is 09:00)
])
def test_a_time_that_is_not_a_free_slot_is_refused(start, code):
    desk = Desk()
    with pytest.raises(EngineError) as err:
        book(desk, start)
    assert err.value.code == code
    assert desk.engine.bookings.bookings == {}


def test_certificates_are_not_booked_and_no_name_is_asked():
    desk = Desk()
    with pytest.raises(EngineError) as err:
        book(desk, at(date(2027, 3, 30), 10), "juminhyo")
    assert err.value.code == "not_bookable"
    made = book(desk, at(date(2027, 3, 30), 10), "tennyu", "kokuho_kanyu", life_event="tennyu")
    assert set(made) >= {"code", "start", "department", "state"} and "name" not in made
    assert len(made["code"]) == 8


def test_change_moves_the_booking_and_frees_the_old_slot():
    desk = Desk()
    ten, eleven = at(date(2027, 3, 30), 10), at(date(2027, 3, 30), 11)
    code = book(desk, ten)["code"]
    moved = desk.run("change_booking", code=code, start=eleven)["booking"]
    assert moved["start"] == eleven and moved["code"] == code
    slots = {s.start: s for s in desk.engine.bookings.slots(date(2027, 3, 30), "sogo", None, desk.now)}
    assert slots[ten].taken == 0 and slots[eleven].taken == 1
    desk.run("cancel_booking", code=code)
    with pytest.raises(EngineError) as err:
        desk.run("change_booking", code=code, start=ten)
    assert err.value.code == "not_changeable"


def test_check_in_too_early_says_when_to_come_back_and_changes_nothing():
    desk = Desk()
    code = book(desk, at(MONDAY, 10))["code"]
    before = len(desk.events)
    answer = check_in(desk.later(30), code)  # 09:30: check-in opens at 09:45
    assert answer["outcome"] == "too_early" and answer.get("number") is None
    assert answer["come_back_at"] == at(MONDAY, 9, 45)
    assert len(desk.events) == before and desk.engine.state.visits == {}
    assert desk.engine.bookings.get(code).state == "booked"


def test_check_in_on_time_gives_the_days_number_marked_booked():
    desk = Desk()
    code = book(desk, at(MONDAY, 10), "tennyu", "kokuho_kanyu", life_event="tennyu")["code"]
    walk_in = desk.issue("juminhyo")
    answer = check_in(desk.later(47), code)  # 09:47
    assert answer["outcome"] == "checked_in"
    assert answer["number"] == walk_in + 1  # the usual numbers: one number space
    assert [s["department"] for s in answer["visit"]["steps"]] == ["sogo", "kokuho"]
    assert answer["visit"]["booked"] == "on_time" and answer["visit"]["slot_at"] == at(MONDAY, 10)
    assert answer["booking"]["state"] == "checked_in"
    with pytest.raises(EngineError) as err:
        check_in(desk, code)
    assert err.value.code == "already_checked_in"


def test_more_than_fifteen_minutes_late_is_a_walk_in():
    desk = Desk()
    code = book(desk, at(MONDAY, 10))["code"]
    answer = check_in(desk.later(76), code)  # 10:16
    assert answer["outcome"] == "late"
    assert answer["visit"]["booked"] == "late" and answer["visit"]["slot_at"] is None
    v = desk.engine.visit_by_number(answer["number"])
    assert v.booking == code and v.slot_at is None
    assert desk.engine.bookings.get(code).state == "late"


def test_a_booking_not_checked_in_by_the_end_of_its_late_window_is_released():
    desk = Desk()
    code = book(desk, at(MONDAY, 10))["code"]
    desk.later(75)  # 10:15: still inside the window
    desk.issue("juminhyo")
    assert desk.engine.bookings.get(code).state == "booked"
    desk.later(1)
    desk.issue("juminhyo")
    assert desk.engine.bookings.get(code).state == "no_show"
    assert [e.type for e in desk.events].count("booking_released") == 1


@pytest.mark.parametrize("code, error", [("ZZZZZZZZ", "unknown_booking")])
def test_a_bad_code_changes_nothing(code, error):
    desk = Desk()
    book(desk, at(MONDAY, 10))
    before = len(desk.events)
    with pytest.raises(EngineError) as err:
        check_in(desk, code)
    assert err.value.code == error and len(desk.events) == before


def test_a_booking_of_an_earlier_day_has_expired():
    desk = Desk()
    code = book(desk, at(MONDAY, 10))["code"]
    desk.now = at(date(2027, 3, 30), 9, 50)
    with pytest.raises(EngineError) as err:
        check_in(desk, code)
    assert err.value.code == "booking_expired"


def test_the_calling_rule_due_booking_first_walk_ins_otherwise_priority_before_all():
    desk = Desk()
    desk.open("c01")
    code = book(desk, at(MONDAY, 10))["code"]
    desk.later(40)  # 09:40
    w1, w2, w3 = desk.issue("tenkyo"), desk.issue("tenkyo"), desk.issue("tenkyo")
    booked = check_in(desk.later(6), code)["number"]  # 09:46
    # 09:50: the slot is not due: walk-ins in order
    assert desk.later(4).call("c01") == w1
    desk.finish("c01")
    # 09:58: the booking's slot is due (2 minutes before): it goes before w2 and w3
    assert desk.later(8).call("c01") == booked
    desk.finish("c01")
    wheelchair = desk.issue("tenkyo", needs=["wheelchair"])
    assert desk.call("c01") == wheelchair  # priority needs first
    desk.finish("c01")
    assert [desk.call("c01"), desk.finish("c01") and None, desk.call("c01")][::2] == [w2, w3]


def test_a_booking_not_yet_due_is_called_early_when_nobody_else_waits():
    desk = Desk()
    desk.open("c01")
    code = book(desk, at(MONDAY, 10))["code"]
    booked = check_in(desk.later(46), code)["number"]  # 09:46
    assert desk.call("c01") == booked


def test_a_missed_call_loses_the_slots_place():
    desk = Desk()
    desk.open("c01")
    code = book(desk, at(MONDAY, 10))["code"]
    booked = check_in(desk.later(50), code)["number"]
    assert desk.later(8).call("c01") == booked  # 09:58
    walk_in = desk.issue("tenkyo")
    desk.later(1).run("absent", counter="c01")  # back in the line as a walk-in would be
    assert desk.call("c01") == walk_in


def test_a_remote_booth_is_booked_by_its_own_slots_and_called_at_its_counter():
    desk = Desk(QueueEngine(booth_config(90)))
    b = desk.engine.bookings
    slots = b.slots(date(2027, 3, 30), "remote_akabori", "r01", desk.now)
    assert [s.end - s.start for s in slots[:1]] == [90 * 60] and all(s.capacity == 1 for s in slots)
    assert len(slots) == 4  # 09:00, 10:30, 12:00, 13:30 (the last ends by 16:00)
    made = book(desk, at(MONDAY, 10, 30), "nenkin", booth="r01")
    assert made["booth"] == "r01" and made["department"] == "remote_akabori"
    with pytest.raises(EngineError) as err:
        book(desk, at(MONDAY, 10, 30), "nenkin", booth="r01")
    assert err.value.code == "slot_full"
    desk.open("r01", "c06")
    answer = check_in(desk.later(80), made["code"], point="akabori")  # 10:20 at the branch
    assert answer["visit"]["department"] == "remote_akabori"
    assert desk.call("c06") is None  # the pension counter downstairs does not see it
    assert desk.call("r01") == answer["number"]
    call = desk.engine.current_call("r01", desk.now)
    assert call.number == answer["number"] and call.counter_number == 51


def test_the_places_of_a_slot_have_their_own_times_so_bookings_are_not_due_at_once():
    doc = example()
    doc["bookings"]["held_share"] = 1.0  # sogo: 3 counters x 30 min / 13 min = 6 places
    desk = Desk(QueueEngine(parse_config(doc)))
    ten = at(date(2027, 3, 30), 10)
    assert desk.engine.bookings.capacity("sogo", None) == 6
    made = [book(desk, ten) for _ in range(3)]
    assert [b["start"] for b in made] == [ten, ten + 300, ten + 600]  # 10:00, 10:05, 10:10
    assert {b["slot"] for b in made} == {ten}
    desk.run("cancel_booking", code=made[1]["code"])
    assert book(desk, ten)["start"] == ten + 300  # the freed place's time is given again
    [slot] = [s for s in desk.engine.bookings.slots(date(2027, 3, 30), "sogo", None, desk.now)
              if s.start == ten]
    assert (slot.taken, slot.free, slot.next_start) == (3, 3, ten + 900)
