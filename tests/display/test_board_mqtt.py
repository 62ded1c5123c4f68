"""The board on a real Mosquitto, fed retained messages exactly as the queue service sends them."""

from __future__ import annotations

import time

from gpiozero.pins.mock import MockFactory

from display.board import Board
from display.presenter import BoardPresenter
from display.serial_sign import decode_frame
from display.voice.announcer import Announcer
from display.voice.clips import CHIME, Call
from display.voice.sinks import WavFileSink
from display.voice.synth import read_wav
from firmware.agent import Bundle, DeviceAgent
from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import encode
from protocol.messages import CommandResult, DeviceCommand, DeviceConfig

from .conftest import SITE, call_message, congestion_message
from .test_signals import FakeSign
from .test_voice import counter, heard_in_order, offset_of


def spoken(board) -> int:
    assert board.announcer.wait_idle(30)
    samples, _ = read_wav(board.wav)
    return samples.size


def test_a_call_reaches_the_board_and_the_speaker(running_board, publisher, site, library):
    publisher.site_document(site)
    publisher.service("online")
    board = running_board()
    board.wait_for(lambda v: v.online and v.site_name_ja)
    publisher.call(call_message(site, "c03", 123, 1))
    view = board.wait_for(lambda v: v.calls and v.calls[0].number == 123)
    assert view.calls[0].counter_number == 3 and view.flashing == 1
    assert spoken(board) > 0
    recorded, _ = read_wav(board.wav)
    assert offset_of(recorded, library.assemble(Call(123, 3), ["ja"])) == 0


def test_two_quick_calls_are_both_announced_in_order(running_board, publisher, site, library):
    publisher.service("online")
    board = running_board()
    board.wait_for(lambda v: v.online)
    publisher.call(call_message(site, "c03", 123, 1))
    publisher.call(call_message(site, "c05", 124, 2))
    board.wait_for(lambda v: [c.number for c in v.calls] == [124, 123])
    first = library.assemble(Call(123, 3), ["ja"])
    second = library.assemble(Call(124, 5), ["ja"])
    # said one after the other, the second without a chime of its own (or with the first)
    assert spoken(board) < first.size + second.size
    recorded, _ = read_wav(board.wav)
    assert offset_of(recorded, library.clip(CHIME)) == 0
    assert heard_in_order(recorded, library, "ja/number/123", counter(3),
                          "ja/number/124", "ja/counter/5")


def test_a_call_too_late_to_be_said_stays_listed_on_the_board(running_board, publisher, site):
    publisher.service("online")
    board = running_board({"speech_languages": ["ja"], "speech_max_age_s": 0.001})
    board.wait_for(lambda v: v.online)
    for call_id, (desk, number) in enumerate((("c03", 123), ("c05", 124), ("c07", 2)), 1):
        publisher.call(call_message(site, desk, number, call_id))
    view = board.wait_for(lambda v: [c.number for c in v.calls] == [2, 124, 123])
    assert [c.counter_number for c in view.calls] == [7, 5, 3]
    assert spoken(board) == 0 and board.announcer.backlog.stale == 3


def test_a_site_that_wants_the_japanese_twice_gets_it_from_the_device_settings(
        running_board, publisher, site, library):
    publisher.service("online")
    board = running_board({"speech_languages": ["ja", "en"], "speech_repeat_ja": True})
    board.wait_for(lambda v: v.online)
    publisher.call(call_message(site, "c03", 123, 1))
    board.wait_for(lambda v: board.announcer.backlog.received)  # the announcer has the call
    assert spoken(board) == library.announcement([Call(123, 3)], ["ja", "ja", "en"]).size
    recorded, _ = read_wav(board.wav)
    assert heard_in_order(recorded, library, CHIME, "ja/number/123", "ja/counter/3",
                          "ja/number/123", "ja/counter/3", "en/number/123", "en/counter/3")


def test_a_restarted_board_shows_the_calls_without_announcing_them(running_board, publisher, site):
    publisher.service("online")
    publisher.call(call_message(site, "c03", 123, 1))
    publisher.call(call_message(site, "c07", 125, 2))
    publisher.retained(topics.congestion(SITE, "shiminzei"),
                       encode(congestion_message("shiminzei", 9, 18.0, "medium")))
    board = running_board()
    view = board.wait_for(lambda v: [c.number for c in v.calls] == [125, 123])
    assert view.flashing is None
    time.sleep(0.5)
    assert spoken(board) == 0


def test_a_reconnect_restores_state_and_never_replays_old_calls(running_board, publisher, broker, site, library):
    publisher.site_document(site)
    publisher.service("online")
    board = running_board()
    board.wait_for(lambda v: v.online)
    publisher.call(call_message(site, "c03", 123, 1))
    board.wait_for(lambda v: v.calls and v.calls[0].number == 123)
    once = spoken(board)
    broker.stop()
    view = board.wait_for(lambda v: not v.online, timeout=15)
    assert view.calls[0].number == 123  # still shown, marked offline
    broker.start()  # persistence keeps the retained calls
    board.wait_for(lambda v: v.online, timeout=30)
    publisher.call(call_message(site, "c05", 124, 2))  # a new call after the reconnect
    board.wait_for(lambda v: [c.number for c in v.calls] == [124, 123])
    assert spoken(board) > once
    recorded, _ = read_wav(board.wav)
    assert heard_in_order(recorded, library, "ja/number/123", counter(3), "ja/number/124")
    assert not heard_in_order(recorded, library, "ja/number/123", "ja/number/123")


def test_the_device_configuration_picks_the_counters(running_board, publisher, site):
    publisher.service("online")
    publisher.retained(topics.device_config(SITE, "board-test"), encode(DeviceConfig(
        device="board-test", role="board", name="2F", settings={"counters": ["c21"],
                                                                 "speech_languages": ["ja"]})))
    board = running_board()
    board.wait_for(lambda v: v.online)
    deadline = time.monotonic() + 5
    while board.presenter.settings.counters != ("c21",) and time.monotonic() < deadline:
        time.sleep(0.02)
    publisher.call(call_message(site, "c03", 123, 1))
    publisher.call(call_message(site, "c21", 124, 2))
    view = board.wait_for(lambda v: v.calls)
    assert [c.counter for c in view.calls] == ["c21"]


def test_a_broken_payload_is_ignored_and_the_board_carries_on(running_board, publisher, site):
    publisher.service("online")
    board = running_board()
    board.wait_for(lambda v: v.online)
    publisher.retained(topics.call(SITE, "c03"), b'{"v": 1, "counter": "c03"}')
    publisher.retained(topics.site_config(SITE), b"not json")
    publisher.call(call_message(site, "c05", 124, 2))
    assert board.wait_for(lambda v: v.calls).calls[0].number == 124


def test_with_the_device_agent_the_board_takes_its_configuration_and_chimes_on_command(
        broker, publisher, site, library, tmp_path):
    publisher.service("online")
    publisher.retained(topics.device_config(SITE, "board-2f"), encode(DeviceConfig(
        device="board-2f", role="board", name="2F", settings={"counters": ["c21"]})))
    agent = DeviceAgent(Bundle.development(SITE, "board-2f", "board", host=broker.host, port=broker.port),
                        version="0.1.0", state_dir=tmp_path / "agent")
    wav = tmp_path / "spoken.wav"
    board = Board(agent.client, BoardPresenter(), announcer=Announcer(library, WavFileSink(wav), ["ja"]),
                  own_config=False)
    board.attach_agent(agent)
    results: list[bytes] = []
    publisher.client.subscribe(topics.device_command_result(SITE, "board-2f"), qos=1)
    publisher.client.on_message = lambda c, u, msg: results.append(msg.payload)
    try:
        assert agent.start(wait=10)
        deadline = time.monotonic() + 5
        while board.presenter.settings.counters != ("c21",) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert board.presenter.settings.counters == ("c21",)
        publisher.retained(topics.device_command(SITE, "board-2f"),
                           encode(DeviceCommand(command_id="chime-0001", command="test_chime")))
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            time.sleep(0.05)
        result = CommandResult.model_validate_json(results[0])
        assert result.ok and result.detail == "chime played"
        assert read_wav(wav)[0].size == library.clip("chime").size
        assert agent.health().audio == "ok"
    finally:
        agent.stop()
        board.close()


def test_a_call_lights_the_counter_lamp_and_the_serial_sign(broker, publisher, site, library, tmp_path):
    sign, factory = FakeSign(), MockFactory()
    publisher.service("online")
    publisher.call(call_message(site, "c05", 118, 1))  # retained before the board starts
    client = ServiceClient(SITE, "board-lamps", broker.host, broker.port)
    board = Board(client, BoardPresenter(), pin_factory=factory)
    board.apply_settings({"lamps": {"c03": 17, "c05": 27}, "flash_s": 2, "speech_languages": [],
                          "serial_sign": {"port": sign.port, "baudrate": 9600}})
    try:
        assert board.start(wait=10)
        assert decode_frame(sign.wait_frames(1)[0]) == ("show", 5, 118)  # restored: steady
        assert not factory.pin(27).state
        publisher.call(call_message(site, "c03", 123, 2))
        assert decode_frame(sign.wait_frames(2)[1]) == ("call", 3, 123)
        deadline = time.monotonic() + 2
        while not factory.pin(17).state and time.monotonic() < deadline:
            time.sleep(0.01)
        assert factory.pin(17).state and not factory.pin(27).state
        publisher.call(call_message(site, "c03", None, 2))
        assert decode_frame(sign.wait_frames(3)[2]) == ("clear", 3, None)
        assert board.health() == {}
    finally:
        board.stop()
        sign.close()


def test_a_cleared_congestion_message_removes_the_department_s_waiting(running_board, publisher, site):
    publisher.site_document(site)
    publisher.service("online")
    publisher.retained(topics.congestion(SITE, "shiminzei"),
                       encode(congestion_message("shiminzei", 9, 18.0, "medium")))
    board = running_board()

    def row(view):
        return next((r for r in view.departments if r.id == "shiminzei"), None)

    board.wait_for(lambda v: row(v) is not None and row(v).waiting == 9)
    publisher.retained(topics.congestion(SITE, "shiminzei"), b"")  # the service cleared it
    view = board.wait_for(lambda v: row(v).level == "unknown")
    assert row(view).waiting == 0 and row(view).estimated_wait_min is None


def test_a_board_that_should_speak_without_its_clips_is_an_alert_in_the_fleet(broker, library, tmp_path):
    """It showed as online with no alert; only test_chime revealed it."""
    agent = DeviceAgent(Bundle.development(SITE, "board-1f", "board", host=broker.host, port=broker.port),
                        version="0.1.0", state_dir=tmp_path / "agent")
    silent = Board(agent.client, BoardPresenter(), own_config=False)  # no --clips
    silent.attach_agent(agent)
    assert "audio:no_clips" in agent.health().alerts
    silent.apply_settings({"speech_languages": []})  # a board meant to be silent: no alert
    assert "audio:no_clips" not in agent.health().alerts
    other = DeviceAgent(Bundle.development(SITE, "board-2f", "board", host=broker.host, port=broker.port),
                        version="0.1.0", state_dir=tmp_path / "agent2")
    short = Board(other.client, BoardPresenter(),
                  announcer=Announcer(library, WavFileSink(tmp_path / "x.wav"), ["ja"]), own_config=False)
    short.attach_agent(other)
    short.apply_settings({"speech_languages": ["ja", "pt"]})  # no Portuguese clips rendered
    assert "audio:no_clips_pt" in other.health().alerts
    short.apply_settings({"speech_languages": ["ja"]})
    assert not any(a.startswith("audio:") for a in other.health().alerts)
    short.close()
