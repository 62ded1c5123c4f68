"""End to end: the real queue service calls, the board shows and speaks, restarts change nothing."""

from __future__ import annotations

import pytest

from display.voice.clips import CHIME, Call
from display.voice.synth import read_wav
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id

from .conftest import SITE
from .test_voice import counter, heard_in_order, offset_of


@pytest.fixture
def desk(broker, queue_service):
    """Issuer and counter staff devices, talking to the service over the broker."""
    c = ServiceClient(SITE, "counter-desk", broker.host, broker.port)
    assert c.start(10)

    class Desk:
        client = c

        def issue(self, *procedures: str) -> int:
            r = c.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                                  procedures=list(procedures)))
            assert r.ok, r.error
            return r.result.number

        def run(self, command: str, counter: str) -> m.Response:
            model = m.COMMANDS[command]
            r = c.request(command, model(request_id=new_request_id(), counter=counter))
            assert r.ok, r.error
            return r

    yield Desk()
    c.stop()


def test_a_service_call_reaches_the_board_and_the_speaker(running_board, desk, library):
    board = running_board()
    board.wait_for(lambda v: v.online and v.site_name_ja)
    number = desk.issue("juminhyo")
    view = board.wait_for(lambda v: any(r.id == "shimin" and r.waiting == 1 for r in v.departments))
    desk.run("open_counter", "c05")
    desk.run("call_next", "c05")
    view = board.wait_for(lambda v: v.calls and v.calls[0].number == number)
    assert view.calls[0].counter_number == 5 and view.flashing == view.calls[0].call_id
    assert board.announcer.wait_idle(30)
    assert offset_of(read_wav(board.wav)[0], library.assemble(Call(number, 5), ["ja"])) == 0


def test_two_calls_in_quick_succession_are_both_announced_in_order(running_board, desk, library):
    board = running_board()
    board.wait_for(lambda v: v.online)
    first, second = desk.issue("juminhyo"), desk.issue("juminhyo")
    desk.run("open_counter", "c05")
    desk.run("open_counter", "c06")
    desk.run("call_next", "c05")
    desk.run("call_next", "c06")
    board.wait_for(lambda v: [c.number for c in v.calls] == [second, first])
    assert board.announcer.wait_idle(30)
    recorded, _ = read_wav(board.wav)
    assert offset_of(recorded, library.clip(CHIME)) == 0
    assert heard_in_order(recorded, library, f"ja/number/{first}", counter(5),
                          f"ja/number/{second}", "ja/counter/6")


def test_a_recall_from_the_counter_is_announced_again(running_board, desk, library):
    board = running_board()
    board.wait_for(lambda v: v.online)
    number = desk.issue("juminhyo")
    desk.run("open_counter", "c05")
    desk.run("call_next", "c05")
    board.wait_for(lambda v: v.calls and v.calls[0].number == number)
    desk.run("recall", "c05")
    board.wait_for(lambda v: v.calls and v.calls[0].recall)
    assert board.announcer.wait_idle(30)
    recorded, _ = read_wav(board.wav)
    assert heard_in_order(recorded, library, f"ja/number/{number}", "ja/counter/5",
                          "ja/phrase/recall", f"ja/number/{number}", "ja/counter/5")


def test_a_number_recalled_after_it_was_marked_absent_is_said_as_a_recall(running_board, desk, library):
    board = running_board()
    board.wait_for(lambda v: v.online)
    number = desk.issue("juminhyo")
    desk.run("open_counter", "c05")
    desk.run("call_next", "c05")
    board.wait_for(lambda v: v.calls and v.calls[0].number == number)
    desk.run("absent", "c05")  # the counter lets the number go: the board clears the call
    board.wait_for(lambda v: not v.calls[0].calling)
    r = desk.client.request("recall", m.Recall(request_id=new_request_id(), counter="c05",
                                               number=number))  # the citizen came back
    assert r.ok, r.error
    view = board.wait_for(lambda v: v.calls and v.calls[0].calling)
    assert view.calls[0].number == number and view.calls[0].recall
    assert board.announcer.wait_idle(30)
    recorded, _ = read_wav(board.wav)
    assert heard_in_order(recorded, library, f"ja/number/{number}", "ja/counter/5",
                          "ja/phrase/recall", f"ja/number/{number}", "ja/counter/5")


def test_a_service_restart_marks_the_board_offline_and_replays_nothing(running_board, desk, queue_service):
    board = running_board()
    board.wait_for(lambda v: v.online)
    number = desk.issue("juminhyo")
    desk.run("open_counter", "c05")
    desk.run("call_next", "c05")
    board.wait_for(lambda v: v.calls and v.calls[0].number == number)
    assert board.announcer.wait_idle(30)
    spoken = read_wav(board.wav)[0].size
    queue_service.stop()
    board.wait_for(lambda v: not v.online)
    queue_service.start()
    view = board.wait_for(lambda v: v.online, timeout=30)
    assert view.calls[0].number == number  # the state is back, and it was not spoken again
    assert board.announcer.wait_idle(30) and read_wav(board.wav)[0].size == spoken


def test_a_board_started_later_rebuilds_its_state_silently(running_board, desk):
    numbers = [desk.issue("juminhyo"), desk.issue("juminhyo")]
    desk.run("open_counter", "c05")
    desk.run("open_counter", "c06")
    desk.run("call_next", "c05")
    desk.run("call_next", "c06")
    board = running_board()
    view = board.wait_for(lambda v: v.online and len(v.calls) == 2 and v.departments)
    assert sorted(c.number for c in view.calls) == numbers and view.flashing is None
    assert board.announcer.wait_idle(5) and read_wav(board.wav)[0].size == 0
