"""The issuer appliance put together: lock, issuer, printer, presenter, panel, card reader,
and the link to the queue service (a `protocol.client.ServiceClient` given to it).

Two background loops: every `interval` seconds one reads the printer's state, ticks the
lock and publishes the issuer's state (retained, on change); the other hands offline
visits over and tops up the leased numbers whenever the service answers (woken at once
when the broker connection or the service comes back), so a service that does not
answer never delays the printer and lock updates. A device agent, when one runs this
issuer, gets the printer state for its heartbeats and the `test_print` command.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from protocol import topics
from protocol.client import RequestRefused, ServiceClient, ServiceUnavailable
from protocol.codec import ProtocolError, decode, encode
from protocol.follower import ServiceFollower
from protocol.messages import CallMessage, IssuerState, ServiceStatus
from protocol.site import SiteConfig

from .cards import CardReader
from .gpio import Panel
from .issuing import Issuer, IssueRefused
from .lock import ConciergeLock
from .pagers import PagerDesk
from .presenter import ConciergePresenter, Task
from .printer import READY, TicketPrinter
from .settings import DeviceSettings
from .store import LocalStore
from .ticket import sample_ticket

log = logging.getLogger(__name__)


class IssuerDevice:
    def __init__(self, settings: DeviceSettings, site: SiteConfig, client: ServiceClient,
                 printer: TicketPrinter, *, store: LocalStore | None = None,
                 panel: Panel | None = None, card_reader: CardReader | None = None,
                 pagers: PagerDesk | None = None,
                 post: Callable[[Task], None] | None = None,
                 run: Callable[[Task], None] | None = None, interval: float = 3.0,
                 clock: Callable[[], float] = time.time):
        self.settings = settings
        self.client = client
        self.printer = printer
        self.panel = panel
        self.card_reader = card_reader
        self.interval = interval
        self.store = store or LocalStore(settings.data_dir / "issuer.sqlite3")
        self.lock = ConciergeLock(settings.directory(), settings.lock, self.store.audit,
                                  site.timezone, clock)
        self.issuer = Issuer(client, self.store, site, settings.issuing_point, clock=clock)
        self._post = post or (lambda task: task())
        self.presenter = ConciergePresenter(
            settings, site, self.lock, self.issuer, printer, self.store,
            run=run or self._in_thread, post=self._post, clock=clock)
        self.presenter.pagers = self.pagers = pagers
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._published: IssuerState | None = None
        self._mode = ""
        self._state_lock = threading.Lock()
        self.presenter.subscribe(self.publish_state)
        self.follower = ServiceFollower(site)
        self.follower.on_site(self.presenter.set_site)
        self.follower.on_congestion(self.presenter.set_congestion)
        self.follower.on_status(self._on_service_status)

    @property
    def site_id(self) -> str:
        return self.presenter.site.id

    # ---- life cycle ----------------------------------------------------------------
    def start(self) -> IssuerDevice:
        self.follower.attach(self.client)
        if self.pagers is not None:
            self.client.subscribe(topics.all_calls(self.site_id), self._on_call)
        self.client.on_connect(self._wake.set)
        self.client.on_disconnect(self._on_disconnect)
        if self.panel:
            self.panel.bind(
                on_issue=lambda: self._post(self.presenter.issue),
                on_reprint=lambda: self._post(self.presenter.reprint),
                on_key=lambda on: self._post(lambda: self.lock.key_switch(on)))
        if self.card_reader:
            self.card_reader.start(lambda uid: self._post(lambda: self.presenter.card(uid)))
        self._threads = [
            threading.Thread(target=self._local_loop, daemon=True, name="issuer-local"),
            threading.Thread(target=self._sync_loop, daemon=True, name="issuer-sync"),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            # the sync thread may be waiting for an answer that will not come: it is a
            # daemon and holds nothing that needs closing, so do not wait for it long
            thread.join(timeout=1)
        if self.card_reader:
            self.card_reader.stop()
        if self.pagers is not None:
            self.pagers.close()
        if self.panel:
            self.panel.close()
        self.printer.close()

    @staticmethod
    def _in_thread(task: Task) -> None:
        threading.Thread(target=task, daemon=True, name="issuer-work").start()

    # ---- the loops -------------------------------------------------------------------
    def _local_loop(self) -> None:
        while not self._stop.is_set():
            self.local_step()
            self._stop.wait(self.interval)

    def local_step(self) -> None:
        """Read the printer, tick the lock, show the lamp, publish the state."""
        self.presenter.set_printer_state(self.printer.status())
        self._post(self.lock.tick)
        self._post(self._follow_mode)
        if self.panel:
            self._post(self._show_lamp)
        self._post(self.publish_state)

    def _sync_loop(self) -> None:
        while not self._stop.is_set():
            self.sync_step()
            self._wake.wait(max(self.interval, 3.0))
            self._wake.clear()

    def sync_step(self) -> None:
        """Hand offline visits over and top up the lease, if the service answers."""
        was_online = self.issuer.service_online
        try:
            self.issuer.sync()
        except (ServiceUnavailable, RequestRefused) as exc:
            log.info("queue service unreachable: %s", exc)
        except IssueRefused as exc:
            log.warning("hand-over refused: %s", exc.reason)
        if self.issuer.service_online != was_online:
            self.presenter.refresh()

    def _follow_mode(self) -> None:
        """Redraw when the clock alone changes the mode (a self-service window opens)."""
        mode = self.presenter.mode
        if mode != self._mode:
            self._mode = mode
            self.presenter.refresh()

    def _show_lamp(self) -> None:
        p = self.presenter
        if p.mode == "locked":
            self.panel.show("off")
        elif p.printer_state not in READY or not p.service_online or p.unprinted():
            self.panel.show("attention")
        else:
            self.panel.show("ready")

    # ---- from the broker (network thread: keep short) ------------------------------
    def _on_call(self, topic: str, payload: bytes, retained: bool) -> None:
        """A call on the floor: page the citizen's pager if one was lent here (the page
        waits for the transmitter's answer, so not on the network thread)."""
        if not payload or self.pagers is None:
            return
        try:
            call = decode(CallMessage, payload)
        except ProtocolError as exc:
            log.warning("bad call message on %s: %s", topic, exc)
            return
        pagers = self.pagers
        self._in_thread(lambda: pagers.on_call(call, retained))

    def _on_service_status(self, status: ServiceStatus) -> None:
        if status.state == "offline":
            self.issuer.service_online = False
            self.presenter.refresh()
        self._wake.set()

    def _on_disconnect(self) -> None:
        self.issuer.service_online = False
        self.presenter.refresh()

    # ---- what the device reports ---------------------------------------------------------
    def state(self) -> IssuerState:
        p = self.presenter
        return IssuerState(
            device=self.settings.device,
            lock=self.lock.state, mode="self_service" if p.mode == "self_service" else "concierge",
            service="online" if p.service_online else "offline", printer=p.printer_state,
            unprinted=len(self.store.unprinted()), offline_visits=self.store.count_offline(),
            leased_left=p.numbers_left(), at=time.time())

    def publish_state(self) -> None:
        state = self.state()
        with self._state_lock:
            if self._published and self._published.model_copy(update={"at": 0}) == \
                    state.model_copy(update={"at": 0}):
                return
            self._published = state
        if self.client.connected:
            self.client.publish(topics.device_state(self.site_id, self.settings.device),
                                encode(state), retain=True)

    def health(self) -> dict:
        """For a device agent's heartbeat."""
        return {"printer": self.printer.state}

    def test_print(self) -> str:
        """The `test_print` command: print a sample ticket (number 0, marked as a test)."""
        state = self.printer.print_ticket(sample_ticket(self.presenter.site))
        self.presenter.set_printer_state(state)
        if state not in READY:
            raise RuntimeError(f"printer not ready: {state}")
        return f"printed; printer {state}"

    def attach_agent(self, agent) -> None:
        """Plug into firmware.agent.DeviceAgent: health, commands, configuration."""
        agent.add_health(self.health)
        agent.on_command("test_print", self.test_print)
        agent.on_config(self.apply_config)

    def apply_config(self, settings: dict) -> None:
        """Lock and self-service settings pushed by the service (DeviceConfig.settings)."""
        try:
            new = self.settings.with_overrides(settings)
        except ValueError as exc:
            log.error("device configuration refused: %s", exc)
            return

        def apply() -> None:
            self.settings = new
            self.presenter.settings = new
            self.lock.settings = new.lock
            self.presenter.refresh()
        self._post(apply)
