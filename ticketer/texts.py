"""Every text of the issuer's screens, in Japanese (default) and English."""

from __future__ import annotations

from protocol.glossary import NEEDS, PRINTER

TEXT: dict[str, tuple[str, str]] = {
    "title": ("総合案内 発券", "Concierge issuer"),
    "locked": ("ロック中", "Locked"),
    "locked_help": ("職員番号と暗証番号を入力するか、職員カードをかざしてください。",
                    "Enter your staff number and PIN, or hold your staff card to the reader."),
    "locked_sub": ("発券は職員のみが行えます", "Only staff can issue tickets"),
    "staff_no": ("職員番号", "Staff no."),
    "pin": ("暗証番号", "PIN"),
    "unlock": ("ロック解除", "Unlock"),
    "clear": ("消去", "Clear"),
    "wrong_pin": ("職員番号または暗証番号が違います(あと{n}回)",
                  "Wrong staff number or PIN ({n} tries left)"),
    "locked_out": ("誤入力が続いたため {t} まで解除できません。管理者の鍵で解除できます。",
                   "Too many wrong PINs: locked until {t}. A supervisor's key can unlock."),
    "unknown_card": ("登録されていないカードです", "This card is not registered"),
    "lock_now": ("ロック", "Lock"),
    "staff_on": ("担当 {s}", "Staff {s}"),
    "life_events": ("ご用件(ライフイベント)", "Purpose of visit"),
    "procedures": ("手続き", "Procedures"),
    "search": ("手続きを検索(名前・よみ)", "Find a procedure (name or reading)"),
    "no_procedures": ("ご用件を選ぶか、手続きを追加してください", "Pick a purpose or add procedures"),
    "needs": ("配慮", "Needs"),
    **{f"need_{key}": words for key, words in NEEDS.items()},  # protocol.glossary
    "route": ("ご案内の順番", "Route"),
    "route_empty": ("手続きを選ぶと順番が表示されます", "Pick procedures to see the route"),
    # {counters}: protocol.glossary.counters (「9・10番窓口」, "Counters 9 and 10")
    "floor_counter": ("{floor}  {counters}  {colour}", "{floor}, {counters}, {colour}"),
    "waiting": ("待ち {n}人・{wait}", "{n} waiting, {wait}"),  # wait: protocol.waits.wait_text
    "waiting_unknown": ("混雑状況 不明", "Congestion unknown"),
    "guidance": ("館外の手続き", "Handled elsewhere"),
    "issue": ("発券する", "Issue ticket"),
    "issuing": ("発券中…", "Issuing…"),
    "issued": ("{n}番を印刷しました。番号札をお渡しください", "Ticket {n} printed: hand it over"),
    "next_after": ("✓ {n}番 印刷済み → 次の方へ", "✓ {n} printed → next citizen"),
    "issued_offline": ("{n}番を印刷しました(オフライン)。番号札をお渡しください",
                       "Ticket {n} printed (offline): hand it over"),
    "next": ("次の方", "Next citizen"),
    "online": ("オンライン", "Online"),
    "offline": ("オフライン", "Offline"),
    "offline_banner": (
        ("窓口サービスに接続できません。事前に割り当てられた番号で発券を続けます(残り{n}枚)。"
         "番号は他の発券機と重なりません。接続が戻ると自動で引き渡します。"),
        ("The queue service cannot be reached. Tickets are issued from numbers reserved "
         "for this issuer ({n} left); they never clash with other issuers and are "
         "handed over automatically when the connection is back.")),
    "offline_pending": ("未送信 {n}件", "{n} not yet handed over"),
    "no_leased_numbers": ("オフライン用の番号が残っていません。別の発券機をご利用ください。",
                          "No reserved numbers left offline: use another issuer."),
    **{f"printer_{state}": words for state, words in PRINTER.items()},
    "unprinted": ("印刷できなかった券 {n}枚: {numbers}番", "{n} not printed: {numbers}"),
    "printer_fix": ("プリンターを確認して「再印刷」を押してください(同じ番号で印刷します)",
                    "Check the printer, then press Reprint (same number)"),
    "reprint": ("再印刷", "Reprint"),
    "not_printed": ("{n}番は印刷できませんでした", "Ticket {n} was not printed"),
    "language": ("English", "日本語"),
    "self_title": ("証明書の発券", "Certificates"),
    "self_help": ("必要な証明書を選んで「発券する」を押してください", "Choose certificates, then press Issue"),
    "self_staff": ("職員用", "Staff"),
    "back": ("戻る", "Back"),
    "rejected": ("窓口サービスが受け付けなかった番号: {items}。お客様に新しい番号を発券してください。",
                 "The service did not accept: {items}. Issue those citizens a new ticket."),
    "ok": ("確認", "OK"),
    "error": ("発券できません: {reason}", "Cannot issue: {reason}"),
    "booking": ("予約番号 / QR", "Booking code / QR"),
    "check_in": ("予約で受付", "Check in booking"),
    "booking_bad_code": ("予約番号は8文字です(例: ABCD-EFGH)", "A booking code has 8 characters (ABCD-EFGH)"),
    "booking_unknown": ("予約 {code} は見つかりません。番号をお確かめください",
                        "No booking {code}: please check the code"),
    "booking_offline": ("窓口サービスに接続できないため予約の受付ができません。番号札を発券してください",
                        "The queue service cannot be reached: bookings cannot be checked in. Issue a ticket"),
    "booking_expired": ("予約 {code} は別の日の予約です(期限切れ)", "Booking {code} was for another day"),
    "booking_cancelled": ("予約 {code} は取り消されています", "Booking {code} was cancelled"),
    "booking_already": ("予約 {code} は受付済みです", "Booking {code} is already checked in"),
    "booking_too_early": ("予約 {code} は {slot} です。{at} から受付できます。その頃にもう一度お越しください",
                          "Booking {code} is at {slot}: check-in opens at {at}. Please come back then"),
    "booking_on_time": ("{n}番を発券しました(ご予約 {slot})", "Ticket {n} issued (booked for {slot})"),
    "booking_late": ("{n}番を発券しました。予約 {slot} を過ぎたため順番にお呼びします",
                     "Ticket {n} issued: late for the {slot} booking, called in turn"),
}


# The purpose categories of the site file (Kitami's five, 003:L867-875) in English.
# Short: five chips share one row.
CATEGORY_EN = {"証明書": "Certificates", "住所・戸籍": "Address, register",
               "保険・年金": "Insurance, pension", "高齢・介護・障がい": "Elderly, care",
               "子ども・子育て": "Children", "その他": "Other"}


def category_name(category: str, lang: str) -> str:
    return CATEGORY_EN.get(category, category) if lang == "en" else category


def t(key: str, lang: str, **values: object) -> str:
    ja, en = TEXT[key]
    text = en if lang == "en" else ja
    return text.format(**values) if values else text
