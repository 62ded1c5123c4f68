"""For people who cannot hear: serial LED signs (through a pty) and GPIO lamps (MockFactory)."""

from __future__ import annotations

import os
import time

import pytest
from gpiozero.pins.mock import MockFactory

from display.lamps import Lamps
from display.serial_sign import ACK, ETX, NAK, FrameError, SerialSign, decode_frame, encode_frame
from tests.pty_device import PtyDevice


class FakeSign(PtyDevice):
    """The sign's end of a pty: reads frames, answers ACK (or NAK, or nothing, as told)."""

    def __init__(self, answers: list[bytes] | None = None):
        super().__init__()
        self.frames: list[bytes] = []
        self.answers = list(answers or [])
        self.start()

    def receive(self, buffer: bytes) -> bytes:
        while ETX in buffer and len(buffer) >= buffer.index(ETX) + 3:
            end = buffer.index(ETX) + 3
            frame, buffer = buffer[:end], buffer[end:]
            self.frames.append(frame)
            answer = self.answers.pop(0) if self.answers else ACK
            if answer:
                os.write(self.master, answer)
        return buffer

    def wait_frames(self, n: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.frames) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.frames


@pytest.fixture
def fake_sign():
    sign = FakeSign()
    yield sign
    sign.close()


def test_frames_round_trip_and_carry_a_checksum():
    frame = encode_frame("call", 3, 123)
    assert frame == b"\x02C030123\x0340"
    assert decode_frame(frame) == ("call", 3, 123)
    assert decode_frame(encode_frame("clear", 12, None)) == ("clear", 12, None)
    with pytest.raises(FrameError, match="BCC"):
        decode_frame(b"\x02C030124\x0340")
    with pytest.raises(FrameError, match="1-99"):
        encode_frame("call", 100, 1)


def test_the_sign_receives_calls_in_order(fake_sign):
    sign = SerialSign(fake_sign.port, 9600)
    try:
        sign.send("call", 3, 123)
        sign.send("show", 5, 124)
        sign.send("clear", 3, None)
        sign.flush()
    finally:
        sign.close()
    assert [decode_frame(f) for f in fake_sign.wait_frames(3)] == [
        ("call", 3, 123), ("show", 5, 124), ("clear", 3, None)]
    assert sign.health() == {}


def test_a_refused_frame_is_sent_again():
    fake = FakeSign(answers=[NAK, ACK])
    sign = SerialSign(fake.port, 9600, answer_s=0.3)
    try:
        sign.send("call", 3, 123)
        sign.flush()
        assert fake.wait_frames(2) == [encode_frame("call", 3, 123)] * 2
        assert sign.health() == {}
    finally:
        sign.close()
        fake.close()


def test_a_silent_sign_is_reported_in_health():
    fake = FakeSign(answers=[b"", b""])
    sign = SerialSign(fake.port, 9600, answer_s=0.2)
    try:
        sign.send("call", 3, 123)
        sign.flush()
        assert sign.health() == {"alerts": ["sign:no_answer"]}
    finally:
        sign.close()
        fake.close()


def until(condition, timeout: float = 5.0) -> None:
    """Wait for a condition (no fixed sleep): fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_a_counter_lamp_blinks_for_the_flash_time_then_goes_dark():
    factory = MockFactory()
    lamps = Lamps({"c03": 17, "c05": 27}, flash_s=1.6, factory=factory)
    try:
        lamps.call("c03")
        until(lambda: factory.pin(17).state)
        assert not factory.pin(27).state
        until(lambda: [s.state for s in factory.pin(17).states].count(True) >= 2
              and not factory.pin(17).state, timeout=10)  # blinked, then dark after flash_s
        lamps.call("c99")  # a counter without a lamp is fine
    finally:
        lamps.close()
