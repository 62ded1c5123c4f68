"""Benchmarks: measured performance, printed as tables.

Each benchmark adds its figures to benchmarks/results.json, keeping the keys of the
others (`python -m benchmarks` and `python -m benchmarks.display` write different keys).
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def save_results(figures: dict) -> None:
    """Add these figures to results.json, keeping the other benchmarks' keys."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**old, **figures}, indent=2) + "\n")
    print(f"wrote {RESULTS}")
