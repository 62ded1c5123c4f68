"""The Japanese fonts (Noto Sans CJK JP from the OS package fonts-noto-cjk)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def require() -> tuple[Path, Path]:
    for path in (REGULAR, BOLD):
        if not path.exists():
            raise RuntimeError(f"Japanese font missing: {path} (apt-get install fonts-noto-cjk)")
    return REGULAR, BOLD


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Noto Sans CJK JP (face 0 of the collection) at `size` pixels."""
    regular, heavy = require()
    # BASIC layout: Japanese needs no complex shaping, and raqm is ten times slower here.
    return ImageFont.truetype(str(heavy if bold else regular), size, index=0,
                              layout_engine=ImageFont.Layout.BASIC)
