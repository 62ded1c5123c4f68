"""Drains the outbox: one thread per channel, outside the queue service's command path.

A channel that is down only delays its own deliveries: each failed attempt waits longer
(doubling from `retry_first_s` up to `retry_max_s`, with jitter) until `give_up_after`
attempts. A contact the channel calls gone is dropped. Logs name the visit, the trigger
and the kind of failure, never the contact.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from protocol.notify_site import NotifySettings

from .channels import Channel, Gone, Retry
from .store import Delivery, NotifyStore

log = logging.getLogger(__name__)
IDLE_WAIT_S = 5.0


class Sender:
    def __init__(self, store: NotifyStore, channels: dict[str, Channel], settings: NotifySettings,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.channels = channels
        self.settings = settings
        self.clock = clock
        self._wake = {name: threading.Event() for name in channels}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for name in self.channels:
            t = threading.Thread(target=self._run, args=(name,), name=f"notify-{name}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        self._stopping.set()
        self.wake()
        for t in self._threads:
            t.join(15)
        self._threads = []

    def wake(self) -> None:
        for event in self._wake.values():
            event.set()

    def _run(self, name: str) -> None:
        wake = self._wake[name]
        while not self._stopping.is_set():
            wake.clear()
            try:
                batch = self.store.due(name, self.clock())
                for d in batch:
                    if self._stopping.is_set():
                        return
                    self._deliver(self.channels[name], d)
                if batch:
                    continue
                nxt = self.store.next_due(name)
            except Exception:
                log.exception("the %s sender failed; trying again", name)
                nxt = None
            timeout = IDLE_WAIT_S if nxt is None else min(max(nxt - self.clock(), 0.0), IDLE_WAIT_S)
            wake.wait(timeout)

    def _deliver(self, channel: Channel, d: Delivery) -> None:
        if d.contact is None:
            self.store.mark_failed(d, "contact unreadable or removed", None)
            return
        try:
            channel.send(d.contact, d.notice, f"{d.visit}/{d.trigger}/{d.contact_id}")
        except Gone as exc:
            log.info("%s %s via %s: %s; contact dropped", d.visit, d.trigger, channel.name, exc)
            self.store.mark_failed(d, str(exc), None)
            self.store.drop_contact(d.contact_id)
            return
        except Exception as exc:  # noqa: BLE001 - any failure is retried; its text may hold the contact
            reason = str(exc) if isinstance(exc, Retry) else f"unexpected {type(exc).__name__}"
            self.store.mark_failed(d, reason, self._retry_at(d.attempts + 1))
            log.warning("%s %s via %s failed (attempt %d): %s", d.visit, d.trigger,
                        channel.name, d.attempts + 1, reason)
            return
        self.store.mark_sent(d, self.clock())

    def _retry_at(self, attempts: int) -> float | None:
        s = self.settings
        if attempts >= s.give_up_after:
            return None
        delay = min(s.retry_first_s * 2 ** (attempts - 1), s.retry_max_s)
        return self.clock() + delay * random.uniform(0.8, 1.2)
