"""`python -m kiosk` as a real process: the guide starts, connects, announces itself and
draws its screen; the certificate terminal refuses to run without TLS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from demo.processes import wait_retained
from protocol import topics

ROOT = Path(__file__).resolve().parents[2]


def run_kiosk(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_guide_process_runs_and_announces_itself(queue_service, tmp_path):
    broker = queue_service.broker
    shot = tmp_path / "guide.png"
    done = run_kiosk("guide", "--broker-host", broker.host, "--broker-port", str(broker.port),
                     "--device", "guide-east", "--place", "east", "--exit-after", "4",
                     "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(tmp_path.glob("guide*.png")), "no screenshot: the window never drew"
    status = wait_retained(broker, topics.device_status(queue_service.site, "guide-east"),
                           lambda p: bool(p), timeout=5)
    assert json.loads(status)["state"] == "offline"  # it said goodbye when it stopped


def test_certterm_refuses_to_send_personal_data_without_tls():
    done = run_kiosk("certterm", "--device", "certterm-1", "--broker-port", "1")
    assert done.returncode != 0
    assert "--ca-file" in done.stderr


def test_a_wrong_place_is_a_clear_error():
    done = run_kiosk("guide", "--device", "guide-east", "--place", "north")
    assert done.returncode != 0
    assert "neither an issuing point nor a landmark" in done.stderr
