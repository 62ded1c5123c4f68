"""What a notice says, in Japanese and in the visit's own language beside it.

Every channel (Web Push, e-mail, LINE) shows a notice's title and body, so they are
written here once: the Japanese first, always, then, for a visit issued in another
language, the same message in that language (a line under the Japanese in the body,
after a slash in the title, which a phone shows on one line). Names of departments and
floors come from the site file's texts (`protocol.texts`), counts of people and counter
numbers from the glossary, waits from `protocol.waits`: one wording each.
"""

from __future__ import annotations

from protocol import glossary
from protocol.texts import localized
from protocol.waits import wait_text

# kind -> lang -> (title, body); fields: n (number), counter (its words), dept, floor, line
_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "called": {
        "ja": ("{n}番のかた お呼びしています", "{counter}へお越しください（{dept}）。"),
        "easy": ("{n}ばんの かた、よばれて います", "{counter}へ きて ください（{dept}）。"),
        "en": ("No. {n}: it is your turn", "Please come to {counter} ({dept})."),
        "zh": ("{n}号，轮到您了", "请到{counter}（{dept}）。"),
        "ko": ("{n}번 고객님, 차례입니다", "{counter}로 와 주세요({dept})."),
        "vi": ("Số {n}: đã đến lượt quý vị", "Xin mời đến {counter} ({dept})."),
        "pt": ("Nº {n}: é a sua vez", "Dirija-se ao {counter} ({dept})."),
    },
    "next": {
        "ja": ("{n}番のかた 次は{dept}です", "{floor}の{dept}でお待ちください。順番は引き継がれています。"),
        "easy": ("{n}ばんの かた、つぎは {dept}です",
                 "{floor}の {dept}で まって ください。じゅんばんは そのままです。"),
        "en": ("No. {n}: next, {dept}", "Next: {dept}, {floor}. Please wait there; your place in line is kept."),
        "zh": ("{n}号，下一处：{dept}", "请在{floor}的{dept}等候。您的顺序保持不变。"),
        "ko": ("{n}번 고객님, 다음은 {dept}입니다", "{floor} {dept}에서 기다려 주세요. 순서는 그대로 유지됩니다."),
        "vi": ("Số {n}: tiếp theo là {dept}",
               "Xin vui lòng chờ tại {dept}, {floor}. Thứ tự của quý vị được giữ nguyên."),
        "pt": ("Nº {n}: a seguir, {dept}",
               "Próximo local: {dept}, {floor}. Aguarde lá; seu lugar na fila continua o mesmo."),
    },
    "near": {
        "ja": ("{n}番のかた まもなく順番です", "{dept}（{floor}）: {line}。窓口の近くでお待ちください。"),
        "easy": ("{n}ばんの かた、もうすぐ じゅんばんです",
                 "{dept}（{floor}）: {line}。まどぐちの ちかくで まって ください。"),
        "en": ("No. {n}: your turn is near", "{dept}, {floor}: {line}. Please wait near the counter."),
        "zh": ("{n}号，马上就轮到您了", "{dept}（{floor}）：{line}。请在窗口附近等候。"),
        "ko": ("{n}번 고객님, 곧 차례입니다", "{dept}({floor}): {line}. 창구 근처에서 기다려 주세요."),
        "vi": ("Số {n}: sắp đến lượt quý vị", "{dept}, {floor}: {line}. Xin vui lòng chờ gần quầy."),
        "pt": ("Nº {n}: sua vez está chegando", "{dept}, {floor}: {line}. Aguarde perto do guichê."),
    },
    "next_near": {  # routed on straight into a short line: the title stays the "next" one
        "ja": ("", "{floor}の{dept}へお越しください。{line}です。"),
        "easy": ("", "{floor}の {dept}へ いって ください。{line}です。"),
        "en": ("", "Please go to {dept}, {floor}. {line}."),
        "zh": ("", "请前往{floor}的{dept}。{line}。"),
        "ko": ("", "{floor} {dept}에 가 주세요. {line}."),
        "vi": ("", "Xin mời đến {dept}, {floor}. {line}."),
        "pt": ("", "Próximo local: {dept}, {floor}. {line}."),
    },
}
# people ahead, with and without a wait
_LINE = {
    "ja": ("あと{people}、待ち時間は{wait}", "あと{people}"),
    "easy": ("まえに {people}、まつ じかんは {wait}", "まえに {people}"),
    "en": ("{people} ahead, wait {wait}", "{people} ahead"),
    "zh": ("前面还有{people}，等候时间{wait}", "前面还有{people}"),
    "ko": ("앞에 {people}, 대기 시간 {wait}", "앞에 {people}"),
    "vi": ("Còn {people} phía trước, thời gian chờ {wait}", "Còn {people} phía trước"),
    "pt": ("{people} na sua frente, espera de {wait}", "{people} na sua frente"),
}
LANGS = tuple(_LINE)


def line(ahead: int, low: int | None, high: int | None, lang: str) -> str:
    """People ahead and, while a counter is open, the wait: 「あと3人、待ち時間は約5〜10分」."""
    with_wait, alone = _LINE[lang]
    people = glossary.people(ahead, lang)
    return with_wait.format(people=people, wait=wait_text(low, high, lang)) if low is not None \
        else alone.format(people=people)


def notice_text(kind: str, lang: str, config, *, number: int, department: str | None,
                counter_number: int | None = None, ahead: int = 0,
                low: int | None = None, high: int | None = None) -> tuple[str, str]:
    """(title, body) of a notice of this kind: Japanese, then `lang` if it is another."""
    langs = ("ja",) if lang not in LANGS or lang == "ja" else ("ja", lang)
    titles, bodies = [], []
    for code in langs:
        dept = config.departments.get(department) if department else None
        floor = config.floors.get(dept.floor) if dept else None
        fields = {
            "n": number,
            "dept": localized(dept, "name", code) if dept else (department or ""),
            "floor": localized(floor, "name", code) if floor else "",
            "counter": glossary.counters([counter_number], code) if counter_number else "",
            "line": line(ahead, low, high, code),
        }
        title, body = _TEXTS[kind][code]
        if kind == "next_near":
            title = _TEXTS["next"][code][0]
        titles.append(title.format(**fields))
        bodies.append(body.format(**fields))
    return " / ".join(titles), "\n".join(bodies)
