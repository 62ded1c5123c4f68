"""Fixtures: the local push endpoint, SMTP server and LINE API, and a queue service whose
site file points its notifications at them."""

from __future__ import annotations

import time

import pytest

from demo.notify_site import site_with
from demo.push_service import PushEndpoint
from protocol import messages as m
from protocol.client import new_request_id
from queue_service.service import QueueService

from .endpoints import LineApi, SmtpServer

LINE_TOKEN = "test-channel-access-token"
LINE_SECRET = "test-channel-secret"


@pytest.fixture
def push_endpoint():
    ep = PushEndpoint().start()
    yield ep
    ep.stop()


@pytest.fixture
def smtp_server():
    s = SmtpServer().start()
    yield s
    s.stop()


@pytest.fixture
def line_api():
    api = LineApi(LINE_TOKEN).start()
    yield api
    api.stop()


def local_site(push_port: int, smtp_port: int = 1, line_port: int = 1, tmp_path=None, **rules):
    token = tmp_path / "line-token"
    token.write_text(LINE_TOKEN + "\n")
    secret = tmp_path / "line-secret"
    secret.write_text(LINE_SECRET + "\n")
    return site_with(
        channels=["webpush", "email", "line"], retry_first_s=0.05, retry_max_s=0.2, **rules,
        webpush={"push_services": [f"http://127.0.0.1:{push_port}"]},
        email={"host": "127.0.0.1", "port": smtp_port, "timeout_s": 2},
        line={"base_url": f"http://127.0.0.1:{line_port}", "token": {"file": str(token)},
              "secret": {"file": str(secret)}, "timeout_s": 2},
    )


@pytest.fixture
def notify_service(push_endpoint, smtp_server, line_api, tmp_path):
    svc = QueueService(local_site(push_endpoint.port, smtp_server.port, line_api.port, tmp_path),
                       tmp_path / "data")
    svc.start()
    yield svc
    svc.stop()


def issue(svc: QueueService, *procedures: str, language: str = "ja") -> dict:
    r = svc.submit("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                           procedures=list(procedures), language=language))
    assert r.ok, r.error
    return r.result.model_dump()


def command(svc: QueueService, name: str, counter: str, **fields) -> m.Response:
    r = svc.submit(name, m.COMMANDS[name](request_id=new_request_id(), counter=counter, **fields))
    assert r.ok, r.error
    return r


def subscribe(svc: QueueService, token: str, channel: str, contact: dict) -> list[str]:
    return svc.read(lambda engine, now: svc.notifier.subscribe(engine, now, token, channel, contact))


def mails_to(smtp, address: str, count: int, timeout: float = 10.0) -> list:
    """The messages sent to `address`, once there are `count` (or at the timeout)."""
    end = time.monotonic() + timeout
    while True:
        got = [x["message"] for x in smtp.messages if address in x["to"]]
        if len(got) >= count or time.monotonic() > end:
            return got
        time.sleep(0.05)
