"""What the kiosks print: the one-sheet certificate application compared with a reference
image, the ticket, the guidance list, and the printer bytes (raster images, never the
printer's text mode, which would encode Japanese as GB18030)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageChops

from kiosk import printout
from kiosk.guide import GuidePresenter
from protocol.messages import Applicant

from ..phrase_lines import JAPANESE, line_faults, recording_wrap

REFERENCE = Path(__file__).parent / "reference"
ISSUED_AT = 1774746000.0  # 2026-03-29 10:00 in Tokyo: a late-March peak day


def sheet(config):
    applicant = Applicant(name="伊勢崎 花子", name_kana="イセサキ ハナコ",
                          address="群馬県伊勢崎市今泉町二丁目410番地 市役所前マンション305号",
                          birth_date="1980-04-01", sex="female")
    lines = [printout.SheetLine("住民票の写し", 2, "勤務先へ提出", 600),
             printout.SheetLine("所得・課税証明書", 1, "金融機関・ローン", 300),
             printout.SheetLine("戸籍謄本・抄本", 1, "その他", 450)]
    return printout.render_application(config, applicant, "mynumber_card", lines, 123, ISSUED_AT)


def differing_share(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda v: 255 if v > 64 else 0)
    return sum(1 for v in diff.getdata() if v) / (a.width * a.height)


def test_application_sheet_matches_the_reference(config, tmp_path):
    img = sheet(config)
    ref_path = REFERENCE / "application.png"
    if os.environ.get("KIOSK_UPDATE_REFERENCE"):
        img.save(ref_path)
    reference = Image.open(ref_path)
    img.save(tmp_path / "application.png")  # kept by pytest for a look when this fails
    assert img.size == reference.size, f"size {img.size} != reference {reference.size}"
    assert differing_share(img, reference) < 0.005


def test_application_sheet_differs_when_a_field_differs(config):
    """The comparison above can fail: one changed fee row is well past the tolerance."""
    applicant = Applicant(name="伊勢崎 花子", name_kana="イセサキ ハナコ",
                          address="群馬県伊勢崎市今泉町二丁目410番地 市役所前マンション305号",
                          birth_date="1980-04-01", sex="female")
    lines = [printout.SheetLine("住民票の写し", 3, "勤務先へ提出", 900),
             printout.SheetLine("所得・課税証明書", 1, "金融機関・ローン", 300),
             printout.SheetLine("戸籍謄本・抄本", 1, "その他", 450)]
    other = printout.render_application(config, applicant, "mynumber_card", lines, 123, ISSUED_AT)
    reference = Image.open(REFERENCE / "application.png")
    assert other.size != reference.size or differing_share(other, reference) > 0.0005


def test_one_row_per_certificate_grows_the_sheet(config):
    base = sheet(config)
    applicant = Applicant(name="A", address="B", birth_date="2000-01-01")
    one = printout.render_application(config, applicant, "manual",
                                      [printout.SheetLine("住民票の写し", 1, "", 300)], 5, ISSUED_AT)
    assert one.width == base.width == printout.RECEIPT_WIDTH
    assert one.height < base.height


@pytest.mark.parametrize("iso, text", [
    ("1980-04-01", "1980年4月1日(昭和55年)"), ("1989-01-08", "1989年1月8日(平成元年)"),
    ("2019-05-01", "2019年5月1日(令和元年)"), ("1926-12-24", "1926年12月24日(大正15年)"),
])
def test_birth_dates_carry_the_japanese_era(iso, text):
    assert printout.japanese_date(iso) == text


def test_printing_sends_raster_images_and_no_text(config):
    printer = Dummy()
    ticket = printout.render_ticket(config, 123, "7・8番窓口(証明窓口)", config.counters["c07"],
                                    "ja", ISSUED_AT)
    printout.print_images(printer, [ticket, sheet(config)])
    data = printer.output
    assert data.count(b"\x1dv0") >= 2  # GS v 0: raster bit image
    assert data.count(b"\x1dV") == 2  # one cut after each
    for text in ("伊勢崎", "住民票"):
        for encoding in ("gb18030", "utf-8", "shift_jis"):
            assert text.encode(encoding) not in data


def test_ticket_carries_a_qr_code_to_the_live_status_page(config):
    plain = printout.render_ticket(config, 42, "7・8番窓口(証明窓口)", config.counters["c07"], "ja",
                                   ISSUED_AT)
    with_code = printout.render_ticket(config, 42, "7・8番窓口(証明窓口)", config.counters["c07"],
                                       "ja", ISSUED_AT, token="abcDEF123_-xyz")
    assert with_code.width == plain.width == printout.RECEIPT_WIDTH
    assert with_code.height > plain.height + 150  # the code and its caption
    assert with_code.crop((0, 0, plain.width, plain.height - 20)).tobytes() == \
        plain.crop((0, 0, plain.width, plain.height - 20)).tobytes()  # same ticket above it


def test_guidance_list_prints_every_step(config, live, east):
    guide = GuidePresenter(live, east)
    short = printout.render_guidance(config, "出生", guide.guidance_list(["shussei"]), "ja")
    full = printout.render_guidance(config, "出生", guide.guidance_list(
        ["shussei", "jido_teate", "kodomo_iryo", "kokuho_kanyu", "hoikusho"]), "ja")
    assert full.width == short.width == printout.RECEIPT_WIDTH
    assert full.height > short.height * 2


def test_a_printed_guidance_list_breaks_between_phrases(config, live, east, monkeypatch):
    printed = recording_wrap(printout, monkeypatch)
    guide = GuidePresenter(live, east)
    printout.render_guidance(config, "転入", guide.guidance_list(
        ["tennyu", "jido_teate", "kodomo_iryo", "kokuho_kanyu", "hoikusho"]), "ja", width=384)
    assert any(len(lines) > 1 and JAPANESE.search(text) for text, lines, _ in printed)
    for text, lines, too_wide in printed:
        assert not line_faults(text, lines, too_wide), (text, lines)
