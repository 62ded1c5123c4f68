"""Start the whole system locally: `python -m demo` (the README's first command runs this).

Mosquitto on a free port, the queue service with its web pages, three issuers
(east/west/centre entrances sharing one number space), every counter but one staffed by
a simulated clerk (the first, c01, is left for a person trying the console; `--staff-all`
staffs it too), and a text call board in this terminal. Ticket QR codes point at this
demo's web port. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from protocol.site import load_config
from queue_service.accounts import ensure_demo_accounts

from .broker import LocalBroker
from .processes import ServiceProcess
from .simulators import CounterSim, IssuerSim, TextBoard

FREE_COUNTER = "c01"  # no simulated clerk: a person at the console is not raced


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    p.add_argument("--data", default="var/demo", help="where the broker and service keep data")
    p.add_argument("--web-port", type=int, default=8080, help="0: no web pages")
    p.add_argument("--broker-port", type=int, default=0, help="the broker's port (0: a free one)")
    p.add_argument("--staff-all", action="store_true",
                   help="a simulated clerk at every counter (by default c01 is left to you)")
    p.add_argument("--speed", type=float, default=30.0, help="simulated minutes per real minute")
    p.add_argument("--per-hour", type=float, default=25.0, help="arrivals per hour per entrance")
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    data = Path(args.data)
    config = load_config()
    (data / "service").mkdir(parents=True, exist_ok=True)
    ensure_demo_accounts(data / "service" / "madoguchi.db")
    broker = LocalBroker(data / "broker", port=args.broker_port or None).start()
    service = ServiceProcess(broker, data / "service", web_port=args.web_port,
                             public_url=f"http://127.0.0.1:{args.web_port}" if args.web_port else None
                             ).start()
    stop = threading.Event()
    common = {"config": config, "host": broker.host, "port": broker.port, "stop": stop, "speed": args.speed}
    sims = [TextBoard(seed=args.seed, **common)]
    sims += [IssuerSim(point, args.per_hour, seed=args.seed + i, **common)
             for i, point in enumerate(config.issuing_points)]
    staffed = [c for c in config.counters if args.staff_all or c != FREE_COUNTER]
    sims += [CounterSim(c, seed=args.seed + 100 + i, **common) for i, c in enumerate(staffed)]

    print(f"Madoguchi demo — {config.name_ja}")
    print(f"  broker      mqtt://{broker.host}:{broker.port}")
    if args.web_port:
        print(f"  web pages   {service.web_url}/            (public congestion)")
        print(f"              {service.web_url}/staff/      (counter console; sign in demo / demo)")
    print(f"  data        {data}/  (service log: {service.log})")
    print(f"  time runs {args.speed:.0f}x faster; Ctrl-C stops.\n")
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


if __name__ == "__main__":
    sys.exit(main())
