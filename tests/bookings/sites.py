"""Site documents for the booking tests: the shipped example, and the example with a
remote video booth at a branch office (Morioka's remote counters) added to it."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

from protocol.site import SiteConfig, parse_config


def example() -> dict:
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    return tomllib.loads(text)


def with_booth(doc: dict | None = None, slot_minutes: int = 30) -> dict:
    """The example plus 赤堀支所 with a video booth served by the pension division."""
    doc = copy.deepcopy(doc or example())
    doc["floors"].append({"id": "akabori", "name_ja": "赤堀支所", "name_en": "Akabori Branch",
                          "width": 10, "height": 8})
    doc["issuing_points"].append({"id": "akabori", "name_ja": "赤堀支所 受付",
                                  "name_en": "Akabori Branch reception", "floor": "akabori",
                                  "x": 1, "y": 1})
    doc["departments"].append({"id": "remote_akabori", "name_ja": "赤堀支所 リモート窓口",
                               "name_en": "Akabori remote counter", "floor": "akabori"})
    doc["counters"].append({
        "id": "r01", "number": 51, "department": "remote_akabori", "colour": "#00838F",
        "colour_ja": "あおみどり", "colour_en": "teal", "floor": "akabori",
        "position_ja": "51番 リモート窓口(赤堀支所)", "position_en": "Counter 51 (Akabori, video)",
        "x": 5, "y": 4, "procedures": ["nenkin", "koki_korei", "kaigo_nintei"],
        "remote": {"branch_ja": "赤堀支所", "branch_en": "Akabori Branch",
                   "video_url": "https://video.example.jp/booth/akabori",
                   "slot_minutes": slot_minutes},
    })
    return doc


def booth_config(slot_minutes: int = 30) -> SiteConfig:
    return parse_config(with_booth(slot_minutes=slot_minutes), "example with a booth")
