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
from functools import lru_cache
from zoneinfo import ZoneInfo

from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
from kivy.graphics import Color, Rectangle
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from firmware.phrase_label import PhraseWrap, widest_piece, wrap_markup

from . import fonts, sizes
from .labels import label, pick
from .presenter import BoardView, DepartmentRow, ShownCall

BACKGROUND = "#0B1620"
PANEL = "#16263A"
PANEL_ALT = "#223A57"  # every other department row, so each wait is seen with its name
TEXT = "#FFFFFF"
DIM = "#B8C4D0"
FLASH = "#FFEB3B"
TICKER = "#FFD54F"
LEVEL_COLOURS = {"low": "#2E7D32", "medium": "#F9A825", "high": "#C62828", "closed": "#546E7A",
                 "unknown": "#37474F"}
# Lobby geometry in reference pixels (the text sizes are in display.sizes). The left
# column holds the newest call and the recent calls; the right one a row per department:
# its Japanese name and waiting count, its name in another language under them, then its
# wait across the row (a range such as 「約80〜120分」 needs ~670 px at the 10 m size)
# beside the congestion level.
LEFT_W = 920
DEPT_X = 968
DEPT_W = 928
DEPT_TOP = 102
NAME_H, OTHER_H, WAIT_H = 58, 50, 108
DEPT_ROW_H = NAME_H + OTHER_H + 2 + WAIT_H + 3
LEVEL_W = 236  # the level's box; wider for a long word, unless the wait needs the room
SIGN_MIN_H = 150  # two lines at the 5 m size: less room and the lobby shows no signage
TILE_COLUMNS = 2
TILE_COUNTER_W, TILE_NUMBER_W, TILE_H = 186, 272, 103  # 「13番」, 「2043」 at the 10 m size
FEATURE_PX = {"lobby": 236, "counter": sizes.COUNTER_TEN_M_PX}  # 4 digits fit its box
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


class Box(PhraseWrap, Label):
    """A label on a solid background rectangle; its text wraps between phrases. Set it
    with `say()`, which does nothing when the text is already shown."""

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
        self.start_wrapping(2 * self.padding[0])

    def _sync(self, *_):
        self._bg.pos, self._bg.size = self.pos, self.size
        # No height: Kivy would drop the lines that do not fit it; the text is centred
        # and `_fit_box` keeps its ink inside the box.
        self.text_size = (self.width, None)

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
        self._fitted: dict[tuple, int] = {}  # (text, box, font, largest size) -> fitted size
        self.shown_call_ids: set[int] = set()  # for the benchmark's "call shown" probe
        with self.canvas.before:
            Color(*rgba(BACKGROUND))
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._relayout, size=self._relayout)
        self.header = Box(bg=PANEL, halign="left", color=rgba(TEXT), padding=(24, 0))
        self.status = Box(bg=PANEL, halign="right", color=rgba(DIM), padding=(24, 0))
        self.feature_counter = Box(line_height=0.9)
        self.feature_number = Box()
        self.feature_hint = Box(bg=BACKGROUND, color=rgba(DIM), line_height=0.75)
        self.tiles: list[tuple[Box, Box]] = []  # counter, call number: the recent calls
        self.tiles_head = Box(bg=BACKGROUND, color=rgba(DIM), halign="left")
        # name (Japanese), waiting count, name (another language), wait, level
        self.dept_rows: list[tuple[Box, Box, Box, Box, Box]] = []
        self.signage_text = Box(bg=PANEL, color=rgba(TEXT), padding=(28, 8), line_height=0.85)
        self.signage_image = Image(fit_mode="contain")
        self.ticker_clip = _TickerLane()
        self.ticker = Label(font_name=fonts.BOLD, markup=True, color=rgba(TICKER), halign="left",
                            valign="middle")
        self.ticker_clip.add_widget(self.ticker)
        for w in (self.header, self.status, self.feature_counter, self.feature_number,
                  self.feature_hint, self.tiles_head, self.signage_text, self.signage_image,
                  self.ticker_clip):
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

    def _px(self, px: float) -> int:
        """A size for [size=] markup, in window pixels."""
        return max(2, round(px * self._s() / 2) * 2)

    def _sign_room(self) -> float:
        """Reference pixels left under the department rows for the signage."""
        return 986 - (DEPT_TOP + len(self.dept_rows) * DEPT_ROW_H + 4)

    def _relayout(self, *_):
        self._bg.pos, self._bg.size = self.pos, self.size
        W = self._ref_w
        if self.layout == "lobby":
            self._place(self.header, 0, 0, W - 560, 90)
            self._place(self.status, W - 560, 0, 560, 90)
            self._place(self.feature_counter, 24, 102, 300, 290)
            self._place(self.feature_number, 324, 102, LEFT_W - 300, 290)
            self._place(self.feature_hint, 24, 396, LEFT_W, 104)
            self._place(self.tiles_head, 24, 500, LEFT_W, 58)
            tile_w = TILE_COUNTER_W + TILE_NUMBER_W
            for i, (counter, number) in enumerate(self.tiles):
                col, row = i % TILE_COLUMNS, i // TILE_COLUMNS
                x, y = 24 + col * (LEFT_W - tile_w), 560 + row * (TILE_H + 4)
                self._place(counter, x, y, TILE_COUNTER_W, TILE_H)
                self._place(number, x + TILE_COUNTER_W, y, TILE_NUMBER_W, TILE_H)
            room = self._sign_room()
            top = 986 - room
            self._place(self.signage_text, DEPT_X, top, DEPT_W, room)
            self._place(self.signage_image, DEPT_X, top, DEPT_W, room)
            self._place(self.ticker_clip, 0, 990, W, 90)
            for w, px in ((self.header, 56), (self.status, sizes.FIVE_M_DIGITS_PX),
                          (self.feature_hint, sizes.FIVE_M_PX),
                          (self.feature_number, FEATURE_PX["lobby"]), (self.ticker, 56),
                          (self.feature_counter, sizes.FIVE_M_PX), (self.tiles_head, sizes.FIVE_M_PX),
                          (self.signage_text, sizes.FIVE_M_PX)):
                self._font(w, px)
            for counter, number in self.tiles:
                self._font(counter, sizes.TEN_M_PX)
                self._font(number, sizes.TEN_M_PX)
            for i, row in enumerate(self.dept_rows):
                name_ja, waiting, name_other, wait, level = row
                y = DEPT_TOP + i * DEPT_ROW_H
                self._place(name_ja, DEPT_X, y, 440, NAME_H)
                self._place(waiting, DEPT_X + 440, y, DEPT_W - 440, NAME_H)
                self._place(name_other, DEPT_X, y + NAME_H, DEPT_W, OTHER_H)
                self._place(wait, DEPT_X, y + NAME_H + OTHER_H + 2, DEPT_W - LEVEL_W, WAIT_H)
                self._place(level, DEPT_X + DEPT_W - LEVEL_W, y + NAME_H + OTHER_H + 2, LEVEL_W,
                            WAIT_H)
                for w, px in ((name_ja, sizes.FIVE_M_PX), (waiting, sizes.FIVE_M_PX),
                              (name_other, sizes.FIVE_M_LATIN_PX), (wait, sizes.TEN_M_PX),
                              (level, sizes.FIVE_M_PX)):
                    self._font(w, px)
        else:
            self._place(self.header, 0, 0, W - 330, 64)
            self._place(self.status, W - 330, 0, 330, 64)
            self._place(self.feature_counter, 20, 70, 984, 116)
            self._place(self.feature_number, 20, 186, 984, 246)
            self._place(self.feature_hint, 20, 436, 984, 100)
            for w in (self.signage_text, self.tiles_head):
                self._place(w, -2000, 0, 1, 1)  # not part of the counter-top layout
            self._place(self.signage_image, 20, 70, 984, 362)  # shown while nobody is called
            self._place(self.ticker_clip, 0, 540, W, 60)
            for w, px in ((self.header, 44), (self.status, 44), (self.ticker, sizes.COUNTER_TWO_M_PX),
                          (self.feature_counter, sizes.COUNTER_FIVE_M_PX),
                          (self.feature_number, FEATURE_PX["counter"]),
                          (self.feature_hint, sizes.COUNTER_TWO_M_PX)):
                self._font(w, px)
        self.ticker.size_hint = (None, None)
        self.ticker.height = self.ticker_clip.height
        self.ticker.y = self.ticker_clip.y

    def _fit(self, widget: Box, px: float, width: float | None = None) -> None:
        """Largest font up to `px` (reference pixels) at which each line fits the box
        (or `width` reference pixels), unwrapped."""
        key = ("line", widget.source_text, widget.width if width is None else width, px)
        if key not in self._fitted:
            plain = re.sub(r"\[/?[a-z]+[^\]]*\]", "", widget.source_text)
            # Vietnamese spans use the wider Latin font: measure everything in it to be safe.
            font = fonts.LATIN_BOLD if fonts.LATIN_BOLD in widget.source_text else widget.font_name
            measure = CoreLabel(font_name=font, font_size=px)
            extent = max(measure.get_extents(line)[0] for line in plain.split("\n"))
            room = (width * self._s() if width else widget.width) - 12 - 2 * widget.padding[0]
            self._fitted[key] = max(2, round(px * min(1.0, room / self._s() / max(extent, 1))
                                             * self._s() / 2) * 2)
        widget.font_size = self._fitted[key]

    def _fit_box(self, widget: Box, px: float) -> None:
        """Largest font up to `px` (reference pixels) at which the text, wrapped between
        phrases and never inside one, fits the box: its lines' ink, which is the line
        boxes less about 0.4 em above the first and below the last (Noto Sans CJK: a
        1.45 em line, kanji 0.9 em tall). Sizes in [size=] markup stay as they are."""
        key = ("box", widget.source_text, tuple(widget.size), px, widget.font_name,
               widget.line_height)
        size = self._fitted.get(key)
        if size is None:
            w = widget.width - 2 * widget.padding[0] - 4
            h = widget.height - 2 * widget.padding[1]
            size = round(px * self._s() / 2) * 2
            while size > 12:
                wrapped = wrap_markup(widget.source_text, w, widget.font_name, size)
                measure = MarkupLabel(text=wrapped, font_name=widget.font_name, font_size=size,
                                      text_size=(w + 4, None), line_height=widget.line_height)
                measure.refresh()
                if (measure.content_height - 0.4 * size <= h
                        and widest_piece(widget.source_text, widget.font_name, size) <= w):
                    break
                size -= 2
            self._fitted[key] = size
        widget.font_size = size

    # ---- content ---------------------------------------------------------------------------
    def show(self, view: BoardView, now: float) -> None:
        lang = view.language
        if self.layout == "lobby":
            self._ensure_dept_rows(len(view.departments))
        title = tr("title", lang)
        self.header.say(f"{tr('title', 'ja')}" + (f"  /  {title}" if lang != "ja" else ""))
        self._fit_box(self.header, 56 if self.layout == "lobby" else 44)
        clock = datetime.fromtimestamp(self.wall(), ZoneInfo(view.timezone)).strftime("%H:%M")
        self.status.say(f"{tr('offline', lang)}  ●  {clock}" if not view.online else clock)
        self._fit_box(self.status, sizes.FIVE_M_DIGITS_PX if self.layout == "lobby" else 44)
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
            self.feature_counter.say("")
            self.feature_counter.set_bg(BACKGROUND)
            self.feature_number.set_bg(BACKGROUND)
            self.feature_number.color = rgba(TEXT)  # a flash may have left it black
            lobby = self.layout == "lobby"
            if lobby or not view.signage:
                small = sizes.FIVE_M_LATIN_PX if lobby else sizes.COUNTER_TWO_M_PX
                self.feature_number.say(both("no_calls", lang, small_px=self._px(small)))
            self._fit_box(self.feature_number, 64 if lobby else sizes.COUNTER_TWO_M_PX + 8)
            self.feature_hint.say("")
            return
        self._font(self.feature_number, FEATURE_PX[self.layout])
        lit = view.flashing == call.call_id and (now % FLASH_PERIOD_S) < FLASH_PERIOD_S / 2
        if self.layout == "lobby":
            self.feature_counter.say(_counter_text(
                call, lang, (self._px(sizes.TEN_M_PX), self._px(sizes.FIVE_M_LATIN_PX))))
            self._fit_box(self.feature_counter, sizes.FIVE_M_PX)
        else:
            self.feature_counter.say(_counter_text(call, lang, None,
                                                   self._px(sizes.COUNTER_TWO_M_PX + 12)))
            self._fit_box(self.feature_counter, sizes.COUNTER_FIVE_M_PX)
        self.feature_counter.set_bg(call.colour)
        self.feature_counter.color = rgba(text_on(call.colour))
        self.feature_number.say(str(call.number))
        self.feature_number.set_bg(FLASH if lit else PANEL)
        self.feature_number.color = rgba("#000000" if lit else TEXT)
        if self.layout == "lobby":
            hint = f"{tr('number', 'ja')} {call.number} → {tr('counter', 'ja', n=call.counter_number)}"
            if lang != "ja":
                other = f"{tr('number', lang)} {call.number} → {tr('counter', lang, n=call.counter_number)}"
                hint += f"\n[size={self._px(sizes.FIVE_M_LATIN_PX)}]{other}[/size]"
            self.feature_hint.say(hint)
            self._fit_box(self.feature_hint, sizes.FIVE_M_PX)

    def _department_line(self, view: BoardView, lang: str) -> None:
        """Counter-top layout: the waiting line of its (first) department, in Japanese,
        and under it in the rotating language (made smaller if it is longer)."""
        if not view.departments or view.departments[0].level == "unknown":
            return
        r = view.departments[0]

        def line(code: str) -> str:
            parts = []
            if r.level != "closed":
                parts.append(f"{tr('waiting', code)} {tr('people', code, n=r.waiting)}")
                parts.append(r.wait_text(code))
                if r.reason(code):
                    parts.append(r.reason(code))
            parts.append(tr(f"level_{r.level}", code))
            return "   ".join(parts)
        text = line("ja")
        if lang != "ja":
            other = line(lang)
            px = sizes.COUNTER_TWO_M_PX
            width = _extent(other, px, fonts.LATIN_BOLD if lang == "vi" else fonts.BOLD)
            px = min(px, int(px * 960 / max(width, 1)) // 2 * 2)
            text += f"\n[size={self._px(px)}]{other}[/size]"
        self.feature_hint.say(text)
        self._fit_box(self.feature_hint, sizes.COUNTER_TWO_M_PX)

    def _show_tiles(self, view: BoardView, lang: str) -> None:
        """The recent calls after the newest: counter and number, dimmed once the counter
        has moved on."""
        head = tr("recent", "ja")
        if lang != "ja":
            head += f"  [size={self._px(sizes.FIVE_M_LATIN_PX)}]{tr('recent', lang)}[/size]"
        self.tiles_head.say(head)
        self._fit_box(self.tiles_head, sizes.FIVE_M_PX)
        rest = view.calls[1:]
        small = self._px(sizes.FIVE_M_PX)
        for i, (counter, number) in enumerate(self.tiles):
            call = rest[i] if i < len(rest) else None
            if call is None:
                for w in (counter, number):
                    w.say("")
                    w.set_bg(BACKGROUND)
                continue
            counter.say(f"{call.counter_number}[size={small}]{tr('ban', 'ja')}[/size]")
            counter.set_bg(call.colour)
            counter.color = rgba(text_on(call.colour))
            number.say(str(call.number))
            number.set_bg(PANEL)
            number.color = rgba(TEXT if call.calling else DIM)

    def _ensure_dept_rows(self, n: int) -> None:
        """Widgets for `n` department rows (placed before anything is fitted)."""
        if len(self.dept_rows) >= n:
            return
        while len(self.dept_rows) < n:
            bg = PANEL_ALT if len(self.dept_rows) % 2 else PANEL
            row = (Box(bg=bg, color=rgba(TEXT), halign="left", padding=(16, 0)),
                   Box(bg=bg, color=rgba(TEXT), halign="right", padding=(16, 0)),
                   Box(bg=bg, color=rgba(DIM), halign="left", padding=(16, 0)),
                   Box(bg=bg, color=rgba(TEXT), halign="left", padding=(8, 0)),
                   Box(line_height=0.75))
            for w in row:
                self.add_widget(w)
            self.dept_rows.append(row)
        self._relayout()

    def _show_departments(self, rows: tuple[DepartmentRow, ...], lang: str) -> None:
        other = "en" if lang == "ja" else lang  # the name under the Japanese one
        for i, widgets in enumerate(self.dept_rows):
            name_ja, waiting, name_other, wait, level = widgets
            if i >= len(rows):
                for w in widgets:
                    w.say("")
                    w.set_bg(BACKGROUND)
                continue
            for w in widgets[:4]:
                w.set_bg(PANEL_ALT if i % 2 else PANEL)
            r = rows[i]
            name_ja.say(fonts.span(r.name_ja, "ja"))
            self._fit(name_ja, sizes.FIVE_M_PX)
            named = dict(r.names).get(other)  # the name in `other`, or its marker (protocol.texts)
            shown = fonts.span(named or r.name_en, other if named else "en")
            reason = r.reason("ja")  # why a short line waits long: after the name, if it fits
            if reason and r.level != "unknown" and self._fits(
                    f"{shown}   {reason}", sizes.FIVE_M_LATIN_PX, name_other):
                shown += f"   {reason}"
            name_other.say(shown)
            self._fit(name_other, sizes.FIVE_M_LATIN_PX)
            closed = r.level == "closed"
            count = tr("people", "ja", n=r.waiting)
            waiting.say("—" if closed or r.level == "unknown" else
                        f"{tr('waiting', 'ja')} [size={self._px(sizes.FIVE_M_DIGITS_PX)}]{count}[/size]")
            self._fit(waiting, sizes.FIVE_M_PX)
            wait.say("—" if closed or r.level == "unknown" else r.wait_text("ja"))
            # the wait keeps the 10 m size; the level takes the room left, up to what it
            # needs (a long word in the other language is made smaller rather than cut)
            need_wait = _extent(wait.source_text, sizes.TEN_M_PX) + 32
            words = [tr(f"level_{r.level}", code) for code in dict.fromkeys(("ja", lang))
                     if r.level != "unknown"]
            need_level = max([LEVEL_W] + [_extent(w, sizes.FIVE_M_PX) + 16 for w in words])
            level_w = min(need_level, DEPT_W - need_wait)
            small = sizes.FIVE_M_LATIN_PX
            if len(words) > 1:
                small = min(small, int(small * (level_w - 16) / max(
                    _extent(words[1], small), 1)) // 2 * 2)
            level.say("—" if r.level == "unknown" else both(
                f"level_{r.level}", lang, small_px=self._px(small)))
            y = DEPT_TOP + i * DEPT_ROW_H + NAME_H + OTHER_H + 2
            self._place(wait, DEPT_X, y, DEPT_W - level_w, WAIT_H)
            self._place(level, DEPT_X + DEPT_W - level_w, y, level_w, WAIT_H)
            self._fit(wait, sizes.TEN_M_PX)
            self._fit_box(level, sizes.FIVE_M_PX)
            level.set_bg(LEVEL_COLOURS[r.level])
            level.color = rgba(text_on(LEVEL_COLOURS[r.level]))

    def _fits(self, markup: str, px: float, widget: Box) -> bool:
        return _extent(markup, px) * self._s() <= widget.width - 12

    def _show_signage(self, view: BoardView, lang: str, text_box: Box | None = None) -> None:
        """Signage in the idle space: an image, or text in `text_box` (default: its panel).
        A lobby whose department rows leave no room for two lines at the 5 m size shows
        none (a strip too small to read is worse than none)."""
        box = text_box or self.signage_text
        item = view.signage
        if text_box is None and self._sign_room() < SIGN_MIN_H:
            item = None
        image = item.get("image") if item else None
        self.signage_image.opacity = 1 if image else 0
        if image:
            if self.signage_image.source != image:
                self.signage_image.source = image
            box.say("")
            return
        if text_box is None:
            box.opacity = 1 if item else 0
        if item:
            box.say(with_japanese(item, lang, "\n"))
            if box is self.signage_text:  # every line of the sign fits, Japanese included
                self._fit_box(box, sizes.FIVE_M_PX)
            else:
                self._fit_box(box, sizes.COUNTER_TWO_M_PX + 8)

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


@lru_cache(maxsize=1024)
def _extent(markup: str, px: float, font: str = fonts.BOLD) -> float:
    """Width of the widest line of `markup` at `px` in `font`, tags ignored (cached: the
    board measures on every frame)."""
    plain = re.sub(r"\[/?[a-z]+[^\]]*\]", "", markup)
    measure = CoreLabel(font_name=font, font_size=px)
    return max(measure.get_extents(line)[0] for line in plain.split("\n"))


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


def _counter_text(call: ShownCall, lang: str, sizes_px: tuple[int, int] | None,
                  beside_px: int = 0) -> str:
    """Japanese first; the rotating language under it (lobby: the digits at `sizes_px[0]`,
    the other language at `sizes_px[1]`) or beside it at `beside_px` (counter)."""
    if sizes_px:
        big, small = sizes_px
        ja = f"[size={big}]{call.counter_number}[/size]\n{tr('counter_word', 'ja')}"
        if lang == "ja":
            return ja
        return f"{ja}\n[size={small}]{tr('counter', lang, n=call.counter_number)}[/size]"
    ja = tr("counter", "ja", n=call.counter_number)
    if lang == "ja":
        return ja
    return f"{ja}  [size={beside_px}]{tr('counter', lang, n=call.counter_number)}[/size]"


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
