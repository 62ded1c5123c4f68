"""Japanese fonts for screens and print: Noto Sans CJK (covers kana, kanji, hangul,
Chinese and Vietnamese diacritics), from the OS package `fonts-noto-cjk`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
KIVY_NAME = "NotoSansCJK"


class FontMissing(RuntimeError):
    """The Japanese font is not installed; without it every character would be a box."""


def _require(path: Path) -> Path:
    if not path.exists():
        raise FontMissing(f"{path} is missing: install the Debian package fonts-noto-cjk")
    return path


@lru_cache(maxsize=64)
def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_require(BOLD if bold else REGULAR)), size)


def register_kivy_fonts() -> str:
    """Register the font with Kivy (the default font shows boxes for Japanese)."""
    from kivy.core.text import LabelBase

    LabelBase.register(KIVY_NAME, fn_regular=str(_require(REGULAR)), fn_bold=str(_require(BOLD)))
    return KIVY_NAME
