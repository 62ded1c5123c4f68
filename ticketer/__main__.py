"""Run the issuer: `python -m ticketer --broker-host H --broker-port P --device issuer-east
--issuing-point east` for development (a development bundle: anonymous broker, plain TCP;
simulated printer unless the settings file names one), or `--bundle bundle.json
--settings device.toml` on a device, with the enrolled credentials. Either way the
firmware's device agent connects (firmware/runtime.py), reports health (printer state)
and runs commands (test_print).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from firmware.runtime import BundleError, load_bundle, open_agent, prepare_kivy
from protocol.site import ConfigError, load_config

from .printer import TicketPrinter, open_printer
from .settings import DeviceSettings, SettingsError, load_settings

log = logging.getLogger("ticketer")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m ticketer", description=__doc__.split("\n")[0])
    p.add_argument("--settings", help="device configuration TOML (see ticketer/example_device.toml)")
    p.add_argument("--bundle", help="enrolment bundle: run under the firmware device agent")
    p.add_argument("--site-config", help="site TOML used until the service publishes its own")
    p.add_argument("--broker-host", default="127.0.0.1")
    p.add_argument("--broker-port", type=int, default=1883)
    p.add_argument("--device", help="device id (overrides the settings file)")
    p.add_argument("--issuing-point", help="issuing point id (overrides the settings file)")
    p.add_argument("--data", help="directory for the issuer's SQLite file")
    p.add_argument("--size", default="1280x800", help="window size for development")
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


EXAMPLE = Path(__file__).with_name("example_device.toml")


def build_settings(args: argparse.Namespace) -> DeviceSettings:
    if not args.settings:
        log.warning("no --settings: using %s, whose staff PINs are examples (development only)",
                    EXAMPLE)
    settings = load_settings(args.settings or EXAMPLE)
    changes = {}
    if args.device:
        changes["device"] = args.device
    if args.issuing_point:
        changes["issuing_point"] = args.issuing_point
    if args.data:
        changes["data_dir"] = Path(args.data)
    elif not args.settings:
        changes["data_dir"] = Path("var") / (args.device or settings.device)
    return replace(settings, **changes)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = build_settings(args)
        site = load_config(args.site_config)
        bundle = load_bundle(args.bundle, role="issuer", site=site.id, device=settings.device,
                             host=args.broker_host, port=args.broker_port)
    except (SettingsError, ConfigError, BundleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.issuing_point not in site.issuing_points:
        known = ", ".join(site.issuing_points)
        print(f"error: issuing point {settings.issuing_point!r} is not in the site configuration "
              f"(known: {known})", file=sys.stderr)
        return 2
    if not settings.staff:
        log.warning("no staff provisioned: only the key switch can unlock this issuer")

    agent = open_agent(bundle, settings.data_dir / "agent")
    client = agent.client
    client.request_expiry_s = 4  # a request the issuer gave up on must not be run later

    # Kivy is imported only now: its import reads the command line and opens the window.
    width, height = (int(v) for v in args.size.lower().split("x"))
    prepare_kivy((width, height))

    from .app import IssuerApp, post_to_ui, register_fonts
    from .device import IssuerDevice

    register_fonts()
    panel = card_reader = None
    if any(v is not None for v in vars(settings.gpio).values()):
        from .gpio import Panel
        panel = Panel(settings.gpio)
    if settings.nfc_path:
        from .cards import NfcpyReader
        card_reader = NfcpyReader(settings.nfc_path)
    pagers = None
    if settings.pager_port:
        from firmware.pager_link import SerialPagerTransmitter

        from .pagers import PagerDesk
        pagers = PagerDesk(settings.data_dir / "pagers.sqlite3",
                           SerialPagerTransmitter(settings.pager_port), site.business_day)
    printer = TicketPrinter(lambda: open_printer(settings.printer), settings.printer.width_px,
                            settings.printer.status_queries)
    device = IssuerDevice(settings, site, client, printer, panel=panel, card_reader=card_reader,
                          pagers=pagers, post=post_to_ui)
    device.attach_agent(agent)
    agent.start(wait=None)
    device.start()

    def shutdown() -> None:
        device.stop()
        agent.stop()

    IssuerApp(device.presenter, on_stop=shutdown).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
