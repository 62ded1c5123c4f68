"""Sealing personal data for the queue service alone (ECIES over X25519).

The certificate terminal seals the applicant's name, address and birth date with the
service's public key before the request leaves it, so the broker (its persistence file,
its queues for an offline service, anyone listening) only ever holds ciphertext. A fresh
ephemeral X25519 key per message, HKDF-SHA256 to an AES-256-GCM key; the additional data
binds the ciphertext to what it is for (e.g. the visit number), so it cannot be moved.

The service publishes its public key in its retained `service/status` (which only the
service may write); its private key stays in its data directory (mode 0600).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"madoguchi sealed v1"
_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


class SealError(ValueError):
    """A sealed payload that cannot be opened (wrong key, altered, or not sealed)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(key: X25519PrivateKey) -> str:
    return _b64(key.public_key().public_bytes(**_RAW))


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=INFO + ephemeral + recipient).derive(shared)


def seal(public_key: str, plaintext: bytes, aad: bytes) -> str:
    """Ciphertext (text) only the holder of the private key of `public_key` can open."""
    try:
        recipient = _unb64(public_key)
        peer = X25519PublicKey.from_public_bytes(recipient)
    except ValueError as exc:
        raise SealError(f"not a public key ({exc})") from None
    ephemeral = X25519PrivateKey.generate()
    eph = ephemeral.public_key().public_bytes(**_RAW)
    nonce = os.urandom(12)
    box = AESGCM(_key(ephemeral.exchange(peer), eph, recipient)).encrypt(nonce, plaintext, aad)
    return _b64(eph + nonce + box)


def open_sealed(key: X25519PrivateKey, sealed: str, aad: bytes) -> bytes:
    try:
        raw = _unb64(sealed)
        eph, nonce, box = raw[:32], raw[32:44], raw[44:]
        shared = key.exchange(X25519PublicKey.from_public_bytes(eph))
        recipient = key.public_key().public_bytes(**_RAW)
        return AESGCM(_key(shared, eph, recipient)).decrypt(nonce, box, aad)
    except (ValueError, InvalidTag) as exc:
        raise SealError("the sealed data cannot be opened") from exc


def load_or_create_private_key(path: Path) -> X25519PrivateKey:
    """The service's sealing key, created owner-only on first use."""
    if path.exists():
        return X25519PrivateKey.from_private_bytes(_unb64(path.read_text().strip()))
    key = X25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(_b64(raw) + "\n")
    return key
