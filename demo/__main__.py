"""Start the whole system locally: `python -m demo` (the README's first command runs this).

Mosquitto on a free port, the queue service with its web pages, three issuers
(east/west/centre entrances sharing one number space), every counter but one staffed by
a simulated clerk (the first, c01, is left for a person trying the console; `--staff-all`
staffs it too), and a text call board in this terminal. Ticket QR codes point at this
demo's web port. Ctrl-C stops everything.

Everything runs on one simulated clock: each run is a new business day from 08:30,
`--speed` times faster than the wall clock, for the service as for the clerks. The
service keeps what it learned of the clerks from one run (day) to the next.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from protocol.site import load_config
from queue_service.accounts import ensure_demo_accounts
from queue_service.clock import ScaledClock

from .broker import LocalBroker
from .processes import ServiceProcess
from .simulators import CounterSim, IssuerSim, TextBoard, sustainable_per_hour

FREE_COUNTER = "c01"  # no simulated clerk: a person at the console is not raced


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    p.add_argument("--data", default="var/demo", help="where the broker and service keep data")
    p.add_argument("--web-port", type=int, default=8080, help="0: no web pages")
    p.add_argument("--broker-port", type=int, default=0, help="the broker's port (0: a free one)")
    p.add_argument("--staff-all", action="store_true",
                   help="a simulated clerk at every counter (by default c01 is left to you)")
    p.add_argument("--speed", type=float, default=30.0, help="simulated minutes per real minute")
    p.add_argument("--per-hour", type=float, default=None,
                   help="mean arrivals per hour per entrance (default: what the counters can "
                        "serve over the day, with a morning peak above it)")
    p.add_argument("--report", type=float, default=120.0,
                   help="seconds between the reports of shown against actual waits")
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    data = Path(args.data)
    config = load_config()
    (data / "service").mkdir(parents=True, exist_ok=True)
    ensure_demo_accounts(data / "service" / "madoguchi.db")
    clock = demo_clock(config, data / "service", args.speed)
    per_hour = args.per_hour or sustainable_per_hour(config) / len(config.issuing_points)
    broker = LocalBroker(data / "broker", port=args.broker_port or None).start()
    service = ServiceProcess(broker, data / "service", web_port=args.web_port, clock=clock,
                             public_url=f"http://127.0.0.1:{args.web_port}" if args.web_port else None
                             ).start()
    stop = threading.Event()
    common = {"config": config, "host": broker.host, "port": broker.port, "stop": stop,
              "speed": args.speed, "clock": clock}
    sims = [TextBoard(seed=args.seed, report_s=args.report, **common)]
    sims += [IssuerSim(point, per_hour, seed=args.seed + i, **common)
             for i, point in enumerate(config.issuing_points)]
    staffed = [c for c in config.counters if args.staff_all or c != FREE_COUNTER]
    sims += [CounterSim(c, seed=args.seed + 100 + i, **common) for i, c in enumerate(staffed)]

    print(f"Madoguchi demo — {config.name_ja}")
    print(f"  broker      mqtt://{broker.host}:{broker.port}")
    if args.web_port:
        print(f"  web pages   {service.web_url}/            (public congestion)")
        print(f"              {service.web_url}/staff/      (counter console; sign in demo / demo)")
    print(f"  data        {data}/  (service log: {service.log})")
    day = datetime.fromtimestamp(clock.start, ZoneInfo(config.timezone))
    print(f"  simulated day {day:%Y-%m-%d} from {day:%H:%M}, {args.speed:.0f}x faster; "
          f"{per_hour:.0f} arrivals/h per entrance on average; Ctrl-C stops.\n")
    for s in sims:
        s.start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait(args.duration or None)
    except KeyboardInterrupt:
        pass
    stop.set()
    for s in sims:
        s.join(10)
    service.stop()
    broker.stop()
    print("stopped.")
    return 0


def demo_clock(config, service_dir: Path, speed: float) -> ScaledClock:
    """A new simulated business day from 08:30 for each run (the service's store keeps the
    days in order: run n is the n-th day after today)."""
    runs = service_dir / "demo_runs"
    n = int(runs.read_text()) + 1 if runs.exists() else 0
    runs.write_text(str(n))
    tz = ZoneInfo(config.timezone)
    today = datetime.now(tz).date() + timedelta(days=n)
    start = datetime(today.year, today.month, today.day, 8, 30, tzinfo=tz).timestamp()
    return ScaledClock(start, time.time(), speed)


if __name__ == "__main__":
    sys.exit(main())
