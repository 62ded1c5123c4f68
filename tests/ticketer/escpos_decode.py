"""Read back what an ESC/POS byte stream would print: raster images, QR codes, cuts."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image


@dataclass
class Printed:
    images: list[Image.Image] = field(default_factory=list)
    qr: list[bytes] = field(default_factory=list)
    cuts: int = 0
    align: list[int] = field(default_factory=list)
    order: list[str] = field(default_factory=list)


def decode(data: bytes) -> Printed:
    out = Printed()
    i = 0
    while i < len(data):
        if data[i:i + 3] == b"\x1dv0":  # GS v 0 m xL xH yL yH: raster bit image
            wb = data[i + 4] + 256 * data[i + 5]
            h = data[i + 6] + 256 * data[i + 7]
            raw = data[i + 8:i + 8 + wb * h]
            # ESC/POS: 1 = black; Pillow "1" raw: 0 = black, so invert
            img = Image.frombytes("1", (wb * 8, h), bytes(b ^ 0xFF for b in raw))
            out.images.append(img)
            out.order.append("image")
            i += 8 + wb * h
        elif data[i:i + 3] == b"\x1d(k":  # GS ( k pL pH cn fn ...: 2D code
            n = data[i + 3] + 256 * data[i + 4]
            body = data[i + 5:i + 5 + n]
            if body[:2] == b"1P":  # store data in the symbol area
                out.qr.append(body[3:])
            if body[:2] == b"1Q":
                out.order.append("qr")
            i += 5 + n
        elif data[i:i + 2] == b"\x1dV":
            out.cuts += 1
            out.order.append("cut")
            i += 3
        elif data[i:i + 2] == b"\x1bd":
            out.order.append("feed")
            i += 3
        elif data[i:i + 2] == b"\x1ba":
            out.align.append(data[i + 2])
            i += 3
        else:
            i += 1
    return out


def stack(images: list[Image.Image]) -> Image.Image:
    width = max(im.width for im in images)
    outimg = Image.new("1", (width, sum(im.height for im in images)), 1)
    y = 0
    for im in images:
        outimg.paste(im, (0, y))
        y += im.height
    return outimg
