"""Fonts of the board, from the OS packages: Noto Sans CJK (ja, zh, ko, Latin) and DejaVu
Sans for Vietnamese, whose stacked diacritics Noto Sans CJK does not cover. Labels mix
Japanese with the rotating language, so Vietnamese spans switch font inside the markup."""

from __future__ import annotations

from pathlib import Path

from kivy.core.text import LabelBase
from kivy.utils import escape_markup

CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
LATIN = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
BOLD, LATIN_BOLD = "BoardCJKBold", "BoardLatinBold"


def register() -> None:
    """Register the fonts with Kivy; fails loudly when a font package is missing."""
    for name, path, package in ((BOLD, CJK, "fonts-noto-cjk"), (LATIN_BOLD, LATIN, "fonts-dejavu-core")):
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: apt-get install {package}")
        LabelBase.register(name, str(path))


def span(text: str, lang: str) -> str:
    """`text` as Kivy markup, in the font that has its glyphs."""
    text = escape_markup(text)
    return f"[font={LATIN_BOLD}]{text}[/font]" if lang == "vi" else text
