"""`python -m ticketer` as a real process (offscreen window) against the real service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import decode
from protocol.messages import IssuerState

from .helpers import eventually

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ticketer" / "example_device.toml"


def test_the_issuer_process_starts_locked_leases_numbers_and_publishes_its_state(
        queue_service, tmp_path):
    broker = queue_service.broker
    log = (tmp_path / "issuer.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ticketer", "--settings", str(EXAMPLE),
         "--broker-host", broker.host, "--broker-port", str(broker.port),
         "--device", "issuer-west", "--issuing-point", "west", "--data", str(tmp_path / "data")],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1"))
    states: list[IssuerState] = []
    watcher = ServiceClient("isesaki", "test-watcher", broker.host, broker.port)
    watcher.subscribe(topics.device_state("isesaki", "issuer-west"),
                      lambda t, p, r: states.append(decode(IssuerState, p)))
    assert watcher.start()
    try:
        eventually(lambda: proc.poll() is None and states and states[-1].service == "online"
                   and states[-1].leased_left == 20 and states[-1].printer == "ok", timeout=40,
                   what=f"issuer state; log: {(tmp_path / 'issuer.log').read_text()[-2000:]}")
        last = states[-1]
        assert (last.lock, last.printer, last.unprinted, last.offline_visits) == (
            "locked", "ok", 0, 0)
        assert (tmp_path / "data" / "issuer.sqlite3").exists()
    finally:
        watcher.stop()
        proc.terminate()
        proc.wait(10)
        log.close()
