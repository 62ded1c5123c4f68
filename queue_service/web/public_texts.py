"""The citizens' pages (congestion, a visit's status with its subscribe step) in the
languages beyond Japanese and English: やさしい日本語, 中文, 한국어, Tiếng Việt, Português.

`MORE[key][lang]` completes `i18n.TEXT` for these languages (counts of people, counter
numbers and the guidance-list marks are protocol/glossary.py's); `i18n.translator` reads
it, and a key without words in a language reads in Japanese. Congestion levels and waits use the one wording of protocol/waits.py.
"""

from __future__ import annotations

MORE: dict[str, dict[str, str]] = {
    "congestion_title": {"easy": "まどぐちの こみぐあい", "zh": "窗口拥挤情况", "ko": "창구 혼잡 현황",
                         "vi": "Tình trạng chờ tại các quầy", "pt": "Tempo de espera nos guichês"},
    "department": {"easy": "まどぐち", "zh": "窗口", "ko": "창구", "vi": "Quầy", "pt": "Guichê"},
    "waiting": {"easy": "まって いる ひと", "zh": "等候人数", "ko": "대기 인원", "vi": "Số người đang chờ",
                "pt": "Pessoas aguardando"},
    "waiting_short": {"easy": "まち", "zh": "等候", "ko": "대기", "vi": "đang chờ", "pt": "aguardando"},
    "est_wait": {"easy": "まつ じかん(めやす)", "zh": "预计等候时间", "ko": "예상 대기 시간",
                 "vi": "Thời gian chờ dự kiến", "pt": "Espera estimada"},
    "counters_open": {"easy": "あいて いる まどぐち", "zh": "开放窗口数", "ko": "운영 중인 창구",
                      "vi": "Số quầy đang mở", "pt": "Guichês abertos"},
    "updated": {"easy": "こうしん", "zh": "更新", "ko": "갱신", "vi": "Cập nhật", "pt": "Atualizado"},
    "live_note": {"easy": "この ページは じどうで あたらしく なります。", "zh": "本页面会自动更新。",
                  "ko": "이 페이지는 자동으로 갱신됩니다.", "vi": "Trang này tự động cập nhật.",
                  "pt": "Esta página se atualiza sozinha."},
    "open_data": {"easy": "オープンデータ (JSON)", "zh": "开放数据 (JSON)", "ko": "오픈 데이터 (JSON)",
                  "vi": "Dữ liệu mở (JSON)", "pt": "Dados abertos (JSON)"},
    "your_number": {"easy": "あなたの ばんごう", "zh": "您的号码", "ko": "당신의 번호", "vi": "Số của bạn",
                    "pt": "Sua senha"},
    "go_now": {"easy": "いま いく まどぐち", "zh": "现在请前往", "ko": "지금 가실 창구", "vi": "Nơi cần đến bây giờ",
               "pt": "Aonde ir agora"},
    "people_ahead": {"easy": "あなたの まえに まって いる ひと", "zh": "您前面的人数", "ko": "앞에 있는 인원",
                     "vi": "Số người trước bạn", "pt": "Pessoas na sua frente"},
    "progress": {"easy": "てつづきの すすみぐあい", "zh": "手续办理进度", "ko": "절차 진행 상황",
                 "vi": "Tiến độ thủ tục", "pt": "Andamento dos seus procedimentos"},
    "called_now": {"easy": "よばれて います。まどぐちへ きて ください", "zh": "正在叫您的号码，请到以下窗口",
                   "ko": "호출 중입니다. 창구로 오십시오", "vi": "Đang gọi số của bạn. Xin mời đến",
                   "pt": "Sua senha foi chamada. Dirija-se ao"},
    "serving_now": {"easy": "まどぐちで てつづきを して います", "zh": "正在窗口办理手续",
                    "ko": "창구에서 절차를 진행 중입니다", "vi": "Đang làm thủ tục tại",
                    "pt": "Seu atendimento está em andamento no"},
    "waiting_now": {"easy": "じゅんばんを まって ください", "zh": "请等候叫号", "ko": "순서를 기다려 주십시오",
                    "vi": "Vui lòng chờ đến lượt tại", "pt": "Aguarde a sua vez em"},
    "held_now": {"easy": "まどぐちの ひとが よびます。まって ください", "zh": "请稍候，窗口工作人员会叫您",
                 "ko": "잠시 기다려 주십시오. 창구 직원이 호출합니다",
                 "vi": "Vui lòng chờ: nhân viên quầy sẽ gọi bạn",
                 "pt": "Aguarde: a equipe do guichê vai chamar você"},
    "absent_now": {"easy": "よばれた とき いませんでした。あんないの ひとに はなして ください",
                   "zh": "叫号时您不在。请到综合咨询处询问",
                   "ko": "호출 시 응답이 없었습니다. 종합 안내에 말씀해 주십시오",
                   "vi": "Bạn đã lỡ lượt gọi. Vui lòng hỏi quầy hướng dẫn",
                   "pt": "Você perdeu a chamada. Procure o balcão de informações"},
    "done_now": {"easy": "てつづきは ぜんぶ おわりました。ありがとう ございました",
                 "zh": "所有手续已办完。感谢您的来访", "ko": "모든 절차가 끝났습니다. 방문해 주셔서 감사합니다",
                 "vi": "Đã xong tất cả thủ tục. Cảm ơn bạn đã đến",
                 "pt": "Todos os seus procedimentos foram concluídos. Obrigado pela visita"},
    "cancelled_now": {"easy": "この ばんごうは とりけしに なりました", "zh": "此号码已取消",
                      "ko": "이 번호의 접수는 취소되었습니다", "vi": "Số này đã bị hủy",
                      "pt": "Esta senha foi cancelada"},
    "expired_now": {"easy": "この ばんごうは もう つかえません", "zh": "此号码已过期",
                    "ko": "이 번호는 유효 기간이 지났습니다", "vi": "Số này đã hết hạn",
                    "pt": "Esta senha expirou"},
    "not_found_title": {"easy": "ページが ありません", "zh": "找不到该页面", "ko": "페이지를 찾을 수 없습니다",
                        "vi": "Không tìm thấy trang", "pt": "Página não encontrada"},
    "not_found_body": {
        "easy": "ばんごうふだの QRコードの リンクが ちがうか、つかえる ひ(うけつけの ひ)が おわりました。"
                "わからない ときは あんないの ひとに きいて ください。",
        "zh": "号码牌二维码的链接无效，或已过期(仅限领号当天有效)。如有疑问请到综合咨询处询问。",
        "ko": "번호표 QR 코드의 링크가 올바르지 않거나 유효 기간(접수 당일)이 지났습니다. "
              "궁금한 점은 종합 안내에 문의해 주십시오.",
        "vi": "Liên kết từ mã QR trên phiếu không hợp lệ hoặc đã hết hạn (chỉ dùng được trong ngày "
              "lấy số). Vui lòng hỏi quầy hướng dẫn.",
        "pt": "O link do QR code da sua senha não é válido ou expirou (vale só no dia da emissão). "
              "Em caso de dúvida, procure o balcão de informações."},
    "error_title": {"easy": "いまは みられません", "zh": "暂时无法显示", "ko": "지금은 표시할 수 없습니다",
                    "vi": "Hiện không thể hiển thị trang này", "pt": "Não é possível mostrar a página agora"},
    "error_body": {"easy": "すこし まってから もういちど みて ください。", "zh": "请稍后再试。",
                   "ko": "잠시 후 다시 시도해 주십시오.", "vi": "Vui lòng thử lại sau ít phút.",
                   "pt": "Tente de novo em instantes."},
    "to_congestion": {"easy": "こみぐあいを みる", "zh": "查看拥挤情况", "ko": "혼잡 현황 보기",
                      "vi": "Xem tình trạng chờ", "pt": "Ver tempos de espera"},
    "floor": {"easy": "かい", "zh": "楼", "ko": "층", "vi": "Tầng", "pt": "Piso"},
}

# Words the templates wrote inline in Japanese and English: every language here.
PAGE: dict[str, dict[str, str]] = {
    "booked_for": {"ja": "ご予約 <b>{at}</b>: 予約の時刻になりましたらお呼びします",
                   "easy": "よやく <b>{at}</b>: よやくの じかんに よびます",
                   "en": "Booked for <b>{at}</b>: you are called when your time is due",
                   "zh": "预约 <b>{at}</b>：到预约时间时会叫您的号码",
                   "ko": "예약 <b>{at}</b>: 예약 시각이 되면 호출합니다",
                   "vi": "Đã đặt hẹn lúc <b>{at}</b>: sẽ gọi bạn khi đến giờ",
                   "pt": "Agendado para <b>{at}</b>: chamaremos você no horário"},
    "book_link": {"ja": "窓口の予約", "easy": "まどぐちの よやく", "en": "Book a counter visit",
                  "zh": "预约窗口", "ko": "창구 예약", "vi": "Đặt hẹn tại quầy",
                  "pt": "Agendar atendimento"},
    "order_link": {"ja": "呼び出しの順番", "easy": "よぶ じゅんばん", "en": "Order of calls",
                   "zh": "叫号顺序", "ko": "호출 순서", "vi": "Thứ tự gọi số", "pt": "Ordem das chamadas"},
    # ---- the subscribe step of the visit page (notify_subscribe.html) ----
    "n_title": {"ja": "順番が近づいたらお知らせします", "easy": "じゅんばんが ちかく なったら しらせます",
                "en": "Get told when your turn is near", "zh": "快轮到您时通知您",
                "ko": "순서가 가까워지면 알려 드립니다", "vi": "Nhận thông báo khi sắp đến lượt",
                "pt": "Receba um aviso quando sua vez estiver perto"},
    "n_leave": {"ja": "待合所を離れても大丈夫です。", "easy": "まちあいしつから でても だいじょうぶです。",
                "en": "You may leave the waiting area. ", "zh": "您可以离开等候区。",
                "ko": "대기 장소를 떠나셔도 괜찮습니다. ", "vi": "Bạn có thể rời khu vực chờ. ",
                "pt": "Você pode sair da sala de espera. "},
    "n_when": {"ja": "あと{people}人{minutes}になったときと、呼び出しのときにお知らせします（最大{max}回）。",
               "easy": "まえの ひとが {people}にん{minutes}に なった ときと、よばれた ときに しらせます"
                       "(いちばん おおくて {max}かい)。",
               "en": "We tell you when {people} or fewer are ahead{minutes} and when you are called "
                     "(at most {max} messages).",
               "zh": "当前面还剩{people}人{minutes}时以及叫号时通知您(最多{max}次)。",
               "ko": "앞에 {people}명{minutes} 남았을 때와 호출할 때 알려 드립니다(최대 {max}회).",
               "vi": "Chúng tôi báo khi còn {people} người trở xuống trước bạn{minutes} và khi gọi số "
                     "của bạn (tối đa {max} lần).",
               "pt": "Avisamos quando houver {people} ou menos na sua frente{minutes} e quando você "
                     "for chamado (no máximo {max} mensagens)."},
    "n_minutes": {"ja": "（または約{n}分）", "easy": "(または やく {n}ふん)", "en": " (or about {n} min)",
                  "zh": "(或约{n}分钟)", "ko": "(또는 약 {n}분)", "vi": " (hoặc khoảng {n} phút)",
                  "pt": " (ou cerca de {n} min)"},
    "n_subscribed": {"ja": "登録済み：", "easy": "とうろく しました：", "en": "Subscribed: ",
                     "zh": "已登记：", "ko": "등록됨: ", "vi": "Đã đăng ký: ", "pt": "Inscrito: "},
    "n_this_phone": {"ja": "この端末", "easy": "この でんわ", "en": "this phone", "zh": "本机",
                     "ko": "이 기기", "vi": "điện thoại này", "pt": "este celular"},
    "n_email": {"ja": "メール", "easy": "メール", "en": "e-mail", "zh": "电子邮件", "ko": "이메일",
                "vi": "e-mail", "pt": "e-mail"},
    "n_push_on": {"ja": "この端末に通知を受け取る", "easy": "この でんわで しらせを うける",
                  "en": "Notify this phone", "zh": "在本机接收通知", "ko": "이 기기로 알림 받기",
                  "vi": "Nhận thông báo trên điện thoại này", "pt": "Receber aviso neste celular"},
    "n_push_hint": {"ja": "この端末のブラウザでは通知を使えません。メールかLINEをご利用ください。",
                    "easy": "この でんわでは しらせを うけられません。メールか LINEを つかって ください。",
                    "en": "This browser cannot show notifications: use e-mail or LINE.",
                    "zh": "此浏览器无法使用通知。请使用电子邮件或LINE。",
                    "ko": "이 브라우저에서는 알림을 사용할 수 없습니다. 이메일이나 LINE을 이용해 주십시오.",
                    "vi": "Trình duyệt này không hiển thị được thông báo: hãy dùng e-mail hoặc LINE.",
                    "pt": "Este navegador não mostra avisos: use e-mail ou LINE."},
    "n_by_email": {"ja": "メールで受け取る", "easy": "メールで うける", "en": "By e-mail",
                   "zh": "通过电子邮件接收", "ko": "이메일로 받기", "vi": "Nhận qua e-mail", "pt": "Por e-mail"},
    "n_subscribe": {"ja": "登録", "easy": "とうろく", "en": "Subscribe", "zh": "登记", "ko": "등록",
                    "vi": "Đăng ký", "pt": "Inscrever"},
    "n_line": {"ja": "：市の公式アカウントを友だち追加して、次の番号を送ってください。",
               "easy": "：しの こうしき アカウントを ともだちに して、この ばんごうを おくって ください。",
               "en": ": add the city's official account and send it this code.",
               "zh": "：请添加市政府官方账号为好友，并发送以下号码。",
               "ko": ": 시의 공식 계정을 친구 추가하고 다음 번호를 보내 주십시오.",
               "vi": ": hãy kết bạn với tài khoản chính thức của thành phố và gửi mã này.",
               "pt": ": adicione a conta oficial da prefeitura e envie este código."},
    "n_code": {"ja": "送る番号", "easy": "おくる ばんごう", "en": "Code to send", "zh": "要发送的号码",
               "ko": "보낼 번호", "vi": "Mã cần gửi", "pt": "Código a enviar"},
    "n_line_add": {"ja": "LINEで友だち追加", "easy": "LINEで ともだちに する", "en": "Add on LINE",
                   "zh": "在LINE上添加好友", "ko": "LINE 친구 추가", "vi": "Kết bạn trên LINE",
                   "pt": "Adicionar no LINE"},
    "n_off": {"ja": "お知らせを止める", "easy": "しらせを とめる", "en": "Stop notifications",
              "zh": "停止通知", "ko": "알림 중지", "vi": "Dừng thông báo", "pt": "Parar avisos"},
    "n_privacy_h": {"ja": "お知らせ先の取り扱い", "easy": "れんらくさきの あつかい", "en": "What we keep",
                    "zh": "通知地址的处理", "ko": "알림 받을 곳의 취급", "vi": "Cách xử lý địa chỉ nhận thông báo",
                    "pt": "O que guardamos"},
    "n_privacy": {
        "easy": "とうろくした れんらくさきは、じゅんばんを しらせる ためだけに つかいます。ひみつに して "
                "しまい、しょくいんの がめんや たてものの なかの がめんには だしません。きょうの うけつけが "
                "おわったら ぜんぶ けします。しらせには ばんごう・まどぐち・まつ じかんだけを かきます。"
                "なまえは かきません。",
        "en": "The address you give is used only to send these messages, kept encrypted, never shown "
              "to staff or on the boards, and deleted when today's reception ends. Messages carry "
              "your number, counter and wait, never your name.",
        "zh": "您登记的通知地址仅用于发送叫号通知，加密保存，不会显示在工作人员的画面或馆内显示屏上，"
              "当天受理结束后全部删除。通知中只写号码、窗口和等候时间，不写姓名。",
        "ko": "등록하신 연락처는 순서 알림을 보내는 데에만 사용하며, 암호화하여 보관하고 직원 화면이나 "
              "청사 내 표시에 나타내지 않습니다. 당일 접수가 끝나면 모두 삭제합니다. 알림에는 번호·창구·"
              "대기 시간만 적고 이름은 적지 않습니다.",
        "vi": "Địa chỉ bạn đăng ký chỉ dùng để gửi các thông báo này, được mã hóa, không hiển thị cho "
              "nhân viên hay trên bảng, và bị xóa khi hết giờ tiếp nhận hôm nay. Thông báo chỉ ghi số, "
              "quầy và thời gian chờ, không ghi tên bạn.",
        "pt": "O endereço informado serve só para enviar esses avisos, fica guardado com criptografia, "
              "nunca aparece para os funcionários nem nos painéis e é apagado quando termina o "
              "atendimento de hoje. Os avisos trazem sua senha, o guichê e a espera, nunca o seu nome."},
}

# The answers of the subscribe requests (queue_service/notify/web.py MESSAGES, ja and en there).
ANSWERS: dict[str, dict[str, str]] = {
    "webpush": {"easy": "この でんわに しらせを とうろく しました。じゅんばんが ちかく なったら しらせます。",
                "zh": "已登记本机通知。快轮到您时会通知您。", "ko": "이 기기로 알림을 등록했습니다. 순서가 가까워지면 알려 드립니다.",
                "vi": "Đã đăng ký thông báo trên điện thoại này. Sẽ báo khi sắp đến lượt bạn.",
                "pt": "Este celular será avisado quando sua vez estiver perto."},
    "email": {"easy": "メールの しらせを とうろく しました。じゅんばんが ちかく なったら しらせます。",
              "zh": "已登记电子邮件通知。快轮到您时会通知您。", "ko": "이메일 알림을 등록했습니다. 순서가 가까워지면 알려 드립니다.",
              "vi": "Đã đăng ký thông báo qua e-mail. Sẽ báo khi sắp đến lượt bạn.",
              "pt": "Você receberá um e-mail quando sua vez estiver perto."},
    "off": {"easy": "しらせを とめました。とうろくした れんらくさきは けしました。",
            "zh": "已停止通知，登记的地址已删除。", "ko": "알림을 중지했습니다. 등록한 연락처는 삭제했습니다.",
            "vi": "Đã dừng thông báo; địa chỉ bạn đăng ký đã bị xóa.",
            "pt": "Avisos desativados; o endereço informado foi apagado."},
    "visit_closed": {"easy": "この ばんごうは おわりました。", "zh": "此号码已结束。", "ko": "이 번호는 종료되었습니다.",
                     "vi": "Số này đã kết thúc.", "pt": "Esta senha já foi encerrada."},
    "not_offered": {"easy": "この ほうほうでは しらせられません。", "zh": "无法用此方式通知。",
                    "ko": "이 방법으로는 알려 드릴 수 없습니다.", "vi": "Không có cách thông báo này.",
                    "pt": "Esta forma de aviso não está disponível."},
    "invalid_contact": {"easy": "とうろく できませんでした。いれた ものを たしかめて ください。",
                        "zh": "无法登记，请确认输入内容。", "ko": "등록할 수 없었습니다. 입력 내용을 확인해 주십시오.",
                        "vi": "Không đăng ký được: vui lòng kiểm tra thông tin đã nhập.",
                        "pt": "Não foi possível inscrever: confira o que você digitou."},
    "bad_link": {"easy": "この リンクは つかえません。", "zh": "此链接无效。", "ko": "이 링크는 유효하지 않습니다.",
                 "vi": "Liên kết này không hợp lệ.", "pt": "Este link não é válido."},
    "bad_request": {"easy": "おくった かたちが ちがいます。", "zh": "请求格式不正确。", "ko": "요청 형식이 올바르지 않습니다.",
                    "vi": "Yêu cầu không hợp lệ.", "pt": "A solicitação não foi entendida."},
}
