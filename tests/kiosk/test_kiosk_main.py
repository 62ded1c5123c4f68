"""`python -m kiosk` as a real process: the guide starts, connects, announces itself and
draws its screen; the certificate terminal refuses to run without TLS."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from demo.processes import wait_retained
from protocol import topics
from protocol.codec import encode
from protocol.messages import DeviceCommand

ROOT = Path(__file__).resolve().parents[2]


def run_kiosk(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_guide_process_runs_and_announces_itself(queue_service, tmp_path):
    broker = queue_service.broker
    shot = tmp_path / "guide.png"
    done = run_kiosk("guide", "--broker-host", broker.host, "--broker-port", str(broker.port),
                     "--device", "guide-east", "--place", "east", "--exit-after", "4",
                     "--screenshot", str(shot), "--state-dir", str(tmp_path / "state"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(tmp_path.glob("guide*.png")), "no screenshot: the window never drew"
    status = wait_retained(broker, topics.device_status(queue_service.site, "guide-east"),
                           lambda p: bool(p), timeout=5)
    assert json.loads(status)["state"] == "offline"  # the device agent said goodbye
    assert json.loads(status)["role"] == "guide" and json.loads(status)["boot"] == 1


def test_facilities_staff_can_test_print_through_the_device_agent(queue_service, tmp_path):
    broker = queue_service.broker
    site = queue_service.site
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "certterm", "--broker-host", broker.host,
         "--broker-port", str(broker.port), "--device", "certterm-1", "--allow-plaintext",
         "--card-reader", "simulated", "--printer", "dummy", "--exit-after", "20",
         "--state-dir", str(tmp_path / "state")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_retained(broker, topics.device_status(site, "certterm-1"),
                      lambda p: b'"online"' in p, timeout=20)
        results: list[bytes] = []
        answered, subscribed = threading.Event(), threading.Event()
        client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        client.on_message = lambda c, u, m: (results.append(m.payload), answered.set())
        client.on_subscribe = lambda *a: subscribed.set()
        client.connect(broker.host, broker.port)
        client.subscribe(topics.device_command_result(site, "certterm-1"), qos=1)
        client.loop_start()
        assert subscribed.wait(10), "no SUBACK"  # subscribed before the command goes out
        command = DeviceCommand(command_id="cmd-test-print-1", command="test_print")
        client.publish(topics.device_command(site, "certterm-1"), encode(command), qos=1)
        assert answered.wait(10), "no command result"
        client.loop_stop()
        client.disconnect()
        assert json.loads(results[0]) == {"v": 1, "command_id": "cmd-test-print-1", "ok": True,
                                          "detail": "printed"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_certterm_refuses_to_send_personal_data_without_tls():
    done = run_kiosk("certterm", "--device", "certterm-1", "--broker-port", "1")
    assert done.returncode != 0
    assert "it needs TLS" in done.stderr


def test_a_wrong_place_is_a_clear_error():
    done = run_kiosk("guide", "--device", "guide-east", "--place", "north")
    assert done.returncode != 0
    assert "neither an issuing point nor a landmark" in done.stderr
