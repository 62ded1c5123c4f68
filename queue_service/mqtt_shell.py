"""The queue service's MQTT side: requests in, answers and retained state out.

The service keeps a persistent session (clean start off, one hour session expiry), so
requests sent while it restarts wait in the broker until their Message Expiry. It
acknowledges a request (PUBACK) only once its answer is committed and sent: a request
delivered but not yet committed when the service dies is delivered again to the next
start, which answers it (or repeats the stored answer: request ids are de-duplicated). Every
malformed, oversized, unknown or wrongly versioned request gets an error answer with a
reason; nothing about it reaches the engine or the store.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol import messages as m
from protocol import topics
from protocol.client import disable_nagle
from protocol.codec import ProtocolError, decode, encode, request_id_of

from .engine import EngineError
from .log_limit import LogLimiter
from .request_checks import check_device_request
from .service import QueueService
from .sole_service import WILL_DELAY_S, SoleServiceCheck

log = logging.getLogger(__name__)
# Unacknowledged requests the broker may have in flight to the service (requests are
# acknowledged only after their batch is committed): the most MQTT allows, so a flood
# reaches the service, which refuses what it cannot take in time, instead of overflowing
# the broker's queue for it (where Mosquitto drops messages without a word).
RECEIVE_MAXIMUM = 65535
# Requests waiting for the worker beyond which new ones are refused with `busy` at once:
# about two seconds of work, well inside a request's 10 s expiry.
BUSY_BACKLOG = 4000


class MqttShell:
    def __init__(self, service: QueueService, host: str, port: int, *,
                 username: str | None = None, password: str | None = None,
                 tls: ssl.SSLContext | None = None):
        self.service = service
        self._log = LogLimiter(log)
        self.site = service.config.id
        self.host, self.port = host, port
        client_id = username or f"queue-service-{self.site}"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        if username:
            self.client.username_pw_set(username, password)
        if tls is not None:
            self.client.tls_set_context(tls)
        will = Properties(PacketTypes.WILLMESSAGE)
        will.WillDelayInterval = WILL_DELAY_S  # a takeover sends no "offline" (sole_service)
        self.client.will_set(topics.service_status(self.site),
                             encode(service.status("offline")),
                             qos=1, retain=True, properties=will)
        self.sole = SoleServiceCheck(service.instance, self._serve, self._give_way)
        self._held: list[mqtt.MQTTMessage] = []
        self._held_lock = threading.Lock()
        self.client.max_queued_messages_set(0)
        self.client.max_inflight_messages_set(1000)
        self.client.manual_ack_set(True)
        self.client.reconnect_delay_set(1, 30)
        disable_nagle(self.client)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.on_refused: Callable[[str], None] | None = None
        service.publisher = self

    def start(self) -> None:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(self.host, self.port, keepalive=15, clean_start=False,
                                  properties=props)
        self.client.loop_start()

    def stop(self) -> None:
        if self.sole.refused:  # the other service is online: say nothing about the site
            self.client.loop_stop()
            return
        self.client.publish(topics.service_status(self.site),
                            encode(self.service.status("offline")),
                            qos=1, retain=True).wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, topic: str, payload: bytes, retain: bool) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain)

    # ---- callbacks (guarded: an exception would stop the network loop) ------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("broker refused the service: %s", reason_code)
            return
        log.info("connected to %s:%s", self.host, self.port)
        self.sole.begin()  # first: is another service online under this user?
        client.subscribe(topics.service_status(self.site), qos=1)
        client.subscribe(topics.all_requests(self.site), qos=1)
        client.subscribe(topics.all_device_status(self.site), qos=1)
        client.subscribe(topics.all_device_health(self.site), qos=1)

    def _serve(self) -> None:
        """This service may serve: announce it, then answer what was held back."""
        try:
            self.service.republish()
        except Exception:
            log.exception("republishing retained state failed")
        with self._held_lock:
            held, self._held = self._held, []
        for msg in held:
            self._on_message(self.client, None, msg)

    def _give_way(self, why: str) -> None:
        log.error("%s", why)
        self._held = []  # unacknowledged: the broker delivers them to the other service
        self.client.disconnect()
        if self.on_refused is not None:
            self.on_refused(why)

    def _on_message(self, client, userdata, msg: mqtt.MQTTMessage) -> None:
        if msg.topic == topics.service_status(self.site):
            self.sole.status(msg.payload)
            client.ack(msg.mid, msg.qos)
            return
        with self._held_lock:
            if self.sole.refused:
                return
            if self.sole.pending:
                self._held.append(msg)
                return
        queued = False
        try:
            parsed = topics.parse_request(msg.topic)
            if parsed:
                queued = self._on_request(msg, *parsed)
            elif msg.topic.endswith("/status") or msg.topic.endswith("/health"):
                self._on_device(msg)
        except Exception:
            log.exception("failed to handle a message on %s", msg.topic)
        finally:
            if not queued:
                client.ack(msg.mid, msg.qos)

    def _on_request(self, msg: mqtt.MQTTMessage, site: str, device: str, command: str) -> bool:
        """Answer or queue one request; True if queued (its reply acknowledges it)."""
        props = msg.properties
        # Answers go only to the requesting device's own `res` topic, whatever Response
        # Topic it names: otherwise a device could aim the service's writes anywhere.
        response_topic = topics.response(site, device)
        correlation = getattr(props, "CorrelationData", None)

        def reply(payload: bytes) -> None:
            out = Properties(PacketTypes.PUBLISH)
            if correlation is not None:
                out.CorrelationData = correlation
            self.client.publish(response_topic, payload, qos=1, properties=out)

        def reply_and_ack(payload: bytes) -> None:
            reply(payload)
            self.client.ack(msg.mid, msg.qos)

        model = m.COMMANDS.get(command)
        if model is None:
            reply(_refusal(msg.payload, "unknown_command", f"no command {command!r}"))
            return False
        try:
            request = decode(model, msg.payload)
        except ProtocolError as exc:
            self._log.warning(f"refused:{exc.code}", "refused %s from %s: %s", command, device,
                              exc.code)
            reply(_refusal(msg.payload, exc.code, exc.reason))
            return False
        try:
            check_device_request(request)
        except EngineError as exc:
            reply(encode(m.Response.failure(request.request_id, exc.code, exc.reason)))
            return False
        if self.service.backlog() >= BUSY_BACKLOG:
            self._log.warning("busy", "busy: refused %s from %s (%d requests waiting)",
                              command, device, self.service.backlog())
            reply(encode(m.Response.failure(request.request_id, "busy",
                                            "the service is overloaded; try again shortly")))
            return False
        self.service.enqueue(command, request, device, reply_and_ack)
        return True

    def _on_device(self, msg: mqtt.MQTTMessage) -> None:
        device = msg.topic.split("/")[3]
        if not msg.payload:
            return
        try:
            if msg.topic.endswith("/status"):
                s = decode(m.DeviceStatus, msg.payload)
                self.service.note_device(device, state=s.state, role=s.role, version=s.version,
                                         boot=s.boot)
            else:
                h = decode(m.Health, msg.payload)
                self.service.note_device(device, version=h.version, alerts=list(h.alerts),
                                         printer=h.printer, audio=h.audio, uptime_s=h.uptime_s)
        except ProtocolError as exc:
            kind = msg.topic.rsplit("/", 1)[-1]
            self._log.warning(f"bad:{kind}", "ignored a bad %s message from %s: %s", kind,
                              device, exc.code)


def _refusal(payload: bytes, code: str, reason: str) -> bytes:
    return encode(m.Response.failure(request_id_of(payload), code, reason))
