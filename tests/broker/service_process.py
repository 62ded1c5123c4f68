"""The real queue service, logged in as `service` on a secured sandbox site."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from protocol import topics
from provisioning.sandbox import Sandbox
from tests.broker.mqtt_probe import Probe

REPO = Path(__file__).resolve().parents[2]


def start_queue_service(site: Sandbox, data_dir: Path) -> subprocess.Popen:
    """Start `python -m queue_service` with the site's service password; wait until online."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "service.log"
    with open(log_path, "ab") as log:  # a restart appends: both runs stay readable
        proc = subprocess.Popen(
            [sys.executable, "-m", "queue_service", "--data", str(data_dir),
             "--broker-port", str(site.plain_port), "--username", "service",
             "--password-file", str(site.state_dir / "credentials" / "service.password"),
             "--web-port", "0"],
            cwd=REPO, stdout=log, stderr=log, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    admin = site.site.credentials("admin")
    watcher = Probe(site.plain_port, admin["username"], admin["password"])
    try:
        watcher.subscribe(topics.service_status(site.site.settings.site))
        deadline = time.monotonic() + 20
        while not any(b'"online"' in m.payload for m in watcher.messages):
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the queue service did not come online"
            time.sleep(0.1)
    finally:
        watcher.close()
    return proc
