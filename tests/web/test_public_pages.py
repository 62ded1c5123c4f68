"""Citizens' pages: congestion, a visit's status by its QR token, open data, errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import counter_command, issue


def test_congestion_page_in_japanese_and_english(client, service):
    issue(service, "juminhyo")
    issue(service, "juminhyo")
    counter_command(service, "open_counter", "c05")
    page = client.get("/").text
    assert '<html lang="ja">' in page and "窓口の混雑状況" in page
    block = page.split('data-dept="shimin"')[1].split("</li>")[0]
    assert "市民課" in block and "<b>2</b> 人" in block and "5・6番窓口" in block
    closed = page.split('data-dept="kokuho"')[1].split("</li>")[0]
    assert "ただいま受付していません" in closed and "分" not in closed  # no minutes when closed
    assert "約5〜20分" in block and "約0分" not in page  # a range, in natural figures
    r = client.get("/congestion?lang=en")
    assert '<html lang="en">' in r.text and "Citizens Division" in r.text and "Counters 5, 6" in r.text
    assert "Counter 11" in r.text and "Counters 11" not in r.text  # one counter: singular
    assert client.get("/congestion").text.count("Citizens Division") == 1  # the cookie remembers
    assert "窓口の混雑状況" in client.get("/congestion?lang=ja").text


def test_phone_language_is_the_default(client):
    page = client.get("/", headers={"Accept-Language": "vi,en;q=0.8"}).text
    assert '<html lang="vi">' in page and "Tình trạng chờ tại các quầy" in page
    assert '<html lang="pt">' in client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"}).text
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr-FR,fr"}).text
    assert '<html lang="ja">' in client.get("/", headers={"Accept-Language": "ja-JP,ja"}).text


def test_open_data_matches_the_congestion_page(client, service):
    issue(service, "kokuho_kanyu")
    counter_command(service, "open_counter", "c09")
    r = client.get("/api/congestion")
    assert r.headers["access-control-allow-origin"] == "*"
    data = r.json()
    kokuho = next(d for d in data["departments"] if d["department"] == "kokuho")
    assert kokuho["waiting"] == 1 and kokuho["counters_open"] == 1
    assert kokuho["name_en"] == "National Health Insurance Division"
    expected = service.read(lambda e, now: e.congestion("kokuho", now))
    assert kokuho["level"] == expected.level


def test_visit_page_follows_the_visit(client, service):
    first = issue(service, "tennyu", "kokuho_kanyu")
    second = issue(service, "tennyu")
    counter_command(service, "open_counter", "c01")
    page = client.get(f"/v/{second['token']}").text
    assert f'data-number="{second["number"]}"' in page
    assert "順番をお待ちください" in page and '<dd class="ahead"><b>1</b>' in page
    assert page.count('class="step mark-todo"') == 1
    counter_command(service, "call_next", "c01")
    page = client.get(f"/v/{first['token']}").text
    assert "お呼びしています" in page and "1番窓口" in page and "みどり" in page
    counter_command(service, "finish", "c01")
    r = client.get(f"/api/v/{first['token']}?lang=en")
    data = r.json()
    assert data["number"] == first["number"] and data["department"] == "kokuho"
    assert [s["mark"] for s in data["steps"]] == ["done", "todo"]
    page = client.get(f"/v/{first['token']}?lang=en").text
    assert "National Health Insurance Division" in page and "Counters 9, 10" in page
    assert '<small>1 / 2</small>' in page


def test_kind2_procedures_read_accepted_once_finished(client, service):
    ticket = issue(service, "tennyu", "jido_teate")  # child allowance: accepted on behalf
    counter_command(service, "open_counter", "c01")
    counter_command(service, "call_next", "c01")
    counter_command(service, "finish", "c01")  # the next procedure stays at this counter
    counter_command(service, "finish", "c01")
    data = client.get(f"/api/v/{ticket['token']}").json()
    assert data["state"] == "done"
    assert [(s["procedure"], s["mark_ja"]) for s in data["steps"]] == [
        ("tennyu", "済"), ("jido_teate", "受付済")]
    assert "すべての手続きが終わりました" in client.get(f"/v/{ticket['token']}").text


def test_visit_pages_cannot_be_reached_by_number(client, service):
    ticket = issue(service, "juminhyo")
    for path in (f"/v/{ticket['number']}", "/v/AAAAAAAAAAAAAAAAAAAAAA",
                 f"/v/{ticket['token'][:-1]}", "/v/..%2F..%2Fetc", "/v/" + "x" * 300):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "ページが見つかりません" in r.text and "Traceback" not in r.text
    r = client.get("/api/v/AAAAAAAAAAAAAAAAAAAAAA")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_visit_pages_do_not_leak_the_token(client, service):
    ticket = issue(service, "juminhyo")
    r = client.get(f"/v/{ticket['token']}")
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in r.headers["x-robots-tag"]


def test_unknown_pages_and_failures_get_a_friendly_page(app, service, monkeypatch):
    client = TestClient(app, raise_server_exceptions=False)  # as a browser sees it
    r = client.get("/no/such/page?lang=en")
    assert r.status_code == 404 and "Page not found" in r.text

    def broken(fn):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(service, "read", broken)
    r = client.get("/congestion?lang=ja")
    assert r.status_code == 500
    assert "ただいま表示できません" in r.text
    assert "fire" not in r.text and "Traceback" not in r.text
    r = client.get("/api/congestion")
    assert r.status_code == 500 and r.json() == {"error": "unavailable"}


def test_fragments_are_bare_html_for_live_updates(client, service):
    ticket = issue(service, "juminhyo")
    frag = client.get(f"/v/{ticket['token']}?fragment=1").text
    assert "<html" not in frag and f'data-number="{ticket["number"]}"' in frag
    assert "<html" not in client.get("/congestion?fragment=1").text


def test_the_booking_pages_in_portuguese_and_korean(client):
    start = client.get("/booking?lang=pt").text
    assert '<html lang="pt">' in start and "Agendar atendimento" in start
    assert "Mudança para a cidade" in start and "Moving in" not in start  # the life event
    slots = client.get("/booking/slots?purpose=le-tennyu").text  # the cookie keeps pt
    assert "Certificado de mudança (Tenshutsu shōmeisho)" in slots  # bring_pt
    assert "Escolha o dia" in slots and "Moving-out certificate" not in slots
    korean = client.get("/booking/slots?purpose=le-tennyu&lang=ko").text
    assert "전출 증명서" in korean and "날짜를 선택하세요" in korean


def test_a_site_file_without_a_chinese_text_shows_the_japanese_marked_on_the_phone(tmp_path):
    import tomllib
    from importlib import resources

    from protocol.site import parse_config
    from queue_service.service import QueueService
    from queue_service.web import create_app

    doc = tomllib.loads(resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8"))
    tennyu = next(p for p in doc["procedures"] if p["id"] == "tennyu")
    del tennyu["name_zh"]
    svc = QueueService(parse_config(doc), tmp_path / "data")
    svc.start()
    try:
        ticket = issue(svc, "tennyu", "kokuho_kanyu")
        with TestClient(create_app(svc)) as c:
            page = c.get(f"/v/{ticket['token']}?lang=zh").text
        assert "迁入申报" not in page and "転入届 (仅有日语)" in page  # Japanese, marked in Chinese
        assert "Moving-in" not in page  # never English slipped in
        assert "加入国民健康保险" in page  # the other procedure keeps its Chinese name
    finally:
        svc.stop()
