"""Citizens' pages (no sign-in, no personal data): congestion, one visit's status, open data.

The visit page is reached from the QR code on the ticket: `/v/<token>`, where the token
is the visit's unguessable random token, never its number. Unknown or expired tokens get
a friendly page with status 404; the token never leaves the page in a Referer header.
"""

from __future__ import annotations

import re
import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse

from .pages import render
from .views import open_data, visit_view

router = APIRouter()
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
                   "Cache-Control": "no-store"}
OPEN_DATA_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache"}


def _visit(request: Request, token: str):
    if not TOKEN.match(token):
        return None
    status = request.app.state.svc.visit_by_token(token)
    if status is None:
        return None
    return visit_view(request.app.state.svc.config, status)


@router.get("/", response_class=HTMLResponse)
@router.get("/congestion", response_class=HTMLResponse)
def congestion(request: Request, fragment: bool = False):
    data = request.app.state.svc.read(open_data)
    return render(request, "congestion.html", {"data": data, "fragment": fragment}, public=True)


@router.get("/v/{token}", response_class=HTMLResponse)
def visit(request: Request, token: str, fragment: bool = False):
    view = _visit(request, token)
    if view is None:
        return render(request, "not_found.html", {"fragment": fragment}, status_code=404,
                      headers=PRIVATE_HEADERS, public=True)
    return render(request, "visit.html", {"visit": view, "token": token, "fragment": fragment},
                  headers=PRIVATE_HEADERS, public=True)


@router.get("/api/congestion")
def congestion_json(request: Request):
    return JSONResponse(request.app.state.svc.read(open_data), headers=OPEN_DATA_HEADERS)


@router.get("/api/v/{token}")
def visit_json(request: Request, token: str):
    view = _visit(request, token)
    if view is None:
        return JSONResponse({"error": "not_found",
                             "message": "unknown or expired link / 無効または期限切れのリンクです"},
                            status_code=404, headers=PRIVATE_HEADERS)
    return JSONResponse({**view, "at": time.time()}, headers=PRIVATE_HEADERS)


@router.get("/events")
def events(request: Request, interval: float = 0.3):
    feed = request.app.state.feed
    return StreamingResponse(feed.stream(interval), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
