"""The receipt printer: open it from the device configuration, read its state, print.

State comes from the ESC/POS real-time status (DLE EOT 1, 2, 4), read before and after
each ticket, so a ticket counts as printed only if the printer was ready and still is.
The QR code is drawn by the printer itself (`qr(native=True)`) when its profile says it
can: a few bytes instead of a raster image and crisp at the printer's own resolution;
printers without QR support get the code inside the ticket image.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

from escpos.constants import QR_ECLEVEL_M, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from protocol.messages import PrinterState

from .render import ticket_image, ticket_parts
from .settings import PrinterSettings
from .sim_printer import SimulatedPrinter

log = logging.getLogger(__name__)
RT_STATUS_OFFLINE_CAUSE = b"\x10\x04\x02"
READY: tuple[PrinterState, ...] = ("ok", "paper_low")


def open_printer(s: PrinterSettings) -> Escpos:
    if s.kind == "usb":
        from escpos.printer import Usb
        return Usb(s.vendor_id, s.product_id, timeout=2000, profile=s.profile)
    if s.kind == "serial":
        from escpos.printer import Serial
        return Serial(devfile=s.device, baudrate=s.baudrate, timeout=1, profile=s.profile)
    if s.kind == "network":
        from escpos.printer import Network
        return Network(s.host, s.port, timeout=5, profile=s.profile)
    return SimulatedPrinter(profile=s.profile)


def decode_status(online: bytes, cause: bytes | None, paper: bytes) -> PrinterState:
    """Interpret DLE EOT 1 (printer), 2 (offline cause) and 4 (paper) answers."""
    if not online:
        return "offline"
    if online[0] & 0x08:
        if cause and cause[0] & 0x04:
            return "cover_open"
        if cause and cause[0] & 0x20:
            return "paper_out"
        return "offline"
    if paper and paper[0] & 0x60 == 0x60:
        return "paper_out"
    if paper and paper[0] & 0x0C == 0x0C:
        return "paper_low"
    return "ok"


def ask(printer: Escpos, command: bytes) -> bytes:
    """Send a real-time status request and read its one-byte answer."""
    dev = printer.device
    if hasattr(dev, "reset_input_buffer"):
        # serial: escpos reads 16 bytes, which waits out the whole timeout for every query
        printer._raw(command)
        return dev.read(1)
    return printer.query_status(command)


def drain(printer: Escpos) -> None:
    """Throw away bytes waiting from the printer before a status query. Printers answer
    DLE EOT even where those bytes occur inside image data, so stale answers may be
    queued; without this the next query would read one of them."""
    dev = printer.device
    if hasattr(dev, "reset_input_buffer"):  # serial
        dev.reset_input_buffer()
    elif isinstance(dev, socket.socket):  # network
        timeout = dev.gettimeout()
        dev.setblocking(False)
        try:
            while dev.recv(256):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            dev.settimeout(timeout)


class TicketPrinter:
    """One printer, used from one thread at a time; reopens after a failure.

    `status_queries=False` is for printers that never answer DLE EOT: they are taken to
    be ready, and a failure shows only as an error while sending."""

    def __init__(self, opener: Callable[[], Escpos], width_px: int = 512,
                 status_queries: bool = True):
        self._opener = opener
        self.status_queries = status_queries
        self._printer: Escpos | None = None
        self._lock = threading.Lock()
        self.width_px = width_px
        self.state: PrinterState = "offline"

    @property
    def device(self) -> Escpos:
        if self._printer is None:
            self._printer = self._opener()
            pixels = self._printer.profile.profile_data["media"]["width"]["pixels"]
            if isinstance(pixels, int):
                self.width_px = pixels
        return self._printer

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._printer is not None and not isinstance(self._printer, SimulatedPrinter):
            try:
                self._printer.close()
            except Exception as exc:  # noqa: BLE001 - already broken; we reopen next time
                log.debug("closing a failed printer: %s", exc)
            self._printer = None

    def _query(self) -> PrinterState:
        p = self.device
        if not self.status_queries:
            return "ok"
        drain(p)
        online = ask(p, RT_STATUS_ONLINE)
        cause = ask(p, RT_STATUS_OFFLINE_CAUSE) if online and online[0] & 0x08 else None
        paper = ask(p, RT_STATUS_PAPER) if online else b""
        return decode_status(online, cause, paper)

    def status(self) -> PrinterState:
        with self._lock:
            try:
                self.state = self._query()
            except (OSError, EscposError, ValueError) as exc:
                log.info("printer unreachable: %s", exc)
                self._drop()
                self.state = "offline"
            return self.state

    def print_ticket(self, ticket: dict) -> PrinterState:
        """Print if the printer is ready; the state after printing (ok/paper_low = printed)."""
        with self._lock:
            try:
                before = self._query()
                if before not in READY:
                    self.state = before
                    return before
                self._send(ticket)
                self.state = self._query()
            except (OSError, EscposError, ValueError) as exc:
                log.warning("printing failed: %s", exc)
                self._drop()
                self.state = "offline"
            return self.state

    def _send(self, ticket: dict) -> None:
        p = self.device
        p.set(align="center")
        if p.profile.supports("qrCode"):
            top, bottom = ticket_parts(ticket, self.width_px)
            p.image(top)
            p.qr(ticket["url"], ec=QR_ECLEVEL_M, size=6, native=True)
            p.image(bottom)
        else:
            p.image(ticket_image(ticket, self.width_px))
        p.cut()
