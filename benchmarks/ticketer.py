"""Ticket issuer: time from the concierge's tap to the ticket printed, and memory.

    python -m benchmarks.ticketer [--tickets 200]

Runs a real Mosquitto and the real queue service, and the issuer's own code in this
process with the simulated printer (python-escpos `Dummy` answering status queries):
a tap is `ConciergePresenter.issue()`, which asks the service (MQTT v5 request), stores
the ticket in SQLite, renders it with the Japanese font, sends the ESC/POS bytes and reads
the printer status before and after. Offline taps issue from leased numbers with the
broker stopped. Memory is the resident size of a real `python -m ticketer` process
(Kivy window offscreen), idle after start-up, and the growth of this process over the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from demo.broker import LocalBroker
from demo.processes import ServiceProcess
from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import decode
from protocol.messages import IssuerState
from protocol.site import load_config
from ticketer.device import IssuerDevice
from ticketer.printer import TicketPrinter
from ticketer.render import ticket_parts
from ticketer.settings import load_settings
from ticketer.sim_printer import SimulatedPrinter

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ticketer" / "example_device.toml"
EVENTS = ["tennyu", "shomei", "shussei", "shibou", "konin", "tenshutsu", "tenkyo"]


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out: {what}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def taps(device: IssuerDevice, sim: SimulatedPrinter, count: int) -> list[float]:
    """Tap 'issue' `count` times, a different life event each time; ms per tap."""
    p = device.presenter
    times = []
    for i in range(count):
        p.next_citizen()
        p.choose_life_event(EVENTS[i % len(EVENTS)])
        before = sim.tickets
        start = time.perf_counter()
        assert p.issue(), "the issuer refused to issue"
        times.append((time.perf_counter() - start) * 1000)
        if sim.tickets != before + 1:
            raise RuntimeError(f"ticket not printed: {p.notice}")
    return times


def issuer_process_memory(broker: LocalBroker, work: Path) -> tuple[float, float]:
    """Start `python -m ticketer` offscreen, wait until it is online and idle, read its RSS."""
    states: list[IssuerState] = []
    watcher = ServiceClient("isesaki", "bench-watcher", broker.host, broker.port)
    watcher.subscribe(topics.device_state("isesaki", "issuer-center"),
                      lambda t, p, r: states.append(decode(IssuerState, p)))
    watcher.start()
    with (work / "issuer.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ticketer", "--settings", str(EXAMPLE), "--device",
             "issuer-center", "--issuing-point", "center", "--data", str(work / "center"),
             "--broker-host", broker.host, "--broker-port", str(broker.port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1"))
        try:
            wait(lambda: states and states[-1].service == "online" and states[-1].printer == "ok",
                 40, "the issuer process to come online")
            time.sleep(3)  # let it settle: first frames drawn, fonts loaded
            return rss_mb(proc.pid)
        finally:
            watcher.stop()
            proc.terminate()
            proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--tickets", type=int, default=200, help="online taps to time")
    opts = args.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-ticketer-"))
    broker = LocalBroker(work / "broker").start()
    service = ServiceProcess(broker, work / "service", web_port=0).start()
    site = load_config()
    settings = replace(load_settings(EXAMPLE), data_dir=work / "east")
    client = ServiceClient(site.id, "issuer-east", broker.host, broker.port, request_expiry_s=4)
    client.start()
    sim = SimulatedPrinter()
    device = IssuerDevice(settings, site, client, TicketPrinter(lambda: sim),
                          run=lambda task: task(), interval=0.5)
    device.start()
    rows: list[tuple[str, list[float]]] = []
    try:
        wait(lambda: device.issuer.service_online and device.issuer.numbers_left() >= 20, 20,
             "the first lease")
        device.presenter.unlock_pin("1024", "4821")
        taps(device, sim, 10)  # warm up: fonts, SQLite pages, MQTT session
        rss_before = rss_mb()[0]
        rows.append(("tap → printed, online (service answers)", taps(device, sim, opts.tickets)))
        rss_after = rss_mb()[0]
        ticket = device.store.last_ticket().ticket
        render = []
        for _ in range(50):
            start = time.perf_counter()
            ticket_parts(ticket, 512)
            render.append((time.perf_counter() - start) * 1000)
        rows.append(("  of which: rendering a ticket (warm cache)", render))
        broker.stop()
        wait(lambda: not device.issuer.service_online, 20, "the issuer to notice")
        rows.append(("tap → printed, offline (leased numbers)",
                     taps(device, sim, device.issuer.numbers_left())))
        broker.start()
        wait(lambda: device.store.count_offline() == 0, 30, "the hand-over")
        reprints = []
        for _ in range(20):
            start = time.perf_counter()
            device.presenter.reprint()
            reprints.append((time.perf_counter() - start) * 1000)
        rows.append(("reprint (same number)", reprints))
    finally:
        device.stop()
        client.stop()
    try:
        idle_rss, idle_hwm = issuer_process_memory(broker, work)
    finally:
        service.stop()
        broker.stop()

    print(f"\nTicket issuer ({os.cpu_count()} CPUs, simulated ESC/POS printer, TM-T88V profile)\n")
    print(f"{'measure':44} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print("-" * 77)
    for name, values in rows:
        print(f"{name:44} {len(values):5d} {statistics.median(values):8.1f} "
              f"{percentile(values, 99):8.1f} {max(values):8.1f}")
    print()
    print(f"{'memory':44} {'MB':>8}")
    print("-" * 53)
    print(f"{'python -m ticketer, idle after start (RSS)':44} {idle_rss:8.1f}")
    print(f"{'python -m ticketer, peak (VmHWM)':44} {idle_hwm:8.1f}")
    print(f"{'this process: growth over ' + str(opts.tickets) + ' online tickets':44} "
          f"{rss_after - rss_before:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
