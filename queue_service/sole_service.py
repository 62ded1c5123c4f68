"""One queue service per site: a second one under the same MQTT user refuses to run.

The broker uses the user name as client id, so two services logged in as `service` push
each other off for ever, each answering part of the requests from its own store. Each
installation has an instance id (`service.id` in its data directory), published in the
retained `service/status`. The Last Will is delayed (WILL_DELAY_S), so a connection that
takes over the session does not turn that status "offline": on connecting, a service
first reads it, holding back the requests that arrive meanwhile (unacknowledged, so the
broker keeps them). "online" from another instance means another service is running:
this one gives way (the broker delivers the held requests to the other again). Anything
else (offline, none, or its own id after a crash) lets it go on.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from protocol import messages as m
from protocol.codec import ProtocolError, decode

log = logging.getLogger(__name__)
WILL_DELAY_S = 5  # the "offline" will waits this long; a takeover within it sends none
NO_STATUS_WAIT_S = 1.5  # no retained status by then: nobody has ever been online


def instance_id(data_dir: Path) -> str:
    """This installation's id, made owner-only on first use."""
    path = Path(data_dir) / "service.id"
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_hex(8)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


class SoleServiceCheck:
    """Decides, once per connection, whether this service may serve."""

    def __init__(self, instance: str, on_clear: Callable[[], None],
                 on_refused: Callable[[str], None]):
        self.instance = instance
        self._on_clear, self._on_refused = on_clear, on_refused
        self._lock = threading.Lock()
        self._pending = False
        self._timer: threading.Timer | None = None
        self.refused: str | None = None
        self.cleared = threading.Event()

    @property
    def pending(self) -> bool:
        return self._pending

    def begin(self) -> None:
        """A new connection: wait for the retained status (or for its absence)."""
        with self._lock:
            self._pending = True
            self._timer = threading.Timer(NO_STATUS_WAIT_S, self._decide, args=(None,))
            self._timer.daemon = True
            self._timer.start()

    def status(self, payload: bytes) -> None:
        """A message on service/status: decides if still pending."""
        try:
            status = decode(m.ServiceStatus, payload) if payload else None
        except ProtocolError:
            status = None
        self._decide(status)

    def _decide(self, status: m.ServiceStatus | None) -> None:
        with self._lock:
            if not self._pending:
                return
            self._pending = False
            if self._timer is not None:
                self._timer.cancel()
        other = (status is not None and status.state == "online" and status.instance
                 and status.instance != self.instance)
        if other:
            self.refused = (f"another queue service (instance {status.instance}, boot "
                            f"{status.boot}) is online under the same MQTT user: refusing to run "
                            "a second one for this site")
            self._on_refused(self.refused)
        else:
            self.cleared.set()
            self._on_clear()
