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
