"""Screenshots of the booking pages for docs/web/, taken in the OS Chromium.

    python -m tests.web.booking_screenshots [--out docs/web]

A Monday morning (2027-03-29 08:50) of the shipped example site: a few bookings made on
the web and by phone, one checked in; then the citizen's pages on a 390x844 phone and
the staff console's list of the day's bookings.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

from protocol import messages as m
from protocol.client import new_request_id
from protocol.site import load_config
from queue_service.accounts import AccountStore
from queue_service.service import QueueService
from queue_service.web import create_app
from tests.web.conftest import CHROMIUM_ARGS, LiveServer

TZ = ZoneInfo("Asia/Tokyo")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1, "locale": "ja-JP"}


def at(hh: int, mm: int = 0) -> float:
    return datetime(2027, 3, 29, hh, mm, tzinfo=TZ).timestamp()


def morning(svc: QueueService, clock: list[float]) -> str:
    """The day's bookings; returns the code of the one photographed."""
    def book(hh, mm, procedures, life_event=None, staff=None):
        r = svc.submit("book", m.BookRequest(request_id=new_request_id(), procedures=procedures,
                                             life_event=life_event, start=at(hh, mm), staff=staff))
        return r.result.booking.code

    early = book(9, 0, ["tennyu", "kokuho_kanyu", "nenkin"], "tennyu")
    book(9, 30, ["kokuho_kanyu"], staff="kato")
    book(10, 0, ["shibou", "okuyami_sodan", "kokuho_soshitsu", "koki_korei", "kaigo_shikaku"],
         "shibou", staff="kato")
    book(11, 0, ["kaigo_nintei"])
    cancelled = book(13, 0, ["tenkyo"], "tenkyo")
    svc.submit("cancel_booking", m.CancelBooking(request_id=new_request_id(), code=cancelled))
    shown = book(10, 30, ["tennyu", "kokuho_kanyu", "nenkin"], "tennyu")
    clock[0] = at(8, 50)
    svc.submit("check_in", m.CheckIn(request_id=new_request_id(), code=early, issuing_point="east"))
    return shown


def shoot(url: str, out: Path, code: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(**PHONE).new_page()
        for name, path in (("booking-start-phone", "/booking?lang=ja"),
                           ("booking-phone", "/booking/slots?purpose=le-tennyu&lang=ja"),
                           ("booking-phone-easy", "/booking/slots?purpose=le-shussei&lang=easy"),
                           ("booking-code-phone", f"/booking/{code}?made=1&lang=ja"),
                           ("booking-code-phone-en", f"/booking/{code}?lang=en"),
                           ("booking-phone-pt", "/booking/slots?purpose=le-tennyu&lang=pt")):
            page.goto(url + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        page.goto(url + "/booking?lang=ja")
        desk = browser.new_context(viewport={"width": 1280, "height": 860}, device_scale_factor=1,
                                   locale="ja-JP")
        staff = desk.new_page()
        staff.goto(url + "/staff/login")
        staff.fill("input[name=user]", "demo")
        staff.fill("input[name=password]", "demo-password")
        staff.click("button[type=submit]")
        staff.goto(url + "/staff/bookings?purpose=p-kaigo_nintei")
        staff.screenshot(path=str(out / "booking-console.png"), full_page=True)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/web")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clock = [at(8, 0)]
        svc = QueueService(load_config(), Path(tmp) / "data", clock=lambda: clock[0])
        svc.start()
        code = morning(svc, clock)
        store = AccountStore(svc.store.db_path)
        store.add("demo", "見本 太郎", "admin", "demo-password")
        server = LiveServer(create_app(svc, accounts=store)).start()
        try:
            shoot(server.url, out, code)
        finally:
            server.stop()
            svc.stop()
    for f in sorted(out.glob("booking*.png")):
        print(f, f.stat().st_size // 1024, "KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
