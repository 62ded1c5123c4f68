"""The notification side of the web app: subscribe from the visit page, the service
worker, and the LINE official account's webhook that links a LINE user to a visit.

No account and no cookie: the visit's unguessable token in the URL is the only key, as
for the visit page itself. Requests must be JSON, so a plain cross-site form cannot make
them. What the citizen gives (push subscription, e-mail address) goes straight to the
notifier, which seals it; nothing of it is logged.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from jinja2 import pass_context

from ..web import i18n
from ..web.pages import templates
from ..web.public_texts import ANSWERS
from .notifier import NotifyError

log = logging.getLogger(__name__)
router = APIRouter()
STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
NOT_CODE = re.compile(r"[^A-Z2-7]")
LOOK_ALIKE = str.maketrans("018", "OIB")  # the code has no 0, 1 or 8: a citizen may type them
MESSAGES = {  # what the page shows after a request: (Japanese, English)
    "webpush": ("この端末への通知を登録しました。順番が近づいたらお知らせします。",
                "This phone will be notified when your turn is near."),
    "email": ("メールでのお知らせを登録しました。順番が近づいたらお知らせします。",
              "You will get an e-mail when your turn is near."),
    "off": ("お知らせを止めました。登録した宛先は削除しました。",
            "Notifications stopped; the address you gave is deleted."),
    "visit_closed": ("この受付番号は終了しています。", "This number is finished."),
    "not_offered": ("この方法ではお知らせできません。", "This way of notifying is not offered."),
    "invalid_contact": ("登録できませんでした。入力をご確認ください。",
                        "Could not subscribe: please check what you entered."),
    "bad_link": ("このリンクは無効です。", "This link is not valid."),
    "bad_request": ("送信の形式が正しくありません。", "The request was not understood."),
}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _answer(request: Request, ok: bool, code: str, status: int = 200, **extra) -> JSONResponse:
    ja, en = MESSAGES[code]
    lang = i18n.choose(request, i18n.PUBLIC_LANGS)  # other languages: web/public_texts.py
    message = ja if lang == "ja" else en if lang == "en" else ANSWERS[code].get(lang) or ja
    return JSONResponse({"ok": ok, "message": message, **extra}, status_code=status, headers=PRIVATE)


@pass_context
def notify_view(ctx, token: str) -> dict:
    """What the visit page's subscribe block shows (a template global)."""
    svc = ctx["request"].app.state.svc
    n = svc.notifier
    rules = svc.config.notify

    def read(engine, now):
        visit = n.visit_of_token(engine, token)
        return (n.store.channels_of(visit.id) if visit else [],
                n.line_code(visit.id) if visit and "line" in n.channels else "",
                bool(visit and not visit.closed))

    subscribed, code, open_ = svc.read(read)
    webpush = n.channels.get("webpush")
    return {"offered": n.offered, "subscribed": subscribed, "open": open_,
            "vapid_key": webpush.public_key if webpush else "", "line_code": code,
            "add_friend_url": rules.line.add_friend_url, "near_people": rules.near_people,
            "near_minutes": rules.near_minutes, "max_messages": rules.max_messages,
            "reset": svc.config.numbers.reset_time.strftime("%-H時%M分").replace("時00分", "時")}


templates.env.globals["notify_view"] = notify_view


@router.get("/notify-sw.js")
def service_worker():
    return FileResponse(STATIC / "notify-sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/v/"})


@router.post("/v/{token}/notify/{channel}")
async def subscribe(request: Request, token: str, channel: str):
    if not TOKEN.match(token):
        return _answer(request, False, "bad_link", 404)
    if request.headers.get("content-type", "").split(";")[0] != "application/json":
        return _answer(request, False, "bad_request", 415)
    try:
        offered = await request.json()
    except ValueError:
        return _answer(request, False, "bad_request", 400)
    if channel not in ("webpush", "email", "off"):  # LINE links through its webhook only
        return _answer(request, False, "not_offered", 404)
    svc = request.app.state.svc
    n = svc.notifier
    try:
        if channel == "off":
            svc.read(lambda engine, now: n.unsubscribe(engine, token))
            return _answer(request, True, "off", subscribed=[])
        subscribed = svc.read(lambda engine, now: n.subscribe(engine, now, token, channel, offered))
    except NotifyError as exc:
        return _answer(request, False, str(exc), 400)
    return _answer(request, True, channel, subscribed=subscribed)


@router.post("/notify/line/webhook")
async def line_webhook(request: Request):
    """Events from the official account: a text with a visit's code links that LINE user."""
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError
    from linebot.v3.webhooks import MessageEvent, TextMessageContent

    svc = request.app.state.svc
    n = svc.notifier
    secret = svc.config.notify.line.secret.read()
    if "line" not in n.channels or not secret:
        return JSONResponse({"message": "not offered"}, status_code=404)
    body = (await request.body()).decode("utf-8", "replace")
    try:
        events = WebhookParser(secret).parse(body, request.headers.get("x-line-signature", ""))
    except InvalidSignatureError:
        log.warning("a LINE webhook call with a bad signature was refused")
        return JSONResponse({"message": "bad signature"}, status_code=400)
    for event in events:
        if not (isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent)):
            continue
        user = getattr(event.source, "user_id", None)
        # The code may come with spaces or words around it: try each 8 letters in a row.
        compact = NOT_CODE.sub("", event.message.text.upper().translate(LOOK_ALIKE))[:40]
        codes = [compact[i:i + 8] for i in range(max(len(compact) - 7, 0))]
        if codes and user:
            svc.read(lambda engine, now, cs=codes, u=user: n.link_line(engine, now, cs, u))
    return JSONResponse({})
