"""`python -m benchmarks`: the queue service measured beside the bare broker, in one run.

Starts its own Mosquitto and queue service (real process, real SQLite with fsync) and
measures: bare broker request/response round trip; issue round trip while three issuers
sustain 200 issues/s; a call fanned out to 100 subscribed boards; sustained durable
state changes per second; the service's memory after a full day of 1,500 visits, and
with the staff pages in use and the reports (tables and charts) drawn; the time from a
call to its Web Push notification at a local push endpoint (500 subscribed).
Prints a table and writes benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from broker_config.mosquitto_conf import SiteBroker
from demo.broker import LocalBroker
from demo.processes import ServiceProcess
from demo.simulators import draw_visit
from protocol import messages as m
from protocol.client import ServiceClient, disable_nagle, new_request_id
from protocol.site import load_config

from . import save_results
from .notify import notify_latency
from .service_load import BoardFarm, counter_cycles

SITE = "isesaki"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_site(tmp: Path) -> str:
    """The example site with room for a benchmark's worth of numbers in one day."""
    source = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    path = tmp / "bench_site.toml"
    path.write_text(source.replace("last = 2999", "last = 99999"), encoding="utf-8")
    return str(path)


# ---- 1. bare broker -------------------------------------------------------------------

def broker_rtt(broker: LocalBroker, n: int) -> list[float]:
    """Request/response through Mosquitto with a trivial echo client: the floor."""
    echo = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="echo", protocol=mqtt.MQTTv5)

    def on_message(client, userdata, msg):
        props = Properties(PacketTypes.PUBLISH)
        props.CorrelationData = msg.properties.CorrelationData
        client.publish(msg.properties.ResponseTopic, msg.payload, qos=1, properties=props)

    disable_nagle(echo)
    echo.on_message = on_message
    echo.on_connect = lambda c, *a: c.subscribe("bench/echo/req", qos=1)
    echo.connect(broker.host, broker.port)
    echo.loop_start()
    got = threading.Event()
    requester = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="asker", protocol=mqtt.MQTTv5)
    disable_nagle(requester)
    requester.on_message = lambda *a: got.set()
    requester.on_connect = lambda c, *a: c.subscribe("bench/echo/res", qos=1)
    requester.connect(broker.host, broker.port)
    requester.loop_start()
    time.sleep(0.5)
    payload = m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                             procedures=["juminhyo"]).model_dump_json().encode()
    out = []
    for i in range(n):
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = "bench/echo/res"
        props.CorrelationData = i.to_bytes(4, "big")
        props.MessageExpiryInterval = 10
        got.clear()
        t = time.perf_counter()
        requester.publish("bench/echo/req", payload, qos=1, properties=props)
        got.wait(5)
        out.append((time.perf_counter() - t) * 1000)
    for c in (echo, requester):
        c.disconnect()
        c.loop_stop()
    return out


# ---- 2. issue under load ----------------------------------------------------------------

def issue_rtt_under_load(broker: LocalBroker, rate: float, seconds: float,
                         observe: Callable[[str, float, float], None] | None = None) -> list[float]:
    """Round trips (ms) of issues sent by three issuers at `rate` in all; `observe(request
    id, sent, answered)` (time.monotonic) sees each one."""
    cfg = load_config()
    points = ["east", "west", "center"]
    clients = [ServiceClient(SITE, f"issuer-{p}", broker.host, broker.port) for p in points]
    for c in clients:
        c.start(wait=10)
    rtts: list[float] = []
    lock = threading.Lock()
    per_issuer = rate / len(points)

    def run(c: ServiceClient, point: str) -> None:
        rng = random.Random(point)
        start = time.perf_counter()
        i = 0
        while time.perf_counter() - start < seconds:
            due = start + i / per_issuer
            if due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            rid = new_request_id()
            sent = time.monotonic()
            r = c.request("issue", m.IssueRequest(request_id=rid, issuing_point=point,
                                                  procedures=draw_visit(cfg, rng)[1]), timeout=10)
            answered = time.monotonic()
            assert r.ok, r.error
            with lock:
                rtts.append((answered - sent) * 1000)
            if observe is not None:
                observe(rid, sent, answered)
            i += 1

    threads = [threading.Thread(target=run, args=(c, p)) for c, p in zip(clients, points)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.stop()
    return rtts


# ---- 3. fan-out to boards -----------------------------------------------------------------

def fanout(broker: LocalBroker, tmp: Path, boards: int, calls: int) -> tuple[list[float], list[float]]:
    """Calls to 100 subscribed boards. Returns the latency from the service's publish
    (the `at` of the call) and from the counter's request."""
    folder = tmp / "boards"
    folder.mkdir(parents=True, exist_ok=True)
    farm = BoardFarm(broker.host, broker.port, "c07", boards, folder)
    try:
        farm.wait_subscribed()
        issuer = ServiceClient(SITE, "issuer-east", broker.host, broker.port)
        counter = ServiceClient(SITE, "counter-c07", broker.host, broker.port)
        issuer.start(wait=10)
        counter.start(wait=10)
        counter.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter="c07"))
        for _ in range(calls):
            issuer.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                                   procedures=["shotoku"]))
        sent: dict[int, float] = {}
        for _ in range(calls):
            t = time.time()
            r = counter.request("call_next", m.CallNext(request_id=new_request_id(), counter="c07"))
            sent[r.result.visit.number] = t
            time.sleep(0.1)
            counter.request("finish", m.FinishProcedure(request_id=new_request_id(), counter="c07"))
        issuer.stop()
        counter.stop()
        time.sleep(0.5)  # the last call's deliveries
    finally:
        received = farm.stop()
    from_publish = [(got - at) * 1000 for n, at, got in received if n in sent]
    from_request = [(got - sent[n]) * 1000 for n, at, got in received if n in sent]
    return from_publish, from_request


# ---- 4. durable state changes ------------------------------------------------------------------

def durable_ops(broker: LocalBroker, tmp: Path, workers: int, seconds: float) -> float:
    """Counters working at once, each from its own process (so the load generator's GIL is
    not what is measured), with lines as short as on a real day; every change is fsynced.
    They start together once all have connected (a fixed delay let late starters on a
    busy machine run for less than `seconds`, or not at all, while the total was still
    divided by `seconds`)."""
    counters = list(load_config().counters)[:workers]
    ready = [tmp / f"durable-{c}.ready" for c in counters]
    go = tmp / "durable.go"
    with multiprocessing.get_context("spawn").Pool(len(counters)) as pool:
        pending = pool.starmap_async(counter_cycles, [
            (broker.host, broker.port, c, str(r), str(go), seconds) for c, r in zip(counters, ready)])
        deadline = time.monotonic() + 120
        while not all(r.exists() for r in ready) and time.monotonic() < deadline:
            time.sleep(0.05)
        tmp_go = go.with_suffix(".tmp")
        tmp_go.write_text(repr(time.time() + 0.5))
        tmp_go.replace(go)  # whole, never half-written
        done = pending.get(seconds + 180)
    return sum(done) / seconds


# ---- 5. memory after a day ------------------------------------------------------------------

def full_day_rss(broker: LocalBroker, service: ServiceProcess, visits: int) -> float:
    rng = random.Random(1)
    cfg = load_config()
    c = ServiceClient(SITE, "bench-day", broker.host, broker.port)
    c.start(wait=10)
    for cid in cfg.counters:
        c.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter=cid))
    def serve_round() -> bool:
        """Every counter calls its next visit and finishes what it can do for it."""
        served = False
        for cid in cfg.counters:
            r = c.request("call_next", m.CallNext(request_id=new_request_id(), counter=cid))
            while r.ok and r.result.visit and r.result.visit.counter == cid:
                served = True
                r = c.request("finish", m.FinishProcedure(request_id=new_request_id(), counter=cid))
                if r.result.visit.state != "serving":
                    break
        return served

    for issued in range(visits):  # arrivals spread over the day, served as they come
        c.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                          procedures=draw_visit(cfg, rng)[1]))
        if issued % 15 == 14:
            serve_round()
    while serve_round():
        pass
    c.stop()
    return rss_mb(service)


def rss_mb(service: ServiceProcess) -> float:
    status = Path(f"/proc/{service.proc.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


# ---- 6. memory with the web pages in use ------------------------------------------------------

def web_rss(broker: LocalBroker, service: ServiceProcess, visits: int) -> float:
    """RSS after a day of visits, a supervisor's dashboard, reports page, CSV and charts."""
    import re

    import httpx

    from queue_service.accounts import AccountStore

    full_day_rss(broker, service, visits)
    AccountStore(service.data_dir / "madoguchi.db").add(
        "bench", "ベンチ 管理者", "supervisor", "bench-password")
    with httpx.Client(base_url=service.web_url, timeout=60) as web:
        login = web.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        web.post("/staff/login", data={"user": "bench", "password": "bench-password",
                                        "csrf_token": csrf})
        day = re.search(r'/staff/reports/([0-9-]+)/arrivals.png', web.get("/staff/reports").text)
        assert day, "the reports page shows no chart"
        for path in ("/staff/dashboard", "/staff/audit", f"/staff/reports/{day[1]}/hourly.csv",
                     f"/staff/reports/{day[1]}/arrivals.png",
                     f"/staff/reports/{day[1]}/heatmap-shimin.png", "/", "/congestion"):
            assert web.get(path).status_code == 200, path
    return rss_mb(service)


@contextmanager
def running(broker: LocalBroker, data: Path, site: str | None, *, web: bool = False):
    service = ServiceProcess(broker, data, config=site, web_port=None if web else 0).start()
    try:
        yield service
    finally:
        service.stop()


def bench_broker(tmp: Path) -> LocalBroker:
    """The benchmarks' Mosquitto, saved as often as the production broker saves (a save
    every second, with thousands of retained visit statuses, held every message up for
    milliseconds: the issue step paid for it, the bare broker step on an empty broker did
    not)."""
    return LocalBroker(tmp / "broker", autosave_s=SiteBroker.autosave_interval_s).start()


def memory_measures(broker: LocalBroker, tmp: Path, visits: int) -> tuple[float, float]:
    """(service RSS after a day, RSS after the same day with the pages in use), in MB."""
    with running(broker, tmp / "day", None) as day:  # the real example site
        rss = full_day_rss(broker, day, visits=visits)
    with running(broker, tmp / "web", None, web=True) as pages:
        rss_web = web_rss(broker, pages, visits=visits)
    return rss, rss_web


def memory_only(scale: float) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    broker = bench_broker(tmp)
    try:
        rss, rss_web = memory_measures(broker, tmp, int(1500 * scale))
    finally:
        broker.stop()
    print(f"service_rss_mb {rss:.1f}  (<= 80)\nservice_rss_web_mb {rss_web:.1f}  (<= 120)")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    p.add_argument("--memory", action="store_true",
                   help="only the two memory measures (service RSS after a day, and with the "
                        "pages in use); prints them, writes nothing")
    args = p.parse_args(argv)
    scale = 0.2 if args.quick else 1.0
    if args.memory:
        return memory_only(scale)
    tmp = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    broker = bench_broker(tmp)
    site = bench_site(tmp)
    try:
        bare = broker_rtt(broker, int(2000 * scale))
        # Each measure on a day of its own, so none inherits another's queues.
        with running(broker, tmp / "issue", site):
            issue = issue_rtt_under_load(broker, rate=200, seconds=10 * scale)
        with running(broker, tmp / "fanout", site):
            fan, call_to_board = fanout(broker, tmp, boards=100, calls=int(50 * scale))
        with running(broker, tmp / "durable", site):
            ops = durable_ops(broker, tmp, workers=12, seconds=10 * scale)
        rss, rss_web = memory_measures(broker, tmp, int(1500 * scale))
        notify = notify_latency(broker, tmp, visits=int(500 * scale))
    finally:
        broker.stop()
    results = {
        "broker_rtt_p50_ms": round(statistics.median(bare), 2),
        "broker_rtt_p99_ms": round(pct(bare, 99), 2),
        "issue_rtt_p50_ms": round(statistics.median(issue), 2),
        "issue_rtt_p99_ms": round(pct(issue, 99), 2),
        "issues_measured": len(issue),
        "fanout_p50_ms": round(statistics.median(fan), 2),
        "fanout_p99_ms": round(pct(fan, 99), 2),
        "fanout_deliveries": len(fan),
        "call_to_board_p50_ms": round(statistics.median(call_to_board), 2),
        "call_to_board_p99_ms": round(pct(call_to_board, 99), 2),
        "durable_ops_per_s": round(ops, 1),
        "service_rss_mb": round(rss, 1),
        "service_rss_web_mb": round(rss_web, 1),
        "notify_p50_ms": round(statistics.median(notify), 1),
        "notify_p99_ms": round(pct(notify, 99), 1),
        "notify_calls": len(notify),
    }
    target_issue = 1.5 * results["broker_rtt_p99_ms"] + 2
    rows = [
        ("bare broker round trip", f"{results['broker_rtt_p50_ms']:.2f}", f"{results['broker_rtt_p99_ms']:.2f}", "ms", "floor"),
        ("issue round trip @200/s, 3 issuers", f"{results['issue_rtt_p50_ms']:.2f}", f"{results['issue_rtt_p99_ms']:.2f}", "ms",
         f"p99 <= {target_issue:.2f}"),
        ("call fan-out to 100 boards (from publish)", f"{results['fanout_p50_ms']:.2f}", f"{results['fanout_p99_ms']:.2f}", "ms", "p99 <= 20"),
        ("call_next request to 100 boards", f"{results['call_to_board_p50_ms']:.2f}", f"{results['call_to_board_p99_ms']:.2f}", "ms", ""),
        ("durable state changes", f"{results['durable_ops_per_s']:.0f}", "", "ops/s", ">= 1000"),
        ("service RSS after 1,500 visits", f"{results['service_rss_mb']:.1f}", "", "MB", "<= 80"),
        ("service RSS, pages in use, reports drawn", f"{results['service_rss_web_mb']:.1f}", "",
         "MB", "<= 120"),
        ("call to Web Push arrival, 500 subscribed", f"{results['notify_p50_ms']:.1f}", f"{results['notify_p99_ms']:.1f}", "ms", "p99 <= 500"),
    ]
    print(f"{'measure':44} {'p50/value':>10} {'p99':>8}  unit   target")
    for name, a, b, unit, target in rows:
        print(f"{name:44} {a:>10} {b:>8}  {unit:6} {target}")
    if not args.quick:
        save_results(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
