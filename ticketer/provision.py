"""Provisioning helpers for the facilities staff: hash a staff PIN, digest a staff card.

    python -m ticketer.provision pin          # asks for the PIN twice, prints the hash
    python -m ticketer.provision card 04A1B2C3D4E5F6  # the card UID in hex -> digest

Paste the output into the `[[staff]]` table of the device file. The PIN itself is never
written anywhere.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .staff import card_digest, hash_pin


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ticketer.provision")
    sub = p.add_subparsers(dest="what", required=True)
    sub.add_parser("pin", help="hash a staff PIN (asked on the terminal)")
    card = sub.add_parser("card", help="digest of a staff card UID")
    card.add_argument("uid", help="the card UID in hex, as the reader shows it")
    args = p.parse_args(argv)
    if args.what == "pin":
        pin = getpass.getpass("PIN (4-12 digits): ")
        if getpass.getpass("again: ") != pin:
            print("error: the two PINs differ", file=sys.stderr)
            return 2
        try:
            print(f'pin = "{hash_pin(pin)}"')
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        uid = bytes.fromhex(args.uid)
    except ValueError:
        print("error: the UID must be hexadecimal, e.g. 04A1B2C3D4E5F6", file=sys.stderr)
        return 2
    print(f'cards = ["{card_digest(uid)}"]')
    return 0


if __name__ == "__main__":
    sys.exit(main())
