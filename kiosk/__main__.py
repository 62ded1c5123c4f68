"""Run a kiosk: `python -m kiosk guide|certterm --broker-host H --broker-port P --device ID`.

The guide needs only the broker (it reads retained site configuration and congestion).
The certificate terminal sends personal data to the queue service, so it insists on TLS
(`--ca-file`) unless `--allow-plaintext` is given for a demo on one machine. Where the
kiosk stands comes from `--place` (an issuing point or landmark id) or `--floor/--x/--y`,
and is replaced by `settings.place` of the retained device configuration when one arrives.
"""

from __future__ import annotations

import argparse
import logging
import os
import ssl
import sys
import time

from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import ProtocolError, decode, encode
from protocol.messages import DeviceConfig, DeviceStatus
from protocol.site import ConfigError, load_config

from .floormap import resolve_here

log = logging.getLogger("kiosk")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__.splitlines()[0])
    ap.add_argument("role", choices=("guide", "certterm"))
    ap.add_argument("--broker-host", default="127.0.0.1")
    ap.add_argument("--broker-port", type=int, default=1883)
    ap.add_argument("--device", required=True, help="device id, also the MQTT user name")
    ap.add_argument("--site", default="isesaki")
    ap.add_argument("--config", help="local site file used until the service publishes one")
    ap.add_argument("--place", help="issuing point or landmark id where the kiosk stands")
    ap.add_argument("--floor")
    ap.add_argument("--x", type=float)
    ap.add_argument("--y", type=float)
    ap.add_argument("--issuing-point", default="center",
                    help="certterm: the issuing point its tickets are counted under")
    ap.add_argument("--printer", default="none",
                    help="none, dummy, usb:VID:PID, net:HOST or serial:DEVICE")
    ap.add_argument("--card-reader", default="pcsc", choices=("pcsc", "simulated", "none"))
    ap.add_argument("--username")
    ap.add_argument("--password-file", help="file holding the MQTT password")
    ap.add_argument("--ca-file", help="CA certificate of the broker: enables TLS")
    ap.add_argument("--allow-plaintext", action="store_true",
                    help="certterm without TLS (demo on one machine only)")
    ap.add_argument("--fullscreen", action="store_true")
    ap.add_argument("--exit-after", type=float, help="stop after this many seconds (smoke tests)")
    ap.add_argument("--screenshot", help="save the screen here just before --exit-after stops")
    return ap.parse_args(argv)


def make_printer(spec: str):
    from escpos import printer

    kind, _, rest = spec.partition(":")
    if kind == "none":
        return None
    if kind == "dummy":
        return printer.Dummy()
    if kind == "usb":
        vid, pid = (int(v, 16) for v in rest.split(":"))
        return printer.Usb(vid, pid)
    if kind == "net":
        return printer.Network(rest)
    if kind == "serial":
        return printer.Serial(rest)
    raise SystemExit(f"--printer {spec!r}: expected none, dummy, usb:VID:PID, net:HOST or serial:DEV")


def make_reader(kind: str):
    from .mynacard import CardError, PcscReader, SimulatedCard, SimulatedReader

    if kind == "none":
        return None
    if kind == "simulated":
        return SimulatedReader(SimulatedCard("伊勢崎 花子", "群馬県伊勢崎市今泉町二丁目410番地",
                                             "19800401", "2"))
    try:
        return PcscReader()
    except (ImportError, CardError) as exc:
        log.warning("no PC/SC card reader (%s): manual entry only", exc)
        return None


def make_client(args: argparse.Namespace) -> ServiceClient:
    tls = ssl.create_default_context(cafile=args.ca_file) if args.ca_file else None
    if args.role == "certterm" and tls is None and not args.allow_plaintext:
        raise SystemExit("certterm sends personal data: give --ca-file (TLS), or --allow-plaintext "
                         "for a demo on one machine")
    password = None
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read().strip()
    return ServiceClient(args.site, args.device, args.broker_host, args.broker_port,
                         username=args.username, password=password, tls=tls,
                         will=(topics.device_status(args.site, args.device), offline_status(args)))


def offline_status(args: argparse.Namespace) -> bytes:
    return encode(DeviceStatus(device=args.device, state="offline", role=args.role))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    try:
        config = load_config(args.config)
        place = args.place
        if place is None and args.floor is None:
            place = "cert_terminal" if args.role == "certterm" else "center"
        here = resolve_here(config, place, args.floor, args.x, args.y)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    client = make_client(args)

    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from .fonts import register_kivy_fonts

    register_kivy_fonts()
    if args.fullscreen:
        Window.fullscreen = "auto"
    view_holder: dict = {}

    def build_view():
        if args.role == "guide":
            from .guide import GuidePresenter
            from .guide_app import GuideView
            from .live import LiveData

            live = LiveData(config)
            live.attach(client)
            presenter = GuidePresenter(live, here)
            view = GuideView(presenter, printer=make_printer(args.printer))
        else:
            from .certterm import CertTermPresenter
            from .certterm_app import CertTermView

            presenter = CertTermPresenter(config, make_reader(args.card_reader), client,
                                          args.issuing_point, here, make_printer(args.printer))
            view = CertTermView(presenter)
        view_holder["presenter"] = presenter
        return view

    def on_device_config(topic: str, payload: bytes, retained: bool) -> None:
        try:
            settings = decode(DeviceConfig, payload).settings
            place = settings.get("place")
            if place:
                view_holder["presenter"].here = resolve_here(view_holder["presenter"].config, place)
        except (ProtocolError, ConfigError, KeyError) as exc:
            log.warning("ignored device configuration: %s", exc)

    class KioskApp(App):
        title = f"Madoguchi {args.role}"

        def build(self):
            view = build_view()
            client.subscribe(topics.device_config(args.site, args.device), on_device_config)
            client.on_connect(lambda: client.publish(
                topics.device_status(args.site, args.device),
                encode(DeviceStatus(device=args.device, state="online", role=args.role,
                                    at=time.time())), retain=True))
            client.start(wait=None)
            if args.exit_after:
                Clock.schedule_once(lambda _dt: self._finish(), args.exit_after)
            return view

        def _finish(self) -> None:
            if args.screenshot:
                Window.screenshot(args.screenshot)
            self.stop()

        def on_stop(self) -> None:
            self.root.close()
            client.publish(topics.device_status(args.site, args.device), offline_status(args),
                           retain=True)
            client.stop()

    KioskApp().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
