"""The guide's check-in screen driven offscreen with real touches: from the home screen's
「予約した方 / Booked visit」 button, the code typed on the screen's keys, to the number,
where to go first and the printed ticket; a scanner's text and Enter (too early) in the
same screen.
Against the real queue service on a simulated Monday 09:50. (The screenshot
docs/kiosk/guide-booking-checkin.png comes from `python -m kiosk.screenshots`.)"""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from demo.processes import ServiceProcess
from kiosk import floormap
from kiosk.guide import GuidePresenter
from protocol.client import ServiceClient
from protocol.follower import ServiceFollower
from protocol.site import load_config
from tests.kiosk.test_kiosk_checkin import at, book
from tests.kiosk.test_kiosk_screens import KioskTest, texts


@pytest.fixture
def booked_service(request, broker, tmp_path):
    svc = ServiceProcess(broker, tmp_path / "service", web_port=0, clock=at(29, 9, 50)).start()
    request.instance.service = svc
    yield svc
    svc.stop()


@pytest.mark.usefixtures("booked_service")
class TestCheckInScreen(KioskTest):
    def test_a_booked_visitor_checks_in_at_the_guide(self):
        from kiosk.guide_app import GuideView

        svc = self.service
        client = ServiceClient(svc.site, "guide-east", svc.broker.host, svc.broker.port)
        booker = ServiceClient(svc.site, "issuer-east", svc.broker.host, svc.broker.port)
        assert client.start(wait=10) and booker.start(wait=10)
        typed, scanned = book(booker, 10), book(booker, 10, 30)
        config = load_config()
        presenter = GuidePresenter(ServiceFollower(config), floormap.resolve_here(config, "east"),
                                   client=client)
        printer = Dummy()
        view = GuideView(presenter, printer=printer)
        view.checkin.clock = svc.clock  # dates on the screen follow the service's day
        try:
            self.view = view
            self.render(view)
            view.go("start")
            self.tap("予約した方 / Booked visit")
            assert view.current == "checkin"
            assert "予約番号(8文字)を入力するか、QRコードをかざしてください" in texts(view)
            for ch in typed:
                self.tap(ch)
            assert f"{typed[:4]}-{typed[4:]}" in texts(view)
            self.tap("受付する")
            shown = texts(view)
            number = view.checkin.answer.number
            assert str(number) in shown
            assert "10:00のご予約を受け付けました。\n予約の時刻にお呼びします" in shown
            assert "はじめに行くところ: 1・2・3番窓口(総合窓口)  1階  (みどり)" in shown
            assert "印刷しました。お取りください。" in shown
            assert printer.output.count(b"\x1dv0") == 1

            # a keyboard-wedge scanner: the QR code's text, then Enter
            screen = view.get_screen("checkin")
            screen.scanner.text = f"http://localhost:8080/booking/{scanned}"
            screen.scanner.dispatch("on_text_validate")
            self.advance_frames(3)
            assert ("ご予約は10:30です。\n10:15から受付できます。その頃にもう一度お越しください"
                    in texts(view))
            assert printer.output.count(b"\x1dv0") == 1  # too early: nothing printed
        finally:
            view.close()
            client.stop()
            booker.stop()
