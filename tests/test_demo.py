"""The README's first command: the whole system starts and citizens get called."""

import json
import subprocess
import sys
import time

from demo.broker import free_port
from demo.processes import wait_retained
from protocol import topics


class _At:
    def __init__(self, port: int):
        self.host, self.port = "127.0.0.1", port


def retained_site(port: int) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        try:
            return wait_retained(_At(port), topics.site_config("isesaki"), bool, timeout=60)
        except ConnectionRefusedError:  # the demo's broker is not up yet
            assert time.monotonic() < deadline, "the demo's broker never started"
            time.sleep(0.5)


def test_demo_runs_the_whole_system(tmp_path):
    broker_port, web_port = free_port(), free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "demo", "--data", str(tmp_path), "--web-port", str(web_port),
         "--broker-port", str(broker_port), "--duration", "25", "--speed", "120",
         "--per-hour", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # ticket QR codes point at this demo's web pages, on the port it was given
        site = json.loads(retained_site(broker_port))
        assert site["site"]["public_url"] == f"http://127.0.0.1:{web_port}"
        out, err = demo.communicate(timeout=120)
    finally:
        demo.kill()
    assert demo.returncode == 0, err
    calls = [line for line in out.splitlines() if "番窓口へお越しください" in line]
    assert len(calls) >= 5, out
    # counter 1 is left for a person trying the console: no simulated clerk races them
    assert not [line for line in calls if "1番窓口へ" in line and "11番" not in line and
                "21番" not in line], calls
    assert "Traceback" not in out + err
    assert "Traceback" not in (tmp_path / "service" / "service.log").read_text()
    assert out.rstrip().endswith("stopped.")
