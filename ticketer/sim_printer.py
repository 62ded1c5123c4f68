"""A simulated receipt printer: `escpos.printer.Dummy` that answers status queries.

It answers DLE EOT 1/2/4 with the status bytes an Epson-compatible printer sends
(ESC/POS reference, "Transmit real-time status"), so the issuer's status code runs
unchanged against it: paper near end or out, cover open, and unplugged (writes fail,
queries get no answer). `tickets_left` counts cuts down to a paper-out, so a roll can
run out in the middle of a day (a ticket ends with the feed `cut()` sends, also on
printers without a cutter).
"""

from __future__ import annotations

from collections import deque

from escpos.constants import DLE, EOT
from escpos.printer import Dummy

_FIXED = 0x12  # bits 1 and 4 are always set in every status byte


class SimulatedPrinter(Dummy):
    def __init__(self, profile: str = "TM-T88V", tickets_left: int | None = None,
                 near_end_at: int = 10):
        super().__init__(profile=profile)
        self.paper = "ok"            # ok | low | out
        self.cover_open = False
        self.connected = True
        self.tickets_left = tickets_left
        self.near_end_at = near_end_at
        self.tickets = 0
        self._answers: deque[bytes] = deque()

    def _raw(self, msg: bytes) -> None:
        if not self.connected:
            raise OSError("printer not reachable (simulated: unplugged)")
        if msg[:2] == DLE + EOT and len(msg) == 3:
            self._answers.append(bytes([self.status_byte(msg[2])]))
            return
        super()._raw(msg)
        if msg.startswith(b"\x1bd"):  # ESC d n: feed the ticket out (then cut, if fitted)
            self.ticket_done()

    def _read(self) -> bytes:
        return self._answers.popleft() if self._answers else b""

    def ticket_done(self) -> None:
        self.tickets += 1
        if self.tickets_left is None:
            return
        self.tickets_left = max(self.tickets_left - 1, 0)
        if self.tickets_left == 0:
            self.paper = "out"
        elif self.tickets_left <= self.near_end_at:
            self.paper = "low"

    def load_paper(self, tickets: int | None = None) -> None:
        self.tickets_left = tickets
        self.paper = "ok"

    @property
    def _offline(self) -> bool:
        return self.cover_open or self.paper == "out"

    def status_byte(self, n: int) -> int:
        """The answer to DLE EOT n in the printer's present state."""
        if n == 1:  # printer status: bit 3 = offline
            return _FIXED | (0x08 if self._offline else 0)
        if n == 2:  # offline cause: bit 2 cover open, bit 5 paper end stop, bit 6 error
            return _FIXED | (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0) \
                | (0x40 if self._offline else 0)
        if n == 4:  # roll paper sensor: bits 2-3 near end, bits 5-6 end
            return _FIXED | (0x0C if self.paper in ("low", "out") else 0) \
                | (0x60 if self.paper == "out" else 0)
        return _FIXED
