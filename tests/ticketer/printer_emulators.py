"""Receipt printers at the end of a real serial line (a pty pair) or TCP socket.

Like a real printer, they answer DLE EOT n wherever those bytes occur in the stream,
also inside image data. Their state (paper, cover, tickets) is a SimulatedPrinter's.
"""

from __future__ import annotations

import os
import select
import socket
import threading

from ticketer.sim_printer import SimulatedPrinter


class StreamPrinter:
    def __init__(self) -> None:
        self.mech = SimulatedPrinter()
        self.received = bytearray()
        self._scan = 0
        self._stop = threading.Event()
        self._extra = bytearray()

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return what the printer sends back."""
        self.received += data
        out = bytearray(self._extra)
        self._extra.clear()
        while (i := self.received.find(b"\x10\x04", self._scan)) >= 0 and i + 2 < len(self.received):
            out.append(self.mech.status_byte(self.received[i + 2]))
            self._scan = i + 3
        self._scan = max(self._scan, len(self.received) - 2)
        self.mech.tickets = self.received.count(b"\x1bd")
        return bytes(out)

    def stale_answer(self, n: int = 4) -> None:
        """Queue an answer the host did not ask for now (as after DLE EOT in image data)."""
        self.mech.paper, saved = "out", self.mech.paper
        self._extra.append(self.mech.status_byte(n))
        self.mech.paper = saved


class TcpPrinter(StreamPrinter):
    """A network printer on 127.0.0.1 (port 9100 style raw TCP)."""

    def __init__(self) -> None:
        super().__init__()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                if answer := self.feed(data):
                    conn.sendall(answer)

    def push_stale(self) -> None:
        self.stale_answer()
        for conn in self._conns:
            conn.sendall(bytes(self._extra))
        self._extra.clear()

    def unplug(self) -> None:
        self._stop.set()
        self.server.close()
        for conn in self._conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


class PtyPrinter(StreamPrinter):
    """A serial printer: the host opens `path`, the printer end is the pty master."""

    def __init__(self) -> None:
        super().__init__()
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if answer := self.feed(data):
                os.write(self.master, answer)

    def push_stale(self) -> None:
        self.stale_answer()
        os.write(self.master, bytes(self._extra))
        self._extra.clear()

    def close(self) -> None:
        self._stop.set()
        os.close(self.master)
        os.close(self.slave)
