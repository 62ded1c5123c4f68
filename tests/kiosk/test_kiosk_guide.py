"""The floor guide's presenter: purposes, search, destinations with live waits, the
life-event questionnaire and its ordered guidance list, idle reset, languages."""

from __future__ import annotations

import pytest

from kiosk import floormap, i18n
from kiosk.guide import GuidePresenter
from protocol.codec import encode
from protocol.messages import CongestionMessage
from protocol.site import ConfigError, normalise

pytestmark = pytest.mark.pure


def congestion(dept: str, waiting: int, minutes: float | None, level: str = "medium",
               wait_range: tuple[int, int] | None = None, moving_here: int = 0) -> bytes:
    low, high = wait_range or (None, None)
    return encode(CongestionMessage(department=dept, waiting=waiting, serving=1, counters_open=2,
                                    estimated_wait_min=minutes, wait_min_low=low,
                                    wait_min_high=high, moving_here=moving_here, level=level,
                                    label_ja="やや混雑", label_en="Busy", at=0.0))


@pytest.fixture
def guide(live, east):
    return GuidePresenter(live, east)


def test_the_start_offers_the_five_purposes_not_departments(guide):
    assert [c for c, _ in guide.categories()] == [
        "証明書", "住所・戸籍", "保険・年金", "高齢・介護・障がい", "子ども・子育て"]
    guide.set_language("en")
    assert dict(guide.categories())["子ども・子育て"] == "Children and child-rearing"
    events = dict(guide.life_events())
    assert "tennyu" in events and "shibou" in events
    assert "shomei" not in events  # one certificate is not a life event worth a questionnaire


def test_every_fixed_string_exists_in_all_seven_languages():
    assert i18n.check_complete() == []
    assert len(i18n.LANGUAGES) == 7


def test_a_category_lists_its_procedures_with_where_to_go(guide):
    results = {d.procedure.id: d for d in guide.in_category("証明書")}
    assert {"juminhyo", "koseki", "shotoku", "inkan_shomei"} <= set(results)
    jumin = results["juminhyo"]
    assert jumin.place == "5・6番窓口(市民課)"
    assert jumin.colour == "#1565C0" and jumin.colour_name == "あお"
    assert jumin.floor_name == "1階"
    assert jumin.bring == ("本人確認書類",)
    assert jumin.wait_text("ja") == "待ち状況を取得中"  # nothing from the service yet


@pytest.mark.parametrize("typed, expected", [
    ("じゅうみん", "juminhyo"), ("ジュウミンヒョウ", "juminhyo"), ("住民票", "juminhyo"),
    ("ｼﾞｭｳﾐﾝ", "juminhyo"), ("いぬ", "inu_toroku"), ("Dog", "inu_toroku"),
    ("こせき", "koseki"), ("児童手当", "jido_teate"), ("介護", "kaigo_shikaku"),
])
def test_search_by_kana_kanji_or_english(guide, typed, expected):
    assert expected in [d.procedure.id for d in guide.search(typed)]


def test_search_ranks_name_matches_first_and_finds_nothing_for_nonsense(guide):
    assert guide.search("じゅうみんひょう")[0].procedure.id == "juminhyo"
    assert guide.search("ぬゑゐ") == []
    assert guide.search("   ") == []
    assert normalise("ジュウミン ヒョウ・") == "じゅうみんひょう"


def test_live_congestion_shows_people_waiting_and_minutes(guide, live):
    live.handle_congestion("madoguchi/isesaki/congestion/shimin",
                           congestion("shimin", 7, 18.4, wait_range=(15, 25)), False)
    dest = guide.destination("juminhyo")
    assert (dest.wait.waiting, dest.wait.low, dest.wait.high) == (7, 15, 25)
    assert dest.wait_text("ja") == "7人待ち  待ち時間 約15〜25分"
    assert dest.wait_text("en") == "7 waiting  wait about 15–25 min"
    live.handle_congestion("madoguchi/isesaki/congestion/shimin",
                           congestion("shimin", 0, 0.0, "low", (0, 5)), False)
    assert guide.destination("juminhyo").wait_text("ja") == "0人待ち  待ち時間 5分以内"
    # nobody waiting but a long wait: the reason is shown
    live.handle_congestion("madoguchi/isesaki/congestion/shimin",
                           congestion("shimin", 0, 14.0, "low", (10, 20), moving_here=3), False)
    assert guide.destination("juminhyo").wait_text("ja") == \
        "0人待ち  待ち時間 約10〜20分  ほかの窓口から移動中 3人"
    live.handle_congestion("madoguchi/isesaki/congestion/shimin", congestion("shimin", 0, None, "closed"), False)
    assert guide.destination("juminhyo").wait_text("ja") == "ただいま受付していません"
    live.handle_congestion("madoguchi/isesaki/congestion/shimin", b"{not json", False)
    assert guide.destination("juminhyo").wait.level == "closed"  # garbage ignored, last state kept


def test_one_stop_procedures_point_to_the_one_stop_counter(guide):
    dest = guide.destination("jido_teate")  # kind 2: accepted at the one-stop counter
    assert dest.place == "1・2・3番窓口(総合窓口)"
    assert dest.colour_name == "みどり"


def test_out_of_building_procedure_says_so_and_where(guide):
    dog = guide.destination("inu_toroku")
    assert not dog.in_building and dog.counter is None
    assert "環境課" in dog.note
    assert dog.wait_text("ja") == "この建物では手続きできません"


def test_other_floor_route_goes_through_the_elevator(config, east):
    counters = config.counters_of("kosodate")
    legs = floormap.route(config, east, floormap.Position("f2", counters[0].x, counters[0].y))
    assert [leg.floor for leg in legs] == ["f1", "f2"]
    lift1, lift2 = config.landmarks["elevator"], config.landmarks["elevator_2f"]
    assert legs[0].points[0] == (east.x, east.y) and legs[0].points[-1] == (lift1.x, lift1.y)
    assert legs[1].points[0] == (lift2.x, lift2.y)
    assert legs[1].points[-1] == (counters[0].x, counters[0].y)
    for leg in legs:  # walks along the aisle: every segment horizontal or vertical
        for a, b in zip(leg.points, leg.points[1:]):
            assert a[0] == b[0] or a[1] == b[1]


def test_the_map_marks_here_and_the_counter_in_its_colour(guide):
    img = guide.map_for(guide.destination("shotoku"), width_px=900).convert("RGB")
    colours = {rgb for _, rgb in img.getcolors(maxcolors=1 << 20)}
    assert (0xEF, 0x6C, 0x00) in colours  # counters 7 and 8 in orange
    assert (0xD3, 0x2F, 0x2F) in colours  # "you are here" and the route in red
    two_floors = guide.map_for(guide.destination("jido_fuyo"), width_px=900)
    assert two_floors.height > 2 * img.height * 0.9  # 1F to the elevator, then 2F
    wide = guide.map_for(guide.destination("jido_fuyo"), width_px=1200, side_by_side=True)
    assert wide.width == 1200 and wide.height < two_floors.height / 2


def test_kiosk_position_errors_are_clear(config):
    with pytest.raises(ConfigError, match="neither an issuing point nor a landmark"):
        floormap.resolve_here(config, "north")
    with pytest.raises(ConfigError, match="floor"):
        floormap.resolve_here(config, floor="f9", x=1, y=1)
    assert floormap.resolve_here(config, floor="f2", x=3, y=4) == floormap.Position("f2", 3, 4)


def test_device_configuration_moves_you_are_here(config):
    assert floormap.here_from_settings(config, {"place": "west"}) == floormap.Position("f1", 2, 10)
    assert floormap.here_from_settings(config, {"floor": "f2", "x": 5, "y": 6}) == \
        floormap.Position("f2", 5, 6)
    assert floormap.here_from_settings(config, {"volume": 3}) is None
    with pytest.raises(ConfigError):
        floormap.here_from_settings(config, {"place": "roof"})


def test_moving_in_questionnaire_builds_the_ordered_guidance_list(guide):
    q = guide.start_questionnaire("tennyu")
    assert q.question("ja") == "18歳までのお子さんはいますか？"
    for yes in (True, True, False, True):  # children, over 65, no care needs, a dog
        q.answer(yes)
    assert q.done
    with pytest.raises(ValueError):
        q.answer(True)
    steps = guide.guidance_list(q.procedures())
    assert [d.procedure.id for d in steps] == [
        "tennyu", "jido_teate", "kodomo_iryo",  # all at the one-stop counter, first
        "kokuho_kanyu", "nenkin", "kaigo_shikaku",  # then each department
        "inu_toroku",  # not in this building: last
    ]
    assert steps[0].bring[0] == "転出証明書"


def test_questionnaire_back_undoes_the_last_answer(guide):
    q = guide.start_questionnaire("tennyu")
    q.answer(True)
    q.answer(True)
    assert q.back() and q.current == 1
    q.answer(False)
    assert "kaigo_shikaku" not in q.procedures() and "jido_teate" in q.procedures()
    assert q.back() and q.back() and not q.back()


def test_idle_returns_to_japanese_and_forgets_the_questionnaire(guide):
    guide.set_language("vi")
    guide.start_questionnaire("shussei")
    guide.touched(100.0)
    assert not guide.is_idle(100.0 + guide.idle_seconds - 1)
    assert guide.is_idle(100.0 + guide.idle_seconds)
    guide.reset()
    assert guide.lang == "ja" and guide.questionnaire is None


def test_languages_translate_fixed_words_and_names_and_mark_what_is_missing(guide):
    guide.set_language("ko")
    dest = guide.destination("juminhyo")
    assert dest.name == "주민표 사본"  # name_ko in the site file
    assert dest.bring == ("본인 확인 서류",)  # bring_ko in the site file
    assert i18n.t("you_are_here", "ko") == "현재 위치"
    guide.set_language("easy")
    assert guide.destination("juminhyo").name == "じゅうみんひょう(すんで いる ところの しょうめい)"
    with pytest.raises(ValueError):
        guide.set_language("fr")


def test_the_guide_points_to_the_certificate_terminal(guide):
    assert guide.terminal_name() == "らくらく証明書発行機"
    img = guide.terminal_map(width_px=600).convert("RGB")
    assert (0x0D, 0x47, 0xA1) in {rgb for _, rgb in img.getcolors(maxcolors=1 << 20)}


def test_names_come_in_the_readers_language_and_a_missing_text_is_marked_not_english(config):
    from dataclasses import replace

    from kiosk import i18n

    juminhyo = config.procedures["juminhyo"]
    assert i18n.name_of(juminhyo, "pt") == "Certificado de residência (Jūminhyō)"
    assert i18n.name_of(juminhyo, "vi") == "Bản sao phiếu cư trú"
    assert i18n.name_of(config.departments["kokuho"], "ko") == "국민건강보험과"
    # a site file without Portuguese for what to bring: the Japanese, marked, never English
    tennyu = config.procedures["tennyu"]
    bare = replace(tennyu, texts={**tennyu.texts, "bring": {
        k: v for k, v in tennyu.texts["bring"].items() if k != "pt"}})
    bring = i18n.bring_list(bare, "pt")
    assert bring == tuple(f"{b} (só em japonês)" for b in tennyu.bring_ja)
    assert not set(bring) & set(tennyu.bring_en)
    assert i18n.name_of(replace(juminhyo, texts={"name": {"ja": "住民票の写し", "en": "x"}}),
                        "easy") == "住民票の写し(じゅうみんひょうのうつし) (ふつうの にほんご)"