"""The device registry of a site: who is enrolled, as what, where, and each password hash.

One SQLite file in the provisioning state directory. The broker's password and ACL files
are rendered from it, so it is the single source of truth. Device ids are never reused:
a revoked or replaced device keeps its row, so the history stays readable.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from protocol.private_files import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    device TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
    enrolled_at REAL NOT NULL,
    revoked_at REAL,
    replaced_by TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    password_hash TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS active_names ON devices(name) WHERE state = 'active';
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('service', 'admin', 'bridge')),
    password_hash TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Device:
    device: str
    role: str
    name: str
    location: str
    state: str
    enrolled_at: float
    revoked_at: float | None
    replaced_by: str | None
    settings: dict
    password_hash: str


class Registry:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = open_database(self.path, wal=False, check_same_thread=True)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> sqlite3.Connection:
        """`with registry.transaction():` commits all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        return _Commit(self.db)  # type: ignore[return-value]

    # ---- devices ---------------------------------------------------------------------
    def add_device(self, device: str, role: str, name: str, location: str, password_hash: str,
                   settings: dict | None = None) -> None:
        self.db.execute(
            "INSERT INTO devices (device, role, name, location, enrolled_at, settings, password_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (device, role, name, location, time.time(), json.dumps(settings or {}), password_hash),
        )

    def revoke(self, device: str, replaced_by: str | None = None) -> None:
        self.db.execute(
            "UPDATE devices SET state = 'revoked', revoked_at = ?, replaced_by = ? WHERE device = ?",
            (time.time(), replaced_by, device),
        )

    def set_settings(self, device: str, settings: dict) -> None:
        self.db.execute("UPDATE devices SET settings = ? WHERE device = ?",
                        (json.dumps(settings, ensure_ascii=False), device))

    def get(self, device: str) -> Device | None:
        row = self.db.execute("SELECT * FROM devices WHERE device = ?", (device,)).fetchone()
        return _device(row) if row else None

    def by_name(self, name: str) -> Device | None:
        row = self.db.execute(
            "SELECT * FROM devices WHERE name = ? AND state = 'active'", (name,)).fetchone()
        return _device(row) if row else None

    def devices(self, *, active_only: bool = True) -> list[Device]:
        sql = "SELECT * FROM devices" + (" WHERE state = 'active'" if active_only else "")
        return [_device(r) for r in self.db.execute(sql + " ORDER BY device")]

    def next_device_id(self, role: str) -> str:
        taken = {r[0] for r in self.db.execute("SELECT device FROM devices")}
        n = 1
        while f"{role}-{n}" in taken:
            n += 1
        return f"{role}-{n}"

    # ---- service accounts --------------------------------------------------------------
    def set_account(self, username: str, kind: str, password_hash: str) -> None:
        self.db.execute(
            "INSERT INTO accounts (username, kind, password_hash) VALUES (?, ?, ?)"
            " ON CONFLICT(username) DO UPDATE SET kind = excluded.kind,"
            " password_hash = excluded.password_hash",
            (username, kind, password_hash),
        )

    def accounts(self) -> list[tuple[str, str, str]]:
        """(username, kind, password_hash) of the service, admin and bridge accounts."""
        return [tuple(r) for r in self.db.execute(
            "SELECT username, kind, password_hash FROM accounts ORDER BY username")]


class _Commit:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, exc_type, *rest) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _device(row: sqlite3.Row) -> Device:
    data = dict(row)
    data["settings"] = json.loads(data["settings"])
    return Device(**data)
