"""One glossary: the words every appliance and page uses for a visit's states, counts of
people and counter numbers, in every language the appliances offer.

A state has one wording everywhere: the phone page's guidance list, the counter console,
the dashboard and the floor guide read `state(key, lang)`; a count of people reads
`people(n, lang)` (「1人」, "1 person", "2 people"); counter numbers read
`counters(numbers, lang)` (「9・10番窓口」, "Counter 11", "Counters 9, 10"); a priority need
reads `NEEDS` on the issuer and the console; a printer's state reads `PRINTER` on the
issuer, and an appliance's health alert (`printer:paper_out`, `disk:low`...) reads
`device_alert(code)` on the dashboard. How a wait
is written (and "no counter open") lives in `protocol.waits`; congestion levels here reuse
its `NOT_OPEN` for a closed department.

Languages: ja, easy (やさしい日本語), en, zh, ko, vi, pt; any other falls back to English.
"""

from __future__ import annotations

from .waits import NOT_OPEN

LANGS = ("ja", "easy", "en", "zh", "ko", "vi", "pt")

# A step's (a procedure's) states and the guidance list's marks (001:L474): 未 / 受付済 / 済.
# A called step is not yet accepted: it reads 呼出中 on the phone and on the console alike.
STATES: dict[str, dict[str, str]] = {
    "todo": {"ja": "未", "easy": "まだ", "en": "To do", "zh": "未办", "ko": "미처리",
             "vi": "Chưa làm", "pt": "A fazer"},
    "waiting": {"ja": "待ち", "easy": "まって います", "en": "Waiting", "zh": "等候中",
                "ko": "대기 중", "vi": "Đang chờ", "pt": "Aguardando"},
    "called": {"ja": "呼出中", "easy": "よんで います", "en": "Being called", "zh": "叫号中",
               "ko": "호출 중", "vi": "Đang gọi", "pt": "Chamando"},
    "serving": {"ja": "手続き中", "easy": "てつづき ちゅう", "en": "In progress", "zh": "办理中",
                "ko": "진행 중", "vi": "Đang làm", "pt": "Em atendimento"},
    "held": {"ja": "保留", "easy": "ちょっと まって います", "en": "On hold", "zh": "暂缓",
             "ko": "보류", "vi": "Tạm hoãn", "pt": "Em espera"},
    "absent": {"ja": "不在", "easy": "いません でした", "en": "Absent", "zh": "未应答",
               "ko": "부재", "vi": "Vắng mặt", "pt": "Ausente"},
    "accepted": {"ja": "受付済", "easy": "うけつけ しました", "en": "Accepted", "zh": "已受理",
                 "ko": "접수 완료", "vi": "Đã tiếp nhận", "pt": "Recebido"},
    "done": {"ja": "済", "easy": "おわり", "en": "Done", "zh": "已办完", "ko": "완료",
             "vi": "Xong", "pt": "Concluído"},
    "skipped": {"ja": "不要", "easy": "いりません", "en": "Not needed", "zh": "无需办理",
                "ko": "불필요", "vi": "Không cần", "pt": "Não necessário"},
    "cancelled": {"ja": "取消", "easy": "とりけし", "en": "Cancelled", "zh": "已取消",
                  "ko": "취소", "vi": "Đã hủy", "pt": "Cancelado"},
    "expired": {"ja": "期限切れ", "easy": "きげん ぎれ", "en": "Expired", "zh": "已过期",
                "ko": "만료", "vi": "Hết hạn", "pt": "Expirado"},
}

# The priority needs a concierge marks on a visit (protocol.messages.NEEDS), as staff read
# them on the issuer and the console: Japanese and English.
NEEDS: dict[str, tuple[str, str]] = {
    "wheelchair": ("車いす", "Wheelchair"), "hearing": ("聴覚", "Hearing"),
    "sight": ("視覚", "Sight"), "pregnancy": ("妊娠中", "Pregnancy"),
    "small_children": ("乳幼児連れ", "Small children"), "language": ("通訳", "Interpreter"),
}

# A receipt printer's state (protocol.messages.PrinterState), as the issuer's screen and the
# staff dashboard write it: Japanese and English.
PRINTER: dict[str, tuple[str, str]] = {
    "ok": ("プリンター正常", "Printer OK"), "paper_low": ("用紙残りわずか", "Paper low"),
    "paper_out": ("用紙切れ", "Paper out"), "cover_open": ("カバーが開いています", "Cover open"),
    "offline": ("プリンター未接続", "Printer offline"),
}

# The health alerts appliances send in their heartbeats (firmware.health.alerts_for, the
# device agent, the boards, LED signs and pager links), as facilities staff read them.
DEVICE_ALERTS: dict[str, tuple[str, str]] = {
    **{f"printer:{state}": words for state, words in PRINTER.items() if state != "ok"},
    "audio:error": ("音声を再生できません", "Audio does not play"),
    "audio:no_clips": ("読み上げ音声がありません", "No speech clips"),
    "temperature:high": ("本体が高温です", "Running hot"),
    "disk:low": ("保存領域の空き不足", "Disk nearly full"),
    "health:probe_failed": ("自己診断の一部が失敗", "A health check failed"),
    "health:invalid": ("自己診断の値が不正", "Invalid health reading"),
    "sign:no_answer": ("表示器が応答しません", "LED sign not answering"),
    "pager:no_answer": ("呼出器の送信機が応答しません", "Pager transmitter not answering"),
}
# Alerts about one speech language: `audio:no_clips_en`, `audio:old_clips_pt`.
_LANGUAGE_ALERTS: dict[str, tuple[str, str]] = {
    "audio:no_clips": ("読み上げ音声がありません({lang})", "No speech clips ({lang})"),
    "audio:old_clips": ("読み上げ音声が古い版です({lang})", "Speech clips out of date ({lang})"),
}

# A department's congestion level, as the boards and the guide write it.
LEVELS: dict[str, dict[str, str]] = {
    "low": {"ja": "空いています", "easy": "すいて います", "en": "Not busy", "zh": "空闲",
            "ko": "여유", "vi": "Vắng", "pt": "Tranquilo"},
    "medium": {"ja": "やや混雑", "easy": "すこし こんで います", "en": "Busy", "zh": "较拥挤",
               "ko": "다소 혼잡", "vi": "Hơi đông", "pt": "Movimentado"},
    "high": {"ja": "混雑", "easy": "こんで います", "en": "Very busy", "zh": "拥挤", "ko": "혼잡",
             "vi": "Rất đông", "pt": "Lotado"},
    "closed": NOT_OPEN,
}

# (one, many): the languages that inflect a count; the rest write both the same way.
_PEOPLE: dict[str, tuple[str, str]] = {
    "ja": ("{n}人", "{n}人"), "easy": ("{n}にん", "{n}にん"),
    "en": ("{n} person", "{n} people"), "zh": ("{n}人", "{n}人"), "ko": ("{n}명", "{n}명"),
    "vi": ("{n} người", "{n} người"), "pt": ("{n} pessoa", "{n} pessoas"),
}
_COUNTERS: dict[str, tuple[str, str]] = {
    "ja": ("{ns}番窓口", "{ns}番窓口"), "easy": ("{ns}ばん まどぐち", "{ns}ばん まどぐち"),
    "en": ("Counter {ns}", "Counters {ns}"), "zh": ("{ns}号窗口", "{ns}号窗口"),
    "ko": ("{ns}번 창구", "{ns}번 창구"), "vi": ("Quầy {ns}", "Quầy {ns}"),
    "pt": ("Guichê {ns}", "Guichês {ns}"),
}


def _pick(texts: dict, lang: str):
    return texts.get(lang) or texts["en"]


def state(key: str, lang: str = "ja") -> str:
    """The one wording of a step's state or guidance mark (`STATES`)."""
    return _pick(STATES[key], lang)


def device_alert(code: str) -> tuple[str, str] | None:
    """An appliance's health alert in Japanese and English; None for a code not known here
    (the caller shows the code itself, so no alert is ever hidden)."""
    if code in DEVICE_ALERTS:
        return DEVICE_ALERTS[code]
    head, _, lang = code.rpartition("_")
    if head in _LANGUAGE_ALERTS and lang:
        ja, en = _LANGUAGE_ALERTS[head]
        return ja.format(lang=lang), en.format(lang=lang)
    return None


def level(key: str, lang: str = "ja") -> str:
    return _pick(LEVELS[key], lang)


def people(n: int, lang: str = "ja", shown: str | None = None) -> str:
    """A count of people: 「1人」, "1 person", "2 people", "1 pessoa"; `shown` is how the
    figure itself is written (a page sets it in bold)."""
    one, many = _pick(_PEOPLE, lang)
    return (one if n == 1 else many).format(n=n if shown is None else shown)


def counters(numbers, lang: str = "ja") -> str:
    """Counter numbers: 「11番窓口」「9・10番窓口」, "Counter 11", "Counters 9, 10"."""
    ns = [str(n) for n in numbers]
    one, many = _pick(_COUNTERS, lang)
    if len(ns) == 1:
        return one.format(ns=ns[0])
    if lang in ("ja", "easy"):
        joined = "・".join(ns)
    elif lang == "zh":
        joined = "、".join(ns)
    else:
        joined = ", ".join(ns)
    return many.format(ns=joined)
