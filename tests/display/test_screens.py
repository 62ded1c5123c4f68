"""The Kivy board screens, offscreen: what a citizen reads, and screenshots for docs/display/."""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.core.text import Label as CoreLabel
from kivy.tests.common import GraphicUnitTest
from PIL import Image

from display import fonts
from display.presenter import BoardPresenter
from display.screens import FLASH, FLASH_PERIOD_S, BoardScreen, rgba, text_on
from display.settings import parse_settings
from protocol.messages import ServiceStatus
from protocol.site import load_config

from .conftest import call_message, congestion_message

DOCS = Path(__file__).resolve().parents[2] / "docs" / "display"
WALL = datetime(2027, 3, 29, 10, 15, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()  # a peak morning
NOTICE = {"ja": "本日は大変混み合っています。番号でお呼びしますので、画面と音声でご確認ください。",
          "en": "It is very busy today. We call by number: please watch this screen and listen."}
SIGN = {"ja": "マイナンバーカードがあれば、\n証明書はコンビニでも取れます",
        "en": "With a My Number card you can get certificates at convenience stores",
        "vi": "Có thẻ My Number, bạn có thể lấy giấy chứng nhận tại cửa hàng tiện lợi"}


def busy_presenter(counters: list[str], now: float = 50.0) -> BoardPresenter:
    """A late-March morning: seven counters calling, four departments busy."""
    site = load_config()
    p = BoardPresenter(parse_settings({"counters": counters, "notices": [NOTICE], "signage": [SIGN]}),
                       site, clock=lambda: now, wall=lambda: WALL)
    p.on_link(True)
    p.on_service(ServiceStatus(state="online", day="2026-03-31"))
    calls = [("c05", 118), ("c07", 121), ("c01", 2041), ("c09", 125), ("c02", 2043), ("c06", 127),
             ("c03", 123)]
    for call_id, (counter, number) in enumerate(calls, start=1):
        if counter in counters:
            p.on_call(call_message(site, counter, number, call_id, at=WALL), retained=False)
    for dept, waiting, minutes, level in (("sogo", 14, 28, "medium"), ("shimin", 6, 9, "low"),
                                          ("shiminzei", 22, 41, "high"), ("kokuho", 3, 5, "low")):
        p.on_congestion(dept, congestion_message(dept, waiting, minutes, level))
    return p


LOBBY = ["c01", "c02", "c03", "c05", "c06", "c07", "c09", "c10"]


class TestBoardScreens(GraphicUnitTest):
    def make(self, layout: str) -> BoardScreen:
        fonts.register()
        size = (1920, 1080) if layout == "lobby" else (1024, 600)
        screen = BoardScreen(layout, wall=lambda: WALL, size_hint=(None, None), size=size)
        self.render(screen)
        return screen

    def shoot(self, screen: BoardScreen, name: str) -> Path:
        self.advance_frames(2)
        DOCS.mkdir(parents=True, exist_ok=True)
        path = DOCS / name
        screen.export_to_png(str(path))
        assert path.stat().st_size < 400_000
        return path

    def test_lobby_shows_the_newest_call_large_with_counter_and_congestion(self):
        screen = self.make("lobby")
        view = busy_presenter(LOBBY).view(now=50.0)
        screen.show(view, 50.0)
        screen.freeze_ticker(0.03)
        assert screen.feature_number.text == "123"
        assert plain(screen.feature_counter.text) == "3\n番窓口"
        assert [t[1].text for t in screen.tiles] == ["127", "2043", "125", "2041", "121", "118", ""]
        assert [plain(t[0].text) for t in screen.tiles][:2] == ["6番", "2番"]
        rows = [(r[0].text, plain(r[1].text), r[3].text, r[4].text) for r in screen.dept_rows]
        assert rows[0] == ("総合窓口", "待ち人数 14人", "約20〜40分", "やや混雑")
        assert rows[2][3] == "混雑"
        png = self.shoot(screen, "lobby.png")
        # the flashing newest number is lit: yellow behind it in the picture
        image = Image.open(png).convert("RGB")
        assert image.size == (1920, 1080)
        r, g, b = image.getpixel((470, 150))
        assert (r, g, b)[:2] > (200, 200) and b < 120

    def test_lobby_rotates_to_english_and_the_number_stops_flashing(self):
        screen = self.make("lobby")
        p = busy_presenter(LOBBY)
        view = replace(p.view(now=50.0), language="en", flashing=None)
        screen.show(view, 50.0)
        screen.freeze_ticker(0.03)
        assert "Now calling" in screen.header.text and "お呼び出し番号" in screen.header.text
        assert "Counter 3" in screen.feature_counter.text
        assert screen.feature_number._bg_colour.rgba != list(rgba(FLASH))
        self.shoot(screen, "lobby-en.png")

    def test_japanese_stays_on_screen_in_every_rotating_language(self):
        screen = self.make("lobby")
        p = busy_presenter(LOBBY)
        for lang, word in (("ko", "혼잡"), ("en", "Very busy"), ("pt", "Lotado")):
            screen.show(replace(p.view(now=50.0), language=lang, flashing=None), 50.0)
            row = screen.dept_rows[2]
            assert plain(row[1].text) == "待ち人数 22人" and plain(row[3].text).startswith("約")
            assert plain(row[4].text).split("\n") == ["混雑", word]  # Japanese, then the other
            assert plain(screen.feature_counter.text).startswith("3\n番窓口\n")
            if lang == "pt":  # the department's name in Portuguese from the site file
                assert plain(screen.dept_rows[2][2].text) == "Divisão de Impostos Municipais (certidões)"
            assert "最近のお呼び出し" in screen.tiles_head.text
        idle = self.make("counter")
        q = busy_presenter([])
        q.set_settings(parse_settings({"counters": ["c13"]}))
        idle.show(replace(q.view(now=50.0), language="en"), 50.0)
        assert plain(idle.feature_number.text) == "ただいまお呼び出しはありません\nNo numbers are being called"

    def test_flash_alternates_then_stops(self):
        screen = self.make("lobby")
        p = busy_presenter(LOBBY)
        lit = screen.feature_number._bg_colour
        colours = []
        for t in (50.0, 50.0 + FLASH_PERIOD_S / 2):
            screen.show(p.view(now=t), t)
            colours.append(list(lit.rgba))
        assert colours[0] != colours[1] and list(rgba(FLASH)) in colours
        screen.show(p.view(now=1000.0), 1000.0)
        assert list(lit.rgba) != list(rgba(FLASH))

    def test_the_largest_number_fits_its_box(self):
        for layout in ("lobby", "counter"):
            screen = self.make(layout)
            p = busy_presenter(LOBBY)
            p.on_call(call_message(load_config(), "c10", 2888, 50, at=WALL), retained=False)
            screen.show(p.view(now=50.0), 50.0)
            box = screen.feature_number
            width = CoreLabel(font_name=box.font_name, font_size=box.font_size).get_extents("2888")[0]
            assert box.text == "2888" and width < box.width

    def test_offline_is_marked_quietly_and_the_calls_stay(self):
        screen = self.make("lobby")
        p = busy_presenter(LOBBY)
        p.on_link(False)
        screen.show(p.view(now=98.0), 98.0)  # labels in Japanese at this moment
        assert "接続を確認中" in screen.status.text
        assert screen.feature_number.text == "123"

    def test_the_clock_is_the_halls_whatever_the_device_time_zone(self):
        import os
        import time

        screen = self.make("lobby")
        before = os.environ.get("TZ")
        os.environ["TZ"] = "UTC"  # a board image left at its factory zone
        time.tzset()
        try:
            screen.show(busy_presenter(LOBBY).view(now=50.0), 50.0)
        finally:
            if before is None:
                os.environ.pop("TZ")
            else:
                os.environ["TZ"] = before
            time.tzset()
        assert screen.status.text.endswith("10:15")  # in Asia/Tokyo, not 01:15 UTC

    def test_counter_top_screen_and_its_department_line(self):
        screen = self.make("counter")
        p = busy_presenter(["c03"])
        screen.show(p.view(now=50.0), 50.0)
        screen.freeze_ticker(0.02)
        assert screen.feature_number.text == "123" and screen.feature_counter.text == "3番窓口"
        assert "待ち人数 14人" in screen.feature_hint.text and "約20〜40分" in screen.feature_hint.text
        self.shoot(screen, "counter.png")
        view = replace(p.view(now=50.0), language="vi", flashing=None)
        screen.show(view, 50.0)
        screen.freeze_ticker(0.02)
        assert "Quầy 3" in screen.feature_counter.text
        self.shoot(screen, "counter-vi.png")

    def test_an_idle_board_says_nobody_is_being_called(self):
        screen = self.make("counter")
        p = busy_presenter([])
        p.set_settings(parse_settings({"counters": ["c13"]}))
        screen.show(p.view(now=50.0), 50.0)
        assert screen.feature_number.text == "ただいまお呼び出しはありません"

    def test_the_idle_line_after_a_flash_is_light_on_dark(self):
        screen = self.make("counter")
        p = busy_presenter(["c03"])
        lit = next(t for t in (50.0, 50.0 + FLASH_PERIOD_S / 2)
                   if (t % FLASH_PERIOD_S) < FLASH_PERIOD_S / 2)
        screen.show(p.view(now=lit), lit)
        assert list(screen.feature_number.color) == list(rgba("#000000"))  # dark on yellow
        p.on_call(call_message(load_config(), "c03", None, 8, at=WALL), retained=False)
        screen.show(p.view(now=lit + 0.1), lit + 0.1)
        assert "コンビニ" in screen.feature_number.text  # the idle signage, or 「ただいま…」
        assert list(screen.feature_number.color) == list(rgba("#FFFFFF"))

    def test_an_idle_counter_board_shows_signage_until_a_call_comes(self):
        with tempfile.TemporaryDirectory() as tmp:
            poster = Path(tmp) / "poster.png"
            Image.new("RGB", (640, 360), "#1565C0").save(poster)
            screen = self.make("counter")
            p = busy_presenter([])
            p.set_settings(parse_settings({"counters": ["c13"], "signage_s": 10,
                                           "signage": [{"image": str(poster)}, SIGN]}))
            screen.show(p.view(now=5.0), 5.0)
            assert screen.signage_image.source == str(poster) and screen.signage_image.opacity == 1
            screen.show(p.view(now=15.0), 15.0)
            assert screen.signage_image.opacity == 0
            assert "convenience stores" in screen.feature_number.text  # labels in English now
            p.on_call(call_message(load_config(), "c13", 42, 99, at=WALL), retained=False)
            screen.show(p.view(now=16.0), 16.0)
            assert screen.feature_number.text == "42" and screen.signage_image.opacity == 0


def plain(markup: str) -> str:
    return re.sub(r"\[/?[a-z]+[^\]]*\]", "", markup)


def test_text_colour_contrasts_with_every_counter_colour():
    site = load_config()
    for counter in site.counters.values():
        assert text_on(counter.colour) in ("#000000", "#FFFFFF")
    assert text_on("#F9A825") == "#000000"  # yellow counter: black text
    assert text_on("#1565C0") == "#FFFFFF"  # blue counter: white text
