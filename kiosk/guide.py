"""The digital floor guide's presenter: purpose-first menus, word search, destinations
with live waits, the life-event questionnaire and its guidance list, and idle reset.

No Kivy here: the screens (kiosk/guide_app.py) are a thin view over this object, and the
tests drive it directly. Ofunato's and Kitami's guides start from the purpose, never from
a department name (domain.md); every answer says where to go, in which colour, how many
people wait, how long, and what to bring.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PIL import Image

from protocol.client import RequestRefused, ServiceClient, ServiceUnavailable, new_request_id
from protocol.follower import ServiceFollower
from protocol.messages import CLOSED_STEP_STATES, GetVisit
from protocol.site import Counter, LifeEvent, Procedure, SiteConfig, normalise
from protocol.waits import not_open_text, wait_reason, wait_text

from . import floormap, i18n
from .floormap import Position

IDLE_SECONDS = 60.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wait:
    """A department's queue right now, as the service estimates it (None: no live data
    yet, or no counter open)."""

    waiting: int | None
    low: int | None
    high: int | None
    level: str  # low / medium / high / closed / unknown (shown as the text's colour)
    counters_open: int = 0
    moving_here: int = 0

    def text(self, lang: str) -> str:
        if self.level == "unknown":
            return i18n.t("no_live_data", lang)
        if self.level == "closed" or self.high is None:
            return not_open_text(lang)
        parts = [i18n.t("waiting", lang, n=self.waiting),
                 i18n.t("wait_range", lang, wait=wait_text(self.low, self.high, lang))]
        reason = wait_reason(self.waiting or 0, self.counters_open, self.moving_here, self.high,
                             lang)
        return "  ".join(parts + ([reason] if reason else []))


@dataclass(frozen=True)
class Destination:
    """One procedure as the citizen needs to see it."""

    procedure: Procedure
    name: str
    in_building: bool
    counters: tuple[Counter, ...]
    counter: Counter | None  # the one to walk to
    place: str  # "7番窓口(証明窓口)"
    colour: str  # "#EF6C00"
    colour_name: str  # "オレンジ"
    floor_name: str
    wait: Wait
    bring: tuple[str, ...]
    note: str

    def wait_text(self, lang: str) -> str:
        return i18n.t("not_in_building", lang) if not self.in_building else self.wait.text(lang)


@dataclass
class Questionnaire:
    """A life event's yes/no questions, one at a time; each yes adds procedures."""

    event: LifeEvent
    answers: dict[str, bool] = field(default_factory=dict)

    @property
    def current(self) -> int:
        return len(self.answers)

    @property
    def done(self) -> bool:
        return self.current >= len(self.event.questions)

    def question(self, lang: str) -> str:
        return i18n.question_text(self.event.questions[self.current], lang)

    def answer(self, yes: bool) -> None:
        if self.done:
            raise ValueError("every question is already answered")
        self.answers[self.event.questions[self.current].id] = yes

    def back(self) -> bool:
        """Undo the last answer; False when already at the first question."""
        if not self.answers:
            return False
        self.answers.pop(next(reversed(self.answers)))
        return True

    def procedures(self) -> list[str]:
        """The event's procedures and those added by yes answers, each once."""
        ids = list(self.event.procedures)
        for q in self.event.questions:
            if self.answers.get(q.id):
                ids += q.add
        return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class Progress:
    """A typed number's visit as anyone at the guide may see it: how many of its steps are
    done and where to go next, never which procedures they are (anyone can type any
    number; the procedure list is on the phone page the ticket's QR code opens)."""

    number: int
    done: int  # steps finished (done, skipped or cancelled)
    total: int
    next: Destination | None  # shown by its counter, floor and colour only
    people_ahead: int
    wait_low: int | None  # the service's range while waiting (None: no counter open)
    wait_high: int | None
    called_at: str  # the counter calling this number now, or ""

    def wait_text(self, lang: str) -> str:
        return wait_text(self.wait_low, self.wait_high, lang)


class ProgressUnavailable(RuntimeError):
    """A number cannot be shown; `key` is the i18n key to tell the citizen."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class GuidePresenter:
    def __init__(self, live: ServiceFollower, here: Position, idle_seconds: float = IDLE_SECONDS,
                 client: ServiceClient | None = None):
        self.live = live
        self.client = client
        self.here = here
        self.idle_seconds = idle_seconds
        self.lang = "ja"
        self.questionnaire: Questionnaire | None = None
        self._last_touch = 0.0

    @property
    def config(self) -> SiteConfig:
        return self.live.config

    # ---- idle ------------------------------------------------------------------------
    def touched(self, now: float) -> None:
        self._last_touch = now

    def is_idle(self, now: float) -> bool:
        return now - self._last_touch >= self.idle_seconds

    def reset(self) -> None:
        """Back to the start for the next citizen: Japanese, no questionnaire."""
        self.lang = "ja"
        self.questionnaire = None

    def set_language(self, lang: str) -> None:
        if lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang

    # ---- menus -------------------------------------------------------------------------
    def categories(self) -> list[tuple[str, str]]:
        """(category, name in the current language) of the five categories."""
        return [(c, i18n.category_name(c, self.lang)) for c in i18n.CATEGORIES]

    def life_events(self) -> list[tuple[str, str]]:
        return [(e.id, i18n.name_of(e, self.lang)) for e in self.config.life_events.values()
                if e.questions or len(e.procedures) > 1]

    def in_category(self, category: str) -> list[Destination]:
        if category not in i18n.CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        return [self.destination(p.id) for p in self.config.procedures.values()
                if p.category == category]

    def search(self, text: str) -> list[Destination]:
        """Procedures whose name (in any language of the site file), reading, category or
        department matches; name and reading matches first."""
        query = normalise(text)
        if not query:
            return []
        config = self.config
        scored: list[tuple[int, int, str]] = []
        for order, p in enumerate(config.procedures.values()):
            primary = [normalise(p.kana), *(normalise(n) for n in p.texts["name"].values())]
            secondary = [normalise(p.category), normalise(config.departments[p.department].name_ja),
                         normalise(i18n.category_name(p.category, "easy"))]
            if any(s.startswith(query) for s in primary):
                scored.append((0, order, p.id))
            elif any(query in s for s in primary):
                scored.append((1, order, p.id))
            elif any(query in s for s in secondary):
                scored.append((2, order, p.id))
        return [self.destination(pid) for _, _, pid in sorted(scored)]

    # ---- destinations ---------------------------------------------------------------------
    def wait_of(self, department: str) -> Wait:
        msg = self.live.congestion(department)
        if msg is None:
            return Wait(None, None, None, "unknown")
        return Wait(msg.waiting, msg.wait_min_low, msg.wait_min_high, msg.level,
                    msg.counters_open, msg.moving_here)

    def destination(self, procedure_id: str, counter_id: str | None = None,
                    department: str | None = None) -> Destination:
        """Where to go for a procedure: its queue's counters, or the one counter given
        (the counter calling the citizen's number); `department`: the queue a visit
        actually waits in (a clerk may have passed it on to another department)."""
        config, lang = self.config, self.lang
        proc = config.procedures[procedure_id]
        common = {"procedure": proc, "name": i18n.name_of(proc, lang),
                      "bring": i18n.bring_list(proc, lang), "note": i18n.note_of(proc, lang)}
        if not proc.queued:
            return Destination(in_building=False, counters=(), counter=None, place="",
                               colour="#757575", colour_name="", floor_name="",
                               wait=Wait(None, None, None, "closed"), **common)
        dept = department if department in config.departments else config.queue_department(procedure_id)
        counters = tuple(config.counters_of(dept))
        if counter_id in config.counters:
            counters = (config.counters[counter_id],)
        goal = floormap.nearest(list(counters), self.here)
        return Destination(
            in_building=True, counters=counters, counter=goal,
            place=i18n.counters_position(counters, goal, lang), colour=goal.colour,
            colour_name=i18n.counter_colour(goal, lang),
            floor_name=i18n.name_of(config.floors[goal.floor], lang),
            wait=self.wait_of(dept), **common,
        )

    def map_for(self, destination: Destination, width_px: int = 900,
                side_by_side: bool = False) -> Image.Image:
        if destination.counter is None:
            return floormap.render_floor(self.config, self.here.floor, self.lang, here=self.here,
                                         width_px=width_px)
        return floormap.render_route(self.config, self.here, list(destination.counters),
                                     self.lang, width_px=width_px, side_by_side=side_by_side)

    def terminal_map(self, width_px: int = 900) -> Image.Image | None:
        if "cert_terminal" not in self.config.landmarks:
            return None
        return floormap.render_place(self.config, self.here, "cert_terminal", self.lang, width_px)

    def terminal_name(self) -> str:
        mark = self.config.landmarks.get("cert_terminal")
        return i18n.name_of(mark, self.lang) if mark else ""

    # ---- life events ------------------------------------------------------------------------
    def start_questionnaire(self, event_id: str) -> Questionnaire:
        self.questionnaire = Questionnaire(self.config.life_events[event_id])
        return self.questionnaire

    def guidance_list(self, procedure_ids: list[str]) -> list[Destination]:
        """The procedures in the order to do them: the stops in the order the service
        routes the visit (SiteConfig.itinerary, the engine's rule), and last what is not
        handled in this building."""
        stops, elsewhere = self.config.itinerary(list(dict.fromkeys(procedure_ids)))
        ordered = [pid for _, ids in stops for pid in ids] + elsewhere
        return [self.destination(pid) for pid in ordered]

    # ---- a ticket's progress (get_visit) ---------------------------------------------------
    def progress(self, number: int) -> Progress:
        """Ask the service for the visit with this number today (the guide's one request)."""
        if self.client is None:
            raise ProgressUnavailable("service_down")
        try:
            response = self.client.request("get_visit", GetVisit(request_id=new_request_id(),
                                                                 number=number), timeout=5.0)
        except (ServiceUnavailable, RequestRefused) as exc:
            log.warning("get_visit failed: %s", exc)
            raise ProgressUnavailable("service_down") from None
        if not response.ok or not response.result:
            code = response.error.code if response.error else "unknown"
            raise ProgressUnavailable("number_unknown" if code == "unknown_visit" else "service_down")
        visit = response.result.visit
        open_steps = [s for s in visit.steps if s.state not in CLOSED_STEP_STATES]
        following, called = None, ""
        if open_steps:
            step = open_steps[0]
            calling = step.counter if step.state == "called" else None
            following = self.destination(step.procedure, calling, step.department)
            if calling and calling in self.config.counters:
                called = i18n.counter_position(self.config.counters[calling], self.lang)
        return Progress(visit.number, len(visit.steps) - len(open_steps), len(visit.steps),
                        following, visit.people_ahead, visit.wait_min_low, visit.wait_min_high,
                        called)

    # ---- signage -------------------------------------------------------------------------------
    def waits_now(self) -> list[tuple[str, Wait]]:
        """(department name, wait) of every department with counters, for the idle screen."""
        config = self.config
        return [(i18n.name_of(d, self.lang), self.wait_of(d.id)) for d in config.departments.values()
                if config.counters_of(d.id)]

