"""The certificate terminal's presenter: choosing and fees, identifying with the simulated
My Number card (tries counted, warning before the last, locked card, card left on the
reader) or by hand, and submitting to the real queue service over a real Mosquitto."""

from __future__ import annotations

import json
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from demo.processes import wait_retained
from kiosk import floormap
from kiosk.certterm import CARD_LEFT_SECONDS, CertTermError, CertTermPresenter
from kiosk.mynacard import SimulatedCard, SimulatedReader
from protocol import topics
from protocol.client import ServiceClient
from queue_service.applications import ApplicationStore, load_or_create_key


def terminal(config, reader=None, client=None, printer=None) -> CertTermPresenter:
    return CertTermPresenter(config, reader, client, "center",
                             floormap.resolve_here(config, "cert_terminal"), printer=printer)


def chosen(p: CertTermPresenter) -> CertTermPresenter:
    p.set_copies("juminhyo", 2)
    p.set_copies("shotoku", 1)
    p.set_purpose("shotoku", "金融機関・ローン")
    p.to_identify()
    return p


def test_fee_comes_from_the_site_fee_table(config):
    p = terminal(config)
    assert {c.id for c in p.certificates()} >= {"juminhyo", "inkan_shomei", "shotoku", "koseki"}
    with pytest.raises(CertTermError) as nothing:
        p.to_identify()
    assert nothing.value.key == "choose_one"
    p.set_copies("juminhyo", 2)  # 300 yen each
    p.set_copies("koseki", 1)  # 450 yen
    assert p.total_fee() == 2 * 300 + 450
    p.set_copies("koseki", 0)
    p.set_copies("juminhyo", 99)
    assert p.choices["juminhyo"].copies == 10 and p.total_fee() == 3000
    with pytest.raises(ValueError):
        p.set_purpose("juminhyo", "秘密の用途")


def test_card_identification_with_the_right_pin(config, reader, citizen):
    p = chosen(terminal(config, reader))
    assert p.start_card() == 3 and p.step == "pin"
    assert p.pin_warning() == ""
    applicant = p.enter_pin("1234", now=10.0)
    assert (applicant.name, applicant.address, applicant.birth_date, applicant.sex) == (
        citizen["name"], citizen["address"], "1980-04-01", "female")
    assert p.step == "confirm" and p.identified_by == "mynumber_card"


def test_wrong_pins_warn_before_the_last_try_then_lock(config, card, reader):
    p = chosen(terminal(config, reader))
    p.start_card()
    with pytest.raises(CertTermError) as first:
        p.enter_pin("0000", now=1.0)
    assert first.value.key == "pin_wrong" and p.tries_left == 2
    assert "あと2回" in p.pin_warning()
    with pytest.raises(CertTermError) as second:
        p.enter_pin("1111", now=2.0)
    assert second.value.key == "pin_last_try" and p.tries_left == 1
    assert "次にまちがえるとカードがロックされます" in p.pin_warning()
    with pytest.raises(CertTermError) as third:
        p.enter_pin("2222", now=3.0)
    assert third.value.key == "card_locked" and card.tries == 0
    assert "ロックされています" in p.pin_warning()


def test_a_locked_card_is_told_at_once_and_manual_entry_stays_open(config, citizen):
    locked = SimulatedReader(SimulatedCard(citizen["name"], citizen["address"], "19800401",
                                           tries=0))
    p = chosen(terminal(config, locked))
    with pytest.raises(CertTermError) as exc:
        p.start_card()
    assert exc.value.key == "card_locked"
    p.go_to("manual")
    assert p.step == "manual"


def test_a_typo_in_the_pin_spends_no_try(config, card, reader):
    p = chosen(terminal(config, reader))
    p.start_card()
    with pytest.raises(CertTermError):
        p.enter_pin("12", now=1.0)
    assert card.tries == 3


def test_card_taken_away_during_the_pin_goes_back_to_place_the_card(config, reader):
    p = chosen(terminal(config, reader))
    p.start_card()
    reader.take()
    with pytest.raises(CertTermError) as exc:
        p.enter_pin("1234", now=1.0)
    assert exc.value.key == "place_card" and p.step == "identify"


def test_a_card_left_on_the_reader_is_noticed(config, reader):
    p = chosen(terminal(config, reader))
    p.start_card()
    p.enter_pin("1234", now=100.0)
    assert not p.card_left(100.0 + CARD_LEFT_SECONDS - 1)
    assert p.card_left(100.0 + CARD_LEFT_SECONDS)
    p.reset()  # the next citizen's start screen still asks to take it
    assert p.card_left(100.0 + CARD_LEFT_SECONDS + 1)
    reader.take()
    assert not p.card_left(200.0)


def test_manual_entry_checks_each_field_and_keeps_nothing_wrong(config):
    p = chosen(terminal(config))
    p.go_to("manual")
    with pytest.raises(CertTermError) as missing:
        p.enter_manual("伊勢崎 太郎", "", "", "1975-12-01", "male")
    assert missing.value.text("ja") == "住所を入力してください"
    for bad in ("1975-13-01", "昭和64年2月1日", "12-01-1975"):
        with pytest.raises(CertTermError) as wrong:
            p.enter_manual("伊勢崎 太郎", "", "伊勢崎市", bad, "male")
        assert "生年月日" in wrong.value.text("ja")
    assert p.applicant is None and p.step == "manual"
    a = p.enter_manual(" 伊勢崎 太郎 ", "イセサキ タロウ", "伊勢崎市今泉町", "昭和50年12月1日", "male")
    assert a.name == "伊勢崎 太郎" and p.identified_by == "manual" and p.step == "confirm"
    assert a.birth_date == "1975-12-01"  # 和暦 as typed, stored as the date it is


def test_a_new_fee_table_applies_from_the_next_citizen(config):
    import dataclasses

    p = terminal(config)
    p.set_copies("juminhyo", 1)
    dearer = dataclasses.replace(config, procedures={
        **config.procedures, "juminhyo": dataclasses.replace(config.procedures["juminhyo"], fee_yen=350)})
    p.use_config(dearer)
    assert p.total_fee() == 300  # this citizen keeps the fee they were shown
    p.reset()
    p.set_copies("juminhyo", 1)
    assert p.total_fee() == 350


def test_idle_forgets_choices_too_and_sooner_once_done(config):
    p = terminal(config)
    p.touched(0.0)
    assert not p.is_idle(10_000.0)  # nothing to forget at the start
    p.set_copies("juminhyo", 1)
    assert not p.is_idle(p.idle_seconds - 1) and p.is_idle(p.idle_seconds)
    p.step = "done"
    assert p.is_idle(30.0)


def test_reset_forgets_the_citizen(config, reader):
    p = chosen(terminal(config, reader))
    p.start_card()
    p.enter_pin("1234", now=1.0)
    p.reset()
    assert p.applicant is None and p.identified_by is None and p.total_fee() == 0
    assert p.step == "choose" and p.lang == "ja"


def test_without_the_service_the_citizen_is_told_and_nothing_is_lost(config, reader, broker):
    client = ServiceClient("isesaki", "certterm-1", broker.host, broker.port)
    client.start()
    try:
        p = chosen(terminal(config, reader, client))
        p.start_card()
        p.enter_pin("1234", now=1.0)
        p.request_timeout = 1.0  # no queue service on this broker: nobody answers
        with pytest.raises(CertTermError) as exc:
            p.submit(now=2.0)
        assert exc.value.key == "service_down"
        assert p.step == "confirm" and p.applicant is not None and p.total_fee() == 900
    finally:
        client.stop()


class Recorder:
    """Every message the broker routes, to check where personal data goes."""

    def __init__(self, broker):
        self.messages: list[tuple[str, bytes, bool]] = []
        self.ready = threading.Event()
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.c.on_connect = lambda c, *a: c.subscribe("#", qos=1)
        self.c.on_subscribe = lambda *a: self.ready.set()
        self.c.on_message = lambda c, u, m: self.messages.append((m.topic, m.payload, m.retain))
        self.c.connect(broker.host, broker.port)
        self.c.loop_start()
        assert self.ready.wait(5), "no SUBACK"

    def wait_for(self, topic: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(t == topic for t, _, _ in list(self.messages)):
            assert time.monotonic() < deadline, f"nothing on {topic}"
            time.sleep(0.02)

    def stop(self):
        self.c.disconnect()
        self.c.loop_stop()


def test_submit_issues_a_ticket_and_attaches_the_application(config, reader, queue_service,
                                                             citizen):
    from escpos.printer import Dummy

    recorder = Recorder(queue_service.broker)
    client = ServiceClient(queue_service.site, "certterm-1", queue_service.broker.host,
                           queue_service.broker.port)
    client.start()
    try:
        printer = Dummy()
        p = chosen(terminal(config, reader, client, printer))
        p.start_card()
        p.enter_pin("1234", now=1.0)
        receipt = p.submit(now=time.time())
        assert receipt.number >= 1 and receipt.fee_yen == 900
        assert receipt.place == "5・6番窓口(市民課)"  # 住民票 first: the Citizens division
        assert p.step == "done"
        assert printer.output.count(b"\x1dv0") >= 2  # ticket and application, as images
        p.step = "confirm"  # as if the answer had been lost: the retry reuses the request ids
        assert p.submit(now=time.time()).number == receipt.number
    finally:
        client.stop()
    recorder.wait_for(topics.visit(queue_service.site, receipt.number))  # statuses went out
    recorder.stop()

    # The counter console reads the application from the service's encrypted store.
    store = ApplicationStore(queue_service.data_dir / "applications.db",
                             load_or_create_key(queue_service.data_dir / "applications.key"))
    try:
        status = wait_retained(queue_service.broker, topics.visit(queue_service.site, receipt.number),
                               lambda p: bool(p), timeout=10)
        saved = store.get(json.loads(status)["day"], receipt.number)
    finally:
        store.close()
    assert saved["applicant"]["name"] == citizen["name"] and saved["identified_by"] == "mynumber_card"
    assert [c["procedure"] for c in saved["certificates"]] == ["juminhyo", "shotoku"]

    # Personal data crosses the broker only sealed for the service: never in clear.
    secrets = [citizen["name"].encode(), citizen["address"].encode(), b"1980-04-01"]
    attach = topics.request(queue_service.site, "certterm-1", "attach_application")
    assert any(topic == attach for topic, _, _ in recorder.messages)
    carrying = {topic for topic, payload, _ in recorder.messages
                if any(s in payload for s in secrets)}
    assert carrying == set()
    assert all(s not in topic.encode() for topic, _, _ in recorder.messages for s in secrets)
    retained = Recorder(queue_service.broker)  # everything the broker keeps, after the flow
    time.sleep(1.0)
    retained.stop()
    assert retained.messages and all(retain for _, _, retain in retained.messages)
    assert not any(s in payload for _, payload, _ in retained.messages for s in secrets)
    for path in queue_service.data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(s in content for s in secrets), f"personal data in clear in {path.name}"


def test_steps_cannot_be_skipped_by_a_stale_touch(config, reader):
    p = terminal(config, reader)
    for action in (lambda: p.start_card(), lambda: p.enter_pin("1234", now=1.0),
                   lambda: p.enter_manual("a", "", "b", "2000-01-01", "male"),
                   lambda: p.submit(now=1.0)):
        with pytest.raises(CertTermError) as exc:
            action()
        assert exc.value.key == "choose_one"
    assert p.step == "choose" and p.applicant is None
