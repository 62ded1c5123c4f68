"""What a device knows of the queue service right now, from its retained messages: the
site document, each department's congestion and the service status.

Every appliance (issuer, board, guide, certificate terminal) follows the same three
retained topics the same way, through one `ServiceFollower`:
- the site document replaces the configuration when it parses (a local site file serves
  until it arrives; listeners hear of it when its content differs); a bad one is logged
  and the last good configuration stays;
- a congestion message replaces its department's entry; an empty payload (a cleared
  retained message) removes the entry; a bad one is logged by topic and ignored;
- the service status is kept as the last good `ServiceStatus`.
Listeners run on the MQTT network thread: a screen schedules its redraw from there.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from . import topics
from .client import ServiceClient
from .codec import ProtocolError, decode
from .messages import CongestionMessage, ServiceStatus
from .site import ConfigError, SiteConfig, parse_config

log = logging.getLogger(__name__)


class ServiceFollower:
    def __init__(self, config: SiteConfig | None = None):
        self._lock = threading.Lock()
        self._config = config
        self._congestion: dict[str, CongestionMessage] = {}
        self._status: ServiceStatus | None = None
        self._site_listeners: list[Callable[[SiteConfig], None]] = []
        self._congestion_listeners: list[Callable[[str, CongestionMessage | None], None]] = []
        self._status_listeners: list[Callable[[ServiceStatus], None]] = []
        self._listeners: list[Callable[[], None]] = []

    # ---- what is known ---------------------------------------------------------------
    @property
    def config(self) -> SiteConfig | None:
        with self._lock:
            return self._config

    @property
    def status(self) -> ServiceStatus | None:
        with self._lock:
            return self._status

    def congestion(self, department: str) -> CongestionMessage | None:
        with self._lock:
            return self._congestion.get(department)

    def all_congestion(self) -> dict[str, CongestionMessage]:
        """A copy: department id -> its last congestion message."""
        with self._lock:
            return dict(self._congestion)

    # ---- who wants to know -----------------------------------------------------------
    def on_site(self, listener: Callable[[SiteConfig], None]) -> None:
        """listener(config) after the site document changed the configuration."""
        self._site_listeners.append(listener)

    def on_congestion(self, listener: Callable[[str, CongestionMessage | None], None]) -> None:
        """listener(department, message), message None when the entry was removed."""
        self._congestion_listeners.append(listener)

    def on_status(self, listener: Callable[[ServiceStatus], None]) -> None:
        self._status_listeners.append(listener)

    def on_change(self, listener: Callable[[], None]) -> None:
        """listener() after any change of the three."""
        self._listeners.append(listener)

    def attach(self, client: ServiceClient) -> None:
        client.subscribe(topics.site_config(client.site), self.handle_site)
        client.subscribe(topics.all_congestion(client.site), self.handle_congestion)
        client.subscribe(topics.service_status(client.site), self.handle_status)

    # ---- handlers (network thread) ---------------------------------------------------
    def handle_site(self, topic: str, payload: bytes, retained: bool) -> None:
        try:
            config = parse_config(json.loads(payload.decode("utf-8")), source=topic)
        except (UnicodeDecodeError, json.JSONDecodeError, ConfigError) as exc:
            log.warning("ignored site configuration on %s: %s", topic, exc)
            return
        with self._lock:
            changed = config != self._config  # `source` is not compared
            self._config = config
        if changed:
            self._notify(self._site_listeners, config)

    def handle_congestion(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:  # a cleared retained message: the department is gone
            department = topics.last_segment(topic)
            with self._lock:
                if self._congestion.pop(department, None) is None:
                    return
            self._notify(self._congestion_listeners, department, None)
            return
        try:
            message = decode(CongestionMessage, payload)
        except ProtocolError as exc:
            log.warning("ignored congestion on %s: %s", topic, exc.code)
            return
        with self._lock:
            self._congestion[message.department] = message
        self._notify(self._congestion_listeners, message.department, message)

    def handle_status(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:
            return
        try:
            status = decode(ServiceStatus, payload)
        except ProtocolError as exc:
            log.warning("ignored service status on %s: %s", topic, exc.code)
            return
        with self._lock:
            self._status = status
        self._notify(self._status_listeners, status)

    def _notify(self, listeners: list[Callable], *args: object) -> None:
        for listener in listeners:
            _guarded(listener, *args)
        for listener in self._listeners:
            _guarded(listener)


def _guarded(listener: Callable, *args: object) -> None:
    try:
        listener(*args)
    except Exception:
        log.exception("listener of the service's retained state failed")
