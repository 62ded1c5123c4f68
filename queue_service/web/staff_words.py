"""The staff pages' words: Japanese first, English beside it, always both.

Many halls have staff who read English better than Japanese, and a supervisor from
another site may too. Every heading, button, state and message of the staff pages has
a Japanese and an English text here; `both` writes them as
`<span class="ja">…</span><span class="en" lang="en">…</span>` (the style sheet sets the
English smaller, below the Japanese on buttons and figures, beside it in headings), and
`plain` as two lines of text for a toast, a title or a confirmation. A state's words are
`protocol.glossary`'s, as on every other surface, and so are a device's health alerts.
"""

from __future__ import annotations

from markupsafe import Markup

from protocol import glossary

# "0" in this cookie hides the English of the staff pages (a staff member's own choice,
# from the header); Japanese is never hidden.
ENGLISH_COOKIE = "staff_en"

WORDS: dict[str, tuple[str, str]] = {
    # ---- header and sign-in
    "nav_console": ("窓口操作", "Counter"),
    "nav_dashboard": ("状況一覧", "Overview"),
    "nav_bookings": ("予約", "Bookings"),
    "nav_reports": ("集計", "Reports"),
    "nav_audit": ("操作記録", "Audit log"),
    "nav_accounts": ("アカウント", "Accounts"),
    "nav_public": ("公開ページ", "Public page"),
    "sign_out": ("サインアウト", "Sign out"),
    "sign_in": ("サインイン", "Sign in"),
    "login_title": ("職員サインイン", "Staff sign-in"),
    "user": ("職員ID", "Staff ID"),
    "password": ("パスワード", "Password"),
    "login_bad": ("職員IDまたはパスワードが違います。", "Wrong staff ID or password."),
    "login_locked": ("パスワードの誤りが続いたため、15分間サインインできません。管理者へ連絡してください。",
                     ("Too many wrong passwords: sign-in is locked for 15 minutes. "
                     "Please contact an administrator.")),
    "login_busy": ("サインインの試行が集中しています。1分ほど待ってからもう一度お試しください。",
                   "Too many sign-in attempts at the moment. Please wait a minute and try again."),
    "login_expired": ("画面の有効期限が切れました。もう一度入力してください。",
                      "This page expired. Please enter your details again."),
    "english_off": ("英語を隠す", "Hide English"),
    "english_on": ("英語も表示", "Show English"),
    # ---- choosing a counter
    "choose_counter": ("担当する窓口を選んでください", "Choose your counter"),
    "open_short": ("開", "open"),
    "closed_short": ("閉", "closed"),
    # ---- console: the counter bar
    "counter_open": ("受付中(開)", "Open"),
    "counter_closed": ("閉じています", "Closed"),
    "open_counter": ("窓口を開ける", "Open counter"),
    "close_counter": ("窓口を閉じる", "Close counter"),
    "dept_waiting": ("待ち", "Waiting"),
    "dept_wait": ("目安", "Estimate"),
    "remote": ("リモート窓口({branch})", "Remote counter ({branch_en})"),
    "video": ("ビデオ通話を開く", "Open the video call"),
    "shared_counter": ("この窓口は {names} さんも操作しています。同じ窓口を二人で操作すると呼び出しが重なります。",
                       ("{names} also work this counter: two operators at one counter call over "
                       "each other.")),
    # ---- console: the visit in hand
    "current": ("対応中の番号", "Number at this counter"),
    "issued_at": ("発券", "issued"),
    "called_at": ("呼出", "called"),
    "absent_times": ("不在 {n} 回", "absent ×{n}"),
    "life_event": ("ライフイベント", "Life event"),
    "language": ("言語", "Language"),
    "hearing_alert": (("呼び出しの声が聞こえないことがあります。表示板と呼出器（貸出時）で呼んでいます。"
                      "お見えにならないときは、不在にする前に待合所で番号を示してお声がけください。"),
                      ("This citizen may not hear a spoken call: the board and the pager (if lent) "
                      "call them. If they do not come, show the number in the waiting area and ask "
                      "before marking them absent.")),
    "empty_open": ("「次を呼ぶ」で待っているかたを呼び出します。",
                   "Press \u201cCall next\u201d to call the next citizen."),
    "empty_closed": ("窓口を開けると呼び出しができます。", "Open the counter to start calling."),
    "call_next": ("次を呼ぶ", "Call next"),
    "recall": ("再呼出", "Call again"),
    "absent": ("不在", "Absent"),
    "start": ("受付開始", "Start"),
    "finish": ("この手続き完了", "Procedure done"),
    "hold": ("保留", "Hold"),
    "skip": ("不要にする", "Not needed"),
    "cancel_visit": ("受付取消", "Cancel visit"),
    "cancel_visit_confirm": ("番号の受付をすべて取り消します。よろしいですか？",
                             "This cancels every procedure of this number. Continue?"),
    "itinerary": ("案内リスト", "Guidance list"),
    "itinerary_shared": ("(全課共通)", "(shared by all departments)"),
    "th_state": ("状態", "State"),
    "th_procedure": ("手続き", "Procedure"),
    "th_department": ("課", "Department"),
    "th_counter": ("窓口", "Counter"),
    "on_behalf": ("代行受付", "accepted on behalf"),
    "cancel_step": ("取消", "Cancel"),
    "cancel_step_title": ("この手続きを取り消す", "Cancel this procedure"),
    "add_procedure": ("手続きを追加", "Add a procedure"),
    "choose": ("選択…", "Choose…"),
    "position_next": ("次に", "next"),
    "position_end": ("最後に", "last"),
    "add": ("追加", "Add"),
    "transfer": ("他の課へ回す", "Pass on to a department"),
    "transfer_button": ("回す", "Pass on"),
    "application": ("証明書交付申請(らくらく窓口で入力済み)",
                    "Certificate application (entered at the self-service terminal)"),
    "applicant_name": ("氏名", "Name"),
    "applicant_address": ("住所", "Address"),
    "applicant_birth": ("生年月日", "Date of birth"),
    "identified": ("本人確認", "ID check"),
    "by_mynumber": ("マイナンバーカード", "My Number card"),
    "by_counter": ("窓口で確認", "At the counter"),
    "certificate": ("証明書", "Certificate"),
    "copies": ("通数", "Copies"),
    "purpose": ("使用目的", "Purpose"),
    "fee": ("手数料 <b>{fee}</b> 円", "Fee ¥{fee}"),
    # ---- console: the line
    "queue_title": ("{dept}の待ち", "Waiting for {dept_en}"),
    "minutes": ("{n} 分", "min"),  # a figure in a table or list: the unit, not twice the figure
    "booked": ("予約 {at}", "booked {at}"),
    "queue_empty": ("お待ちのかたはいません", "No one is waiting"),
    "more": ("ほか {n} 人", "{n} more"),
    "parked": ("保留・不在", "On hold and absent"),
    "back_in_line": ("列に戻っています", "back in the line"),
    "requeue": ("列に戻す", "Back to the line"),
    "call": ("呼ぶ", "Call"),
    "none": ("なし", "None"),
    "keys": ("キー操作", "Keys"),
    # ---- dashboard
    "issued_today": ("本日の受付", "Visits today"),
    "waiting_now": ("お待ち", "Waiting"),
    "all_done": ("すべて完了", "Finished"),
    "business_day": ("営業日", "Business day"),
    "alert": ("{dept}: 最長 {n} 分待ち(基準 {limit} 分を超過)",
              "{dept_en}: longest wait {n} min (over the {limit} min limit)"),
    "staffing": ("窓口の配置", "Counters to open"),
    "staffing_next": ("この先60分の見込み", "forecast for the next 60 minutes"),
    "staffing_detail": ("開 {open} → {needed}、見込み {load} 窓口分",
                        "open {open} → {needed}, {load} counter-minutes of work"),
    "staffing_enough": ("いまの窓口数で足りる見込みです", "The open counters should be enough"),
    "by_department": ("課ごとの状況", "By department"),
    "th_waiting": ("待ち人数", "Waiting"),
    "th_longest": ("最長待ち", "Longest wait"),
    "th_estimate": ("待ち目安", "Estimated wait"),
    "th_parked": ("保留・不在", "Held / absent"),
    "th_counters": ("窓口(開/全)", "Counters (open/all)"),
    "th_handling": ("平均対応(本日)", "Mean service (today)"),
    "over": ("超過", "over"),
    "done_count": ("{n}件", "done"),
    "open_this": ("{n}番窓口を開ける", "Open counter {n}"),
    "close_this": ("{n}番窓口を閉じる", "Close counter {n}"),
    "devices": ("機器の状態", "Devices"),
    "devices_online": ("{n} / {total} 台 稼働中", "{n} of {total} online"),
    "online": ("オンライン", "Online"),
    "offline": ("オフライン", "Offline"),
    "last_seen": ("最終 {n} 分前", "seen {n} min ago"),
    "no_devices": ("登録された機器はまだありません", "No devices enrolled yet"),
    # ---- reports
    "reports": ("集計", "Reports"),
    "day": ("営業日", "Business day"),
    "show": ("表示", "Show"),
    "prev_day": ("← 前日", "← previous day"),
    "next_day": ("翌日 →", "next day →"),
    "r_visits": ("来庁者(番号)", "Visits (numbers)"),
    "r_procedures": ("手続き(完了/受付)", "Procedures (done/taken)"),
    "r_wait_mean": ("平均待ち", "Mean wait"),
    "r_wait_mean_min": ("平均待ち", "Mean wait (min)"),
    "r_wait_p90_min": ("90%の人の待ち", "Wait of 90% of people (min)"),
    "r_multi": ("複数課の来庁", "Visits to several departments"),
    "r_absent_rate": ("不在率", "Absent rate"),
    "r_no_records": ("この日の記録はありません。", "Nothing was recorded on this day."),
    "r_hourly": ("時間帯別の来庁者数と待ち時間", "Arrivals and waits by hour"),
    "r_hour": ("時", "Hour"),
    "r_arrivals": ("来庁者", "Arrivals"),
    "r_calls": ("呼出", "Calls"),
    "r_done": ("完了手続き", "Procedures done"),
    "r_mean_min": ("平均待ち(分)", "Mean wait (min)"),
    "r_p90_min": ("90%待ち(分)", "90% wait (min)"),
    "r_by_department": ("課ごとの待ち時間", "Waits by department"),
    "r_p90": ("90%待ち", "90% wait"),
    "r_handling": ("平均対応", "Mean service"),
    "r_by_procedure": ("手続きごとの対応時間(分)", "Service time by procedure (min)"),
    "r_count": ("件数", "Count"),
    "r_mean": ("平均", "Mean"),
    "r_planned": ("想定", "Planned"),
    "r_heatmap": ("曜日×時間帯の混雑(過去4週間)", "Arrivals by weekday and hour (last 4 weeks)"),
    "r_bookings": ("予約", "Bookings"),
    "r_no_bookings": ("この日の予約はありません。", "No bookings on this day."),
    "rb_bookings": ("予約", "Bookings"),
    "rb_on_time": ("来庁済(時間内)", "Checked in on time"),
    "rb_past_slot": ("予約時刻からの待ち 平均 / 90%(分)", "Wait after the booked time, mean / 90% (min)"),
    "rb_walk_in": ("当日来庁の待ち 平均(分)", "Walk-ins' mean wait (min)"),
    "csv_daily": ("日別", "by day"),
    "csv_hourly": ("時間帯別", "by hour"),
    "csv_procedures": ("手続き別", "by procedure"),
    "csv_departments": ("課別", "by department"),
    "csv_bookings": ("予約", "bookings"),
    "csv_31_days": ("過去31日の日別 CSV", "last 31 days by day, CSV"),
    # ---- bookings taken by staff
    "bk_title": ("予約", "Bookings"),
    "bk_phone": ("電話で予約を受ける", "Take a booking by phone"),
    "bk_purpose": ("目的", "Purpose"),
    "bk_choose": ("— 選んでください —", "— choose —"),
    "bk_day": ("日にち", "Day"),
    "bk_free": ("空き{n}", "{n} free"),
    "bk_see_free": ("空きを見る", "See free times"),
    "bk_time": ("時間", "Time"),
    "bk_contact": ("連絡先(任意)", "Contact (optional)"),
    "bk_book": ("予約する", "Book"),
    "bk_no_name": ("お名前は伺いません。予約番号を読み上げてお伝えください。",
                   "Do not ask for a name: read the booking code out to the caller."),
    "bk_of_day": ("{day} の予約({n}件)", "Bookings on {day} ({n})"),
    "bk_prev": ("‹ 前日", "previous"),
    "bk_today": ("今日", "today"),
    "bk_next": ("翌日 ›", "next"),
    "bk_code": ("予約番号", "Booking code"),
    "bk_place": ("場所", "Place"),
    "bk_number": ("番号", "Number"),
    "bk_taken": ("受付", "Taken by"),
    "bk_by_phone": ("電話", "phone"),
    "bk_by_web": ("ウェブ", "web"),
    "bk_made": ("予約しました。予約番号 {code} をお伝えください。",
                "Booked. Please tell the caller the booking code {code}."),
    "bk_need_purpose": ("目的を選んでください。", "Please choose a purpose."),
    # a booking's states: 来庁済 (checked in), never 受付済, the guidance list's word for a
    # procedure accepted on behalf of its department
    "bk_booked": ("予約中", "Booked"),
    "bk_checked_in": ("来庁済", "Checked in"),
    "bk_late": ("遅れて来庁", "Checked in late"),
    "bk_cancelled": ("取消", "Cancelled"),
    "bk_no_show": ("来庁なし", "No-show"),
    # ---- audit log
    "audit": ("操作記録", "Audit log"),
    "audit_scope": ("(新しい順・300件)", "(newest first, 300 rows)"),
    "a_time": ("時刻", "Time"),
    "a_staff": ("職員", "Staff"),
    "a_action": ("操作", "Action"),
    "a_result": ("結果", "Result"),
    "a_detail": ("内容", "Detail"),
    "a_refused": ("拒否", "refused"),
    # ---- accounts
    "accounts": ("職員アカウント", "Staff accounts"),
    "ac_name": ("氏名", "Name"),
    "ac_role": ("役割", "Role"),
    "ac_state": ("状態", "State"),
    "ac_active": ("有効", "active"),
    "ac_inactive": ("無効", "disabled"),
    "ac_locked": ("サインイン制限中", "sign-in locked"),
    "ac_unlock": ("制限を解除", "Unlock"),
    "ac_disable": ("無効にする", "Disable"),
    "ac_create": ("アカウントを作成", "Create an account"),
    "ac_password": ("初期パスワード(8文字以上)", "First password (8 characters or more)"),
    "ac_create_button": ("作成", "Create"),
    "ac_unlocked": ("{user} のサインイン制限を解除しました。", "{user} may sign in again."),
    "ac_disabled": ("{user} を無効にしました。", "{user} is disabled."),
    "ac_created": ("{user} を作成しました。", "{user} was created."),
    "ac_error": ("エラー: {error}", "Error: {error}"),
    # ---- answers to actions (toasts)
    "msg_opened": ("窓口を開けました。", "Counter opened."),
    "msg_closed": ("窓口を閉じました。", "Counter closed."),
    "msg_nobody": ("お待ちの方はいません。", "No one is waiting."),
    "msg_done": ("処理しました。", "Done."),
    "msg_failed": ("処理できませんでした。", "That did not work."),
    "msg_unknown_action": ("不明な操作です。", "Unknown action."),
    "msg_called": ("{n}番のかたをお呼びしました。", "Number {n} called."),
    "msg_recalled": ("{n}番のかたをもう一度お呼びしました。", "Number {n} called again."),
    "msg_all_finished": ("{n}番: すべての手続きが終わりました。", "Number {n}: every procedure is done."),
    "msg_next_here": ("{n}番: 続けてこの窓口で次の手続きをどうぞ。",
                      "Number {n}: the next procedure is at this counter too."),
    "msg_next_there": ("{n}番: 次は{dept}へご案内ください。", "Number {n}: please send them to {dept_en}."),
    "msg_absent": ("{n}番を不在にしました。", "Number {n} marked absent."),
    "msg_start": ("{n}番の受付を開始しました。", "Number {n}: started."),
    "msg_hold": ("{n}番を保留にしました。", "Number {n} on hold."),
    "msg_requeue": ("{n}番を待ち列に戻しました。", "Number {n} is back in the line."),
    "msg_add_procedure": ("{n}番に手続きを追加しました。", "Procedure added to number {n}."),
    "msg_cancel_visit": ("{n}番の受付を取り消しました。", "Number {n} cancelled."),
    # ---- refusals (the service's error codes)
    "err_counter_closed": ("この窓口は閉じています。先に「窓口を開ける」を押してください。",
                           "This counter is closed: press \u201cOpen counter\u201d first."),
    "err_counter_busy": ("対応中の番号があります。完了・保留・不在のいずれかを先に押してください。",
                         ("A number is still at this counter: press Procedure done, Hold or "
                         "Absent first.")),
    "err_no_visit": ("この窓口で呼出中・手続き中の番号がありません。",
                     "No number is being called or served at this counter."),
    "err_unknown_visit": ("その番号は本日の受付にありません。", "That number was not issued today."),
    "err_not_here": ("その番号はこの窓口の待ちではありません。",
                     "That number is not waiting for this counter."),
    "err_not_held": ("その番号は保留・不在ではありません。", "That number is not on hold or absent."),
    "err_already_listed": ("その手続きはすでに案内リストにあります。",
                           "That procedure is already on the guidance list."),
    "err_not_queued": ("その手続きは庁舎内では扱いません(案内のみ)。",
                       "That procedure is not handled in this building (guidance only)."),
    "err_unknown_procedure": ("その手続きはこの番号の案内リストにありません。",
                              "That procedure is not on this number's guidance list."),
    "err_unknown_department": ("その課には窓口がありません。", "That department has no counter."),
    "err_invalid": ("入力が正しくありません。", "The input is not valid."),
}


def _texts(key: str, kw: dict) -> tuple[str, str]:
    ja, en = WORDS[key]
    return (Markup(ja).format(**kw), Markup(en).format(**kw)) if kw else (Markup(ja), Markup(en))


def both(key: str, **kw: object) -> Markup:
    """Japanese, then English, as two spans (fields are escaped unless already Markup)."""
    ja, en = _texts(key, kw)
    return Markup('<span class="ja">{}</span><span class="en" lang="en">{}</span>').format(ja, en)


def pair(ja: str, en: str) -> Markup:
    """Two texts that do not come from the table (a state, a name) written as `both` does."""
    return Markup('<span class="ja">{}</span><span class="en" lang="en">{}</span>').format(ja, en)


def state(key: str) -> Markup:
    """A state in the glossary's words, Japanese and English."""
    return pair(glossary.state(key, "ja"), glossary.state(key, "en"))


def device_alert(code: str) -> Markup:
    """An appliance's health alert in the glossary's words; a code it does not know, as
    the code itself."""
    words = glossary.device_alert(code)
    return pair(*words) if words else Markup("{}").format(code)


def plain(key: str, sep: str = "\n", **kw: object) -> str:
    """Japanese, then English, as plain text: on two lines for a toast, a title or a
    confirmation; `sep=" / "` on one line (a select's option)."""
    ja, en = WORDS[key]
    return f"{ja.format(**kw)}{sep}{en.format(**kw)}" if kw else f"{ja}{sep}{en}"
