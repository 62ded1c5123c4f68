"""The peak-day simulation: deterministic, really driven through the engine, and the
shared-number vs separate-ticket comparison pointing the expected way."""

from __future__ import annotations

import json

import pytest

from benchmarks import simulate as cli
from benchmarks.sim_report import comparison, estimate_accuracy, is_multi
from benchmarks.sim_run import DayResult
from benchmarks.sim_scenario import DayPlan

from .conftest import SMALL_DAY, run_small_day

pytestmark = pytest.mark.pure


def _fingerprint(r: DayResult) -> list:
    return [(v.citizen.index, [(s.number, s.first_call, s.finished) for s in v.stops],
             v.estimate_min, v.naive_min) for v in r.visits]


def test_same_seed_same_day_and_another_seed_another_day(shared_day):
    again = run_small_day("shared")
    assert _fingerprint(again) == _fingerprint(shared_day)
    assert again.calls == shared_day.calls
    other = run_small_day("shared", DayPlan("peak", SMALL_DAY.visits, SMALL_DAY.seed + 1))
    assert _fingerprint(other) != _fingerprint(shared_day)


def test_every_visit_is_served_to_the_end(shared_day, separate_day):
    for day in (shared_day, separate_day):
        assert len(day.visits) == SMALL_DAY.visits
        assert all(v.done_at is not None and v.done_at >= v.issued for v in day.visits)
        # the engine agrees: nothing left open in any queue or at any counter
        assert not any(day.engine.state.waiting.values())
        assert all(v.state == "done" for v in day.engine.state.visits.values())


def test_one_number_follows_a_visit_through_every_department(shared_day):
    multi = [v for v in shared_day.visits if is_multi(v)]
    assert len(multi) >= 10
    config = shared_day.engine.config
    for v in multi:
        numbers = {s.number for s in v.stops}
        assert len(numbers) == 1
        number = numbers.pop()
        called_in = {config.counters[c].department for _, c, n in shared_day.calls if n == number}
        assert called_in == v.departments
        engine_visit = shared_day.engine.visit_by_number(number)
        # every procedure once, in the order the engine routed the visit (flexible
        # routing may change the listed order), stop by stop as the citizen went
        assert sorted(s.procedure for s in engine_visit.steps) == sorted(v.citizen.procedures)
        assert [s.procedure for s in engine_visit.steps] == [p for s in v.stops for p in s.procedures]
        assert all(s.state == "done" for s in engine_visit.steps)
        # each procedure was finished at a counter of the department the engine routed it to
        assert all(config.counters[s.counter].department == s.department
                   for s in engine_visit.steps)
    # one ticket per visit: the engine issued exactly as many numbers as there were visits
    assert len(shared_day.engine.state.visits) == SMALL_DAY.visits


def test_the_old_way_draws_a_new_ticket_at_each_department(separate_day):
    multi = [v for v in separate_day.visits if is_multi(v)]
    for v in multi:
        numbers = [s.number for s in v.stops]
        assert len(set(numbers)) == len(numbers) == len(v.stops) >= 2
        # a later ticket is drawn on arrival at the department, so it joins the back
        for earlier, later in zip(v.stops, v.stops[1:]):
            assert later.reached > earlier.finished
    assert len(separate_day.engine.state.visits) > SMALL_DAY.visits


def test_shared_number_shortens_multi_department_stays(shared_day, separate_day):
    c = comparison(shared_day, separate_day)
    assert c["stay_multi_shared_min"] < c["stay_multi_separate_min"]
    # the same citizens, service times and staffing: certificates queue where no
    # multi-department visit goes, so their stay does not change at all
    stay = {m: {v.citizen.index: v.stay_s for v in day.visits if v.citizen.kind == "certificate"}
            for m, day in (("shared", shared_day), ("separate", separate_day))}
    assert stay["shared"] == stay["separate"]


def test_service_estimate_beats_the_naive_one(shared_day):
    acc = estimate_accuracy(shared_day)
    assert acc["service"].n == acc["naive"].n == SMALL_DAY.visits
    assert acc["service"].mae < acc["naive"].mae
    assert acc["service"].p90 < acc["naive"].p90


def test_command_writes_the_results_file_and_charts(tmp_path, capsys):
    out = tmp_path / "sim_results.json"
    assert cli.main(["--peak-visits", "150", "--average-visits", "60", "--seed", "5",
                     "--out", str(out), "--charts", str(tmp_path / "docs")]) == 0
    results = json.loads(out.read_text("utf-8"))
    for key in ("visits", "sim_seconds", "stay_multi_shared_min", "stay_multi_separate_min",
                "wait_single_shared_min", "wait_single_separate_min", "estimate_mae_min",
                "naive_mae_min", "mismatch_estimate_mae_min", "mismatch_later_estimate_mae_min",
                "mismatch_later_naive_mae_min", "mismatch_later_range_coverage",
                "mismatch_later_bias_min"):
        assert isinstance(results[key], (int, float)), key
    # the later mismatched day (after an earlier day on the same floor) beside the first
    assert set(results["mismatch_later_average_day"]) == {
        k.replace("mismatch_", "mismatch_later_") for k in results["mismatch_average_day"]}
    assert results["visits"] == 150
    assert results["days"]["average"]["visits"] == 60
    printed = capsys.readouterr().out
    assert "総合窓口" in printed and "targets (peak day):" in printed
    assert "later day: mismatch MAE" in printed
    charts = sorted(p.name for p in (tmp_path / "docs").glob("*.png"))
    assert charts == ["sim_estimates.png", "sim_queue_length.png", "sim_shared_vs_separate.png",
                      "sim_waits.png"]
    assert all(0 < (tmp_path / "docs" / c).stat().st_size < 400_000 for c in charts)
