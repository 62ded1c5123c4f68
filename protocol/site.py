"""Site configuration: the TOML file a city edits, loaded into frozen dataclasses.

Part of the shared contract: the queue service publishes the parsed document retained on
`madoguchi/<site>/site`, and every appliance builds its menus and maps from it.

Every problem raises `ConfigError` naming the field (e.g. `counters[3].department`), and
the whole file is checked before anything starts, so nothing runs half-configured.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jpholiday

from .messages import HANDOVERS, NEEDS
from .notify_site import NotifySettings, parse_notify
from .texts import LANGUAGES

ROUTING_KINDS = {
    1: "completed at the one-stop counter",
    2: "accepted at the one-stop counter on behalf of the owning department",
    3: "at the owning department's counter",
    4: "optional consultation at the owning department",
    5: "out of scope (guidance only)",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BOOTH_SLOT_MINUTES = (30, 90)  # Morioka's remote counters (002:L2374)
_ID = re.compile(r"^[a-z0-9_]{1,32}$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def normalise(text: str) -> str:
    """A name or reading as searches compare it: width- and case-folded, katakana as
    hiragana, without spaces or dots, so that 「ジュウミンヒョウ」, 「じゅうみん ひょう」 and
    「住民票」 each find 住民票の写し (the issuer's and the floor guide's search)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
    return "".join(c for c in text if not c.isspace() and c not in "・･.、,()()")


class ConfigError(ValueError):
    """The site configuration is invalid; the message names the field."""


@dataclass(frozen=True)
class Floor:
    id: str
    name_ja: str
    name_en: str
    width: int
    height: int
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class Place:
    """Something drawn on a floor map: an issuing point or a landmark."""

    id: str
    name_ja: str
    name_en: str
    floor: str
    x: int
    y: int
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class Department:
    id: str
    name_ja: str
    name_en: str
    floor: str
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class RemoteBooth:
    """A counter kind: a video booth at a branch office (支所), served from the main
    building. Its calls show on the branch's board and the remote clerk's console; the
    video link itself is the configured URL."""

    branch_ja: str
    branch_en: str
    video_url: str
    slot_minutes: int
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class Counter:
    id: str
    number: int
    department: str
    colour: str
    colour_ja: str
    colour_en: str
    floor: str
    position_ja: str
    position_en: str
    x: int
    y: int
    procedures: tuple[str, ...] = ()
    remote: RemoteBooth | None = None
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts

    def serves(self, procedure_id: str) -> bool:
        """Whether this counter takes the procedure (no list: every one of its department).
        The engine calls by it and the issuer shows the counters by it."""
        return not self.procedures or procedure_id in self.procedures


@dataclass(frozen=True)
class Procedure:
    id: str
    name_ja: str
    name_en: str
    kana: str
    department: str
    kind: int
    minutes: float
    handover: str
    category: str
    bring_ja: tuple[str, ...] = ()
    bring_en: tuple[str, ...] = ()
    certificate: bool = False
    fee_yen: int = 0
    note_ja: str = ""
    note_en: str = ""
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts

    @property
    def queued(self) -> bool:
        """Kind 5 procedures are guidance only and never wait in a queue."""
        return self.kind != 5

    def fee(self, copies: int) -> int:
        """The fee in yen for `copies` copies of this certificate."""
        return self.fee_yen * copies


@dataclass(frozen=True)
class Question:
    id: str
    text_ja: str
    text_en: str
    add: tuple[str, ...]
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class LifeEvent:
    id: str
    name_ja: str
    name_en: str
    procedures: tuple[str, ...]
    questions: tuple[Question, ...] = ()
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts


@dataclass(frozen=True)
class Numbers:
    first: int
    last: int
    reset_time: time
    lease_size: int


@dataclass(frozen=True)
class Calling:
    priority_needs: tuple[str, ...]
    absent_limit: int


@dataclass(frozen=True)
class Congestion:
    busy_minutes: float
    crowded_minutes: float
    recent_services: int


@dataclass(frozen=True)
class Routing:
    """How visits move between departments: the order procedures must keep, and what
    arrival-aware calling and the bounded place need (walking speed, the lift)."""

    # procedure -> every procedure that must be finished before it (transitively)
    before: dict[str, frozenset[str]] = field(default_factory=dict)
    walk_speed_m_s: float = 1.0
    lift_s: float = 60.0
    place_lead_minutes: float = 0.0
    flexible: bool = True  # send a moving visit where it will be called soonest
    arrival_aware: bool = True  # call a moving visit only once it can be there

    def predecessors(self, procedure: str) -> frozenset[str]:
        return self.before.get(procedure, frozenset())


@dataclass(frozen=True)
class Bookings:
    """Which visits can be booked, when, and the check-in windows around a slot."""

    procedures: tuple[str, ...]  # bookable procedures (a purpose starts with one of them)
    slot_minutes: int
    held_share: float  # share of each department's counter time per hour held for bookings
    weekdays: tuple[int, ...]  # 0 = Monday
    opens: time
    closes: time
    national_holidays: bool  # closed on Japan's national holidays (jpholiday)
    closed_dates: tuple[date, ...]
    days_ahead: int
    early_minutes: float  # check-in opens this long before the slot
    late_minutes: float  # later than this after the slot start: a walk-in
    due_minutes: float  # a checked-in booking is called from this long before its slot
    # reminders to a booking's e-mail contact: the day before at this time (None: off),
    # and this many minutes before its time (0: off); see queue_service/notify/reminders.py
    remind_day_before: time | None = time(17, 0)
    remind_minutes_before: float = 60.0

    def open_on(self, day: date) -> bool:
        """Whether bookings are taken for this date (weekday, holidays, closed dates)."""
        if day.weekday() not in self.weekdays or day in self.closed_dates:
            return False
        return not (self.national_holidays and jpholiday.is_holiday(day))


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name_ja: str
    name_en: str
    public_url: str
    timezone: str
    one_stop_department: str
    numbers: Numbers
    calling: Calling
    congestion: Congestion
    floors: dict[str, Floor]
    landmarks: dict[str, Place]
    issuing_points: dict[str, Place]
    departments: dict[str, Department]
    counters: dict[str, Counter]
    procedures: dict[str, Procedure]
    life_events: dict[str, LifeEvent]
    routing: Routing = field(default_factory=Routing)
    notify: NotifySettings = field(default_factory=NotifySettings)
    source: str = field(default="", compare=False)
    document: dict = field(default_factory=dict, compare=False, repr=False)
    bookings: Bookings | None = None  # None: the site takes no bookings
    open_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # [site] open_days; 0 = Monday
    texts: dict = field(default_factory=dict, compare=False, repr=False)  # protocol.texts

    def queue_department(self, procedure_id: str) -> str:
        """The department whose queue a procedure waits in (Isesaki's routing kinds)."""
        proc = self.procedures[procedure_id]
        return self.one_stop_department if proc.kind in (1, 2) else proc.department

    def fee_yen(self, lines) -> int:
        """The fee of a certificate application: (procedure id, copies) lines, summed."""
        return sum(self.procedures[p].fee(copies) for p, copies in lines)

    def counters_of(self, department_id: str) -> list[Counter]:
        return [c for c in self.counters.values() if c.department == department_id]

    def booths(self) -> list[Counter]:
        """The remote counters (video booths at branch offices)."""
        return [c for c in self.counters.values() if c.remote is not None]

    def counter_by_number(self, number: int) -> Counter | None:
        return next((c for c in self.counters.values() if c.number == number), None)

    def itinerary(self, procedure_ids: list[str]) -> tuple[list[tuple[str, list[str]]], list[str]]:
        """Where a visit goes: (department, its procedures) stops in first-mention order,
        each department once so nobody is sent back (unless the order constraints need
        it), and the kind-5 procedures that are guidance only. Unknown procedure ids
        raise KeyError."""
        queued: list[tuple[str, str]] = []
        guidance: list[str] = []
        for p in procedure_ids:
            if not self.procedures[p].queued:
                if p not in guidance:
                    guidance.append(p)
            elif all(p != q for q, _ in queued):
                queued.append((p, self.queue_department(p)))
        return self.route(queued), guidance

    def route(self, steps: list[tuple[str, str]], first: str | None = None
              ) -> list[tuple[str, list[str]]]:
        """Order (procedure, department) steps into stops that keep `routing.before`:
        each stop takes every procedure of its department whose predecessors are done
        or earlier in the stop. The first stop is `first` if it may come first, else the
        department of the first-listed procedure that may; the rest follow listing order."""
        remaining = list(steps)
        stops: list[tuple[str, list[str]]] = []
        while remaining:
            left = {p for p, _ in remaining}
            ready = [(p, d) for p, d in remaining if not self.routing.predecessors(p) & left]
            dept = first if not stops and any(d == first for _, d in ready) else ready[0][1]
            block: list[str] = []
            grew = True
            while grew:
                grew = False
                for p, d in remaining:
                    if d == dept and p not in block and \
                            not self.routing.predecessors(p) & (left - set(block)):
                        block.append(p)
                        grew = True
            remaining = [(p, d) for p, d in remaining if p not in block]
            stops.append((dept, block))
        return stops

    def allowed_next(self, steps: list[tuple[str, str]]) -> list[str]:
        """Departments a visit with these open (procedure, department) steps may go to
        now, in listing order."""
        left = {p for p, _ in steps}
        out: list[str] = []
        for p, d in steps:
            if d not in out and not self.routing.predecessors(p) & left:
                out.append(d)
        return out

    def business_day(self, now: float) -> str:
        """The business day (ISO date) of a moment: it starts at `numbers.reset_time`."""
        local = datetime.fromtimestamp(now, ZoneInfo(self.timezone))
        if local.time() < self.numbers.reset_time:
            local -= timedelta(days=1)
        return local.date().isoformat()


class _Reader:
    """Reads typed fields from a TOML table, naming the path in every error."""

    def __init__(self, table: Any, path: str):
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: expected a table")
        self.table = table
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise ConfigError(f"{self._where(key)}: missing")
            return default
        value = self.table[key]
        if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
            raise ConfigError(f"{self._where(key)}: expected {_kind_name(kind)}, got {value!r}")
        if not isinstance(value, kind):
            raise ConfigError(f"{self._where(key)}: expected {_kind_name(kind)}, got {value!r}")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default)
        if default is ... and not value.strip():
            raise ConfigError(f"{self._where(key)}: must not be empty")
        return value

    def ident(self, key: str = "id") -> str:
        value = self.get(key, str)
        if not _ID.match(value):
            raise ConfigError(
                f"{self._where(key)}: {value!r} must be 1-32 of a-z, 0-9 and _ (it appears in topics)"
            )
        return value

    def number(self, key: str, default: Any = ..., minimum: float | None = None) -> Any:
        value = self.get(key, (int, float), default)
        if minimum is not None and value < minimum:
            raise ConfigError(f"{self._where(key)}: must be at least {minimum}, got {value}")
        return value

    def strings(self, key: str, default: Any = ()) -> tuple[str, ...]:
        value = self.get(key, list, list(default) if default != ... else default)
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self._where(key)}: expected a list of strings")
        return tuple(value)

    def items(self, key: str, required: bool = True) -> list[_Reader]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or (required and not value):
            raise ConfigError(f"{self._where(key)}: expected at least one [[{key}]] entry")
        return [_Reader(v, f"{self._where(key)}[{i}]") for i, v in enumerate(value)]

    def section(self, key: str) -> _Reader:
        return _Reader(self.table.get(key, {}), self._where(key))

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self._where(key)}: {message}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in _as_tuple(kind))


def _unique(readers: list[_Reader], build: Any, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in readers:
        item = build(r)
        if item.id in out:
            raise r.fail("id", f"duplicate {what} id {item.id!r}")
        out[item.id] = item
    return out


def _ref(r: _Reader, key: str, known: dict[str, Any], what: str) -> str:
    value = r.text(key)
    if value not in known:
        raise r.fail(key, f"unknown {what} {value!r} (known: {', '.join(sorted(known))})")
    return value


def _timezone(site: _Reader) -> str:
    name = site.text("timezone", "Asia/Tokyo")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise site.fail("timezone", f"unknown time zone {name!r}") from None
    return name


def _clock_time(r: _Reader, key: str, default: str) -> time:
    value = r.text(key, default)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise r.fail(key, f"expected HH:MM, got {value!r}") from None


def _remote_booth(counter: _Reader, procedures: tuple[str, ...]) -> RemoteBooth:
    r = counter.section("remote")
    url = r.text("video_url")
    if not url.startswith(("https://", "http://")):
        raise r.fail("video_url", f"expected an http(s) URL, got {url!r}")
    slot = r.get("slot_minutes", int, 30)
    if slot not in BOOTH_SLOT_MINUTES:
        raise r.fail("slot_minutes", f"must be one of {', '.join(map(str, BOOTH_SLOT_MINUTES))}, "
                                     f"got {slot}")
    if not procedures:
        raise counter.fail("procedures", "a remote booth must list the procedures it serves")
    return RemoteBooth(r.text("branch_ja"), r.text("branch_en"), url, slot, _texts(r, "branch"))


def _bookings(root: _Reader, procedures: dict[str, Procedure]) -> Bookings:
    r = root.section("bookings")
    procs = r.strings("procedures")
    for p in procs:
        if p not in procedures:
            raise r.fail("procedures", f"unknown procedure {p!r}")
        if not procedures[p].queued:
            raise r.fail("procedures", f"{p!r} is guidance only: it cannot be booked")
    slot = r.get("slot_minutes", int, 30)
    if not 5 <= slot <= 240:
        raise r.fail("slot_minutes", f"must be 5-240 minutes, got {slot}")
    share = r.number("held_share", 0.2, minimum=0)
    if share > 1:
        raise r.fail("held_share", f"is a share of counter time: 0-1, got {share}")
    names = r.strings("weekdays", WEEKDAYS[:5])
    for n in names:
        if n not in WEEKDAYS:
            raise r.fail("weekdays", f"unknown day {n!r} (known: {', '.join(WEEKDAYS)})")
    opens, closes = _clock_time(r, "opens", "09:00"), _clock_time(r, "closes", "16:00")
    if closes <= opens:
        raise r.fail("closes", f"must be after opens ({opens:%H:%M})")
    closed = []
    for i, text in enumerate(r.strings("closed_dates")):
        try:
            closed.append(date.fromisoformat(text))
        except ValueError:
            raise r.fail(f"closed_dates[{i}]", f"expected YYYY-MM-DD, got {text!r}") from None
    ahead = r.get("days_ahead", int, 30)
    if ahead < 1:
        raise r.fail("days_ahead", f"must be at least 1, got {ahead}")
    return Bookings(
        procedures=procs, slot_minutes=slot, held_share=share,
        weekdays=tuple(WEEKDAYS.index(n) for n in names), opens=opens, closes=closes,
        national_holidays=r.get("national_holidays", bool, True), closed_dates=tuple(closed),
        days_ahead=ahead, early_minutes=r.number("early_minutes", 15, minimum=0),
        late_minutes=r.number("late_minutes", 15, minimum=0),
        due_minutes=r.number("due_minutes", 2, minimum=0),
        remind_day_before=(_clock_time(r, "remind_day_before", "17:00")
                           if r.text("remind_day_before", "17:00") else None),
        remind_minutes_before=r.number("remind_minutes_before", 60, minimum=0),
    )


def _texts(r: _Reader, *fields: str, lists: tuple[str, ...] = ()) -> dict:
    """The one rule for citizens' texts: every `<field>_<lang>` key of the table, for each
    of `fields` (texts) and `lists` (lists of texts), as {field: {lang: text}}. ja and en
    are read (and required) where the item is built; the other languages of
    `protocol.texts.LANGUAGES` are optional, and any other language code is refused."""
    out: dict[str, dict] = {}
    for key in r.table:
        name = next((f for f in fields + lists if key.startswith(f + "_")), None)
        if name is None:
            continue
        lang = key[len(name) + 1:]
        if lang not in LANGUAGES:
            raise r.fail(key, f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        value = r.strings(key) if name in lists else r.text(key, "")
        out.setdefault(name, {})[lang] = value
    for name in fields + lists:  # a field with neither ja nor en still reads as empty
        out.setdefault(name, {})
    return out


def _open_days(site) -> tuple[int, ...]:
    """`open_days = ["mon", ..., "sat"]`: the days the hall opens (default Monday-Friday)."""
    names = site.strings("open_days", WEEKDAYS[:5])
    for n in names:
        if n not in WEEKDAYS:
            raise site.fail("open_days", f"unknown day {n!r} (known: {', '.join(WEEKDAYS)})")
    return tuple(sorted({WEEKDAYS.index(n) for n in names}))


def parse_config(data: dict[str, Any], source: str = "") -> SiteConfig:
    """Validate a parsed TOML document and build the site configuration."""
    root = _Reader(data, "")
    site = root.section("site")
    numbers_r = root.section("numbers")
    reset = numbers_r.text("reset_time", "04:00")
    try:
        reset_time = time.fromisoformat(reset)
    except ValueError:
        raise numbers_r.fail("reset_time", f"expected HH:MM, got {reset!r}") from None
    numbers = Numbers(
        first=numbers_r.number("first", 1, minimum=0),
        last=numbers_r.number("last", 999, minimum=1),
        reset_time=reset_time,
        lease_size=numbers_r.number("lease_size", 20, minimum=1),
    )
    if numbers.last <= numbers.first:
        raise numbers_r.fail("last", f"must be greater than first ({numbers.first})")
    calling_r = root.section("calling")
    calling = Calling(
        priority_needs=calling_r.strings("priority_needs"),
        absent_limit=calling_r.number("absent_limit", 2, minimum=0),
    )
    for need in calling.priority_needs:
        if need not in NEEDS:
            raise calling_r.fail("priority_needs", f"unknown need {need!r} (known: {', '.join(NEEDS)})")
    cong_r = root.section("congestion")
    congestion = Congestion(
        busy_minutes=cong_r.number("busy_minutes", 15, minimum=0),
        crowded_minutes=cong_r.number("crowded_minutes", 30, minimum=0),
        recent_services=cong_r.number("recent_services", 20, minimum=1),
    )
    if congestion.crowded_minutes < congestion.busy_minutes:
        raise cong_r.fail("crowded_minutes", "must not be below busy_minutes")

    floors = _unique(
        root.items("floors"),
        lambda r: Floor(r.ident(), r.text("name_ja"), r.text("name_en"),
                        r.number("width", minimum=1), r.number("height", minimum=1),
                        _texts(r, "name")),
        "floor",
    )

    def place(r: _Reader) -> Place:
        return Place(r.ident(), r.text("name_ja"), r.text("name_en"),
                     _ref(r, "floor", floors, "floor"), r.number("x", 0), r.number("y", 0),
                     _texts(r, "name"))

    landmarks = _unique(root.items("landmarks", required=False), place, "landmark")
    issuing_points = _unique(root.items("issuing_points"), place, "issuing point")
    departments = _unique(
        root.items("departments"),
        lambda r: Department(r.ident(), r.text("name_ja"), r.text("name_en"),
                             _ref(r, "floor", floors, "floor"), _texts(r, "name")),
        "department",
    )

    def procedure(r: _Reader) -> Procedure:
        kind = r.get("kind", int)
        if kind not in ROUTING_KINDS:
            raise r.fail("kind", f"must be 1-5 (Isesaki's routing kinds), got {kind}")
        handover = r.text("handover", "none")
        if handover not in HANDOVERS:
            raise r.fail("handover", f"must be one of {', '.join(HANDOVERS)}, got {handover!r}")
        return Procedure(
            id=r.ident(), name_ja=r.text("name_ja"), name_en=r.text("name_en"),
            kana=r.text("kana"), department=_ref(r, "department", departments, "department"),
            kind=kind, minutes=r.number("minutes", minimum=0.1), handover=handover,
            category=r.text("category"), bring_ja=r.strings("bring_ja"),
            bring_en=r.strings("bring_en"), certificate=r.get("certificate", bool, False),
            fee_yen=r.number("fee_yen", 0, minimum=0), note_ja=r.text("note_ja", ""),
            note_en=r.text("note_en", ""), texts=_texts(r, "name", "note", lists=("bring",)),
        )

    procedures = _unique(root.items("procedures"), procedure, "procedure")

    def counter(r: _Reader) -> Counter:
        colour = r.text("colour")
        if not _COLOUR.match(colour):
            raise r.fail("colour", f"expected #RRGGBB, got {colour!r}")
        procs = r.strings("procedures")
        for p in procs:
            if p not in procedures:
                raise r.fail("procedures", f"unknown procedure {p!r}")
        remote = _remote_booth(r, procs) if "remote" in r.table else None
        return Counter(
            id=r.ident(), number=r.number("number", minimum=1),
            department=_ref(r, "department", departments, "department"), colour=colour,
            colour_ja=r.text("colour_ja"), colour_en=r.text("colour_en"),
            floor=_ref(r, "floor", floors, "floor"), position_ja=r.text("position_ja"),
            position_en=r.text("position_en"), x=r.number("x", 0), y=r.number("y", 0),
            procedures=procs, remote=remote, texts=_texts(r, "colour", "position"),
        )

    counter_readers = root.items("counters")
    counters = _unique(counter_readers, counter, "counter")
    seen_numbers: dict[int, str] = {}
    for r, c in zip(counter_readers, counters.values()):
        if c.number in seen_numbers:
            raise r.fail("number", f"counter number {c.number} is also used by {seen_numbers[c.number]}")
        seen_numbers[c.number] = c.id

    def life_event(r: _Reader) -> LifeEvent:
        procs = r.strings("procedures")
        for p in procs:
            if p not in procedures:
                raise r.fail("procedures", f"unknown procedure {p!r}")
        questions = []
        for q in r.items("questions", required=False):
            adds = q.strings("add")
            for p in adds:
                if p not in procedures:
                    raise q.fail("add", f"unknown procedure {p!r}")
            questions.append(Question(q.ident(), q.text("text_ja"), q.text("text_en"), adds,
                                      _texts(q, "text")))
        return LifeEvent(r.ident(), r.text("name_ja"), r.text("name_en"), procs, tuple(questions),
                         _texts(r, "name"))

    life_events = _unique(root.items("life_events"), life_event, "life event")

    routing = _routing(root.section("routing"), procedures)
    one_stop = _ref(site, "one_stop_department", departments, "department")
    config = SiteConfig(
        id=site.ident("id"), name_ja=site.text("name_ja"), name_en=site.text("name_en"),
        public_url=site.text("public_url", "http://localhost:8080").rstrip("/"),
        timezone=_timezone(site), open_weekdays=_open_days(site),
        one_stop_department=one_stop, numbers=numbers, calling=calling,
        congestion=congestion, floors=floors, landmarks=landmarks,
        issuing_points=issuing_points, departments=departments, counters=counters,
        procedures=procedures, life_events=life_events, routing=routing,
        notify=parse_notify(root.section("notify")), source=source, document=data,
        bookings=_bookings(root, procedures) if "bookings" in data else None,
        texts=_texts(site, "name"),
    )
    for p in procedures.values():
        dept = config.queue_department(p.id)
        if p.queued and not config.counters_of(dept):
            raise ConfigError(
                f"procedures.{p.id}: it queues at department {dept!r}, which has no counter"
            )
    return config


def _routing(r: _Reader, procedures: dict[str, Procedure]) -> Routing:
    """The [routing] section: speeds, the place lead, and [[routing.order]] entries
    (`first` must be finished before each of `then`), checked for unknown procedures
    and cycles."""
    direct: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for i, o in enumerate(r.items("order", required=False)):
        first = o.text("first")
        if first not in procedures:
            raise o.fail("first", f"unknown procedure {first!r}")
        then = o.strings("then")
        if not then:
            raise o.fail("then", "expected at least one procedure")
        for p in then:
            if p not in procedures:
                raise o.fail("then", f"unknown procedure {p!r}")
            direct.setdefault(p, set()).add(first)
            where.setdefault((first, p), f"order[{i}]")
    before: dict[str, frozenset[str]] = {}

    def closure(p: str, path: list[str]) -> frozenset[str]:
        if p in path:
            cycle = path[path.index(p):] + [p]
            first_edge = where[(cycle[1], cycle[0])] if len(cycle) > 1 else "order"
            raise r.fail(first_edge, "the order has a cycle: "
                         + " → ".join(reversed(cycle)))
        if p not in before:
            out: set[str] = set()
            for q in direct.get(p, ()):
                out |= {q} | closure(q, path + [p])
            before[p] = frozenset(out)
        return before[p]

    for p in list(direct):
        closure(p, [])
    return Routing(
        before={p: b for p, b in before.items() if b},
        walk_speed_m_s=r.number("walk_speed_m_s", 1.0, minimum=0.1),
        lift_s=r.number("lift_s", 60, minimum=0),
        place_lead_minutes=r.number("place_lead_minutes", 0, minimum=0),
        flexible=r.get("flexible", bool, True),
        arrival_aware=r.get("arrival_aware", bool, True),
    )


def load_config(path: str | Path | None = None) -> SiteConfig:
    # The parsed TOML document is kept as `document`: it is what the service publishes.
    """Load and validate a site file; without a path, the shipped Isesaki example."""
    if path is None:
        text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
        source = "protocol/sites/isesaki.toml"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the site file ({exc.strerror})") from None
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    try:
        return parse_config(data, source)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
