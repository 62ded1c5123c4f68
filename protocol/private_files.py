"""Owner-only files: SQLite databases (with their WAL and SHM files) and secrets.

Databases hold staff password hashes, the audit trail, device passwords' hashes or
sealed personal data; none may be readable by other local users. `open_database` creates
the file mode 0600 before SQLite opens it (SQLite gives the -wal and -shm files the
database's own mode) and tightens an existing one; `private_dir` makes a directory 0700.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def private_dir(path: Path) -> Path:
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def owner_only(path: Path) -> None:
    """Make a database and its WAL/SHM files readable by their owner only."""
    path = Path(path)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            os.chmod(p, 0o600)


def open_database(path: str | Path, *, wal: bool = True, **connect: object) -> sqlite3.Connection:
    """A connection to `path` (autocommit unless told otherwise), the files owner-only."""
    path = Path(path)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    owner_only(path)
    connect.setdefault("check_same_thread", False)
    connect.setdefault("isolation_level", None)
    db = sqlite3.connect(path, **connect)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    return db
