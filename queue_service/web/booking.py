"""The booking pages: citizens book, change and cancel on their phones (`/booking...`),
staff book on a citizen's behalf and see the day's bookings (`/staff/bookings`).

Every change goes to the queue service as the same request models the devices use
(`BookRequest`, `ChangeBooking`, `CancelBooking`), through its single worker: two phones
asking for the last place of a slot get one booking and one "just taken" answer. A form
carries the request id made when it was shown, so a double tap books once. The booking
page is reached by its code; it is private (no referrer, not indexed, not cached).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from protocol import messages as m
from protocol.booking_code import normalise_code, show_code
from protocol.client import new_request_id
from protocol.days import day_label

from ..bookings import BookingError
from . import auth
from . import booking_texts as bt
from . import staff_words as words
from .booking_views import (
    booking_view,
    day_bookings,
    next_time,
    purpose_by_id,
    purposes,
    slots_view,
)
from .pages import render
from .public import PRIVATE_HEADERS

router = APIRouter()


def _page(request: Request, name: str, ctx: dict, status_code: int = 200, headers=None,
          staff=None):
    lang = bt.choose(request)
    response = render(request, name, {**ctx, "blang": lang, "bt": bt.translator(lang),
                                      "langs": bt.LANG_NAMES, "name": lambda x: bt.name(x, lang)},
                      status_code=status_code, headers=headers, staff=staff, public=True)
    if request.query_params.get("lang") in bt.PAGE_LANGS:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


def _qr_svg(text: str) -> str:
    # Imported here: qrcode pulls in Pillow and numpy, which a service that never draws a
    # booking's QR code should not carry (benchmarks: service_rss_web_mb).
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8").split("?>", 1)[-1]


async def _submit(request: Request, command: str, model: type[m.Request], **fields) -> m.Response:
    try:
        req = model(**fields)
    except ValidationError:
        return m.Response(ok=False, error=m.ErrorInfo(code="invalid", reason="invalid input"))
    return await run_in_threadpool(request.app.state.svc.submit, command, req, "web")


def _booking(request: Request, code: str):
    svc = request.app.state.svc
    lang = bt.choose(request)

    def read(engine, now):
        try:
            return booking_view(engine, engine.bookings.get(code), lang)
        except BookingError:
            return None
    return svc.read(read)


def _not_found(request: Request, key: str = "not_found"):
    return _page(request, "booking_find.html", {"error": bt.translator(bt.choose(request))(key)},
                 status_code=404, headers=PRIVATE_HEADERS)


# ---- citizens -------------------------------------------------------------------------

@router.get("/booking", response_class=HTMLResponse)
def choose_purpose(request: Request):
    items = purposes(request.app.state.svc.config)
    groups = [(g, [p for p in items if p.group == g]) for g in ("life_events", "procedures", "remote")]
    return _page(request, "booking_start.html", {"groups": [(g, ps) for g, ps in groups if ps]})


@router.get("/booking/rule", response_class=HTMLResponse)
def rule(request: Request):
    """The published calling rule that merges bookings and walk-ins (docs/bookings.md)."""
    rules = request.app.state.svc.config.bookings
    return _page(request, "booking_rule.html", {"rules": rules})


@router.get("/booking/find")
def find(request: Request, code: str = ""):
    found = normalise_code(code)
    if found is None:
        return _page(request, "booking_find.html", {"error": bt.translator(bt.choose(request))("bad_code")},
                     status_code=400, headers=PRIVATE_HEADERS)
    return RedirectResponse(f"/booking/{found}", status_code=303)


@router.get("/booking/slots", response_class=HTMLResponse)
def slots(request: Request, purpose: str, day: str | None = None, change: str | None = None,
          error: str = ""):
    svc = request.app.state.svc
    chosen = purpose_by_id(svc.config, purpose)
    if chosen is None:
        return _not_found(request)
    lang = bt.choose(request)
    view = svc.read(lambda e, now: slots_view(e, now, chosen, day, lang))
    return _page(request, "booking_slots.html", {
        "purpose": chosen, "bring": chosen.bring(svc.config, lang), "v": view,
        "change": normalise_code(change) if change else None,
        "error": bt.error_text(error, lang) if error else ""})


@router.get("/booking/confirm", response_class=HTMLResponse)
def confirm(request: Request, purpose: str, start: float, error: str = ""):
    svc = request.app.state.svc
    chosen = purpose_by_id(svc.config, purpose)
    if chosen is None:
        return _not_found(request)
    lang = bt.choose(request)
    at = svc.read(lambda e, now: next_time(e, now, chosen, start))
    return _page(request, "booking_confirm.html", {
        "purpose": chosen, "start": start, "at": at, "request_id": new_request_id(),
        "day_label": day_label(start, svc.config.timezone, lang),
        "bring": chosen.bring(svc.config, lang),
        "error": bt.error_text(error, lang) if error else ""})


@router.post("/booking")
async def book(request: Request):
    form = await request.form()
    svc = request.app.state.svc
    purpose_id = str(form.get("purpose", ""))
    chosen = purpose_by_id(svc.config, purpose_id)
    if chosen is None:
        return _not_found(request)
    start = str(form.get("start", ""))
    contact = str(form.get("contact", "")).strip() or None
    lang = bt.choose(request)
    response = await _submit(request, "book", m.BookRequest,
                             request_id=str(form.get("request_id", "")) or new_request_id(),
                             procedures=list(chosen.procedures), life_event=chosen.life_event,
                             booth=chosen.booth, start=start, contact=contact,
                             language=lang)
    if not response.ok:
        code = response.error.code if response.error else "invalid"
        return RedirectResponse(f"/booking/slots?purpose={quote(purpose_id)}&error={code}",
                                status_code=303)
    return RedirectResponse(f"/booking/{response.result.booking.code}?made=1", status_code=303)


@router.get("/booking/{code}", response_class=HTMLResponse)
def show(request: Request, code: str, made: bool = False, msg: str = ""):
    found = normalise_code(code)
    view = _booking(request, found) if found else None
    if view is None:
        return _not_found(request)
    svc = request.app.state.svc
    return _page(request, "booking_show.html", {
        "b": view, "made": made, "msg": msg,
        "qr": _qr_svg(f"{svc.config.public_url}/booking/{view['code']}")}, headers=PRIVATE_HEADERS)


@router.post("/booking/{code}/change")
async def change(request: Request, code: str):
    form = await request.form()
    response = await _submit(request, "change_booking", m.ChangeBooking, request_id=new_request_id(),
                             code=code, start=str(form.get("start", "")))
    view = _booking(request, code)
    if view is None:
        return _not_found(request)
    if not response.ok:
        err = response.error.code if response.error else "invalid"
        return RedirectResponse(f"/booking/slots?purpose={quote(view['purpose_id'])}&change={code}"
                                f"&error={err}", status_code=303)
    return RedirectResponse(f"/booking/{code}?msg=changed", status_code=303)


@router.post("/booking/{code}/cancel")
async def cancel(request: Request, code: str):
    response = await _submit(request, "cancel_booking", m.CancelBooking, request_id=new_request_id(),
                             code=code)
    if _booking(request, code) is None:
        return _not_found(request)
    return RedirectResponse(f"/booking/{code}?msg={'cancelled' if response.ok else 'not_changeable'}",
                            status_code=303)


# ---- staff: phone bookings and the day's list --------------------------------------------

@router.get("/staff/bookings", response_class=HTMLResponse)
def staff_bookings(request: Request, day: str | None = None, purpose: str = "",
                   slot_day: str | None = None, msg: str = ""):
    staff = auth.require(request, "bookings")
    svc = request.app.state.svc
    today = svc.read(lambda e, now: e.business_day(now))
    try:
        day = date.fromisoformat(day).isoformat() if day else today
    except ValueError:
        day = today
    chosen = purpose_by_id(svc.config, purpose) if purpose else None
    view = svc.read(lambda e, now: {
        "rows": day_bookings(e, day),
        "slots": slots_view(e, now, chosen, slot_day, "ja") if chosen else None})
    return _page(request, "staff_bookings.html", {
        "day": day, "rows": view["rows"], "slots": view["slots"], "purposes": purposes(svc.config),
        "chosen": chosen, "request_id": new_request_id(), "message": msg,
        "prev": (date.fromisoformat(day) - timedelta(days=1)).isoformat(),
        "next": (date.fromisoformat(day) + timedelta(days=1)).isoformat()}, staff=staff)


@router.post("/staff/bookings")
async def staff_book(request: Request):
    staff = auth.require(request, "bookings")
    await auth.check_csrf(request, staff)
    form = await request.form()
    svc = request.app.state.svc
    chosen = purpose_by_id(svc.config, str(form.get("purpose", "")))
    if chosen is None:
        return RedirectResponse("/staff/bookings?msg=" + quote(words.plain("bk_need_purpose")),
                                status_code=303)
    response = await _submit(request, "book", m.BookRequest,
                             request_id=str(form.get("request_id", "")) or new_request_id(),
                             procedures=list(chosen.procedures), life_event=chosen.life_event,
                             booth=chosen.booth, start=str(form.get("start", "")),
                             contact=str(form.get("contact", "")).strip() or None, staff=staff.user)
    request.app.state.accounts.audit(staff.user, staff.counter, "book", ok=response.ok,
                                     error=response.error.code if response.error else None)
    if response.ok:
        code = show_code(response.result.booking.code)
        message = words.plain("bk_made", code=code)
    else:
        code = response.error.code if response.error else "invalid"
        message = f"{bt.error_text(code, 'ja')}\n{bt.error_text(code, 'en')}"
    return RedirectResponse(f"/staff/bookings?msg={quote(message)}", status_code=303)
