"""Fixtures of the kiosk tests: the shipped site configuration and a simulated card."""

from __future__ import annotations

import pytest

from kiosk import floormap
from kiosk.mynacard import SimulatedCard, SimulatedReader
from protocol.follower import ServiceFollower
from protocol.site import load_config


@pytest.fixture
def citizen() -> dict[str, str]:
    """The simulated card holder (a made-up person)."""
    return {"name": "伊勢崎 花子", "address": "群馬県伊勢崎市今泉町二丁目410番地"}


@pytest.fixture
def config():
    return load_config()


@pytest.fixture
def live(config):
    return ServiceFollower(config)


@pytest.fixture
def east(config):
    return floormap.resolve_here(config, "east")


@pytest.fixture
def card(citizen):
    return SimulatedCard(citizen["name"], citizen["address"], "19800401", "2", pin="1234")


@pytest.fixture
def reader(card):
    return SimulatedReader(card)
