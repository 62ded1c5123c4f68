"""Optional front-panel hardware (gpiozero): issue and reprint buttons, a status lamp
and the concierge key switch. Pins come from the `[gpio]` table; a pin left out means
that part is not fitted. Tests use gpiozero's MockFactory.
"""

from __future__ import annotations

from collections.abc import Callable

from gpiozero import LED, Button

from .settings import GpioSettings

Lamp = str  # "off" (locked) | "ready" (steady) | "attention" (blinking: printer or offline)


class Panel:
    def __init__(self, gpio: GpioSettings, pin_factory=None):
        def button(pin: int | None) -> Button | None:
            if pin is None:
                return None
            return Button(pin, pull_up=True, bounce_time=0.05, pin_factory=pin_factory)

        self.issue_button = button(gpio.issue_button)
        self.reprint_button = button(gpio.reprint_button)
        # A maintained key switch: closed (pressed) while the key is turned on.
        self.key_switch = button(gpio.key_switch)
        self.lamp = LED(gpio.lamp, pin_factory=pin_factory) if gpio.lamp is not None else None
        self.lamp_state: Lamp = "off"

    def bind(self, on_issue: Callable[[], None], on_reprint: Callable[[], None],
             on_key: Callable[[bool], None]) -> None:
        if self.issue_button:
            self.issue_button.when_pressed = lambda: on_issue()
        if self.reprint_button:
            self.reprint_button.when_pressed = lambda: on_reprint()
        if self.key_switch:
            self.key_switch.when_pressed = lambda: on_key(True)
            self.key_switch.when_released = lambda: on_key(False)
            if self.key_switch.is_pressed:
                on_key(True)

    def show(self, state: Lamp) -> None:
        if self.lamp is None or state == self.lamp_state:
            return
        self.lamp_state = state
        if state == "ready":
            self.lamp.on()
        elif state == "attention":
            self.lamp.blink(on_time=0.3, off_time=0.3)
        else:
            self.lamp.off()

    def close(self) -> None:
        for part in (self.issue_button, self.reprint_button, self.key_switch, self.lamp):
            if part is not None:
                part.close()
