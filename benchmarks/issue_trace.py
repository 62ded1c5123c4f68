"""`python -m benchmarks.issue_trace`: where an issue's round trip goes at 200 issues/s.

Runs the load of `python -m benchmarks` (three issuers, 200 issues/s in all, for 10 s,
on a day that grows to 2,000 waiting) against the real service started through
`benchmarks.traced_service`, and splits each round trip at moments noted on the clock
all processes share:

1. sent → written: the issuer's network thread writes the request to its socket;
2. written → received: the broker passes it on and the service's network thread reads it;
3. received → replied: the service queues it, runs and commits its batch (fsync);
4. replied → answer received: the service's network thread writes the answer, the broker
   passes it on, the issuer's network thread reads it;
5. answer received → answered: the asking thread wakes.

Prints the percentiles of each part, the store's commits and the collector's pauses, and
adds `issue_trace_*` keys to benchmarks/results.json. The split is what the figures of
`issue_rtt_*` are made of; the timers cost a few microseconds per request, so its total
runs a little above `python -m benchmarks`'s.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from demo.processes import ServiceProcess
from protocol.client import ServiceClient

from . import save_results
from .__main__ import bench_broker, bench_site, issue_rtt_under_load, pct

PARTS = (
    ("client", "sent → written (issuer's network thread)"),
    ("to_service", "written → received (broker, service's network thread)"),
    ("in_service", "received → replied (queue, batch, commit)"),
    ("back", "replied → answer received (both network threads, broker)"),
    ("wake", "answer received → answered (asking thread)"),
)
REQUEST_ID = re.compile(rb'"request_id":"([^"]+)"')


class IssuerClock:
    """Notes, in this process, when each request's bytes leave and its answer arrives."""

    def __init__(self) -> None:
        self.written: dict[str, float] = {}
        self.answer_received: dict[str, float] = {}
        self.sent: dict[str, float] = {}
        self.answered: dict[str, float] = {}

    def install(self) -> None:
        sock_send = mqtt.Client._sock_send
        deliver = ServiceClient._deliver_response
        written, received = self.written, self.answer_received

        def traced_send(client, buf):
            n = sock_send(client, buf)
            at = time.monotonic()
            for found in REQUEST_ID.finditer(bytes(buf[:n])):
                written.setdefault(found.group(1).decode(), at)
            return n

        def traced_deliver(client, msg):
            try:
                received[json.loads(msg.payload)["request_id"]] = msg.timestamp
            except (ValueError, KeyError, TypeError):
                pass
            return deliver(client, msg)

        mqtt.Client._sock_send = traced_send
        ServiceClient._deliver_response = traced_deliver

    def observe(self, rid: str, sent: float, answered: float) -> None:
        self.sent[rid], self.answered[rid] = sent, answered


def split(issuer: IssuerClock, service: dict) -> dict[str, list[float]]:
    """Each part of each round trip whose every moment was noted, in ms."""
    parts: dict[str, list[float]] = {name: [] for name, _ in PARTS} | {"total": []}
    for rid, sent in issuer.sent.items():
        moments = (sent, issuer.written.get(rid), service["received"].get(rid),
                   service["replied"].get(rid), issuer.answer_received.get(rid),
                   issuer.answered[rid])
        if None in moments:
            continue
        for (name, _), a, b in zip(PARTS, moments, moments[1:]):
            parts[name].append((b - a) * 1000)
        parts["total"].append((moments[-1] - sent) * 1000)
    return parts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.issue_trace", description=__doc__)
    p.add_argument("--seconds", type=float, default=10.0, help="how long the load lasts")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-trace-"))
    trace_file = tmp / "service-trace.json"
    issuer = IssuerClock()
    issuer.install()
    broker = bench_broker(tmp)
    try:
        service = ServiceProcess(broker, tmp / "issue", config=bench_site(tmp), web_port=0,
                                 module="benchmarks.traced_service",
                                 extra=("--trace-out", str(trace_file))).start()
        try:
            issue_rtt_under_load(broker, rate=200, seconds=args.seconds, observe=issuer.observe)
        finally:
            service.stop()
    finally:
        broker.stop()
    traced = json.loads(trace_file.read_text())
    parts = split(issuer, traced)
    commits = [c * 1000 for c in traced["commits"]]
    gen2 = [s * 1000 for g, s in traced["pauses"] if g == 2]

    print(f"issue round trip at 200/s, split ({len(parts['total'])} of {len(issuer.sent)} "
          "requests fully traced), ms")
    print(f"{'part':62s} {'p50':>7s} {'p90':>7s} {'p99':>7s} {'max':>7s}")
    rows = [(label, parts[name]) for name, label in PARTS] + [("total", parts["total"]),
                                                              ("store commit (fsync)", commits)]
    for label, values in rows:
        print(f"{label:62s} {statistics.median(values):7.2f} {pct(values, 90):7.2f} "
              f"{pct(values, 99):7.2f} {max(values):7.2f}")
    print(f"full garbage collections: {len(gen2)}, longest pause "
          f"{max(gen2, default=0):.1f} ms")
    figures = {f"issue_trace_{name}_p99_ms": round(pct(parts[name], 99), 2) for name, _ in PARTS}
    figures |= {f"issue_trace_{name}_p50_ms": round(statistics.median(parts[name]), 2)
                for name, _ in PARTS}
    figures |= {
        "issue_trace_total_p50_ms": round(statistics.median(parts["total"]), 2),
        "issue_trace_total_p99_ms": round(pct(parts["total"], 99), 2),
        "issue_trace_commit_p50_ms": round(statistics.median(commits), 2),
        "issue_trace_commit_p99_ms": round(pct(commits, 99), 2),
        "issue_trace_gc_full_max_ms": round(max(gen2, default=0), 1),
    }
    save_results(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
