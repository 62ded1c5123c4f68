"""`python -m provisioning`: the command-line tool facilities staff use (see docs/operations.md).

Every mistake ends with a one-line `error:` saying what to do and exit status 2; nothing is
changed when a command fails. Passwords are never printed: they travel in the bundle file
(and its QR code) only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from firmware.bundle import Bundle, BundleError
from firmware.discovery import Advertisement

from .admin_link import LinkError
from .fleet import fleet_rows, format_table
from .qr import BundleTooLarge, write_qr_png
from .site import ProvisioningError, Site, SiteSettings

DEFAULT_STATE = os.environ.get("MADOGUCHI_PROVISIONING_STATE", "/var/lib/madoguchi/provisioning")
COMMANDS = ("reload_config", "test_print", "test_chime", "restart")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m provisioning", description=__doc__.splitlines()[0])
    p.add_argument("--state", type=Path, default=Path(DEFAULT_STATE),
                   help=f"the site's provisioning state directory (default {DEFAULT_STATE})")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init-site", help="create the CA, accounts and broker configuration")
    s.add_argument("--site", required=True, help="site id, e.g. isesaki")
    s.add_argument("--broker-host", action="append", required=True,
                   help="the broker's host name or address, as devices dial it (repeat for more)")
    s.add_argument("--tls-port", type=int, default=8883)
    s.add_argument("--tls-bind", default="0.0.0.0",
                   help="address of the devices' TLS listener (default: every interface)")
    s.add_argument("--plain-port", type=int, default=1883, help="loopback-only listener")
    s.add_argument("--broker-dir", default="/etc/mosquitto")
    s.add_argument("--pid-file", default="/run/mosquitto/mosquitto.pid")
    s.add_argument("--persistence-dir", default="/var/lib/mosquitto",
                   help="the broker's persistence_location (made owner-only)")
    s.add_argument("--require-client-cert", action="store_true",
                   help="refuse devices without a client certificate")
    s.add_argument("--no-discover", action="store_true",
                   help="devices use the fixed address instead of zeroconf")

    s = sub.add_parser("enrol", help="register a device and write its bundle and QR code")
    s.add_argument("--role", required=True, help="issuer, board, guide, certterm or counter")
    s.add_argument("--name", required=True, help="what staff call it, e.g. 東口発券機")
    s.add_argument("--location", default="", help="where it stands, e.g. 1F 東口")
    s.add_argument("--device", help="device id (default: <role>-<n>)")
    s.add_argument("--client-cert", action="store_true", help="add a client certificate")
    s.add_argument("--out", type=Path, default=Path("."), help="folder for the bundle and QR code")

    s = sub.add_parser("revoke", help="stop a device's password working")
    s.add_argument("device")

    s = sub.add_parser("replace", help="new hardware takes over a device's role and place")
    s.add_argument("old")
    s.add_argument("--device", help="id of the new device (default: <role>-<n>)")
    s.add_argument("--name", help="name of the new device (default: the old one's)")
    s.add_argument("--client-cert", action="store_true")
    s.add_argument("--out", type=Path, default=Path("."))

    s = sub.add_parser("fleet", help="list devices: online or not, last seen, version, alerts")
    s.add_argument("--json", action="store_true")
    s.add_argument("--all", action="store_true", help="include revoked devices")

    s = sub.add_parser("push-config", help="change a device's settings")
    s.add_argument("device")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting; VALUE is JSON if it parses, else text (repeat)")
    s.add_argument("--file", type=Path, help="a JSON file of settings")
    s.add_argument("--replace", action="store_true", help="drop settings not given")

    s = sub.add_parser("command", help="ask a device to do something and wait for its answer")
    s.add_argument("device")
    s.add_argument("action", choices=COMMANDS)
    s.add_argument("--timeout", type=float, default=10.0)

    s = sub.add_parser("bundle-qr", help="make the QR code of a bundle file")
    s.add_argument("bundle", type=Path)
    s.add_argument("--out", type=Path, help="PNG file (default: next to the bundle)")

    s = sub.add_parser("bridge", help="connect a branch office's broker (支所) to this site")
    s.add_argument("branch", help="branch name, e.g. yamakawa")
    s.add_argument("--main-host", help="the main broker as the branch dials it")
    s.add_argument("--out", type=Path, required=True, help="file for the branch broker's conf.d")

    s = sub.add_parser("advertise", help="announce the broker by zeroconf until stopped")
    s.add_argument("--address", action="append", required=True, help="the broker's IPv4 address")
    s.add_argument("--interface", action="append", help="network interface address to announce on")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except (ProvisioningError, LinkError, BundleError, BundleTooLarge) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    if args.command == "init-site":
        Site.init(args.state, SiteSettings(
            site=args.site, broker_hosts=args.broker_host, tls_port=args.tls_port, tls_bind=args.tls_bind,
            plain_port=args.plain_port, broker_dir=args.broker_dir, pid_file=args.pid_file,
            persistence_dir=args.persistence_dir, require_client_certificate=args.require_client_cert, discover=not args.no_discover,
        ), progress).close()
        print(f"site {args.site} initialised in {args.state}")
        return 0
    if args.command == "bundle-qr":
        bundle = Bundle.load(args.bundle)
        print(write_qr_png(bundle, args.out or args.bundle.with_suffix(".png")))
        return 0
    site = Site(args.state)
    try:
        return _site_command(site, args)
    finally:
        site.close()


def _site_command(site: Site, args: argparse.Namespace) -> int:
    if args.command in ("enrol", "replace"):
        _check_writable(args.out)
    if args.command == "enrol":
        bundle = site.enrol(args.role, args.name, args.location, args.device,
                            client_certificate=args.client_cert, progress=progress)
        _hand_over(bundle, args.out)
    elif args.command == "revoke":
        site.revoke(args.device, progress=progress)
        print(f"{args.device} revoked: its password no longer works")
    elif args.command == "replace":
        bundle = site.replace(args.old, args.device, args.name,
                              client_certificate=args.client_cert, progress=progress)
        print(f"{bundle.device} replaces {args.old} ({bundle.role}, {bundle.location})")
        _hand_over(bundle, args.out)
    elif args.command == "fleet":
        progress("asking the broker for every device's last status ...")
        with site.admin() as link:
            s = site.settings.site
            retained = link.retained([f"madoguchi/{s}/dev/+/status", f"madoguchi/{s}/dev/+/health"])
        rows = fleet_rows(s, site.registry.devices(active_only=not args.all), retained)
        if args.json:
            print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        else:
            print(format_table(rows))
    elif args.command == "push-config":
        settings = _settings(args)
        merged = site.push_config(args.device, settings, replace=args.replace)
        print(f"{args.device} configuration: {json.dumps(merged, ensure_ascii=False, sort_keys=True)}")
    elif args.command == "command":
        progress(f"sending {args.action} to {args.device} ...")
        result = site.command(args.device, args.action, args.timeout)
        print(f"{args.device} {args.action}: {'ok' if result.ok else 'FAILED'} {result.detail}".rstrip())
        return 0 if result.ok else 1
    elif args.command == "bridge":
        text = site.add_bridge(args.branch, args.main_host)
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        print(f"bridge for {args.branch} written to {args.out} (it holds a password: copy it, "
              "then delete it here)")
    elif args.command == "advertise":
        _advertise(site, args)
    return 0


def _check_writable(out: Path) -> None:
    """Before any change: the bundle is the only copy of the password, it must not be lost."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        ok = os.access(out, os.W_OK | os.X_OK)
    except OSError:
        ok = False
    if not ok:
        raise ProvisioningError(
            f"cannot write the bundle into {out}: is the USB stick mounted? Nothing was changed.")


def _hand_over(bundle: Bundle, out: Path) -> None:
    path = bundle.save(out / f"{bundle.device}.json")
    print(f"bundle: {path}")
    try:
        print(f"QR code: {write_qr_png(bundle, out / f'{bundle.device}.png')}")
    except BundleTooLarge as exc:
        print(f"no QR code: {exc}")


def _settings(args: argparse.Namespace) -> dict:
    settings: dict = {}
    if args.file:
        try:
            settings = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ProvisioningError(f"cannot read settings from {args.file}: {exc}") from None
        if not isinstance(settings, dict):
            raise ProvisioningError(f"{args.file} must hold a JSON object of settings")
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ProvisioningError(f"--set {item!r}: write KEY=VALUE, e.g. --set volume=0.8")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    if not settings and not args.replace:
        raise ProvisioningError("no settings given: use --set KEY=VALUE or --file FILE")
    return settings


def _advertise(site: Site, args: argparse.Namespace) -> None:
    s = site.settings
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with Advertisement(s.site, s.tls_port, addresses=args.address, interfaces=args.interface):
        progress(f"advertising the {s.site} broker at {', '.join(args.address)}:{s.tls_port}; "
                 "Ctrl-C to stop")
        try:
            while not stop:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
