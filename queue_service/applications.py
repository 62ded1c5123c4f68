"""Pre-filled certificate applications from the self-service terminal (personal data).

Stored only here, encrypted with Fernet (AES-128-CBC + HMAC) under a key file kept in the
service's data directory (mode 0600, never in the repository), keyed by day and ticket
number so the counter console can show them, and purged when the business day ends.
Nothing from here is logged or published.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from protocol.private_files import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS applications (
    day    TEXT NOT NULL,
    number INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (day, number)
);
"""


def load_or_create_key(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


class ApplicationStore:
    def __init__(self, db_path: Path, key: bytes):
        self._fernet = Fernet(key)
        self._db = open_database(db_path)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")  # purged rows are overwritten, not left in free pages
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def attach(self, day: str, number: int, application: dict) -> None:
        sealed = self._fernet.encrypt(json.dumps(application, ensure_ascii=False).encode())
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO applications(day, number, sealed) VALUES (?, ?, ?)",
                (day, number, sealed),
            )

    def get(self, day: str, number: int) -> dict | None:
        with self._lock:
            row = self._db.execute(
                "SELECT sealed FROM applications WHERE day = ? AND number = ?", (day, number)
            ).fetchone()
        if row is None:
            return None
        try:
            return json.loads(self._fernet.decrypt(row[0]))
        except InvalidToken:
            return None  # sealed under another key: unreadable by design

    def purge_before(self, day: str) -> int:
        with self._lock:
            cur = self._db.execute("DELETE FROM applications WHERE day < ?", (day,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cur.rowcount

    def close(self) -> None:
        self._db.close()
