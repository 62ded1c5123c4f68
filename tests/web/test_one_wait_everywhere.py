"""One figure from one source: the ticket, the issuer's preview (priority needs
included), the boards, the phone page, the floor guide, the congestion page and the
dashboard read the same range for the same visit or department at the same moment; and
with no counter open, every one of them says so in the same words, without minutes."""

from __future__ import annotations

import re

import pytest

from display.presenter import BoardPresenter
from kiosk import floormap
from kiosk.guide import GuidePresenter
from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient
from protocol.codec import encode
from protocol.follower import ServiceFollower
from protocol.waits import NOT_OPEN, wait_text
from tests.ticketer.conftest import STAFF
from tests.web.conftest import counter_command, issue, sign_in
from ticketer import render
from ticketer.issuing import Issuer
from ticketer.lock import ConciergeLock
from ticketer.presenter import ConciergePresenter
from ticketer.printer import TicketPrinter
from ticketer.settings import DeviceSettings, LockSettings
from ticketer.sim_printer import SimulatedPrinter
from ticketer.store import LocalStore
from ticketer.ticket import online_ticket

DEPT = "shimin"


@pytest.fixture
def surfaces(service, tmp_path):
    """The appliances' presenters, fed as MQTT would feed them (the service's payloads)."""
    from datetime import time as clock_time
    site = service.config
    settings = DeviceSettings(
        device="issuer-east", issuing_point="east", data_dir=tmp_path / "issuer",
        lock=LockSettings(idle_minutes=10, closing_time=clock_time(23, 59), max_wrong_pins=5,
                          lockout_minutes=5), staff=STAFF)
    store = LocalStore(tmp_path / "issuer" / "issuer.sqlite3")
    lock = ConciergeLock(settings.directory(), settings.lock, store.audit, site.timezone)
    issuer = Issuer(ServiceClient(site.id, settings.device), store, site, "east")
    preview = ConciergePresenter(settings, site, lock, issuer,
                                 TicketPrinter(lambda: SimulatedPrinter(profile="TM-T88V")), store)
    assert preview.unlock_pin("1024", "4821").ok
    board = BoardPresenter(site=site)
    live = ServiceFollower(site)
    guide = GuidePresenter(live, floormap.resolve_here(site, "east"))
    yield preview, board, live, guide
    store.close()


def feed(service, surfaces) -> m.CongestionMessage:
    """The department's congestion as published now, to every appliance."""
    preview, board, live, _guide = surfaces
    congestion = service.read(lambda e, now: e.congestion(DEPT, now))
    preview.set_congestion(DEPT, congestion)
    board.on_congestion(DEPT, congestion)
    live.handle_congestion(topics.congestion(service.config.id, DEPT), encode(congestion), False)
    return congestion


def board_text(board) -> str:
    row = next(r for r in board.view().departments if r.id == DEPT)
    return "—" if row.level == "closed" else row.wait_text("ja")


def preview_text(preview) -> str:
    return preview.stop_lines(preview.route().stops[0])[2]


def page_wait(html: str, marker: str, cell: str = "wait") -> str:
    """The text of the first element of class `cell` after `marker` (its first line; on
    a staff page its Japanese)."""
    block = html.split(marker)[1]
    return re.search(rf'class="{cell}">(?:<span class="ja">)?([^<]*)', block).group(1).strip()


def printed_lines(ticket: dict, monkeypatch) -> list[str]:
    lines: list[str] = []
    original = render._Canvas.text
    monkeypatch.setattr(render._Canvas, "text",
                        lambda self, text, *a, **k: (lines.append(text), original(self, text, *a, **k)))
    render.ticket_image(ticket, 512)
    return lines


def after(lines: list[str], start: str) -> str:
    """The printed line that follows the one starting with `start`."""
    return lines[next(i for i, t in enumerate(lines) if t.startswith(start)) + 1]


def test_every_surface_shows_one_range_and_no_minutes_when_closed(service, client, surfaces,
                                                                  monkeypatch):
    preview, board, _live, guide = surfaces
    counter_command(service, "open_counter", "c05")
    for _ in range(6):
        issue(service, "juminhyo")
    # the concierge prepares a wheelchair visit: a priority visit is called first
    preview.choose_life_event("shomei")
    preview.toggle_need("wheelchair")
    feed(service, surfaces)
    promised = preview_text(preview)
    assert promised == "待ち 6人・5分以内"  # behind no one (and not 「約30〜40分」 as for others)
    result = service.submit("issue", m.IssueRequest(
        request_id="wait-everywhere-1", issuing_point="east", procedures=["juminhyo"],
        needs=["wheelchair"])).result
    ticket = online_ticket(service.config, result, "ja")
    visit = wait_text(*ticket["wait_range"])
    assert visit in promised  # the preview promised what the ticket prints
    assert after(printed_lines(ticket, monkeypatch), "最初の窓口でお待ちの方") == f"待ち時間の目安  {visit}"
    assert page_wait(client.get(f"/v/{result.token}").text, 'class="figures"') == visit
    # the department's figure, for the next person, on every surface at one moment
    congestion = feed(service, surfaces)
    preview.toggle_need("wheelchair")
    department = wait_text(congestion.wait_min_low, congestion.wait_min_high)
    assert "分" in department and "約0分" not in department
    sign_in(client, "suzuki")
    shown = {
        "preview": preview_text(preview).split("・", 1)[1],
        "board": board_text(board),
        "guide": guide.destination("juminhyo").wait.text("ja").split("待ち時間 ")[1],
        "congestion page": page_wait(client.get("/").text, f'data-dept="{DEPT}"'),
        "dashboard": page_wait(client.get("/staff/dashboard").text, f'data-dept="{DEPT}"',
                               "num wait"),
    }
    assert shown == dict.fromkeys(shown, department)

    # no counter open: one wording, no minutes, anywhere
    counter_command(service, "close_counter", "c05")
    feed(service, surfaces)
    result = service.submit("issue", m.IssueRequest(
        request_id="wait-everywhere-2", issuing_point="east", procedures=["juminhyo"])).result
    ticket = online_ticket(service.config, result, "ja")
    closed = {
        "ticket": after(printed_lines(ticket, monkeypatch), "最初の窓口でお待ちの方"),
        "preview": preview_text(preview),
        "board": next(r for r in board.view().departments if r.id == DEPT).level,
        "guide": guide.destination("juminhyo").wait.text("ja"),
        "phone page": page_wait(client.get(f"/v/{result.token}").text, 'class="figures"'),
        "congestion page": page_wait(client.get("/").text, f'data-dept="{DEPT}"', "level"),
        "dashboard": page_wait(client.get("/staff/dashboard").text, f'data-dept="{DEPT}"',
                               "num wait"),
    }
    assert closed.pop("board") == "closed"  # its level column reads NOT_OPEN, wait "—"
    assert board_text(board) == "—"
    for surface, text in closed.items():
        assert NOT_OPEN["ja"] in text, surface
        assert not re.search(r"\d+\s*分", text), surface
