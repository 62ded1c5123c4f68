"""Reports from the event log: synthetic days through the real engine, CSV, PNG, CLI."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from protocol import messages as m
from protocol.site import load_config
from queue_service import reports
from queue_service.service import QueueService
from tests.queue_service.helpers import T0, Desk

DAY = "2027-03-29"  # the Monday of T0


def morning(desk: Desk) -> dict[str, int]:
    """Three visits with known waits: 10, 12, 29.5 (second department, from arriving
    there after a 31.5 m walk) and 1 minute."""
    a = desk.issue("tennyu", "kokuho_kanyu")
    b = desk.issue("juminhyo")
    desk.open("c01", "c05", "c09")
    desk.later(10).call("c01")  # a waited 10 min at the one-stop counter
    desk.later(2).call("c05")  # b waited 12 min
    desk.later(8).finish("c01")  # a: tennyu handled in 10 min, now waits at kokuho
    desk.later(2).finish("c05")  # b: juminhyo handled in 10 min
    desk.later(28).call("c09")  # a waited 29.5 min at kokuho (at its seats 9:20:31)
    desk.later(10)  # 10:00
    c = desk.issue("juminhyo")
    desk.later(1).call("c05")  # c waited 1 min
    desk.later(1).run("absent", counter="c05")
    desk.later(1).call("c05")  # called again: not a new wait
    desk.later(2).finish("c09")  # a: kokuho_kanyu handled in 15 min (9:50 -> 10:05)
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def report() -> reports.Report:
    desk = Desk(now=T0)
    morning(desk)
    return reports.build_report(desk.events, desk.engine.config)


def test_daily_figures(report):
    (day,) = report.daily()
    assert day == {
        "day": DAY, "visits": 3, "procedures": 4, "procedures_done": 3,
        "wait_mean_min": 13.1, "wait_p90_min": 24.2, "handling_mean_min": 11.7,
        "multi_department_visits": 1, "absent_visits": 1, "absent_rate": 0.333,
    }


def test_hourly_figures(report):
    assert report.hourly(DAY) == [
        {"hour": 9, "visits": 2, "calls": 3, "procedures_done": 2,
         "wait_mean_min": 17.2, "wait_p90_min": 26.0},
        {"hour": 10, "visits": 1, "calls": 1, "procedures_done": 1,
         "wait_mean_min": 1.0, "wait_p90_min": 1.0},
    ]


def test_handling_per_procedure_and_waits_per_department(report):
    assert [(r["procedure"], r["count"], r["handling_mean_min"]) for r in report.procedures(DAY)] == [
        ("tennyu", 1, 10.0), ("kokuho_kanyu", 1, 15.0), ("juminhyo", 1, 10.0)]
    waits = {r["department"]: (r["calls"], r["wait_mean_min"]) for r in report.departments(DAY)}
    assert waits == {"sogo": (1, 10.0), "shimin": (2, 6.5), "kokuho": (1, 29.5)}


def test_transfers_start_a_new_wait_at_the_new_department():
    desk = Desk(now=T0)
    desk.issue("juminhyo")
    desk.open("c05", "c07")
    desk.later(5).call("c05")
    desk.later(3).run("transfer", counter="c05", department="shiminzei")
    desk.later(4).call("c07")
    desk.later(6).finish("c07")
    report = reports.build_report(desk.events, desk.engine.config)
    waits = {r["department"]: r["wait_mean_min"] for r in report.departments(DAY)}
    assert waits == {"shimin": 5.0, "shiminzei": 4.0}
    assert report.daily()[0]["multi_department_visits"] == 1
    # handling runs from the call at the counter that finished it
    assert report.procedures(DAY)[0]["handling_mean_min"] == 6.0


def test_weekday_by_hour_heat_map_averages_over_days():
    desk = Desk(now=T0)
    desk.issue("juminhyo")
    desk.issue("juminhyo")
    desk.later(7 * 24 * 60)  # the next Monday, 9:00: a new business day
    desk.issue("juminhyo")
    desk.later(60).issue("juminhyo")  # 10:00
    report = reports.build_report(desk.events, desk.engine.config)
    grid = report.heatmap("shimin")
    assert grid[0][9] == 1.5 and grid[0][10] == 0.5  # Monday: (2 + 1) / 2 days, 1 / 2 days
    assert sum(map(sum, grid[1:])) == 0
    assert [d["visits"] for d in report.daily()] == [2, 2]


def test_csv_export(report):
    text = reports.to_csv(report.procedures(DAY))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name_ja"] == "転入届" and rows[0]["handling_mean_min"] == "10.0"
    assert reports.to_csv([]) == ""


def test_charts_are_png_images(report):
    for png in (reports.arrivals_chart(report, DAY), reports.heatmap_chart(report, "shimin"),
                reports.arrivals_chart(report, "2027-01-01")):
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width >= 600
        assert len(png) < 400_000


def test_cli_writes_a_days_tables_and_charts(tmp_path, capsys):
    clock = [T0]
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    try:
        r = svc.submit("issue", m.IssueRequest(request_id="req-cli-0001", issuing_point="west",
                                               procedures=["juminhyo"]))
        assert r.ok
        for i, command in enumerate(("open_counter", "call_next", "finish")):
            clock[0] += 300
            assert svc.submit(command, m.COMMANDS[command](
                request_id=f"req-cli-1{i:03d}", counter="c05")).ok
    finally:
        svc.stop()
    out = tmp_path / "report"
    db = tmp_path / "data" / "madoguchi.db"
    assert reports.main(["--db", str(db), "--day", DAY, "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{DAY}-arrivals.png", f"{DAY}-daily.csv", f"{DAY}-departments.csv",
                     f"{DAY}-heatmap-shimin.png", f"{DAY}-hourly.csv", f"{DAY}-procedures.csv"]
    daily = (out / f"{DAY}-daily.csv").read_text("utf-8-sig")
    assert daily.splitlines()[1].startswith(f"{DAY},1,1,1,10.0,10.0,5.0,0,0,0.0")
    assert reports.main(["--db", str(tmp_path / "none.db"), "--day", DAY, "--out", str(out)]) == 1
    with pytest.raises(SystemExit):
        reports.main(["--db", str(db), "--day", "29/03/2027", "--out", str(out)])


def test_the_heat_map_follows_the_opening_days_and_labels_each_row_by_its_day():
    from dataclasses import replace

    desk = Desk(now=T0)
    desk.issue("juminhyo")
    desk.later(6 * 24 * 60)  # Sunday 9:00: a special opening (not an opening day)
    desk.issue("juminhyo")
    weekdays_only = reports.build_report(desk.events, desk.engine.config)
    labels, _, data = reports.heatmap_rows(weekdays_only, "shimin")
    assert labels == ["月 Mon", "火 Tue", "水 Wed", "木 Thu", "金 Fri", "日 Sun"]
    assert sum(data[-1]) == 1  # Sunday's arrival in Sunday's row, not under Saturday
    with_saturdays = replace(desk.engine.config, open_weekdays=(0, 1, 2, 3, 4, 5))
    labels, _, _ = reports.heatmap_rows(reports.build_report(desk.events, with_saturdays), "shimin")
    assert "土 Sat" in labels


def test_the_arrivals_chart_legend_covers_no_bar(report):
    fig = reports.arrivals_figure(report, DAY)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    assert bars and not [b for b in bars if b.overlaps(legend)]
    assert not ax.get_window_extent(renderer).overlaps(legend)
