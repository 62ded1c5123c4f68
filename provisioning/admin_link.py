"""The provisioning tool's own MQTT connection, as the `admin` user.

It reads devices' retained status and health, writes their retained configuration, sends
commands and waits for their results. Every publish is checked by its MQTT v5 PUBACK
reason code, because a publish the broker refuses still "succeeds" on the client side.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from typing import Self

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from protocol.client import disable_nagle

log = logging.getLogger(__name__)


class LinkError(RuntimeError):
    """The broker cannot be reached or refused us; the message says what to check."""


class AdminLink:
    def __init__(self, host: str, port: int, username: str, password: str,
                 tls: ssl.SSLContext | None = None, timeout: float = 5.0):
        self.timeout = timeout
        self._acks: dict[int, mqtt.ReasonCode] = {}
        self._cond = threading.Condition()
        self._handlers: list[tuple[str, Callable[[mqtt.MQTTMessage], None]]] = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=username,
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(username, password)
        if tls is not None:
            self.client.tls_set_context(tls)
        disable_nagle(self.client)
        self.client.on_publish = self._on_publish
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        connected = threading.Event()
        outcome: list[mqtt.ReasonCode] = []

        def on_connect(client, userdata, flags, reason_code, properties):
            outcome.append(reason_code)
            connected.set()

        self.client.on_connect = on_connect
        try:
            self.client.connect(host, port, keepalive=30)
        except OSError as exc:
            raise LinkError(
                f"cannot reach the broker at {host}:{port} ({exc.strerror or exc}): "
                "is Mosquitto running? (sudo systemctl status mosquitto)") from None
        self.client.loop_start()
        if not connected.wait(timeout):
            self.close()
            raise LinkError(f"the broker at {host}:{port} did not answer within {timeout:.0f} s")
        if outcome[0].is_failure:
            self.close()
            raise LinkError(f"the broker refused the admin login ({outcome[0]}): "
                            "was Mosquitto restarted after init-site?")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- publish with a checked reason code ------------------------------------------
    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while info.mid not in self._acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LinkError(f"the broker did not acknowledge {topic}")
                self._cond.wait(left)
            code = self._acks.pop(info.mid)
        if code.is_failure:
            raise LinkError(f"the broker refused {topic}: {code}")

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        with self._cond:
            self._acks[mid] = reason_code
            self._cond.notify_all()

    # ---- reading ---------------------------------------------------------------------
    def subscribe(self, topic: str, handler: Callable[[mqtt.MQTTMessage], None]) -> None:
        self._handlers.append((topic, handler))
        done = threading.Event()
        self._suback = done
        self.client.subscribe(topic, qos=1)
        if not done.wait(self.timeout):
            raise LinkError(f"the broker did not confirm the subscription to {topic}")

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self._suback.set()

    def _on_message(self, client, userdata, msg: mqtt.MQTTMessage) -> None:
        for pattern, handler in self._handlers:
            if mqtt.topic_matches_sub(pattern, msg.topic):
                try:
                    handler(msg)
                except Exception:  # noqa: BLE001 - a bad payload must not stop the network loop
                    log.warning("ignored a bad message on %s", msg.topic)

    def retained(self, filters: list[str], quiet_s: float = 0.5,
                 progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
        """topic -> payload of the retained messages under `filters`.

        Retained messages arrive right after subscribing; we stop when none has come for
        `quiet_s` (or after `timeout`).
        """
        found: dict[str, bytes] = {}
        last = [time.monotonic()]

        def keep(msg: mqtt.MQTTMessage) -> None:
            if msg.retain and msg.payload:
                found[msg.topic] = msg.payload
                last[0] = time.monotonic()
                if progress:
                    progress(len(found))

        for f in filters:
            self.subscribe(f, keep)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() - last[0] < quiet_s and time.monotonic() < deadline:
            time.sleep(0.05)
        return found
