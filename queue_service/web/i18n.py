"""Words the web pages show, in Japanese and English, and the choice of language.

Public pages are read by citizens: Japanese first, and every language of the appliances
(`PUBLIC_LANGS`: やさしい日本語, English, 中文, 한국어, Tiếng Việt, Português; the words beyond
ja and en are in public_texts.py). Staff pages are in `LANGS`. The language comes from
`?lang=`, then the `lang` cookie, then the phone's Accept-Language.
"""

from __future__ import annotations

from fastapi import Request

from protocol.texts import LANGUAGES

from .public_texts import MORE, PAGE

LANGS = ("ja", "en")
PUBLIC_LANGS = LANGUAGES
LANGUAGE_NAMES = {"ja": "日本語", "easy": "やさしい日本語", "en": "English", "zh": "中文",
                  "ko": "한국어", "vi": "Tiếng Việt", "pt": "Português"}

TEXT: dict[str, tuple[str, str]] = {
    "congestion_title": ("窓口の混雑状況", "Counter waiting times"),
    "department": ("窓口", "Counter"),
    "waiting": ("お待ちの人数", "People waiting"),
    "waiting_short": ("待ち", "waiting"),
    "people": ("人", "people"),
    "est_wait": ("待ち時間の目安", "Estimated wait"),
    "counters_open": ("開いている窓口", "Counters open"),
    "updated": ("更新", "Updated"),
    "live_note": ("このページは自動で更新されます。", "This page updates by itself."),
    "open_data": ("オープンデータ (JSON)", "Open data (JSON)"),
    "your_number": ("あなたの番号", "Your number"),
    "go_now": ("いま行く窓口", "Where to go now"),
    "people_ahead": ("あなたより前の人数", "People ahead of you"),
    "progress": ("手続きの進み具合", "Progress of your procedures"),
    "called_now": ("お呼びしています。窓口へお越しください", "You are being called. Please come to"),
    "serving_now": ("窓口で手続き中です", "Your procedure is in progress at"),
    "waiting_now": ("順番をお待ちください", "Please wait for your turn at"),
    "held_now": ("窓口からのご案内をお待ちください", "Please wait: the counter staff will call you"),
    "absent_now": ("呼び出しにお答えがありませんでした。総合案内へお声がけください",
                   "You missed your call. Please ask at the information desk"),
    "done_now": ("すべての手続きが終わりました。ご来庁ありがとうございました",
                 "All your procedures are finished. Thank you for coming"),
    "cancelled_now": ("この番号の受付は取り消されました", "This number was cancelled"),
    "expired_now": ("この番号は有効期限が切れました", "This number has expired"),
    "counter_no": ("{n}番窓口", "Counter {n}"),
    "counters_of": ("{ns}番窓口", "Counters {ns}"),
    "not_found_title": ("ページが見つかりません", "Page not found"),
    "not_found_body": (
        ("番号札のQRコードのリンクが正しくないか、有効期限(受付当日)が切れています。"
         "ご不明な点は総合案内へお声がけください。"),
        ("The link from your ticket's QR code is not valid, or it has expired (it works on "
         "the day of issue only). Please ask at the information desk."),
    ),
    "error_title": ("ただいま表示できません", "This page cannot be shown right now"),
    "error_body": ("しばらくしてからもう一度お試しください。", "Please try again in a moment."),
    "to_congestion": ("混雑状況を見る", "See waiting times"),
    "floor": ("階", "Floor"),
}

# The guidance list's three marks (001:L474), the two moments at a counter (the same words
# as the console's states), and the two ways a procedure drops out.
MARKS: dict[str, tuple[str, str]] = {
    "todo": ("未", "To do"),
    "called": ("呼出中", "Being called"),
    "serving": ("手続き中", "In progress"),
    "accepted": ("受付済", "Accepted"),
    "done": ("済", "Done"),
    "skipped": ("不要", "Not needed"),
    "cancelled": ("取消", "Cancelled"),
}


def mark(state: str, kind: int) -> str:
    """The guidance-list mark of a procedure: 未 / 呼出中 / 手続き中 / 受付済 / 済 (or 不要 /
    取消). A called procedure is not yet accepted: it reads 呼出中, as on the console.

    Kind 2 procedures are accepted at the one-stop counter on behalf of their department,
    so once finished they read 受付済: the department completes them later."""
    if state in ("called", "serving"):
        return state
    if state == "done":
        return "accepted" if kind == 2 else "done"
    if state in ("skipped", "cancelled"):
        return state
    return "todo"


def choose(request: Request, langs: tuple[str, ...] = LANGS) -> str:
    """The page's language among `langs`: `?lang=`, the cookie, the phone's first language
    (pt-BR reads pt), else Japanese for a Japanese phone and English for any other."""
    asked = request.query_params.get("lang")
    if asked in langs:
        return asked
    cookie = request.cookies.get("lang")
    if cookie in langs:
        return cookie
    accept = request.headers.get("accept-language", "").lower()
    first = accept.split(",")[0].split(";")[0].strip()
    if first.split("-")[0] in langs:
        return first.split("-")[0]
    return "ja" if not first or first.startswith("ja") else "en"


def translator(lang: str, table: dict[str, tuple[str, ...]] = TEXT,
               langs: tuple[str, ...] = LANGS, more: dict[str, dict[str, str]] = MORE):
    """t(key, **fields): the key's words in `lang`, from `table` (one column per language),
    or for a language beyond `langs` from `more`; a key without words there reads in
    Japanese (its first column), never in English slipped in."""
    i = langs.index(lang) if lang in langs else None

    def t(key: str, **kw: object) -> str:
        text = table[key][i] if i is not None else more.get(key, {}).get(lang) or table[key][0]
        return text.format(**kw) if kw else text

    return t


def words(key: str, lang: str, **kw: object) -> str:
    """Words the citizens' templates show, in every public language (public_texts.PAGE)."""
    text = PAGE[key].get(lang) or PAGE[key]["ja"]
    return text.format(**kw) if kw else text


def mark_text(key: str, lang: str) -> str:
    """A guidance-list mark (MARKS) in any public language."""
    return translator(lang, MARKS)(key) if lang in LANGS else MORE[f"mark_{key}"][lang]

NEEDS_JA = {"wheelchair": "車いす", "hearing": "聴覚", "sight": "視覚", "pregnancy": "妊娠中",
            "small_children": "乳幼児連れ", "language": "外国語"}
STATES_JA = {"waiting": "待ち", "called": "呼出中", "serving": "手続き中", "held": "保留",
             "absent": "不在", "done": "完了", "skipped": "不要", "cancelled": "取消",
             "expired": "期限切れ"}
