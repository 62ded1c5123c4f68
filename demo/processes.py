"""Start the queue service as a real process (tests, benchmarks and the demo share this)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from protocol import topics
from protocol.messages import ServiceStatus
from queue_service.clock import ScaledClock
from queue_service.sole_service import WILL_DELAY_S

from .broker import LocalBroker, free_port, terminate, wait_for_port


def wait_retained(broker: LocalBroker, topic: str, predicate, timeout: float = 15.0) -> bytes:
    """Wait until a retained message on `topic` satisfies predicate(payload)."""
    found: list[bytes] = []
    done = threading.Event()

    def on_message(client, userdata, msg):
        if predicate(msg.payload):
            found.append(msg.payload)
            done.set()

    c = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    c.on_message = on_message
    c.on_connect = lambda client, *a: client.subscribe(topic, qos=1)
    c.connect(broker.host, broker.port)
    c.loop_start()
    try:
        if not done.wait(timeout):
            raise TimeoutError(f"no matching retained message on {topic} within {timeout:.0f} s")
        return found[0]
    finally:
        c.disconnect()
        c.loop_stop()


class ServiceProcess:
    """`python -m queue_service` against a broker, with its data in `data_dir`."""

    def __init__(self, broker: LocalBroker, data_dir: Path, *, config: str | None = None,
                 web_port: int | None = None, site: str = "isesaki",
                 clock: ScaledClock | None = None, public_url: str | None = None,
                 extra: tuple[str, ...] = (), module: str = "queue_service"):
        self.broker = broker
        self.module = module  # what runs: the service, or a wrapper of it (benchmarks)
        self.clock = clock
        self.data_dir = Path(data_dir)
        self.config = config
        self.site = site
        self.extra = extra  # more command-line options
        self.public_url = public_url
        self.web_port = free_port() if web_port is None else web_port
        self.proc: subprocess.Popen | None = None
        self.log = self.data_dir / "service.log"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> ServiceProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._boot = self._last_boot() + 1
        cmd = [sys.executable, "-m", self.module, "--data", str(self.data_dir),
               "--broker-host", self.broker.host, "--broker-port", str(self.broker.port),
               "--web-port", str(self.web_port)]
        if self.config:
            cmd += ["--config", self.config]
        if self.clock:
            cmd += self.clock.argv()
        cmd += list(self.extra)
        if self.public_url:
            cmd += ["--public-url", self.public_url]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env,
                                         cwd=Path(__file__).resolve().parent.parent)
        self.wait_ready()
        return self

    def _last_boot(self) -> int:
        """The boot counter the service keeps in its database (0 before the first start)."""
        try:
            with sqlite3.connect(f"file:{self.data_dir / 'madoguchi.db'}?mode=ro", uri=True) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'boot'").fetchone()
        except sqlite3.Error:
            return 0
        return int(row[0]) if row else 0

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Ready = the service announced itself online with this start's boot number (an
        earlier start's retained "online" may still be there after a kill -9)."""

        def this_boot(payload: bytes) -> bool:
            if not payload:
                return False
            status = ServiceStatus.model_validate_json(payload)
            # Another installation's status (a service stopped just before) is not ours.
            return (status.state == "online" and status.boot == self._boot
                    and status.instance == self._instance())

        try:
            wait_retained(self.broker, topics.service_status(self.site), this_boot, timeout)
            if self.web_port:
                wait_for_port("127.0.0.1", self.web_port, timeout)
        except TimeoutError:
            raise RuntimeError(f"queue service did not start; log:\n{self.log.read_text()}") from None

    def _instance(self) -> str | None:
        """The installation id the service keeps in its data directory (made at start)."""
        path = self.data_dir / "service.id"
        return path.read_text().strip() if path.exists() else None

    def stop(self) -> None:
        """Stop it, then wait until the site's status says offline (its own word, or its
        delayed Last Will after a kill): a service started next on the same broker would
        otherwise see this one online and refuse to run as a second service."""
        terminate(self.proc, timeout=10)

        def not_online(payload: bytes) -> bool:
            return not payload or ServiceStatus.model_validate_json(payload).state != "online"

        wait_retained(self.broker, topics.service_status(self.site), not_online,
                      WILL_DELAY_S + 10)
        self.proc = None

    def kill(self) -> None:
        """kill -9: no goodbye, no flush — what a power cut looks like."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

