"""The site file's bookings section and remote booths: defaults, closed days, and every
mistake names its field."""

from datetime import date, time

import pytest

from protocol.site import ConfigError, parse_config
from tests.bookings.sites import booth_config, example, with_booth


def test_the_example_books_non_certificate_visits_with_the_anchors_windows():
    b = parse_config(example()).bookings
    assert "tennyu" in b.procedures and "juminhyo" not in b.procedures
    assert (b.opens, b.closes, b.slot_minutes) == (time(9), time(16), 30)
    assert (b.early_minutes, b.late_minutes, b.due_minutes) == (15, 15, 2)
    assert b.open_on(date(2027, 3, 29))  # a Monday
    assert not b.open_on(date(2027, 3, 27))  # Saturday
    assert not b.open_on(date(2027, 3, 22))  # 春分の日の振替休日 (jpholiday)
    assert not b.open_on(date(2027, 12, 29))  # a closed date of the site file


def test_defaults_when_the_section_only_lists_procedures():
    doc = example()
    doc["bookings"] = {"procedures": ["tennyu"]}
    b = parse_config(doc).bookings
    assert (b.early_minutes, b.late_minutes, b.days_ahead, b.held_share) == (15, 15, 30, 0.2)
    assert b.weekdays == (0, 1, 2, 3, 4)


def test_a_site_without_the_section_takes_no_bookings():
    doc = example()
    del doc["bookings"]
    assert parse_config(doc).bookings is None


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["bookings"].update(procedures=["nope"]), "bookings.procedures"),
    (lambda d: d["bookings"].update(procedures=["inu_toroku"]), "bookings.procedures"),
    (lambda d: d["bookings"].update(slot_minutes=0), "bookings.slot_minutes"),
    (lambda d: d["bookings"].update(held_share=1.5), "bookings.held_share"),
    (lambda d: d["bookings"].update(weekdays=["monday"]), "bookings.weekdays"),
    (lambda d: d["bookings"].update(opens="9 o'clock"), "bookings.opens"),
    (lambda d: d["bookings"].update(closes="08:00"), "bookings.closes"),
    (lambda d: d["bookings"].update(closed_dates=["2027-02-30"]), "bookings.closed_dates[0]"),
    (lambda d: d["bookings"].update(days_ahead=0), "bookings.days_ahead"),
    (lambda d: d["bookings"].update(late_minutes=-1), "bookings.late_minutes"),
    (lambda d: d["counters"][-1]["remote"].update(slot_minutes=45), "counters[13].remote.slot_minutes"),
    (lambda d: d["counters"][-1]["remote"].update(video_url="booth-1"), "counters[13].remote.video_url"),
    (lambda d: d["counters"][-1].update(procedures=[]), "counters[13].procedures"),
])
def test_mistakes_name_the_field(mutate, field):
    doc = with_booth()
    mutate(doc)
    with pytest.raises(ConfigError) as err:
        parse_config(doc)
    assert str(err.value).startswith(field), str(err.value)


@pytest.mark.parametrize("minutes", [30, 90])
def test_a_remote_booth_is_a_counter_kind_with_its_video_link(minutes):
    config = booth_config(minutes)
    [booth] = config.booths()
    assert booth.id == "r01" and booth.remote.slot_minutes == minutes
    assert booth.remote.video_url == "https://video.example.jp/booth/akabori"
    assert booth.remote.branch_ja == "赤堀支所"
    assert config.counters["c01"].remote is None
