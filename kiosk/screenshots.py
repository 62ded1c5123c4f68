"""Screenshots of every kiosk screen for docs/kiosk/, taken against the real stack: a
throwaway Mosquitto, the real queue service (with a few visits issued, so the waits are
live), the guide and the certificate terminal offscreen at 1280x800, a simulated My
Number card and a Dummy printer; a booking checked in at the guide on a second service
whose clock says a Monday 09:50.

    python -m kiosk.screenshots docs/kiosk
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kivy.config import Config

Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "800")

from escpos.printer import Dummy
from kivy.base import EventLoop
from kivy.core.window import Window
from PIL import Image

from demo.broker import LocalBroker
from demo.processes import ServiceProcess
from protocol.client import ServiceClient, new_request_id
from protocol.follower import ServiceFollower
from protocol.messages import BookRequest, CallNext, IssueRequest, OpenCounter
from protocol.site import load_config
from queue_service.clock import ScaledClock

from . import floormap
from .certterm import CertTermPresenter
from .certterm_app import CertTermView
from .fonts import register_kivy_fonts
from .guide import GuidePresenter
from .guide_app import GuideView
from .mynacard import SimulatedCard, SimulatedReader


def snap(out: Path, name: str) -> None:
    for _ in range(5):
        EventLoop.idle()
    tmp = Window.screenshot(str(out / f"{name}.png"))
    # Window.screenshot numbers its files; keep the plain name, as a compact palette PNG.
    Image.open(tmp).convert("RGB").quantize(colors=128).save(out / f"{name}.png", optimize=True)
    os.unlink(tmp)


def wait_for(predicate, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the live data did not arrive")
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/kiosk")
    out.mkdir(parents=True, exist_ok=True)
    register_kivy_fonts()
    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        broker = LocalBroker(Path(tmp) / "broker").start()
        service = ServiceProcess(broker, Path(tmp) / "service", web_port=0).start()
        try:
            # Tickets at the east entrance and counters opened, so the waits are live.
            issuer = ServiceClient(service.site, "issuer-east", broker.host, broker.port)
            issuer.start()
            for procs in (["tennyu"], ["tennyu", "jido_teate"], ["juminhyo"], ["shotoku"],
                          ["kokuho_kanyu"], ["tenkyo"], ["juminhyo"], ["koseki"]):
                issuer.request("issue", IssueRequest(request_id=new_request_id(),
                                                     issuing_point="east", procedures=procs))
            for counter in ("c01", "c02", "c05", "c07", "c09", "c11", "c12", "c13", "c21"):
                issuer.request("open_counter", OpenCounter(request_id=new_request_id(),
                                                           counter=counter))
            issuer.request("call_next", CallNext(request_id=new_request_id(), counter="c01"))
            issuer.stop()
            shoot_guide(out, config, broker)
            shoot_certterm(out, config, broker, service.site)
        finally:
            service.stop()
            broker.stop()
        shoot_checkin(out, config, Path(tmp) / "checkin")
    return 0


def shoot_checkin(out: Path, config, tmp: Path) -> None:
    """A booking checked in at the guide, on a service whose clock says Monday 09:50."""
    start = datetime(2027, 3, 29, 9, 50, tzinfo=ZoneInfo(config.timezone))
    broker = LocalBroker(tmp / "broker").start()
    service = ServiceProcess(broker, tmp / "service", web_port=0,
                             clock=ScaledClock(start.timestamp(), time.time(), 1.0)).start()
    client = ServiceClient(service.site, "guide-east", broker.host, broker.port)
    try:
        client.start()
        made = client.request("book", BookRequest(
            request_id=new_request_id(), life_event="tennyu", procedures=["tennyu", "kokuho_kanyu"],
            start=start.replace(hour=10, minute=0).timestamp()))
        presenter = GuidePresenter(ServiceFollower(config), floormap.resolve_here(config, "east"),
                                   client=client)
        view = GuideView(presenter, printer=Dummy())
        view.checkin.clock = service.clock
        Window.add_widget(view)
        view._open_checkin()
        view.checkin.submit(made.result.booking.code)
        view.redraw()
        snap(out, "guide-booking-checkin")
        Window.remove_widget(view)
        view.close()
    finally:
        client.stop()
        service.stop()
        broker.stop()


def shoot_guide(out: Path, config, broker) -> None:
    client = ServiceClient("isesaki", "guide-east", broker.host, broker.port)
    live = ServiceFollower(config)
    live.attach(client)
    client.start()
    wait_for(lambda: live.congestion("sogo") is not None and live.congestion("shimin") is not None)
    presenter = GuidePresenter(live, floormap.resolve_here(config, "east"), client=client)
    view = GuideView(presenter, printer=Dummy())
    Window.add_widget(view)
    snap(out, "guide_01_signage")
    view.slide = 2
    view.redraw()
    snap(out, "guide_02_signage_waits")
    view.go("start")
    snap(out, "guide_03_start")
    view.open_category("証明書")
    view.select("juminhyo")
    snap(out, "guide_04_category_certificates")
    view.open_category("子ども・子育て")
    view.select("jido_fuyo")
    snap(out, "guide_05_other_floor")
    view._open_search()
    view.query = "いぬ"
    view.redraw()
    snap(out, "guide_06_search")
    view.open_results(presenter.search("いぬ"), "inu_toroku")
    snap(out, "guide_07_not_in_building")
    view.open_event("tennyu")
    snap(out, "guide_08_questionnaire")
    for yes in (True, True, False, True):
        view.answer(yes)
    snap(out, "guide_09_guidance_list")
    view.print_guidance()
    snap(out, "guide_10_guidance_printed")
    view.set_language("en")
    snap(out, "guide_11_guidance_english")
    view.go("start")
    for lang in ("easy", "vi", "ko"):
        view.set_language(lang)
        snap(out, f"guide_12_start_{lang}")
    view.set_language("pt")
    view.open_category("保険・年金")
    snap(out, "guide_13_category_portuguese")
    view.open_category("住所・戸籍")
    view.select("tennyu")
    snap(out, "guide_16_destination_portuguese")  # what to bring from the site file's bring_pt
    view.set_language("ja")
    view._open_progress()
    for key in ("1", "show"):
        view.number_key(key)
    snap(out, "guide_14_progress_called")
    view.number_key("clear")
    for key in ("2", "show"):
        view.number_key(key)
    snap(out, "guide_15_progress_waiting")
    Window.remove_widget(view)
    client.stop()


def shoot_certterm(out: Path, config, broker, site: str) -> None:
    client = ServiceClient(site, "certterm-1", broker.host, broker.port)
    client.start()
    reader = SimulatedReader()
    clock = [1000.0]
    presenter = CertTermPresenter(config, reader, client, "center",
                                  floormap.resolve_here(config, "cert_terminal"), printer=Dummy())
    view = CertTermView(presenter, clock=lambda: clock[0])
    presenter.touched(clock[0])
    Window.add_widget(view)
    snap(out, "cert_01_choose")
    presenter.set_copies("juminhyo", 2)
    presenter.set_copies("shotoku", 1)
    presenter.set_purpose("shotoku", "金融機関・ローン")
    view.show()
    snap(out, "cert_02_choose_filled")
    view.act(presenter.to_identify)
    snap(out, "cert_03_identify")
    card = SimulatedCard("伊勢崎 花子", "群馬県伊勢崎市今泉町二丁目410番地", "19800401", "2")
    reader.place(card)
    view.poll()
    snap(out, "cert_04_pin")
    for pin in ("1111", "2222"):
        view.pin = pin
        view._pin_key("ok")
    snap(out, "cert_05_pin_last_try")
    view.pin = "1234"
    view._pin_key("ok")
    snap(out, "cert_06_confirm_card")
    view.act(lambda: presenter.submit(time.time()))
    snap(out, "cert_07_done_printed")
    clock[0] += 20  # past the card-left delay, before the done screen times out
    view.poll()
    snap(out, "cert_08_card_left_alert")
    reader.take()
    view.finish()
    presenter.touched(clock[0])
    presenter.set_copies("koseki", 1)
    view.act(presenter.to_identify)
    view._goto("manual")
    view.manual_fields.update(name="伊勢崎 太郎", name_kana="イセサキ タロウ", address="",
                              birth_date="1975-13-01", sex="male")
    view.act(lambda: presenter.enter_manual(*(view.manual_fields[k] for k in (
        "name", "name_kana", "address", "birth_date", "sex"))))
    snap(out, "cert_09_manual_error")
    view.manual_fields.update(address="群馬県伊勢崎市今泉町二丁目410番地", birth_date="1975-12-01")
    view.act(lambda: presenter.enter_manual(*(view.manual_fields[k] for k in (
        "name", "name_kana", "address", "birth_date", "sex"))))
    snap(out, "cert_10_confirm_manual")
    reader.place(SimulatedCard("伊勢崎 花子", "群馬県伊勢崎市", "19800401", "2", tries=0))
    view.finish()
    presenter.touched(clock[0])
    presenter.set_copies("juminhyo", 1)
    view.act(presenter.to_identify)
    view.poll()
    snap(out, "cert_11_card_locked")
    Window.remove_widget(view)
    client.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
