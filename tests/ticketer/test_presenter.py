"""The concierge screen's logic without a window."""

from __future__ import annotations

import pytest

from protocol.messages import CongestionMessage
from ticketer.presenter import ConciergePresenter

from .conftest import with_self_service

pytestmark = pytest.mark.pure


def unlocked(p: ConciergePresenter) -> ConciergePresenter:
    assert p.unlock_pin("1024", "4821").ok
    return p


def test_a_life_event_preselects_its_procedures_and_questions_add_more(presenter):
    p = unlocked(presenter)
    p.choose_life_event("tennyu")
    assert p.procedures == ["tennyu", "kokuho_kanyu", "nenkin"]
    p.answer("children", True)
    p.answer("dog", True)
    assert p.procedures[-3:] == ["jido_teate", "kodomo_iryo", "inu_toroku"]
    p.answer("children", False)
    assert "jido_teate" not in p.procedures and "inu_toroku" in p.procedures
    p.remove_procedure("nenkin")
    assert p.procedures == ["tennyu", "kokuho_kanyu", "inu_toroku"]


def test_procedures_are_found_by_reading_in_hiragana_or_katakana(presenter):
    presenter.set_query("いんかん")
    assert [x.id for x in presenter.results()][:2] == ["inkan_toroku", "inkan_shomei"]
    presenter.set_query("ジュウミンヒョウ")
    assert "juminhyo" in [x.id for x in presenter.results()]
    presenter.set_query("納税")
    assert [x.id for x in presenter.results()] == ["nozei"]


def test_route_preview_orders_departments_with_counters_colours_and_waiting(presenter):
    p = unlocked(presenter)
    p.set_congestion("sogo", CongestionMessage(
        department="sogo", waiting=7, serving=2, counters_open=3, estimated_wait_min=14.2,
        wait_min_low=10, wait_min_high=20, priority_wait_min_low=0, priority_wait_min_high=5,
        level="low", label_ja="すいています", label_en="Not busy", at=0))
    p.choose_life_event("shussei")
    p.answer("nursery", True)
    stops = p.route().stops
    assert [s.department for s in stops] == ["sogo", "kokuho", "kosodate"]
    assert p.stop_lines(stops[0]) == ("総合窓口", "1階  1・2・3番窓口  みどり", "待ち 7人・約10〜20分")
    assert p.stop_lines(stops[2])[1] == "2階  21番窓口  きいろ"
    assert p.stop_lines(stops[1])[2] == "混雑状況 不明"
    p.toggle_language()
    assert p.stop_lines(stops[0]) == ("One-stop Service Counter", "1st floor, Counters 1, 2, 3, green",
                                      "7 waiting, about 10–20 min")
    p.toggle_need("wheelchair")  # called first: the service's estimate for a priority visit
    assert p.stop_lines(p.route().stops[0])[2] == "7 waiting, up to 5 min"


def test_nothing_can_be_issued_while_locked(presenter, sim):
    presenter.choose_life_event("shomei")
    assert presenter.mode == "locked" and not presenter.can_issue
    assert presenter.issue() is False
    assert sim.tickets == 0
    unlocked(presenter)
    assert presenter.can_issue


def test_a_double_tap_issues_and_prints_one_ticket(settings, site, lock, store, printer, sim, clock):
    from protocol.client import ServiceClient
    from ticketer.issuing import Issuer
    tasks = []
    issuer = Issuer(ServiceClient(site.id, "issuer-east"), store, site, "east", clock=clock)
    store.add_lease(site.business_day(clock()), 101, 120)
    p = unlocked(ConciergePresenter(settings, site, lock, issuer, printer, store,
                                    run=tasks.append, clock=clock))
    p.choose_life_event("konin")
    assert p.issue() is True
    assert p.issue() is False  # the second tap while the first is running
    for task in tasks:
        task()
    assert sim.tickets == 1 and p.last.number == 101
    assert [e for e, _, _ in store.audit_log() if e == "issue"] == ["issue"]


def test_a_ticket_that_did_not_print_is_reprinted_with_the_same_number(presenter, sim, store):
    p = unlocked(presenter)
    sim.paper = "out"
    p.choose_life_event("shomei")
    p.issue()
    assert p.notice.kind == "error" and p.printer_state == "paper_out"
    assert [t.number for t in p.unprinted()] == [101]
    assert p.text("unprinted", n=1, numbers="101").startswith("印刷できなかった券 1枚")
    sim.load_paper()
    p.reprint()
    assert p.unprinted() == [] and sim.tickets == 1
    assert store.ticket_by_number(store.last_ticket().day, 101).printed
    assert ("reprint", "1024", "number 101") in store.audit_log()
    assert ("print_failed", None, "number 101: paper_out") in store.audit_log()


def test_the_next_citizen_gets_a_new_request_id(presenter):
    p = unlocked(presenter)
    p.choose_life_event("konin")
    p.issue()
    first = p.request_id
    p.issue()  # pressing issue again on the same ticket: no new number
    assert p.last.number == 101 and p.last.repeated
    p.next_citizen()
    assert p.request_id != first
    p.choose_life_event("konin")
    p.issue()
    assert p.last.number == 102


def test_self_service_issues_without_staff_when_configured(settings, site, lock, store, printer, clock):
    from protocol.client import ServiceClient
    from ticketer.issuing import Issuer
    issuer = Issuer(ServiceClient(site.id, "issuer-east"), store, site, "east", clock=clock)
    store.add_lease(site.business_day(clock()), 101, 120)
    s = with_self_service(settings, "juminhyo", "inkan_shomei", "shotoku")
    p = ConciergePresenter(s, site, lock, issuer, printer, store, clock=clock)
    assert p.mode == "self_service"
    assert [x.id for x in p.self_service_procedures()] == ["juminhyo", "inkan_shomei", "shotoku"]
    p.add_procedure("tennyu")  # not offered for self-service
    p.add_procedure("shotoku")
    assert p.procedures == ["shotoku"]
    assert p.issue()
    assert ("issue", None, "number 101 offline") in store.audit_log()
    assert p.last.number == 101 and p.procedures == []


def test_without_self_service_a_locked_issuer_stays_locked(presenter):
    assert presenter.mode == "locked"


def test_self_service_only_inside_its_windows(settings, site, lock, store, printer, clock):
    from dataclasses import replace
    from datetime import time

    from protocol.client import ServiceClient
    from ticketer.issuing import Issuer
    from ticketer.settings import SelfServiceSettings, Window

    s = replace(settings, self_service=SelfServiceSettings(
        True, ("juminhyo",), (Window(time(8, 30), time(9, 0)),)))
    issuer = Issuer(ServiceClient(site.id, "issuer-east"), store, site, "east", clock=clock)
    p = ConciergePresenter(s, site, lock, issuer, printer, store, clock=clock)
    assert p.mode == "locked"  # 09:00: the window has just closed
    clock.advance(-10)
    assert p.mode == "self_service"
    unlocked(p)
    assert p.mode == "concierge"  # staff at the desk: the full screen


def test_offline_tickets_count_the_citizens_this_issuer_sent_to_the_same_queue(presenter):
    p = unlocked(presenter)
    p.set_congestion("shimin", CongestionMessage(
        department="shimin", waiting=4, serving=2, counters_open=2, estimated_wait_min=8.0,
        wait_min_low=5, wait_min_high=15, level="low", label_ja="", label_en="", at=0))
    for event in ("shomei", "konin", "shomei", "shomei"):  # konin queues at the one-stop counter
        p.next_citizen()
        p.choose_life_event(event)
        p.issue()
    assert p.last.offline and p.last.number == 104
    # the range is the service's last estimate: the issuer computes none of its own
    assert (p.last.ticket["ahead"], p.last.ticket["wait_range"]) == (6, [5, 15])
