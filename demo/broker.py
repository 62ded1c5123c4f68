"""Start and stop a local Mosquitto on a free port (tests, benchmarks, the demo)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None
    )
    if not found:
        raise RuntimeError("Mosquitto is not installed: run `apt-get install mosquitto` (see README)")
    return found


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def terminate(proc: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """Stop a child process politely (SIGTERM), then firmly if it does not go in time."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class MosquittoProcess:
    """A Mosquitto child process: subclasses write its configuration and start it."""

    proc: subprocess.Popen | None = None

    def start(self) -> MosquittoProcess:
        raise NotImplementedError

    def stop(self) -> None:
        terminate(self.proc)
        self.proc = None

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


class LocalBroker(MosquittoProcess):
    """An anonymous Mosquitto on loopback for development; `extra` adds config lines.

    Persistence is on, so a restart keeps retained messages and queued QoS 1 messages,
    as the production broker does.
    """

    def __init__(self, workdir: Path, port: int | None = None, extra: str = "",
                 autosave_s: int = 1):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.extra = extra
        self.autosave_s = autosave_s  # how often the broker writes its persistence file
        self.proc: subprocess.Popen | None = None
        self.conf = self.workdir / "mosquitto.conf"
        self.log = self.workdir / "mosquitto.log"

    def write_config(self) -> None:
        self.conf.write_text(
            f"listener {self.port} {self.host}\n"
            "set_tcp_nodelay true\n"  # without it QoS 1 round trips wait on delayed ACKs (~40 ms)
            "allow_anonymous true\n"
            "user root\n"
            "persistence true\n"
            f"persistence_location {self.workdir}/\n"
            f"autosave_interval {self.autosave_s}\n"
            "max_queued_messages 100000\n"
            "log_dest stderr\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
            f"{self.extra}\n"
        )

    def start(self) -> LocalBroker:
        self.write_config()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [mosquitto_binary(), "-c", str(self.conf)], stdout=log, stderr=log
            )
        wait_for_port(self.host, self.port)
        return self

