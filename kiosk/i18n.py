"""The kiosks' fixed words in seven languages, and names from the site configuration.

Languages, in the order of the language bar: 日本語, やさしい日本語 (easy Japanese: short
sentences, hiragana readings), English, 中文, 한국어, Tiếng Việt, Português.
Every fixed UI string and the five purpose categories exist in all seven. Texts that come
from the site configuration (names, what to bring, notes, questions, counter positions)
are shown through protocol.texts: in the reader's language where the site file gives it
(`name_pt = "..."`), else in Japanese marked as Japanese only, never in English slipped in.
"""

from __future__ import annotations

import re

from protocol.site import (
    Counter,
    Department,
    Floor,
    LifeEvent,
    Place,
    Procedure,
    Question,
    SiteConfig,
)
from protocol.texts import LANGUAGES, localized

LANGUAGE_NAMES = {
    "ja": "日本語", "easy": "やさしい日本語", "en": "English", "zh": "中文",
    "ko": "한국어", "vi": "Tiếng Việt", "pt": "Português",
}
JAPANESE = ("ja", "easy")

# The five purpose categories of Kitami's guide, keyed by the config's `category` value.
CATEGORIES = ("証明書", "住所・戸籍", "保険・年金", "高齢・介護・障がい", "子ども・子育て")
_CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    # ja, easy, en, zh, ko, vi, pt
    "証明書": ("証明書", "しょうめいしょ", "Certificates", "证明书", "증명서",
              "Giấy chứng nhận", "Certidões"),
    "住所・戸籍": ("住所・戸籍", "じゅうしょ・こせき", "Address and family register",
               "住址・户籍", "주소・호적", "Địa chỉ và hộ tịch", "Endereço e registro familiar"),
    "保険・年金": ("保険・年金", "ほけん・ねんきん", "Health insurance and pension",
               "保险・养老金", "보험・연금", "Bảo hiểm và lương hưu", "Seguro e pensão"),
    "高齢・介護・障がい": ("高齢・介護・障がい", "おとしより・かいご・しょうがい",
                   "Elderly, care and disability", "老年・护理・残障",
                   "고령・간병・장애", "Người cao tuổi, chăm sóc, khuyết tật",
                   "Idosos, cuidados e deficiência"),
    "子ども・子育て": ("子ども・子育て", "こども・こそだて", "Children and child-rearing",
                 "儿童・育儿", "어린이・육아", "Trẻ em và nuôi con", "Crianças e criação dos filhos"),
}

_TEXT: dict[str, tuple[str, ...]] = {
    # ---- floor guide --------------------------------------------------------------
    "guide_title": ("フロア案内", "あんない", "Floor guide", "楼层指南", "층별 안내",
                    "Hướng dẫn tầng", "Guia do andar"),
    "choose_purpose": ("ご用件をお選びください", "なにを しに きましたか？",
                       "What did you come for?", "请选择您要办理的事项", "용건을 선택하세요",
                       "Bạn đến để làm gì?", "O que veio fazer?"),
    "life_events": ("くらしの出来事から", "くらしの できごと", "Life events", "生活事件",
                    "생활 속 일", "Sự kiện trong cuộc sống", "Acontecimentos da vida"),
    "search": ("ことばでさがす", "ことばで さがす", "Search by word", "按关键词搜索",
               "단어로 찾기", "Tìm bằng từ khóa", "Procurar por palavra"),
    "search_hint": ("ひらがな・漢字で入力", "ひらがなで いれてください", "Type in kana, kanji or English",
                    "请输入假名、汉字或英文", "가나・한자・영어로 입력", "Nhập kana, kanji hoặc tiếng Anh",
                    "Digite em kana, kanji ou inglês"),
    "no_results": ("見つかりませんでした。総合案内でおたずねください。",
                   "みつかりません。あんないの ひとに きいてください。",
                   "Nothing found. Please ask at the information desk.",
                   "未找到。请到综合咨询处询问。", "찾지 못했습니다. 안내 창구에 문의하세요.",
                   "Không tìm thấy. Vui lòng hỏi quầy hướng dẫn.",
                   "Nada encontrado. Pergunte no balcão de informações."),
    "back": ("もどる", "もどる", "Back", "返回", "뒤로", "Quay lại", "Voltar"),
    "home": ("はじめに", "はじめに もどる", "Start", "首页", "처음으로", "Trang đầu", "Início"),
    "delete": ("1字消す", "1もじ けす", "Delete", "删除", "지우기", "Xóa", "Apagar"),
    "clear": ("消す", "けす", "Clear", "清除", "지우기", "Xóa", "Apagar"),
    "where_to_go": ("行き先", "いく ところ", "Where to go", "前往窗口", "가실 곳", "Nơi cần đến",
                    "Aonde ir"),
    "waiting": ("{n}人待ち", "{n}にん まっています", "{n} waiting", "{n}人等候", "{n}명 대기",
                "{n} người đang chờ", "{n} aguardando"),
    # {wait}: protocol.waits.wait_text (no counter open: protocol.waits.NOT_OPEN, no minutes)
    "wait_range": ("待ち時間 {wait}", "まつ じかん {wait}", "wait {wait}", "等候 {wait}",
                   "대기 {wait}", "chờ {wait}", "espera {wait}"),
    "no_live_data": ("待ち状況を取得中", "まち じょうきょうを しらべています",
                     "Waiting times loading", "正在获取等候情况", "대기 현황 확인 중",
                     "Đang tải thời gian chờ", "Carregando tempos de espera"),
    "bring": ("お持ちいただくもの", "もってくる もの", "What to bring", "需要携带的物品",
              "준비물", "Cần mang theo", "O que trazer"),
    "you_are_here": ("現在地", "いま いる ところ", "You are here", "当前位置", "현재 위치",
                     "Bạn đang ở đây", "Você está aqui"),
    "take_elevator": ("エレベーターで{floor}へ", "エレベーターで {floor}へ",
                      "Take the elevator to the {floor}", "乘电梯到{floor}", "엘리베이터로 {floor}",
                      "Đi thang máy lên {floor}", "Pegue o elevador até o {floor}"),
    "not_in_building": ("この建物では手続きできません", "この たてものでは できません",
                        "Not handled in this building", "本楼不办理", "이 건물에서는 처리하지 않습니다",
                        "Không làm tại tòa nhà này", "Não atendido neste prédio"),
    "questions_title": ("いくつか質問にお答えください", "しつもんに こたえてください",
                        "Please answer a few questions", "请回答几个问题", "몇 가지 질문에 답해 주세요",
                        "Vui lòng trả lời vài câu hỏi", "Responda a algumas perguntas"),
    "yes": ("はい", "はい", "Yes", "是", "예", "Có", "Sim"),
    "no": ("いいえ", "いいえ", "No", "否", "아니요", "Không", "Não"),
    "guidance_list": ("手続きの案内リスト", "てつづきの リスト", "Your list of procedures",
                      "办理事项清单", "절차 안내 목록", "Danh sách thủ tục", "Sua lista de procedimentos"),
    "guidance_intro": ("上から順に手続きしてください", "うえから じゅんばんに いってください",
                       "Please go in this order, from the top", "请按从上到下的顺序办理",
                       "위에서부터 순서대로 진행하세요", "Vui lòng làm theo thứ tự từ trên xuống",
                       "Siga esta ordem, de cima para baixo"),
    "print": ("印刷する", "かみに だす", "Print", "打印", "인쇄", "In", "Imprimir"),
    "printed": ("印刷しました。お取りください。", "かみを とってください。",
                "Printed. Please take the paper.", "已打印，请取走。", "인쇄했습니다. 가져가세요.",
                "Đã in. Vui lòng lấy giấy.", "Impresso. Retire o papel."),
    "print_failed": ("印刷できませんでした。係員にお知らせください。",
                     "かみが でません。かかりの ひとに いってください。",
                     "Could not print. Please tell a member of staff.", "无法打印，请告知工作人员。",
                     "인쇄할 수 없습니다. 직원에게 알려 주세요.",
                     "Không in được. Vui lòng báo nhân viên.", "Não foi possível imprimir. Avise um funcionário."),
    "certificates_here": ("証明書は「{terminal}」でも取れます。",
                          "しょうめいしょは 「{terminal}」でも とれます。",
                          "Certificates are also issued at the {terminal}.",
                          "证明书也可以在「{terminal}」办理。",
                          "증명서는 「{terminal}」에서도 발급받을 수 있습니다.",
                          "Giấy chứng nhận cũng có thể lấy tại {terminal}.",
                          "Certidões também saem no {terminal}."),
    "convenience_store": ("マイナンバーカードをお持ちの方は、コンビニでも住民票などを取得できます(コンビニ交付)",
                          "マイナンバーカードが あれば、コンビニでも じゅうみんひょうが とれます",
                          "With a My Number card you can also get certificates at convenience stores",
                          "持有个人编号卡者，也可在便利店领取住民票等证明",
                          "마이넘버카드가 있으면 편의점에서도 증명서를 발급받을 수 있습니다",
                          "Có thẻ My Number thì cũng lấy được giấy chứng nhận tại cửa hàng tiện lợi",
                          "Com o cartão My Number você também obtém certidões em lojas de conveniência"),
    "touch_to_start": ("画面にふれてください", "がめんに さわってください", "Touch the screen to start",
                       "请触摸屏幕", "화면을 터치하세요", "Chạm vào màn hình để bắt đầu",
                       "Toque na tela para começar"),
    "now_waiting": ("ただいまの待ち状況", "いま まっている ひと", "Waiting now", "当前等候情况",
                    "현재 대기 현황", "Tình trạng chờ hiện tại", "Espera agora"),
    "my_progress": ("番号札で進み具合を見る", "ばんごうで すすみぐあいを みる",
                    "Check my ticket's progress", "用号码查看办理进度", "번호표로 진행 상황 보기",
                    "Xem tiến độ theo số phiếu", "Ver o andamento pela senha"),
    "enter_number": ("番号札の番号を入力してください", "ばんごうふだの ばんごうを いれてください",
                     "Enter the number on your ticket", "请输入号码牌上的号码",
                     "번호표의 번호를 입력하세요", "Nhập số trên phiếu của bạn",
                     "Digite o número da sua senha"),
    "look_up": ("見る", "みる", "Show", "查看", "보기", "Xem", "Ver"),
    "number_unknown": ("その番号は見つかりません。番号をお確かめください。",
                       "その ばんごうは ありません。もういちど みてください。",
                       "That number was not found today. Please check it.",
                       "今天没有这个号码，请确认。", "오늘 그 번호는 없습니다. 확인해 주세요.",
                       "Không tìm thấy số này hôm nay. Vui lòng kiểm tra.",
                       "Número não encontrado hoje. Confira, por favor."),
    "come_to_counter": ("{counter}へお越しください", "{counter}へ きてください",
                        "Please come to {counter} now", "请到{counter}", "{counter}로 오세요",
                        "Vui lòng đến {counter} ngay", "Dirija-se ao {counter} agora"),
    "next_step": ("次の手続き", "つぎの てつづき", "Next", "下一项", "다음 절차", "Thủ tục tiếp theo",
                  "Próximo"),
    "all_done": ("すべての手続きが終わりました", "ぜんぶ おわりました", "All your procedures are done",
                 "所有手续已办完", "모든 절차가 끝났습니다", "Đã xong tất cả thủ tục",
                 "Todos os procedimentos foram concluídos"),
    "people_ahead": ("前に{n}人", "まえに {n}にん", "{n} ahead of you", "前面还有{n}人",
                     "앞에 {n}명", "còn {n} người trước bạn", "{n} na sua frente"),
    "steps_done": ("手続き {done}/{total} 済み", "てつづき {total}こ のうち {done}こ おわり",
                   "{done} of {total} procedures done", "已办完 {done}/{total} 项手续",
                   "절차 {total}개 중 {done}개 완료", "Đã xong {done}/{total} thủ tục",
                   "{done} de {total} procedimentos concluídos"),
    "details_on_phone": ("手続きの名前は、番号札のQRコードからスマートフォンで見られます。",
                         "てつづきの なまえは、ばんごうふだの QRコードを スマホで よみとると みられます。",
                         "To see which procedures, scan the QR code on your ticket with your phone.",
                         "手续名称请用手机扫描号码牌上的二维码查看。",
                         "절차 이름은 번호표의 QR 코드를 휴대폰으로 스캔하면 볼 수 있습니다.",
                         "Để xem tên thủ tục, hãy quét mã QR trên phiếu bằng điện thoại.",
                         "Para ver os procedimentos, leia o QR code da senha com o celular."),
    # ---- certificate terminal ------------------------------------------------------
    "cert_title": ("らくらく証明書発行", "しょうめいしょの もうしこみ", "Self-service certificates",
                   "证明书自助申请", "증명서 셀프 신청", "Tự đăng ký giấy chứng nhận",
                   "Certidões por autoatendimento"),
    "choose_certs": ("必要な証明書と通数をえらんでください", "ほしい しょうめいしょと まいすうを えらんでください",
                     "Choose the certificates and copies", "请选择证明书和份数", "증명서와 통수를 선택하세요",
                     "Chọn giấy chứng nhận và số bản", "Escolha as certidões e o número de cópias"),
    "copies": ("{n}通", "{n}まい", "{n} cop.", "{n}份", "{n}통", "{n} bản", "{n} cóp."),
    "purpose": ("使いみち", "つかいみち", "Purpose", "用途", "용도", "Mục đích", "Finalidade"),
    "fee_each": ("1通 {fee}円", "1まい {fee}えん", "{fee} yen each", "每份{fee}日元", "1통 {fee}엔",
                 "{fee} yên/bản", "{fee} ienes cada"),
    "total_fee": ("手数料 合計 {fee}円", "おかね ぜんぶで {fee}えん", "Total fee {fee} yen",
                  "手续费合计{fee}日元", "수수료 합계 {fee}엔", "Tổng lệ phí {fee} yên",
                  "Taxa total {fee} ienes"),
    "next": ("つぎへ", "つぎへ", "Next", "下一步", "다음", "Tiếp", "Próximo"),
    "identify_title": ("ご本人の確認", "あなたの かくにん", "Identification", "本人确认", "본인 확인",
                       "Xác minh danh tính", "Identificação"),
    "place_card": ("マイナンバーカードをカードリーダーに置いてください",
                   "マイナンバーカードを きかいの うえに おいてください",
                   "Place your My Number card on the reader", "请将个人编号卡放在读卡器上",
                   "마이넘버카드를 리더기에 올려 주세요", "Đặt thẻ My Number lên đầu đọc",
                   "Coloque o cartão My Number no leitor"),
    "enter_pin": ("暗証番号(数字4けた)を入力してください", "あんしょうばんごう(すうじ 4つ)を いれてください",
                  "Enter your 4-digit PIN", "请输入4位密码", "비밀번호(숫자 4자리)를 입력하세요",
                  "Nhập mã PIN 4 chữ số", "Digite o PIN de 4 dígitos"),
    "pin_wrong": ("暗証番号がちがいます。あと{n}回まちがえるとカードがロックされます。",
                  "ばんごうが ちがいます。あと {n}かい まちがえると つかえなく なります。",
                  "Wrong PIN. The card locks after {n} more wrong tries.",
                  "密码错误。再错{n}次卡将被锁定。", "비밀번호가 틀렸습니다. {n}번 더 틀리면 카드가 잠깁니다.",
                  "Sai mã PIN. Sai thêm {n} lần thẻ sẽ bị khóa.",
                  "PIN errado. O cartão bloqueia após mais {n} erros."),
    "pin_last_try": ("次にまちがえるとカードがロックされます。\nわからない場合は「手で入力」を選んでください。",
                     "つぎに まちがえると カードが つかえなく なります。\nわからないときは「てで いれる」を えらんでください。",
                     "Last try: one more wrong PIN locks the card. If unsure, choose 'Enter by hand'.",
                     "最后一次：再错一次卡将被锁定。如不确定请选择“手动输入”。",
                     "마지막 기회: 한 번 더 틀리면 카드가 잠깁니다. 모르면 '직접 입력'을 선택하세요.",
                     "Lần cuối: sai thêm một lần thẻ sẽ bị khóa. Nếu không chắc, chọn 'Nhập tay'.",
                     "Última tentativa: mais um erro bloqueia o cartão. Na dúvida, escolha 'Digitar'."),
    "card_locked": ("カードがロックされています。市民課の窓口で解除できます。「手で入力」もできます。",
                    "カードが つかえません。まどぐちで なおせます。「てで いれる」も できます。",
                    "The card is locked. The Citizens counter can unlock it. You can also enter by hand.",
                    "卡已被锁定，可在市民课窗口解锁，也可手动输入。",
                    "카드가 잠겼습니다. 시민과 창구에서 해제할 수 있습니다. 직접 입력도 가능합니다.",
                    "Thẻ đã bị khóa. Quầy Dân sự có thể mở khóa. Bạn cũng có thể nhập tay.",
                    "O cartão está bloqueado. O balcão de Cidadãos pode desbloqueá-lo. Você também pode digitar."),
    "card_error": ("カードを読めませんでした。置きなおしてください。",
                   "カードが よめません。もういちど おいてください。",
                   "Could not read the card. Please place it again.", "无法读取卡片，请重新放置。",
                   "카드를 읽을 수 없습니다. 다시 올려 주세요.", "Không đọc được thẻ. Vui lòng đặt lại.",
                   "Não foi possível ler o cartão. Coloque-o novamente."),
    "enter_by_hand": ("手で入力", "てで いれる", "Enter by hand", "手动输入", "직접 입력", "Nhập tay",
                      "Digitar"),
    "no_card": ("カードをお持ちでない方", "カードが ない ひと", "No My Number card?", "没有个人编号卡的人",
                "마이넘버카드가 없는 분", "Không có thẻ My Number?", "Sem cartão My Number?"),
    "read_card": ("カードで読み取る", "カードで よむ", "Read my card", "读取卡片", "카드로 읽기",
                  "Đọc thẻ", "Ler cartão"),
    "name": ("氏名", "なまえ", "Name", "姓名", "성명", "Họ tên", "Nome"),
    "name_kana": ("フリガナ", "なまえの よみかた", "Name (kana)", "姓名读音", "이름 (가나)",
                  "Tên (kana)", "Nome (kana)"),
    "address": ("住所", "じゅうしょ", "Address", "住址", "주소", "Địa chỉ", "Endereço"),
    "birth_date": ("生年月日", "うまれた ひ", "Date of birth", "出生日期", "생년월일", "Ngày sinh",
                   "Data de nascimento"),
    "birth_hint": ("例 昭和55年4月1日 / 1980-04-01", "れい しょうわ55ねん4がつ1にち / 1980-04-01",
                   "e.g. 1980-04-01 or 昭和55年4月1日", "例 1980-04-01", "예 1980-04-01",
                   "vd 1980-04-01", "ex. 1980-04-01"),
    "sex": ("性別", "せいべつ", "Sex", "性别", "성별", "Giới tính", "Sexo"),
    "male": ("男", "おとこ", "Male", "男", "남", "Nam", "Masculino"),
    "female": ("女", "おんな", "Female", "女", "여", "Nữ", "Feminino"),
    "unknown": ("記載なし", "かかない", "Not stated", "未填写", "기재 안 함", "Không ghi", "Não informado"),
    "confirm_title": ("内容をご確認ください", "ないようを たしかめてください", "Please check",
                      "请确认内容", "내용을 확인하세요", "Vui lòng kiểm tra", "Confira os dados"),
    "sign_only": ("印刷された申請書に署名だけしてください", "かみに なまえを かくだけです",
                  "Only sign the printed application", "只需在打印的申请书上签名",
                  "인쇄된 신청서에 서명만 하세요", "Chỉ cần ký vào đơn đã in",
                  "Apenas assine o formulário impresso"),
    "apply": ("申請書と番号札を印刷", "かみと ばんごうふだを だす", "Print application and ticket",
              "打印申请书和号码牌", "신청서와 번호표 인쇄", "In đơn và phiếu số",
              "Imprimir formulário e senha"),
    "your_number": ("あなたの番号", "あなたの ばんごう", "Your number", "您的号码", "당신의 번호",
                    "Số của bạn", "Sua senha"),
    "go_to_counter": ("{counter}でお待ちください", "{counter}で まってください",
                      "Please wait for {counter}", "请在{counter}等候", "{counter}에서 기다려 주세요",
                      "Vui lòng chờ tại {counter}", "Aguarde no {counter}"),
    "qr_caption": ("スマートフォンで待ち状況が見られます", "スマホで まちじょうきょうが みられます",
                   "Scan to follow your wait on your phone", "用手机扫码查看等候情况",
                   "스마트폰으로 대기 상황을 볼 수 있습니다", "Quét mã để xem tình trạng chờ trên điện thoại",
                   "Escaneie para acompanhar a espera no celular"),
    "take_card": ("カードをお取りください", "カードを わすれないで ください", "Please take your card",
                  "请取回您的卡", "카드를 가져가세요", "Vui lòng lấy thẻ của bạn", "Retire seu cartão"),
    "service_down": ("ただいま受付できません。係員にお知らせください。",
                     "いまは うけつけ できません。かかりの ひとに いってください。",
                     "Cannot take applications now. Please tell a member of staff.",
                     "暂时无法受理，请告知工作人员。", "지금은 접수할 수 없습니다. 직원에게 알려 주세요.",
                     "Hiện không thể tiếp nhận. Vui lòng báo nhân viên.",
                     "Não é possível atender agora. Avise um funcionário."),
    "field_missing": ("{field}を入力してください", "{field}を いれてください", "Please enter {field}",
                      "请输入{field}", "{field}을(를) 입력하세요", "Vui lòng nhập {field}",
                      "Preencha {field}"),
    "choose_one": ("証明書を1つ以上えらんでください", "しょうめいしょを えらんでください",
                   "Choose at least one certificate", "请至少选择一种证明书", "증명서를 하나 이상 선택하세요",
                   "Chọn ít nhất một giấy chứng nhận", "Escolha pelo menos uma certidão"),
    "please_wait": ("お待ちください…", "まって ください…", "Please wait…", "请稍候…",
                    "잠시 기다려 주세요…", "Vui lòng chờ…", "Aguarde…"),
    "finish": ("おわる", "おわる", "Finish", "完成", "끝내기", "Kết thúc", "Concluir"),
    # ---- check-in of a booking at the floor guide (kiosk/checkin.py) -----------------
    "booked_visit": ("予約した方", "よやくした ひと", "Booked visit", "已预约的人", "예약하신 분",
                     "Đã đặt hẹn", "Com agendamento"),
    "checkin_hint": ("予約番号(8文字)を入力するか、QRコードをかざしてください",
                     "よやくの ばんごう(8もじ)を いれるか、QRコードを かざして ください",
                     "Type your booking code (8 characters) or hold its QR code to the reader",
                     "请输入预约号(8位)或出示二维码", "예약 번호(8자)를 입력하거나 QR 코드를 대 주세요",
                     "Nhập mã đặt hẹn (8 ký tự) hoặc đưa mã QR", "Digite o código (8 caracteres) ou mostre o QR"),
    "check_in": ("受付する", "うけつけ する", "Check in", "签到", "접수하기", "Xác nhận đến",
                 "Fazer check-in"),
    "checkin_bad_code": ("予約番号は8文字です(例: ABCD-EFGH)", "よやくの ばんごうは 8もじ です",
                         "A booking code has 8 characters (ABCD-EFGH)", "预约号为8位(例: ABCD-EFGH)",
                         "예약 번호는 8자입니다(예: ABCD-EFGH)", "Mã đặt hẹn có 8 ký tự (ABCD-EFGH)",
                         "O código tem 8 caracteres (ABCD-EFGH)"),
    "checkin_unknown": ("予約 {code} は見つかりません。番号をお確かめください",
                        "よやく {code} は ありません。ばんごうを みて ください",
                        "No booking {code}: please check the code", "找不到预约 {code}，请确认号码",
                        "예약 {code}을(를) 찾을 수 없습니다", "Không tìm thấy đặt hẹn {code}",
                        "Agendamento {code} não encontrado"),
    "checkin_expired": ("予約 {code} は別の日の予約です(期限切れ)。総合案内でおたずねください",
                        "よやく {code} は ほかの ひの よやく です。あんないの ひとに きいて ください",
                        "Booking {code} was for another day. Please ask at the information desk",
                        "预约 {code} 是其他日期的(已过期)，请到咨询处询问",
                        "예약 {code}은(는) 다른 날짜의 예약입니다(만료)", "Đặt hẹn {code} là của ngày khác (hết hạn)",
                        "O agendamento {code} era para outro dia (expirado)"),
    "checkin_cancelled": ("予約 {code} は取り消されています", "よやく {code} は とりけされて います",
                          "Booking {code} was cancelled", "预约 {code} 已取消", "예약 {code}은(는) 취소되었습니다",
                          "Đặt hẹn {code} đã bị hủy", "O agendamento {code} foi cancelado"),
    "checkin_already": ("予約 {code} は受付済みです({n}番)", "よやく {code} は もう うけつけ しました({n}ばん)",
                        "Booking {code} is already checked in (number {n})", "预约 {code} 已签到({n}号)",
                        "예약 {code}은(는) 이미 접수되었습니다({n}번)", "Đặt hẹn {code} đã xác nhận (số {n})",
                        "O agendamento {code} já fez check-in (senha {n})"),
    "checkin_too_early": ("ご予約は{slot}です。\n{at}から受付できます。その頃にもう一度お越しください",
                          "よやくは {slot} です。\n{at} から うけつけ できます。そのころ また きて ください",
                          "Your booking is at {slot}. Check-in opens at {at}: please come back then",
                          "您的预约是 {slot}，{at} 起可以签到，请届时再来",
                          "예약은 {slot}입니다. {at}부터 접수할 수 있습니다", "Lịch hẹn lúc {slot}. Có thể xác nhận từ {at}",
                          "Seu horário é {slot}. O check-in abre às {at}"),
    "checkin_on_time": ("{slot}のご予約を受け付けました。\n予約の時刻にお呼びします",
                        "{slot}の よやくを うけつけ ました。\nよやくの じかんに よびます",
                        "You are checked in for {slot}: you will be called at your time",
                        "已签到({slot})，到时会叫号", "{slot} 예약 접수 완료. 예약 시각에 호출합니다",
                        "Đã xác nhận lịch {slot}: sẽ gọi đúng giờ", "Check-in feito para {slot}: chamaremos no horário"),
    "checkin_late": ("予約の{slot}を過ぎたため、\n当日受付として順番にお呼びします",
                     "よやくの {slot} を すぎたので、\nばんごうの じゅんばんに よびます",
                     "Your {slot} booking has passed: you are called in turn like a walk-in",
                     "已超过预约时间 {slot}，将按顺序叫号", "예약 시각 {slot}이 지나 순서대로 호출합니다",
                     "Đã quá giờ hẹn {slot}: sẽ gọi theo thứ tự", "Passou do horário {slot}: chamaremos por ordem"),
    "scan_here": ("QRコードの読み取り", "QRコード", "QR code reader", "二维码读取", "QR 코드 읽기",
                  "Đọc mã QR", "Leitor de QR"),
    "first_go_to": ("はじめに行くところ", "はじめに いく ところ", "Go first to", "请先前往", "먼저 가실 곳",
                    "Đến trước tiên", "Vá primeiro a"),
    "ticket_booked": ("予約 {slot}", "よやく {slot}", "Booked {slot}", "预约 {slot}", "예약 {slot}",
                      "Đặt hẹn {slot}", "Agendado {slot}"),
    "ticket_late": ("予約 {slot} 遅れ: 順番にお呼びします", "よやく {slot} おくれ: じゅんばんに よびます",
                    "Late for {slot}: called in turn", "预约 {slot} 迟到: 按顺序叫号", "예약 {slot} 지각: 순서대로 호출",
                    "Trễ hẹn {slot}: gọi theo thứ tự", "Atrasado {slot}: chamada por ordem"),
}

_PURPOSES: tuple[tuple[str, ...], ...] = (
    ("勤務先へ提出", "しごと", "For an employer", "提交给工作单位", "직장 제출", "Nộp cho nơi làm việc",
     "Para o empregador"),
    ("年金・保険の手続き", "ねんきん・ほけん", "Pension or insurance", "养老金・保险手续",
     "연금・보험 절차", "Lương hưu hoặc bảo hiểm", "Pensão ou seguro"),
    ("金融機関・ローン", "ぎんこう", "Bank or loan", "金融机构・贷款", "금융기관・대출", "Ngân hàng hoặc vay",
     "Banco ou empréstimo"),
    ("自動車の登録", "くるま", "Car registration", "汽车登记", "자동차 등록", "Đăng ký xe",
     "Registro de veículo"),
    ("入学・就学", "がっこう", "School", "入学・就学", "입학・취학", "Trường học", "Escola"),
    ("その他", "そのほか", "Other", "其他", "기타", "Khác", "Outro"),
)
PURPOSES_JA = tuple(p[0] for p in _PURPOSES)


def _index(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    return LANGUAGES.index(lang)


def t(key: str, lang: str, **values: object) -> str:
    """A fixed UI string in `lang`, with {placeholders} filled in."""
    return _TEXT[key][_index(lang)].format(**values)


def category_name(category: str, lang: str) -> str:
    names = _CATEGORY_NAMES.get(category)
    return names[_index(lang)] if names else category


def purpose_name(purpose_ja: str, lang: str) -> str:
    """Purposes are stored in Japanese (the city's form); shown in the citizen's language."""
    for row in _PURPOSES:
        if row[0] == purpose_ja:
            return row[_index(lang)]
    return purpose_ja


def name_of(item: Procedure | Department | Floor | Place | LifeEvent | SiteConfig,
            lang: str) -> str:
    """The name of a configured thing in `lang` (protocol.texts: Japanese marked
    「(só em japonês)」 where the site file has no `name_<lang>`)."""
    return localized(item, "name", lang)


def question_text(question: Question, lang: str) -> str:
    return localized(question, "text", lang)


def counter_position(counter: Counter, lang: str) -> str:
    return localized(counter, "position", lang)


def counters_position(counters: tuple[Counter, ...] | list[Counter], goal: Counter,
                      lang: str) -> str:
    """'5・6番窓口(市民課)' when several counters serve the same queue: the goal's number
    in its position text becomes the list of numbers."""
    position = counter_position(goal, lang)
    if len(counters) == 1:
        return position
    numbers = [str(c.number) for c in counters]
    if f"{goal.number}番" in position:
        return position.replace(f"{goal.number}番", f"{'・'.join(numbers)}番", 1)
    if lang == "en":
        return position.replace(f"Counter {goal.number}", f"Counters {', '.join(numbers)}", 1)
    return re.sub(rf"\b{goal.number}\b", ", ".join(numbers), position, count=1)


def counter_colour(counter: Counter, lang: str) -> str:
    return localized(counter, "colour", lang)


def bring_list(proc: Procedure, lang: str) -> tuple[str, ...]:
    return localized(proc, "bring", lang)


def note_of(proc: Procedure, lang: str) -> str:
    return localized(proc, "note", lang)


def check_complete() -> list[str]:
    """Keys whose translations are missing or empty (the tests require none)."""
    bad = [k for k, v in _TEXT.items() if len(v) != len(LANGUAGES) or not all(v)]
    bad += [k for k, v in _CATEGORY_NAMES.items() if len(v) != len(LANGUAGES) or not all(v)]
    bad += [r[0] for r in _PURPOSES if len(r) != len(LANGUAGES) or not all(r)]
    return bad
