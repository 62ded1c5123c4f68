"""Run the queue service: `python -m queue_service --config site.toml --data DIR ...`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import ssl
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from protocol.site import ConfigError, SiteConfig, load_config
from protocol.texts import summary as texts_summary

from .clock import ScaledClock
from .malloc_limits import limit_malloc
from .mqtt_shell import MqttShell
from .service import QueueService
from .store import StoreError

log = logging.getLogger("queue_service")
START_CHECK_S = 5.0  # at most this long waiting to know whether another service is online


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m queue_service", description=__doc__)
    p.add_argument("--config", help="site TOML file (default: the shipped Isesaki example)")
    p.add_argument("--data", default="var/service", help="directory for the SQLite store and keys")
    p.add_argument("--broker-host", default="127.0.0.1")
    p.add_argument("--broker-port", type=int, default=1883)
    p.add_argument("--username", help="MQTT user of the service (production broker)")
    p.add_argument("--password-file", help="file holding the MQTT password")
    p.add_argument("--cafile", help="CA certificate: connect with TLS")
    p.add_argument("--web-host", default="127.0.0.1")
    p.add_argument("--web-port", type=int, default=8080, help="0 disables the web pages")
    p.add_argument("--web-certfile", help="serve the pages over HTTPS with this certificate")
    p.add_argument("--web-keyfile", help="the private key of --web-certfile")
    p.add_argument("--secure-cookies", action=argparse.BooleanOptionalAction, default=None,
                   help="mark the session cookie Secure (sent over HTTPS only); default: on "
                        "with --web-certfile; give it when a TLS proxy serves the pages")
    p.add_argument("--public-url", help="the address the ticket QR codes and links point to "
                                        "(default: the site file's public_url)")
    p.add_argument("--new-store", action="store_true",
                   help="begin an empty store if the data directory's store is missing, empty "
                        "or corrupt (the bad file is kept aside); otherwise the service refuses")
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--sim-clock", metavar="START,ORIGIN,SPEED",
                   help="demonstrations only: a simulated clock (queue_service.clock.ScaledClock)")
    return p.parse_args(argv)


def with_public_url(config: SiteConfig, url: str) -> SiteConfig:
    """The site with another public address, in the document it publishes too (the
    appliances print it in the ticket QR codes)."""
    document = {**config.document, "site": {**config.document.get("site", {}), "public_url": url}}
    return replace(config, public_url=url, document=document)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    limit_malloc()  # before any thread starts: see malloc_limits
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
        if args.public_url:
            config = with_public_url(config, args.public_url.rstrip("/"))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if bool(args.web_certfile) != bool(args.web_keyfile):
        print("error: --web-certfile and --web-keyfile go together", file=sys.stderr)
        return 2
    password = Path(args.password_file).read_text().strip() if args.password_file else None
    tls = ssl.create_default_context(cafile=args.cafile) if args.cafile else None

    clock = ScaledClock.parse(args.sim_clock) if args.sim_clock else time.time
    try:
        service = QueueService(config, args.data, clock=clock, new_store=args.new_store)
    except (StoreError, sqlite3.DatabaseError) as exc:
        print(f"error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    shell = MqttShell(service, args.broker_host, args.broker_port,
                      username=args.username, password=password, tls=tls)
    refused = threading.Event()

    def give_way(why: str) -> None:
        refused.set()
        if service_started.is_set():  # found later: stop as on a signal
            os.kill(os.getpid(), signal.SIGTERM)

    service_started = threading.Event()
    shell.on_refused = give_way
    service.start()
    shell.start()
    # Another service under this MQTT user? Decided on connecting (queue_service.sole_service).
    deadline = time.monotonic() + START_CHECK_S
    while not (shell.sole.cleared.is_set() or refused.is_set()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if refused.is_set():
        shell.stop()
        service.stop()
        print(f"error: {shell.sole.refused}", file=sys.stderr)
        return 3
    service_started.set()
    log.info("queue service for %s started (boot %d, day %s)", config.id, service.boot,
             service.engine.state.day)
    for line in texts_summary(config):  # what citizens see in Japanese for want of a translation
        (log.info if line.endswith("complete") else log.warning)("site texts %s", line)
    try:
        if args.web_port:
            secure = args.secure_cookies if args.secure_cookies is not None else bool(args.web_certfile)
            serve_web(service, args.web_host, args.web_port, secure_cookies=secure,
                      certfile=args.web_certfile, keyfile=args.web_keyfile)
        else:
            wait_for_signal()
    finally:
        shell.stop()
        service.stop()
    if refused.is_set():
        print(f"error: {shell.sole.refused}", file=sys.stderr)
        return 3
    return 0


def serve_web(service: QueueService, host: str, port: int, *, secure_cookies: bool,
              certfile: str | None = None, keyfile: str | None = None) -> None:
    import uvicorn

    from .web import create_app

    # Live-update streams stay open: do not let them hold up a shutdown.
    uvicorn.run(create_app(service, secure_cookies=secure_cookies), host=host, port=port,
                log_level="warning", timeout_graceful_shutdown=2, ssl_certfile=certfile,
                ssl_keyfile=keyfile)


def wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    sys.exit(main())
