"""Mosquitto password files, in the format `mosquitto_passwd` writes.

Hashes are PBKDF2-SHA512 with 101 rounds and a 12-byte salt (`$7$`), exactly as Mosquitto
2.0's `mosquitto_passwd` makes them. Hashing here instead of running `mosquitto_passwd -b`
keeps passwords off the command line, where any local user could read them from `ps`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

ITERATIONS = 101
SALT_BYTES = 12


def new_password() -> str:
    """A random password for a device or service (nobody types it: it travels in the bundle)."""
    return secrets.token_urlsafe(24)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, ITERATIONS, 64)
    return f"$7${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, hashed: str) -> bool:
    try:
        _, kind, rounds, salt, digest = hashed.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    expected = hashlib.pbkdf2_hmac(
        "sha512", password.encode("utf-8"), base64.b64decode(salt), int(rounds), 64)
    return hmac.compare_digest(base64.b64encode(expected).decode(), digest)


def write_password_file(path: Path, entries: dict[str, str]) -> None:
    """Replace the file atomically (Mosquitto may be reading it on SIGHUP), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(f"{user}:{hashed}\n" for user, hashed in sorted(entries.items()))
    os.replace(tmp, path)
