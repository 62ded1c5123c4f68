"""The board's Kivy application: a BoardScreen refreshed ten times a second from the presenter.

With `trace`, it prints one JSON line per event a benchmark or a test wants to time:
`{"ready": t}` on the first frame that shows the service's state, and
`{"shown": call_id, "number": n, "t": t}` on the first frame showing each call, and
`{"received": n, "t": t}` when a call message reached the board (t is `time.time()`).
"""

from __future__ import annotations

import json
import sys
import time

from kivy.app import App
from kivy.clock import Clock

from . import fonts
from .presenter import BoardPresenter, Update
from .screens import BoardScreen

FRAME_S = 0.1


class BoardApp(App):
    def __init__(self, presenter: BoardPresenter, layout: str, trace: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.presenter = presenter
        self.layout = layout
        self.trace = trace
        self.title = "Madoguchi board"
        self._ready = False

    def build(self) -> BoardScreen:
        fonts.register()
        self.screen = BoardScreen(self.layout)
        Clock.schedule_interval(self._tick, FRAME_S)
        return self.screen

    def _tick(self, _dt: float) -> None:
        view = self.presenter.view()
        before = set(self.screen.shown_call_ids)
        self.screen.show(view, self.presenter.clock())
        if not self.trace:
            return
        now = time.time()
        if not self._ready and view.online and view.site_name_ja:
            self._ready = True
            _emit({"ready": now})
        for call in view.calls:
            if call.call_id not in before:
                _emit({"shown": call.call_id, "number": call.number, "t": now})


def trace_received(update: Update) -> None:
    if update.number is not None:
        _emit({"received": update.number, "t": time.time()})


def _emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()
