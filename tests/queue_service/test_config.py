"""The site file: the shipped example loads; every mistake names its field."""

import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from protocol.site import ConfigError, load_config, parse_config


def example() -> dict:
    return tomllib.loads(resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8"))


def test_example_is_an_isesaki_like_floor():
    c = load_config()
    names = {d.name_ja for d in c.departments.values()}
    assert {"総合窓口", "市民課", "市民税課(証明窓口)", "国民健康保険課", "年金医療課", "介護保険課",
            "おくやみ窓口"} <= names
    assert set(c.issuing_points) == {"east", "west", "center"}
    assert {c.life_events[e].name_ja for e in c.life_events} >= {"引越し・転入", "転出", "出生", "死亡・おくやみ", "婚姻", "証明書"}
    # routing kinds 1 and 2 queue at the one-stop counter, 3 at the owner
    assert c.queue_department("tennyu") == "sogo"
    assert c.queue_department("jido_teate") == "sogo"
    assert c.queue_department("kokuho_kanyu") == "kokuho"
    assert c.procedures["juminhyo"].fee_yen == 300


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["counters"][2].update(department="nowhere"), "counters[2].department"),
    (lambda d: d["counters"][1].update(number=1), "counters[1].number"),
    (lambda d: d["counters"][0].update(colour="green"), "counters[0].colour"),
    (lambda d: d["procedures"][0].update(kind=7), "procedures[0].kind"),
    (lambda d: d["procedures"][0].pop("name_ja"), "procedures[0].name_ja"),
    (lambda d: d["procedures"][3].update(minutes="ten"), "procedures[3].minutes"),
    (lambda d: d["life_events"][0].update(procedures=["tennyu", "nope"]), "life_events[0].procedures"),
    (lambda d: d["numbers"].update(last=0), "numbers.last"),
    (lambda d: d["numbers"].update(reset_time="25:99"), "numbers.reset_time"),
    (lambda d: d["calling"].update(priority_needs=["vip"]), "calling.priority_needs"),
    (lambda d: d["site"].update(one_stop_department="x"), "site.one_stop_department"),
    (lambda d: d["site"].update(timezone="Mars/Olympus"), "site.timezone"),
    (lambda d: d["departments"].append(dict(d["departments"][0])), "departments[8].id"),
    (lambda d: d.pop("issuing_points"), "issuing_points"),
])
def test_mistakes_name_the_field(mutate, field):
    doc = example()
    mutate(doc)
    with pytest.raises(ConfigError) as err:
        parse_config(doc)
    assert str(err.value).startswith(field), str(err.value)


def test_a_department_without_counters_cannot_take_queued_procedures():
    doc = example()
    doc["counters"] = [c for c in doc["counters"] if c["department"] != "kaigo"]
    with pytest.raises(ConfigError, match="no counter"):
        parse_config(doc)


def test_service_refuses_to_start_half_configured(tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text(resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
                   .replace('colour = "#2E7D32"', 'colour = "green"', 1), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "queue_service", "--config", str(bad),
                          "--data", str(tmp_path / "data"), "--web-port", "0"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2
    assert "counters[0].colour" in run.stderr
    assert not (tmp_path / "data").exists()


def test_unreadable_and_broken_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\nid=1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


# ---- order constraints ([[routing.order]]) -------------------------------------------

def test_the_example_orders_registration_first_and_leaves_the_rest_free():
    c = load_config()
    assert "tennyu" in c.routing.predecessors("kokuho_kanyu")
    assert "tennyu" in c.routing.predecessors("jido_teate")
    assert "shibou" in c.routing.predecessors("okuyami_sodan")
    assert c.routing.predecessors("nenkin") == frozenset({"tennyu", "shibou"})
    # a move-in whose citizen listed the insurance first still starts with 転入届
    stops, _ = c.itinerary(["kokuho_kanyu", "jido_teate", "tennyu", "nenkin"])
    assert stops == [("sogo", ["tennyu", "jido_teate"]), ("kokuho", ["kokuho_kanyu"]),
                     ("nenkin", ["nenkin"])]
    # おくやみ: 死亡届 first even when the guidance desk was listed first
    stops, _ = c.itinerary(["okuyami_sodan", "shibou", "koki_korei"])
    assert [d for d, _ in stops] == ["sogo", "okuyami", "nenkin"]
    # unconstrained departments may come in any order
    assert c.allowed_next([("kokuho_kanyu", "kokuho"), ("nenkin", "nenkin")]) == ["kokuho", "nenkin"]
    assert c.allowed_next([("tennyu", "sogo"), ("nenkin", "nenkin")]) == ["sogo"]


def test_a_stop_that_must_wait_for_another_department_is_split():
    doc = example()
    doc["routing"]["order"] = [{"first": "juminhyo", "then": ["kokuho_kanyu"]},
                               {"first": "kokuho_kanyu", "then": ["koseki"]}]
    c = parse_config(doc)
    stops, _ = c.itinerary(["juminhyo", "koseki", "kokuho_kanyu"])
    assert stops == [("shimin", ["juminhyo"]), ("kokuho", ["kokuho_kanyu"]), ("shimin", ["koseki"])]


@pytest.mark.parametrize("order, field, words", [
    ([{"first": "tennyu", "then": ["nope"]}], "routing.order[0].then", "unknown procedure 'nope'"),
    ([{"first": "nope", "then": ["tennyu"]}], "routing.order[0].first", "unknown procedure"),
    ([{"first": "tennyu", "then": []}], "routing.order[0].then", "at least one"),
    ([{"first": "tennyu", "then": ["nenkin"]}, {"first": "nenkin", "then": ["kokuho_kanyu"]},
      {"first": "kokuho_kanyu", "then": ["tennyu"]}], "routing.order[", "cycle"),
    ([{"first": "tennyu", "then": ["tennyu"]}], "routing.order[0]", "cycle: tennyu → tennyu"),
])
def test_order_mistakes_name_the_field(order, field, words):
    doc = example()
    doc["routing"]["order"] = order
    with pytest.raises(ConfigError) as err:
        parse_config(doc)
    assert str(err.value).startswith(field) and words in str(err.value), str(err.value)


def test_routing_numbers_are_checked():
    doc = example()
    doc["routing"]["place_lead_minutes"] = -1
    with pytest.raises(ConfigError, match=r"^routing.place_lead_minutes"):
        parse_config(doc)
