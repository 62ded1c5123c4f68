"""The kiosks' font for screens: Noto Sans CJK (kana, kanji, hangul, Chinese and
Vietnamese diacritics), registered with Kivy. Printouts use firmware.printing."""

from __future__ import annotations

from firmware.printing import require_fonts

KIVY_NAME = "NotoSansCJK"


def register_kivy_fonts() -> str:
    """Register the font with Kivy (the default font shows boxes for Japanese)."""
    from kivy.core.text import LabelBase

    regular, bold = require_fonts()
    LabelBase.register(KIVY_NAME, fn_regular=str(regular), fn_bold=str(bold))
    return KIVY_NAME
