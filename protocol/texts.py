"""Citizens' texts from the site file in every language, and what is missing.

Every text a citizen reads in the site file (a name, what to bring, a note, a question,
a counter's position...) is a *text field*: `<field>_ja` and `<field>_en` are required,
`<field>_<lang>` optional for the other languages (protocol/site.py reads them all into
the item's `texts`, by one rule). Every screen and page shows such a field through
`localized`: the text in the reader's language, or, where the site file has none, the
Japanese text with a marker in the reader's language saying it is in Japanese only, never
English slipped in. `missing` lists what a site file lacks, per language (the service
logs it at start-up; `python -m protocol.texts FILE` prints it).
"""

from __future__ import annotations

import sys
from typing import Any

# 日本語, やさしい日本語 (easy Japanese: short sentences, hiragana), English, 中文 (simplified),
# 한국어, Tiếng Việt, Português (Brazil). ja and en are required in the site file.
LANGUAGES = ("ja", "easy", "en", "zh", "ko", "vi", "pt")
REQUIRED = ("ja", "en")  # for names; what to bring and notes may lack English too
OPTIONAL = tuple(code for code in LANGUAGES if code not in REQUIRED)
TRANSLATED = tuple(code for code in LANGUAGES if code != "ja")  # what `missing` checks

# After a Japanese text shown for want of a translation (the reader's language says so).
JAPANESE_ONLY = {
    "ja": "", "easy": "(ふつうの にほんご)", "en": "(Japanese only)", "zh": "(仅有日语)",
    "ko": "(일본어만 있음)", "vi": "(chỉ có tiếng Nhật)", "pt": "(só em japonês)",
}


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    return lang


def variant(item: Any, field: str, lang: str) -> tuple[Any, bool]:
    """(the field's text in `lang`, whether it is the Japanese one for want of it).
    A list field (what to bring) gives a tuple of texts."""
    texts = item.texts.get(field, {})
    own = texts.get(check_language(lang))
    if own or lang == "ja":
        return own if own is not None else texts.get("ja", ""), False
    japanese = texts.get("ja")
    if not japanese:  # nothing in Japanese either (an optional field left empty)
        return texts.get("en", japanese if japanese is not None else ""), False
    return japanese, True


def localized(item: Any, field: str, lang: str) -> Any:
    """The field in `lang`; without a translation the Japanese text, each entry marked
    「(só em japonês)」 (in the reader's language). Easy Japanese falls back to the
    Japanese text with its kana reading where the item has one (procedures)."""
    text, missing = variant(item, field, lang)
    if not missing:
        return text
    if isinstance(text, tuple):
        return tuple(f"{t} {JAPANESE_ONLY[lang]}" for t in text)
    kana = getattr(item, "kana", "") if field == "name" else ""
    if lang == "easy" and kana and kana != text:
        text = f"{text}({kana})"
    return f"{text} {JAPANESE_ONLY[lang]}"


def under_japanese(item: Any, field: str, lang: str) -> str:
    """The field in `lang` for a line under its Japanese text (the boards): without a
    translation only the marker, since the Japanese is already right above."""
    text, lacking = variant(item, field, lang)
    return JAPANESE_ONLY[lang] if lacking else text


def missing(config: Any) -> dict[str, list[str]]:
    """Per language but Japanese, every text field of the site that has Japanese but no
    text in that language, as `procedures.tennyu.bring` paths, in site-file order."""
    out: dict[str, list[str]] = {lang: [] for lang in TRANSLATED}
    for path, item in texted(config):
        for field, texts in item.texts.items():
            if not texts.get("ja"):
                continue
            for lang in TRANSLATED:
                if not texts.get(lang):
                    out[lang].append(f"{path}.{field}" if path else field)
    return out


def texted(config: Any):
    """(path, item) of every item of the site carrying texts."""
    yield "site", config
    for kind in ("floors", "landmarks", "issuing_points", "departments", "counters",
                 "procedures", "life_events"):
        for key, item in getattr(config, kind).items():
            yield f"{kind}.{key}", item
            if getattr(item, "remote", None) is not None:
                yield f"{kind}.{key}.remote", item.remote
            for q in getattr(item, "questions", ()):
                yield f"{kind}.{key}.questions.{q.id}", q


def summary(config: Any) -> list[str]:
    """One line per language but Japanese: how many texts are missing, and which."""
    lines = []
    for lang, paths in missing(config).items():
        if paths:
            shown = ", ".join(paths[:8]) + (f", … ({len(paths) - 8} more)" if len(paths) > 8 else "")
            lines.append(f"{lang}: {len(paths)} text(s) missing, shown in Japanese: {shown}")
        else:
            lines.append(f"{lang}: complete")
    return lines


def main(argv: list[str] | None = None) -> int:
    """`python -m protocol.texts [SITE.toml]`: the missing translations per language
    (exit status 1 if any); without a file, the shipped example."""
    from .site import ConfigError, load_config

    args = sys.argv[1:] if argv is None else argv
    try:
        config = load_config(args[0] if args else None)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    lines = summary(config)
    print(f"{config.source}: citizens' texts per language")
    for line in lines:
        print(f"  {line}")
    return 0 if all(line.endswith("complete") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
