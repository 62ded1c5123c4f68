"""Load generators that run in their own processes (imported by `python -m benchmarks`)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config

SITE = "isesaki"


def counter_cycles(host: str, port: int, counter_id: str, ready_file: str, go_file: str,
                   seconds: float) -> int:
    """One counter's load, in its own process: issue -> call -> finish, again and again,
    for `seconds` from the wall-clock time written into `go_file` (all workers together,
    once every one of them has connected and written its `ready_file`)."""
    cfg = load_config()
    counter = cfg.counters[counter_id]
    procedure = next(p.id for p in cfg.procedures.values()
                     if p.queued and cfg.queue_department(p.id) == counter.department)
    c = ServiceClient(SITE, f"bench-{counter_id}", host, port)
    c.start(wait=10)
    c.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter=counter_id))
    Path(ready_file).write_text("ready")
    go = Path(go_file)
    while not go.exists() or not go.read_text():
        time.sleep(0.01)
    start_at = float(go.read_text())
    ops = 0
    time.sleep(max(start_at - time.time(), 0))
    stop = start_at + seconds
    while time.time() < stop:
        c.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                          procedures=[procedure]))
        r = c.request("call_next", m.CallNext(request_id=new_request_id(), counter=counter_id))
        ops += 2
        if r.ok and r.result.visit:
            c.request("finish", m.FinishProcedure(request_id=new_request_id(), counter=counter_id))
            ops += 1
    c.stop()
    return ops


class BoardFarm:
    """`boards` call boards, each its own `mosquitto_sub` process (C, one client per
    process, as each real board is its own device), subscribed to one counter's calls.
    A farm of Python clients in a few processes measured its own threads' contention for
    the interpreter lock (p99 26-36 ms) rather than the delivery."""

    def __init__(self, host: str, port: int, counter: str, boards: int, folder: Path):
        self.outputs = [folder / f"board-{i}.out" for i in range(boards)]
        self.procs = []
        for i, out in enumerate(self.outputs):
            with open(out, "wb") as f:
                self.procs.append(subprocess.Popen(
                    ["mosquitto_sub", "-h", host, "-p", str(port), "-V", "mqttv5", "-q", "1",
                     "-i", f"bench-board-{i}", "-t", topics.call(SITE, counter), "-F", "%U %r %p"],
                    stdout=f, stderr=subprocess.DEVNULL))

    def wait_subscribed(self, timeout: float = 30) -> None:
        """Each board has had the retained call: it is subscribed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(out.stat().st_size for out in self.outputs):
                return
            time.sleep(0.05)
        raise RuntimeError("the boards did not all subscribe")

    def stop(self) -> list[tuple[int, float, float]]:
        """(number, the service's publish time, receive time) of every live call received."""
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(10)
        got = []
        for out in self.outputs:
            for line in out.read_text().splitlines():
                received, retained, payload = line.split(" ", 2)
                call = json.loads(payload)
                if retained == "0" and call.get("number") is not None:
                    got.append((call["number"], call["at"], float(received)))
        return got
