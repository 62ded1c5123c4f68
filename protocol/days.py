"""How a day is written, in every language: 「3月29日(月)」, "Mon 29 Mar", 「3月29日(周一)」,
「3월 29일(월)」, "T2, 29/3", "seg., 29/3"; and its time of day, "10:00" in all of them. The
booking pages and the booking reminders write a booking's day with `day_label` and its
time with `clock_label`, so a reminder names the day and time as the page did.

Languages: ja, easy (やさしい日本語), en, zh, ko, vi, pt.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_WEEKDAYS = {"ja": "月火水木金土日", "easy": "月火水木金土日",
             "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
             "ko": "월화수목금토일",
             "vi": ("T2", "T3", "T4", "T5", "T6", "T7", "CN"),
             "pt": ("seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom.")}
_FORMATS = {"ja": "{m}月{d}日({w})", "easy": "{m}月{d}日({w})", "zh": "{m}月{d}日({w})",
            "ko": "{m}월 {d}일({w})", "vi": "{w}, {d}/{m}", "pt": "{w}, {d}/{m}"}


def day_label(ts: float, tz: str, lang: str) -> str:
    """The local day of `ts` with its weekday, as a reader of `lang` writes it."""
    d = datetime.fromtimestamp(ts, ZoneInfo(tz))
    if lang == "en":
        return d.strftime("%a %d %b")
    return _FORMATS[lang].format(m=d.month, d=d.day, w=_WEEKDAYS[lang][d.weekday()])


def clock_label(ts: float, tz: str) -> str:
    """The local time of day of `ts`: "10:00"."""
    return f"{datetime.fromtimestamp(ts, ZoneInfo(tz)):%H:%M}"
