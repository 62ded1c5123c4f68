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
        self._pending = 0
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, call: Call) -> None:
        self._put(call)

    def chime(self) -> None:
        """The chime alone (the device's `test_chime` command)."""
        self._put(lambda: self.sink.play(self.library.clip("chime")))

    def _put(self, item: Call | Callable[[], None]) -> None:
        with self._done:
            self._pending += 1
        self._queue.put(item)

    def set_languages(self, languages: list[str]) -> None:
        self.languages = list(languages)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything queued so far has been played."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

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
                with self._done:
                    self._pending -= 1
                    self._done.notify_all()
