"""Serial LED signs above the counters: a small framed ASCII protocol over pyserial.

One frame per change, addressed by counter number, so several signs can share one
RS-485 line (each listens for its own counter) or each have their own port:

    STX  body  ETX  BCC
    0x02 ...   0x03 two upper-case hex digits: XOR of the body bytes

    body = command (1 letter) + counter number (2 digits) + ticket number (4 digits)
      C  call: show the number and flash (a new call or a recall)
      S  show: show the number steady (state restored after a restart; no flash)
      X  clear: the counter calls nobody now (number field 0000)

    e.g. counter 3 calls 123:  02 'C030123' 03 '40'

The sign answers ACK (0x06) to a good frame, NAK (0x15) to a bad one. The board waits
`answer_s` for it, sends once more on NAK or silence, then gives up on that frame and
reports the sign as not answering in its health. Frames go out from one worker thread,
in order, so a slow sign never holds up the board.
"""

from __future__ import annotations

import logging
import queue
import threading

import serial

log = logging.getLogger(__name__)
STX, ETX, ACK, NAK = b"\x02", b"\x03", b"\x06", b"\x15"
COMMANDS = {"call": "C", "show": "S", "clear": "X"}


class FrameError(ValueError):
    """Bytes that are not a valid sign frame."""


def bcc(body: bytes) -> bytes:
    value = 0
    for byte in body:
        value ^= byte
    return f"{value:02X}".encode("ascii")


def encode_frame(command: str, counter_number: int, number: int | None) -> bytes:
    if command not in COMMANDS:
        raise FrameError(f"unknown sign command {command!r} (known: {', '.join(COMMANDS)})")
    if not 0 < counter_number <= 99:
        raise FrameError(f"counter number {counter_number} does not fit the sign (1-99)")
    if number is not None and not 0 <= number <= 9999:
        raise FrameError(f"number {number} does not fit the sign (0-9999)")
    body = f"{COMMANDS[command]}{counter_number:02d}{(number or 0):04d}".encode("ascii")
    return STX + body + ETX + bcc(body)


def decode_frame(frame: bytes) -> tuple[str, int, int | None]:
    """(command, counter number, number or None) of one frame; FrameError if invalid."""
    if len(frame) != 11 or frame[:1] != STX or frame[8:9] != ETX:
        raise FrameError(f"not a sign frame: {frame!r}")
    body = frame[1:8]
    if frame[9:] != bcc(body):
        raise FrameError(f"bad BCC in {frame!r}")
    letter, counter, number = body[:1].decode(), body[1:3], body[3:]
    command = next((name for name, code in COMMANDS.items() if code == letter), None)
    if command is None or not counter.isdigit() or not number.isdigit():
        raise FrameError(f"bad body in {frame!r}")
    return command, int(counter), None if command == "clear" else int(number)


class SerialSign:
    def __init__(self, port: str, baudrate: int = 9600, *, answer_s: float = 0.5, tries: int = 2):
        self.port = serial.serial_for_url(port, baudrate=baudrate, timeout=answer_s)
        self.tries = tries
        self.answering = True
        self._markers: list[threading.Event] = []
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="serial-sign", daemon=True)
        self._thread.start()

    def send(self, command: str, counter_number: int, number: int | None) -> None:
        self._queue.put(encode_frame(command, counter_number, number))

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued frame has been sent (and answered or given up)."""
        done = threading.Event()
        self._queue.put(b"")  # a marker: the worker sets `done` when it reaches it
        self._markers.append(done)
        done.wait(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        self.port.close()

    def health(self) -> dict:
        return {} if self.answering else {"alerts": ["sign:no_answer"]}

    def _run(self) -> None:
        while True:
            frame = self._queue.get()
            if frame is None:
                return
            if frame == b"":
                self._markers.pop(0).set()
                continue
            try:
                self.answering = self._deliver(frame)
            except serial.SerialException:
                log.exception("serial sign failed")
                self.answering = False

    def _deliver(self, frame: bytes) -> bool:
        for _ in range(self.tries):
            self.port.reset_input_buffer()
            self.port.write(frame)
            self.port.flush()
            answer = self.port.read(1)
            if answer == ACK:
                return True
            log.warning("serial sign answered %r to %r", answer, frame)
        return False
