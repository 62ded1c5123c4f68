"""Backups of the queue store: one online copy at each business-day rollover, and restore.

The service copies `madoguchi.db` (events, answers, staff accounts, audit) with SQLite's
backup API into `<data>/backups/madoguchi-<day>.db` when a business day begins, keeping
the last BACKUPS_KEPT. Restoring puts a checked copy back while the service is stopped;
the file it replaces is kept beside it.

CLI: `python -m queue_service.backup list --data DIR`
     `python -m queue_service.backup restore --data DIR [--from FILE | --day YYYY-MM-DD]`
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from protocol.private_files import owner_only

from .store import Store, check_store

BACKUPS_KEPT = 14
STORE_NAME = "madoguchi.db"


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def take(store: Store, data_dir: Path, day: str) -> Path:
    """Back the store up as of the start of `day`; older copies beyond BACKUPS_KEPT go."""
    path = store.backup(backup_dir(data_dir) / f"madoguchi-{day}.db")
    for old in backups(data_dir)[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return path


def backups(data_dir: Path) -> list[Path]:
    """The backups, oldest first (the day is in the name)."""
    return sorted(backup_dir(data_dir).glob("madoguchi-*.db"))


def restore(data_dir: Path, source: Path) -> Path:
    """Put `source` back as the store (the service must be stopped). Returns where the
    replaced file went, if there was one."""
    data_dir = Path(data_dir)
    problem = check_store(source) if source.exists() else f"{source} does not exist"
    if problem:
        raise ValueError(f"will not restore: {problem}")
    target = data_dir / STORE_NAME
    aside = data_dir / f"{STORE_NAME}.replaced-{int(time.time())}"
    for suffix in ("", "-wal", "-shm"):
        current = data_dir / (STORE_NAME + suffix)
        if current.exists():
            current.rename(aside.with_name(aside.name + suffix))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    owner_only(target)
    return aside


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m queue_service.backup", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="list the backups")
    ls.add_argument("--data", required=True, help="the service's data directory")
    rs = sub.add_parser("restore", help="restore a backup (stop the service first)")
    rs.add_argument("--data", required=True)
    which = rs.add_mutually_exclusive_group()
    which.add_argument("--from", dest="source", type=Path, help="a backup file")
    which.add_argument("--day", help="the backup taken when this business day began")
    args = p.parse_args(argv)
    data = Path(args.data)
    if args.cmd == "list":
        for path in backups(data):
            print(f"{path.name}\t{path.stat().st_size} bytes")
        return 0
    found = backups(data)
    source = args.source or (backup_dir(data) / f"madoguchi-{args.day}.db" if args.day
                             else (found[-1] if found else None))
    if source is None:
        print(f"error: no backup in {backup_dir(data)}", file=sys.stderr)
        return 2
    try:
        aside = restore(data, source)
    except (ValueError, OSError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"restored {source} into {data / STORE_NAME}"
          + (f" (the replaced file is {aside})" if aside.exists() else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
