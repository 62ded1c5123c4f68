"""Dates of birth typed as citizens write them, and the 五十音表 keyboard."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.wareki import japanese_date, parse_birth_date
from kiosk.widgets import GOJUON


@pytest.mark.parametrize(("typed", "born"), [
    ("1980-04-01", date(1980, 4, 1)), ("1980/4/1", date(1980, 4, 1)), ("19800401", date(1980, 4, 1)),
    ("昭和55年4月1日", date(1980, 4, 1)), ("S55.4.1", date(1980, 4, 1)), ("ｓ５５－４－１", date(1980, 4, 1)),
    ("平成元年5月1日", date(1989, 5, 1)), ("H1.1.8", date(1989, 1, 8)), ("昭和64年1月7日", date(1989, 1, 7)),
    ("令和2年2月29日", date(2020, 2, 29)), ("R1.5.1", date(2019, 5, 1)), ("大正15年12月24日", date(1926, 12, 24)),
])
def test_western_and_era_dates_of_birth(typed, born):
    assert parse_birth_date(typed) == born


@pytest.mark.parametrize("typed", ["昭和64年1月8日", "平成1年1月7日", "令和1年4月30日", "平成31年5月1日",
                                   "1980-02-30", "昭和55年", "さくら"])
def test_days_no_era_had_are_refused(typed):
    with pytest.raises(ValueError):
        parse_birth_date(typed)


def test_the_era_form_for_the_application_sheet():
    assert japanese_date("1980-04-01") == "1980年4月1日(昭和55年)"
    assert japanese_date("1989-01-08") == "1989年1月8日(平成元年)"


def test_the_kana_keyboard_is_the_gojuon_grid():
    """Columns あ か さ … わ left to right, the vowels down each column (not rows of ten)."""
    rows = ["".join(column[r] for column in GOJUON) for r in range(5)]
    assert rows[0].startswith("あかさたなはまやらわ")
    assert rows[1].startswith("いきしちにひみ りを".replace("を", " "))
    assert [column[0] for column in GOJUON[:10]] == list("あかさたなはまやらわ")
    assert GOJUON[0] == "あいうえお" and GOJUON[9].replace(" ", "") == "わをん"
    every = "".join(GOJUON).replace(" ", "")
    assert len(every) == len(set(every)) and "ん" in every and "ぽ" in every
