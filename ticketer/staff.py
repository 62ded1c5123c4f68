"""Staff credentials provisioned to the issuer: PINs hashed with scrypt, cards by digest.

Neither a PIN nor a card's UID is ever stored or logged in the clear. A PIN is short,
so the hash is slow on purpose (scrypt) and the file holding it is readable by root
only; the wrong-PIN lock-out limits guessing on the device itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash` (base64) for a PIN of 4-12 digits."""
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("a PIN is 4 to 12 digits")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def card_digest(uid: bytes) -> str:
    """What the device file holds for a staff card: SHA-256 of its UID, in hex."""
    return hashlib.sha256(b"madoguchi-staff-card:" + uid).hexdigest()


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    pin_hash: str = ""
    cards: tuple[str, ...] = field(default=())


class StaffDirectory:
    """The staff allowed to unlock this issuer."""

    def __init__(self, members: list[StaffMember]):
        self._by_id = {m.id: m for m in members}
        self._by_card = {c: m for m in members for c in m.cards}

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, staff_id: str) -> StaffMember | None:
        return self._by_id.get(staff_id)

    def check_pin(self, staff_id: str, pin: str) -> StaffMember | None:
        member = self._by_id.get(staff_id)
        if member is None or not member.pin_hash:
            # Spend the same time as a real check so timing does not reveal staff ids.
            hashlib.scrypt(pin.encode(), salt=b"x" * 16, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
            return None
        return member if verify_pin(pin, member.pin_hash) else None

    def by_card(self, uid: bytes) -> StaffMember | None:
        return self._by_card.get(card_digest(uid))
