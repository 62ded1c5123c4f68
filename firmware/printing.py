"""Receipt printing shared by the appliances: Japanese drawn as pixels.

python-escpos's text mode encodes kanji as GB18030, so every appliance renders its text
with Pillow and Noto Sans CJK (OS package `fonts-noto-cjk`, which also covers Chinese,
Korean and Vietnamese) and prints images. This module holds the parts every printout
needs: the fonts, line wrapping that suits Japanese, and QR codes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageFont

from protocol.phrases import lines

REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


class FontMissing(RuntimeError):
    """The Japanese font is not installed; without it every character would be a box."""


def require_fonts() -> tuple[Path, Path]:
    for path in (REGULAR, BOLD):
        if not path.exists():
            raise FontMissing(f"{path} is missing: install the Debian package fonts-noto-cjk")
    return REGULAR, BOLD


@lru_cache(maxsize=64)
def pil_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK JP (face 0 of the collection) at `size` pixels."""
    regular, heavy = require_fonts()
    # BASIC layout: Japanese needs no complex shaping, and raqm is ten times slower here.
    return ImageFont.truetype(str(heavy if bold else regular), size, index=0,
                              layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=8192)
def advance(token: str, size: int, bold: bool = False) -> float:
    # Widths add up: the BASIC layout does no kerning, so a line is the sum of its tokens,
    # and measuring a whole line per added character would cost milliseconds each time.
    return pil_font(size, bold).getlength(token)


def wrap(text: str, size: int, width: float, bold: bool = False) -> list[str]:
    """Lines of `text` that fit `width` pixels, broken between phrases (never inside a
    word, no ・ or 。 at a line start); explicit newlines are kept."""
    return lines(text, width, lambda t: advance(t, size, bold))


def qr_image(url: str, box: int = 6) -> Image.Image:
    """A QR code (error correction M, quiet zone 2) as a 1-bit image."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=2)
    qr.add_data(url)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("1")
