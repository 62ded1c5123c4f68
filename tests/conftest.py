"""Shared fixtures: a real Mosquitto per test and the real queue service process."""

from __future__ import annotations

import os

# Kivy reads these at import: render offscreen with Mesa, ignore pytest's argv, log quietly.
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")

import pytest

from demo.broker import LocalBroker
from demo.processes import ServiceProcess


@pytest.fixture
def broker(tmp_path):
    """A fresh Mosquitto on a free loopback port; fails (never skips) if not installed."""
    b = LocalBroker(tmp_path / "broker").start()
    yield b
    b.stop()


@pytest.fixture
def queue_service(broker, tmp_path):
    """The real queue service process (SQLite in tmp_path) on the `broker` fixture."""
    svc = ServiceProcess(broker, tmp_path / "service", web_port=0).start()
    yield svc
    svc.stop()


def _page_client():
    """A TestClient that reads pages as a citizen does: the <wbr> line-break hints that
    protocol.phrases.html puts between Japanese phrases are not text (the browser tests
    check where the lines break)."""
    import fastapi.testclient
    import starlette.testclient

    class PageClient(starlette.testclient.TestClient):
        def request(self, *args, **kwargs):
            response = super().request(*args, **kwargs)
            if response.headers.get("content-type", "").startswith("text/html"):
                response._content = response.content.replace(b"<wbr>", b"")
            return response

    fastapi.testclient.TestClient = starlette.testclient.TestClient = PageClient


_page_client()
