"""The device end of a pty, for fakes of serial hardware (LED sign, pager transmitter):
the driver under test opens `port`; a thread reads what it writes and `receive(chunk)`
of the subclass answers on `master`."""

from __future__ import annotations

import os
import select
import threading


class PtyDevice:
    def __init__(self):
        self.master, self._slave = os.openpty()
        self.port = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> PtyDevice:
        self._thread.start()
        return self

    def _run(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                buffer = self.receive(buffer + os.read(self.master, 64))

    def receive(self, buffer: bytes) -> bytes:
        """Handle the complete frames at the start of `buffer`; return what is left."""
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.master)
        os.close(self._slave)
