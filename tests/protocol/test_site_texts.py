"""Citizens' texts per language in the site file: the shipped example has every text in
every language the appliances offer, an unknown language code is refused, and a missing
text shows in Japanese with the reader's "Japanese only" marker on every surface."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from display.presenter import BoardPresenter
from display.settings import BoardSettings
from kiosk import i18n
from kiosk.floormap import resolve_here
from kiosk.guide import GuidePresenter
from protocol import texts
from protocol.follower import ServiceFollower
from protocol.site import ConfigError, load_config, parse_config

pytestmark = pytest.mark.pure


def shipped_document() -> dict:
    return tomllib.loads(resources.files("protocol.sites").joinpath("isesaki.toml")
                         .read_text("utf-8"))


def test_the_shipped_site_has_every_citizen_text_in_every_offered_language():
    config = load_config()
    assert set(texts.LANGUAGES) == set(i18n.LANGUAGES)  # the floor guide's language bar
    assert texts.missing(config) == {lang: [] for lang in texts.TRANSLATED}
    fields = 0
    for path, item in texts.texted(config):
        for field, variants in item.texts.items():
            if not variants.get("ja"):
                continue
            fields += 1
            for lang in texts.LANGUAGES:
                value = variants.get(lang)
                assert value, f"{path}.{field} has no {lang}"
                if field == "bring":  # one entry per Japanese entry, none empty
                    assert len(value) == len(variants["ja"]) and all(value), f"{path}.bring_{lang}"
    # names, what to bring, the note, questions, positions, colours, floors, places, site
    assert fields > 100
    tennyu = config.procedures["tennyu"]
    assert texts.localized(tennyu, "bring", "pt")[0] == "Certificado de mudança (Tenshutsu shōmeisho)"
    assert texts.localized(config.life_events["shibou"].questions[0], "text", "vi") == \
        "Người đã mất có nhận lương hưu không?"
    assert texts.localized(config.counters["c09"], "position", "zh") == "9号窗口(国民健康保险课)"


def test_an_unknown_language_code_is_refused_naming_the_field():
    doc = shipped_document()
    doc["procedures"][0]["bring_fr"] = ["Pièce d'identité"]
    with pytest.raises(ConfigError, match=r"procedures\[0\]\.bring_fr: unknown language 'fr' "
                                          r"\(known: ja, easy, en, zh, ko, vi, pt\)"):
        parse_config(doc)
    doc = shipped_document()
    doc["life_events"][0]["questions"][0]["text_pt_BR"] = "Tem filhos?"
    with pytest.raises(ConfigError, match=r"questions\[0\]\.text_pt_BR: unknown language 'pt_BR'"):
        parse_config(doc)


def without_chinese_for_tennyu() -> dict:
    doc = shipped_document()
    proc = next(p for p in doc["procedures"] if p["id"] == "tennyu")
    del proc["name_zh"], proc["bring_zh"]
    dept = next(d for d in doc["departments"] if d["id"] == "shimin")
    del dept["name_zh"]
    return doc


def test_a_missing_chinese_text_shows_the_japanese_marked_on_every_surface():
    config = parse_config(copy.deepcopy(without_chinese_for_tennyu()))
    # the site check lists it
    assert texts.missing(config)["zh"] == ["departments.shimin.name", "procedures.tennyu.name",
                                           "procedures.tennyu.bring"]
    assert texts.missing(config)["pt"] == []
    assert texts.main([]) == 0  # the shipped file is complete
    # the floor guide (its presenter drives the Kivy screen)
    guide = GuidePresenter(ServiceFollower(config), resolve_here(config, "east"))
    guide.set_language("zh")
    dest = guide.destination("tennyu")
    assert dest.name == "転入届 (仅有日语)"
    assert dest.bring == tuple(f"{b} (仅有日语)" for b in config.procedures["tennyu"].bring_ja)
    assert not set(dest.bring) & set(config.procedures["tennyu"].bring_en)  # never English
    assert guide.destination("juminhyo").name == "住民票副本"  # the others stay Chinese
    # the lobby board: under the Japanese name, the marker alone
    board = BoardPresenter(BoardSettings(departments=("shimin", "kokuho")), config)
    rows = {r.id: dict(r.names) for r in board.view(0.0).departments}
    assert rows["shimin"]["zh"] == "(仅有日语)" and rows["kokuho"]["zh"] == "国民健康保险课"
    # what the service logs at start-up and `python -m protocol.texts` prints
    lines = texts.summary(config)
    assert lines[texts.TRANSLATED.index("zh")].startswith(
        "zh: 3 text(s) missing, shown in Japanese: departments.shimin.name")
    assert lines[texts.TRANSLATED.index("pt")] == "pt: complete"
