"""What the kiosks print, rendered as images (Japanese never goes through the printer
library's text mode, which encodes kanji as GB18030): the certificate application sheet,
the queue ticket for the certificate counter, and the floor guide's guidance list.

Paper: the 80 mm receipt printer both kiosks already carry (576 dots wide). One printer
means the ticket and the application come out together and there is one device less to
look after; the application is one strip with one row per certificate and a signature
box, which the counter keeps with the issued certificates. The renderers take the width,
so a city that wants A4 for its records can print the same image on an office printer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from firmware.printing import pil_font, qr_image, wrap
from protocol.messages import Applicant
from protocol.site import Counter, SiteConfig

from . import i18n
from .wareki import japanese_date

RECEIPT_WIDTH = 576
MARGIN = 16
SEX_JA = {"male": "男", "female": "女", "unknown": "記載なし"}
IDENTIFIED_JA = {"mynumber_card": "マイナンバーカード(券面事項入力補助APで読み取り)",
                 "manual": "手入力(窓口で本人確認書類を確認してください)"}

@dataclass(frozen=True)
class SheetLine:
    name_ja: str
    copies: int
    purpose: str
    fee_yen: int  # for all copies


def _local(config: SiteConfig, at: float | None) -> datetime:
    """The city hall's wall-clock time (the kiosk's own time zone may differ)."""
    return datetime.fromtimestamp(time.time() if at is None else at, ZoneInfo(config.timezone))


class _Canvas:
    """Draws top to bottom on a white strip of fixed width, growing as needed."""

    def __init__(self, width: int):
        self.width = width
        self.img = Image.new("L", (width, 4000), 255)
        self.d = ImageDraw.Draw(self.img)
        self.y = MARGIN

    def text(self, text: str, size: int, bold: bool = False, align: str = "left",
             x: int = MARGIN, width: int | None = None, gap: int = 4) -> None:
        width = width or self.width - x - MARGIN
        for line in wrap(text, size, width, bold):
            font = pil_font(size, bold)
            if align == "center":
                self.d.text((self.width // 2, self.y), line, font=font, fill=0, anchor="ma")
            else:
                self.d.text((x, self.y), line, font=font, fill=0)
            self.y += int(size * 1.3) + gap

    def rule(self, thickness: int = 2, gap: int = 8) -> None:
        self.y += gap
        self.d.rectangle((MARGIN, self.y, self.width - MARGIN, self.y + thickness - 1), fill=0)
        self.y += thickness + gap

    def space(self, h: int) -> None:
        self.y += h

    def done(self) -> Image.Image:
        return self.img.crop((0, 0, self.width, self.y + MARGIN)).convert("1", dither=Image.NONE)


def render_application(config: SiteConfig, applicant: Applicant, identified_by: str,
                       lines: Sequence[SheetLine], number: int, issued_at: float | None = None,
                       width: int = RECEIPT_WIDTH) -> Image.Image:
    """The 書かない application: every field pre-filled, one row per certificate, the total
    fee, and a box where the citizen signs once for all the certificates."""
    when = _local(config, issued_at)
    c = _Canvas(width)
    c.text("証明書交付申請書", 40, bold=True, align="center")
    c.text(f"{config.name_ja}  {when:%Y年%m月%d日 %H:%M}", 20, align="center")
    c.text(f"受付番号 {number}", 30, bold=True, align="center")
    c.rule(3)
    label_w = 130
    for label, value in (("氏名", applicant.name), ("フリガナ", applicant.name_kana or "—"),
                         ("住所", applicant.address),
                         ("生年月日", japanese_date(applicant.birth_date)),
                         ("性別", SEX_JA[applicant.sex]),
                         ("本人確認", IDENTIFIED_JA[identified_by])):
        top = c.y
        c.d.text((MARGIN, top), label, font=pil_font(22, bold=True), fill=0)
        c.text(value, 24 if label == "氏名" else 22, bold=label == "氏名", x=MARGIN + label_w)
        c.d.line((MARGIN, c.y, width - MARGIN, c.y), fill=160, width=1)
        c.space(6)
    c.rule(3)
    cols = (MARGIN, MARGIN + 215, MARGIN + 272, width - MARGIN - 96)  # name, copies, purpose, fee
    header = ("証明書", "通数", "使いみち", "手数料")
    for x, h in zip(cols, header):
        c.d.text((x, c.y), h, font=pil_font(20, bold=True), fill=0)
    c.space(30)
    c.d.line((MARGIN, c.y, width - MARGIN, c.y), fill=0, width=2)
    c.space(8)
    for line in lines:
        top = c.y
        c.d.text((cols[1] + 10, top), f"{line.copies}", font=pil_font(24, bold=True), fill=0)
        c.d.text((width - MARGIN, top), f"{line.fee_yen:,}円", font=pil_font(22), fill=0,
                 anchor="ra")
        purpose_lines = wrap(line.purpose or "—", 20, cols[3] - cols[2] - 8)
        for i, pl in enumerate(purpose_lines):
            c.d.text((cols[2], top + i * 26), pl, font=pil_font(20), fill=0)
        c.text(line.name_ja, 22, bold=True, width=cols[1] - cols[0] - 8)
        c.y = max(c.y, top + len(purpose_lines) * 26 + 4)
        c.d.line((MARGIN, c.y, width - MARGIN, c.y), fill=160, width=1)
        c.space(8)
    total = sum(line.fee_yen for line in lines)
    copies = sum(line.copies for line in lines)
    c.d.text((MARGIN, c.y), f"合計 {copies}通", font=pil_font(26, bold=True), fill=0)
    c.d.text((width - MARGIN, c.y), f"{total:,}円", font=pil_font(30, bold=True), fill=0, anchor="ra")
    c.space(44)
    c.rule(3)
    c.text("上記のとおり申請します。署名(ご本人が自署してください)", 20)
    box_top = c.y + 4
    c.d.rectangle((MARGIN, box_top, width - MARGIN, box_top + 130), outline=0, width=3)
    c.d.text((MARGIN + 10, box_top + 8), "署名", font=pil_font(18), fill=0)
    c.y = box_top + 130 + 10
    c.text(f"この申請書は受付番号 {number} の来庁記録と結びついています。窓口で番号をお呼びします。",
           18)
    return c.done()


def render_ticket(config: SiteConfig, number: int, place: str, counter: Counter | None, lang: str,
                  issued_at: float | None = None, token: str = "", mark: str = "",
                  width: int = RECEIPT_WIDTH) -> Image.Image:
    """The queue ticket for the certificate counter and a booking checked in at the guide
    (kept minimal: the ticketer's renderer may replace it). Called by number, never by
    name. `mark`, boxed under the number, says a visit is booked (or came late for it).
    With the visit's token, a QR code opens the visit's live status page on the citizen's
    phone (Tsukuba's idea)."""
    when = _local(config, issued_at)
    c = _Canvas(width)
    c.text(config.name_ja, 22, align="center")
    c.text(i18n.t("your_number", lang), 26, align="center")
    c.space(4)
    c.d.text((width // 2, c.y), str(number), font=pil_font(150, bold=True), fill=0, anchor="ma")
    c.space(185)
    if mark:
        top = c.y
        c.space(8)
        c.text(mark, 28, bold=True, align="center")
        c.d.rectangle((MARGIN, top, width - MARGIN, c.y + 4), outline=0, width=3)
        c.space(14)
    if place:
        c.text(i18n.t("go_to_counter", lang, counter=place), 26, bold=True, align="center")
    if counter is not None:
        c.text(f"({i18n.counter_colour(counter, lang)})", 22, align="center")
    c.text(f"{when:%Y-%m-%d %H:%M}", 20, align="center")
    if token:
        picture = qr_image(f"{config.public_url}/v/{token}")
        c.img.paste(picture, ((width - picture.width) // 2, c.y))
        c.space(picture.height + 4)
        c.text(i18n.t("qr_caption", lang), 20, align="center")
    return c.done()


def render_guidance(config: SiteConfig, title: str, rows: Sequence, lang: str,
                    width: int = RECEIPT_WIDTH) -> Image.Image:
    """The guidance list (案内リスト) on paper: each procedure, where, what to bring."""
    c = _Canvas(width)
    c.text(config.name_ja if lang == "ja" else f"{config.name_ja} / {i18n.name_of(config, lang)}",
           20, align="center")
    c.text(i18n.t("guidance_list", lang), 32, bold=True, align="center")
    c.text(title, 26, align="center")
    c.text(i18n.t("guidance_intro", lang), 20, align="center")
    c.rule(3)
    for i, dest in enumerate(rows, start=1):
        c.text(f"{i}. {dest.name}", 26, bold=True)
        if dest.in_building:
            c.text(f"→ {dest.place}  {dest.floor_name}  ({dest.colour_name})", 22, x=MARGIN + 20)
        else:
            c.text(f"→ {dest.note or i18n.t('not_in_building', lang)}", 22, x=MARGIN + 20)
        if dest.bring:
            c.text(f"{i18n.t('bring', lang)}: " + "、".join(dest.bring) if lang in i18n.JAPANESE
                   else f"{i18n.t('bring', lang)}: " + "; ".join(dest.bring), 20, x=MARGIN + 20)
        c.rule(1, gap=6)
    return c.done()


def print_images(printer, images: Sequence[Image.Image]) -> None:
    """Each image then a cut, in raster mode (python-escpos; `Dummy` in tests)."""
    for img in images:
        printer.image(img, impl="bitImageRaster", center=False)
        printer.cut()
