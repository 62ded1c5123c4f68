"""The lobby board read from 10 m and 5 m: rendered offscreen at 1920x1080, the ink of each
label's texture measured, every label's text shown whole and lines broken between phrases.

How text height is counted (display.sizes): the height of the ink as drawn, found in the
label's texture, not its font_size. A line of digits is as tall as its shortest full-size
glyph (「約20〜40分」: the digits, not the kanji, nor 〜); any other line as tall as its
tallest glyph that is not a narrow bracket (a kanji, or a Latin capital or ascender).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from kivy.tests.common import GraphicUnitTest

from display import fonts, sizes
from display.presenter import BoardPresenter
from display.screens import BoardScreen
from display.settings import parse_settings
from protocol.site import load_config

from ..phrase_lines import JAPANESE, bad_lines, shown_lines
from .conftest import call_message, congestion_message
from .test_screens import DOCS, LOBBY, NOTICE, WALL, busy_presenter


def ink_lines(label) -> list[list[tuple[int, int]]]:
    """Per line of ink in the label's texture (top first), the (height, width) of each
    glyph: runs of inked columns."""
    label.texture_update()
    tex = label.texture
    alpha = np.frombuffer(tex.pixels, dtype=np.uint8).reshape(tex.height, tex.width, 4)[..., 3]
    ink = alpha > 96
    rows = np.flatnonzero(ink.any(axis=1))
    bands, out = [], []
    for r in rows:
        if bands and r == bands[-1][1] + 1:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    for top, bottom in bands:
        band = ink[top:bottom + 1]
        cols = np.flatnonzero(band.any(axis=0))
        glyphs, start = [], None
        for i, c in enumerate(cols):
            if start is None:
                start = c
            if i + 1 == len(cols) or cols[i + 1] != c + 1:
                run = band[:, start:c + 1]
                inked = np.flatnonzero(run.any(axis=1))
                glyphs.append((int(inked[-1] - inked[0] + 1), int(c - start + 1)))
                start = None
        out.append(glyphs)
    return out


def digit_height(glyphs: list[tuple[int, int]]) -> int:
    tallest = max(h for h, _ in glyphs)
    return min(h for h, w in glyphs if h >= 0.6 * tallest and w >= 0.35 * h)


def text_height(glyphs: list[tuple[int, int]]) -> int:
    return max((h for h, w in glyphs if w >= 0.35 * h), default=0)


def boxes(screen: BoardScreen):
    yield from (screen.header, screen.status, screen.feature_counter, screen.feature_number,
                screen.feature_hint, screen.tiles_head)
    for tile in screen.tiles:
        yield from tile
    for row in screen.dept_rows:
        yield from row
    if screen.signage_text.opacity:
        yield screen.signage_text


def all_departments_presenter(group: list[str], lang: str) -> BoardPresenter:
    p = busy_presenter(LOBBY)
    p.set_settings(parse_settings({"counters": LOBBY, "departments": group, "notices": [NOTICE]}))
    for dept in group:  # a late-March peak: long waits, the longest texts
        p.on_congestion(dept, congestion_message(dept, 122, 99, "medium"))
    return p


class TestLegibility(GraphicUnitTest):
    def lobby(self) -> BoardScreen:
        fonts.register()
        screen = BoardScreen("lobby", wall=lambda: WALL, size_hint=(None, None), size=(1920, 1080))
        self.render(screen)
        return screen

    def check_whole(self, label) -> None:
        """The label shows all of its text, inside its box, its lines broken between
        phrases (tests.phrase_lines)."""
        if label.text.strip():
            assert not bad_lines(label), bad_lines(label)
            assert label.texture_size[0] <= label.width + 1, (label.text, label.texture_size)

    def test_the_number_counter_and_waits_are_4_cm_tall_and_the_rest_2_cm(self):
        screen = self.lobby()
        p = busy_presenter(LOBBY)
        p.on_congestion("shiminzei", congestion_message("shiminzei", 122, 99, "high"))
        p.on_call(call_message(load_config(), "c10", 2123, 60, at=WALL), retained=False)
        for lang in ("ja", "en"):
            screen.show(replace(p.view(now=50.0), language=lang, flashing=None), 50.0)
            self.advance_frames(2)
            ten_m = [screen.feature_number, *[w for tile in screen.tiles[:6] for w in tile]]
            ten_m += [row[3] for row in screen.dept_rows]  # each department's wait
            for label in ten_m:
                assert digit_height(ink_lines(label)[0]) >= sizes.TEN_M_INK, label.text
            assert digit_height(ink_lines(screen.feature_counter)[0]) >= sizes.TEN_M_INK
            ten_m.append(screen.feature_counter)
            for label in boxes(screen):
                if not label.text.strip():
                    continue
                texts = [line for line in shown_lines(label) if line.strip()]
                inks = ink_lines(label)
                assert len(inks) == len(texts), (texts, len(inks))
                for text, glyphs in zip(texts, inks):
                    need = sizes.FIVE_M_INK if JAPANESE.search(text) else sizes.FIVE_M_LATIN_INK
                    if label in ten_m and glyphs is inks[0]:
                        continue  # measured above
                    if re.fullmatch(r"[\d:—]+", text.strip()):
                        assert digit_height(glyphs) >= sizes.FIVE_M_INK, text
                    else:
                        assert text_height(glyphs) >= need, (text, text_height(glyphs), need)
                self.check_whole(label)
            ticker = ink_lines(screen.ticker)
            assert text_height(ticker[0]) >= sizes.FIVE_M_INK

    def test_the_idle_lobby_breaks_between_phrases(self):
        """「ただいまお呼び出しはあり/ません」 was Kivy cutting where the line was full."""
        screen = self.lobby()
        p = busy_presenter([])
        p.set_settings(parse_settings({"counters": ["c13"]}))
        for lang in ("ja", "en"):
            screen.show(replace(p.view(now=50.0), language=lang), 50.0)
            self.advance_frames(1)
            lines = [line for line in shown_lines(screen.feature_number) if line.strip()]
            assert lines[:2] == ["ただいまお呼び出しは", "ありません"], lines
            self.check_whole(screen.feature_number)
            assert text_height(ink_lines(screen.feature_number)[0]) >= sizes.FIVE_M_INK

    def test_a_sign_in_the_room_left_wraps_between_phrases_at_the_5_m_size(self):
        screen = self.lobby()
        sign = {"ja": "マイナンバーカードがあれば、住民票の写しや印鑑登録証明書はコンビニでも取れます。"
                      "らくらく証明書発行機は入口の横です。",
                "en": "With a My Number card, certificates are also issued at convenience stores."}
        p = busy_presenter(LOBBY)
        p.set_settings(parse_settings({"counters": LOBBY, "departments": ["sogo", "shimin"],
                                       "signage": [sign]}))
        for lang in ("ja", "en"):
            screen.show(replace(p.view(now=50.0), language=lang, flashing=None), 50.0)
            self.advance_frames(2)
            box = screen.signage_text
            assert box.opacity == 1 and len(shown_lines(box)) >= 3, shown_lines(box)
            self.check_whole(box)
            assert all(text_height(g) >= sizes.FIVE_M_INK for g in ink_lines(box)[:2])
        screen.export_to_png(str(DOCS / "lobby-signage.png"))

    def test_no_department_name_of_the_site_file_is_cut(self):
        site = load_config()
        ids = list(site.departments)
        screen = self.lobby()
        for group in (ids[:4], ids[4:]):
            p = all_departments_presenter(group, "en")
            for lang in ("en", "pt", "vi", "zh", "ko"):
                screen.show(replace(p.view(now=50.0), language=lang, flashing=None), 50.0)
                self.advance_frames(1)
                if lang == "pt" and group == ids[:4]:
                    screen.export_to_png(str(DOCS / "lobby-pt.png"))
                for row in screen.dept_rows:
                    for label in row:
                        self.check_whole(label)
                    if lang == "en":  # English names at the 5 m size
                        for glyphs in ink_lines(row[2]):
                            assert text_height(glyphs) >= sizes.FIVE_M_LATIN_INK, row[2].text
                    assert digit_height(ink_lines(row[3])[0]) >= sizes.TEN_M_INK, row[3].text


def test_the_sizes_follow_from_the_panel():
    """43 inches 16:9 is 95.2 cm wide: 0.0496 cm a pixel; 4 cm is 81 px, 2 cm 41 px."""
    assert round(sizes.LOBBY_CM_PER_PX, 4) == 0.0496
    assert (sizes.TEN_M_INK, sizes.FIVE_M_INK, sizes.FIVE_M_LATIN_INK) == (81, 41, 31)
    assert sizes.TEN_M_PX * sizes.DIGIT_EM >= 81 and sizes.FIVE_M_PX * sizes.KANJI_EM >= 41
