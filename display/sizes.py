"""How large the boards draw text, worked out from the viewing distance (one home for it).

A 43-inch 16:9 panel is 95.2 cm wide; at 1920 px that is 0.0496 cm a pixel. The guideline
for signs in Japanese public buildings (国土交通省 移動等円滑化整備ガイドライン: 視距離 10 m
和文 40 mm / 英文 30 mm, 5 m 20 mm / 15 mm) gives the heights below. What counts is the
height of the ink as drawn, not Kivy's `font_size` (the em): a digit or a capital letter
of Noto Sans CJK Bold is 0.73-0.76 em tall, a kanji 0.88-0.96 em. Digits are held to the
Japanese height (they carry the information: the number, the counter, the wait).

The counter-top board (1024x600, a 10.1-inch panel: 0.0218 cm a pixel) is read from the
counter's front and the nearest chairs: its number from 10 m, its counter from 5 m, the
rest from 2 m (和文 9 mm).
"""

from __future__ import annotations

import math

LOBBY_CM_PER_PX = 95.2 / 1920
COUNTER_CM_PER_PX = 22.3 / 1024

DIGIT_EM = 0.73  # ink height of a digit or a Latin capital, per em (Noto Sans CJK Bold)
KANJI_EM = 0.88  # ink height of a kanji, per em (the shorter ones)


def ink_px(cm: float, cm_per_px: float = LOBBY_CM_PER_PX) -> int:
    """Ink height in pixels of a text `cm` tall."""
    return math.ceil(cm / cm_per_px)


# ---- the lobby board (1920x1080 on 43 inches) --------------------------------------------
TEN_M_INK = ink_px(4.0)  # 81 px: number, counter, each department's wait (digits)
FIVE_M_INK = ink_px(2.0)  # 41 px: Japanese text and digits of everything else
FIVE_M_LATIN_INK = ink_px(1.5)  # 31 px: capital letters of text in another script


def font_px(ink: int, em: float) -> int:
    """The font size (an even number of pixels) whose glyphs are at least `ink` tall."""
    return 2 * math.ceil(ink / em / 2)


TEN_M_PX = font_px(TEN_M_INK, DIGIT_EM)  # 112
FIVE_M_PX = font_px(FIVE_M_INK, KANJI_EM)  # 48: kanji and kana
FIVE_M_DIGITS_PX = font_px(FIVE_M_INK, DIGIT_EM)  # 58: counts of people
FIVE_M_LATIN_PX = font_px(FIVE_M_LATIN_INK, DIGIT_EM)  # 44: English, Portuguese, ...

# ---- the counter-top board (1024x600 on 10.1 inches) ------------------------------------
COUNTER_TEN_M_PX = font_px(ink_px(4.0, COUNTER_CM_PER_PX), DIGIT_EM)  # the number
COUNTER_FIVE_M_PX = font_px(ink_px(2.0, COUNTER_CM_PER_PX), KANJI_EM)  # its counter
COUNTER_TWO_M_PX = font_px(ink_px(0.9, COUNTER_CM_PER_PX), KANJI_EM)  # the rest
