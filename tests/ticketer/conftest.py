"""Fixtures of the ticket issuer: staff, settings, a clock, the local store, a printer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from protocol.site import load_config
from ticketer.lock import ConciergeLock
from ticketer.printer import TicketPrinter
from ticketer.settings import DeviceSettings, LockSettings
from ticketer.sim_printer import SimulatedPrinter
from ticketer.staff import StaffMember, card_digest, hash_pin
from ticketer.store import LocalStore

# 2027-03-29 09:00 in Isesaki: a late-March Monday morning
T0 = datetime(2027, 3, 29, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
HANAKO_CARD = bytes.fromhex("012e4cd1a2b3c4d5")
STAFF = (
    StaffMember("1024", "受付 花子", hash_pin("4821"), (card_digest(HANAKO_CARD),)),
    StaffMember("1031", "案内 太郎", hash_pin("735190")),
)


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site():
    return load_config()


@pytest.fixture
def settings(tmp_path) -> DeviceSettings:
    return DeviceSettings(
        device="issuer-east", issuing_point="east", data_dir=tmp_path / "issuer",
        lock=LockSettings(idle_minutes=10, closing_time=time(17, 15), max_wrong_pins=5,
                          lockout_minutes=5),
        staff=STAFF,
    )


@pytest.fixture
def store(tmp_path):
    s = LocalStore(tmp_path / "issuer" / "issuer.sqlite3")
    yield s
    s.close()


@pytest.fixture
def lock(settings, store, clock) -> ConciergeLock:
    return ConciergeLock(settings.directory(), settings.lock, store.audit, "Asia/Tokyo", clock)


@pytest.fixture
def sim() -> SimulatedPrinter:
    return SimulatedPrinter(profile="TM-T88V")


@pytest.fixture
def printer(sim) -> TicketPrinter:
    return TicketPrinter(lambda: sim)


def with_self_service(settings: DeviceSettings, *procedures: str) -> DeviceSettings:
    from ticketer.settings import SelfServiceSettings
    return replace(settings, self_service=SelfServiceSettings(True, procedures, ()))


@pytest.fixture
def presenter(settings, site, lock, store, printer, clock):
    """A presenter whose service link was never started: it issues from a lease of
    numbers 101-120 kept in its store, as an issuer does while the service is away."""
    from protocol.client import ServiceClient
    from ticketer.issuing import Issuer
    from ticketer.presenter import ConciergePresenter

    issuer = Issuer(ServiceClient(site.id, settings.device), store, site, "east", clock=clock)
    store.add_lease(site.business_day(clock()), 101, 120)
    return ConciergePresenter(settings, site, lock, issuer, printer, store, clock=clock)
