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


def write_qr_png(bundle: Bundle, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    bundle_qr(bundle).make_image(fill_color="black", back_color="white").save(path)
    path.chmod(0o600)
    return path
