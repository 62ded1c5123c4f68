"""Load generators that run in their own processes (imported by `python -m benchmarks`)."""

from __future__ import annotations

import time

from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config

SITE = "isesaki"


def counter_cycles(host: str, port: int, counter_id: str, start_at: float, seconds: float) -> int:
    """One counter's load, in its own process: issue -> call -> finish, again and again,
    from the wall-clock time `start_at` (all workers together) for `seconds`."""
    cfg = load_config()
    counter = cfg.counters[counter_id]
    procedure = next(p.id for p in cfg.procedures.values()
                     if p.queued and cfg.queue_department(p.id) == counter.department)
    c = ServiceClient(SITE, f"bench-{counter_id}", host, port)
    c.start(wait=10)
    c.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter=counter_id))
    ops = 0
    time.sleep(max(start_at - time.time(), 0))
    stop = start_at + seconds
    while time.time() < stop:
        c.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                          procedures=[procedure]))
        r = c.request("call_next", m.CallNext(request_id=new_request_id(), counter=counter_id))
        ops += 2
        if r.ok and r.result.get("visit"):
            c.request("finish", m.FinishProcedure(request_id=new_request_id(), counter=counter_id))
            ops += 1
    c.stop()
    return ops
