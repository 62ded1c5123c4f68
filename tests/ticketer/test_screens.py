"""The issuer's Kivy screens, offscreen, driven with touches like a concierge would.

With TICKETER_UPDATE_REFERENCES=1 the screenshots are also written to docs/ticketer/.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kivy.tests.common import GraphicUnitTest, UnitTestTouch

from protocol.client import ServiceClient
from protocol.messages import CongestionMessage
from protocol.site import load_config
from ticketer.issuing import Issuer
from ticketer.lock import ConciergeLock
from ticketer.presenter import ConciergePresenter
from ticketer.printer import TicketPrinter
from ticketer.settings import DeviceSettings
from ticketer.sim_printer import SimulatedPrinter
from ticketer.store import LocalStore

from ..phrase_lines import bad_breaks
from .conftest import STAFF, Clock, with_self_service

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ticketer"
UPDATE = bool(os.environ.get("TICKETER_UPDATE_REFERENCES"))
SIZE = (1280, 800)


class TestIssuerScreens(GraphicUnitTest):
    def make(self, tmp: Path, self_service: bool = False):
        from kivy.core.window import Window

        from ticketer.app import IssuerRoot, register_fonts

        register_fonts()
        site = load_config()
        self.clock = Clock()
        settings = DeviceSettings(staff=STAFF, data_dir=tmp)
        if self_service:
            settings = with_self_service(settings, "juminhyo", "koseki", "inkan_shomei",
                                         "shotoku", "nozei", "kotei_shisan")
        self.store = LocalStore(tmp / "issuer.sqlite3")
        self.store.add_lease(site.business_day(self.clock()), 101, 120)
        lock = ConciergeLock(settings.directory(), settings.lock, self.store.audit,
                             site.timezone, self.clock)
        self.sim = SimulatedPrinter()
        printer = TicketPrinter(lambda: self.sim)
        printer.status()
        self.issuer = Issuer(ServiceClient(site.id, "issuer-east"), self.store, site, "east",
                             clock=self.clock)
        self.p = ConciergePresenter(settings, site, lock, self.issuer, printer, self.store,
                                    clock=self.clock)
        self.p.printer_state = printer.state
        for dept, waiting, wait in (("sogo", 7, 14.2), ("kokuho", 3, 9.0), ("nenkin", 2, 6.0),
                                    ("shimin", 4, 8.0), ("kosodate", 1, 4.0)):
            self.p.set_congestion(dept, CongestionMessage(
                department=dept, waiting=waiting, serving=2, counters_open=2,
                estimated_wait_min=wait, level="low", label_ja="", label_en="", at=0))
        Window.size = SIZE
        self.root = IssuerRoot(self.p, size_hint=(None, None), size=SIZE)
        self.render(self.root)
        return self.root

    def settle(self) -> None:
        self.root.refresh()
        self.advance_frames(3)
        # every screen reached: Japanese broken between phrases, kinsoku kept
        assert not bad_breaks(self.root), bad_breaks(self.root)

    def tap(self, widget) -> None:
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.settle()

    def find(self, text: str):
        """The visible button whose text starts with `text`."""
        from kivy.uix.button import Button
        screen = self.root.current_screen
        hits = [w for w in screen.walk() if isinstance(w, Button)
                and getattr(w, "source_text", w.text).startswith(text)]
        assert hits, f"no button {text!r} on {self.root.current}"
        return hits[0]

    def shot(self, name: str) -> None:
        self.settle()
        if UPDATE:
            DOCS.mkdir(parents=True, exist_ok=True)
            self.root.export_to_png(str(DOCS / name))

    def enter(self, digits: str) -> None:
        for d in digits:
            self.tap(self.find(d))

    def test_concierge_unlocks_picks_a_life_event_and_issues(self):
        self.make(Path(tempfile.mkdtemp()))
        assert self.root.current == "locked"
        self.shot("locked.png")
        self.enter("1024")
        self.tap(self.find("→"))
        self.enter("4821")
        self.tap(self.find("ロック解除"))
        assert self.root.current == "concierge"
        assert self.find("発券する").disabled
        self.tap(self.find("出生"))
        self.tap(self.find("はい"))  # nursery question
        self.tap(self.find("乳幼児連れ"))
        assert self.p.procedures == ["shussei", "jido_teate", "kodomo_iryo", "kokuho_kanyu",
                                     "hoikusho"]
        assert self.p.needs == {"small_children"}
        self.shot("concierge.png")
        self.tap(self.find("発券する"))
        assert self.sim.tickets == 1 and self.p.last.number == 101
        assert ("issue", "1024", "number 101 offline") in self.store.audit_log()
        # it says the ticket is out, and the same big button starts the next citizen
        assert self.root.views["concierge"].notice.source_text == "101番を印刷しました(オフライン)。番号札をお渡しください"
        self.tap(self.find("✓ 101番 印刷済み → 次の方へ"))
        assert self.p.procedures == [] and self.sim.tickets == 1
        assert self.find("発券する").disabled
        self.p.toggle_language()
        self.settle()
        chips = [w.source_text for w in self.root.views["concierge"].cats.children]
        assert "Certificates" in chips and not [c for c in chips if "証明書" in c]
        self.p.toggle_language()
        self.settle()
        self.tap(self.find("ロック"))
        assert self.root.current == "locked"

    def test_a_booking_code_typed_or_scanned_goes_to_check_in(self):
        self.make(Path(tempfile.mkdtemp()))
        self.p.unlock_pin("1024", "4821")
        self.settle()
        view = self.root.views["concierge"]
        view.booking.text = "12"
        self.tap(self.find("予約で受付"))
        assert view.notice.source_text == "予約番号は8文字です(例: ABCD-EFGH)"
        view.booking.text = "http://localhost:8080/booking/ABCDEFGH"  # what a scanner types
        view.booking.dispatch("on_text_validate")  # ...followed by Enter
        self.settle()
        # this issuer is offline: a booking cannot be checked in without the service
        assert view.notice.source_text.startswith("窓口サービスに接続できないため予約の受付ができません")
        assert self.sim.tickets == 0 and view.booking.text == ""
        self.shot("booking-checkin-offline.png")

    def test_wrong_pins_show_the_tries_left_then_the_lockout(self):
        self.make(Path(tempfile.mkdtemp()))
        for _ in range(4):
            self.p.unlock_pin("1024", "1111")
        for _ in range(2):  # the fifth wrong PIN by touch, then the right one: refused
            self.enter("1024")
            self.tap(self.find("→"))
            self.enter("1111" if self.p.lock.state == "locked" else "4821")
            self.tap(self.find("ロック解除"))
            self.tap(self.find("消去"))
        assert self.p.lock.state == "locked_out"
        assert "まで解除できません" in self.root.views["locked"].message.source_text
        self.shot("locked_out.png")

    def test_offline_and_printer_problem_are_plain_on_screen_and_reprint_keeps_the_number(self):
        self.make(Path(tempfile.mkdtemp()))
        self.p.unlock_pin("1024", "4821")
        self.settle()
        banner = self.root.views["concierge"].banner
        assert banner.height > 0  # the service was never reached: offline
        assert "接続できません" in banner.children[0].source_text and "残り20枚" in banner.children[0].source_text
        self.tap(self.find("引越し・転入"))
        self.tap(self.find("発券する"))
        self.shot("offline.png")
        self.sim.paper = "out"
        self.tap(self.find("次の方"))
        self.tap(self.find("証明書"))
        self.tap(self.find("発券する"))
        assert self.p.printer_state == "paper_out"
        reprint = self.find("再印刷")
        self.shot("printer_problem.png")
        self.sim.load_paper()
        self.tap(reprint)
        assert self.p.unprinted() == [] and self.sim.tickets == 2
        assert self.store.ticket_by_number(self.store.last_ticket().day, 102).printed

    def test_english_screen(self):
        self.make(Path(tempfile.mkdtemp()))
        self.issuer.service_online = True
        self.p.unlock_pin("1031", "735190")
        self.settle()
        self.tap(self.find("English"))
        self.tap(self.find("Bereavement"))
        self.tap(self.find("Yes"))
        assert "nenkin" in self.p.procedures
        self.shot("concierge_en.png")

    def test_self_service_screen_issues_certificates_only(self):
        self.make(Path(tempfile.mkdtemp()), self_service=True)
        assert self.root.current == "self_service"
        self.tap(self.find("住民票の写し"))
        self.tap(self.find("印鑑登録証明書"))
        self.shot("self_service.png")
        self.tap(self.find("発券する"))
        assert self.sim.tickets == 1
        assert ("issue", None, "number 101 offline") in self.store.audit_log()
        self.tap(self.find("職員用"))
        assert self.root.current == "locked"
        self.tap(self.find("戻る"))
        assert self.root.current == "self_service"
