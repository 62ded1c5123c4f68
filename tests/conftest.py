"""Shared fixtures: a real Mosquitto per test and the real queue service process."""

from __future__ import annotations

import pytest

from demo.broker import LocalBroker


@pytest.fixture
def broker(tmp_path):
    """A fresh Mosquitto on a free loopback port; fails (never skips) if not installed."""
    b = LocalBroker(tmp_path / "broker").start()
    yield b
    b.stop()
