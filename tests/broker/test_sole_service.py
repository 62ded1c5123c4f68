"""Two queue services under the one MQTT user `service` on the production broker
configuration: the second refuses to run, with a clear message, and the first goes on."""

from __future__ import annotations

import subprocess
import sys

from protocol.client import ServiceClient, new_request_id
from protocol.messages import IssueRequest
from provisioning.sandbox import start_sandbox
from tests.broker.service_process import REPO, start_queue_service


def test_a_second_service_under_the_same_user_refuses_to_run(tmp_path):
    site = start_sandbox(tmp_path / "site", roles=("issuer",))
    first = start_queue_service(site, tmp_path / "first")
    bundle = site.bundles["issuer"]
    issuer = ServiceClient("isesaki", "issuer-1", port=site.plain_port,
                           username=bundle.username, password=bundle.password)
    try:
        assert issuer.start()
        before = issuer.request("issue", IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["tennyu"]))
        second = subprocess.run(
            [sys.executable, "-m", "queue_service", "--data", str(tmp_path / "second"),
             "--broker-port", str(site.plain_port), "--username", "service",
             "--password-file", str(site.state_dir / "credentials" / "service.password"),
             "--web-port", "0"],
            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 3
        assert "error: another queue service" in second.stderr
        assert "refusing to run a second one" in second.stderr.splitlines()[-1]
        assert "Traceback" not in second.stderr
        # The first still answers, from its own store: its numbers go on.
        after = issuer.request("issue", IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["tennyu"]), timeout=10)
        assert after.ok and after.result.number == before.result.number + 1
        assert first.poll() is None
    finally:
        issuer.stop()
        first.terminate()
        first.wait(10)
        site.stop()
