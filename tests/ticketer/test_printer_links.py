"""The real python-escpos drivers over a serial line (pty pair), TCP and USB (absent)."""

from __future__ import annotations

import time

import pytest

from ticketer.printer import TicketPrinter, open_printer
from ticketer.settings import PrinterSettings

from . import escpos_decode
from .printer_emulators import PtyPrinter, TcpPrinter
from .samples import online_sample


@pytest.fixture
def tcp_printer():
    p = TcpPrinter()
    yield p
    p.unplug()


@pytest.fixture
def serial_printer():
    p = PtyPrinter()
    yield p
    p.close()


def test_network_printer_prints_reports_paper_and_goes_offline_when_unplugged(site, tcp_printer):
    printer = TicketPrinter(lambda: open_printer(PrinterSettings(
        kind="network", host="127.0.0.1", port=tcp_printer.port)))
    assert printer.print_ticket(online_sample(site)) == "ok"
    printed = escpos_decode.decode(bytes(tcp_printer.received))
    assert printed.qr == [online_sample(site)["url"].encode()] and printed.cuts == 1
    tcp_printer.mech.paper = "low"
    assert printer.status() == "paper_low"
    tcp_printer.unplug()
    assert printer.status() == "offline"


def test_serial_printer_status_survives_a_stale_answer(site, serial_printer):
    printer = TicketPrinter(lambda: open_printer(PrinterSettings(
        kind="serial", device=serial_printer.path, baudrate=19200)))
    assert printer.status() == "ok"
    serial_printer.push_stale()  # a paper-out answer the host did not ask for now
    time.sleep(0.1)
    assert printer.status() == "ok"
    serial_printer.mech.cover_open = True
    assert printer.status() == "cover_open"
    serial_printer.mech.cover_open = False
    assert printer.print_ticket(online_sample(site)) == "ok"
    assert serial_printer.mech.tickets == 1
    printer.close()


def test_a_usb_printer_that_is_not_plugged_in_is_offline_not_a_crash():
    printer = TicketPrinter(lambda: open_printer(PrinterSettings(
        kind="usb", vendor_id=0x04B8, product_id=0x0E99)))
    assert printer.status() == "offline"


def test_a_printer_that_never_answers_status_can_still_print(site, tcp_printer):
    printer = TicketPrinter(lambda: open_printer(PrinterSettings(
        kind="network", host="127.0.0.1", port=tcp_printer.port)), status_queries=False)
    assert printer.print_ticket(online_sample(site)) == "ok"
    assert b"\x10\x04" not in tcp_printer.received
