"""The queue service's web side: counter console, supervisor dashboard, public pages.

`create_app(service)` builds the FastAPI app that `python -m queue_service` serves with
uvicorn. Staff pages live under `/staff/`, citizens' pages at `/`, `/congestion`,
`/v/<token>` and the open data at `/api/...`. Pages update live through Server-Sent
Events (`/events`). Errors never show a trace: unknown pages and failures get a friendly
page in the reader's language.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..accounts import AccountStore
from ..notify.web import router as notify_router
from . import auth
from .booking import router as booking_router
from .headers import add_security_headers
from .live import ChangeFeed
from .login_guard import USER_WINDOW_S, LoginGuard
from .pages import render
from .public import router as public_router
from .staff import router as staff_router

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def create_app(service, *, accounts: AccountStore | None = None,
               secure_cookies: bool = False) -> FastAPI:
    """The web app over a running QueueService. Accounts live in the service's SQLite
    file unless another AccountStore is given; `secure_cookies` for HTTPS deployments."""
    feed = ChangeFeed()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        feed.bind(asyncio.get_running_loop())
        yield
        feed.closing = True

    app = FastAPI(title="Madoguchi", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.svc = service
    app.state.accounts = accounts or AccountStore(service.store.db_path)
    app.state.feed = feed
    app.state.secure_cookies = secure_cookies
    add_security_headers(app, tls=secure_cookies)
    app.state.login_guard = LoginGuard()
    app.state.login_guard.seed(_recent_failures(app.state.accounts))
    service.on_change(feed.notify)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(public_router)
    app.include_router(booking_router)
    app.include_router(notify_router)
    app.include_router(staff_router)

    @app.exception_handler(auth.SignInRequired)
    async def sign_in(request: Request, exc: auth.SignInRequired):
        if request.headers.get("x-requested-with") == "fetch" or request.method != "GET":
            return JSONResponse({"ok": False, "message": "サインインしてください。",
                                 "login": "/staff/login"}, status_code=401)
        return RedirectResponse(f"/staff/login?next={request.url.path}", status_code=303)

    @app.exception_handler(auth.Forbidden)
    async def forbidden(request: Request, exc: auth.Forbidden):
        message = ("画面が古くなりました。再読み込みしてください。" if exc.what == "csrf"
                   else "この操作の権限がありません。")
        if request.headers.get("x-requested-with") == "fetch":
            return JSONResponse({"ok": False, "message": message}, status_code=403)
        return render(request, "error.html", {"message": message}, status_code=403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not_found" if exc.status_code == 404 else "error"},
                                status_code=exc.status_code)
        name = "not_found.html" if exc.status_code == 404 else "error.html"
        return render(request, name, {}, status_code=exc.status_code,
                      public=not request.url.path.startswith("/staff"))

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception):
        log.exception("web request %s %s failed", request.method, request.url.path)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "unavailable"}, status_code=500)
        return render(request, "error.html", {}, status_code=500,
                      public=not request.url.path.startswith("/staff"))

    return app


def _recent_failures(accounts: AccountStore) -> list[tuple[float, str | None, str | None]]:
    """Failed sign-ins of the last lock window from the audit trail, oldest first."""
    rows = accounts.audit_log(since=time.time() - USER_WINDOW_S, limit=10_000)
    return [(r["at"], r["user"], r["detail"].get("address")) for r in reversed(rows)
            if r["action"] == "login" and not r["ok"] and not r["detail"].get("locked")]
