"""What the service keeps in memory once the pages and a report were used: the charts are
drawn in a short-lived process, and the libraries of channels the site does not offer (or
has not used yet) are not loaded. `python -m benchmarks` measures the RSS itself
(`service_rss_web_mb`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, re, sys
from fastapi.testclient import TestClient
from protocol import messages as m
from protocol.site import load_config
from queue_service.accounts import AccountStore
from queue_service.service import QueueService
from queue_service.web import create_app

svc = QueueService(load_config(), sys.argv[1])
svc.start()
svc.submit("issue", m.IssueRequest(request_id="req-mem-0001", issuing_point="east",
                                   procedures=["tennyu"]))
accounts = AccountStore(svc.store.db_path)
accounts.add("boss", "管理者", "supervisor", "boss-password")
with TestClient(create_app(svc, accounts=accounts)) as web:
    page = web.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    web.post("/staff/login", data={"user": "boss", "password": "boss-password", "csrf_token": csrf})
    day = re.search(r"/staff/reports/([0-9-]+)/arrivals.png", web.get("/staff/reports").text)[1]
    pngs = [web.get(f"/staff/reports/{day}/arrivals.png").content,
            web.get(f"/staff/reports/{day}/heatmap-shimin.png").content]
    web.get("/staff/dashboard")
    web.get("/")
svc.stop()
print(json.dumps({"pngs": [p[:4].hex() for p in pngs],
                  "loaded": sorted(n for n in ("matplotlib", "linebot", "aiohttp", "pywebpush")
                                   if n in sys.modules)}))
"""


def test_a_drawn_report_leaves_no_chart_library_in_the_service(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pngs"] == ["89504e47", "89504e47"]  # both charts drawn
    assert out["loaded"] == []


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def test_a_sign_in_leaves_no_password_check_memory_in_the_service(broker, tmp_path):
    """Checking a staff password takes scrypt's 16 MiB in a thread of the web pages; the
    service's entry point fixes glibc's mmap threshold so that block goes back when freed
    (queue_service/malloc_limits.py): before, the first sign-in grew the service by 16 MB."""
    import re

    import httpx

    from demo.processes import ServiceProcess
    from queue_service.accounts import AccountStore
    from queue_service.web import auth

    service = ServiceProcess(broker, tmp_path / "service").start()
    try:
        AccountStore(service.data_dir / "madoguchi.db").add("boss", "管理者", "supervisor",
                                                            "boss-password")
        with httpx.Client(base_url=service.web_url, timeout=60) as web:
            csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                             web.get("/staff/login").text).group(1)
            before = rss_mb(service.proc.pid)  # the sign-in page drawn, no password checked
            signed_in = web.post("/staff/login", data={"user": "boss", "csrf_token": csrf,
                                                       "password": "boss-password"})
            after = rss_mb(service.proc.pid)
        assert signed_in.status_code == 303 and auth.COOKIE in signed_in.cookies
        assert after - before < 8, f"a sign-in kept {after - before:.1f} MB"
    finally:
        service.stop()
