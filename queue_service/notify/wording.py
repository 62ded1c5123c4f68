"""What a notice says, in Japanese and in the visit's own language beside it.

Every channel (Web Push, e-mail, LINE) shows a notice's title and body, so they are
written here once: the Japanese first, always, then, for a visit issued (or a booking
made) in another language, the same message in that language (under the Japanese in the
body, after a slash in the title, which a phone shows on one line): `in_languages`. A
visit's notices read `notice_text`, a booking's reminders `reminder_text`. Names of
departments and floors come from the site file's texts (`protocol.texts`), counts of
people and counter numbers from the glossary, waits from `protocol.waits`, a booking's day
from `protocol.days`: one wording each.
"""

from __future__ import annotations

from collections.abc import Callable

from protocol import glossary
from protocol.days import clock_label, day_label
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
# a booking's reminder; fields: when (day and time), code, purpose, place, early (minutes)
_REMINDER: dict[str, tuple[str, str]] = {
    "ja": ("ご予約のお知らせ {when}",
           ("予約番号: {code}\n日時: {when}\nご用件: {purpose}\n窓口: {place}\n\n"
           "当日は予約の{early}分前から受付できます。総合案内の発券機かフロア案内で、"
           "予約番号を入力するかQRコードをお見せください。")),
    "easy": ("よやくの おしらせ {when}",
             ("よやく ばんごう: {code}\nひと じかん: {when}\nようじ: {purpose}\nまどぐち: {place}\n\n"
             "よやくの {early}ふん まえから うけつけ できます。そうごう あんないの はっけんきか "
             "フロア あんないで、よやく ばんごうを いれるか、QRコードを みせて ください。")),
    "en": ("Booking reminder: {when}",
           ("Booking code: {code}\nDate and time: {when}\nFor: {purpose}\nCounter: {place}\n\n"
           "On the day you can check in from {early} minutes before your time: enter the "
           "booking code or show its QR code at the ticket issuer of the information desk or at a "
           "floor guide.")),
    "zh": ("预约提醒 {when}",
           ("预约号: {code}\n日期时间: {when}\n办理事项: {purpose}\n窗口: {place}\n\n"
           "当天从预约时间前{early}分钟起可以办理签到。请在综合服务台的取号机或楼层导览机上"
           "输入预约号，或出示二维码。")),
    "ko": ("예약 안내 {when}",
           ("예약 번호: {code}\n일시: {when}\n용건: {purpose}\n창구: {place}\n\n"
           "당일에는 예약 {early}분 전부터 접수할 수 있습니다. 종합안내의 발권기나 층별 안내기에서 "
           "예약 번호를 입력하거나 QR 코드를 보여 주세요.")),
    "vi": ("Nhắc lịch hẹn: {when}",
           ("Mã đặt hẹn: {code}\nNgày giờ: {when}\nViệc cần làm: {purpose}\nQuầy: {place}\n\n"
           "Vào ngày hẹn, quý vị có thể làm thủ tục từ {early} phút trước giờ hẹn: nhập mã đặt "
           "hẹn hoặc đưa mã QR tại máy phát số của quầy hướng dẫn hoặc tại bảng hướng dẫn tầng.")),
    "pt": ("Lembrete de agendamento: {when}",
           ("Código do agendamento: {code}\nData e hora: {when}\nAssunto: {purpose}\n"
           "Guichê: {place}\n\nNo dia, você pode fazer o check-in a partir de {early} minutos "
           "antes do horário: digite o código do agendamento ou mostre o código QR no emissor "
           "de senhas da recepção ou no guia do andar.")),
}
_LIST_SEP = {"ja": "、", "easy": "、", "zh": "、", "ko": ", ", "en": ", ", "vi": ", ", "pt": ", "}
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

# an e-mail's link label and closing lines; lang -> (link to the visit's page, link to the
# booking's page, send-only, when a visit's sign-up goes, when a booking's contact goes)
_EMAIL: dict[str, tuple[str, str, str, str, str]] = {
    "ja": ("いまの状況", "予約の確認・変更・取り消し",
           "このメールは送信専用です。お名前は記載していません。",
           "お知らせの登録は本日の受付終了時に削除されます。",
           "連絡先は予約日の翌日に削除されます。"),
    "easy": ("いまの じょうきょう", "よやくを みる・かえる・やめる",
             "この メールに へんじは できません。なまえは かいて いません。",
             "おしらせの とうろくは きょうの うけつけが おわると けします。",
             "れんらくさきは よやくの つぎの ひに けします。"),
    "en": ("Your status now", "See, change or cancel your booking",
           "This address only sends; your name is not in this e-mail.",
           "Your sign-up for these notices is erased when today's counters close.",
           "Your contact details are erased the day after your booking."),
    "zh": ("当前状态", "查看、更改或取消预约",
           "本邮件由系统发送，请勿回复。邮件中不含您的姓名。",
           "通知登记将于今天受理结束时删除。",
           "联系方式将于预约日的次日删除。"),
    "ko": ("현재 상황", "예약 확인·변경·취소",
           "이 메일은 발신 전용입니다. 성함은 적혀 있지 않습니다.",
           "알림 등록은 오늘 접수가 끝나면 삭제됩니다.",
           "연락처는 예약일 다음 날 삭제됩니다."),
    "vi": ("Tình trạng hiện tại", "Xem, đổi hoặc hủy lịch hẹn",
           "Địa chỉ này chỉ dùng để gửi, xin đừng trả lời. Thư không ghi tên của quý vị.",
           "Đăng ký nhận thông báo sẽ được xóa khi quầy kết thúc tiếp nhận hôm nay.",
           "Thông tin liên lạc sẽ được xóa vào ngày sau ngày hẹn."),
    "pt": ("Sua situação agora", "Ver, alterar ou cancelar o agendamento",
           "Este endereço só envia mensagens; seu nome não aparece neste e-mail.",
           "O cadastro para estes avisos é apagado ao fim do atendimento de hoje.",
           "Seus dados de contato são apagados no dia seguinte ao agendamento."),
}


def line(ahead: int, low: int | None, high: int | None, lang: str) -> str:
    """People ahead and, while a counter is open, the wait: 「あと3人、待ち時間は約5〜10分」."""
    with_wait, alone = _LINE[lang]
    people = glossary.people(ahead, lang)
    return with_wait.format(people=people, wait=wait_text(low, high, lang)) if low is not None \
        else alone.format(people=people)


def in_languages(lang: str, write: Callable[[str], tuple[str, str]],
                 body_sep: str = "\n") -> tuple[str, str]:
    """(title, body) written by `write(code)` in Japanese and then in `lang` if it is
    another language the notices are written in: the titles after a slash, the bodies
    one under the other (`body_sep` between them)."""
    langs = ("ja",) if lang not in LANGS or lang == "ja" else ("ja", lang)
    written = [write(code) for code in langs]
    return " / ".join(t for t, _ in written), body_sep.join(b for _, b in written)


def email_lines(kind: str, lang: str) -> tuple[str, str]:
    """(link label, closing lines) of a notice's e-mail, a booking's `reminder` or a
    visit's: Japanese, then `lang` if it is another."""
    def write(code: str) -> tuple[str, str]:
        visit_link, booking_link, send_only, visit_kept, booking_kept = _EMAIL[code]
        if kind == "reminder":
            return booking_link, f"{send_only}\n{booking_kept}"
        return visit_link, f"{send_only}\n{visit_kept}"

    return in_languages(lang, write)


def notice_text(kind: str, lang: str, config, *, number: int, department: str | None,
                counter_number: int | None = None, ahead: int = 0,
                low: int | None = None, high: int | None = None) -> tuple[str, str]:
    """(title, body) of a notice of this kind: Japanese, then `lang` if it is another."""
    def write(code: str) -> tuple[str, str]:
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
        return title.format(**fields), body.format(**fields)

    return in_languages(lang, write)


def reminder_text(lang: str, config, *, code: str, start: float, life_event: str | None,
                  procedures, department: str, booth: str | None) -> tuple[str, str]:
    """(title, body) of a booking's reminder: Japanese, then `lang` if it is another; a
    blank line between the two bodies, each several lines long. `code` as shown
    (ABCD-EFGH), `start` the booking's time."""
    clock = clock_label(start, config.timezone)

    def write(lang_code: str) -> tuple[str, str]:
        event = config.life_events.get(life_event) if life_event else None
        purpose = localized(event, "name", lang_code) if event else _LIST_SEP[lang_code].join(
            localized(config.procedures[p], "name", lang_code)
            for p in procedures if p in config.procedures)
        dept = config.departments.get(department)
        if booth:
            place = localized(config.counters[booth].remote, "branch", lang_code)
        else:
            place = localized(dept, "name", lang_code) if dept else ""
        fields = {"when": f"{day_label(start, config.timezone, lang_code)} {clock}", "code": code,
                  "purpose": purpose, "place": place, "early": int(config.bookings.early_minutes)}
        title, body = _REMINDER[lang_code]
        return title.format(**fields), body.format(**fields)

    return in_languages(lang, write, body_sep="\n\n")
