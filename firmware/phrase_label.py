"""Kivy labels whose Japanese wraps between phrases (protocol.phrases), not anywhere.

Kivy wraps only at spaces and cuts a run of kanji and kana wherever the line is full
(「ただいまお呼び出しはあり/ません」). `PhraseWrap`, mixed into a Label or Button, keeps
what was assigned in `source_text` and shows it with line breaks between phrases for the
widget's width. Assign `text` as usual, or `say(text)` where the same text is assigned on
every frame (it does nothing when the text did not change). Markup labels wrap too:
`wrap_markup` breaks the plain text and keeps the tags, measuring each paragraph in the
largest size and the font its tags give it.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from itertools import groupby

from protocol.phrases import lines, pieces

_TAG = re.compile(r"\[(/?)([a-z]+)(?:=([^\]]*))?\]|&(bl|br|amp);")
_ENTITIES = {"bl": "[", "br": "]", "amp": "&"}


@lru_cache(maxsize=8192)
def _width(font_name: str, font_size: float, bold: bool, text: str) -> float:
    from kivy.core.text import Label as CoreLabel

    return CoreLabel(font_name=font_name, font_size=font_size, bold=bold).get_extents(text)[0]


def measure(font_name: str, font_size: float, bold: bool = False):
    """The width in pixels of a text in this font (cached)."""
    return partial(_width, font_name, float(font_size), bool(bold))


def _paragraphs(markup: str, font_name: str, font_size: float):
    """The visible text of `markup`, each character's offset in it, and per paragraph its
    (start, end, font, size, width): the largest size its tags give it, in that span's
    font, and its width unbroken as its tags size it."""
    plain: list[str] = []
    where: list[int] = []
    style: list[tuple[str, float]] = []
    fonts, sizes = [font_name], [float(font_size)]
    pos = 0
    for m in _TAG.finditer(markup + "[end]"):
        for i in range(pos, m.start()):
            plain.append(markup[i])
            where.append(i)
            style.append((fonts[-1], sizes[-1]))
        if m.group(4):
            plain.append(_ENTITIES[m.group(4)])
            where.append(m.start())
            style.append((fonts[-1], sizes[-1]))
        elif m.group(2) in ("size", "font"):
            stack = sizes if m.group(2) == "size" else fonts
            if m.group(1):
                if len(stack) > 1:
                    stack.pop()
            else:
                value = m.group(3) or ""
                stack.append(float(value) if stack is sizes else value)
        pos = m.end()
    text = "".join(plain)
    paras, start = [], 0
    for para in text.split("\n"):
        end = start + len(para)
        if para.strip():
            font, size = max(style[start:end], key=lambda fs: fs[1])
            runs = [(len(list(group)), fs) for fs, group in groupby(style[start:end])]
            at, whole = start, 0.0
            for n, (run_font, run_size) in runs:
                whole += measure(run_font, run_size)(text[at:at + n])
                at += n
            paras.append((start, end, font, size, whole))
        start = end + 1
    return text, where, paras


@lru_cache(maxsize=2048)
def wrap_markup(markup: str, width: float, font_name: str, font_size: float,
                bold: bool = False) -> str:
    """`markup` with a newline between phrases wherever a paragraph is wider than `width`
    (the spaces at a break dropped); [size=] and [font=] tags apply as Kivy reads them."""
    text, where, paras = _paragraphs(markup, font_name, font_size)
    drop: set[int] = set()  # offsets of the spaces at a break
    breaks: set[int] = set()  # offsets before which a line starts
    for start, end, font, size, whole in paras:
        if whole <= width:
            continue  # fits as it is (measured per size: 「13」 large and 「番」 small)
        i = start
        for n, line in enumerate(lines(text[start:end], width, measure(font, size, bold))):
            while n and i < end and text[i].isspace():
                drop.add(where[i])
                i += 1
            if n and i < end:
                breaks.add(where[i])
            i += len(line)
    if not breaks:
        return markup
    out = []
    for i, ch in enumerate(markup):
        if i in breaks:
            out.append("\n")
        if i not in drop:
            out.append(ch)
    return "".join(out)


def widest_piece(markup: str, font_name: str, font_size: float, bold: bool = False) -> float:
    """The width of the widest piece of `markup` that no line may cut (protocol.phrases)."""
    text, _, paras = _paragraphs(markup, font_name, font_size)
    return max((measure(font, size, bold)(piece.strip()) for start, end, font, size, _ in paras
                for piece in pieces(text[start:end])), default=0.0)


class PhraseWrap:
    """Mixin for a Kivy Label (or Button) with `text_size` bound to its width."""

    source_text = ""
    _shown = None
    _pad = 0.0

    def start_wrapping(self, pad: float = 0.0) -> None:
        """pad: what of the width is not for text (padding on both sides)."""
        self._pad = pad
        self.source_text = self.text
        self.bind(text=self._on_text, width=self._rewrap, font_size=self._rewrap)
        self._rewrap()

    def say(self, value: str) -> None:
        """Show `value` (wrapped); nothing to do when it is already shown."""
        if value != self.source_text:
            self.text = value

    def _on_text(self, _widget, value: str) -> None:
        if value != self._shown:  # assigned from outside: the new source
            self.source_text = value
            self._rewrap()

    def _rewrap(self, *_) -> None:
        width = self.width - self._pad - 4
        if width < 40:
            shown = self.source_text
        elif getattr(self, "markup", False):
            shown = wrap_markup(self.source_text, width, self.font_name, self.font_size,
                                bool(self.bold))
        else:
            shown = "\n".join(lines(self.source_text, width,
                                    measure(self.font_name, self.font_size, self.bold)))
        self._shown = shown
        self.text = shown
