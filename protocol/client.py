"""A device's connection to the queue service: MQTT v5 requests and subscriptions.

`ServiceClient.request()` publishes on `dev/<device>/req/<command>` with a Response
Topic, Correlation Data and a Message Expiry, and waits for the matching response, read
with the command's result model (`messages.RESULTS`): `response.result` is typed. A
request the broker refuses (PUBACK reason code >= 128, e.g. not authorised) fails at
once instead of timing out. Subscriptions are renewed on every (re)connect.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from . import topics
from .codec import ProtocolError, decode, encode
from .messages import RESULTS, Request, Response

log = logging.getLogger(__name__)
Handler = Callable[[str, bytes, bool], None]


class ServiceUnavailable(RuntimeError):
    """No answer from the service in time (broker or service unreachable)."""


class RequestRefused(RuntimeError):
    """The broker refused the request (reason code in the message)."""


@dataclass
class _Pending:
    command: str
    event: threading.Event
    response: Response | None = None
    refused: str | None = None
    unreadable: ProtocolError | None = None


def new_request_id() -> str:
    return uuid.uuid4().hex


def disable_nagle(client: mqtt.Client) -> None:
    """Send small packets at once. paho leaves Nagle's algorithm on, and a QoS 1 request
    and its PUBACK then wait for delayed ACKs: about 40 ms a round trip on Linux."""

    def on_socket_open(client, userdata, sock) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    client.on_socket_open = on_socket_open


class ServiceClient:
    def __init__(
        self,
        site: str,
        device: str,
        host: str = "127.0.0.1",
        port: int = 1883,
        *,
        username: str | None = None,
        password: str | None = None,
        tls: ssl.SSLContext | None = None,
        will: tuple[str, bytes] | None = None,
        request_expiry_s: int = 10,
        keepalive: int = 15,
    ):
        self.site = site
        self.device = device
        self.request_expiry_s = request_expiry_s
        self._handlers: list[tuple[str, Handler]] = []
        self._pending: dict[bytes, _Pending] = {}
        self._by_mid: dict[int, bytes] = {}
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._on_connect_hooks: list[Callable[[], None]] = []
        self._on_disconnect_hooks: list[Callable[[], None]] = []
        self.host, self.port, self.keepalive = host, port, keepalive
        self.mqtt = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=username or device, protocol=mqtt.MQTTv5
        )
        if username:
            self.mqtt.username_pw_set(username, password)
        if tls is not None:
            self.mqtt.tls_set_context(tls)
        if will:
            self.mqtt.will_set(will[0], will[1], qos=1, retain=True)
        self.mqtt.reconnect_delay_set(min_delay=1, max_delay=30)
        disable_nagle(self.mqtt)
        self.mqtt.on_connect = self._on_connect
        self.mqtt.on_disconnect = self._on_disconnect
        self.mqtt.on_message = self._on_message
        self.mqtt.on_publish = self._on_publish

    # ---- life cycle ------------------------------------------------------------------
    def start(self, wait: float | None = 5.0) -> bool:
        """Connect in the background (retrying forever); optionally wait for the link."""
        self.mqtt.connect_async(self.host, self.port, keepalive=self.keepalive)
        self.mqtt.loop_start()
        return self._connected.wait(wait) if wait else self.connected

    def stop(self) -> None:
        self.mqtt.disconnect()
        self.mqtt.loop_stop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def on_connect(self, hook: Callable[[], None]) -> None:
        self._on_connect_hooks.append(hook)

    def on_disconnect(self, hook: Callable[[], None]) -> None:
        self._on_disconnect_hooks.append(hook)

    # ---- publish / subscribe -----------------------------------------------------------
    def subscribe(self, topic: str, handler: Handler) -> None:
        """handler(topic, payload, retained) runs on the network thread; keep it short."""
        self._handlers.append((topic, handler))
        if self.connected:
            self.mqtt.subscribe(topic, qos=1)

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.mqtt.publish(topic, payload, qos=1, retain=retain)

    def request(self, command: str, message: Request, timeout: float = 5.0) -> Response:
        """Send a request and wait for its answer: a `Response` whose `result` is the
        command's result model (e.g. `IssueResult` for "issue") when `ok`, with `error`
        (code, reason) otherwise. Raises ServiceUnavailable (no answer in time),
        RequestRefused (the broker refused it) or ProtocolError (an answer that does not
        match the contract)."""
        if not self.connected:
            raise ServiceUnavailable("not connected to the broker")
        correlation = uuid.uuid4().bytes
        pending = _Pending(command, threading.Event())
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = topics.response(self.site, self.device)
        props.CorrelationData = correlation
        props.MessageExpiryInterval = self.request_expiry_s
        with self._lock:
            self._pending[correlation] = pending
            info = self.mqtt.publish(
                topics.request(self.site, self.device, command), encode(message), qos=1,
                properties=props,
            )
            self._by_mid[info.mid] = correlation
        try:
            if not pending.event.wait(timeout):
                raise ServiceUnavailable(f"no answer to {command!r} within {timeout:.0f} s")
            if pending.refused:
                raise RequestRefused(f"the broker refused {command!r}: {pending.refused}")
            if pending.unreadable:
                raise pending.unreadable
            assert pending.response is not None
            return pending.response
        finally:
            with self._lock:
                self._pending.pop(correlation, None)
                self._by_mid.pop(info.mid, None)

    # ---- paho callbacks (guarded: an exception would kill the network loop) -------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("broker refused connection: %s", reason_code)
            return
        client.subscribe(topics.response(self.site, self.device), qos=1)
        for topic, _ in self._handlers:
            client.subscribe(topic, qos=1)
        self._connected.set()
        for hook in self._on_connect_hooks:
            _guarded(hook)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self._connected.clear()
        for hook in self._on_disconnect_hooks:
            _guarded(hook)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        if not reason_code.is_failure:
            return
        with self._lock:
            correlation = self._by_mid.get(mid)
            pending = self._pending.get(correlation) if correlation else None
        if pending:
            pending.refused = str(reason_code)
            pending.event.set()

    def _on_message(self, client, userdata, msg: mqtt.MQTTMessage) -> None:
        try:
            if msg.topic == topics.response(self.site, self.device):
                self._deliver_response(msg)
                return
            for pattern, handler in self._handlers:
                if mqtt.topic_matches_sub(pattern, msg.topic):
                    handler(msg.topic, msg.payload, bool(msg.retain))
        except Exception:
            log.exception("message handler failed for %s", msg.topic)

    def _deliver_response(self, msg: mqtt.MQTTMessage) -> None:
        correlation = getattr(msg.properties, "CorrelationData", None)
        with self._lock:
            pending = self._pending.get(correlation) if correlation else None
        if pending is None:
            return  # a late answer to a request we gave up on
        result = RESULTS.get(pending.command)
        try:
            pending.response = decode(Response[result] if result else Response, msg.payload)
        except ProtocolError as exc:
            pending.unreadable = exc
        pending.event.set()


def _guarded(hook: Callable[[], None]) -> None:
    try:
        hook()
    except Exception:
        log.exception("connection hook failed")
