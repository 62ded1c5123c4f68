"""Call to notification: from the counter's call_next request to the Web Push message's
arrival (VAPID checked, payload decrypted) at a local push endpoint, for 500 subscribed
visits. Used by `python -m benchmarks` (`notify_p50_ms`, `notify_p99_ms`).

A late-March peak hour brings about 500 visits; here their calls are compressed (every
visit issued and subscribed first, then called one after another by six counters), so
the service and its sender are busier than in the real hour, never idler.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from demo.broker import LocalBroker
from demo.notify_site import site_file
from demo.processes import ServiceProcess
from demo.push_service import PushEndpoint
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id

COUNTERS = {"c05": "juminhyo", "c06": "juminhyo", "c07": "nozei", "c08": "shotoku",
            "c01": "tennyu", "c02": "tenkyo"}


def notify_latency(broker: LocalBroker, tmp: Path, visits: int) -> list[float]:
    endpoint = PushEndpoint().start()
    config = site_file(tmp / "notify_site.toml", channels=["webpush"],
                       webpush={"push_services": [f"http://127.0.0.1:{endpoint.port}"]})
    config_text = Path(config).read_text("utf-8").replace("last = 2999", "last = 99999")
    Path(config).write_text(config_text, "utf-8")
    service = ServiceProcess(broker, tmp / "notify", config=config).start()
    clerk = ServiceClient("isesaki", "bench-notify", broker.host, broker.port)
    clerk.start(wait=10)
    try:
        procedures = list(COUNTERS.values())
        with httpx.Client(base_url=service.web_url, timeout=10) as web:
            for i in range(visits):
                r = clerk.request("issue", m.IssueRequest(
                    request_id=new_request_id(), issuing_point="east",
                    procedures=[procedures[i % len(procedures)]]))
                sub = endpoint.new_subscriber()
                assert web.post(f"/v/{r.result.token}/notify/webpush",
                                json=sub.subscription()).json()["ok"]
        called_at: dict[int, float] = {}
        lock = threading.Lock()

        def counter(cid: str) -> None:
            c = ServiceClient("isesaki", f"counter-{cid}", broker.host, broker.port)
            c.start(wait=10)
            c.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter=cid))
            while True:
                t = time.time()
                r = c.request("call_next", m.CallNext(request_id=new_request_id(), counter=cid))
                if not r.ok or r.result.visit is None:
                    break
                with lock:
                    called_at[r.result.visit.number] = t
                time.sleep(0.5)  # the citizen walks up
                c.request("finish", m.FinishProcedure(request_id=new_request_id(), counter=cid))
            c.stop()

        threads = [threading.Thread(target=counter, args=(cid,)) for cid in COUNTERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        endpoint.wait_for(lambda: sum(r["payload"]["kind"] == "called" for r in endpoint.received)
                          >= len(called_at), timeout=60)
        return [(r["at"] - called_at[r["payload"]["number"]]) * 1000 for r in endpoint.received
                if r["payload"]["kind"] == "called" and r["payload"]["number"] in called_at]
    finally:
        clerk.stop()
        service.stop()
        endpoint.stop()
