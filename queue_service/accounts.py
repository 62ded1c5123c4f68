"""Staff accounts, sign-in sessions and the audit trail, in the service's SQLite file.

Each staff member has a personal account with one role (counter staff, concierge,
supervisor, administrator). Passwords are stored as salted scrypt hashes; sessions
expire after an idle period and after a maximum lifetime; every staff action is written
to the audit table with the staff member and the counter.

These tables live beside the queue store's own tables (WAL mode, own connection per
call), so they survive restarts with the rest of the day's data.

CLI: `python -m queue_service.accounts add --db PATH --user ID --name 名前 --role counter`
(the password is prompted, or read from --password-file).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import re
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from protocol.private_files import open_database

ROLES = ("counter", "concierge", "supervisor", "admin")
ROLE_NAMES = {
    "counter": ("窓口職員", "Counter staff"),
    "concierge": ("総合案内", "Concierge"),
    "supervisor": ("管理者(課長・係長)", "Supervisor"),
    "admin": ("システム管理者", "Administrator"),
}
# Staff ids travel in MQTT requests (`staff`, at most 32 characters) and audit rows.
USER_ID = re.compile(r"^[a-z0-9_.-]{1,32}$")
MIN_PASSWORD = 8
DEMO_PASSWORD = "demo"  # development accounts only: see ensure_demo_accounts
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_accounts (
    user TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    password TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES staff_accounts(user),
    csrf TEXT NOT NULL, counter TEXT, created_at REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT, counter TEXT,
    action TEXT NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS staff_audit_at ON staff_audit(at);
"""


class AccountError(ValueError):
    """A bad account request (unknown role, weak password, duplicate id...)."""


@dataclass(frozen=True)
class Account:
    user: str
    name: str
    role: str
    active: bool


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    counter: str | None
    created_at: float
    last_seen: float


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32,
                            n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(actual.hex(), digest)


def _token_hash(token: str) -> str:
    # Only a hash of the cookie value is stored: a copy of the database opens no session.
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    """Accounts, sessions and audit rows in one SQLite file (the queue store's)."""

    def __init__(self, db_path: str | Path, *, idle_timeout: float = 3600.0,
                 max_age: float = 10 * 3600.0):
        self.db_path = str(db_path)
        self.idle_timeout = idle_timeout
        self.max_age = max_age
        # Verifying a password for an unknown user costs as much as for a known one.
        self._dummy_hash = hash_password(secrets.token_hex(8))
        open_database(self.db_path).close()  # created owner-only: it holds password hashes
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=10.0)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    # ---- accounts ------------------------------------------------------------------
    def add(self, user: str, name: str, role: str, password: str, *,
            allow_short: bool = False) -> Account:
        if not USER_ID.match(user):
            raise AccountError(f"user id {user!r}: use 1-32 of a-z, 0-9, '.', '_' and '-'")
        if role not in ROLES:
            raise AccountError(f"role {role!r}: must be one of {', '.join(ROLES)}")
        if not name.strip():
            raise AccountError("name must not be empty")
        if len(password) < MIN_PASSWORD and not allow_short:
            raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO staff_accounts (user, name, role, password, active, created_at)"
                    " VALUES (?, ?, ?, ?, 1, ?)",
                    (user, name.strip(), role, hash_password(password), time.time()),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"user id {user!r} already exists") from None
        return Account(user, name.strip(), role, True)

    def set_password(self, user: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
        with self._db() as db:
            cur = db.execute("UPDATE staff_accounts SET password = ? WHERE user = ?",
                             (hash_password(password), user))
            if cur.rowcount == 0:
                raise AccountError(f"no account {user!r}")
            db.execute("DELETE FROM staff_sessions WHERE user = ?", (user,))

    def set_active(self, user: str, active: bool) -> None:
        with self._db() as db:
            cur = db.execute("UPDATE staff_accounts SET active = ? WHERE user = ?",
                             (int(active), user))
            if cur.rowcount == 0:
                raise AccountError(f"no account {user!r}")
            if not active:
                db.execute("DELETE FROM staff_sessions WHERE user = ?", (user,))

    def accounts(self) -> list[Account]:
        with self._db() as db:
            rows = db.execute("SELECT user, name, role, active FROM staff_accounts ORDER BY user")
            return [Account(r["user"], r["name"], r["role"], bool(r["active"])) for r in rows]

    def authenticate(self, user: str, password: str) -> Account | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM staff_accounts WHERE user = ?", (user,)).fetchone()
        if row is None:
            verify_password(password, self._dummy_hash)
            return None
        if not verify_password(password, row["password"]) or not row["active"]:
            return None
        return Account(row["user"], row["name"], row["role"], True)

    # ---- sessions ------------------------------------------------------------------
    def open_session(self, account: Account, now: float | None = None) -> str:
        """A new session; returns the cookie value (only its hash is stored)."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute("DELETE FROM staff_sessions WHERE last_seen < ? OR created_at < ?",
                       (now - self.idle_timeout, now - self.max_age))
            db.execute(
                "INSERT INTO staff_sessions (token_hash, user, csrf, counter, created_at,"
                " last_seen) VALUES (?, ?, ?, NULL, ?, ?)",
                (_token_hash(token), account.user, secrets.token_urlsafe(24), now, now),
            )
        return token

    def session(self, token: str | None, now: float | None = None) -> Session | None:
        """The live session of a cookie value, refreshed; None if unknown or expired."""
        if not token:
            return None
        now = time.time() if now is None else now
        key = _token_hash(token)
        with self._db() as db:
            row = db.execute(
                "SELECT s.*, a.name, a.role, a.active FROM staff_sessions s"
                " JOIN staff_accounts a ON a.user = s.user WHERE s.token_hash = ?", (key,),
            ).fetchone()
            if row is None:
                return None
            expired = (now - row["last_seen"] > self.idle_timeout
                       or now - row["created_at"] > self.max_age or not row["active"])
            if expired:
                db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (key,))
                return None
            db.execute("UPDATE staff_sessions SET last_seen = ? WHERE token_hash = ?", (now, key))
        account = Account(row["user"], row["name"], row["role"], True)
        return Session(account, row["csrf"], row["counter"], row["created_at"], now)

    def set_counter(self, token: str, counter: str | None) -> None:
        with self._db() as db:
            db.execute("UPDATE staff_sessions SET counter = ? WHERE token_hash = ?",
                       (counter, _token_hash(token)))

    def others_at(self, counter: str, user: str, now: float | None = None,
                  within_s: float = 600.0) -> list[str]:
        """Names of other staff whose session works `counter` and was used lately."""
        now = time.time() if now is None else now
        with self._db() as db:
            rows = db.execute(
                "SELECT DISTINCT a.name FROM staff_sessions s JOIN staff_accounts a"
                " ON a.user = s.user WHERE s.counter = ? AND s.user != ? AND s.last_seen > ?"
                " ORDER BY a.name", (counter, user, now - min(within_s, self.idle_timeout)),
            ).fetchall()
        return [r["name"] for r in rows]

    def close_session(self, token: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_token_hash(token),))

    # ---- audit ---------------------------------------------------------------------
    def audit(self, user: str | None, counter: str | None, action: str, ok: bool = True,
              now: float | None = None, **detail: object) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO staff_audit (at, user, counter, action, ok, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (time.time() if now is None else now, user, counter, action, int(ok),
                 json.dumps(detail, ensure_ascii=False, sort_keys=True)),
            )

    def audit_log(self, since: float | None = None, limit: int = 200) -> list[dict]:
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM staff_audit WHERE at >= ? ORDER BY id DESC LIMIT ?",
                (since or 0.0, limit),
            ).fetchall()
        return [{"at": r["at"], "user": r["user"], "counter": r["counter"],
                 "action": r["action"], "ok": bool(r["ok"]), "detail": json.loads(r["detail"])}
                for r in rows]


def ensure_demo_accounts(db_path: str | Path, out=None) -> list[Account]:
    """DEVELOPMENT ONLY: create `demo` (supervisor) and `counter1` (counter staff), both
    with password `demo`, if the database has no account yet. Prints a warning."""
    store = AccountStore(db_path)
    if store.accounts():
        return []
    made = [
        store.add("demo", "デモ 管理者", "supervisor", DEMO_PASSWORD, allow_short=True),
        store.add("counter1", "デモ 窓口職員", "counter", DEMO_PASSWORD, allow_short=True),
        store.add("admin", "デモ システム管理者", "admin", DEMO_PASSWORD, allow_short=True),
    ]
    print("WARNING: development accounts created (password 'demo'), never use in production: "
          + ", ".join(f"{a.user} ({a.role})" for a in made), file=out or sys.stdout)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queue_service.accounts",
                                     description="Manage staff accounts of the queue service.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("--db", required=True, help="the queue service's SQLite file")
    add.add_argument("--user", required=True, help="staff id (a-z, 0-9, . _ -)")
    add.add_argument("--name", required=True, help="the staff member's name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-file", help="read the password from this file's first line")
    pw = sub.add_parser("passwd", help="set a new password (signs the account out)")
    pw.add_argument("--db", required=True)
    pw.add_argument("--user", required=True)
    pw.add_argument("--password-file")
    for name, help_ in (("disable", "disable an account"), ("enable", "enable an account")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--db", required=True)
        p.add_argument("--user", required=True)
    ls = sub.add_parser("list", help="list accounts")
    ls.add_argument("--db", required=True)
    args = parser.parse_args(argv)

    def password() -> str:
        if args.password_file:
            return Path(args.password_file).read_text("utf-8").splitlines()[0]
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise AccountError("the two passwords differ")
        return first

    try:
        store = AccountStore(args.db)
        if args.cmd == "add":
            a = store.add(args.user, args.name, args.role, password())
            print(f"created {a.user} ({a.role})")
        elif args.cmd == "passwd":
            store.set_password(args.user, password())
            print(f"password of {args.user} changed")
        elif args.cmd in ("disable", "enable"):
            store.set_active(args.user, args.cmd == "enable")
            print(f"{args.user} {args.cmd}d")
        else:
            for a in store.accounts():
                print(f"{a.user}\t{a.role}\t{'active' if a.active else 'disabled'}\t{a.name}")
    except (AccountError, OSError, IndexError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
