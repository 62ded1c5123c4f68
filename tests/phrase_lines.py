"""What a reader sees of line breaks on a Kivy screen: the lines Kivy laid out for every
visible wrapping label, checked against protocol.phrases (breaks only between phrases or
Latin words when the piece fits the line; no ・ 、 。 or closing bracket at a line start)."""

from __future__ import annotations

import re

from kivy.uix.label import Label

from firmware.phrase_label import measure
from protocol.phrases import NO_START, pieces

_TAGS = re.compile(r"\[/?[a-z]+[^\]]*\]")
_SPACE = re.compile(r"\s+")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def plain(markup: str) -> str:
    text = _TAGS.sub("", markup)
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")


def said(label: Label) -> str:
    """What the label says, before the line breaks between phrases."""
    text = getattr(label, "source_text", "") or label.text
    return plain(text) if label.markup else text


def shown_lines(label: Label) -> list[str]:
    """The non-empty lines Kivy laid out for `label` (after its wrapping and shortening)."""
    label.texture_update()
    lines = ["".join(word.text for word in line.words) for line in label._label._cached_lines]
    return [line for line in lines if line.strip()]


def bad_lines(label: Label) -> list[str]:
    """Why the label's lines are wrong for a reader (empty when they are right)."""
    text = said(label)
    lines = shown_lines(label)
    squashed = _SPACE.sub("", text)
    if _SPACE.sub("", "".join(lines)) != squashed:
        return [f"text cut or missing: {text!r} shown as {lines}"]
    if any("…" in line for line in lines) and "…" not in text:
        return [f"shortened: {lines}"]
    room = (label.text_size[0] or label.width) - 2 * label.padding[0]
    width = measure(label.font_name, label.font_size, bool(label.bold))
    cuts, at = {0}, 0
    for para in text.split("\n"):
        for piece in pieces(para):
            size = len(_SPACE.sub("", piece))
            if width(piece.strip()) > room:  # too wide for any line: may be cut anywhere
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


def bad_breaks(root) -> list[str]:
    """`bad_lines` of every visible label under `root` that wraps Japanese."""
    out = []
    for w in root.walk():
        if (isinstance(w, Label) and w.text.strip() and w.text_size[0]
                and w.get_root_window() is not None and w.opacity > 0
                and JAPANESE.search(said(w))):
            out += bad_lines(w)
    return out
