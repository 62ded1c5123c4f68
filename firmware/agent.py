"""The device agent every appliance runs: identity, birth and death, health, config, commands.

    agent = DeviceAgent(Bundle.load(path), version="0.1.0", state_dir=Path("/var/lib/madoguchi"))
    agent.on_config(apply_settings)           # retained dev/<id>/config -> settings dict
    agent.on_command("test_print", print_test) # fn() -> detail; raising = failed result
    agent.add_health(lambda: {"printer": printer.state()})
    agent.start(wait=5.0)

After each (re)connect it publishes a retained `online` DeviceStatus with the boot counter
(kept in `state_dir`); its Last Will is a retained `offline`. Heartbeats carry uptime,
version, temperature, free disk and what the appliance adds. Commands run one at a time on
a worker thread, so a slow test print never blocks the MQTT network loop; each command id
runs once, even if a retained command arrives again after a restart. `restart` ends the
process with RESTART_EXIT_CODE, which the systemd units restart.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt

from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import ProtocolError, decode, encode
from protocol.messages import CommandResult, DeviceCommand, DeviceConfig, DeviceStatus, Health

from . import health as probes
from .bundle import BrokerAddress, Bundle, BundleError
from .discovery import find_broker

__all__ = ["RESTART_EXIT_CODE", "BrokerAddress", "Bundle", "BundleError", "DeviceAgent"]

log = logging.getLogger(__name__)
RESTART_EXIT_CODE = 75  # EX_TEMPFAIL: "run me again"; the units say Restart=always
_REMEMBERED_COMMANDS = 50


class DeviceAgent:
    def __init__(
        self,
        bundle: Bundle,
        version: str,
        state_dir: Path,
        *,
        heartbeat_s: float = 30.0,
        discover_timeout: float = 5.0,
        discovery_interfaces: list[str] | None = None,
        exit: Callable[[int], None] = os._exit,
    ):
        self.bundle = bundle
        self.version = version
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.heartbeat_s = heartbeat_s
        self.discover_timeout = discover_timeout
        self.discovery_interfaces = discovery_interfaces
        self._exit = exit
        self.boot = self._next_boot()
        self._started = time.monotonic()
        self._config_callbacks: list[Callable[[dict], None]] = []
        self._health_sources: list[Callable[[], dict]] = []
        self._commands: dict[str, Callable[[], str]] = {"reload_config": self._reload_config}
        self._config: DeviceConfig | None = self._load_cached_config()
        self._done_commands: list[str] = self._load_done_commands()
        self._work: queue.Queue[DeviceCommand | None] = queue.Queue()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._birth: mqtt.MQTTMessageInfo | None = None
        self._born = threading.Event()

        site, device = bundle.site, bundle.device
        self.status_topic = topics.device_status(site, device)
        self.client = ServiceClient(
            site, device, bundle.broker.host, bundle.broker.port,
            username=bundle.username, password=bundle.password,
            tls=bundle.tls_context(self.state_dir / "tls"),
            will=(self.status_topic, encode(self._status("offline"))),
        )
        self.client.on_connect(self._on_connected)
        self.client.subscribe(topics.device_config(site, device), self._on_config_message)
        self.client.subscribe(topics.device_command(site, device), self._on_command_message)

    # ---- what the appliance registers --------------------------------------------------
    def on_config(self, callback: Callable[[dict], None]) -> None:
        """callback(settings) on every configuration; at once if one is already known."""
        self._config_callbacks.append(callback)
        if self._config is not None:
            _guarded(callback, dict(self._config.settings))

    def on_command(self, command: str, fn: Callable[[], str]) -> None:
        """fn() -> detail for the result; an exception makes a failed result."""
        self._commands[command] = fn

    def add_health(self, fn: Callable[[], dict]) -> None:
        """fn() -> fields merged into each heartbeat, e.g. {"printer": "paper_out"}."""
        self._health_sources.append(fn)

    @property
    def settings(self) -> dict | None:
        return dict(self._config.settings) if self._config else None

    @property
    def connected(self) -> bool:
        return self.client.connected

    # ---- life cycle --------------------------------------------------------------------
    def start(self, wait: float | None = 5.0) -> bool:
        """Find the broker, connect in the background (reconnecting with backoff)."""
        if self.bundle.broker.discover:
            found = find_broker(self.bundle.site, self.discover_timeout, self.discovery_interfaces)
            if found:
                log.info("broker for %s found by zeroconf at %s:%d", self.bundle.site, found.host, found.port)
                self.client.host, self.client.port = found.host, found.port
            else:
                log.warning("no broker advertised for %s; trying %s:%d",
                            self.bundle.site, self.client.host, self.client.port)
        for target in (self._heartbeat_loop, self._command_loop):
            thread = threading.Thread(target=target, name=f"agent-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.client.start(wait=None)
        if not wait:
            return self.client.connected
        # The broker acknowledges the birth after the subscriptions made before it, so once
        # it has, commands and configuration sent to this device reach it.
        if not self._born.wait(wait) or self._birth is None:
            return False
        try:
            self._birth.wait_for_publish(timeout=wait)
        except (RuntimeError, ValueError):
            return False
        return self.client.connected

    def stop(self) -> None:
        """Say `offline` (a clean disconnect sends no Last Will) and disconnect."""
        self._stopping.set()
        self._work.put(None)
        if self.client.connected:
            self._publish_and_wait(self.status_topic, encode(self._status("offline")), retain=True)
        self.client.stop()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)

    # ---- birth, health ---------------------------------------------------------------
    def _status(self, state: str) -> DeviceStatus:
        return DeviceStatus(
            device=self.bundle.device, state=state, role=self.bundle.role, boot=self.boot,
            version=self.version, at=time.time(),
        )

    def _on_connected(self) -> None:
        self._birth = self.client.mqtt.publish(
            self.status_topic, encode(self._status("online")), qos=1, retain=True)
        self._born.set()
        self.publish_health()

    def health(self) -> Health:
        reading: dict = {
            "temperature_c": probes.temperature_c(),
            "free_disk_mb": probes.free_disk_mb(self.state_dir),
        }
        alerts: list[str] = []
        for source in self._health_sources:
            try:
                extra = dict(source())
            except Exception:  # a broken probe is itself worth an alert
                log.exception("health source %r failed", source)
                alerts.append("health:probe_failed")
                continue
            alerts.extend(extra.pop("alerts", []))
            unknown = set(extra) - set(Health.model_fields)
            if unknown:
                log.error("health source %r gave unknown fields %s", source, sorted(unknown))
                alerts.append("health:invalid")
            reading.update({k: v for k, v in extra.items() if k not in unknown})
        reading["alerts"] = probes.alerts_for(reading) + alerts
        return Health(
            device=self.bundle.device, uptime_s=round(time.monotonic() - self._started, 1),
            version=self.version, at=time.time(), **reading,
        )

    def publish_health(self) -> None:
        try:
            payload = encode(self.health())
        except Exception:  # e.g. a probe returned an invalid printer state
            log.exception("health reading is invalid")
            return
        self.client.publish(topics.device_health(self.bundle.site, self.bundle.device), payload,
                            retain=True)

    def _heartbeat_loop(self) -> None:
        while not self._stopping.wait(self.heartbeat_s):
            if self.client.connected:
                self.publish_health()

    # ---- configuration -----------------------------------------------------------------
    def _on_config_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:
            return  # the retained configuration was cleared: keep the last one
        try:
            config = decode(DeviceConfig, payload)
        except ProtocolError as exc:
            log.warning("ignored configuration: %s", exc)
            return
        if config.device != self.bundle.device:
            log.warning("ignored configuration addressed to %s", config.device)
            return
        self._config = config
        (self.state_dir / "config.json").write_text(config.model_dump_json())
        self._apply_config()

    def _apply_config(self) -> None:
        settings = self._config.settings if self._config else {}
        for callback in self._config_callbacks:
            _guarded(callback, dict(settings))

    def _reload_config(self) -> str:
        if self._config is None:
            return "no configuration received yet"
        self._apply_config()
        return "configuration applied"

    def _load_cached_config(self) -> DeviceConfig | None:
        try:
            return decode(DeviceConfig, (self.state_dir / "config.json").read_bytes())
        except (OSError, ProtocolError):
            return None

    # ---- commands ----------------------------------------------------------------------
    def _on_command_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:
            return
        try:
            command = decode(DeviceCommand, payload)
        except ProtocolError as exc:
            log.warning("ignored command: %s", exc)
            return
        if command.command_id in self._done_commands:
            return
        self._work.put(command)

    def _command_loop(self) -> None:
        while (command := self._work.get()) is not None:
            if command.command_id in self._done_commands:
                continue
            self._remember(command.command_id)
            if command.command == "restart":
                self._restart(command)
                return
            fn = self._commands.get(command.command)
            if fn is None:
                result = CommandResult(command_id=command.command_id, ok=False,
                                       detail=f"{command.command} is not supported by this {self.bundle.role}")
            else:
                try:
                    result = CommandResult(command_id=command.command_id, ok=True, detail=str(fn() or ""))
                except Exception as exc:  # reported to the operator, not raised
                    log.exception("command %s failed", command.command)
                    result = CommandResult(command_id=command.command_id, ok=False,
                                           detail=f"{type(exc).__name__}: {exc}")
            self.client.publish(self._result_topic, encode(result))

    def _restart(self, command: DeviceCommand) -> None:
        result = CommandResult(command_id=command.command_id, ok=True, detail="restarting")
        self._publish_and_wait(self._result_topic, encode(result))
        self.stop()
        self._exit(RESTART_EXIT_CODE)

    @property
    def _result_topic(self) -> str:
        return topics.device_command_result(self.bundle.site, self.bundle.device)

    def _remember(self, command_id: str) -> None:
        self._done_commands = (self._done_commands + [command_id])[-_REMEMBERED_COMMANDS:]
        (self.state_dir / "commands_done.json").write_text(json.dumps(self._done_commands))

    def _load_done_commands(self) -> list[str]:
        try:
            done = json.loads((self.state_dir / "commands_done.json").read_text())
            return [str(c) for c in done] if isinstance(done, list) else []
        except (OSError, ValueError):
            return []

    # ---- helpers -------------------------------------------------------------------------
    def _next_boot(self) -> int:
        path = self.state_dir / "boot_count"
        try:
            boot = int(path.read_text().strip()) + 1
        except (OSError, ValueError):
            boot = 1
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(boot))
        os.replace(tmp, path)
        return boot

    def _publish_and_wait(self, topic: str, payload: bytes, retain: bool = False) -> None:
        info = self.client.mqtt.publish(topic, payload, qos=1, retain=retain)
        try:
            info.wait_for_publish(timeout=2.0)
        except (RuntimeError, ValueError):
            log.warning("could not deliver %s before going down", topic)


def _guarded(callback: Callable[[dict], None], settings: dict) -> None:
    try:
        callback(settings)
    except Exception:  # a bad callback must not kill the MQTT loop
        log.exception("configuration callback failed")
