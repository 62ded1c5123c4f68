"""The board's state machine: what is shown, what is spoken, and what never is twice."""

from __future__ import annotations

import pytest

from display.presenter import BoardPresenter
from display.settings import SettingsError, parse_settings
from protocol.messages import ServiceStatus

from .conftest import call_message, congestion_message

pytestmark = pytest.mark.pure

NOW = 1_900_000_000.0


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def presenter(site, clock):
    p = BoardPresenter(parse_settings({}), site, clock=clock, wall=lambda: NOW)
    p.on_link(True)
    p.on_service(ServiceStatus(state="online", day="2026-03-31"))
    return p


def call(site, counter, number, call_id, **kw):
    return call_message(site, counter, number, call_id, at=kw.pop("at", NOW), **kw)


def test_a_live_call_is_shown_announced_and_flashes(presenter, site, clock):
    update = presenter.on_call(call(site, "c03", 123, 7), retained=False)
    assert update.announce and update.number == 123 and update.counter_number == 3
    view = presenter.view()
    assert [(c.number, c.counter_number, c.colour) for c in view.calls] == [(123, 3, "#2E7D32")]
    assert view.flashing == 7
    clock.t += presenter.settings.flash_s + 0.1
    assert presenter.view().flashing is None and presenter.view().calls[0].number == 123


def test_a_retained_call_is_shown_but_never_announced_or_flashed(presenter, site):
    update = presenter.on_call(call(site, "c03", 123, 7), retained=True)
    assert not update.announce
    view = presenter.view()
    assert view.calls[0].number == 123 and view.flashing is None


def test_a_redelivered_call_is_ignored(presenter, site):
    assert presenter.on_call(call(site, "c03", 123, 7), retained=False).announce
    assert presenter.on_call(call(site, "c03", 123, 7), retained=False) is None
    assert presenter.on_call(call(site, "c03", 123, 7), retained=True) is None  # after a reconnect


def test_a_recall_is_announced_again_and_marked_as_recall(presenter, site):
    presenter.on_call(call(site, "c03", 123, 7), retained=False)
    update = presenter.on_call(call(site, "c03", 123, 9), retained=False)  # the service's recall
    assert update.announce and update.recall
    assert presenter.view().calls[0].recall


def test_an_older_live_message_arriving_late_is_ignored(presenter, site):
    presenter.on_call(call(site, "c03", 124, 9), retained=False)
    assert presenter.on_call(call(site, "c03", 123, 7), retained=False) is None
    assert presenter.view().calls[0].number == 124


def test_a_live_call_queued_while_the_board_was_away_is_not_announced(presenter, site):
    update = presenter.on_call(call(site, "c03", 123, 7, at=NOW - 600), retained=False)
    assert not update.announce and presenter.view().calls[0].number == 123


def test_a_call_stays_listed_after_its_counter_moves_on(presenter, site):
    """A citizen who looked away when 130 was called can still find it on the board."""
    presenter.on_call(call(site, "c03", 123, 7), retained=False)
    presenter.on_call(call(site, "c05", 130, 8), retained=False)
    presenter.on_call(call(site, "c01", 131, 9), retained=False)
    assert [c.number for c in presenter.view().calls] == [131, 130, 123]
    update = presenter.on_call(call(site, "c05", None, 8), retained=False)  # 受付開始: serving now
    assert update.number is None and not update.announce
    calls = presenter.view().calls
    assert [(c.number, c.counter_number, c.calling) for c in calls] == [
        (131, 1, True), (130, 5, False), (123, 3, True)]
    presenter.on_call(call(site, "c03", 132, 10), retained=False)  # counter 3 calls the next
    assert [(c.number, c.calling) for c in presenter.view().calls] == [
        (132, True), (131, True), (130, False), (123, False)]
    for i in range(10):  # only the last 8 (max_calls) stay
        presenter.on_call(call(site, "c01", 200 + i, 11 + i), retained=False)
    assert [c.number for c in presenter.view().calls] == list(range(209, 201, -1))


def test_a_board_shows_only_its_counters_and_their_departments(site, clock):
    p = BoardPresenter(parse_settings({"counters": ["c09", "c10", "c11"]}), site, clock=clock,
                       wall=lambda: NOW)
    assert p.on_call(call(site, "c03", 123, 7), retained=False) is None
    assert p.on_call(call(site, "c09", 124, 8), retained=False).announce
    p.on_congestion("kokuho", congestion_message("kokuho", 12, 24.0, "medium"))
    p.on_congestion("sogo", congestion_message("sogo", 40, 55.0, "high"))
    rows = p.view().departments
    assert [r.id for r in rows] == ["kokuho", "nenkin"]
    assert (rows[0].waiting, rows[0].estimated_wait_min, rows[0].level) == (12, 24.0, "medium")
    assert rows[1].level == "unknown"  # no word from the service yet


def test_max_calls_limits_the_list(site, clock):
    p = BoardPresenter(parse_settings({"max_calls": 2}), site, clock=clock, wall=lambda: NOW)
    for i, counter in enumerate(("c01", "c02", "c03")):
        p.on_call(call(site, counter, 100 + i, i + 1), retained=True)
    assert [c.number for c in p.view().calls] == [102, 101]


def test_offline_while_the_broker_or_the_service_is_gone(presenter, site):
    presenter.on_call(call(site, "c03", 123, 7), retained=True)
    assert presenter.view().online
    presenter.on_service(ServiceStatus(state="offline", day="2026-03-31"))
    assert not presenter.view().online
    presenter.on_service(ServiceStatus(state="online", day="2026-03-31"))
    presenter.on_link(False)
    view = presenter.view()
    assert not view.online and view.calls[0].number == 123  # the last state stays visible


def test_a_new_business_day_starts_call_ids_again(presenter, site):
    presenter.on_call(call(site, "c03", 800, 950), retained=False)
    presenter.on_service(ServiceStatus(state="online", day="2026-04-01"))
    assert presenter.view().calls == ()
    assert presenter.on_call(call(site, "c03", 1, 1), retained=False).announce


def test_labels_rotate_through_the_configured_languages(site, clock):
    p = BoardPresenter(parse_settings({"label_languages": ["ja", "en", "vi"], "rotate_s": 5}), site,
                       clock=clock, wall=lambda: NOW)
    seen = [p.view(now=t).language for t in (0, 5, 10, 15)]
    assert seen == ["ja", "en", "vi", "ja"]


def test_notices_and_signage_rotate(site, clock):
    p = BoardPresenter(parse_settings({
        "notices": [{"ja": "お知らせ1"}, {"ja": "お知らせ2"}],
        "signage": [{"image": "/x/a.png"}, {"ja": "看板", "en": "Sign"}], "signage_s": 10,
        "label_languages": ["ja"], "rotate_s": 8,
    }), site, clock=clock, wall=lambda: NOW)
    assert p.view(now=0).signage == {"image": "/x/a.png"}
    assert p.view(now=10).signage["en"] == "Sign"
    assert p.view(now=0).notice["ja"] == "お知らせ1" and p.view(now=8).notice["ja"] == "お知らせ2"


@pytest.mark.parametrize(("raw", "message"), [
    ({"counters": "c01"}, "settings.counters: expected a list"),
    ({"label_languages": ["ja", "fr"]}, "unknown language 'fr'"),
    ({"speech_languages": ["klingon"]}, "settings.speech_languages"),
    ({"flash_s": 0}, "settings.flash_s: expected a positive number"),
    ({"lamps": {"c01": "17"}}, "settings.lamps"),
    ({"serial_sign": {"baudrate": 9600}}, "settings.serial_sign"),
    ({"colour": "red"}, "unknown key(s) colour"),
    ({"signage": [{"image": "nothing"}]}, "settings.signage[0].image"),
])
def test_bad_settings_are_named(raw, message):
    with pytest.raises(SettingsError) as err:
        parse_settings(raw)
    assert message in str(err.value)
