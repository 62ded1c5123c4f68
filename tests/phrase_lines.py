"""What a reader sees of line breaks, checked against protocol.phrases: breaks only
between phrases or Latin words when the piece fits the line, no ・ 、 。 or closing bracket
at a line start, nothing cut or shortened. `line_faults` judges any surface's lines (a
printed ticket's); `bad_breaks` those Kivy laid out for every visible wrapping label."""

from __future__ import annotations

import re
from collections.abc import Callable

from firmware.phrase_label import measure
from protocol.phrases import NO_START, pieces

_TAGS = re.compile(r"\[/?[a-z]+[^\]]*\]")
_SPACE = re.compile(r"\s+")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def plain(markup: str) -> str:
    text = _TAGS.sub("", markup)
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


def said(label) -> str:
    """What the label says, before the line breaks between phrases."""
    text = getattr(label, "source_text", "") or label.text
    return plain(text) if label.markup else text


def shown_lines(label) -> list[str]:
    """The non-empty lines Kivy laid out for `label` (after its wrapping and shortening)."""
    label.texture_update()
    lines = ["".join(word.text for word in line.words) for line in label._label._cached_lines]
    return [line for line in lines if line.strip()]


def line_faults(text: str, lines: list[str], too_wide: Callable[[str], bool]) -> list[str]:
    """Why `lines`, shown for `text`, are wrong for a reader (empty when they are right);
    a piece `too_wide` for any line may be cut anywhere."""
    lines = [line for line in lines if line.strip()]
    if _SPACE.sub("", "".join(lines)) != _SPACE.sub("", text):
        return [f"text cut or missing: {text!r} shown as {lines}"]
    if any("…" in line for line in lines) and "…" not in text:
        return [f"shortened: {lines}"]
    cuts, at = {0}, 0
    for para in text.split("\n"):
        for piece in pieces(para):
            size = len(_SPACE.sub("", piece))
            if too_wide(piece.strip()):
                cuts.update(range(at, at + size))
            at += size
            cuts.add(at)
    out, at = [], 0
    for n, line in enumerate(lines):
        if at not in cuts:
            out.append(f"broken inside a phrase before {line!r}: {lines}")
        if n and line.lstrip()[:1] in NO_START:  # a key of the kana keyboard may be 「ゃ」
            out.append(f"line starts with {line.lstrip()[0]!r}: {lines}")
        at += len(_SPACE.sub("", line))
    return out


def bad_lines(label) -> list[str]:
    """`line_faults` of the lines Kivy laid out for a label."""
    room = (label.text_size[0] or label.width) - 2 * label.padding[0]
    width = measure(label.font_name, label.font_size, bool(label.bold))
    return line_faults(said(label), shown_lines(label), lambda piece: width(piece) > room)


def bad_breaks(root) -> list[str]:
    """`bad_lines` of every visible label under `root` that wraps Japanese."""
    from kivy.uix.label import Label

    out = []
    for w in root.walk():
        if (isinstance(w, Label) and w.text.strip() and w.text_size[0]
                and w.get_root_window() is not None and w.opacity > 0
                and JAPANESE.search(said(w))):
            out += bad_lines(w)
    return out


def recording_wrap(module, monkeypatch) -> list[tuple[str, list[str], Callable[[str], bool]]]:
    """Record every (text, printed lines, too-wide test) of `module`'s firmware.printing
    wrap: what a printout draws, line by line."""
    from firmware.printing import advance

    real = module.wrap
    printed: list[tuple[str, list[str], Callable[[str], bool]]] = []

    def wrap(text: str, size: int, width: float, bold: bool = False) -> list[str]:
        out = real(text, size, width, bold)
        printed.append((text, out, lambda piece: advance(piece, size, bold) > width))
        return out
    monkeypatch.setattr(module, "wrap", wrap)
    return printed
