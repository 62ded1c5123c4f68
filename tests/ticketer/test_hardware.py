"""Front-panel buttons, lamp and key switch (gpiozero MockFactory) and the card reader."""

from __future__ import annotations

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from ticketer.cards import FakeCardReader, NfcpyReader
from ticketer.gpio import Panel
from ticketer.settings import GpioSettings

from .conftest import HANAKO_CARD
from .helpers import eventually


@pytest.fixture
def pins():
    factory = MockFactory()
    previous = Device.pin_factory
    Device.pin_factory = factory
    yield factory
    factory.reset()
    Device.pin_factory = previous


@pytest.fixture
def panel(pins):
    p = Panel(GpioSettings(issue_button=17, reprint_button=27, lamp=22, key_switch=23))
    yield p
    p.close()


def press(pins, n: int) -> None:
    pin = pins.pin(n)
    pin.drive_low()  # buttons pull up: pressed = low
    pin.drive_high()


def test_issue_and_reprint_buttons_drive_the_presenter(pins, panel, presenter, sim):
    panel.bind(presenter.issue, presenter.reprint, presenter.lock.key_switch)
    presenter.unlock_pin("1024", "4821")
    presenter.choose_life_event("konin")
    press(pins, 17)
    eventually(lambda: sim.tickets == 1, 5, "a ticket from the issue button")
    press(pins, 17)  # the same ticket on screen: no second number
    press(pins, 27)  # reprint: the same number again
    eventually(lambda: sim.tickets == 2, 5, "the reprint")
    assert presenter.last.number == 101 and presenter.unprinted() == []


def test_the_issue_button_does_nothing_while_locked(pins, panel, presenter, sim):
    panel.bind(presenter.issue, presenter.reprint, presenter.lock.key_switch)
    presenter.choose_life_event("konin")
    press(pins, 17)
    assert sim.tickets == 0


def test_key_switch_unlocks_while_turned_and_locks_when_turned_back(pins, panel, presenter):
    panel.bind(presenter.issue, presenter.reprint, presenter.lock.key_switch)
    pins.pin(23).drive_low()
    eventually(lambda: presenter.mode == "concierge", 5, "unlock by key")
    assert presenter.lock.staff_id == "keyswitch"
    pins.pin(23).drive_high()
    eventually(lambda: presenter.mode == "locked", 5, "lock by key")


def test_a_key_left_on_at_start_unlocks(pins, presenter):
    p = Panel(GpioSettings(key_switch=23))
    pins.pin(23).drive_low()  # the key was already turned when the issuer started
    try:
        p.bind(presenter.issue, presenter.reprint, presenter.lock.key_switch)
        assert presenter.mode == "concierge"
    finally:
        p.close()


def test_lamp_is_steady_when_ready_blinks_for_attention_and_is_off_when_locked(pins, panel):
    lamp = pins.pin(22)
    panel.show("ready")
    assert lamp.state == 1
    lamp.clear_states()
    panel.show("attention")
    eventually(lambda: len([s for _, s in lamp.states]) >= 4, 3, "the lamp blinking")
    assert {s for _, s in lamp.states} == {0, 1}
    panel.show("off")
    assert lamp.state == 0 and panel.lamp_state == "off"


def test_a_part_left_out_is_simply_not_there(pins):
    p = Panel(GpioSettings())
    p.show("ready")  # no lamp fitted: nothing happens, nothing fails
    assert p.issue_button is None and p.lamp is None
    p.close()


def test_a_staff_card_unlocks_through_the_reader_interface(presenter):
    reader = FakeCardReader()
    reader.start(presenter.card)
    reader.tap(b"\x99\x99\x99\x99")
    assert presenter.mode == "locked" and "登録されていない" in presenter.pin_message
    reader.tap(HANAKO_CARD)
    assert presenter.mode == "concierge" and presenter.lock.staff_id == "1024"


def test_nfcpy_reader_keeps_trying_when_no_reader_is_plugged_in(caplog):
    reader = NfcpyReader("usb:ffff:ffff", retry_s=0.1)
    seen: list[bytes] = []
    reader.start(seen.append)
    try:
        eventually(lambda: sum("unavailable" in r.message for r in caplog.records) >= 3, 5,
                   "three attempts to open the missing reader")
        assert reader._thread.is_alive()  # no hardware: it waits and retries, never crashes
    finally:
        reader.stop()
    assert seen == []
