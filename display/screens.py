"""The board's Kivy screens: a thin view over `BoardPresenter.view()`.

Two layouts share the widgets: `lobby` (1920x1080: the newest call large, the other
calls in tiles, congestion per department, signage, a notice line) and `counter` (a
small counter-top screen: the newest call of its counters, filling the screen). Sizes
are given for the reference resolution and scaled to the window. Text is white or black
on solid colours (whichever contrasts more with the counter colour), numbers are huge,
and the counter is always named in text as well as colour.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from . import fonts
from .labels import label, pick
from .presenter import BoardView, DepartmentRow, ShownCall

BACKGROUND = "#0B1620"
PANEL = "#16263A"
TEXT = "#FFFFFF"
DIM = "#B8C4D0"
FLASH = "#FFEB3B"
TICKER = "#FFD54F"
LEVEL_COLOURS = {"low": "#2E7D32", "medium": "#F9A825", "high": "#C62828", "closed": "#546E7A",
                 "unknown": "#37474F"}
DEPT_COLUMNS = ((0, 280), (286, 116), (408, 140), (554, 166))  # name, waiting, wait, level
FEATURE_PX = {"lobby": 300, "counter": 240}  # the newest number: 4 digits fit its box
REFERENCE = {"lobby": (1920, 1080), "counter": (1024, 600)}
FLASH_PERIOD_S = 0.8  # one light-dark cycle: well below the 3 flashes/s seizure limit


def rgba(hex_colour: str) -> tuple[float, float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, 1.0)


def text_on(hex_colour: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on `hex_colour`."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b, _ = rgba(hex_colour)
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#FFFFFF"


class Box(Label):
    """A label on a solid background rectangle."""

    def __init__(self, bg: str = PANEL, **kwargs):
        kwargs.setdefault("font_name", fonts.BOLD)
        kwargs.setdefault("markup", True)
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("valign", "middle")
        super().__init__(**kwargs)
        with self.canvas.before:
            self._bg_colour = Color(*rgba(bg))
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *_):
        self._bg.pos, self._bg.size = self.pos, self.size
        self.text_size = self.size

    def set_bg(self, hex_colour: str) -> None:
        self._bg_colour.rgba = rgba(hex_colour)


class BoardScreen(FloatLayout):
    """Call `show(view, now)` on every frame tick; it only changes what differs."""

    def __init__(self, layout: str = "lobby", wall: Callable[[], float] = time.time, **kwargs):
        if layout not in REFERENCE:
            raise ValueError(f"unknown layout {layout!r} (known: {', '.join(REFERENCE)})")
        super().__init__(**kwargs)
        self.layout = layout
        self.wall = wall
        self._ref_w, self._ref_h = REFERENCE[layout]
        self._ticker_x = 0.0
        self._ticker_text = ""
        self._last_now: float | None = None
        self.shown_call_ids: set[int] = set()  # for the benchmark's "call shown" probe
        with self.canvas.before:
            Color(*rgba(BACKGROUND))
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._relayout, size=self._relayout)
        self.header = Box(bg=PANEL, halign="left", color=rgba(TEXT), padding=(24, 0))
        self.status = Box(bg=PANEL, halign="right", color=rgba(DIM), padding=(24, 0))
        self.feature_counter = Box()
        self.feature_number = Box()
        self.feature_hint = Box(bg=BACKGROUND, color=rgba(DIM))
        self.tiles: list[tuple[Box, Box, Box]] = []  # counter number, counter word, call number
        self.dept_heads = [Box(bg=BACKGROUND, color=rgba(DIM)) for _ in DEPT_COLUMNS]
        self.dept_rows: list[tuple[Box, Box, Box, Box]] = []
        self.signage_text = Box(bg=PANEL, color=rgba(TEXT), padding=(28, 16))
        self.signage_image = Image(fit_mode="contain")
        self.ticker_clip = _TickerLane()
        self.ticker = Label(font_name=fonts.BOLD, markup=True, color=rgba(TICKER), halign="left",
                            valign="middle")
        self.ticker_clip.add_widget(self.ticker)
        for w in (self.header, self.status, self.feature_counter, self.feature_number,
                  self.feature_hint, *self.dept_heads, self.signage_text, self.signage_image,
                  self.ticker_clip):
            self.add_widget(w)
        if layout == "lobby":
            for _ in range(6):
                tile = (Box(), Box(), Box(bg=PANEL, color=rgba(TEXT)))
                self.tiles.append(tile)
                for w in tile:
                    self.add_widget(w)
        self._relayout()

    # ---- geometry ------------------------------------------------------------------------
    def _s(self) -> float:
        return min(self.width / self._ref_w, self.height / self._ref_h) or 1.0

    def _place(self, widget: Widget, x: float, y_top: float, w: float, h: float) -> None:
        """Position in reference pixels, y measured from the top."""
        s = self._s()
        widget.size_hint = (None, None)
        widget.size = (w * s, h * s)
        widget.pos = (self.x + x * s, self.y + self.height - (y_top + h) * s)

    def _font(self, widget: Label, px: float) -> None:
        # Whole pixels in steps of 2: every distinct size is a font face the text provider
        # opens and keeps, so fitted sizes must come from a small set.
        widget.font_size = max(2, round(px * self._s() / 2) * 2)

    def _relayout(self, *_):
        self._bg.pos, self._bg.size = self.pos, self.size
        W = self._ref_w
        if self.layout == "lobby":
            self._place(self.header, 0, 0, W - 560, 110)
            self._place(self.status, W - 560, 0, 560, 110)
            self._place(self.feature_counter, 30, 135, 400, 420)
            self._place(self.feature_number, 430, 135, 720, 420)
            self._place(self.feature_hint, 30, 560, 1120, 70)
            for i, (counter, word, number) in enumerate(self.tiles):
                col, row = i % 2, i // 2
                x, y = 30 + col * 565, 640 + row * 116
                self._place(counter, x, y, 200, 74)
                self._place(word, x, y + 74, 200, 36)
                self._place(number, x + 200, y, 355, 110)
            for i, head in enumerate(self.dept_heads):
                x, w = DEPT_COLUMNS[i]
                self._place(head, 1180 + x, 130, w, 56)
            top = 192 + max(len(self.dept_rows), 4) * 100 + 8
            self._place(self.signage_text, 1180, top, 720, 980 - top)
            self._place(self.signage_image, 1180, top, 720, 980 - top)
            self._place(self.ticker_clip, 0, 990, W, 90)
            for w, px in ((self.header, 58), (self.status, 44), (self.feature_counter, 96),
                          (self.feature_number, FEATURE_PX["lobby"]), (self.feature_hint, 46),
                          (self.signage_text, 48), (self.ticker, 54)):
                self._font(w, px)
            for counter, word, number in self.tiles:
                self._font(counter, 66)
                self._font(word, 26)
                self._font(number, 96)
            for i, row in enumerate(self.dept_rows):
                name_ja, name_en, waiting, wait, level = row
                x, w = DEPT_COLUMNS[0]
                self._place(name_ja, 1180 + x, 192 + i * 100, w, 62)
                self._place(name_en, 1180 + x, 192 + i * 100 + 62, w, 32)
                for (x, w), widget in zip(DEPT_COLUMNS[1:], (waiting, wait, level)):
                    self._place(widget, 1180 + x, 192 + i * 100, w, 94)
                self._font(name_en, 20)
        else:
            self._place(self.header, 0, 0, W - 330, 70)
            self._place(self.status, W - 330, 0, 330, 70)
            self._place(self.feature_counter, 20, 85, 984, 120)
            self._place(self.feature_number, 20, 205, 984, 270)
            self._place(self.feature_hint, 20, 475, 984, 55)
            for w in (*self.dept_heads, self.signage_text):
                self._place(w, -2000, 0, 1, 1)  # not part of the counter-top layout
            self._place(self.signage_image, 20, 85, 984, 390)  # shown while nobody is called
            self._place(self.ticker_clip, 0, 540, W, 60)
            for w, px in ((self.header, 40), (self.status, 30), (self.feature_counter, 84),
                          (self.feature_number, FEATURE_PX["counter"]), (self.feature_hint, 38),
                          (self.ticker, 38)):
                self._font(w, px)
        self.ticker.size_hint = (None, None)
        self.ticker.height = self.ticker_clip.height
        self.ticker.y = self.ticker_clip.y

    def _fit(self, widget: Label, px: float, width: float) -> None:
        """Largest font up to `px` (reference pixels) at which each line fits `width`."""
        plain = re.sub(r"\[/?[a-z]+[^\]]*\]", "", widget.text)
        # Vietnamese spans use the wider Latin font: measure everything in it to be safe.
        font = fonts.LATIN_BOLD if fonts.LATIN_BOLD in widget.text else widget.font_name
        measure = CoreLabel(font_name=font, font_size=px)
        extent = max(measure.get_extents(line)[0] for line in plain.split("\n"))
        self._font(widget, px * min(1.0, (width - 12) / max(extent, 1)))

    # ---- content ---------------------------------------------------------------------------
    def show(self, view: BoardView, now: float) -> None:
        lang = view.language
        title = tr("title", lang)
        self.header.text = f"{tr('title', 'ja')}" + (f"  /  {title}" if lang != "ja" else "")
        clock = time.strftime("%H:%M", time.localtime(self.wall()))
        self.status.text = f"{tr('offline', lang)}  ●  {clock}" if not view.online else clock
        self.status.color = rgba("#FFB74D" if not view.online else TEXT)
        self._show_feature(view, lang, now)
        if self.layout == "counter":
            self._department_line(view, lang)
        else:
            self._show_tiles(view, lang)
            self._show_departments(view.departments, lang)
            self._show_signage(view, lang)
        self._show_ticker(view, lang, now)
        self.shown_call_ids.update(c.call_id for c in view.calls)

    def _show_feature(self, view: BoardView, lang: str, now: float) -> None:
        call = view.calls[0] if view.calls else None
        if self.layout == "counter":
            self._show_signage(view if call is None else replace(view, signage=None), lang,
                               text_box=self.feature_number)
        if call is None:
            self.feature_counter.text = ""
            self.feature_counter.set_bg(BACKGROUND)
            self.feature_number.set_bg(BACKGROUND)
            if self.layout == "lobby" or not view.signage:
                self.feature_number.text = tr("no_calls", lang)
            self._font(self.feature_number, 60 if self.layout == "lobby" else 44)
            self.feature_hint.text = ""
            return
        self._font(self.feature_number, FEATURE_PX[self.layout])
        lit = view.flashing == call.call_id and (now % FLASH_PERIOD_S) < FLASH_PERIOD_S / 2
        self.feature_counter.text = _counter_text(
            call, lang, int(60 * self._s()) if self.layout == "lobby" else None)
        self.feature_counter.set_bg(call.colour)
        self.feature_counter.color = rgba(text_on(call.colour))
        self.feature_number.text = str(call.number)
        self.feature_number.set_bg(FLASH if lit else PANEL)
        self.feature_number.color = rgba("#000000" if lit else TEXT)
        hint = f"{tr('number', 'ja')} {call.number} → {tr('counter', 'ja', n=call.counter_number)}"
        if lang != "ja":
            hint += f"   {tr('number', lang)} {call.number} → {tr('counter', lang, n=call.counter_number)}"
        self.feature_hint.text = hint

    def _department_line(self, view: BoardView, lang: str) -> None:
        """Counter-top layout: the waiting line of its (first) department."""
        if not view.departments or view.departments[0].level == "unknown":
            return
        r = view.departments[0]
        parts = [fonts.span(r.name_ja if lang == "ja" else r.name_en, "ja")]
        if r.level != "closed":
            parts.append(f"{tr('waiting', lang)} {tr('people', lang, n=r.waiting)}")
            parts.append(r.wait_text(lang))
            if r.reason(lang):
                parts.append(r.reason(lang))
        parts.append(tr(f"level_{r.level}", lang))
        self.feature_hint.text = "   ".join(parts)
        self._fit(self.feature_hint, 38, self._ref_w - 40)

    def _show_tiles(self, view: BoardView, lang: str) -> None:
        rest = view.calls[1:]
        for i, (counter, word, number) in enumerate(self.tiles):
            call = rest[i] if i < len(rest) else None
            if call is None:
                for w in (counter, word, number):
                    w.text = ""
                    w.set_bg(BACKGROUND)
                continue
            counter.text = str(call.counter_number)
            word.text = tr("counter", lang, n="").strip()
            for w in (counter, word):
                w.set_bg(call.colour)
                w.color = rgba(text_on(call.colour))
            number.text = str(call.number)
            number.set_bg(PANEL)

    def _show_departments(self, rows: tuple[DepartmentRow, ...], lang: str) -> None:
        while len(self.dept_rows) < len(rows):
            row = (Box(bg=PANEL, color=rgba(TEXT)), Box(bg=PANEL, color=rgba(DIM), shorten=True),
                   Box(bg=PANEL, color=rgba(TEXT)), Box(bg=PANEL, color=rgba(TEXT)), Box())
            for w in row:
                self.add_widget(w)
            self.dept_rows.append(row)
            self._relayout()
        for (_, width), head, key in zip(DEPT_COLUMNS, self.dept_heads, ("", "waiting", "wait", "level")):
            head.text = tr(key, lang) if key else ""
            self._fit(head, 30, width)
        for i, widgets in enumerate(self.dept_rows):
            name_ja, name_en, waiting, wait, level = widgets
            if i >= len(rows):
                for w in widgets:
                    w.text = ""
                    w.set_bg(BACKGROUND)
                continue
            r = rows[i]
            name_ja.text, name_en.text = fonts.span(r.name_ja, "ja"), fonts.span(r.name_en, "en")
            self._fit(name_ja, 38, DEPT_COLUMNS[0][1])
            closed = r.level == "closed"
            waiting.text = "—" if closed or r.level == "unknown" else tr("people", lang, n=r.waiting)
            reason = r.reason(lang)
            wait.text = ("—" if closed or r.level == "unknown"
                         else r.wait_text(lang) + (f"\n{reason}" if reason else ""))
            self._fit(waiting, 50, DEPT_COLUMNS[1][1])
            self._fit(wait, 44, DEPT_COLUMNS[2][1])
            level.text = "—" if r.level == "unknown" else tr(f"level_{r.level}", lang)
            self._fit(level, 32, DEPT_COLUMNS[3][1])
            level.set_bg(LEVEL_COLOURS[r.level])
            level.color = rgba(text_on(LEVEL_COLOURS[r.level]))

    def _show_signage(self, view: BoardView, lang: str, text_box: Box | None = None) -> None:
        """Signage in the idle space: an image, or text in `text_box` (default: its panel)."""
        box = text_box or self.signage_text
        item = view.signage
        image = item.get("image") if item else None
        self.signage_image.opacity = 1 if image else 0
        if image:
            if self.signage_image.source != image:
                self.signage_image.source = image
            box.text = ""
            return
        if text_box is None:
            box.opacity = 1 if item else 0
        if item:
            box.text = fonts.span(*reversed(pick(item, lang)))
            if box is self.signage_text:  # never break a line of the sign in odd places
                self._fit(box, 48, box.width / self._s() - 2 * 28)

    def _show_ticker(self, view: BoardView, lang: str, now: float) -> None:
        text = fonts.span(*reversed(pick(view.notice, lang))) if view.notice else ""
        if text != self._ticker_text:
            self._ticker_text = text
            self.ticker.text = text
            self.ticker.texture_update()
            self.ticker.width = self.ticker.texture_size[0]
            self._ticker_x = self.ticker_clip.right
        elif self._last_now is not None:
            self._ticker_x -= (now - self._last_now) * 160 * self._s()
            if self._ticker_x + self.ticker.width < self.ticker_clip.x:
                self._ticker_x = self.ticker_clip.right
        self._last_now = now
        self.ticker.x = self._ticker_x

    def freeze_ticker(self, fraction: float) -> None:
        """Put the notice line at a fixed place (for screenshots)."""
        self._ticker_x = self.ticker_clip.x + fraction * self.ticker_clip.width
        self.ticker.x = self._ticker_x


def tr(key: str, lang: str, **values: object) -> str:
    """A label as markup in the font its language needs."""
    return fonts.span(label(key, lang, **values), lang)


def _counter_text(call: ShownCall, lang: str, small_px: int | None) -> str:
    """Japanese first; the rotating language under it (lobby) or beside it (counter)."""
    ja = tr("counter", "ja", n=call.counter_number)
    if lang == "ja":
        return ja
    other = tr("counter", lang, n=call.counter_number)
    return f"{ja}\n[size={small_px}]{other}[/size]" if small_px else f"{ja}  {other}"


class _TickerLane(StencilView):
    """Clips the scrolling notice to its lane."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*rgba("#000000"))
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *_):
        self._bg.pos, self._bg.size = self.pos, self.size
