"""The store is never silently restarted: an empty, corrupt or lost file stops the service
with one line saying what to do; a backup is taken as each business day begins and can be
restored."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from protocol import messages as m
from protocol.client import new_request_id
from protocol.site import load_config
from queue_service import backup
from queue_service.service import QueueService
from queue_service.store import StoreError

from .helpers import T0

REPO = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def run_service(data: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m queue_service` with a broker port nobody listens on: it either refuses at
    once or would run; a refusal is what these tests expect."""
    return subprocess.run(
        [sys.executable, "-m", "queue_service", "--data", str(data), "--web-port", "0",
         "--broker-port", "9", *extra],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PYTHONPATH=str(REPO)))


def issue(svc: QueueService) -> int:
    return svc.submit("issue", m.IssueRequest(
        request_id=new_request_id(), issuing_point="east", procedures=["tennyu"])).result.number


@pytest.mark.parametrize("content, why", [(b"", "is empty"),
                                          (b"SQLite format 3\x00" + os.urandom(4000), "corrupt"),
                                          (os.urandom(8192), "corrupt")])
def test_an_empty_or_corrupt_store_stops_the_service_with_one_line(tmp_path, content, why):
    (tmp_path / "madoguchi.db").write_bytes(content)
    done = run_service(tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert why in lines[0] and "--new-store" in lines[0] and "restore" in lines[0]
    assert (tmp_path / "madoguchi.db").read_bytes() == content  # left as found


def test_a_lost_store_in_a_used_data_directory_is_refused(tmp_path):
    svc = QueueService(load_config(), tmp_path)
    svc.stop()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"madoguchi.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreError, match="missing"):
        QueueService(load_config(), tmp_path)


def test_new_store_keeps_the_bad_file_aside_and_begins_again(tmp_path):
    (tmp_path / "madoguchi.db").write_bytes(b"")
    svc = QueueService(load_config(), tmp_path, new_store=True)
    try:
        assert svc.boot == 1
    finally:
        svc.stop()
    assert [p.name.split(".broken-")[0] for p in tmp_path.glob("*.broken-*")] == ["madoguchi.db"]


def test_a_backup_at_each_rollover_restores_the_numbers_already_given(tmp_path):
    clock = Clock()
    svc = QueueService(load_config(), tmp_path, clock=clock)
    svc.start()
    try:
        first = [issue(svc) for _ in range(3)]
        clock.now = T0 + 24 * 3600  # the next morning: a new business day
        issue(svc)
        day = svc.engine.state.day
    finally:
        svc.stop()
    taken = backup.backups(tmp_path)  # the first day began at the first start
    assert [p.name for p in taken] == ["madoguchi-2027-03-29.db", f"madoguchi-{day}.db"]
    assert taken[-1].stat().st_mode & 0o077 == 0
    with sqlite3.connect(taken[-1]) as db:
        assert db.execute("SELECT count(*) FROM events WHERE type = 'visit_issued'"
                          " AND day = '2027-03-29'").fetchone()[0] == 3

    (tmp_path / "madoguchi.db").write_bytes(b"")  # the disk lost the file's content
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"madoguchi.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreError, match="empty"):
        QueueService(load_config(), tmp_path, clock=clock)
    assert backup.main(["restore", "--data", str(tmp_path), "--day", day]) == 0
    assert (tmp_path / "madoguchi.db").stat().st_mode & 0o077 == 0
    restored = QueueService(load_config(), tmp_path, clock=lambda: T0)
    try:
        issued = [e.number for e in restored.store.events(until=T0 + 3600)
                  if e.type == "visit_issued"]
        assert issued == first and restored.boot > 1
    finally:
        restored.stop()


def test_restore_refuses_a_bad_backup(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"")
    assert backup.main(["restore", "--data", str(tmp_path), "--from", str(bad)]) == 2
    assert "will not restore" in capsys.readouterr().err
