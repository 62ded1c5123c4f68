"""Fixtures for the web pages: the real QueueService (SQLite file, MQTT shell on the real
Mosquitto of the `broker` fixture) with the web app, signed-in staff clients, a live
uvicorn server and a real headless Chromium."""

from __future__ import annotations

import re
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from demo.broker import free_port, wait_for_port
from protocol import messages as m
from protocol.client import new_request_id
from protocol.site import load_config
from queue_service.accounts import AccountStore
from queue_service.mqtt_shell import MqttShell
from queue_service.service import QueueService
from queue_service.web import create_app

PASSWORD = "correct-horse-battery"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def service(broker, tmp_path):
    svc = QueueService(load_config(), tmp_path / "data")
    shell = MqttShell(svc, broker.host, broker.port)
    svc.start()
    shell.start()
    assert shell.sole.cleared.wait(10), "the service did not begin serving"  # subscribed
    yield svc
    shell.stop()
    svc.stop()


@pytest.fixture
def accounts(service) -> AccountStore:
    store = AccountStore(service.store.db_path)
    for user, role in (("tanaka", "counter"), ("suzuki", "supervisor"), ("kato", "concierge"),
                       ("admin", "admin")):
        store.add(user, f"{user} 名前", role, PASSWORD)
    return store


@pytest.fixture
def app(service, accounts):
    return create_app(service, accounts=accounts)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def sign_in(client: TestClient, user: str, password: str = PASSWORD):
    page = client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/staff/login", data={"user": user, "password": password,
                                             "csrf_token": csrf}, follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/staff/dashboard") -> str:
    page = client.get(path)
    return re.search(r'name="csrf" content="([^"]+)"', page.text).group(1)


def issue(svc: QueueService, *procedures: str, point: str = "east", needs=()) -> dict:
    r = svc.submit("issue", m.IssueRequest(request_id=new_request_id(), issuing_point=point,
                                           procedures=list(procedures), needs=list(needs)))
    assert r.ok, r.error
    return r.result.model_dump()


def counter_command(svc: QueueService, command: str, counter: str, **fields) -> m.Response:
    request = m.COMMANDS[command](request_id=new_request_id(), counter=counter, **fields)
    return svc.submit(command, request, "counter-test")


class LiveServer:
    """The web app served by uvicorn in a thread, as `python -m queue_service` serves it."""

    def __init__(self, app):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        wait_for_port("127.0.0.1", self.port, 10)
        deadline = time.time() + 10
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    """The OS Chromium (Debian package) driven by Playwright; fails if it is missing."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
