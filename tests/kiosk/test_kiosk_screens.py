"""The kiosks' Kivy screens driven offscreen with real touches (Kivy's GraphicUnitTest):
the floor guide from signage to a printed guidance list, and the certificate terminal from
choosing to the printed ticket, against the real queue service."""

from __future__ import annotations

import time

import pytest
from escpos.printer import Dummy
from kivy.tests.common import GraphicUnitTest, UnitTestTouch
from kivy.uix.button import Button
from kivy.uix.label import Label

from kiosk import floormap
from kiosk.certterm import CertTermPresenter
from kiosk.fonts import register_kivy_fonts
from kiosk.guide import GuidePresenter
from kiosk.mynacard import SimulatedCard, SimulatedReader
from protocol.client import ServiceClient
from protocol.follower import ServiceFollower
from protocol.site import load_config

from ..phrase_lines import bad_breaks


def said(w) -> str:
    """What a label says (its text before the line breaks between phrases)."""
    return getattr(w, "source_text", None) or w.text


def texts(root) -> list[str]:
    return [said(w) for w in root.walk() if isinstance(w, Label) and w.text]


def find(root, text: str):
    """The visible button (or label) whose text is exactly `text`."""
    for w in root.walk():
        if isinstance(w, Label) and said(w) == text and w.get_root_window() is not None:
            return w
    raise AssertionError(f"no widget {text!r} on screen; visible: {texts(root)[:40]}")


class KioskTest(GraphicUnitTest):
    def setUp(self):
        super().setUp()
        register_kivy_fonts()
        self._size_before = self.Window.size
        self.Window.size = (1280, 800)

    def tearDown(self, *args, **kwargs):
        self.Window.size = self._size_before  # the next suite's tests get the window they had
        super().tearDown(*args, **kwargs)

    def wait_for(self, condition, timeout: float = 15.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < end, "the screen did not get there in time"
            self.advance_frames(1)
            time.sleep(0.02)

    def tap(self, target) -> None:
        """Touch a widget, or the widget showing `target`, once the screen is laid out."""
        self.advance_frames(2)
        widget = find(self.view, target) if isinstance(target, str) else target
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.advance_frames(2)
        touch.touch_up()
        self.advance_frames(3)
        self.check_lines()

    def open_guide(self, live: ServiceFollower | None = None, client=None, **view_args):
        """The floor guide at the east entrance (not drawn yet) and its presenter."""
        from kiosk.guide_app import GuideView

        config = load_config()
        presenter = GuidePresenter(live or ServiceFollower(config),
                                   floormap.resolve_here(config, "east"), client=client)
        self.view = GuideView(presenter, **view_args)
        return self.view, presenter

    def check_lines(self) -> None:
        """Every screen reached: Japanese broken between phrases, kinsoku kept."""
        self.advance_frames(2)
        assert not bad_breaks(self.view), bad_breaks(self.view)


class TestGuideScreens(KioskTest):
    def test_from_signage_to_a_printed_guidance_list(self):
        now = [1000.0]
        printer = Dummy()
        view, presenter = self.open_guide(printer=printer, clock=lambda: now[0])
        try:
            self.render(view)
            assert view.current == "signage"
            assert "画面にふれてください  /  Touch to start" in texts(view)
            self.tap(view)  # any touch wakes the guide
            assert view.current == "start"

            self.tap("証明書")
            assert view.current == "results"
            self.tap("住民票の写し")
            shown = " ".join(texts(view))
            assert "行き先: 5・6番窓口(市民課)  1階  (あお)" in shown
            assert "お持ちいただくもの: 本人確認書類" in shown
            assert "らくらく証明書発行機" in shown  # pointed to the terminal and コンビニ交付

            self.tap("English")
            assert "Where to go: Counters 5, 6 (Citizens)  1st floor  (blue)" in " ".join(texts(view))
            self.tap("日本語")

            self.tap("はじめに")
            self.tap("引越し・転入")
            assert view.current == "questions"
            assert "18歳までのお子さんはいますか？" in texts(view)
            for answer in ("はい", "はい", "いいえ", "はい"):
                self.tap(answer)
            assert view.current == "guidance"
            shown = texts(view)
            assert shown.index("1. 転入届") < shown.index("4. 国民健康保険 加入") < shown.index("7. 犬の登録")

            self.tap("印刷する")
            assert "印刷しました。お取りください。" in texts(view)
            assert printer.output.count(b"\x1dv0") >= 1

            now[0] += presenter.idle_seconds + 1  # nobody touches: back to signage
            view.check_idle()
            assert view.current == "signage" and presenter.questionnaire is None
        finally:
            view.close()

    def test_the_guide_in_portuguese_shows_what_to_bring_in_portuguese(self):
        view, _ = self.open_guide()
        try:
            self.render(view)
            self.tap(view)
            self.tap("Português")
            self.tap("Endereço e registro familiar")
            self.tap("Notificação de mudança para a cidade")
            shown = " ".join(texts(view))
            assert ("O que trazer: Certificado de mudança (Tenshutsu shōmeisho) / Documento com "
                    "foto (carteira de motorista, cartão My Number etc.) / Cartões My Number de "
                    "todos da família") in shown
            assert "Aonde ir: Guichês 1, 2, 3 (Balcão único)  Piso 1 (térreo)  (verde)" in shown
            assert "転出証明書" not in shown and "Moving-out certificate" not in shown
            assert "só em japonês" not in shown  # the shipped file has every text in Portuguese
            self.tap("Registro de óbito")  # the list holds a three-line Portuguese name
            spilled = [said(w) for w in view.walk() if isinstance(w, Button) and w.text
                       and w.get_root_window() is not None and w.texture_size[1] > w.height]
            assert spilled == [], f"text taller than its button: {spilled}"
        finally:
            view.close()

    def test_a_new_site_configuration_redraws_without_the_removed_procedure(self):
        import copy
        import json

        config = load_config()
        live = ServiceFollower(config)
        view, presenter = self.open_guide(live)
        try:
            self.render(view)
            view.open_category("証明書")
            view.select("kotei_shisan")  # far down the list, below the visible part
            self.advance_frames(2)
            assert "固定資産評価証明書" in texts(view)
            document = copy.deepcopy(config.document)
            document["procedures"] = [p for p in document["procedures"] if p["id"] != "kotei_shisan"]
            live.handle_site("madoguchi/isesaki/site", json.dumps(document).encode(), True)
            self.advance_frames(3)
            assert view.current == "results"
            assert "固定資産評価証明書" not in texts(view)
            assert view.selected in presenter.config.procedures
        finally:
            view.close()

    def test_search_with_the_kana_keyboard(self):
        view, _ = self.open_guide()
        try:
            self.render(view)
            view.go("start")
            self.advance_frames(2)
            self.tap("ことばでさがす")
            for kana in "いぬ":
                self.tap(kana)
            assert view.query == "いぬ"
            self.tap("犬の登録")
            assert view.current == "results"
            assert "この建物では手続きできません" in texts(view)
        finally:
            view.close()


@pytest.fixture
def service_for_screens(request, queue_service):
    request.instance.service = queue_service


@pytest.mark.usefixtures("service_for_screens")
class TestProgressScreen(KioskTest):
    def test_a_typed_number_shows_where_to_go_but_not_its_procedures(self):
        from protocol.client import new_request_id
        from protocol.messages import IssueRequest

        svc = self.service
        client = ServiceClient(svc.site, "guide-east", svc.broker.host, svc.broker.port)
        client.start()
        number = client.request("issue", IssueRequest(
            request_id=new_request_id(), issuing_point="east", procedures=["juminhyo"])
        ).result.number
        view, _ = self.open_guide(client=client)
        try:
            self.render(view)
            view.go("start")
            self.tap("番号札で進み具合を見る")
            for key in str(number):
                self.tap(key)
            self.tap("見る")
            shown = texts(view)
            assert f"あなたの番号: {number}" in shown
            # anyone can type any number: the screen says where to go, not what for
            assert "手続き 0/1 済み" in shown
            assert not [t for t in shown if "住民票" in t]
            self.tap("消す")
            self.tap("9")
            self.tap("9")
            self.tap("見る")
            assert "その番号は見つかりません。番号をお確かめください。" in texts(view)
        finally:
            view.close()
            client.stop()


@pytest.mark.usefixtures("service_for_screens")
class TestCertTermScreens(KioskTest):
    def test_card_pin_warning_confirm_and_print(self):
        config = load_config()
        svc = self.service
        client = ServiceClient(svc.site, "certterm-1", svc.broker.host, svc.broker.port)
        client.start()
        reader = SimulatedReader()
        printer = Dummy()
        now = [5000.0]
        presenter = CertTermPresenter(config, reader, client, "center",
                                      floormap.resolve_here(config, "cert_terminal"), printer=printer)
        from kiosk.certterm_app import CertTermView

        view = CertTermView(presenter, clock=lambda: now[0])
        view.double_tap_s = 0  # these taps are deliberate; the guard has its own test
        try:
            self.view = view
            self.render(view)
            self.tap("つぎへ")
            assert "証明書を1つ以上えらんでください" in texts(view)
            plus = [w for w in view.walk() if isinstance(w, Label) and said(w) == "+"]
            self.tap(plus[0])  # 住民票の写し
            self.tap(next(w for w in view.walk() if isinstance(w, Label) and said(w) == "+"))
            assert "2通" in texts(view) and "手数料 合計 600円" in texts(view)
            self.tap("つぎへ")
            assert presenter.step == "identify"

            reader.place(SimulatedCard("伊勢崎 花子", "群馬県伊勢崎市今泉町二丁目410番地", "19800401", "2"))
            view.poll()  # the terminal notices the card
            assert presenter.step == "pin"
            for key in "0000":
                self.tap(key)
            self.tap("OK")
            assert any("あと2回" in t for t in texts(view))
            for key in "9999":
                self.tap(key)
            self.tap("OK")
            assert any("次にまちがえるとカードがロックされます" in t for t in texts(view))
            for key in "1234":
                self.tap(key)
            self.tap("OK")
            assert presenter.step == "confirm"
            shown = texts(view)
            assert "伊勢崎 花子" in shown and "1980-04-01" in shown and "女" in shown

            self.tap("申請書と番号札を印刷")
            self.wait_for(lambda: not view.busy)
            assert presenter.step == "done", texts(view)
            number = presenter.receipt.number
            assert str(number) in texts(view)
            assert "5・6番窓口(市民課)でお待ちください" in texts(view)
            self.advance_frames(2)
            assert not any("伊勢崎 花子" in t for t in texts(view))  # not left on the screen
            assert printer.output.count(b"\x1dV") == 2  # ticket and application, each cut

            now[0] += 20  # the card is still on the reader
            view.poll()
            assert view.banner.text == "カードをお取りください" and view.banner.height > 0
            reader.take()
            view.poll()
            assert view.banner.height == 0
            self.tap("おわる")
            assert presenter.step == "choose" and presenter.applicant is None
            for screen in view.screens.screens:  # nothing of hers left in any screen's widgets
                assert not any("伊勢崎" in t or "1980-04-01" in t for t in texts(screen))
        finally:
            view.close()
            client.stop()

    def test_a_double_tap_on_print_issues_one_ticket_and_keeps_the_done_screen(self):
        config = load_config()
        svc = self.service
        client = ServiceClient(svc.site, "certterm-1", svc.broker.host, svc.broker.port)
        client.start()
        printer = Dummy()
        presenter = CertTermPresenter(config, None, client, "center",
                                      floormap.resolve_here(config, "cert_terminal"), printer=printer)
        from kiosk.certterm_app import CertTermView

        view = CertTermView(presenter, clock=time.monotonic)
        try:
            self.view = view
            self.render(view)
            presenter.set_copies("juminhyo", 1)
            presenter.to_identify()
            presenter.go_to("manual")
            presenter.enter_manual("伊勢崎 太郎", "", "伊勢崎市今泉町", "1975-12-01", "male")
            presenter.touched(time.monotonic())
            view.show()
            time.sleep(view.double_tap_s)
            self.advance_frames(2)
            button = find(view, "申請書と番号札を印刷")
            x, y = button.to_window(*button.center)
            for _ in range(2):  # two quick taps, as an impatient finger does
                touch = UnitTestTouch(x, y)
                touch.touch_down()
                touch.touch_up()
                self.advance_frames(1)
            self.wait_for(lambda: not view.busy)
            self.advance_frames(3)
            assert presenter.step == "done"
            assert printer.output.count(b"\x1dV") == 2  # one ticket, one application
        finally:
            view.close()
            client.stop()

    def test_manual_entry_keeps_what_was_typed_on_an_error(self):
        config = load_config()
        presenter = CertTermPresenter(config, None, None, "center",
                                      floormap.resolve_here(config, "cert_terminal"))
        from kiosk.certterm_app import CertTermView

        view = CertTermView(presenter, clock=time.monotonic)
        view.double_tap_s = 0
        try:
            self.view = view
            self.render(view)
            self.tap(next(w for w in view.walk() if isinstance(w, Label) and said(w) == "+"))
            self.tap("つぎへ")
            self.tap("手で入力")
            assert presenter.step == "manual"
            view.inputs["name"].text = "伊勢崎 太郎"
            view.inputs["birth_date"].text = "1975-12-01"
            self.tap("男")
            self.tap("つぎへ")
            assert "住所を入力してください" in texts(view)
            assert view.inputs["name"].text == "伊勢崎 太郎"  # nothing typed is lost
            self.tap(view.inputs["name_kana"])  # the on-screen pad types into this field
            for kana in "いせ":
                self.tap(kana)
            assert view.inputs["name_kana"].text == "イセ"  # the reading in katakana
            view.inputs["address"].text = "群馬県伊勢崎市今泉町"
            self.tap("つぎへ")
            assert presenter.step == "confirm"
            assert presenter.applicant.sex == "male"
            assert presenter.applicant.name_kana == "イセ"
        finally:
            view.close()


class TestCertTermUnderLiveUpdates(KioskTest):
    def test_every_tap_counts_while_congestion_and_a_new_site_arrive(self):
        """Congestion arrives about once a second at a peak: it used to rebuild the first
        screen, and the double-tap guard then swallowed the taps after each rebuild
        (12 taps on + made 2 copies; English did nothing)."""
        import copy

        from kiosk.certterm_app import CertTermView
        from protocol import topics
        from protocol.codec import encode
        from protocol.messages import CongestionMessage

        config = load_config()
        live = ServiceFollower(config)
        presenter = CertTermPresenter(config, SimulatedReader(), ServiceClient(config.id, "certterm-1"),
                                      "center", floormap.resolve_here(config, "cert_terminal"))
        view = CertTermView(presenter)  # with the double-tap guard as shipped
        view.follow(live)

        def plus(row: int):
            return [w for w in view.walk() if isinstance(w, Label) and said(w) == "+"][row]

        try:
            self.view = view
            self.render(view)
            while time.monotonic() - view._shown_at < view.double_tap_s:
                self.advance_frames(1)  # past the guard of the first screen
            first, second = [p.id for p in presenter.certificates()[:2]]
            for i in range(12):
                live.handle_congestion(topics.congestion(config.id, "shimin"), encode(CongestionMessage(
                    department="shimin", waiting=30 + i, serving=2, counters_open=2,
                    estimated_wait_min=20.0, level="high", label_ja="混雑", label_en="Busy", at=i)), False)
                self.tap(plus(i % 2))
            assert presenter.choices[first].copies == 6 and presenter.choices[second].copies == 6

            # a new site configuration while a finger is on + waits until it lifts
            self.advance_frames(2)
            button = plus(0)
            x, y = button.to_window(*button.center)
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            view.use_config(copy.copy(config))
            self.advance_frames(2)
            assert button.get_root_window() is not None  # not rebuilt under the finger
            touch.touch_up()
            self.advance_frames(3)
            assert presenter.choices[first].copies == 7
            self.tap("English")
            assert presenter.lang == "en"
        finally:
            view.close()

    def test_a_kivy_label_breaks_japanese_between_phrases(self):
        from kiosk.widgets import BigButton, Text
        from protocol.phrases import phrases

        for widget in (Text("番号札で進み具合を見る", size=40), BigButton("らくらく証明書発行機", size=40)):
            widget.size_hint_x = None
            widget.width = 330
            self.render(widget)
            self.advance_frames(2)
            pieces = phrases(said(widget))
            shown_lines = widget.text.split("\n")
            assert len(shown_lines) > 1 and "".join(shown_lines) == said(widget)
            assert all(any(line == "".join(pieces[i:j]) for i in range(len(pieces))
                           for j in range(i + 1, len(pieces) + 1)) for line in shown_lines), shown_lines
