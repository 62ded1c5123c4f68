"""Fixtures of the board tests: a small clip library, call payloads, a board on the broker."""

from __future__ import annotations

import json
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from display.board import Board
from display.presenter import BoardPresenter
from display.settings import parse_settings
from display.voice.announcer import Announcer
from display.voice.clips import ClipLibrary, render
from display.voice.sinks import WavFileSink
from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import encode
from protocol.messages import CallMessage, CongestionMessage, ServiceStatus
from protocol.site import load_config
from protocol.waits import natural_range

SITE = "isesaki"
# The numbers the tests speak: whole words, thousands composed, the ends of the range.
TEST_NUMBERS = (1, 2, 3, 8, 100, 123, 124, 999, 1000, 2000, 2123, 2999)


@pytest.fixture(scope="session")
def site():
    return load_config()


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory, site) -> Path:
    """Japanese and English clips for TEST_NUMBERS and every counter, rendered once."""
    out = tmp_path_factory.mktemp("clips")
    render(out, ["ja", "en"], site.numbers.last, [c.number for c in site.counters.values()],
           numbers=TEST_NUMBERS)
    return out


@pytest.fixture
def library(clip_dir) -> ClipLibrary:
    return ClipLibrary(clip_dir)


def call_message(site, counter: str, number: int | None, call_id: int, *, kind: str = "call",
                 at: float | None = None) -> CallMessage:
    c = site.counters[counter]
    return CallMessage(counter=counter, counter_number=c.number, department=c.department,
                       colour=c.colour, number=number, call_id=call_id,
                       kind=kind if number is not None else "clear",
                       at=time.time() if at is None else at)


def congestion_message(dept: str, waiting: int, minutes: float | None, level: str) -> CongestionMessage:
    """As the service sends it: the range around `minutes` (here simply ±20%, rounded)."""
    low, high = natural_range(0.8 * minutes, 1.2 * minutes) if minutes is not None else (None, None)
    return CongestionMessage(department=dept, waiting=waiting, serving=1, counters_open=1,
                             estimated_wait_min=minutes, wait_min_low=low, wait_min_high=high,
                             level=level, label_ja="", label_en="", at=time.time())


class Publisher:
    """Publishes as the queue service does: retained, QoS 1 (subscribers see retain=0 live)."""

    def __init__(self, broker):
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-service",
                                  protocol=mqtt.MQTTv5)
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()

    def retained(self, topic: str, payload: bytes) -> None:
        self.client.publish(topic, payload, qos=1, retain=True).wait_for_publish(5)

    def call(self, message: CallMessage) -> None:
        self.retained(topics.call(SITE, message.counter), encode(message))

    def service(self, state: str, day: str = "2026-03-31") -> None:
        self.retained(topics.service_status(SITE), encode(ServiceStatus(state=state, day=day)))

    def site_document(self, site) -> None:
        self.retained(topics.site_config(SITE), json.dumps(site.document).encode())

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(broker):
    p = Publisher(broker)
    yield p
    p.close()


class RunningBoard:
    """A Board with its presenter, speaking into a WAV file, on the real broker."""

    def __init__(self, broker, library: ClipLibrary, wav: Path, settings: dict | None = None):
        self.wav = wav
        self.presenter = BoardPresenter(parse_settings(settings or {}))
        self.announcer = Announcer(library, WavFileSink(wav), ["ja"])
        self.client = ServiceClient(SITE, "board-test", broker.host, broker.port, keepalive=5)
        self.board = Board(self.client, self.presenter, announcer=self.announcer)
        self.board.apply_settings(settings or {"speech_languages": ["ja"]})

    def start(self) -> RunningBoard:
        assert self.board.start(wait=10), "the board did not connect to the broker"
        return self

    def wait_for(self, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            view = self.presenter.view()
            if predicate(view):
                return view
            time.sleep(0.02)
        raise AssertionError(f"the board never showed what was expected; it shows {self.presenter.view()}")

    def stop(self) -> None:
        self.board.stop()


@pytest.fixture
def running_board(broker, library, tmp_path):
    boards: list[RunningBoard] = []

    def make(settings: dict | None = None) -> RunningBoard:
        b = RunningBoard(broker, library, tmp_path / f"spoken{len(boards)}.wav", settings).start()
        boards.append(b)
        return b
    yield make
    for b in boards:
        b.stop()
