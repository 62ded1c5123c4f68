"""Booking codes: 8 letters and digits without I, O, 0 and 1 (read out on the phone),
shown as `ABCD-EFGH`. Shared by the service, which makes them, and the issuer, which
reads them typed or scanned from the booking's QR code (the booking page's address)."""

from __future__ import annotations

import re

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_IN_TEXT = re.compile(r"([A-Za-z2-9]{4})[-\s]?([A-Za-z2-9]{4})\s*$")


def normalise_code(text: str) -> str | None:
    """A booking code from what was typed or scanned: `ABCD-EFGH`, `abcdefgh`, or the
    booking page's URL the QR code holds. None if it cannot be a code."""
    found = _CODE_IN_TEXT.search(text.strip().rstrip("/"))
    if not found:
        return None
    code = (found.group(1) + found.group(2)).upper()
    return code if all(ch in CODE_ALPHABET for ch in code) else None


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
