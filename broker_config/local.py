"""Run Mosquitto on this machine with a site's configuration, laid out as Debian does.

`/etc/mosquitto/mosquitto.conf` on Debian sets the pid file, persistence and log file and
includes `conf.d/`, where provisioning puts the site's `madoguchi.conf`. `SiteBrokerProcess`
writes the same kind of main file into a directory of its own, so tests and the demo run
exactly the site configuration production runs, on free ports, without touching /etc.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from demo.broker import MosquittoProcess, mosquitto_binary, wait_for_port


def main_config(broker_dir: Path, run_dir: Path, persistence_dir: Path, *, as_root: bool) -> str:
    """The Debian-like main configuration that includes `<broker_dir>/conf.d`."""
    lines = [
        f"pid_file {run_dir}/mosquitto.pid",
        "persistence true",
        f"persistence_location {persistence_dir}/",
        f"log_dest file {run_dir}/mosquitto.log",
    ]
    if as_root:
        lines.append("user root")  # a throwaway broker only: production drops to `mosquitto`
    lines.append(f"include_dir {broker_dir}/conf.d")
    return "\n".join(lines) + "\n"


class SiteBrokerProcess(MosquittoProcess):
    """Mosquitto started from `<broker_dir>/conf.d`; `ports` are waited for at start."""

    def __init__(self, broker_dir: Path, run_dir: Path, ports: list[int], host: str = "127.0.0.1",
                 persistence_dir: Path | None = None):
        self.broker_dir, self.run_dir = Path(broker_dir), Path(run_dir)
        self.persistence_dir = Path(persistence_dir or self.run_dir / "persistence")
        self.ports, self.host = ports, host
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.persistence_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.conf = self.run_dir / "mosquitto.conf"
        self.pid_file = self.run_dir / "mosquitto.pid"
        self.log = self.run_dir / "mosquitto.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> SiteBrokerProcess:
        self.conf.write_text(main_config(self.broker_dir, self.run_dir, self.persistence_dir,
                                          as_root=os.geteuid() == 0))
        with open(self.run_dir / "stderr.log", "ab") as err:
            self.proc = subprocess.Popen([mosquitto_binary(), "-c", str(self.conf)],
                                         stdout=err, stderr=err)
        try:
            for port in self.ports:
                wait_for_port(self.host, port)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"Mosquitto did not start; its log says:\n{self.log_text()}") from None
        return self

    def reload(self) -> None:
        """What `systemctl reload mosquitto` does: SIGHUP re-reads passwords and the ACL."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGHUP)

    def log_text(self) -> str:
        parts = [p.read_text(errors="replace") for p in (self.log, self.run_dir / "stderr.log")
                 if p.exists()]
        return "\n".join(parts)
