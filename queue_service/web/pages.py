"""Rendering: the Jinja templates with the language, the site and the signed-in staff."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from protocol import phrases
from protocol.glossary import NEEDS, counters, level, people
from protocol.texts import localized
from protocol.waits import wait_reason, wait_text

from . import i18n, staff_words
from .views import clock

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["minutes"] = lambda v: "—" if v is None else f"{v:.0f}"
templates.env.filters["clock"] = pass_context(lambda ctx, ts: clock(ctx["site"], ts))
templates.env.globals.update(
    wait_text=wait_text, wait_reason=wait_reason, counters=counters, people=people, level=level,
    # a count in bold, kept on one line (「3人」 never broken after the figure)
    people_b=lambda n, lang: Markup(
        f'<span class="count">{people(n, lang, f"<b>{int(n)}</b>")}</span>'),
    # staff pages: Japanese with English beside it
    w=staff_words.both, wp=staff_words.plain, pair=staff_words.pair, st=staff_words.state,
    device_alert=staff_words.device_alert,
    need=lambda key: staff_words.pair(*NEEDS[key]))
# citizens' pages: a site text in the page's language (Japanese marked where it is missing),
# inline words and guidance-list marks in every public language
templates.env.globals.update(
    tx=pass_context(lambda ctx, item, field="name": localized(item, field, ctx["lang"])),
    words=pass_context(lambda ctx, key, **kw: i18n.words(key, ctx["lang"], **kw)),
    mark_text=pass_context(lambda ctx, key: i18n.mark_text(key, ctx["lang"])),
    language_names=i18n.LANGUAGE_NAMES)


def render(request: Request, name: str, context: dict | None = None, *,
           status_code: int = 200, headers: dict | None = None, staff=None,
           public: bool = False):
    """A page in the reader's language: a citizens' page (`public`) in any of
    i18n.PUBLIC_LANGS, a staff page in i18n.LANGS."""
    langs = i18n.PUBLIC_LANGS if public else i18n.LANGS
    lang = i18n.choose(request, langs)
    svc = request.app.state.svc
    ctx = {"lang": lang, "t": i18n.translator(lang), "site": svc.config, "staff": staff,
           "staff_english": request.cookies.get(staff_words.ENGLISH_COOKIE) != "0",
           "fragment": False, "path": request.url.path, **(context or {})}
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code,
                                          headers=headers)
    # Japanese breaks between phrases in every browser (protocol.phrases, keep-all in CSS)
    response.body = phrases.html(response.body.decode()).encode()
    response.headers["content-length"] = str(len(response.body))
    if request.query_params.get("lang") in langs:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response
