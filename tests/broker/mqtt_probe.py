"""A bare MQTT v5 client that reports the broker's reason codes for each action."""

from __future__ import annotations

import ssl
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


class Probe:
    def __init__(self, port: int, username: str | None, password: str | None,
                 tls: ssl.SSLContext | None = None, client_id: str = "", host: str = "127.0.0.1"):
        self.acks: dict[int, mqtt.ReasonCode] = {}
        self.subacks: dict[int, list[mqtt.ReasonCode]] = {}
        self.cond = threading.Condition()
        self.connack: mqtt.ReasonCode | None = None
        self.disconnected = threading.Event()
        self.messages: list[mqtt.MQTTMessage] = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        if username:
            self.client.username_pw_set(username, password)
        if tls:
            self.client.tls_set_context(tls)
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = lambda *a: self.disconnected.set()
        self.client.on_message = lambda c, u, m: self.messages.append(m)
        self.client.connect(host, port)
        self.client.loop_start()
        with self.cond:
            self.cond.wait_for(lambda: self.connack is not None or self.disconnected.is_set(), 5)

    @property
    def refused(self) -> bool:
        return self.connack is None or self.connack.is_failure

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        with self.cond:
            self.connack = reason_code
            self.cond.notify_all()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self.cond:
            self.acks[mid] = reason_code
            self.cond.notify_all()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        with self.cond:
            self.subacks[mid] = reason_codes
            self.cond.notify_all()

    def publish(self, topic: str, payload: bytes = b"{}", retain: bool = False) -> mqtt.ReasonCode:
        """The PUBACK reason code: < 128 allowed (0 or 16 'no matching subscribers'), 135 denied."""
        mid = self.client.publish(topic, payload, qos=1, retain=retain).mid
        with self.cond:
            assert self.cond.wait_for(lambda: mid in self.acks, 5), f"no PUBACK for {topic}"
            return self.acks.pop(mid)

    def subscribe(self, topic: str) -> mqtt.ReasonCode:
        """The SUBACK reason code: 1 (granted QoS 1) or 135 not authorised."""
        _, mid = self.client.subscribe(topic, qos=1)
        with self.cond:
            assert self.cond.wait_for(lambda: mid in self.subacks, 5), f"no SUBACK for {topic}"
            return self.subacks.pop(mid)[0]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
