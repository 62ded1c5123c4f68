"""Screenshots of every web page for docs/web/, taken in the OS Chromium.

    python -m tests.web.screenshots [--out docs/web]

Builds two weeks of counter work through the real QueueService (with a clock that runs as
fast as the commands go), stops on a busy Monday morning, serves the app with uvicorn and
photographs each page: console, dashboard, reports, public pages on a phone viewport.
The names and addresses shown are made-up samples.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

from demo.simulators import CERTIFICATES, VISIT_MIX
from protocol import messages as m
from protocol.client import new_request_id
from protocol.site import load_config
from queue_service import reports
from queue_service.accounts import AccountStore
from queue_service.service import QueueService
from queue_service.web import create_app
from tests.web.conftest import CHROMIUM_ARGS, LiveServer

TZ = ZoneInfo("Asia/Tokyo")
CLOSED_TODAY = {"c03", "c10"}  # counters left closed, so the pages show both states
# Arrivals per minute by hour of a Monday (other weekdays x 0.7): a late-March peak.
RATE = {8: 0.6, 9: 1.6, 10: 1.9, 11: 1.4, 12: 0.8, 13: 1.3, 14: 1.2, 15: 0.9, 16: 0.6, 17: 0.1}


class Day:
    """One day of concierges and counter staff, minute by minute."""

    def __init__(self, svc: QueueService, clock: list[float], rng: random.Random,
                 closed: set[str] = frozenset()):
        self.svc, self.clock, self.rng = svc, clock, rng
        self.config = svc.config
        self.counters = {c: {"phase": "free", "until": 0.0} for c in self.config.counters
                         if c not in closed}

    def ask(self, command: str, **fields) -> dict | None:
        r = self.svc.submit(command, m.COMMANDS[command](request_id=new_request_id(), **fields))
        return r.result.model_dump() if r.ok else None

    def issue(self) -> None:
        event = self.rng.choices([e for e, _ in VISIT_MIX], [w for _, w in VISIT_MIX])[0]
        if event == "shomei":
            event, procedures = None, self.rng.sample(CERTIFICATES, self.rng.choice([1, 1, 2]))
        else:
            procedures = list(self.config.life_events[event].procedures)
        needs = ["wheelchair"] if self.rng.random() < 0.04 else []
        self.ask("issue", issuing_point=self.rng.choice(list(self.config.issuing_points)),
                 procedures=procedures, life_event=event, needs=needs)

    def service_minutes(self, visit: dict) -> float:
        step = next(s for s in visit["steps"] if s["state"] in ("called", "serving"))
        return self.config.procedures[step["procedure"]].minutes * self.rng.lognormvariate(0, 0.35)

    def minute(self, t: float, rate: float) -> None:
        self.clock[0] = t
        for _ in range(_poisson(self.rng, rate)):
            self.issue()
        for cid, c in self.counters.items():
            if c["phase"] == "serving" and c["until"] <= t:
                visit = (self.ask("finish", counter=cid) or {}).get("visit")
                if visit and visit["state"] == "serving" and visit["counter"] == cid:
                    c["until"] = t + 60 * self.service_minutes(visit)
                else:
                    c["phase"] = "free"
            elif c["phase"] == "called" and c["until"] <= t:
                if self.rng.random() < 0.04:
                    self.ask("absent", counter=cid)
                    c["phase"] = "free"
                else:
                    visit = self.ask("start", counter=cid)["visit"]
                    c["phase"], c["until"] = "serving", t + 60 * self.service_minutes(visit)
            if c["phase"] == "free" and (self.ask("call_next", counter=cid) or {}).get("visit"):
                c["phase"], c["until"] = "called", t + 60

    def run(self, day: date, until_hour: float, scale: float) -> None:
        start = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=8, minutes=30)
        self.clock[0] = start.timestamp()
        for cid in self.counters:
            self.ask("open_counter", counter=cid, staff="staff")
        weekday = 1.0 if day.weekday() == 0 else 0.7
        t = start.timestamp()
        end = (datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=until_hour)).timestamp()
        while t < end:
            hour = datetime.fromtimestamp(t, TZ).hour
            self.minute(t, RATE.get(hour, 0) * weekday * scale)
            t += 60


def _poisson(rng: random.Random, rate: float) -> int:
    n, p, limit = 0, 1.0, pow(2.718281828, -rate)
    while True:
        p *= rng.random()
        if p < limit:
            return n
        n += 1


def build(data: Path, today: date, days: int, scale: float) -> tuple[QueueService, dict]:
    clock = [0.0]
    svc = QueueService(load_config(), data, clock=lambda: clock[0])
    svc.start()
    rng = random.Random(7)
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() < 5:
            Day(svc, clock, rng).run(day, 17.25, scale)
    desk = Day(svc, clock, rng, CLOSED_TODAY)
    desk.run(today, 10.6, scale)
    # The citizen whose phone we photograph: moved in, done at the one-stop counter.
    mine = desk.ask("issue", issuing_point="east", procedures=["tennyu", "kokuho_kanyu", "jido_teate"])
    desk.ask("open_counter", counter="c03")
    desk.ask("recall", counter="c03", number=mine["number"])
    for command in ("start", "finish", "finish", "close_counter"):
        desk.ask(command, counter="c03")
    return svc, {"clock": clock, "mine": mine, "desk": desk}


def scene(svc: QueueService, ctx: dict) -> dict:
    """Leave counter 5 with a called visit that has a certificate application attached."""
    desk = ctx["desk"]
    if desk.counters.pop("c05")["phase"] != "free":
        desk.ask("hold", counter="c05")
    shown = desk.ask("issue", issuing_point="center", procedures=["juminhyo", "inkan_shomei"])
    svc.submit("attach_application", m.AttachApplication(
        request_id=new_request_id(), number=shown["number"], identified_by="mynumber_card",
        sealed_applicant=m.seal_applicant(svc.seal_public_key, m.Applicant(
            name="見本 花子", name_kana="ミホン ハナコ", address="群馬県伊勢崎市今泉町二丁目(見本)",
            birth_date="1985-06-15"), shown["number"]),
        certificates=[m.CertificateLine(procedure="juminhyo", copies=2, purpose="勤務先へ提出"),
                      m.CertificateLine(procedure="inkan_shomei", copies=1, purpose="不動産登記")],
        fee_yen=2 * 300 + 300))
    svc.submit("recall", m.Recall(request_id=new_request_id(), counter="c05", number=shown["number"]))
    for device, state, role, alerts in (
            ("issuer-east", "online", "issuer", []), ("issuer-west", "online", "issuer", ["printer:paper_low"]),
            ("issuer-center", "online", "issuer", []), ("board-1f", "online", "board", []),
            ("board-2f", "offline", "board", []), ("guide-entrance", "online", "guide", []),
            ("certterm-1", "online", "certterm", [])):
        svc.note_device(device, state=state, role=role, version="0.1.0", alerts=alerts)
    return shown


def shoot(url: str, out: Path, token: str, called_token: str, report_day: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                    has_touch=True, device_scale_factor=1, locale="ja-JP")
        page = phone.new_page()
        for name, path in (("congestion-phone", "/congestion?lang=ja"),
                           ("congestion-phone-en", "/congestion?lang=en"),
                           ("visit-phone", f"/v/{token}?lang=ja"),
                           ("visit-called-phone-en", f"/v/{called_token}?lang=en"),
                           ("visit-phone-vi", f"/v/{token}?lang=vi"),
                           ("congestion-phone-pt", "/congestion?lang=pt"),
                           ("not-found-phone", "/v/expired-or-unknown-link?lang=ja")):
            page.goto(url + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        page.goto(url + "/congestion?lang=ja")  # leave the language cookie on Japanese
        desk = browser.new_context(viewport={"width": 1366, "height": 768}, device_scale_factor=1)  # a counter laptop
        staff = desk.new_page()
        staff.goto(url + "/staff/login")
        staff.screenshot(path=str(out / "login.png"))
        staff.fill("input[name=user]", "demo")
        staff.fill("input[name=password]", "demo-password")
        staff.click("button[type=submit]")
        staff.goto(url + "/staff/counters")
        staff.screenshot(path=str(out / "counters.png"), full_page=True)
        staff.click("button.counter-pick[value=c05]")
        staff.wait_for_selector("#current-number")
        staff.screenshot(path=str(out / "console.png"), full_page=True)
        staff.goto(url + "/staff/dashboard")
        staff.screenshot(path=str(out / "dashboard.png"), full_page=True)
        staff.goto(url + f"/staff/reports?day={report_day}")
        staff.wait_for_load_state("networkidle")
        staff.screenshot(path=str(out / "reports.png"), full_page=True)
        staff.goto(url + "/staff/console")
        for key in ("s", "f"):  # start and finish at counter 5: rows for the audit page
            staff.keyboard.press(key)
            staff.wait_for_timeout(500)
        staff.goto(url + "/staff/audit")
        staff.screenshot(path=str(out / "audit.png"))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/web")
    parser.add_argument("--days", type=int, default=14, help="days of history before today")
    parser.add_argument("--scale", type=float, default=0.35, help="share of the peak arrivals")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    today = date(2027, 3, 29)  # a late-March Monday
    with tempfile.TemporaryDirectory() as tmp:
        svc, ctx = build(Path(tmp) / "data", today, args.days, args.scale)
        shown = scene(svc, ctx)
        store = AccountStore(svc.store.db_path)
        store.add("demo", "見本 太郎", "admin", "demo-password")
        app = create_app(svc, accounts=store)
        server = LiveServer(app).start()
        report_day = (today - timedelta(days=7)).isoformat()
        try:
            shoot(server.url, out, ctx["mine"]["token"], shown["token"], report_day)
        finally:
            server.stop()
        report = reports.build_report(svc.store.events(), svc.config)
        svc.stop()
        (out / "arrivals-chart.png").write_bytes(reports.arrivals_chart(report, report_day))
        (out / "heatmap-chart.png").write_bytes(reports.heatmap_chart(report, "shimin"))
    for f in sorted(out.glob("*.png")):
        print(f, f.stat().st_size // 1024, "KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
