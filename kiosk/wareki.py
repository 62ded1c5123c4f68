"""Dates of birth as citizens write them: 西暦 (1980-04-01, 1980/4/1) or 和暦 (昭和55年4月1日,
S55.4.1, 平成元年), and back to the era form that city forms still use.

An era year is checked against the era's first and last day: 昭和64年1月8日 or 平成1年1月7日
do not exist and are refused.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# (first day, name, letter), newest first
ERAS = ((date(2019, 5, 1), "令和", "R"), (date(1989, 1, 8), "平成", "H"),
        (date(1926, 12, 25), "昭和", "S"), (date(1912, 7, 30), "大正", "T"),
        (date(1868, 10, 23), "明治", "M"))
_WESTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")
_ERA = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_birth_date(text: str) -> date:
    """The date typed; ValueError if it is not a real date in either form."""
    t = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
    if m := _WESTERN.match(t):
        y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
        return date(y, mo, d)
    if m := _ERA.match(t):
        era, year, mo, d = m.groups()
        index = next(i for i, (_, name, letter) in enumerate(ERAS) if era in (name, letter))
        start = ERAS[index][0]
        day = date(start.year + (1 if year == "元" else int(year)) - 1, int(mo), int(d))
        end = ERAS[index - 1][0] if index else None
        if day < start or (end is not None and day >= end):
            raise ValueError(f"{text!r}: {ERAS[index][1]} has no such day")
        return day
    raise ValueError(f"{text!r} is not a date")


def japanese_date(iso: str) -> str:
    """'1980-04-01' -> '1980年4月1日(昭和55年)': city forms still use the era."""
    d = date.fromisoformat(iso)
    era = next(((name, start) for start, name, _ in ERAS if d >= start), None)
    western = f"{d.year}年{d.month}月{d.day}日"
    if era is None:
        return western
    year = d.year - era[1].year + 1
    return f"{western}({era[0]}{'元' if year == 1 else year}年)"
