"""Staff accounts: hashed passwords, expiring sessions, audit rows, the CLI."""

from __future__ import annotations

import sqlite3

import pytest

from queue_service import accounts as acc
from queue_service.accounts import AccountError, AccountStore


@pytest.fixture
def store(tmp_path) -> AccountStore:
    return AccountStore(tmp_path / "madoguchi.db", idle_timeout=600, max_age=3600)


def test_passwords_are_stored_salted_and_hashed(store, tmp_path):
    store.add("tanaka", "田中 一郎", "counter", "secret-password")
    store.add("suzuki", "鈴木 花子", "counter", "secret-password")
    rows = sqlite3.connect(tmp_path / "madoguchi.db").execute(
        "SELECT password FROM staff_accounts").fetchall()
    hashes = [r[0] for r in rows]
    assert all(h.startswith("scrypt$") and "secret-password" not in h for h in hashes)
    assert hashes[0] != hashes[1]  # same password, different salt
    assert store.authenticate("tanaka", "secret-password").name == "田中 一郎"
    assert store.authenticate("tanaka", "wrong-password") is None
    assert store.authenticate("nobody", "secret-password") is None


def test_bad_accounts_are_refused(store):
    with pytest.raises(AccountError, match="role"):
        store.add("a", "A", "janitor", "long-enough-pw")
    with pytest.raises(AccountError, match="at least 8"):
        store.add("a", "A", "counter", "short")
    with pytest.raises(AccountError, match="user id"):
        store.add("Tanaka San", "A", "counter", "long-enough-pw")
    store.add("a", "A", "counter", "long-enough-pw")
    with pytest.raises(AccountError, match="already exists"):
        store.add("a", "B", "admin", "long-enough-pw")
    assert [a.role for a in store.accounts()] == ["counter"]


def test_sessions_expire_when_idle_and_after_their_lifetime(store):
    account = store.add("tanaka", "田中", "counter", "secret-password")
    t0 = 1_800_000_000.0
    token = store.open_session(account, now=t0)
    assert store.session(token, now=t0 + 500).account.user == "tanaka"
    assert store.session(token, now=t0 + 1000) is not None  # refreshed at +500
    assert store.session(token, now=t0 + 1000 + 601) is None  # idle too long
    assert store.session(token, now=t0 + 1000) is None  # and gone for good
    token = store.open_session(account, now=t0)
    for minutes in range(5, 60, 5):
        assert store.session(token, now=t0 + minutes * 60) is not None
    assert store.session(token, now=t0 + 3601) is None  # past the maximum lifetime
    assert store.session("made-up-token", now=t0) is None


def test_disabling_an_account_ends_its_sessions(store):
    account = store.add("tanaka", "田中", "counter", "secret-password")
    token = store.open_session(account)
    store.set_active("tanaka", False)
    assert store.session(token) is None
    assert store.authenticate("tanaka", "secret-password") is None


def test_audit_rows_name_staff_and_counter(store):
    store.audit("tanaka", "c05", "call_next", ok=True, number=12)
    store.audit("tanaka", "c05", "finish", ok=False, error="no_visit")
    rows = store.audit_log()
    assert [(r["action"], r["user"], r["counter"], r["ok"]) for r in rows] == [
        ("finish", "tanaka", "c05", False), ("call_next", "tanaka", "c05", True)]
    assert rows[1]["detail"] == {"number": 12}


def test_cli_adds_an_account_from_a_password_file(tmp_path, capsys):
    db = tmp_path / "madoguchi.db"
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n")
    assert acc.main(["add", "--db", str(db), "--user", "sato", "--name", "佐藤 次郎",
                     "--role", "supervisor", "--password-file", str(pw)]) == 0
    assert AccountStore(db).authenticate("sato", "a-long-password").role == "supervisor"
    assert acc.main(["add", "--db", str(db), "--user", "sato", "--name", "x",
                     "--role", "counter", "--password-file", str(pw)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert acc.main(["list", "--db", str(db)]) == 0
    assert "sato\tsupervisor\tactive" in capsys.readouterr().out


def test_demo_accounts_only_in_a_fresh_database(tmp_path, capsys):
    db = tmp_path / "madoguchi.db"
    made = acc.ensure_demo_accounts(db)
    assert {a.user for a in made} == {"demo", "counter1", "admin"}
    assert "development" in capsys.readouterr().out
    assert AccountStore(db).authenticate("demo", "demo").role == "supervisor"
    assert acc.ensure_demo_accounts(db) == []  # never re-created or reset
