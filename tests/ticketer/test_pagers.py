"""Vibrating pagers lent at the concierge desk: the transmitter's protocol over a pty (a
fake transmitter that checks every frame), the page on the call through the real queue
service, the pager's return, and the `hearing` need the ticket carries."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from kivy.tests.common import GraphicUnitTest

from firmware.pager_link import (
    ACK,
    ETX,
    NAK,
    STX,
    FrameError,
    SerialPagerTransmitter,
    decode,
    encode_page,
    frame,
)
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config
from tests.pty_device import PtyDevice
from ticketer.device import IssuerDevice
from ticketer.pagers import PagerDesk
from ticketer.printer import TicketPrinter
from ticketer.sim_printer import SimulatedPrinter

from .helpers import eventually


class FakeTransmitter(PtyDevice):
    """The transmitter's end of a pty: checks each frame's checksum and body, answers ACK
    (NAK to a bad frame or a pager it does not know), and puts pagers back on its base."""

    def __init__(self, known: range = range(1, 51)):
        super().__init__()
        self.known = known
        self.pages: list[tuple[int, int, int]] = []  # (pager, alert, number)
        self.bad: list[bytes] = []
        self.host_answers: list[bytes] = []
        self.start()

    def put_back(self, pager: int) -> None:
        os.write(self.master, frame(f"R{pager:03d}".encode()))

    def receive(self, buffer: bytes) -> bytes:
        while buffer:
            if buffer[:1] in (ACK, NAK):
                self.host_answers.append(buffer[:1])
                buffer = buffer[1:]
                continue
            if ETX not in buffer or len(buffer) < buffer.index(ETX) + 3:
                break
            end = buffer.index(ETX) + 3
            data, buffer = buffer[:end], buffer[end:]
            os.write(self.master, self._answer(data))
        return buffer

    def _answer(self, data: bytes) -> bytes:
        try:
            body = decode(data)
        except FrameError:
            self.bad.append(data)
            return NAK
        text = body.decode("ascii")
        if len(text) != 9 or text[0] != "P" or not text[1:].isdigit() or text[4] not in "12":
            self.bad.append(data)
            return NAK
        pager = int(text[1:4])
        if pager not in self.known:
            return NAK
        self.pages.append((pager, int(text[4]), int(text[5:])))
        return ACK

@pytest.fixture
def transmitter():
    t = FakeTransmitter()
    yield t
    t.close()


def test_page_frames_carry_a_checksum_and_fit_the_pager():
    assert encode_page(7, 123, "call") == STX + b"P00710123" + ETX + b"DE"
    assert decode(encode_page(12, 5, "recall")) == b"P01220005"
    with pytest.raises(FrameError, match="checksum"):
        decode(STX + b"P00710123" + ETX + b"00")
    with pytest.raises(FrameError):
        encode_page(1000, 1, "call")


def test_the_link_pages_retries_on_nak_and_hears_returns(transmitter):
    link = SerialPagerTransmitter(transmitter.port, answer_s=0.5)
    returned: list[int] = []
    link.on_return(returned.append)
    try:
        assert link.page(7, 123, "call")
        assert transmitter.pages == [(7, 1, 123)] and transmitter.bad == []
        assert not link.page(77, 124, "call")  # a pager the transmitter does not know
        assert link.health() == {"alerts": ["pager:no_answer"]}
        transmitter.put_back(7)
        eventually(lambda: returned == [7], what="the return of pager 7")
        eventually(lambda: transmitter.host_answers == [ACK], what="the host's ACK")
    finally:
        link.close()


def test_a_pager_lent_with_the_ticket_vibrates_on_the_call_and_its_return_is_recorded(
        queue_service, tmp_path, settings, transmitter):
    site = load_config()
    client = ServiceClient(site.id, "issuer-east", queue_service.broker.host,
                           queue_service.broker.port)
    assert client.start()
    desk = PagerDesk(tmp_path / "pagers.sqlite3", SerialPagerTransmitter(transmitter.port),
                     site.business_day)
    dev = IssuerDevice(replace(settings, data_dir=tmp_path / "issuer"), site, client,
                       TicketPrinter(SimulatedPrinter), pagers=desk, run=lambda task: task(),
                       interval=0.2)
    dev.start()
    clerk = ServiceClient(site.id, "counter-c07", queue_service.broker.host,
                          queue_service.broker.port)
    assert clerk.start()
    try:
        eventually(lambda: dev.issuer.service_online, what="issuer online")
        p = dev.presenter
        assert p.unlock_pin("1024", "4821").ok
        p.add_procedure("nozei")
        assert not p.set_pager("P1000")  # not a pager id
        assert p.set_pager("P07")
        assert "hearing" in p.needs  # the console will warn that the call may not be heard
        p.issue()
        number = p.last.number
        assert desk.out()[0]["pager"] == 7 and desk.out()[0]["number"] == number
        p.next_citizen()
        p.add_procedure("nozei")
        assert not p.set_pager("7")
        assert p.notice.text == "呼出器7番は貸出中です。返却を記録してから使ってください。"

        for command in ("open_counter", "call_next"):
            assert clerk.request(command, m.COMMANDS[command](
                request_id=new_request_id(), counter="c07")).ok
        eventually(lambda: transmitter.pages == [(7, 1, number)], what="pager 7 paged")
        assert clerk.request("recall", m.Recall(request_id=new_request_id(), counter="c07")).ok
        eventually(lambda: len(transmitter.pages) == 2, what="the recall paged")  # a new call id
        assert transmitter.pages[1] == (7, 2, number)  # the recall's short pulses

        transmitter.put_back(7)  # back on the charging base at the desk
        eventually(lambda: desk.out() == [], what="the return recorded")
        row = desk.history()[0]
        assert row["pages"] == 2 and row["returned_at"] is not None
        assert p.set_pager("7")  # it can go out again
    finally:
        clerk.stop()
        dev.stop()
        client.stop()


class TestPagerInputOnTheConciergeScreen(GraphicUnitTest):
    def test_a_scanned_pager_id_goes_with_the_ticket_and_sets_the_hearing_need(self):
        import tempfile
        from pathlib import Path

        from kivy.core.window import Window
        from kivy.uix.textinput import TextInput

        from protocol.client import ServiceClient as Client
        from ticketer.app import IssuerRoot, register_fonts
        from ticketer.issuing import Issuer
        from ticketer.lock import ConciergeLock
        from ticketer.presenter import ConciergePresenter
        from ticketer.settings import DeviceSettings
        from ticketer.store import LocalStore

        from .conftest import STAFF, Clock

        register_fonts()
        tmp = Path(tempfile.mkdtemp())
        site, clock = load_config(), Clock()
        settings = DeviceSettings(staff=STAFF, data_dir=tmp)
        store = LocalStore(tmp / "issuer.sqlite3")
        store.add_lease(site.business_day(clock()), 101, 120)
        lock = ConciergeLock(settings.directory(), settings.lock, store.audit, site.timezone, clock)
        p = ConciergePresenter(settings, site, lock, Issuer(Client(site.id, "issuer-east"), store,
                               site, "east", clock=clock),
                               TicketPrinter(SimulatedPrinter), store, clock=clock)
        p.pagers = PagerDesk(tmp / "pagers.sqlite3", None, site.business_day, clock)
        assert p.unlock_pin("1024", "4821").ok
        Window.size = (1280, 800)
        root = IssuerRoot(p, size_hint=(None, None), size=(1280, 800))
        self.render(root)
        root.refresh()
        field = next(w for w in root.current_screen.walk()
                     if isinstance(w, TextInput) and w.hint_text.startswith("呼出器"))
        field.text = "007"
        field.dispatch("on_text_validate")
        root.refresh()
        self.advance_frames(2)
        assert p.pager == 7 and "hearing" in p.needs and field.text == "P007"
        p.add_procedure("nozei")
        p.issue()  # offline, from the lease: the pager is lent with number 101
        assert p.pagers.out()[0]["number"] == 101
        p.next_citizen()
        root.refresh()
        assert field.text == ""
