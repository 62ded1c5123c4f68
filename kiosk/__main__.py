"""Run a kiosk: `python -m kiosk guide|certterm --bundle PATH` (an enrolled device), or
`--broker-host H --broker-port P --device ID` for a development bundle (plain TCP).

The device agent (firmware/agent.py, started as every appliance starts it:
firmware/runtime.py) connects it: birth and death, heartbeats, the
retained device configuration and commands (`test_print`). The guide needs only the broker
(retained site configuration and congestion). The certificate terminal sends personal data
to the queue service, so it insists on TLS (a bundle with the site's CA) unless
`--allow-plaintext` is given for a demo on one machine. Where the kiosk stands comes from
`--place` (an issuing point or landmark id) or `--floor/--x/--y`, and is replaced by
`settings.place` of the device configuration when one arrives.
"""

from __future__ import annotations

import argparse
import logging
import sys

from firmware.agent import DeviceAgent
from firmware.runtime import BundleError, load_bundle, open_agent, prepare_kivy
from protocol.follower import ServiceFollower
from protocol.site import ConfigError, load_config

from .floormap import here_from_settings, resolve_here

log = logging.getLogger("kiosk")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__.splitlines()[0])
    ap.add_argument("role", choices=("guide", "certterm"))
    ap.add_argument("--bundle", help="the device's enrolment bundle (JSON)")
    ap.add_argument("--broker-host", default="127.0.0.1", help="development bundle: broker")
    ap.add_argument("--broker-port", type=int, default=1883)
    ap.add_argument("--device", help="development bundle: device id")
    ap.add_argument("--site", default="isesaki")
    ap.add_argument("--state-dir", help="boot counter and cached configuration "
                                        "(default ~/.madoguchi/<device>)")
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


def make_agent(args: argparse.Namespace) -> DeviceAgent:
    try:
        bundle = load_bundle(args.bundle, role=args.role, site=args.site, device=args.device,
                             host=args.broker_host, port=args.broker_port)
    except BundleError as exc:
        raise SystemExit(str(exc)) from None
    if args.role == "certterm" and not bundle.ca_pem and not args.allow_plaintext:
        raise SystemExit("certterm sends personal data: it needs TLS (a --bundle with the "
                         "site's CA), or --allow-plaintext for a demo on one machine")
    return open_agent(bundle, args.state_dir)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    prepare_kivy(fullscreen=args.fullscreen)
    try:
        config = load_config(args.config)
        place = args.place
        if place is None and args.floor is None:
            place = "cert_terminal" if args.role == "certterm" else "center"
        here = resolve_here(config, place, args.floor, args.x, args.y)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    agent = make_agent(args)
    client = agent.client
    printer = make_printer(args.printer)

    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from .fonts import register_kivy_fonts

    register_kivy_fonts()
    view_holder: dict = {}

    live = ServiceFollower(config)
    live.attach(client)

    def build_view():
        if args.role == "guide":
            from .guide import GuidePresenter
            from .guide_app import GuideView

            presenter = GuidePresenter(live, here, client=client)
            view = GuideView(presenter, printer=printer)
        else:
            from .certterm import CertTermPresenter
            from .certterm_app import CertTermView

            presenter = CertTermPresenter(config, make_reader(args.card_reader), client,
                                          args.issuing_point, here, printer)
            view = CertTermView(presenter)
            view.follow(live)
        view_holder["presenter"] = presenter
        return view

    def on_settings(settings: dict) -> None:
        """The device configuration's position moves "you are here" (a kiosk was moved)."""
        presenter = view_holder.get("presenter")
        if presenter is None:
            return
        try:
            here = here_from_settings(presenter.config, settings)
        except ConfigError as exc:
            log.warning("ignored device configuration: %s", exc)
            return
        if here is not None:
            presenter.here = here

    def test_print() -> str:
        if printer is None:
            raise RuntimeError("no printer configured")
        from .printout import print_images, render_ticket

        print_images(printer, [render_ticket(config, 0, "", None, "ja")])
        return "printed"

    def attach_agent(agent: DeviceAgent) -> None:
        """Plug into the device agent: settings move "you are here"; test_print."""
        agent.on_config(on_settings)
        agent.on_command("test_print", test_print)

    class KioskApp(App):
        title = f"Madoguchi {args.role}"

        def build(self):
            view = build_view()
            attach_agent(agent)
            agent.start(wait=None)
            if args.exit_after:
                Clock.schedule_once(lambda _dt: self._finish(), args.exit_after)
            return view

        def _finish(self) -> None:
            if args.screenshot:
                Window.screenshot(args.screenshot)
            self.stop()

        def on_stop(self) -> None:
            self.root.close()
            agent.stop()

    KioskApp().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
