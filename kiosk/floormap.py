"""Floor maps drawn from the site configuration: counters in their colours, "you are
here", and the way there (through the elevator when the counter is on another floor).

Coordinates are the config's grid units (a floor is `width` x `height`). The route walks
the floor's main aisle (its middle row, where the entrances and issuing points stand),
which is how citizens are told the way at a counter: "down the aisle, then left".
The same Pillow image serves the screen (as a Kivy texture) and the printed guidance list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from firmware.printing import pil_font
from protocol.site import ConfigError, Counter, SiteConfig

from . import i18n

BACKGROUND = "#FFFFFF"
FLOOR_FILL = "#F2F0EA"
WALL = "#8A8578"
ROUTE = "#D32F2F"
HERE = "#D32F2F"
MUTED = "#C9C5BA"


@dataclass(frozen=True)
class Position:
    floor: str
    x: float
    y: float


@dataclass(frozen=True)
class Leg:
    """The part of a route on one floor."""

    floor: str
    points: tuple[tuple[float, float], ...]


def resolve_here(config: SiteConfig, place: str | None = None, floor: str | None = None,
                 x: float | None = None, y: float | None = None) -> Position:
    """Where the kiosk stands: an issuing point or landmark id, or a floor with x, y."""
    if place:
        found = config.issuing_points.get(place) or config.landmarks.get(place)
        if found is None:
            known = sorted([*config.issuing_points, *config.landmarks])
            raise ConfigError(f"kiosk place {place!r} is neither an issuing point nor a landmark "
                              f"(known: {', '.join(known)})")
        return Position(found.floor, found.x, found.y)
    if floor is None or x is None or y is None:
        raise ConfigError("kiosk position: give a place id, or floor with x and y")
    if floor not in config.floors:
        raise ConfigError(f"kiosk floor {floor!r} is unknown (known: {', '.join(config.floors)})")
    return Position(floor, x, y)


def here_from_settings(config: SiteConfig, settings: dict) -> Position | None:
    """The device configuration's position: `place`, or `floor` with `x` and `y`; None when
    it names none. Raises ConfigError for a position the site does not have."""
    if settings.get("place"):
        return resolve_here(config, str(settings["place"]))
    if settings.get("floor") is not None:
        return resolve_here(config, None, str(settings["floor"]), settings.get("x"), settings.get("y"))
    return None


def elevator_on(config: SiteConfig, floor: str) -> Position:
    for mark in config.landmarks.values():
        if mark.floor == floor and mark.id.startswith("elevator"):
            return Position(floor, mark.x, mark.y)
    raise ConfigError(f"no landmark 'elevator…' on floor {floor!r}: the route cannot change floors")


def _walk(floor_height: float, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    aisle = floor_height / 2
    points = [a, (a[0], aisle), (b[0], aisle), b]
    out: list[tuple[float, float]] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def route(config: SiteConfig, start: Position, target: Position) -> list[Leg]:
    """The way from `start` to `target`, one leg per floor."""
    if start.floor == target.floor:
        height = config.floors[start.floor].height
        return [Leg(start.floor, tuple(_walk(height, (start.x, start.y), (target.x, target.y))))]
    lift_a = elevator_on(config, start.floor)
    lift_b = elevator_on(config, target.floor)
    return [
        Leg(start.floor, tuple(_walk(config.floors[start.floor].height,
                                     (start.x, start.y), (lift_a.x, lift_a.y)))),
        Leg(target.floor, tuple(_walk(config.floors[target.floor].height,
                                      (lift_b.x, lift_b.y), (target.x, target.y)))),
    ]


def nearest(counters: list[Counter], here: Position) -> Counter:
    """The counter to walk to: same floor first, then the shortest walk."""
    return min(counters, key=lambda c: (c.floor != here.floor, abs(c.x - here.x) + abs(c.y - here.y)))


def render_floor(config: SiteConfig, floor_id: str, lang: str, *, here: Position | None = None,
                 targets: tuple[str, ...] = (), legs: list[Leg] | None = None,
                 show_terminal: bool = False, width_px: int = 900) -> Image.Image:
    """One floor: every counter (targets in full colour), landmarks, entrances, the route."""
    floor = config.floors[floor_id]
    margin, title_h = 24, 56
    scale = (width_px - 2 * margin) / floor.width
    height_px = int(floor.height * scale + 2 * margin + title_h)
    img = Image.new("RGB", (width_px, height_px), BACKGROUND)
    d = ImageDraw.Draw(img)

    def at(x: float, y: float) -> tuple[float, float]:
        return margin + x * scale, title_h + margin + y * scale

    d.text((margin, 8), i18n.name_of(floor, lang), font=pil_font(34, bold=True), fill="#222222")
    x0, y0 = at(0, 0)
    x1, y1 = at(floor.width, floor.height)
    d.rounded_rectangle((x0, y0, x1, y1), radius=10, fill=FLOOR_FILL, outline=WALL, width=4)

    for leg in legs or []:
        if leg.floor == floor_id and len(leg.points) > 1:
            d.line([at(*p) for p in leg.points], fill=ROUTE, width=max(6, int(scale * 0.35)),
                   joint="curve")

    small = pil_font(max(14, int(scale * 0.7)))
    for place in config.issuing_points.values():
        if place.floor == floor_id:
            px, py = at(place.x, place.y)
            d.text((px, py + scale * 1.6), i18n.name_of(place, lang), font=small, fill="#555555",
                   anchor="mm")
    for mark in config.landmarks.values():
        if mark.floor != floor_id:
            continue
        px, py = at(mark.x, mark.y)
        is_terminal = mark.id == "cert_terminal"
        r = scale * (1.0 if is_terminal and show_terminal else 0.7)
        fill = "#0D47A1" if is_terminal and show_terminal else "#6D6A60"
        d.rounded_rectangle((px - r, py - r, px + r, py + r), radius=6, fill=fill)
        d.text((px, py), "EV" if mark.id.startswith("elevator") else "証",
               font=pil_font(int(r * 1.1), bold=True), fill="white", anchor="mm")
        name = i18n.name_of(mark, lang)
        if px + r + 6 + small.getlength(name) > width_px - 4:  # no room on the right: go left
            d.text((px - r - 6, py), name, font=small, fill="#333333", anchor="rm")
        else:
            d.text((px + r + 6, py), name, font=small, fill="#333333", anchor="lm")


    label = pil_font(max(16, int(scale * 0.95)), bold=True)
    for counter in config.counters.values():
        if counter.floor != floor_id:
            continue
        px, py = at(counter.x, counter.y)
        chosen = counter.id in targets
        r = scale * (1.25 if chosen else 0.95)
        fill = counter.colour if chosen or not targets else MUTED
        d.rounded_rectangle((px - r, py - r, px + r, py + r), radius=8, fill=fill,
                            outline="#000000" if chosen else None, width=4 if chosen else 0)
        d.text((px, py), str(counter.number), font=label, fill="white", anchor="mm")

    if here is not None and here.floor == floor_id:
        px, py = at(here.x, here.y)
        r = scale * 0.8
        d.ellipse((px - r, py - r, px + r, py + r), fill=HERE, outline="white", width=4)
        text = i18n.t("you_are_here", lang)
        half = pil_font(26, bold=True).getlength(text) / 2 + 10
        tx, ty = min(max(px, half), width_px - half), py - r - 6
        box = d.textbbox((tx, ty), text, font=pil_font(26, bold=True), anchor="md")
        d.rounded_rectangle((box[0] - 8, box[1] - 4, box[2] + 8, box[3] + 4), radius=6, fill=HERE)
        d.text((tx, ty), text, font=pil_font(26, bold=True), fill="white", anchor="md")
    return img


def render_route(config: SiteConfig, here: Position, counters: list[Counter], lang: str,
                 width_px: int = 900, side_by_side: bool = False) -> Image.Image:
    """The map for one destination: the current floor, then the target floor when the way
    goes through the elevator, with a line saying so. Side by side suits a landscape
    screen; one above the other suits the paper strip."""
    goal = nearest(counters, here)
    legs = route(config, here, Position(goal.floor, goal.x, goal.y))
    targets = tuple(c.id for c in counters)
    panel_w = width_px // 2 - 10 if side_by_side and len(legs) > 1 else width_px
    panels = [render_floor(config, leg.floor, lang, here=here, targets=targets, legs=legs,
                           width_px=panel_w) for leg in legs]
    if len(panels) == 1:
        return panels[0]
    note = "↓ " + i18n.t("take_elevator", lang,
                          floor=i18n.name_of(config.floors[goal.floor], lang))
    note_h = 60
    if side_by_side:
        out = Image.new("RGB", (width_px, note_h + max(p.height for p in panels)), BACKGROUND)
        out.paste(panels[0], (0, note_h))
        out.paste(panels[1], (width_px - panels[1].width, note_h))
        note = note.replace("↓", "→")
        ImageDraw.Draw(out).text((width_px // 2, note_h // 2), note, font=pil_font(30, bold=True),
                                 fill=ROUTE, anchor="mm")
        return out
    out = Image.new("RGB", (width_px, sum(p.height for p in panels) + note_h), BACKGROUND)
    out.paste(panels[0], (0, 0))
    ImageDraw.Draw(out).text((width_px // 2, panels[0].height + note_h // 2), note,
                             font=pil_font(30, bold=True), fill=ROUTE, anchor="mm")
    out.paste(panels[1], (0, panels[0].height + note_h))
    return out


def render_place(config: SiteConfig, here: Position, place_id: str, lang: str,
                 width_px: int = 900) -> Image.Image:
    """The way to a landmark (e.g. the certificate terminal)."""
    mark = config.landmarks[place_id]
    target = Position(mark.floor, mark.x, mark.y)
    legs = route(config, here, target)
    return render_floor(config, legs[-1].floor if len(legs) == 1 else here.floor, lang,
                        here=here, legs=legs, show_terminal=True, width_px=width_px)
