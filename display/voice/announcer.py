"""Spoken calls, one after another: a queue and one worker, so no call cuts another off.

`say()` returns at once; the worker assembles the call from the clip library and plays
it to the sink, which blocks until the sound is out. A recall is queued like any call.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from .clips import Call, ClipLibrary
from .sinks import Sink

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, library: ClipLibrary, sink: Sink, languages: list[str]):
        self.library = library
        self.sink = sink
        self.languages = list(languages)
        self.audio_ok = True
        self._queue: queue.Queue[Call | Callable[[], None] | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, call: Call) -> None:
        self._idle.clear()
        self._queue.put(call)

    def chime(self) -> None:
        """The chime alone (the device's `test_chime` command)."""
        self._idle.clear()
        self._queue.put(lambda: self.sink.play(self.library.clip("chime")))

    def set_languages(self, languages: list[str]) -> None:
        self.languages = list(languages)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything queued so far has been played."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def health(self) -> dict:
        return {"audio": "ok" if self.audio_ok else "error"}

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                if isinstance(item, Call):
                    self.sink.play(self.library.assemble(item, self.languages))
                else:
                    item()
                self.audio_ok = True
            except Exception:
                self.audio_ok = False
                log.exception("announcement failed")
            finally:
                if self._queue.empty():
                    self._idle.set()
