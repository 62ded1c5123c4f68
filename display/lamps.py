"""Signal lamps for people who cannot hear the call: one lamp per counter, on a GPIO pin.

When a counter calls (or recalls), its lamp blinks for the board's flash time, in step
with the flashing number on screen. Tests use gpiozero's MockFactory.
"""

from __future__ import annotations

from gpiozero import LED, Device
from gpiozero.pins import Factory

BLINK_S = 0.4


class Lamps:
    def __init__(self, pins: dict[str, int], flash_s: float, factory: Factory | None = None):
        self.flash_s = flash_s
        self._leds = {counter: LED(pin, pin_factory=factory or Device.pin_factory)
                      for counter, pin in pins.items()}

    def call(self, counter: str) -> None:
        led = self._leds.get(counter)
        if led is not None:
            led.blink(BLINK_S, BLINK_S, n=max(1, round(self.flash_s / (2 * BLINK_S))), background=True)

    def clear(self, counter: str) -> None:
        led = self._leds.get(counter)
        if led is not None:
            led.off()

    def close(self) -> None:
        for led in self._leds.values():
            led.close()
