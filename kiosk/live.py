"""What the kiosks know of the building right now: the site configuration and each
department's congestion, both from retained messages of the queue service.

`LiveData` starts from a local site file (so a kiosk shows its menus even before the
broker answers) and replaces it when the service publishes `madoguchi/<site>/site`.
Bad payloads are logged by topic only and ignored: the last good state stays on screen.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import ProtocolError, decode
from protocol.messages import CongestionMessage
from protocol.site import ConfigError, SiteConfig, parse_config

log = logging.getLogger(__name__)


class LiveData:
    def __init__(self, config: SiteConfig):
        self._lock = threading.Lock()
        self._config = config
        self._congestion: dict[str, CongestionMessage] = {}
        self._listeners: list[Callable[[], None]] = []

    @property
    def config(self) -> SiteConfig:
        with self._lock:
            return self._config

    def congestion(self, department: str) -> CongestionMessage | None:
        with self._lock:
            return self._congestion.get(department)

    def on_change(self, listener: Callable[[], None]) -> None:
        """listener() runs on the network thread: a screen should schedule its redraw."""
        self._listeners.append(listener)

    def attach(self, client: ServiceClient) -> None:
        client.subscribe(topics.site_config(client.site), self.handle_site)
        client.subscribe(topics.all_congestion(client.site), self.handle_congestion)

    # ---- handlers (network thread) ---------------------------------------------------------
    def handle_site(self, topic: str, payload: bytes, retained: bool) -> None:
        try:
            config = parse_config(json.loads(payload.decode("utf-8")), source=topic)
        except (UnicodeDecodeError, json.JSONDecodeError, ConfigError) as exc:
            log.warning("ignored site configuration on %s: %s", topic, exc)
            return
        with self._lock:
            self._config = config
        self._notify()

    def handle_congestion(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:  # a cleared retained message
            with self._lock:
                self._congestion.pop(topics.last_segment(topic), None)
            self._notify()
            return
        try:
            message = decode(CongestionMessage, payload)
        except ProtocolError as exc:
            log.warning("ignored congestion on %s: %s", topic, exc.code)
            return
        with self._lock:
            self._congestion[message.department] = message
        self._notify()

    def _notify(self) -> None:
        for listener in self._listeners:
            try:
                listener()
            except Exception:
                log.exception("live-data listener failed")
