"""Every database (with its WAL and SHM files), key and backup the real service process
writes is readable by its owner only, whatever the umask."""

from __future__ import annotations

import os
import stat

from demo.processes import ServiceProcess
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from queue_service.accounts import main as accounts_main
from ticketer.store import LocalStore


def loose(root) -> list[str]:
    """Files others may read (service.log is the test harness's capture of its output)."""
    return sorted(f"{p.relative_to(root)} {stat.filemode(p.stat().st_mode)}"
                  for p in [root, *root.rglob("*")]
                  if p.stat().st_mode & 0o077 and p.name != "service.log")


def test_the_service_writes_nothing_others_can_read(broker, tmp_path):
    old = os.umask(0o022)  # the usual umask: files would be world-readable by default
    try:
        data = tmp_path / "service"
        password = tmp_path / "pw"
        password.write_text("correct-horse-battery\n")
        data.mkdir()
        assert accounts_main(["add", "--db", str(data / "madoguchi.db"), "--user", "tanaka",
                              "--name", "田中", "--role", "counter",
                              "--password-file", str(password)]) == 0
        svc = ServiceProcess(broker, data, web_port=0).start()
        client = ServiceClient("isesaki", "issuer-1", broker.host, broker.port)
        try:
            assert client.start()
            assert client.request("issue", m.IssueRequest(
                request_id=new_request_id(), issuing_point="east", procedures=["tennyu"])).ok
            assert (data / "madoguchi.db-wal").exists()
            assert loose(data) == []
        finally:
            client.stop()
            svc.stop()
        assert loose(data) == []
    finally:
        os.umask(old)


def test_an_issuers_local_store_is_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        store = LocalStore(tmp_path / "issuer.db")
        store.close()
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir() if p.stat().st_mode & 0o077] == []
