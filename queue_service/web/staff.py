"""Staff pages: sign-in, the counter console, the supervisor dashboard, reports, audit.

Every action goes to the queue service as the same request a counter device would send
(`svc.submit`), with the staff member's id, and is written to the audit table with the
staff member and the counter, whether the service accepted it or not.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from protocol import messages as m
from protocol.client import new_request_id

from .. import booking_report, reports
from ..accounts import ROLE_NAMES, ROLES, AccountError
from ..malloc_limits import give_back
from . import auth
from . import staff_words as words
from .login_guard import Refusal
from .pages import render
from .views import console_view, counters_view, dashboard_view

router = APIRouter(prefix="/staff")

# Console actions: the form field each one reads besides the counter.
ACTIONS: dict[str, tuple[str, ...]] = {
    "call_next": (), "recall": ("number",), "absent": (), "start": (),
    "finish": ("handover",), "hold": (), "requeue": ("number",), "skip": (),
    "add_procedure": ("procedure", "position"), "cancel_procedure": ("procedure",),
    "transfer": ("department",), "cancel_visit": (), "open_counter": (), "close_counter": (),
}


# What the audit log calls each action: the console's button words, and the rest.
ACTION_NAMES = {
    **{a: words.WORDS[a] for a in ACTIONS if a in words.WORDS},
    "login": words.WORDS["sign_in"], "logout": words.WORDS["sign_out"],
    "select_counter": ("窓口の選択", "Counter chosen"),
    "requeue": words.WORDS["requeue"], "add_procedure": words.WORDS["add_procedure"],
    "cancel_procedure": ("手続きの取消", "Procedure cancelled"),
    "transfer": words.WORDS["transfer"], "account": ("アカウント変更", "Account changed"),
}


def _home(staff: auth.Staff) -> str:
    return "/staff/counters" if staff.role == "counter" else "/staff/dashboard"


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _is_fetch(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


# ---- sign-in -------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def staff_home(request: Request):
    return _redirect(_home(auth.current_staff(request)))


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "", error: str = ""):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": next, "error": error, "csrf": token})
    response.set_cookie(auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        path="/staff/login", secure=request.app.state.secure_cookies)
    return response


@router.post("/login")
async def login(request: Request):
    form = await request.form()
    user = str(form.get("user", "")).strip()
    password = str(form.get("password", ""))
    nxt = str(form.get("next", ""))
    sent, expected = str(form.get("csrf_token", "")), request.cookies.get(auth.LOGIN_CSRF_COOKIE, "")
    store = request.app.state.accounts
    if not expected or not secrets.compare_digest(sent, expected):
        return _redirect("/staff/login?error=expired")
    address = request.client.host if request.client else ""
    guard = request.app.state.login_guard
    attempt = guard.begin(user[:32], address)
    if isinstance(attempt, Refusal):
        store.audit(user[:32] or None, None, "login", ok=False, locked=attempt.reason,
                    address=address)
        error = "locked" if attempt.reason == "user" else "busy"
        return _redirect(f"/staff/login?error={error}&next={quote(nxt)}")
    account = await run_in_threadpool(store.authenticate, user, password)
    guard.finish(attempt, account is not None)
    if account is None:
        store.audit(user[:32] or None, None, "login", ok=False, address=address)
        return _redirect(f"/staff/login?error=bad&next={quote(nxt)}")
    token = store.open_session(account)
    store.audit(account.user, None, "login")
    staff = auth.Staff(store.session(token), token)
    target = nxt if nxt.startswith("/staff/") and not nxt.startswith("//") else _home(staff)
    response = _redirect(target)
    auth.set_session_cookie(response, token, store.max_age, request.app.state.secure_cookies)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/staff/login")
    return response


@router.post("/logout")
async def logout(request: Request):
    staff = auth.current_staff(request)
    await auth.check_csrf(request, staff)
    request.app.state.accounts.audit(staff.user, staff.counter, "logout")
    request.app.state.accounts.close_session(staff.token)
    response = _redirect("/staff/login")
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/english")
def english(request: Request, show: str = "1", next: str = "/staff"):
    """A staff member's own choice: English beside the Japanese (the default) or not."""
    target = next if next.startswith("/staff") and not next.startswith("//") else "/staff"
    response = _redirect(target)
    response.set_cookie(words.ENGLISH_COOKIE, "0" if show == "0" else "1", max_age=365 * 86400,
                        httponly=True, samesite="lax", path="/staff",
                        secure=request.app.state.secure_cookies)
    return response


# ---- counter console -----------------------------------------------------------------

@router.get("/counters", response_class=HTMLResponse)
def choose_counter(request: Request):
    staff = auth.require(request, "console")
    groups = request.app.state.svc.read(lambda e, now: counters_view(e))
    return render(request, "counters.html", {"groups": groups}, staff=staff)


@router.post("/counters")
async def select_counter(request: Request):
    staff = auth.require(request, "console")
    await auth.check_csrf(request, staff)
    counter = str((await request.form()).get("counter", ""))
    if counter not in request.app.state.svc.config.counters:
        return _redirect("/staff/counters")
    request.app.state.accounts.set_counter(staff.token, counter)
    request.app.state.accounts.audit(staff.user, counter, "select_counter")
    return _redirect("/staff/console")


def _console_context(request: Request, staff: auth.Staff) -> dict:
    svc = request.app.state.svc
    view = svc.read(lambda e, now: console_view(e, now, staff.counter))
    application = None
    if view["current"] is not None:
        application = svc.application(view["current"]["number"])
    config = svc.config
    procedures = sorted((p for p in config.procedures.values() if p.queued),
                        key=lambda p: (p.category, p.kana))
    departments = [d for d in config.departments.values()
                   if config.counters_of(d.id) and d.id != view["department"]]
    return {"c": view, "application": application, "procedures": procedures,
            "departments": departments, "message": request.query_params.get("msg", ""),
            "others": auth.accounts(request).others_at(staff.counter, staff.user)}


@router.get("/console", response_class=HTMLResponse)
def console(request: Request, fragment: bool = False):
    staff = auth.require(request, "console")
    if staff.counter is None:
        return _redirect("/staff/counters")
    ctx = _console_context(request, staff)
    return render(request, "console.html", {**ctx, "fragment": fragment}, staff=staff)


_DONE_WORDS = {"absent": "msg_absent", "start": "msg_start", "hold": "msg_hold",
               "requeue": "msg_requeue", "add_procedure": "msg_add_procedure",
               "cancel_visit": "msg_cancel_visit"}


def _message(command: str, response: m.Response, config) -> str:
    """The toast after an action: Japanese, then English (staff_words)."""
    if not response.ok:
        err = response.error
        if err is None:
            return words.plain("msg_failed")
        key = f"err_{err.code}"
        return words.plain(key) if key in words.WORDS else err.reason
    result = response.result
    if isinstance(result, m.CounterResult):
        return words.plain("msg_opened" if result.open else "msg_closed")
    visit = getattr(result, "visit", None)
    if visit is None:
        return words.plain("msg_nobody" if command == "call_next" else "msg_done")
    n = visit.number
    if command == "call_next":
        return words.plain("msg_called", n=n)
    if command == "recall":
        return words.plain("msg_recalled", n=n)
    if command in ("finish", "skip", "transfer", "cancel_procedure"):
        if visit.state == "done":
            return words.plain("msg_all_finished", n=n)
        if visit.state == "serving":
            return words.plain("msg_next_here", n=n)
        dept = config.departments.get(visit.department or "")
        return words.plain("msg_next_there", n=n, dept=dept.name_ja if dept else "",
                           dept_en=dept.name_en if dept else "")
    return words.plain(_DONE_WORDS.get(command, "msg_done"), n=n)


async def _submit(request: Request, staff: auth.Staff, command: str, counter: str,
                  fields: dict) -> tuple[m.Response, str]:
    svc = request.app.state.svc
    try:
        req = m.COMMANDS[command](request_id=new_request_id(), counter=counter,
                                  staff=staff.user, **fields)
    except ValidationError:
        response = m.Response(ok=False, error=m.ErrorInfo(code="invalid", reason="invalid input"))
    else:
        response = await run_in_threadpool(svc.submit, command, req, "web")
    visit = getattr(response.result, "visit", None)
    number = visit.number if visit is not None else fields.get("number")
    request.app.state.accounts.audit(
        staff.user, counter, command, ok=response.ok, number=number,
        error=response.error.code if response.error else None,
        **{k: v for k, v in fields.items() if k != "number"})
    return response, _message(command, response, svc.config)


def _reply(request: Request, response: m.Response, message: str, back: str):
    if _is_fetch(request):
        return JSONResponse({"ok": response.ok, "message": message,
                             "error": response.error.code if response.error else None},
                            status_code=200 if response.ok else 409)
    sep = "&" if "?" in back else "?"
    return _redirect(f"{back}{sep}msg={quote(message)}")


@router.post("/console/{action}")
async def console_action(request: Request, action: str):
    staff = auth.require(request, "console")
    await auth.check_csrf(request, staff)
    if action not in ACTIONS or staff.counter is None:
        return JSONResponse({"ok": False, "message": words.plain("msg_unknown_action")},
                            status_code=404)
    form = await request.form()
    fields: dict = {}
    for name in ACTIONS[action]:
        value = str(form.get(name, "")).strip()
        if value:
            fields[name] = value
    response, message = await _submit(request, staff, action, staff.counter, fields)
    return _reply(request, response, message, "/staff/console")


# ---- supervisor dashboard ------------------------------------------------------------

@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, fragment: bool = False):
    staff = auth.require(request, "dashboard")
    svc = request.app.state.svc
    view = svc.read(dashboard_view)
    devices = sorted(svc.devices(), key=lambda d: (d.get("state") == "online", d.get("device")))
    return render(request, "dashboard.html",
                  {"d": view, "devices": devices, "fragment": fragment,
                   "message": request.query_params.get("msg", "")}, staff=staff)


@router.post("/dashboard/counter")
async def dashboard_counter(request: Request):
    staff = auth.require(request, "manage_counters")
    await auth.check_csrf(request, staff)
    form = await request.form()
    counter = str(form.get("counter", ""))
    command = "open_counter" if form.get("open") == "1" else "close_counter"
    response, message = await _submit(request, staff, command, counter, {})
    return _reply(request, response, f"{counter}: {message}", "/staff/dashboard")


# ---- reports -------------------------------------------------------------------------

def _day(request: Request, day: str | None) -> str:
    if day:
        try:
            return date.fromisoformat(day).isoformat()
        except ValueError:
            pass
    return request.app.state.svc.read(lambda e, now: e.business_day(now))


def _report(request: Request, day: str, days: int = 1) -> reports.Report:
    svc = request.app.state.svc
    first = date.fromisoformat(day) - timedelta(days=days - 1)
    since, until = reports.day_bounds(svc.config, first.isoformat(), days)
    report = reports.build_report(svc.store.events(since, until), svc.config)
    give_back()  # the replay of the days is garbage now: its pages go back to the system
    return report


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, day: str | None = None):
    staff = auth.require(request, "reports")
    day = _day(request, day)
    report = _report(request, day)
    daily = next((r for r in report.daily() if r["day"] == day), None)
    heat_depts = [d for d in request.app.state.svc.config.departments.values()
                  if request.app.state.svc.config.counters_of(d.id)]
    booked = _booking_days(request, day, 28)
    return render(request, "reports.html", {
        "booking": booked.get(day), "booking_summary": booking_report.summary(booked),
        "day": day, "daily": daily, "hourly": report.hourly(day),
        "procedures": report.procedures(day), "departments": report.departments(day),
        "heat_depts": heat_depts, "tables": REPORT_TABLES,
        "prev": (date.fromisoformat(day) - timedelta(days=1)).isoformat(),
        "next": (date.fromisoformat(day) + timedelta(days=1)).isoformat(),
    }, staff=staff)


REPORT_TABLES = ("daily", "hourly", "procedures", "departments", "bookings")


def _booking_days(request: Request, day: str, days: int) -> dict[str, dict]:
    """The days' booking rows; the log is read from `days_ahead` earlier, when the first
    of their bookings could have been made."""
    svc = request.app.state.svc
    first = date.fromisoformat(day) - timedelta(days=days - 1)
    ahead = svc.config.bookings.days_ahead if svc.config.bookings else 0
    since, until = reports.day_bounds(svc.config, (first - timedelta(days=ahead)).isoformat(),
                                      days + ahead)
    rows = booking_report.booking_days(svc.store.events(since, until), svc.config)
    return {d: r for d, r in rows.items() if first.isoformat() <= d <= day}


@router.get("/reports/{day}/{table}.csv")
def report_csv(request: Request, day: str, table: str, days: int = 1):
    auth.require(request, "reports")
    if table not in REPORT_TABLES:
        return JSONResponse({"error": "unknown table"}, status_code=404)
    day = _day(request, day)
    days = min(max(days, 1), 366)
    report = _report(request, day, days)
    if table == "bookings":
        rows = booking_report.table(_booking_days(request, day, days))
    else:
        rows = report.daily() if table == "daily" else getattr(report, table)(day)
    body = "\ufeff" + reports.to_csv(rows)  # BOM: Excel opens the kanji correctly
    name = f"{day}-{table}.csv" if days == 1 else f"{day}-{days}d-{table}.csv"
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/{day}/arrivals.png")
def report_arrivals_png(request: Request, day: str):
    auth.require(request, "reports")
    day = _day(request, day)
    png = reports.arrivals_chart(_report(request, day), day)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/reports/{day}/heatmap-{department}.png")
def report_heatmap_png(request: Request, day: str, department: str, weeks: int = 4):
    auth.require(request, "reports")
    if department not in request.app.state.svc.config.departments:
        return JSONResponse({"error": "unknown department"}, status_code=404)
    day = _day(request, day)
    weeks = min(max(weeks, 1), 26)
    png = reports.heatmap_chart(_report(request, day, weeks * 7), department)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


# ---- audit and accounts --------------------------------------------------------------

@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request):
    staff = auth.require(request, "audit")
    rows = request.app.state.accounts.audit_log(limit=300)
    return render(request, "audit.html", {"rows": rows, "actions": ACTION_NAMES}, staff=staff)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request):
    staff = auth.require(request, "accounts")
    return render(request, "accounts.html", {
        "accounts": request.app.state.accounts.accounts(), "roles": ROLES,
        "locked": request.app.state.login_guard.locked_users(),
        "role_names": ROLE_NAMES, "message": request.query_params.get("msg", ""),
    }, staff=staff)


@router.post("/accounts")
async def accounts_add(request: Request):
    staff = auth.require(request, "accounts")
    await auth.check_csrf(request, staff)
    form = await request.form()
    store = request.app.state.accounts
    user = str(form.get("user", "")).strip()
    try:
        if form.get("unlock"):
            request.app.state.login_guard.unlock(user)
            message = words.plain("ac_unlocked", user=user)
        elif form.get("disable"):
            store.set_active(user, False)
            message = words.plain("ac_disabled", user=user)
        else:
            store.add(user, str(form.get("name", "")), str(form.get("role", "")),
                      str(form.get("password", "")))
            message = words.plain("ac_created", user=user)
        store.audit(staff.user, staff.counter, "account", account=user,
                    disable=bool(form.get("disable")), unlock=bool(form.get("unlock")))
    except AccountError as exc:
        message = words.plain("ac_error", error=exc)
    return _redirect(f"/staff/accounts?msg={quote(message)}")
