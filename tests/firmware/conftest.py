"""Fixtures for the device agent tests: an MQTT watcher that records what devices publish."""

from __future__ import annotations

import threading
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion


class Watcher:
    """A plain paho client that subscribes to a topic filter and keeps every message."""

    def __init__(self, host: str, port: int, topic: str, **auth):
        self.messages: list[mqtt.MQTTMessage] = []
        self._cond = threading.Condition()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        if auth:
            self.client.username_pw_set(auth["username"], auth["password"])
        if "tls" in auth:
            self.client.tls_set_context(auth["tls"])
        subscribed = threading.Event()
        self.client.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(host, port)
        self.client.loop_start()
        assert subscribed.wait(5), "watcher could not subscribe"

    def _on_message(self, client, userdata, msg):
        with self._cond:
            self.messages.append(msg)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0) -> mqtt.MQTTMessage:
        """The first message (already received or coming) for which predicate(msg) holds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for msg in self.messages:
                    if predicate(msg):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(m.topic, m.payload[:80]) for m in self.messages]
                    raise AssertionError(f"no matching message within {timeout} s; saw {seen}")
                self._cond.wait(left)

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def watch(broker):
    """watch(topic_filter) -> Watcher on the test's broker; all closed at the end."""
    made: list[Watcher] = []

    def make(topic: str) -> Watcher:
        w = Watcher(broker.host, broker.port, topic)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
