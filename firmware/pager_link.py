"""Vibrating pagers for citizens who cannot hear a spoken call: the transmitter's serial link.

The transmitter (at the concierge desk, where pagers are lent and put back on their
charging base) speaks a framed ASCII protocol over RS-232:

    STX  body  ETX  SUM
    0x02 ...   0x03 two upper-case hex digits: sum of the body bytes modulo 256

    host -> transmitter
      P ppp a nnnn   page pager ppp (3 digits) with alert a (1 = call: long pulses,
                     2 = recall: short pulses), showing ticket number nnnn
                     e.g. pager 7, call, number 123:  02 'P00710123' 03 'DE'
    transmitter -> host
      ACK (0x06) to a good frame, NAK (0x15) to a bad one or an unknown pager
      R ppp          pager ppp was put back on the charging base (the host answers ACK)

The host waits `answer_s` for the answer and sends once more on NAK or silence. Pages go
out from one worker thread, in order; a reader thread takes the returns as they come.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

import serial

log = logging.getLogger(__name__)
STX, ETX, ACK, NAK = b"\x02", b"\x03", b"\x06", b"\x15"
ALERTS = {"call": 1, "recall": 2}


class FrameError(ValueError):
    """Bytes that are not a valid transmitter frame."""


class PagerTransmitter(Protocol):
    """What the concierge desk needs of a transmitter (a real one, or a test's)."""

    def page(self, pager: int, number: int, kind: str) -> bool:
        """Page and wait for the answer: True if the transmitter took it."""
        ...

    def on_return(self, callback: Callable[[int], None]) -> None: ...

    def close(self) -> None: ...


def checksum(body: bytes) -> bytes:
    return f"{sum(body) % 256:02X}".encode("ascii")


def frame(body: bytes) -> bytes:
    return STX + body + ETX + checksum(body)


def encode_page(pager: int, number: int, kind: str) -> bytes:
    if kind not in ALERTS:
        raise FrameError(f"unknown alert {kind!r} (known: {', '.join(ALERTS)})")
    if not 1 <= pager <= 999:
        raise FrameError(f"pager {pager} is not 1-999")
    if not 0 <= number <= 9999:
        raise FrameError(f"number {number} does not fit the pager (0-9999)")
    return frame(f"P{pager:03d}{ALERTS[kind]}{number:04d}".encode("ascii"))


def decode(data: bytes) -> bytes:
    """The body of one frame; FrameError if it is not a valid frame."""
    if len(data) < 5 or data[:1] != STX or data[-3:-2] != ETX:
        raise FrameError(f"not a transmitter frame: {data!r}")
    body = data[1:-3]
    if data[-2:] != checksum(body):
        raise FrameError(f"bad checksum in {data!r}")
    return body


class SerialPagerTransmitter:
    def __init__(self, port: str, baudrate: int = 9600, *, answer_s: float = 0.5, tries: int = 2):
        self.port = serial.serial_for_url(port, baudrate=baudrate, timeout=0.05)
        self.answer_s = answer_s
        self.tries = tries
        self.answering = True
        self._answers: queue.Queue[bytes] = queue.Queue()
        self._returns: list[Callable[[int], None]] = []
        self._write = threading.Lock()
        self._paging = threading.Lock()  # one page at a time: its answer is the next ACK/NAK
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, name="pager-reader", daemon=True)
        self._reader.start()

    def on_return(self, callback: Callable[[int], None]) -> None:
        self._returns.append(callback)

    def page(self, pager: int, number: int, kind: str) -> bool:
        data = encode_page(pager, number, kind)
        with self._paging:
            return self._page(data)

    def _page(self, data: bytes) -> bool:
        for _ in range(self.tries):
            while not self._answers.empty():
                self._answers.get_nowait()
            with self._write:
                self.port.write(data)
                self.port.flush()
            try:
                answer = self._answers.get(timeout=self.answer_s)
            except queue.Empty:
                answer = b""
            if answer == ACK:
                self.answering = True
                return True
            log.warning("pager transmitter answered %r to a page", answer)
        self.answering = False
        return False

    def health(self) -> dict:
        return {} if self.answering else {"alerts": ["pager:no_answer"]}

    def close(self) -> None:
        self._stop.set()
        self._reader.join(timeout=5)
        self.port.close()

    def _read(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            try:
                buffer += self.port.read(64)
            except serial.SerialException:
                if not self._stop.is_set():
                    log.exception("pager transmitter link failed")
                return
            while buffer:
                if buffer[:1] in (ACK, NAK):
                    self._answers.put(buffer[:1])
                    buffer = buffer[1:]
                elif buffer[:1] == STX:
                    end = buffer.find(ETX)
                    if end < 0 or len(buffer) < end + 3:
                        break  # the rest of the frame is still on its way
                    data, buffer = buffer[:end + 3], buffer[end + 3:]
                    self._incoming(data)
                else:
                    buffer = buffer[1:]  # line noise

    def _incoming(self, data: bytes) -> None:
        try:
            body = decode(data)
        except FrameError:
            with self._write:
                self.port.write(NAK)
            return
        with self._write:
            self.port.write(ACK)
        if body[:1] == b"R" and body[1:].isdigit():
            for callback in self._returns:
                try:
                    callback(int(body[1:]))
                except Exception:
                    log.exception("a pager return handler failed")
