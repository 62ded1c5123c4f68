"""When to tell a visit, and what: a pure function of its public status and the rules.

A trigger is named by visit step (and department), so each is sent at most once:
`near:<step>` (N people ahead or a wait under M minutes), `called:<step>` (the call,
with the counter), `next:<step>:<department>` (routed on to another department).
Messages carry the number, the counter or department and the wait, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.messages import VisitStatus
from protocol.notify_site import NotifySettings
from protocol.site import SiteConfig

from .wording import notice_text

OPEN_STEP = ("waiting", "called", "serving", "held", "absent")


@dataclass(frozen=True)
class Notice:
    """One message for one visit: what every channel renders."""

    trigger: str
    kind: str  # near | called | next
    number: int
    title: str
    body: str
    counter_number: int | None = None
    department: str | None = None
    wait_min: float | None = None
    url: str = ""  # the visit page (its token is the key: sent only to the visit's contacts)
    language: str = "ja"  # the visit's (or booking's) language, written beside the Japanese
    covers: tuple[str, ...] = ()  # triggers this notice answers too (recorded, not sent)

    def as_dict(self) -> dict:
        return {"trigger": self.trigger, "kind": self.kind, "number": self.number,
                "title": self.title, "body": self.body, "counter_number": self.counter_number,
                "department": self.department, "wait_min": self.wait_min, "url": self.url,
                "language": self.language}


def due(config: SiteConfig, status: VisitStatus, fired: set[str],
        transferred: bool = False, language: str = "ja") -> list[Notice]:
    """The notices this status calls for that were not sent yet, within the visit's cap,
    in Japanese and the visit's `language` (wording.py).
    `transferred`: the current step was passed on to its department by a counter."""
    rules: NotifySettings = config.notify
    if status.state not in OPEN_STEP:
        return []  # served, cancelled or gone: never a message
    index = next((i for i, s in enumerate(status.steps) if s.state in OPEN_STEP), None)
    if index is None:
        return []
    step = status.steps[index]

    def text(kind: str) -> tuple[str, str]:
        return notice_text(kind, language, config, number=status.number, department=step.department,
                           counter_number=status.counter_number, ahead=status.people_ahead,
                           low=status.wait_min_low, high=status.wait_min_high)

    out: list[Notice] = []
    if status.state == "called" and rules.on_call:
        out.append(Notice(f"called:{index}", "called", status.number, *text("called"),
                          counter_number=status.counter_number, department=step.department,
                          language=language))
    if status.state == "waiting":
        previous = status.steps[index - 1].department if index else step.department
        if rules.on_next_department and (transferred or previous != step.department):
            out.append(Notice(f"next:{index}:{step.department}", "next", status.number, *text("next"),
                              department=step.department, language=language))
        wait_known = status.wait_min_low is not None
        wait = round(status.estimated_wait_min, 1) if wait_known else None
        near = is_near(rules, status)
        if out and near:  # routed on straight into a short line: one message says both
            out[0] = Notice(out[0].trigger, "next", status.number, *text("next_near"),
                            department=step.department, wait_min=wait, covers=(f"near:{index}",),
                            language=language)
        elif near:
            out.append(Notice(f"near:{index}", "near", status.number, *text("near"),
                              department=step.department, wait_min=wait, language=language))
    return _within_cap(rules.max_messages, out, fired)


def is_near(rules: NotifySettings, status: VisitStatus) -> bool:
    """N people ahead or fewer, or an estimated wait of M minutes or less (only while the
    status has a wait range: with no counter open the wait is no estimate)."""
    return status.state == "waiting" and bool(
        (rules.near_people and status.people_ahead <= rules.near_people)
        or (rules.near_minutes and status.wait_min_low is not None
            and status.estimated_wait_min <= rules.near_minutes))


def _within_cap(cap: int, notices: list[Notice], fired: set[str]) -> list[Notice]:
    kept: list[Notice] = []
    used = len(fired)
    for n in notices:
        if n.trigger in fired:
            continue
        room = cap - used - (1 if n.kind == "near" else 0)  # the last message is the call's
        if room <= 0:
            continue
        kept.append(n)
        used += 1
    return kept
