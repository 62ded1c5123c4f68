"""The queueing rules (Isesaki's plan) on the pure engine: no broker, no database, no clock."""

import pytest

from queue_service.engine import EngineError, QueueEngine

from .helpers import T0, Desk

pytestmark = pytest.mark.pure


@pytest.fixture
def desk():
    return Desk()


def steps(desk, number):
    return [(s.procedure, s.department, s.state) for s in desk.status(number).steps]


# ---- numbers ------------------------------------------------------------------------

def test_one_number_per_visit_shared_by_every_issuing_point(desk):
    numbers = [desk.issue("juminhyo", point=p) for p in ("east", "west", "center", "east")]
    assert numbers == [1, 2, 3, 4]


def test_numbers_restart_at_the_daily_reset_and_are_never_reused_within_a_day(desk):
    first = desk.issue("juminhyo")
    desk.later(60 * 10)  # 19:00 the same day
    assert desk.issue("juminhyo") == first + 1
    desk.later(60 * 9 + 1)  # 04:01 next morning: a new business day
    assert desk.issue("juminhyo") == 1
    assert len(desk.engine.state.visits) == 1


def test_before_the_reset_time_is_still_yesterday(desk):
    desk.issue("juminhyo")
    desk.now = T0 + 18 * 3600  # 03:00 next day, before the 04:00 reset
    assert desk.issue("juminhyo") == 2


def test_numbers_run_out_with_a_clear_error():
    engine = QueueEngine(Desk().engine.config)
    d = Desk(engine)
    d.issue("juminhyo")
    engine.state.next_number = engine.config.numbers.last + 1
    with pytest.raises(EngineError) as err:
        d.issue("juminhyo")
    assert err.value.code == "numbers_exhausted"


def test_unknown_procedure_or_issuing_point_is_refused_and_nothing_changes(desk):
    with pytest.raises(EngineError, match="unknown procedure"):
        desk.issue("tennyu", "flying_licence")
    with pytest.raises(EngineError, match="unknown issuing point"):
        desk.issue("tennyu", point="roof")
    assert desk.engine.state.visits == {}
    assert desk.issue("tennyu") == 1


def test_out_of_scope_procedures_are_guidance_not_queues(desk):
    result = desk.run("issue", issuing_point="east", procedures=["tennyu", "inu_toroku"])
    assert result["guidance"] == ["inu_toroku"]
    assert [s["procedure"] for s in result["visit"]["steps"]] == ["tennyu"]
    with pytest.raises(EngineError) as err:
        desk.issue("inu_toroku")
    assert err.value.code == "nothing_to_queue"


# ---- routing -------------------------------------------------------------------------

def test_itinerary_groups_departments_so_nobody_goes_back(desk):
    n = desk.issue("tennyu", "kokuho_kanyu", "jido_teate", "nenkin")
    assert [(p, d) for p, d, _ in steps(desk, n)] == [
        ("tennyu", "sogo"), ("jido_teate", "sogo"), ("kokuho_kanyu", "kokuho"), ("nenkin", "nenkin")]


def test_visit_moves_on_by_itself_and_keeps_its_place_in_line():
    from dataclasses import replace

    base = Desk().engine.config  # a site that lets movers keep their place 5 minutes
    desk = Desk(QueueEngine(replace(base, routing=replace(base.routing, place_lead_minutes=5))))
    desk.open("c01", "c09")
    mover = desk.issue("tennyu", "kokuho_kanyu")
    assert desk.call("c01") == mover
    desk.later(12)
    walk_in = desk.issue("kokuho_kanyu")  # came straight to health insurance, later
    desk.later(3)
    after = desk.finish("c01")
    assert after["department"] == "kokuho" and after["state"] == "waiting"
    desk.later(1)  # walked over
    # issued earlier (within the place lead), so called before the walk-in although it
    # arrived in the queue later
    assert desk.call("c09") == mover
    desk.later(10)
    assert desk.finish("c09")["state"] == "done"
    assert desk.call("c09") == walk_in


def test_next_procedure_in_the_same_department_stays_at_the_counter(desk):
    desk.open("c01")
    n = desk.issue("tennyu", "jido_teate")
    desk.call("c01")
    visit = desk.finish("c01")
    assert visit["state"] == "serving" and visit["counter"] == "c01"
    assert [s["state"] for s in visit["steps"]] == ["done", "serving"]
    assert desk.finish("c01")["state"] == "done"
    assert desk.call("c01") is None
    assert desk.status(n).state == "done"


def test_staff_add_skip_cancel_and_transfer(desk):
    desk.open("c01", "c11", "c12")
    n = desk.issue("tennyu", "nenkin")
    desk.call("c01")
    desk.run("add_procedure", counter="c01", procedure="kaigo_shikaku")  # found while listening
    assert [p for p, _, _ in steps(desk, n)] == ["tennyu", "kaigo_shikaku", "nenkin"]
    with pytest.raises(EngineError, match="already"):
        desk.run("add_procedure", counter="c01", procedure="nenkin")
    desk.run("cancel_procedure", counter="c01", procedure="nenkin")
    desk.finish("c01")
    desk.later(1)  # walked over
    assert desk.call("c12") == n
    desk.run("transfer", counter="c12", department="nenkin")  # actually a pension question
    assert desk.status(n).department == "nenkin"
    assert desk.call("c11") == n
    desk.run("skip", counter="c11")
    assert [s for _, _, s in steps(desk, n)] == ["done", "skipped", "cancelled"]
    assert desk.status(n).state == "done"


def test_cancel_visit(desk):
    desk.open("c05")
    n = desk.issue("juminhyo", "koseki")
    desk.call("c05")
    desk.run("cancel_visit", counter="c05")
    assert desk.status(n).state == "cancelled"
    assert desk.call("c05") is None


# ---- calling -------------------------------------------------------------------------

def test_priority_needs_first_then_issue_time(desk):
    desk.open("c05")
    a = desk.issue("juminhyo")
    b = desk.issue("juminhyo", needs=["small_children"])  # not a priority need in the example
    c = desk.issue("juminhyo", needs=["wheelchair"])
    called = []
    for _ in range(3):
        called.append(desk.call("c05"))
        desk.finish("c05")
    assert called == [c, a, b]


def test_two_counters_never_call_the_same_visit(desk):
    desk.open("c05", "c06")
    a, b = desk.issue("juminhyo"), desk.issue("juminhyo")
    assert {desk.call("c05"), desk.call("c06")} == {a, b}
    with pytest.raises(EngineError) as err:
        desk.call("c06")
    assert err.value.code == "counter_busy"


def test_closed_counter_cannot_call_and_counters_open_and_close(desk):
    desk.issue("juminhyo")
    with pytest.raises(EngineError) as err:
        desk.call("c05")
    assert err.value.code == "counter_closed"
    desk.open("c05")
    desk.call("c05")
    with pytest.raises(EngineError, match="still with number"):
        desk.run("close_counter", counter="c05")
    desk.finish("c05")
    desk.run("close_counter", counter="c05")
    assert not desk.engine.state.counters["c05"].open


def test_recall_repeats_the_call_with_a_new_call_id(desk):
    desk.open("c05")
    n = desk.issue("juminhyo")
    desk.call("c05")
    first = desk.engine.current_call("c05", desk.now)
    desk.run("recall", counter="c05")
    again = desk.engine.current_call("c05", desk.now)
    assert again.number == first.number == n
    assert again.call_id > first.call_id
    # boards, voices and pagers tell a recall from a first call by its kind
    assert (first.kind, again.kind) == ("call", "recall")
    desk.run("start", counter="c05")
    assert desk.engine.current_call("c05", desk.now).kind == "clear"


def test_absent_goes_back_to_the_queue_until_the_limit_then_waits_for_staff(desk):
    desk.open("c05")
    n = desk.issue("juminhyo")
    other = desk.issue("juminhyo")
    assert desk.engine.config.calling.absent_limit == 2
    assert desk.call("c05") == n
    desk.later(1).run("absent", counter="c05")  # 1st time: back of the line
    assert desk.call("c05") == other
    desk.later(5).finish("c05")
    for _ in range(2):  # 2nd time still requeued, 3rd time over the limit
        assert desk.call("c05") == n
        desk.later(1).run("absent", counter="c05")
    assert desk.status(n).state == "absent"  # out of the queue until staff bring it back
    assert desk.call("c05") is None
    desk.run("requeue", number=n, counter="c05")  # the citizen came back to the counter
    assert desk.call("c05") == n


def test_recall_an_absent_number_directly(desk):
    desk.open("c05")
    n = desk.issue("juminhyo")
    desk.call("c05")
    desk.run("absent", counter="c05")
    desk.run("recall", counter="c05", number=n)
    assert desk.status(n).state == "called"


def test_hold_and_requeue_keep_the_original_place(desk):
    desk.open("c05")
    a = desk.issue("juminhyo")
    b = desk.issue("juminhyo")
    desk.call("c05")
    desk.run("hold", counter="c05")  # went to fetch a document
    assert desk.status(a).state == "held"
    desk.run("requeue", counter="c05", number=a)
    assert desk.call("c05") == a
    assert b


def test_counter_commands_need_a_visit_at_the_counter(desk):
    desk.open("c05")
    for command in ("finish", "absent", "start", "hold", "skip", "cancel_visit"):
        with pytest.raises(EngineError) as err:
            desk.run(command, counter="c05")
        assert err.value.code == "no_visit"
    with pytest.raises(EngineError) as err:
        desk.run("call_next", counter="c77")
    assert err.value.code == "unknown_counter"


# ---- leases and offline issuing --------------------------------------------------------

def test_leased_numbers_never_collide_and_hand_over_once(desk):
    lease = desk.run("lease", issuing_point="west")
    assert lease["last"] - lease["first"] + 1 == desk.engine.config.numbers.lease_size
    online = desk.issue("juminhyo", point="east")
    assert online == lease["last"] + 1
    offline = {"request_id": "off-00000001", "number": lease["first"], "issued_at": desk.now - 30,
               "issuing_point": "west", "procedures": ["juminhyo"]}
    result = desk.run("handover", visits=[offline])
    assert [a["number"] for a in result["accepted"]] == [lease["first"]]
    again = desk.run("handover", visits=[offline])  # retried after a lost answer
    assert again["accepted"] == result["accepted"] and again["rejected"] == []
    stolen = dict(offline, request_id="off-00000002", number=lease["first"] + 1, issuing_point="east")
    rejected = desk.run("handover", visits=[stolen])["rejected"]
    assert "not leased" in rejected[0]["reason"]
    # the offline visit takes its place by the time it was issued
    desk.open("c05")
    assert desk.call("c05") == lease["first"]


# ---- estimates and congestion ----------------------------------------------------------

def test_congestion_levels_follow_the_estimate(desk):
    assert desk.engine.congestion("shimin", desk.now).level == "closed"
    desk.open("c05")
    assert desk.engine.congestion("shimin", desk.now).level == "low"
    for _ in range(12):
        desk.issue("koseki")
    c = desk.engine.congestion("shimin", desk.now)
    assert c.waiting == 12 and c.counters_open == 1
    assert c.level == "high" and c.estimated_wait_min >= 30
    desk.open("c06")
    assert desk.engine.congestion("shimin", desk.now).estimated_wait_min < c.estimated_wait_min


def test_people_ahead_in_the_public_status(desk):
    desk.open("c05")
    numbers = [desk.issue("juminhyo") for _ in range(4)]
    assert [desk.status(n).people_ahead for n in numbers] == [0, 1, 2, 3]
    desk.call("c05")
    assert desk.status(numbers[3]).people_ahead == 2


# ---- replay --------------------------------------------------------------------------

def test_replaying_the_events_rebuilds_the_same_state(desk):
    desk.open("c01", "c05", "c09")
    a = desk.issue("tennyu", "kokuho_kanyu", "juminhyo")
    desk.issue("juminhyo", needs=["wheelchair"])
    desk.call("c01")
    desk.later(7).finish("c01")
    desk.call("c05")
    desk.run("absent", counter="c05")
    copy = QueueEngine(desk.engine.config)
    for e in desk.events:
        copy.apply(e)
    assert copy.visit_statuses(desk.now) == desk.engine.visit_statuses(desk.now)
    assert copy.state.next_number == desk.engine.state.next_number
    assert copy.congestion("shimin", desk.now) == desk.engine.congestion("shimin", desk.now)
    assert a


def test_an_online_number_whose_answer_was_lost_is_replaced_by_the_printed_offline_one(desk):
    lease = desk.run("lease", issuing_point="east")
    ghost = desk.run("issue", issuing_point="east", procedures=["juminhyo"])  # answer lost
    rid = desk.events[-1].request_id
    printed = {"request_id": rid, "number": lease["first"], "issued_at": desk.now,
               "issuing_point": "east", "procedures": ["juminhyo"]}
    result = desk.run("handover", visits=[printed])
    assert [a["number"] for a in result["accepted"]] == [lease["first"]]
    assert desk.status(ghost["number"]).state == "cancelled"
    desk.open("c05")
    assert desk.call("c05") == lease["first"]
    desk.finish("c05")
    assert desk.call("c05") is None  # the ghost is never called


def test_the_absent_limit_counts_per_department(desk):
    desk.open("c01", "c09")
    n = desk.issue("tennyu", "kokuho_kanyu")
    for _ in range(2):  # missed two calls at the one-stop counter (the limit), then came
        desk.call("c01")
        desk.later(1).run("absent", counter="c01")
    desk.call("c01")
    desk.later(10).finish("c01")
    desk.later(1).call("c09")
    desk.later(1).run("absent", counter="c09")  # one miss here: still in the queue
    assert desk.status(n).state == "waiting"


def test_statuses_of_touched_departments_agree_with_each_visit_status(desk):
    desk.open("c01", "c09")
    for _ in range(3):
        desk.issue("kokuho_kanyu")
    mover = desk.issue("kokuho_kanyu", "tenkyo")  # waits at 国保, 総合窓口 comes later
    desk.issue("tennyu")
    by_number = {s.number: s for s in desk.engine.visit_statuses(desk.now, {"sogo"})}
    assert by_number[mover] == desk.status(mover)
    assert by_number[mover].people_ahead == 3
