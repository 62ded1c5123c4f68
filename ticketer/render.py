"""Draw a ticket as black-and-white images for the printer (Japanese as pixels).

The printer library's text mode would encode kanji as GB18030, so every line is drawn
with Pillow and Noto Sans CJK JP. `ticket_parts` gives the part above and below the QR
code, for printers that draw the QR code themselves; `ticket_image` puts a QR code drawn
here between them: for printers without QR support and for the on-screen preview.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from firmware.printing import pil_font as font
from firmware.printing import qr_image, wrap
from protocol.glossary import counters, people
from protocol.waits import wait_text

_WEEKDAYS = "月火水木金土日"
MARGIN = 8


class _Canvas:
    """A tall white strip we draw down; cropped to what was drawn."""

    def __init__(self, width: int):
        self.width = width
        self.img = Image.new("L", (width, 3000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.y = 0

    def text(self, text: str, size: int, *, bold: bool = False, center: bool = False,
             indent: int = 0, invert: bool = False, gap: int = 4) -> None:
        for line in wrap(text, size, self.width - 2 * MARGIN - indent, bold):
            ink = _line_mask(line, size, bold)
            x = (self.width - ink.width) // 2 if center else MARGIN + indent
            h = int(size * 1.25)  # line pitch; descenders may reach into the next line's gap
            if invert:
                self.draw.rectangle((MARGIN, self.y, self.width - MARGIN, self.y + h + 6), fill=0)
            self.img.paste(255 if invert else 0, (x, self.y), mask=ink)
            self.y += h + (6 if invert else 0) + gap

    def number(self, number: int) -> None:
        text = str(number)
        size = 190
        f = font(size, True)
        while self.draw.textlength(text, font=f) > self.width - 2 * MARGIN and size > 60:
            size -= 10
            f = font(size, True)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=f)
        x = (self.width - (right - left)) // 2 - left
        clear = int(0.3 * 22)  # the line above may reach this far into its gap (y, p, g)
        self.draw.text((x, self.y + clear - top + 6), text, font=f, fill=0)
        self.y += clear + bottom - top + 18

    def badge(self, index: int, title: str, size: int = 28) -> None:
        """A filled circle with the stop's order, then the department name."""
        d = size + 8
        self.draw.ellipse((MARGIN, self.y, MARGIN + d, self.y + d), fill=0)
        f = font(size - 6, True)
        self.draw.text((MARGIN + d / 2, self.y + d / 2), str(index), font=f, fill=255, anchor="mm")
        f2 = font(size, True)
        lines = wrap(title, size, self.width - 2 * MARGIN - d - 10, bold=True)
        for i, line in enumerate(lines):
            self.draw.text((MARGIN + d + 10, self.y + d / 2 + i * (size + 8)), line, font=f2,
                           fill=0, anchor="lm")
        self.y += d + (len(lines) - 1) * (size + 8) + 6

    def rule(self, dashed: bool = False) -> None:
        self.y += 6
        if dashed:
            for x in range(MARGIN, self.width - MARGIN, 12):
                self.draw.line((x, self.y, x + 6, self.y), fill=0, width=2)
        else:
            self.draw.line((MARGIN, self.y, self.width - MARGIN, self.y), fill=0, width=3)
        self.y += 10

    def space(self, px: int) -> None:
        self.y += px

    def image(self) -> Image.Image:
        return self.img.crop((0, 0, self.width, self.y + 4)).point(lambda v: 0 if v < 160 else 255, "1")


@lru_cache(maxsize=1024)
def _line_mask(line: str, size: int, bold: bool) -> Image.Image:
    """One line of text as a mask (255 = ink), as wide as the ink, descenders included.
    Cached: most lines (site, departments, procedures, footer) recur on every ticket,
    and drawing CJK glyphs is most of the time a ticket takes."""
    f = font(size, bold)
    left, _, right, _ = f.getbbox(line)
    pitch = int(size * 1.25)
    mask = Image.new("L", (max(right - left, 1), 2 * size), 0)
    ImageDraw.Draw(mask).text((-left, 3 + (pitch - size) // 2), line, font=f, fill=255,
                              anchor="la")
    return mask


def _issued(ticket: dict) -> str:
    t = datetime.fromtimestamp(ticket["issued_at"], ZoneInfo(ticket["timezone"]))
    return f"{t.year}年{t.month}月{t.day}日({_WEEKDAYS[t.weekday()]}) {t.hour}:{t.minute:02d}"


def _colour_words(stop: dict) -> str:
    if not stop["colour_ja"]:
        return ""
    return f"{stop['colour_ja']}({stop['colour_en']})"


def _booking_lines(top: _Canvas, ticket: dict) -> None:
    """A booked ticket: its slot (called when due), or that it came too late for it."""
    slot = datetime.fromtimestamp(ticket["slot_at"], ZoneInfo(ticket["timezone"]))
    hhmm = f"{slot.hour}:{slot.minute:02d}"
    top.space(4)
    if ticket["booked"] == "on_time":
        top.text(f"ご予約 {hhmm}  Booked for {hhmm}", 24, bold=True, center=True, invert=True)
        top.text("予約の時刻になりましたらお呼びします。", 20, center=True, gap=0)
        top.text("You are called when your time is due.", 16, center=True)
    else:
        top.text(f"ご予約 {hhmm}(時刻を過ぎました)", 22, bold=True, center=True, invert=True)
        top.text("予約時刻を過ぎたため、順番にお呼びします。", 20, center=True, gap=0)
        top.text(f"Late for your {hhmm} booking: you are called in turn.", 16, center=True)


def ticket_parts(ticket: dict, width: int) -> tuple[Image.Image, Image.Image]:
    """(above the QR code, below it), each `width` pixels wide, mode "1"."""
    top = _Canvas(width)
    top.text(ticket["site_ja"], 28, bold=True, center=True, gap=0)
    top.text(ticket["site_en"], 18, center=True)
    top.rule()
    top.text("受付番号  Your number", 22, center=True, gap=0)
    top.number(ticket["number"])  # starts below the label's descenders (they overlapped)
    top.text(_issued(ticket), 24, center=True)
    if ticket.get("sample"):
        top.text("テスト印刷  Test print: not a ticket", 22, bold=True, center=True, invert=True)
    if ticket["offline"]:
        top.space(4)
        top.text("オフライン発券  Issued offline", 22, bold=True, center=True, invert=True)
    if ticket.get("booked"):
        _booking_lines(top, ticket)
    top.rule()
    top.text("ご案内の順番  Your route", 24, bold=True)
    top.space(4)
    for i, stop in enumerate(ticket["stops"], 1):
        top.badge(i, stop["dept_ja"])
        where = f"{stop['floor_ja']}  {counters(stop['counters'], 'ja')}  {_colour_words(stop)}"
        top.text(where, 22, bold=True, indent=46, gap=0)
        top.text(f"{stop['dept_en']}, {stop['floor_en']}, {counters(stop['counters'], 'en')}",
                 16, indent=46)
        for name in stop["procedures_ja"]:
            top.text(f"・{name}", 21, indent=46, gap=0)
        top.space(10)
    for g in ticket["guidance"]:
        top.text(f"※ {g['note_ja'] or g['name_ja'] + ': この建物では手続きできません。'}", 19)
        if g["note_en"]:
            top.text(g["note_en"], 15, indent=24)
    top.rule()
    if ticket["ahead"] is not None and ticket.get("booked") != "on_time":  # booked: its time
        top.text(f"最初の窓口でお待ちの方  {people(ticket['ahead'], 'ja')}", 26, bold=True, center=True, gap=0)
        low, high = ticket.get("wait_range") or (None, None)
        if high is None:
            top.text(wait_text(None, None, "ja"), 26, bold=True, center=True, gap=0)
        else:
            top.text(f"待ち時間の目安  {wait_text(low, high, 'ja')}", 26, bold=True, center=True,
                     gap=0)
        top.text(f"{people(ticket['ahead'], 'en')} ahead at your first counter, "
                 f"{wait_text(low, high, 'en')}", 17, center=True)
    top.space(6)

    bottom = _Canvas(width)
    if ticket["offline"]:
        bottom.text("混雑状況はこちら", 20, center=True, gap=0)
        bottom.text("Scan for congestion in the building", 16, center=True)
    else:
        bottom.text("スマートフォンで順番を確認できます。", 20, center=True, gap=0)
        bottom.text("Scan to follow your visit on your phone", 16, center=True)
    bottom.rule(dashed=True)
    bottom.text("番号でお呼びします。", 26, bold=True, center=True, gap=0)
    bottom.text("呼び出しの番号をお聞きください。", 26, bold=True, center=True, gap=0)
    bottom.text("Please listen for your number.", 20, center=True)
    bottom.text("この番号はすべての窓口で使います。", 20, center=True, gap=0)
    bottom.text("Keep this ticket: every counter uses this number.", 16, center=True)
    if len(ticket["stops"]) > 1:
        # flexible routing: the service may send the visit to a quieter department first
        bottom.text("順番は混み具合で変わることがあります。", 20, bold=True, center=True, gap=0)
        bottom.text("呼び出しに従ってください。", 20, bold=True, center=True, gap=0)
        bottom.text("The order may change with the crowds: follow the calls.", 16, center=True)
    return top.image(), bottom.image()


def ticket_image(ticket: dict, width: int) -> Image.Image:
    """The whole ticket in one image, QR code included."""
    top, bottom = ticket_parts(ticket, width)
    code = qr_image(ticket["url"])
    out = Image.new("1", (width, top.height + code.height + bottom.height), 1)
    out.paste(top, (0, 0))
    out.paste(code, ((width - code.width) // 2, top.height))
    out.paste(bottom, (0, top.height + code.height))
    return out
