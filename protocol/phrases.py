"""Where Japanese text may break across lines: between phrases (BudouX), never inside a
word, with the kinsoku rules (no ・ 、 。 closing bracket or small kana at a line start,
no opening bracket at a line end). One rule for every screen, printed ticket and page.

`phrases(text)` gives the pieces; a line may break between any two of them (and at the
spaces inside a piece of Latin text: `pieces(text)`). `lines(text, width, measure)` fills
lines with them, for any surface that can measure its text (printer images, Kivy labels);
`html(page)` marks them with <wbr> for web pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import escape, unescape

import budoux

NO_START = set("・、。，．,.)）」』】〕〉》!！?？:：;；ー～…‥ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞ")
NO_END = set("(（「『【〔〈《")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _parser():
    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=4096)
def phrases(text: str) -> tuple[str, ...]:
    """`text` cut where a line may break; joined again they give `text`."""
    if not text:
        return ()
    # A ・ joins the words of a list (高齢・介護・障がい): a break may follow it.
    parsed: list[str] = []
    for part in _after_dots(text):
        parsed += _parser().parse(part) if part.strip() else [part]
    out: list[str] = []
    for piece in parsed:
        while out and piece and piece[0] in NO_START:  # kinsoku: not at a line start
            out[-1] += piece[0]
            piece = piece[1:]
        # one letter is not a phrase: 障が|い, (お持ちの|方)
        core = piece.rstrip("".join(NO_START))
        lone = len(core) == 1 and bool(_JAPANESE.match(core))
        if out and out[-1] and (out[-1][-1] in NO_END or lone):  # nor ( at a line end
            out[-1] += piece
        elif piece:
            out.append(piece)
    return tuple(out)


def _after_dots(text: str) -> list[str]:
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch == "・" and i + 1 < len(text):
            parts.append(text[start:i + 1])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p]


def pieces(text: str) -> list[str]:
    """The pieces no line may cut when it fits: phrases, and the words at the spaces of
    Latin text (each with its trailing space)."""
    return [w for phrase in phrases(text) for w in re.findall(r"\S+\s*|\s+", phrase)]


def _chars(token: str) -> list[str]:
    """A token too wide for a line of its own, cut anywhere (Latin runs kept whole)."""
    out: list[str] = []
    for ch in token:
        if out and ch.isascii() and ch != " " and out[-1][-1:].isascii() and out[-1][-1:] != " ":
            out[-1] += ch
        else:
            out.append(ch)
    return out


def lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in lines no wider than `width` (as `measure` counts), broken between
    phrases; explicit newlines are kept."""
    out: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        tokens = [piece for token in pieces(para) for piece in
                  (_chars(token) if measure(token.strip()) > width else [token])]
        for token in tokens:
            w = measure(token)
            if line and used + w > width:
                out.append(line.rstrip())
                line = token.lstrip()
                used = measure(line)
            else:
                line, used = line + token, used + w
        out.append(line)
    return out

# comments, elements whose text is not shown as text (taken whole), tags
_HTML_SKIP = re.compile(r"<!--.*?-->|<(script|style|textarea|title|option)\b.*?</\1\s*>|<[^>]*>",
                        re.DOTALL | re.IGNORECASE)


def html(page: str) -> str:
    """An HTML page with <wbr> between the phrases of its Japanese text (outside tags and
    script, style, textarea, title and option), for `word-break: keep-all`: every browser
    then breaks Japanese where the boards and printouts do, not only Chromium."""
    out, at = [], 0
    for m in _HTML_SKIP.finditer(page):
        out.append(_marked(page[at:m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(_marked(page[at:]))
    return "".join(out)


def _marked(text: str) -> str:
    if not _JAPANESE.search(text):
        return text
    return "<wbr>".join(escape(p, quote=False) for p in phrases(unescape(text)))
