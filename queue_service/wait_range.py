"""The range shown around a wait estimate, calibrated from how wrong estimates were.

Per department it keeps the last `KEPT` errors as log ratios of the real wait to the
wait estimated when the visit joined the line (both offset by `OFFSET_MIN`, so short
waits do not give huge ratios). The range of a new estimate is cut at the `LOW_Q` and
`HIGH_Q` quantiles of those ratios, so that four visits in five see their wait inside it.
Before any wait is seen, `PRIOR` pseudo-errors (a log-normal spread) stand in; they
are pushed out as real ones come in. `summary()` / `from_summary()` keep it across days.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from statistics import NormalDist

KEPT = 150  # errors kept per department
OFFSET_MIN = 2.0  # minutes added to both sides of a ratio
LOW_Q, HIGH_Q = 0.12, 0.88  # range bounds (before rounding outwards to natural figures)
PRIOR_SPREAD = 0.45  # log-sd of the prior errors
PRIOR = tuple(NormalDist(0, PRIOR_SPREAD).inv_cdf((i + 0.5) / 20) for i in range(20))


class _Errors:
    def __init__(self, values: list[float] | None = None):
        self.kept: deque[float] = deque(PRIOR if values is None else values, maxlen=KEPT)
        self.sorted = sorted(self.kept)

    def add(self, value: float) -> None:
        if len(self.kept) == KEPT:
            old = self.kept[0]
            del self.sorted[bisect_left(self.sorted, old)]
        self.kept.append(value)
        insort(self.sorted, value)

    def quantile(self, p: float) -> float:
        xs = self.sorted
        k = (len(xs) - 1) * p
        lo, hi = math.floor(k), math.ceil(k)
        return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


class WaitRanges:
    """Per department: the calibrated range around an estimated wait."""

    def __init__(self, summary: dict | None = None):
        self.departments: dict[str, _Errors] = {
            d: _Errors(list(v)) for d, v in (summary or {}).items()}

    def observe(self, department: str, estimated_min: float, actual_min: float) -> None:
        """A visit was called `actual_min` after joining, estimated at `estimated_min`."""
        ratio = math.log((max(actual_min, 0.0) + OFFSET_MIN) / (max(estimated_min, 0.0) + OFFSET_MIN))
        self.departments.setdefault(department, _Errors()).add(ratio)

    def bounds(self, department: str, estimated_min: float) -> tuple[float, float]:
        """(low, high) minutes around an estimate, before rounding."""
        errors = self.departments.get(department)
        if errors is None:
            errors = self.departments[department] = _Errors()
        base = max(estimated_min, 0.0) + OFFSET_MIN
        low = base * math.exp(errors.quantile(LOW_Q)) - OFFSET_MIN
        high = base * math.exp(errors.quantile(HIGH_Q)) - OFFSET_MIN
        return max(low, 0.0), max(high, estimated_min, 0.0)

    def summary(self) -> dict:
        return {d: [round(x, 4) for x in e.kept] for d, e in self.departments.items()}
