"""Kivy building blocks shared by both kiosks: large touch buttons, wrapping labels,
colour chips, Pillow images as textures. Sized for elderly citizens: text at least 26 px,
buttons at least 80 px high, strong contrast."""

from __future__ import annotations

from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex
from PIL import Image as PILImage

from firmware.phrase_label import PhraseWrap

from .fonts import KIVY_NAME

INK = get_color_from_hex("#1A1A1A")
PAPER = get_color_from_hex("#FFFFFF")
BAND = get_color_from_hex("#0D47A1")
WARN = get_color_from_hex("#B71C1C")
SOFT = get_color_from_hex("#E8EEF7")


def paint(widget, colour, radius: float = 0) -> None:
    """A solid background that follows the widget's size and position."""
    with widget.canvas.before:
        Color(*colour)
        shape = (RoundedRectangle(radius=[radius]) if radius else Rectangle())

    def follow(*_):
        shape.pos, shape.size = widget.pos, widget.size

    widget.bind(pos=follow, size=follow)
    follow()


class Text(PhraseWrap, Label):
    """A label that wraps to its width, between phrases, and grows to its text's height."""

    def __init__(self, text: str = "", size: int = 28, bold: bool = False, colour=INK,
                 halign: str = "left", fixed_height: float | None = None, **kw):
        super().__init__(text=text, font_name=KIVY_NAME, font_size=size, bold=bold, color=colour,
                         halign=halign, valign="middle", **kw)
        if fixed_height is None:
            self.size_hint_y = None
            self.bind(texture_size=lambda *_: setattr(self, "height", self.texture_size[1] + 8))
        else:
            self.size_hint_y = None
            self.height = fixed_height
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width, None)))
        self.start_wrapping()


class BigButton(PhraseWrap, Button):
    """A touch button whose text wraps between phrases; `grow`: taller than `height` when
    the text needs more lines (a button in a list, where a long translation must not
    spill over its neighbours)."""

    def __init__(self, text: str, colour: str = "#0D47A1", size: int = 30, height: float = 96,
                 text_colour=PAPER, pad: int = 20, grow: bool = False, **kw):
        super().__init__(text=text, font_name=KIVY_NAME, font_size=size, bold=True,
                         background_normal="", background_down="",
                         background_color=get_color_from_hex(colour), color=text_colour,
                         halign="center", valign="middle", **kw)
        if "size_hint_y" not in kw and "size_hint" not in kw:
            self.size_hint_y = None
            self.height = height
        self.bind(size=lambda *_: setattr(self, "text_size", (self.width - pad, None)))
        if grow:
            self.bind(texture_size=lambda *_: setattr(
                self, "height", max(height, self.texture_size[1] + pad)))
        self.start_wrapping(pad)


class Chip(BoxLayout):
    """A colour swatch with a caption (the counter's sign colour)."""

    def __init__(self, colour: str, caption: str, size: int = 28, **kw):
        super().__init__(orientation="horizontal", spacing=12, size_hint_y=None, height=56, **kw)
        swatch = BoxLayout(size_hint=(None, None), size=(56, 56))
        paint(swatch, get_color_from_hex(colour), radius=8)
        self.add_widget(swatch)
        self.add_widget(Text(caption, size=size, bold=True, fixed_height=56))


# The 五十音表 as on a station ticket machine: a column per consonant (あ か さ … わ, then
# the voiced ones and the small kana), the five vowels down each column; " " is a gap.
GOJUON = ("あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの", "はひふへほ",
          "まみむめも", "や ゆ よ", "らりるれろ", "わ を ん", "がぎぐげご", "ざじずぜぞ",
          "だぢづでど", "ばびぶべぼ", "ぱぴぷぺぽ", "ゃゅょっー")
DIGITS = "0123456789-"
ERA_KEYS = ("昭和", "平成", "令和", "年", "月", "日")  # 和暦 dates of birth


class KanaPad(GridLayout):
    """An on-screen hiragana keyboard (a kiosk has no IME) laid out as the 五十音表:
    key(ch) for each tap; the `extra` keys follow in rows under it, and a delete key that
    calls key("") when `delete_text` is given."""

    def __init__(self, key, extra=(), delete_text: str = "", **kw):
        super().__init__(cols=len(GOJUON), spacing=4, **kw)
        keys = [column[row] for row in range(5) for column in GOJUON] + list(extra)
        for ch in keys:
            if ch == " ":
                self.add_widget(Widget())
                continue
            b = BigButton(ch, colour="#ECEFF1", text_colour=(0, 0, 0, 1),
                          size=28 if len(ch) == 1 else 20, size_hint=(1, 1))
            b.bind(on_release=lambda _b, c=ch: key(c))
            self.add_widget(b)
        if delete_text:
            b = BigButton(delete_text, colour="#607D8B", size=20, size_hint=(1, 1))
            b.bind(on_release=lambda _b: key(""))
            self.add_widget(b)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def texture_of(img: PILImage.Image):
    """A Pillow image as a Kivy texture (maps and print previews)."""
    import io

    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="png")
    buf.seek(0)
    return CoreImage(buf, ext="png").texture


def picture(img: PILImage.Image, **kw) -> Image:
    widget = Image(fit_mode="contain", **kw)
    widget.texture = texture_of(img)
    return widget
