"""The enrolment bundle as a QR code, for an appliance whose camera or scanner reads it.

The code holds the device's password: show it once, on the enrolment laptop's screen or a
print-out that is shredded after use, and never save it in a shared folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_L

from firmware.bundle import Bundle


class BundleTooLarge(ValueError):
    pass


def bundle_qr(bundle: Bundle) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_L, box_size=4, border=4)
    # Plain ASCII (kanji as \u escapes): scanners guess the text encoding of QR bytes, and
    # zbar reads UTF-8 kanji as Shift_JIS.
    text = json.dumps(bundle.model_dump(exclude_none=True), ensure_ascii=True, separators=(",", ":"))
    qr.add_data(text.encode("ascii"))
    try:
        qr.make(fit=True)
    except qrcode.exceptions.DataOverflowError:
        raise BundleTooLarge(
            f"the bundle of {bundle.device} is too large for a QR code (a client certificate "
            "makes it so): hand it over as a file on a USB stick") from None
    return qr


def caption(bundle: Bundle) -> list[str]:
    """The lines under the code: which device it enrols (a stack of codes looks alike)."""
    lines = [f"{bundle.name or bundle.device}  ({bundle.device}, {bundle.role})"]
    if bundle.location:
        lines.append(bundle.location)
    lines.append(f"site {bundle.site} · 登録用 enrolment · 使用後は破棄 shred after use")
    return lines


def write_qr_png(bundle: Bundle, path: Path) -> Path:
    from PIL import Image, ImageDraw

    from firmware.printing import pil_font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    code = bundle_qr(bundle).make_image(fill_color="black", back_color="white").get_image().convert("L")
    lines, size = caption(bundle), 18
    font = pil_font(size)
    width = max(code.width, *(int(font.getlength(t)) + 24 for t in lines))
    out = Image.new("L", (width, code.height + len(lines) * (size + 8) + 12), 255)
    out.paste(code, ((width - code.width) // 2, 0))
    draw = ImageDraw.Draw(out)
    for i, text in enumerate(lines):
        draw.text((width // 2, code.height + 4 + i * (size + 8)), text, font=font, fill=0, anchor="mt")
    out.save(path)
    path.chmod(0o600)
    return path
