"""Words of the booking pages in Japanese, やさしい日本語 and English (the other languages
of the citizens' pages in booking_more.py), and the choice.

The booking page is read by every citizen, so it has a third language: plain Japanese
(`easy`, in hiragana with short sentences) for children, elderly people and residents
learning Japanese. `?lang=easy` picks it and keeps it in the `lang` cookie.
"""

from __future__ import annotations

from fastapi import Request

from protocol.days import clock_label
from protocol.texts import localized

from . import booking_more, i18n

LANGS = ("ja", "easy", "en")  # the columns of TEXT and ERRORS
PAGE_LANGS = i18n.PUBLIC_LANGS  # the pages: every language of the citizens' pages
LANG_NAMES = i18n.LANGUAGE_NAMES

TEXT: dict[str, tuple[str, str, str]] = {
    "title": ("窓口の予約", "まどぐちの よやく", "Book a counter visit"),
    "intro": ("来庁の目的を選んで、空いている時間を予約できます。お名前は不要です。",
              "なんの ために くるか えらんで、じかんを よやく します。なまえは いりません。",
              "Choose what you are coming for and book a free time. No name is needed."),
    "life_events": ("くらしの出来事", "くらしの できごと", "Life events"),
    "procedures": ("手続き", "てつづき", "Procedures"),
    "remote": ("支所のリモート窓口(ビデオ)", "ししょの リモート まどぐち(ビデオ)",
               "Remote counters at branch offices (video)"),
    "find_title": ("予約の確認・変更・取消", "よやくを みる・かえる・やめる",
                   "See, change or cancel a booking"),
    "code": ("予約番号", "よやく ばんごう", "Booking code"),
    "find": ("確認する", "みる", "Look up"),
    "bring": ("持ち物", "もって くる もの", "What to bring"),
    "choose_day": ("日にちを選んでください", "ひを えらんで ください", "Choose a day"),
    "choose_time": ("時間を選んでください", "じかんを えらんで ください", "Choose a time"),
    "free": ("空き {n}", "あき {n}", "{n} free"),
    "full": ("満員", "いっぱい", "Full"),
    "no_slots": ("この日は予約できる時間がありません。", "この ひは よやく できません。",
                 "There is no free time on this day."),
    "no_days": ("いまは予約を受け付けていません。", "いまは よやく できません。",
                "Bookings are not taken at the moment."),
    "confirm_title": ("予約の内容", "よやくの ないよう", "Your booking"),
    "purpose": ("目的", "なんの ため", "Purpose"),
    "when": ("日時", "ひと じかん", "Date and time"),
    "slot_of": ("{r} の枠", "{r} の わく", "slot {r}"),
    "where": ("場所", "ばしょ", "Where"),
    "contact": ("連絡先(任意・お知らせが必要な場合のみ)", "れんらくさき(なくても よい)",
                "Contact (optional, only if you want a reminder)"),
    "contact_hint": ("電話番号またはメールアドレス", "でんわ ばんごう か メール",
                     "Phone number or e-mail"),
    "book": ("この内容で予約する", "よやく する", "Book"),
    "back": ("戻る", "もどる", "Back"),
    "booked_title": ("予約しました", "よやく しました", "Booked"),
    "your_code": ("予約番号", "よやく ばんごう", "Your booking code"),
    "keep_code": ("この番号かQRコードを、当日まで保存してください。",
                  "この ばんごうか QRコードを とっておいて ください。",
                  "Keep this code or the QR code until the day."),
    "checkin_note": ("当日は、予約時刻の{early}分前から{late}分後までに、総合案内でこのQRコードを見せるか予約番号を伝えてください。{late}分を過ぎると、順番にお呼びします。",
                     "とうじつ、よやくの じかんの {early}ふん まえから {late}ふん あとまでに、あんないで この QRコードを みせて ください。おくれると、じゅんばんに よびます。",
                     "On the day, show this QR code or say the code at the information desk from {early} minutes before to {late} minutes after your time. Later than that, you are called in turn like everyone else."),
    "remote_note": ("支所のビデオ窓口で、本庁の職員がご案内します。",
                    "ししょの ビデオで、しやくしょの ひとが あんない します。",
                    "Staff of the main building serve you by video at the branch office."),
    "change": ("日時を変更する", "じかんを かえる", "Change the time"),
    "cancel": ("予約を取り消す", "よやくを やめる", "Cancel the booking"),
    "cancel_confirm": ("予約を取り消しますか？", "よやくを やめますか？", "Cancel this booking?"),
    "cancelled": ("この予約は取り消されました。", "この よやくは やめました。",
                  "This booking was cancelled."),
    "changed": ("日時を変更しました。", "じかんを かえました。", "The time was changed."),
    "state_checked_in": ("受付済みです(番号 {n})。", "うけつけ しました(ばんごう {n})。",
                         "Checked in (number {n})."),
    "state_late": ("予約時刻を過ぎて受付しました(番号 {n})。", "おくれて うけつけ しました(ばんごう {n})。",
                   "Checked in after the booked time (number {n})."),
    "state_no_show": ("予約時刻を過ぎたため、予約はなくなりました。", "じかんが すぎたので、よやくは なくなりました。",
                      "The booked time has passed: the booking was released."),
    "not_found": ("この予約番号は見つかりません。番号をお確かめください。",
                  "この ばんごうの よやくは ありません。ばんごうを みて ください。",
                  "No booking has this code. Please check the code."),
    "bad_code": ("予約番号は8文字です(例: ABCD-EFGH)。", "よやく ばんごうは 8もじ です。",
                 "A booking code has 8 characters (e.g. ABCD-EFGH)."),
    "rule_title": ("呼び出しの順番", "よぶ じゅんばん", "Order of calls"),
    "rule": ("配慮が必要なかたを先にお呼びします。予約して受付を済ませたかたは予約時刻の2分前からお呼びし、それ以外は番号札の順にお呼びします。",
             "くるまいすの ひとなどを さきに よびます。よやくした ひとは よやくの じかんに よびます。ほかの ひとは ばんごうの じゅんばんに よびます。",
             "People with priority needs are called first. A checked-in booking is called from 2 minutes before its time; everyone else in the order of their tickets."),
    "rule_more": ("詳しいルール", "くわしく", "The full rule"),
    "rule_1": ("車いすをお使いのかた、妊娠中のかた、目の不自由なかたなど、配慮が必要なかたを先にお呼びします。",
               "くるまいすの ひと、おなかに あかちゃんが いる ひと、めが みえにくい ひとを さきに よびます。",
               "Visitors with priority needs (wheelchair, pregnancy, sight) are called first."),
    "rule_2": ("予約をして受付を済ませたかたは、予約した時刻の{due}分前になったらお呼びします。",
               "よやくを して うけつけを した ひとは、よやくの じかんの {due}ふん まえに よびます。",
               "A checked-in booking is called from {due} minutes before its time."),
    "rule_3": ("それ以外のときは、当日来られたかたを番号札を受け取った順にお呼びします。",
               "ほかの ひとは、ばんごうの じゅんばんに よびます。",
               "Otherwise walk-ins are called in the order of their tickets."),
    "rule_4": ("予約の時刻より前でも、ほかにお待ちのかたがいなければお呼びします。",
               "ほかに まって いる ひとが いなければ、よやくの じかんの まえでも よびます。",
               "A booking is called before its time when nobody else is waiting."),
    "rule_5": ("予約の受付は予約時刻の{early}分前からです。{late}分を過ぎると予約はなくなり、当日来られたかたと同じ順番になります。呼び出しに応答がなかったときも同じです。",
               "うけつけは よやくの じかんの {early}ふん まえから です。{late}ふん より おくれると、よやくは なくなります。ばんごうの じゅんばんに なります。",
               "Check-in opens {early} minutes before the booked time. More than {late} minutes late, or after a missed call, you are called in turn like a walk-in."),
    "rule_6": ("予約の枠は各課の窓口時間の{share}%までにして、当日来られたかたが長く待たないようにしています。",
               "よやくは まどぐちの じかんの {share}% まで です。とうじつ くる ひとも ながく またない ように します。",
               "Bookings take at most {share}% of each division's counter time, so walk-ins do not wait long."),
    "minutes": ("約{n}分", "やく {n}ぷん", "about {n} min"),
}

ERRORS: dict[str, tuple[str, str, str]] = {
    "slot_full": ("その時間はいま埋まりました。ほかの時間を選んでください。",
                  "その じかんは いっぱいに なりました。ほかの じかんを えらんで ください。",
                  "That time was just taken. Please choose another."),
    "slot_passed": ("その時間はもう始まっています。", "その じかんは もう すぎました。",
                    "That time has already begun."),
    "no_such_slot": ("その時間は予約できません。", "その じかんは よやく できません。",
                     "That time cannot be booked."),
    "not_changeable": ("この予約は変更・取消できません。", "この よやくは かえられません。",
                       "This booking can no longer be changed."),
    "unknown_booking": TEXT["not_found"],
    "invalid": ("入力が正しくありません。", "にゅうりょくが ただしく ありません。", "The input is not valid."),
}


def choose(request: Request) -> str:
    """`?lang=`, then the cookie, then the phone's language (i18n.choose)."""
    return i18n.choose(request, PAGE_LANGS)


def translator(lang: str):
    return i18n.translator(lang, TEXT, LANGS, more=booking_more.MORE)


def error_text(code: str, lang: str) -> str:
    if lang not in LANGS:
        return booking_more.ERRORS.get(code, booking_more.ERRORS["invalid"])[lang]
    return ERRORS.get(code, ERRORS["invalid"])[LANGS.index(lang)]


def name(item, lang: str) -> str:
    """A site name (purpose, procedure, department, life event) in the reader's language
    (protocol.texts: the Japanese marked where the site file has none)."""
    return localized(item, "name", lang)


def time_label(start: float, end: float, tz: str) -> str:
    return f"{clock_label(start, tz)}–{clock_label(end, tz)}"
