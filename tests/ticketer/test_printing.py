"""Printing: status bytes like a real printer, the bytes sent, the picture they make."""

import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from ticketer.printer import TicketPrinter, decode_status
from ticketer.render import ticket_image, ticket_parts
from ticketer.sim_printer import SimulatedPrinter

from ..phrase_lines import JAPANESE, line_faults, recording_wrap
from . import escpos_decode
from .samples import offline_sample, online_sample

REFERENCE = Path(__file__).parent / "reference"
UPDATE = bool(os.environ.get("TICKETER_UPDATE_REFERENCES"))


def differs(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ (1.0 if the sizes differ)."""
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    return sum(diff.histogram()[1:]) / (a.width * a.height)


def compare_with_reference(img: Image.Image, name: str) -> None:
    path = REFERENCE / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        img.save(path, optimize=True)
    assert path.exists(), f"missing reference {path}: run with TICKETER_UPDATE_REFERENCES=1"
    assert differs(img, Image.open(path)) < 0.003, f"{name} no longer looks like the reference"


@pytest.mark.parametrize("setup, expected", [
    (lambda p: None, "ok"),
    (lambda p: setattr(p, "paper", "low"), "paper_low"),
    (lambda p: setattr(p, "paper", "out"), "paper_out"),
    (lambda p: setattr(p, "cover_open", True), "cover_open"),
    (lambda p: setattr(p, "connected", False), "offline"),
])
def test_state_read_from_the_real_time_status_bytes(sim, printer, setup, expected):
    setup(sim)
    assert printer.status() == expected


def test_status_bytes_decode_like_the_esc_pos_reference():
    assert decode_status(b"\x12", None, b"\x12") == "ok"
    assert decode_status(b"\x12", None, b"\x1e") == "paper_low"
    assert decode_status(b"\x1a", b"\x72", b"\x7e") == "paper_out"
    assert decode_status(b"\x1a", b"\x16", b"\x12") == "cover_open"
    assert decode_status(b"", None, b"") == "offline"


def test_ticket_bytes_print_the_reference_picture_and_a_native_qr(site, sim, printer):
    ticket = online_sample(site)
    assert printer.print_ticket(ticket) == "ok"
    printed = escpos_decode.decode(sim.output)
    assert printed.order == ["image", "qr", "image", "feed", "cut"]
    assert printed.align[0] == 1  # centred
    assert printed.qr == [ticket["url"].encode()]
    assert ticket["url"] == "http://localhost:8080/v/Xq3v9TtJ2bL0c8Yw"
    top, bottom = ticket_parts(ticket, printer.width_px)
    assert differs(printed.images[0], top) == 0 and differs(printed.images[1], bottom) == 0
    # Japanese only as pixels: no text encoding of it anywhere in the stream
    for word in ("総合窓口", "番号"):
        for codec in ("gb18030", "utf-8", "shift_jis", "euc_jp"):
            assert word.encode(codec) not in sim.output
    compare_with_reference(escpos_decode.stack(printed.images), "ticket_online_parts.png")


def test_whole_ticket_image_matches_the_reference(site):
    img = ticket_image(online_sample(site), 512)
    compare_with_reference(img, "ticket_online.png")
    compare_with_reference(ticket_image(offline_sample(site), 512), "ticket_offline.png")
    if UPDATE:
        docs = Path(__file__).resolve().parents[2] / "docs" / "ticketer"
        docs.mkdir(parents=True, exist_ok=True)
        img.save(docs / "ticket.png", optimize=True)
        ticket_image(offline_sample(site), 512).save(docs / "ticket_offline.png", optimize=True)


def test_printer_without_qr_support_gets_the_code_inside_the_image(site):
    sim = SimulatedPrinter(profile="POS-5890")  # 58 mm, no native QR
    printer = TicketPrinter(lambda: sim)
    ticket = online_sample(site)
    assert printer.print_ticket(ticket) == "ok"
    printed = escpos_decode.decode(sim.output)
    assert printed.qr == [] and printed.cuts == 0 and printed.order[-1] == "feed"  # no cutter
    assert printer.width_px == 384
    assert differs(escpos_decode.stack(printed.images), ticket_image(ticket, 384)) == 0


@pytest.mark.parametrize("problem", ["paper_out", "cover_open", "offline"])
def test_nothing_is_sent_to_a_printer_that_is_not_ready(site, sim, printer, problem):
    {"paper_out": lambda: setattr(sim, "paper", "out"),
     "cover_open": lambda: setattr(sim, "cover_open", True),
     "offline": lambda: setattr(sim, "connected", False)}[problem]()
    assert printer.print_ticket(online_sample(site)) == problem
    assert escpos_decode.decode(sim.output).cuts == 0


def test_paper_running_out_on_a_ticket_makes_it_a_failed_print(site):
    sim = SimulatedPrinter(tickets_left=2, near_end_at=1)
    printer = TicketPrinter(lambda: sim)
    ticket = online_sample(site)
    assert printer.print_ticket(ticket) == "paper_low"  # printed; the roll is nearly done
    assert printer.print_ticket(ticket) == "paper_out"  # ran out on this one: reprint it
    sim.load_paper()
    assert printer.print_ticket(ticket) == "ok"


def ink_runs(img: Image.Image) -> list[tuple[int, int]]:
    """(first, last) rows of each band of rows with ink, top to bottom."""
    grey = img.convert("L")
    rows = [min(grey.crop((0, y, grey.width, y + 1)).getdata()) < 128 for y in range(grey.height)]
    runs, start = [], None
    for y, ink in enumerate(rows + [False]):
        if ink and start is None:
            start = y
        elif not ink and start is not None:
            runs.append((start, y - 1))
            start = None
    return runs


@pytest.mark.parametrize("width", [384, 512, 576])
@pytest.mark.parametrize("sample", [online_sample, offline_sample])
def test_the_number_label_stands_clear_of_the_big_digits(site, sample, width):
    top, _ = ticket_parts(sample(site), width)
    runs = ink_runs(top)
    digits = max(range(len(runs)), key=lambda i: runs[i][1] - runs[i][0])
    label, number = runs[digits - 1], runs[digits]
    assert label[1] - label[0] < 40  # 「受付番号 Your number」 alone, not merged into the digits
    assert number[0] - label[1] >= 4


def test_printed_japanese_breaks_between_phrases(site, monkeypatch):
    """A ticket's lines as drawn on the narrow 58 mm paper (384 dots): broken between
    phrases (「お越しくださ/い」 never), no ・ or 。 at a line start."""
    from ticketer import render

    printed = recording_wrap(render, monkeypatch)
    ticket_image(online_sample(site), 384)
    assert any(len(lines) > 1 and JAPANESE.search(text) for text, lines, _ in printed)
    for text, lines, too_wide in printed:
        assert not line_faults(text, lines, too_wide), (text, lines)
