"""Kivy labels whose Japanese wraps between phrases (protocol.phrases), not anywhere.

Kivy wraps only at spaces and cuts a run of kanji and kana wherever the line is full
(「ただいまお呼び出しはあり/ません」). `PhraseWrap`, mixed into a Label or Button, keeps
what was assigned in `source_text` and shows it with line breaks between phrases for the
widget's width. Assign `text` as usual.
"""

from __future__ import annotations

from functools import lru_cache, partial

from protocol.phrases import lines


@lru_cache(maxsize=8192)
def _width(font_name: str, font_size: float, bold: bool, text: str) -> float:
    from kivy.core.text import Label as CoreLabel

    return CoreLabel(font_name=font_name, font_size=font_size, bold=bold).get_extents(text)[0]


class PhraseWrap:
    """Mixin for a Kivy Label (or Button) with `text_size` bound to its width."""

    source_text = ""
    _shown = None
    _pad = 0.0

    def start_wrapping(self, pad: float = 0.0) -> None:
        self._pad = pad
        self.source_text = self.text
        self.bind(text=self._on_text, width=self._rewrap, font_size=self._rewrap)
        self._rewrap()

    def _on_text(self, _widget, value: str) -> None:
        if value != self._shown:  # assigned from outside: the new source
            self.source_text = value
            self._rewrap()

    def _rewrap(self, *_) -> None:
        width = self.width - self._pad - 4
        if width < 40 or getattr(self, "markup", False):
            shown = self.source_text
        else:
            measure = partial(_width, self.font_name, self.font_size, bool(self.bold))
            shown = "\n".join(lines(self.source_text, width, measure))
        self._shown = shown
        self.text = shown
