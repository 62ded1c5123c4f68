"""The My Number card's text-entry-support AP through the reader interface: a simulated
card answering the real APDUs (right PIN, wrong PIN, locked card, card taken away)."""

from __future__ import annotations

import pytest

from kiosk import mynacard
from kiosk.mynacard import (
    CardError,
    CardLocked,
    CardRemoved,
    SimulatedCard,
    SimulatedReader,
    TextApReader,
    WrongPin,
)


class RecordingReader(SimulatedReader):
    """Keeps every command APDU, to check the sequence sent to the card."""

    def __init__(self, card):
        super().__init__(card)
        self.sent: list[bytes] = []

    def transmit(self, apdu):
        self.sent.append(apdu)
        return super().transmit(apdu)


def test_right_pin_reads_the_four_basic_facts(card):
    reader = RecordingReader(card)
    applicant = TextApReader(reader).read("1234")
    assert applicant.name == "伊勢崎 花子"
    assert applicant.address == "群馬県伊勢崎市今泉町二丁目410番地"
    assert applicant.birth_date == "1980-04-01"
    assert applicant.sex == "female"
    assert reader.sent[:4] == [
        bytes.fromhex("00A4040C0AD3921000310001010408"),  # SELECT the AP by its AID
        bytes.fromhex("00A4020C020011"),  # SELECT the PIN EF
        bytes.fromhex("002000800431323334"),  # VERIFY "1234" in ASCII
        bytes.fromhex("00A4020C020002"),  # SELECT the basic-information EF
    ]
    assert all(apdu[:2] == b"\x00\xb0" for apdu in reader.sent[4:])  # READ BINARY


def test_wrong_pins_count_down_then_lock(card, reader):
    ap = TextApReader(reader)
    assert ap.remaining_tries() == 3
    with pytest.raises(WrongPin) as first:
        ap.read("0000")
    assert first.value.remaining == 2
    with pytest.raises(WrongPin) as second:
        ap.read("1111")
    assert second.value.remaining == 1
    assert ap.remaining_tries() == 1  # asking does not spend a try
    with pytest.raises(CardLocked):
        ap.read("2222")
    with pytest.raises(CardLocked):
        ap.read("1234")  # even the right PIN: the card is locked
    assert ap.remaining_tries() == 0


def test_right_pin_restores_the_tries(card, reader):
    ap = TextApReader(reader)
    with pytest.raises(WrongPin):
        ap.read("9999")
    ap.read("1234")
    assert ap.remaining_tries() == 3


def test_a_malformed_pin_spends_no_try(card, reader):
    ap = TextApReader(reader)
    for bad in ("123", "12345", "12a4", ""):
        with pytest.raises(ValueError):
            ap.read(bad)
    assert card.tries == 3


def test_reading_before_verify_is_refused_by_the_card(card):
    card.process(mynacard.select_df(mynacard.TEXT_AP_AID))
    card.process(mynacard.select_ef(mynacard.EF_BASIC_INFO))
    _, sw1, sw2 = card.process(mynacard.read_binary(0, 16))
    assert (sw1, sw2) == (0x69, 0x82)


def test_a_card_taken_away_is_noticed():
    reader = SimulatedReader(None)
    assert not reader.card_present()
    with pytest.raises(CardRemoved):
        TextApReader(reader).read("1234")


def test_a_long_address_is_read_in_several_blocks():
    address = "北海道" + "あ" * 150  # over 255 bytes in UTF-8: two-byte BER length
    card = SimulatedCard("長い 住所", address, "20010203", "1")
    reader = RecordingReader(card)
    applicant = TextApReader(reader).read("1234")
    assert applicant.address == address
    assert applicant.sex == "male"
    assert sum(1 for apdu in reader.sent if apdu[1] == 0xB0) >= 3


def test_another_card_is_not_read():
    class OtherCard(SimulatedCard):
        def process(self, apdu):
            return b"", 0x6A, 0x82  # no such application

    with pytest.raises(CardError, match="SELECT"):
        TextApReader(SimulatedReader(OtherCard("x", "y", "20000101"))).read("1234")


def test_corrupt_basic_information_is_a_clear_error():
    data = mynacard.build_basic_info("名前", "住所", "19800401", "1")
    with pytest.raises(CardError):
        mynacard.parse_basic_info(data[:-3])  # cut inside the last field
    with pytest.raises(CardError, match="YYYYMMDD"):
        mynacard.parse_basic_info(mynacard.build_basic_info("名前", "住所", "S55.4.1", "1"))
