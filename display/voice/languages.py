"""What a spoken call says in each language, as clip keys and the text each clip renders.

A call is assembled from clips rendered once at provisioning: fixed phrases, the number
words 1-999 (and whole thousands) with their counter word attached, and one clip per
counter. Numbers of 1000 and more are composed as "thousands word" + the rest, with the
small joining word a language needs (中文 零, Português "e", Tiếng Việt "không trăm"),
so every configured number is spoken as a number, never digit by digit.

Calls said together (a backlog) make one announcement: consecutive first calls one
sentence, consecutive recalls another, each opened by its phrase. Inside a sentence each
number is said right before its own counter, and only the last counter ends the sentence
(「受付番号12番のかた、3番窓口へ、15番のかた、5番窓口へお越しください。」), so no listener
has to match a list of numbers with a list of counters. A language without the short
counter form (`counter_to`) says each call as its own sentence.

Japanese is rendered with Open JTalk; the other languages with espeak-ng. Japanese text
writes 「番のかた」 in kana: Open JTalk reads 「番の方」 as ノホー.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Call:
    """What to say: a number to a counter, first time or again."""

    number: int
    counter_number: int
    recall: bool = False


@dataclass(frozen=True)
class Language:
    code: str
    engine: str  # "openjtalk" or an espeak-ng voice name
    intro: str  # said before the number
    number: str  # template with {n}: the number and the words right after it
    counter: str  # template with {c}: where to go
    recall: str  # said first when a number is called again
    thousands: Callable[[int], str]  # the bare word for k * 1000
    counter_to: str | None = None  # template with {c}: a counter inside a sentence of calls
    joins: Callable[[int], tuple[str, ...]] = lambda rest: ()  # words between thousands and rest
    words: dict[str, str] = field(default_factory=dict)  # texts of the joining words


def _ja_thousands(k: int) -> str:
    return "千" if k == 1 else f"{KANJI_DIGITS[k]}千"


def _zh_joins(rest: int) -> tuple[str, ...]:
    return ("zero",) if rest < 100 else ()


def _pt_joins(rest: int) -> tuple[str, ...]:
    return ("and",) if rest < 100 or rest % 100 == 0 else ()


def _vi_joins(rest: int) -> tuple[str, ...]:
    if rest >= 100:
        return ()
    return ("zero_hundred", "linh") if rest < 10 else ("zero_hundred",)


LANGUAGES: dict[str, Language] = {
    "ja": Language(
        "ja", "openjtalk", intro="受付番号", number="{n}番のかた、", counter="{c}番窓口へお越しください。",
        recall="再度お呼び出しします。", thousands=_ja_thousands, counter_to="{c}番窓口へ、",
    ),
    "en": Language(
        "en", "en-us", intro="Number", number="{n},", counter="please go to counter {c}.",
        recall="Calling again.", thousands=lambda k: str(k * 1000),
    ),
    "zh": Language(
        "zh", "cmn", intro="请", number="{n}号", counter="到{c}号窗口。", recall="再次呼叫。",
        thousands=lambda k: f"{'一两三四五六七八九'[k - 1]}千", joins=_zh_joins,
        words={"zero": "零"},
    ),
    "ko": Language(
        "ko", "ko", intro="", number="{n}번 고객님,", counter="{c}번 창구로 오십시오.",
        recall="다시 호출합니다.", thousands=lambda k: str(k * 1000),
    ),
    "vi": Language(
        "vi", "vi", intro="Mời số", number="{n},", counter="đến quầy số {c}.", recall="Xin mời lại.",
        thousands=lambda k: str(k * 1000), joins=_vi_joins,
        words={"zero_hundred": "không trăm", "linh": "linh"},
    ),
    "pt": Language(
        "pt", "pt-br", intro="Senha", number="{n},", counter="dirija-se ao guichê {c}.",
        recall="Chamando novamente.", thousands=lambda k: str(k * 1000), joins=_pt_joins,
        words={"and": "e"},
    ),
}


def language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise ValueError(f"no spoken language {code!r} (known: {', '.join(LANGUAGES)})") from None


def number_keys(lang: Language, n: int) -> list[str]:
    """Clip keys that say number `n` (1-9999) with its counter word."""
    if not 1 <= n <= 9999:
        raise ValueError(f"cannot speak number {n}: calls are numbered 1-9999")
    k, rest = divmod(n, 1000)
    if k == 0 or rest == 0:
        return [f"{lang.code}/number/{n}"]
    joins = [f"{lang.code}/word/{w}" for w in lang.joins(rest)]
    return [f"{lang.code}/thousands/{k}", *joins, f"{lang.code}/number/{rest}"]


def sentences(lang: Language, calls: Sequence[Call], intro: bool = True) -> list[list[list[str]]]:
    """Clip keys of `calls` said together in one language, in order: sentences, each a list
    of its calls' keys (a sentence's phrase and intro go with its first call). Without
    `intro` (speech going straight on from the last announcement) no 受付番号 is said."""
    out: list[list[list[str]]] = []
    for n, call in enumerate(calls):
        first = n == 0 or call.recall != calls[n - 1].recall
        last = n == len(calls) - 1 or calls[n + 1].recall != call.recall or not lang.counter_to
        keys = []
        if first:  # 「再度お呼び出しします。」 once before the recalls in a row, then 受付番号
            keys += [f"{lang.code}/phrase/recall"] if call.recall else []
            keys += [f"{lang.code}/phrase/intro"] if lang.intro and intro else []
        keys += number_keys(lang, call.number)
        keys.append(f"{lang.code}/{'counter' if last else 'counter_to'}/{call.counter_number}")
        if first or not lang.counter_to:
            out.append([])
        out[-1].append(keys)
    return out


def clip_texts(lang: Language, last_number: int, counters: list[int]) -> dict[str, str]:
    """Every clip a language needs for numbers 1..last_number and the given counters."""
    texts = {f"{lang.code}/phrase/recall": lang.recall}
    if lang.intro:
        texts[f"{lang.code}/phrase/intro"] = lang.intro
    for n in range(1, min(last_number, 999) + 1):
        texts[f"{lang.code}/number/{n}"] = lang.number.format(n=n)
    for k in range(1, last_number // 1000 + 1):
        texts[f"{lang.code}/number/{k * 1000}"] = lang.number.format(n=k * 1000)
        texts[f"{lang.code}/thousands/{k}"] = lang.thousands(k)
    for word, text in lang.words.items():
        texts[f"{lang.code}/word/{word}"] = text
    for c in counters:
        texts[f"{lang.code}/counter/{c}"] = lang.counter.format(c=c)
        if lang.counter_to:
            texts[f"{lang.code}/counter_to/{c}"] = lang.counter_to.format(c=c)
    return texts
