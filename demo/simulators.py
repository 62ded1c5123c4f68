"""Simulated devices for the demo: issuers, counter staff and a text call board.

They speak the real MQTT contract through `protocol.client.ServiceClient`, exactly as the
appliances do. Time runs `speed` times faster than the clock on the wall so a morning of
counter work can be watched in minutes; the service runs on the same simulated clock
(queue_service.clock.ScaledClock), so its estimates and the clerks' pace agree.
Arrivals follow the day (a morning peak, a lunch dip, none after the last ticket), sized
so the busiest department can keep up over the day: queues rise and drain. Clerks work
at their own speed (up to a fifth slower or faster than the site file says), which the
service has to learn. The text board prints, every few minutes, the wait each department
showed against the waits just measured.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol import topics
from protocol.client import RequestRefused, ServiceClient, ServiceUnavailable, new_request_id
from protocol.follower import ServiceFollower
from protocol.site import SiteConfig
from protocol.waits import wait_reason, wait_text

# (life event or None for a single certificate, share of arrivals)
VISIT_MIX = [("shomei", 0.55), ("tennyu", 0.15), ("tenshutsu", 0.1), ("tenkyo", 0.08),
             ("shussei", 0.04), ("shibou", 0.04), ("konin", 0.04)]
CERTIFICATES = ["juminhyo", "koseki", "inkan_shomei", "shotoku", "nozei", "kisai_jiko"]
# Arrivals per hour of the day, relative to the day's mean (issuing 08:30-17:15)
DAY_PROFILE = ((8.5, 0.7), (9, 1.5), (11, 1.2), (12, 0.7), (13, 1.2), (15, 0.9), (16, 0.6),
               (17.25, 0.0))
UTILISATION = 0.85  # the busiest department's load over the day, counters all open
CLERK_SPREAD = 0.2


def day_rate(hour: float) -> float:
    """Arrivals at `hour` (local, 9.5 = 09:30) relative to the day's mean."""
    rate = 0.0
    for start, share in DAY_PROFILE:
        if hour >= start:
            rate = share
    return rate if hour >= DAY_PROFILE[0][0] else 0.0


def sustainable_per_hour(config: SiteConfig, seed: int = 1, draws: int = 2000) -> float:
    """Arrivals per hour (all entrances) that keep the busiest department at UTILISATION
    over the day with every counter open: configured minutes plus a minute per call."""
    rng = random.Random(seed)
    load = {d: 0.0 for d in config.departments}
    for _ in range(draws):
        _, procedures, _ = draw_visit(config, rng)
        stops, _ = config.itinerary(procedures)
        for dept, procs in stops:
            load[dept] += 1.0 + sum(config.procedures[p].minutes for p in procs)
    per_visit = {d: m / draws for d, m in load.items() if m}
    return min(UTILISATION * 60 * len(config.counters_of(d)) / m for d, m in per_visit.items())


def draw_visit(config: SiteConfig, rng: random.Random) -> tuple[str | None, list[str], list[str]]:
    """One citizen's purpose: (life event or None, procedures, needs), from VISIT_MIX."""
    event = rng.choices([e for e, _ in VISIT_MIX], [w for _, w in VISIT_MIX])[0]
    if event == "shomei":
        return None, rng.sample(CERTIFICATES, rng.choice([1, 1, 1, 2])), []
    life = config.life_events[event]
    procedures = list(life.procedures)
    for q in life.questions:
        if rng.random() < 0.35:
            procedures += [p for p in q.add if p not in procedures]
    needs = ["wheelchair"] if rng.random() < 0.05 else []
    return event, procedures, needs


class Simulator(threading.Thread):
    """Base: a daemon thread with its own MQTT client, stopped by an Event."""

    def __init__(self, name: str, config: SiteConfig, host: str, port: int,
                 stop: threading.Event, speed: float, seed: int,
                 clock: Callable[[], float] = time.time):
        super().__init__(name=name, daemon=True)
        self.config = config
        self.stop_event = stop
        self.speed = speed
        self.clock = clock  # the simulated time the service runs on too
        self.rng = random.Random(seed)
        self.client = ServiceClient(config.id, name, host, port)

    def hour(self) -> float:
        local = datetime.fromtimestamp(self.clock(), ZoneInfo(self.config.timezone))
        return local.hour + local.minute / 60

    def sleep_minutes(self, minutes: float) -> None:
        self.stop_event.wait(minutes * 60 / self.speed)

    def ask(self, command: str, model: type[m.Request], **fields) -> m.Response | None:
        request = model(request_id=new_request_id(), **fields)
        for _ in range(5):  # retry with the same request id: never two tickets
            try:
                return self.client.request(command, request, timeout=5)
            except (ServiceUnavailable, RequestRefused):
                if self.stop_event.wait(1):
                    return None
        return None


class IssuerSim(Simulator):
    """A concierge at one issuing point, issuing by purpose of visit; `per_hour` is the
    day's mean, shaped by DAY_PROFILE."""

    def __init__(self, point: str, per_hour: float, **kw):
        super().__init__(f"issuer-{point}", **kw)
        self.point = point
        self.per_hour = per_hour

    def run(self) -> None:
        self.client.start(wait=10)
        while not self.stop_event.is_set():
            rate = self.per_hour * day_rate(self.hour())
            if rate <= 0:  # before the first or after the last ticket of the day
                self.sleep_minutes(5)
                continue
            self.sleep_minutes(self.rng.expovariate(rate / 60))
            event, procedures, needs = draw_visit(self.config, self.rng)
            self.ask("issue", m.IssueRequest, issuing_point=self.point, procedures=procedures,
                     life_event=event, needs=needs)
        self.client.stop()


class CounterSim(Simulator):
    """Counter staff: call next, wait for the citizen, serve, finish (sometimes absent)."""

    def __init__(self, counter: str, **kw):
        super().__init__(f"counter-{counter}", **kw)
        self.counter = counter
        self.pace = self.rng.uniform(1 - CLERK_SPREAD, 1 + CLERK_SPREAD)  # this clerk's speed

    def run(self) -> None:
        self.client.start(wait=10)
        c = {"counter": self.counter}
        self.ask("open_counter", m.OpenCounter, **c)
        while not self.stop_event.is_set():
            r = self.ask("call_next", m.CallNext, **c)
            visit = r.result.visit if r and r.ok else None
            if not visit:
                self.sleep_minutes(0.5)
                continue
            self.sleep_minutes(self.rng.uniform(0.3, 1.0))  # the citizen walks up
            if self.rng.random() < 0.04:
                self.ask("absent", m.MarkAbsent, **c)
                continue
            r = self.ask("start", m.StartService, **c)
            visit = r.result.visit if r and r.ok else None
            # Finishing a procedure may keep the visit here for the next one (same department).
            while visit and visit.state == "serving" and visit.counter == self.counter:
                step = next(s for s in visit.steps if s.state == "serving")
                minutes = self.config.procedures[step.procedure].minutes
                self.sleep_minutes(self.rng.lognormvariate(-0.06, 0.35) * minutes * self.pace)
                r = self.ask("finish", m.FinishProcedure, **c)
                visit = r.result.visit if r and r.ok else None
        self.client.stop()


class TextBoard(Simulator):
    """A call board in the terminal: live calls and congestion, numbers only; and every
    `report_s` (wall clock) the wait each department showed when visits joined its line
    against the waits they then had (from the public visit statuses, by number)."""

    def __init__(self, out: Callable[[str], None] = print, report_s: float = 120.0, **kw):
        super().__init__("board-terminal", **kw)
        self.out = out
        self.follower = ServiceFollower(self.config)  # congestion as every board follows it
        self.report_s = report_s
        self.lock = threading.Lock()
        self.joined: dict[tuple[int, str], tuple[float, int | None, int | None]] = {}
        self.measured: dict[str, list[tuple[int, int, float]]] = {}  # (low, high, actual min)

    @property
    def congestion(self) -> dict[str, m.CongestionMessage]:
        return self.follower.all_congestion()

    def on_call(self, topic: str, payload: bytes, retained: bool) -> None:
        call = m.CallMessage.model_validate_json(payload)
        if retained or call.number is None or call.kind == "clear":
            return  # a board never re-announces a call it learns about on reconnect
        again = "(再)" if call.kind == "recall" else ""
        self.out(f"🔔{again} 受付番号 {call.number}番のかた、{call.counter_number}番窓口へお越しください"
                 f"  / Number {call.number}, please come to counter {call.counter_number}")

    def on_visit(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained or not payload:
            return  # only what happens while we watch: a retained status has no time
        v = m.VisitStatus.model_validate_json(payload)
        if v.department is None:
            return
        key, now = (v.number, v.department), self.clock()
        with self.lock:
            if v.state == "waiting" and key not in self.joined:
                self.joined[key] = (now, v.wait_min_low, v.wait_min_high)
            elif v.state == "called" and key in self.joined:
                at, low, high = self.joined.pop(key)
                if high is not None:
                    self.measured.setdefault(v.department, []).append(
                        (low, high, (now - at) / 60))

    def summary(self) -> str:
        parts = []
        for dept, c in sorted(self.congestion.items()):
            if c.counters_open:
                name = self.config.departments[dept].name_ja
                why = wait_reason(c.waiting, c.counters_open, c.moving_here, c.wait_min_high)
                parts.append(f"{name} {c.waiting}人 {wait_text(c.wait_min_low, c.wait_min_high)}"
                             + (f"({why})" if why else "") + f" {c.label_ja}")
        return "  |  ".join(parts)

    def accuracy(self) -> list[str]:
        """Per department, the waits measured since the last report against the range
        shown to each visit when it joined the line; then starts afresh."""
        with self.lock:
            measured, self.measured = self.measured, {}
        lines = []
        for dept, waits in sorted(measured.items()):
            name = self.config.departments[dept].name_ja
            inside = sum(low <= actual <= high for low, high, actual in waits)
            shown = statistics.fmean((low + high) / 2 for low, high, _ in waits)
            actual = statistics.fmean(a for _, _, a in waits)
            lines.append(f"  {name:10s} 呼出 {len(waits):3d}人  表示(中央) {shown:5.1f}分  "
                         f"実際 平均 {actual:5.1f}分  範囲内 {inside}/{len(waits)}")
        return lines

    def run(self) -> None:
        self.client.subscribe(topics.all_calls(self.config.id), self.on_call)
        self.follower.attach(self.client)
        self.client.subscribe(topics.all_visits(self.config.id), self.on_visit)
        self.client.start(wait=10)
        last_report = time.monotonic()
        while not self.stop_event.wait(20):
            now = datetime.fromtimestamp(self.clock(), ZoneInfo(self.config.timezone))
            self.out(f"── 待ち状況 {now:%H:%M} ── "
                     f"{self.summary()}")
            if time.monotonic() - last_report >= self.report_s:
                last_report = time.monotonic()
                lines = self.accuracy()
                if lines:
                    self.out("── 表示した待ち時間と実際 (発券・到着時の表示 / 呼ばれるまで) ──")
                    for line in lines:
                        self.out(line)
        self.client.stop()
