"""How a wait is written, on every surface: one rounding, one wording, every language.

The queue service estimates a range (`wait_min_low`, `wait_min_high` in the congestion
and visit-status payloads) and rounds it here with `natural_range`; the ticket, the
issuer's preview, the boards, the floor guide, the phone pages and the dashboard all
write it with `wait_text` and never compute a wait of their own. No counter open reads
`NOT_OPEN` everywhere and shows no minutes. `wait_reason` says why a short line has a
long wait (visits on their way from other counters, or every counter busy).

Languages: ja, easy (やさしい日本語), en, zh, ko, vi, pt; any other falls back to English.
"""

from __future__ import annotations

import math

SHORT_MIN = 5  # a wait up to this reads 「5分以内」

_WITHIN = {"ja": "{h}分以内", "easy": "{h}ふん いない", "en": "up to {h} min",
           "zh": "{h}分钟以内", "ko": "{h}분 이내", "vi": "dưới {h} phút", "pt": "até {h} min"}
_RANGE = {"ja": "約{l}〜{h}分", "easy": "やく {l}〜{h}ふん", "en": "about {l}–{h} min",
          "zh": "约{l}～{h}分钟", "ko": "약 {l}~{h}분", "vi": "khoảng {l}–{h} phút",
          "pt": "cerca de {l}–{h} min"}
NOT_OPEN = {"ja": "ただいま受付していません", "easy": "いまは うけつけして いません",
            "en": "Not open now", "zh": "目前未受理", "ko": "지금은 접수하지 않습니다",
            "vi": "Hiện chưa mở", "pt": "Fechado agora"}
_MOVING = {"ja": "ほかの窓口から移動中 {n}人", "easy": "ほかの まどぐちから くる ひと {n}にん",
           "en": "{n} on their way from other counters", "zh": "{n}人正从其他窗口过来",
           "ko": "다른 창구에서 이동 중 {n}명", "vi": "{n} người đang đến từ quầy khác",
           "pt": "{n} a caminho de outros guichês"}
_ALL_BUSY = {"ja": "窓口はすべて対応中", "easy": "まどぐちは いま みんな いそがしいです",
             "en": "All counters are busy", "zh": "所有窗口都在办理中", "ko": "모든 창구 업무 중",
             "vi": "Tất cả quầy đang bận", "pt": "Todos os guichês ocupados"}


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts["en"]


def _step(minutes: float) -> int:
    """Natural figures: fives up to half an hour, tens up to an hour and a half, then
    half hours."""
    return 5 if minutes <= 30 else 10 if minutes <= 90 else 30


def natural_range(low: float, high: float) -> tuple[int, int]:
    """Round a range outwards to figures people say: (0, 5) for a short wait, else e.g.
    (10, 20); low 0 reads 「15分以内」. Never a range of zero width, never 「約0分」."""
    high = max(high, low, 0.0)
    if high <= SHORT_MIN:
        return 0, SHORT_MIN
    step = _step(high)
    hi = math.ceil(high / step - 1e-9) * step
    lo = math.floor(max(low, 0.0) / step + 1e-9) * step
    if lo >= hi:
        lo = hi - step
    return lo, hi


def wait_text(low: int | None, high: int | None, lang: str = "ja") -> str:
    """The wait as every surface writes it; None (no counter open) gives `NOT_OPEN`."""
    if low is None or high is None:
        return not_open_text(lang)
    if low <= 0:
        return _pick(_WITHIN, lang).format(h=high)
    return _pick(_RANGE, lang).format(l=low, h=high)


def not_open_text(lang: str = "ja") -> str:
    return _pick(NOT_OPEN, lang)


def wait_reason(waiting: int, counters_open: int, moving_here: int, high: int | None,
                lang: str = "ja") -> str | None:
    """Why the wait is longer than the people waiting suggest, or None if it is not:
    fewer people waiting than counters open, and still more than a short wait."""
    if high is None or high <= SHORT_MIN or waiting >= max(counters_open, 1):
        return None
    if moving_here > 0:
        return _pick(_MOVING, lang).format(n=moving_here)
    return _pick(_ALL_BUSY, lang)
