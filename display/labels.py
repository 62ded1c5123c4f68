"""Board labels in the languages citizens read; the board rotates through the configured ones.

Department names come from the site configuration (protocol.texts): under the Japanese
name, the name in the rotating language, or a 「Japanese only」 marker where the site file
has none. Congestion levels and the fixed labels
are translated here.
"""

from __future__ import annotations

from protocol.waits import NOT_OPEN

LABEL_LANGUAGES = ("ja", "en", "zh", "ko", "vi", "pt")
LANGUAGE_NAMES = {
    "ja": "日本語", "en": "English", "zh": "中文", "ko": "한국어", "vi": "Tiếng Việt", "pt": "Português",
}

_LABELS: dict[str, dict[str, str]] = {
    "title": {
        "ja": "お呼び出し番号", "en": "Now calling", "zh": "叫号", "ko": "호출 번호",
        "vi": "Số đang gọi", "pt": "Senhas chamadas",
    },
    "number": {
        "ja": "受付番号", "en": "Number", "zh": "号码", "ko": "번호", "vi": "Số", "pt": "Senha",
    },
    "counter": {  # {n}: the counter number
        "ja": "{n}番窓口", "en": "Counter {n}", "zh": "{n}号窗口", "ko": "{n}번 창구",
        "vi": "Quầy {n}", "pt": "Guichê {n}",
    },
    "counter_word": {"ja": "番窓口"},  # under a counter's number: 「3」「番窓口」
    "ban": {"ja": "番"},  # beside a counter's number on a tile: 「3番」
    "recent": {
        "ja": "最近のお呼び出し", "en": "Recent calls", "zh": "最近叫号", "ko": "최근 호출",
        "vi": "Số vừa gọi", "pt": "Chamadas recentes",
    },
    "recent_hint": {
        "ja": "(灰色は受付が始まった番号)", "en": "(grey: already at the counter)",
        "zh": "(灰色：已开始办理)", "ko": "(회색: 접수 시작됨)", "vi": "(màu xám: đã đến quầy)",
        "pt": "(cinza: já no guichê)",
    },
    "please_go": {
        "ja": "窓口へお越しください", "en": "Please go to the counter", "zh": "请到窗口办理",
        "ko": "창구로 오십시오", "vi": "Xin mời đến quầy", "pt": "Dirija-se ao guichê",
    },
    "waiting": {
        "ja": "待ち人数", "en": "Waiting", "zh": "等候人数", "ko": "대기 인원", "vi": "Đang chờ",
        "pt": "Aguardando",
    },
    "wait": {
        "ja": "待ち時間", "en": "Wait", "zh": "等候时间", "ko": "대기 시간", "vi": "Thời gian chờ",
        "pt": "Espera",
    },
    "level": {
        "ja": "混雑状況", "en": "Status", "zh": "拥挤程度", "ko": "혼잡도", "vi": "Mức đông",
        "pt": "Situação",
    },
    "people": {  # {n}: people waiting
        "ja": "{n}人", "en": "{n}", "zh": "{n}人", "ko": "{n}명", "vi": "{n}", "pt": "{n}",
    },
    "no_calls": {
        "ja": "ただいまお呼び出しはありません", "en": "No numbers are being called",
        "zh": "目前没有叫号", "ko": "현재 호출 중인 번호가 없습니다", "vi": "Hiện chưa gọi số nào",
        "pt": "Nenhuma senha chamada no momento",
    },
    "offline": {
        "ja": "接続を確認中", "en": "Reconnecting", "zh": "正在重新连接", "ko": "연결 확인 중",
        "vi": "Đang kết nối lại", "pt": "Reconectando",
    },
    "level_low": {
        "ja": "空いています", "en": "Not busy", "zh": "空闲", "ko": "여유", "vi": "Vắng", "pt": "Tranquilo",
    },
    "level_medium": {
        "ja": "やや混雑", "en": "Busy", "zh": "较拥挤", "ko": "다소 혼잡", "vi": "Hơi đông",
        "pt": "Movimentado",
    },
    "level_high": {
        "ja": "混雑", "en": "Very busy", "zh": "拥挤", "ko": "혼잡", "vi": "Rất đông", "pt": "Lotado",
    },
    "level_closed": NOT_OPEN,  # the one wording of every surface (protocol.waits)
}


def label(key: str, lang: str, **values: object) -> str:
    texts = _LABELS[key]
    return texts.get(lang, texts.get("en", texts["ja"])).format(**values)


def pick(texts: dict[str, str], lang: str) -> tuple[str, str]:
    """(language, text): a configured text in `lang`, else English, else Japanese, else any."""
    for code in (lang, "en", "ja"):
        if texts.get(code):
            return code, texts[code]
    return next(iter(texts.items()), ("ja", ""))
