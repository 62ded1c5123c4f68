"""Walking times on a site's floors, from the positions in the site file (metres).

One home for the geometry: the queue engine uses it to know when a moving visit can be
at its next department (arrival-aware calling), the simulation to walk its citizens.
A department's waiting seats are in front of the middle of its counters; another floor
is reached by the lift (`routing.lift_s` to wait for it and ride).
"""

from __future__ import annotations

from .site import SiteConfig

Point = tuple[str, float, float]  # floor, x, y


class FloorPlan:
    def __init__(self, config: SiteConfig):
        self.config = config
        self.lifts = {p.floor: (p.x, p.y) for p in config.landmarks.values()
                      if p.id.startswith("elevator")}
        self.waiting: dict[str, Point] = {}
        for d in config.departments:
            mine = config.counters_of(d)
            if mine:
                self.waiting[d] = (mine[0].floor, sum(c.x for c in mine) / len(mine),
                                   config.floors[mine[0].floor].height / 2)

    def _metres(self, a: Point, b: Point) -> tuple[float, bool]:
        if a[0] == b[0]:
            return abs(a[1] - b[1]) + abs(a[2] - b[2]), False
        la, lb = self.lifts[a[0]], self.lifts[b[0]]
        return abs(a[1] - la[0]) + abs(a[2] - la[1]) + abs(b[1] - lb[0]) + abs(b[2] - lb[1]), True

    def seconds(self, a: Point, b: Point, speed: float | None = None) -> float:
        """Walking from a to b at `speed` (default: the site's walking speed)."""
        metres, lift = self._metres(a, b)
        speed = speed or self.config.routing.walk_speed_m_s
        return metres / speed + (self.config.routing.lift_s if lift else 0.0)

    def counter(self, counter: str) -> Point:
        c = self.config.counters[counter]
        return c.floor, c.x, c.y

    def entrance_to_department(self, point: str, dept: str, speed: float | None = None) -> float:
        p = self.config.issuing_points[point]
        return self.seconds((p.floor, p.x, p.y), self.waiting[dept], speed)

    def seats_to_counter(self, dept: str, counter: str, speed: float | None = None) -> float:
        """From the department's waiting seats to one of its counters."""
        return self.seconds(self.waiting[dept], self.counter(counter), speed)

    def counter_to_department(self, counter: str, dept: str, speed: float | None = None) -> float:
        return self.seconds(self.counter(counter), self.waiting[dept], speed)
