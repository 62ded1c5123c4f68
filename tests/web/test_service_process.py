"""The web pages as `python -m queue_service` serves them: a real process, its SQLite file,
the Mosquitto of the `broker` fixture, an account made with the accounts CLI."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx

from demo.processes import ServiceProcess
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id


def test_the_service_process_serves_console_and_public_pages(broker, tmp_path):
    svc = ServiceProcess(broker, tmp_path / "service").start()
    try:
        pw = tmp_path / "pw.txt"
        pw.write_text("counter-password\n")
        subprocess.run([sys.executable, "-m", "queue_service.accounts", "add",
                        "--db", str(svc.data_dir / "madoguchi.db"), "--user", "ito",
                        "--name", "伊藤 三郎", "--role", "counter", "--password-file", str(pw)],
                       check=True, capture_output=True)
        issuer = ServiceClient("isesaki", "issuer-west", broker.host, broker.port)
        issuer.start()
        ticket = issuer.request("issue", m.IssueRequest(
            request_id=new_request_id(), issuing_point="west", procedures=["nozei"]), 10).result
        issuer.stop()
        with httpx.Client(base_url=svc.web_url, timeout=10) as web:
            page = web.get(f"/v/{ticket.token}")
            assert page.status_code == 200 and f'data-number="{ticket.number}"' in page.text
            login = web.get("/staff/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
            web.post("/staff/login", data={"user": "ito", "password": "counter-password",
                                           "csrf_token": csrf})
            page = web.get("/staff/counters")
            csrf = re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)
            web.post("/staff/counters", data={"counter": "c07", "csrf_token": csrf})
            fetch = {"X-Requested-With": "fetch", "X-CSRF-Token": csrf}
            assert web.post("/staff/console/open_counter", headers=fetch).json()["ok"]
            r = web.post("/staff/console/call_next", headers=fetch).json()
            assert r["message"] == (f"{ticket.number}番のかたをお呼びしました。\n"
                                    f"Number {ticket.number} called.")
            page = web.get(f"/v/{ticket.token}")
            assert "お呼びしています" in page.text and "7番窓口" in page.text
    finally:
        svc.stop()
