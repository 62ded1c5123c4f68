"""Simulated devices for the demo: issuers, counter staff and a text call board.

They speak the real MQTT contract through `protocol.client.ServiceClient`, exactly as the
appliances do. Time runs `speed` times faster than the clock on the wall so a morning of
counter work can be watched in minutes.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from protocol import messages as m
from protocol import topics
from protocol.client import RequestRefused, ServiceClient, ServiceUnavailable, new_request_id
from protocol.site import SiteConfig

# (life event or None for a single certificate, share of arrivals)
VISIT_MIX = [("shomei", 0.55), ("tennyu", 0.15), ("tenshutsu", 0.1), ("tenkyo", 0.08),
             ("shussei", 0.04), ("shibou", 0.04), ("konin", 0.04)]
CERTIFICATES = ["juminhyo", "koseki", "inkan_shomei", "shotoku", "nozei", "kisai_jiko"]


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
                 stop: threading.Event, speed: float, seed: int):
        super().__init__(name=name, daemon=True)
        self.config = config
        self.stop_event = stop
        self.speed = speed
        self.rng = random.Random(seed)
        self.client = ServiceClient(config.id, name, host, port)

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
    """A concierge at one issuing point, issuing by purpose of visit."""

    def __init__(self, point: str, per_hour: float, **kw):
        super().__init__(f"issuer-{point}", **kw)
        self.point = point
        self.per_hour = per_hour

    def run(self) -> None:
        self.client.start(wait=10)
        while not self.stop_event.is_set():
            self.sleep_minutes(self.rng.expovariate(self.per_hour / 60))
            event, procedures, needs = draw_visit(self.config, self.rng)
            self.ask("issue", m.IssueRequest, issuing_point=self.point, procedures=procedures,
                     life_event=event, needs=needs, staff=f"concierge-{self.point}")
        self.client.stop()


class CounterSim(Simulator):
    """Counter staff: call next, wait for the citizen, serve, finish (sometimes absent)."""

    def __init__(self, counter: str, **kw):
        super().__init__(f"counter-{counter}", **kw)
        self.counter = counter

    def run(self) -> None:
        self.client.start(wait=10)
        c = {"counter": self.counter, "staff": f"staff-{self.counter}"}
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
                self.sleep_minutes(self.rng.lognormvariate(0, 0.35) * minutes)
                r = self.ask("finish", m.FinishProcedure, **c)
                visit = r.result.visit if r and r.ok else None
        self.client.stop()


class TextBoard(Simulator):
    """A call board in the terminal: live calls and congestion, numbers only."""

    def __init__(self, out: Callable[[str], None] = print, **kw):
        super().__init__("board-terminal", **kw)
        self.out = out
        self.congestion: dict[str, m.CongestionMessage] = {}

    def on_call(self, topic: str, payload: bytes, retained: bool) -> None:
        call = m.CallMessage.model_validate_json(payload)
        if retained or call.number is None or call.kind == "clear":
            return  # a board never re-announces a call it learns about on reconnect
        again = "(再)" if call.kind == "recall" else ""
        self.out(f"🔔{again} 受付番号 {call.number}番のかた、{call.counter_number}番窓口へお越しください"
                 f"  / Number {call.number}, please come to counter {call.counter_number}")

    def on_congestion(self, topic: str, payload: bytes, retained: bool) -> None:
        c = m.CongestionMessage.model_validate_json(payload)
        self.congestion[c.department] = c

    def summary(self) -> str:
        parts = []
        for dept, c in sorted(self.congestion.items()):
            if c.counters_open:
                name = self.config.departments[dept].name_ja
                parts.append(f"{name} {c.waiting}人 約{c.estimated_wait_min:.0f}分 {c.label_ja}")
        return "  |  ".join(parts)

    def run(self) -> None:
        self.client.subscribe(topics.all_calls(self.config.id), self.on_call)
        self.client.subscribe(topics.all_congestion(self.config.id), self.on_congestion)
        self.client.start(wait=10)
        while not self.stop_event.wait(20):
            self.out(f"── 待ち状況 ── {self.summary()}")
        self.client.stop()
