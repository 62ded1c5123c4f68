"""The simulated day with bookings: booked citizens really check in through the engine,
no-shows are released, everyone who came is served, and the figures land in the JSON."""

from __future__ import annotations

import json

from benchmarks import sim_bookings
from protocol.site import load_config


def test_a_day_with_bookings_checks_in_releases_and_serves_everyone():
    day = sim_bookings.run(load_config(), 400, 5)
    assert day["bookings"] > 0
    assert day["bookings"] == day["checked_in_on_time"] + day["late_walk_ins"] + day["no_shows"]
    assert day["no_shows"] > 0 and day["checked_in_on_time"] > day["late_walk_ins"]
    assert 0 < day["booked_called_within_5min_share"] <= 1
    assert day["walkin_wait_with_bookings_min"] > 0 and day["walkin_wait_without_bookings_min"] > 0
    assert day["unfinished_visits"] == 0


def test_the_cli_adds_its_figures_and_keeps_the_others(tmp_path):
    out = tmp_path / "sim_results.json"
    out.write_text(json.dumps({"visits": 1600, "seed": 2027}))
    assert sim_bookings.main(["--visits", "300", "--seed", "4", "--out", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert saved["visits"] == 1600  # the main simulation's figures stay
    assert {"booked_called_within_5min_share", "walkin_wait_ratio_with_bookings"} <= set(saved)
    assert saved["bookings"]["visits"] == 300
