"""The board's connection: retained topics in, presenter updated, calls spoken and signalled.

`Board` subscribes on an injected `protocol.client.ServiceClient` (the device agent's
client on an enrolled device, a plain one in tests and the demo) to the calls and, when
no agent delivers it, its own device configuration; the site document, congestion and
service status come through the shared `protocol.follower.ServiceFollower`. Handlers
run on the MQTT network thread and only update the presenter and queue work for the
announcer and the signal outputs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import serial
from gpiozero.pins import Factory

from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import ProtocolError, decode
from protocol.follower import ServiceFollower
from protocol.messages import CallMessage, DeviceConfig

from .lamps import Lamps
from .presenter import BoardPresenter, Update
from .serial_sign import SerialSign
from .settings import SettingsError, parse_settings
from .voice.announcer import Announcer
from .voice.clips import Call

if TYPE_CHECKING:
    from firmware.agent import DeviceAgent

log = logging.getLogger(__name__)


class Board:
    def __init__(
        self,
        client: ServiceClient,
        presenter: BoardPresenter,
        *,
        announcer: Announcer | None = None,
        pin_factory: Factory | None = None,
        own_config: bool = True,
    ):
        """own_config: subscribe to dev/<device>/config here (False when an agent does);
        pin_factory: gpiozero's pin factory for the lamps (MockFactory in tests)."""
        self.client = client
        self.presenter = presenter
        self.announcer = announcer
        self.pin_factory = pin_factory
        self.lamps: Lamps | None = None
        self.on_update: list[Callable[[Update], None]] = []  # e.g. the benchmark's trace
        self.sign: SerialSign | None = None
        site = client.site
        client.on_connect(lambda: presenter.on_link(True))
        client.on_disconnect(lambda: presenter.on_link(False))
        self.follower = ServiceFollower(presenter.site)
        self.follower.on_site(presenter.set_site)
        self.follower.on_status(presenter.on_service)
        self.follower.on_congestion(presenter.on_congestion)
        self.follower.attach(client)
        client.subscribe(topics.all_calls(site), self._on_call)
        if own_config:
            client.subscribe(topics.device_config(site, client.device), self._on_device_config)

    def start(self, wait: float | None = 5.0) -> bool:
        return self.client.start(wait)

    def stop(self) -> None:
        self.client.stop()
        self.close()

    def close(self) -> None:
        """Finish speaking and release the signal outputs (the client is someone else's)."""
        if self.announcer:
            self.announcer.stop()
        if self.sign:
            self.sign.close()
        if self.lamps:
            self.lamps.close()

    def attach_agent(self, agent: DeviceAgent) -> None:
        """Take settings, the `test_chime` command and health from/to the device agent,
        whose client this board was built on (with own_config=False)."""
        agent.on_config(self.apply_settings)
        agent.on_command("test_chime", self.test_chime)
        agent.add_health(self.health)

    def test_chime(self) -> str:
        if self.announcer is None:
            raise RuntimeError("this board has no clip library: it cannot sound")
        self.announcer.chime()
        if not self.announcer.wait_idle(10) or not self.announcer.audio_ok:
            raise RuntimeError("the chime did not play (see the board's log)")
        return "chime played"

    def health(self) -> dict:
        """Fields for the device agent's heartbeat; a board that should speak but has no
        clip library (or lacks a language's clips) says so, for the fleet list's alerts."""
        speaks = list(self.presenter.settings.speech_languages)
        if self.announcer is None:
            out: dict = {"audio": "no_clips"} if speaks else {}
        else:
            out = self.announcer.health()
            missing = [code for code in speaks if code not in self.announcer.library.languages]
            if missing and out.get("audio") == "ok":
                out = {"audio": "no_clips", "alerts": [f"audio:no_clips_{code}" for code in missing]}
            elif outdated := self.announcer.library.outdated(speaks):
                out["alerts"] = [f"audio:old_clips_{code}" for code in outdated]
        if self.sign:
            out.update(self.sign.health())
        return out

    def apply_settings(self, raw: dict) -> None:
        """The device configuration's settings (from the agent or our own subscription)."""
        try:
            settings = parse_settings(raw)
        except SettingsError as exc:
            log.error("device configuration ignored, keeping the previous one: %s", exc)
            return
        old = self.presenter.settings
        self.presenter.set_settings(settings)
        if self.announcer:
            self.announcer.configure(list(settings.speech_languages), settings.speech_max_age_s,
                                     settings.speech_repeat_ja)
        if self.lamps is None or (old.lamps, old.flash_s) != (settings.lamps, settings.flash_s):
            if self.lamps:
                self.lamps.close()
            self.lamps = Lamps(settings.lamps, settings.flash_s, self.pin_factory) if settings.lamps else None
        if self.sign is None or old.serial_sign != settings.serial_sign:
            if self.sign:
                self.sign.close()
            self.sign = None
            if settings.serial_sign:
                try:
                    self.sign = SerialSign(settings.serial_sign.port, settings.serial_sign.baudrate)
                except serial.SerialException as exc:
                    log.error("serial sign %s not opened: %s", settings.serial_sign.port, exc)

    # ---- handlers (network thread) -----------------------------------------------------
    def _on_device_config(self, topic: str, payload: bytes, retained: bool) -> None:
        config = _decode(DeviceConfig, payload, topic)
        if config:
            self.apply_settings(config.settings)

    def _on_call(self, topic: str, payload: bytes, retained: bool) -> None:
        message = _decode(CallMessage, payload, topic)
        if message is None:
            return
        update = self.presenter.on_call(message, retained)
        if update is not None:
            for hook in self.on_update:
                hook(update)
            self._signal(update)

    def _signal(self, update: Update) -> None:
        if update.announce and update.number is not None and self.announcer:
            self.announcer.say(Call(update.number, update.counter_number, update.recall))
        elif update.number is None and self.announcer:
            self.announcer.withdraw(update.counter_number)
        if self.lamps:
            if update.announce:
                self.lamps.call(update.counter)
            elif update.number is None:
                self.lamps.clear(update.counter)
        if self.sign:
            command = "call" if update.announce else "show" if update.number is not None else "clear"
            self.sign.send(command, update.counter_number, update.number)


def _decode(model, payload: bytes, topic: str):
    if not payload:
        return None  # a retained message was deleted
    try:
        return decode(model, payload)
    except ProtocolError as exc:
        log.warning("ignored message on %s: %s", topic, exc)
        return None
