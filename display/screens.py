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
from datetime import datetime
from zoneinfo import ZoneInfo

from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
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
# Sizes for a 43-inch 1080p panel (0.5 mm a pixel): what must be read from 10 m (the
# numbers, the counters, each department's wait) has digits >= 4 cm tall, a font of at
# least TEN_M_PX (Noto Sans CJK digits are 0.73 em: 112 px -> 82 px = 4.1 cm); the rest
# is readable from 5 m (>= 2 cm: kanji at 46 px and up, Latin text at 56 px where it fits).
TEN_M_PX = 112
DEPT_X = 988  # the right-hand column: departments, then signage
# A department: its name, the other language's name, the waiting count and the level on
# a first line; under them its wait across the whole width (a range such as 「約20〜40分」
# needs ~600 px at the 10 m size).
DEPT_COLUMNS = ((0, 300), (306, 260), (572, 150), (728, 180))  # name, other name, waiting, level
DEPT_W = 908
DEPT_TOP_H = 62
DEPT_ROW_H = 186
TILE_COLUMNS = 2
FEATURE_PX = {"lobby": 250, "counter": 240}  # the newest number: 4 digits fit its box
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
        self.header.shorten = True
        self.status = Box(bg=PANEL, halign="right", color=rgba(DIM), padding=(24, 0))
        self.feature_counter = Box()
        self.feature_number = Box()
        self.feature_hint = Box(bg=BACKGROUND, color=rgba(DIM))
        self.tiles: list[tuple[Box, Box]] = []  # counter, call number: the recent calls
        self.tiles_head = Box(bg=BACKGROUND, color=rgba(DIM), halign="left")
        self.dept_heads = [Box(bg=BACKGROUND, color=rgba(DIM)) for _ in DEPT_COLUMNS]
        # name (Japanese), name (another language), waiting, wait, level
        self.dept_rows: list[tuple[Box, Box, Box, Box, Box]] = []
        self.signage_text = Box(bg=PANEL, color=rgba(TEXT), padding=(28, 16))
        self.signage_image = Image(fit_mode="contain")
        self.ticker_clip = _TickerLane()
        self.ticker = Label(font_name=fonts.BOLD, markup=True, color=rgba(TICKER), halign="left",
                            valign="middle")
        self.ticker_clip.add_widget(self.ticker)
        for w in (self.header, self.status, self.feature_counter, self.feature_number,
                  self.feature_hint, self.tiles_head, *self.dept_heads, self.signage_text,
                  self.signage_image, self.ticker_clip):
            self.add_widget(w)
        if layout == "lobby":
            for _ in range(7):  # with the newest call large: the last 8 calls
                tile = (Box(), Box(bg=PANEL, color=rgba(TEXT)))
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
            self._place(self.header, 0, 0, W - 420, 100)
            self._place(self.status, W - 420, 0, 420, 100)
            self._place(self.feature_counter, 24, 116, 330, 320)
            self._place(self.feature_number, 354, 116, 610, 320)
            self._place(self.feature_hint, 24, 440, 940, 52)
            self._place(self.tiles_head, 24, 494, 940, 40)
            for i, (counter, number) in enumerate(self.tiles):
                col, row = i % TILE_COLUMNS, i // TILE_COLUMNS
                x, y = 24 + col * 480, 538 + row * 114
                self._place(counter, x, y, 170, 108)
                self._place(number, x + 170, y, 290, 108)
            for i, head in enumerate(self.dept_heads):
                x, w = DEPT_COLUMNS[i]
                self._place(head, DEPT_X + x, 112, w, 64)
            top = 182 + max(len(self.dept_rows), 4) * DEPT_ROW_H + 4
            self._place(self.signage_text, DEPT_X, top, W - DEPT_X - 24, 986 - top)
            self._place(self.signage_image, DEPT_X, top, W - DEPT_X - 24, 986 - top)
            self._place(self.ticker_clip, 0, 990, W, 90)
            for w, px in ((self.header, 56), (self.status, 56), (self.feature_counter, 52),
                          (self.feature_number, FEATURE_PX["lobby"]), (self.feature_hint, 40),
                          (self.tiles_head, 30), (self.signage_text, 48), (self.ticker, 54)):
                self._font(w, px)
            for counter, number in self.tiles:
                self._font(counter, TEN_M_PX)
                self._font(number, TEN_M_PX)
            for i, row in enumerate(self.dept_rows):
                name_ja, name_other, waiting, wait, level = row
                y = 182 + i * DEPT_ROW_H
                for (x, w), widget in zip(DEPT_COLUMNS, (name_ja, name_other, waiting, level)):
                    self._place(widget, DEPT_X + x, y, w, DEPT_TOP_H)
                self._place(wait, DEPT_X, y + DEPT_TOP_H + 2, DEPT_W, DEPT_ROW_H - DEPT_TOP_H - 8)
        else:
            self._place(self.header, 0, 0, W - 330, 70)
            self._place(self.status, W - 330, 0, 330, 70)
            self._place(self.feature_counter, 20, 85, 984, 120)
            self._place(self.feature_number, 20, 205, 984, 270)
            self._place(self.feature_hint, 20, 475, 984, 55)
            for w in (*self.dept_heads, self.signage_text, self.tiles_head):
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

    def _fit_box(self, widget: Label, px: float) -> None:
        """Largest font up to `px` (reference pixels) at which every line of the text,
        wrapped at spaces and never inside a word, fits the box (Kivy drops the lines
        that do not fit its height). Sizes in [size=] markup stay as they are."""
        w, h = widget.width - 8, widget.height
        plain = re.sub(r"\[/?[a-z]+[^\]]*\]", "", widget.text)
        words = [x for line in plain.split("\n") for x in line.split()]
        size = round(px * self._s())
        while size > 12:
            measure = MarkupLabel(text=widget.text, font_name=widget.font_name, font_size=size,
                                  text_size=(w, None), line_height=widget.line_height)
            measure.refresh()
            plain_measure = CoreLabel(font_name=widget.font_name, font_size=size)
            widest = max((plain_measure.get_extents(x)[0] for x in words), default=0)
            if measure.content_height <= h and widest <= w:
                break
            size -= 2
        widget.font_size = size

    # ---- content ---------------------------------------------------------------------------
    def show(self, view: BoardView, now: float) -> None:
        lang = view.language
        if self.layout == "lobby":
            self._ensure_dept_rows(len(view.departments))
        title = tr("title", lang)
        self.header.text = f"{tr('title', 'ja')}" + (f"  /  {title}" if lang != "ja" else "")
        clock = datetime.fromtimestamp(self.wall(), ZoneInfo(view.timezone)).strftime("%H:%M")
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
        # the lobby keeps the newest call up; a counter-top board only what it calls now
        calls = view.calls if self.layout == "lobby" else [c for c in view.calls if c.calling]
        call = calls[0] if calls else None
        if self.layout == "counter":
            self._show_signage(view if call is None else replace(view, signage=None), lang,
                               text_box=self.feature_number)
        if call is None:
            self.feature_counter.text = ""
            self.feature_counter.set_bg(BACKGROUND)
            self.feature_number.set_bg(BACKGROUND)
            self.feature_number.color = rgba(TEXT)  # a flash may have left it black
            if self.layout == "lobby" or not view.signage:
                self.feature_number.text = both("no_calls", lang, small_px=int(40 * self._s()))
            self._font(self.feature_number, 60 if self.layout == "lobby" else 44)
            self.feature_hint.text = ""
            return
        self._font(self.feature_number, FEATURE_PX[self.layout])
        lit = view.flashing == call.call_id and (now % FLASH_PERIOD_S) < FLASH_PERIOD_S / 2
        self.feature_counter.text = _counter_text(
            call, lang, (int(128 * self._s()), int(34 * self._s())) if self.layout == "lobby" else None)
        if self.layout == "lobby":
            self._fit_box(self.feature_counter, 52)
        self.feature_counter.set_bg(call.colour)
        self.feature_counter.color = rgba(text_on(call.colour))
        self.feature_number.text = str(call.number)
        self.feature_number.set_bg(FLASH if lit else PANEL)
        self.feature_number.color = rgba("#000000" if lit else TEXT)
        hint = f"{tr('number', 'ja')} {call.number} → {tr('counter', 'ja', n=call.counter_number)}"
        if lang != "ja":
            hint += f"   {tr('number', lang)} {call.number} → {tr('counter', lang, n=call.counter_number)}"
        self.feature_hint.text = hint
        if self.layout == "lobby":
            self._fit_box(self.feature_hint, 40)

    def _department_line(self, view: BoardView, lang: str) -> None:
        """Counter-top layout: the waiting line of its (first) department."""
        if not view.departments or view.departments[0].level == "unknown":
            return
        r = view.departments[0]

        def line(code: str) -> str:
            parts = [fonts.span(r.name_ja if code == "ja" else dict(r.names).get(code, r.name_en),
                                code)]
            if r.level != "closed":
                parts.append(f"{tr('waiting', code)} {tr('people', code, n=r.waiting)}")
                parts.append(r.wait_text(code))
                if r.reason(code):
                    parts.append(r.reason(code))
            parts.append(tr(f"level_{r.level}", code))
            return "   ".join(parts)
        # Japanese always; the rotating language beside it
        self.feature_hint.text = line("ja") + (f"   /   {line(lang)}" if lang != "ja" else "")
        self._fit_box(self.feature_hint, 38)

    def _show_tiles(self, view: BoardView, lang: str) -> None:
        """The recent calls after the newest: counter and number, dimmed once the counter
        has moved on."""
        self.tiles_head.text = "   ".join(
            f"{tr(k, 'ja')}" + (f" {tr(k, lang)}" if lang != "ja" else "")
            for k in ("recent", "recent_hint"))
        self._fit_box(self.tiles_head, 30)
        rest = view.calls[1:]
        small = int(44 * self._s())
        for i, (counter, number) in enumerate(self.tiles):
            call = rest[i] if i < len(rest) else None
            if call is None:
                for w in (counter, number):
                    w.text = ""
                    w.set_bg(BACKGROUND)
                continue
            counter.text = f"{call.counter_number}[size={small}]{tr('ban', 'ja')}[/size]"
            counter.set_bg(call.colour)
            counter.color = rgba(text_on(call.colour))
            number.text = str(call.number)
            number.set_bg(PANEL)
            number.color = rgba(TEXT if call.calling else DIM)

    def _ensure_dept_rows(self, n: int) -> None:
        """Widgets for `n` department rows (placed before anything is fitted)."""
        if len(self.dept_rows) >= n:
            return
        while len(self.dept_rows) < n:
            row = (Box(bg=PANEL, color=rgba(TEXT)), Box(bg=PANEL, color=rgba(DIM)),
                   Box(bg=PANEL, color=rgba(TEXT)), Box(), Box(bg=PANEL, color=rgba(TEXT)))
            for w in row:
                self.add_widget(w)
            self.dept_rows.append(row)
        self._relayout()

    def _show_departments(self, rows: tuple[DepartmentRow, ...], lang: str) -> None:
        small = int(22 * self._s())
        for (_, width), head, key in zip(DEPT_COLUMNS, self.dept_heads, ("", "", "waiting", "level")):
            head.text = both(key, lang, small_px=small) if key else ""
            self._fit_box(head, 30)
        other = "en" if lang == "ja" else lang  # the name under the Japanese one
        for i, widgets in enumerate(self.dept_rows):
            name_ja, name_other, waiting, wait, level = widgets
            if i >= len(rows):
                for w in widgets:
                    w.text = ""
                    w.set_bg(BACKGROUND)
                continue
            r = rows[i]
            (_, nw), _, (_, cw), _ = DEPT_COLUMNS
            name_ja.text = fonts.span(r.name_ja, "ja")
            self._fit(name_ja, 46, nw)
            named = dict(r.names).get(other)  # the name in `other`, or its marker (protocol.texts)
            name_other.text = fonts.span(named or r.name_en, other if named else "en")
            self._fit_box(name_other, 28)
            closed = r.level == "closed"
            waiting.text = "—" if closed or r.level == "unknown" else tr("people", "ja", n=r.waiting)
            wait.text = "—" if closed or r.level == "unknown" else r.wait_text("ja")
            self._fit(waiting, 54, cw)
            self._fit(wait, TEN_M_PX, DEPT_W)
            reason = r.reason("ja")  # why a short line waits long: under the level
            level.text = "—" if r.level == "unknown" else both(f"level_{r.level}", lang,
                                                               small_px=int(22 * self._s()))
            if reason and r.level != "unknown":
                level.text += f"\n[size={int(20 * self._s())}]{reason}[/size]"
            self._fit_box(level, 32)
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
            box.text = with_japanese(item, lang, "\n")
            if box is self.signage_text:  # every line of the sign fits, Japanese included
                self._fit_box(box, 48)

    def _show_ticker(self, view: BoardView, lang: str, now: float) -> None:
        text = with_japanese(view.notice, lang, "　　") if view.notice else ""
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


def both(key: str, lang: str, small_px: int, **values: object) -> str:
    """The Japanese label, and under it the rotating language's, smaller."""
    ja = tr(key, "ja", **values)
    return ja if lang == "ja" else f"{ja}\n[size={small_px}]{tr(key, lang, **values)}[/size]"


def with_japanese(texts: dict[str, str], lang: str, sep: str) -> str:
    """A configured text (notice, sign) in Japanese, then in `lang` when it has one."""
    code, text = pick(texts, "ja")
    out = fonts.span(text, code)
    if lang != "ja" and texts.get(lang) and texts[lang] != text:
        out += sep + fonts.span(texts[lang], lang)
    return out


def _counter_text(call: ShownCall, lang: str, sizes: tuple[int, int] | None) -> str:
    """Japanese first; the rotating language under it (lobby: the digits at `sizes[0]`,
    the other language at `sizes[1]`) or beside it (counter)."""
    if sizes:
        big, small = sizes
        ja = f"[size={big}]{call.counter_number}[/size]\n{tr('counter_word', 'ja')}"
        if lang == "ja":
            return ja
        return f"{ja}\n[size={small}]{tr('counter', lang, n=call.counter_number)}[/size]"
    ja = tr("counter", "ja", n=call.counter_number)
    return ja if lang == "ja" else f"{ja}  {tr('counter', lang, n=call.counter_number)}"


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
