"""Staff cards: a reader calls back with the card's UID; the lock looks up its digest.

`NfcpyReader` drives a real reader with nfcpy (e.g. a Sony RC-S380 at path "usb");
`FakeCardReader` is the same interface for tests and development without hardware.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)
OnCard = Callable[[bytes], None]


class CardReader(Protocol):
    def start(self, on_card: OnCard) -> None: ...

    def stop(self) -> None: ...


class FakeCardReader:
    """Holds a card to the reader: `tap(uid)`."""

    def __init__(self) -> None:
        self._on_card: OnCard | None = None

    def start(self, on_card: OnCard) -> None:
        self._on_card = on_card

    def stop(self) -> None:
        self._on_card = None

    def tap(self, uid: bytes) -> None:
        if self._on_card is not None:
            self._on_card(uid)


class NfcpyReader:
    """Reads card UIDs in a background thread; reopens the reader if it goes away."""

    def __init__(self, path: str = "usb", retry_s: float = 5.0):
        self.path = path
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_card: OnCard) -> None:
        import nfc  # noqa: F401 - fail at start, clearly, if nfcpy is missing

        self._thread = threading.Thread(target=self._loop, args=(on_card,), daemon=True,
                                        name="nfc-reader")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def _loop(self, on_card: OnCard) -> None:
        import nfc

        def connected(tag) -> bool:
            on_card(bytes(tag.identifier))
            return True  # wait until the card is taken away before reading again

        while not self._stop.is_set():
            try:
                with nfc.ContactlessFrontend(self.path) as clf:
                    while not self._stop.is_set():
                        clf.connect(rdwr={"on-connect": connected},
                                    terminate=self._stop.is_set)
            except (OSError, RuntimeError) as exc:
                log.warning("card reader %s unavailable: %s", self.path, exc)
                self._stop.wait(self.retry_s)
