"""Staff sign-in for the web pages: session cookie, roles, CSRF check on every POST.

The session cookie is HttpOnly and SameSite=Lax; each POST must also carry the session's
CSRF token (form field `csrf_token` or header `X-CSRF-Token`). Pages answer a missing or
expired session with a redirect to the sign-in page, fetches with 401.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from ..accounts import AccountStore, Session

COOKIE = "madoguchi_session"
LOGIN_CSRF_COOKIE = "madoguchi_login_csrf"

# What each role may do on the web pages.
PERMISSIONS: dict[str, set[str]] = {
    "console": {"counter", "supervisor", "admin"},
    "dashboard": {"concierge", "supervisor", "admin"},
    "bookings": {"counter", "concierge", "supervisor", "admin"},
    "manage_counters": {"supervisor", "admin"},
    "reports": {"supervisor", "admin"},
    "audit": {"supervisor", "admin"},
    "accounts": {"admin"},
}


class SignInRequired(Exception):
    """No live session: pages redirect to sign-in, fetches get 401."""


class Forbidden(Exception):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member of one request."""

    session: Session
    token: str

    @property
    def user(self) -> str:
        return self.session.account.user

    @property
    def role(self) -> str:
        return self.session.account.role

    @property
    def counter(self) -> str | None:
        return self.session.counter

    def may(self, what: str) -> bool:
        return self.role in PERMISSIONS[what]


def accounts(request: Request) -> AccountStore:
    return request.app.state.accounts


def current_staff(request: Request) -> Staff:
    token = request.cookies.get(COOKIE)
    session = accounts(request).session(token)
    if session is None or token is None:
        raise SignInRequired()
    return Staff(session, token)


def require(request: Request, what: str) -> Staff:
    staff = current_staff(request)
    if not staff.may(what):
        raise Forbidden(what)
    return staff


async def check_csrf(request: Request, staff: Staff) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent.encode(), staff.session.csrf.encode()):
        raise Forbidden("csrf")


def set_session_cookie(response, token: str, max_age: float, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=int(max_age), httponly=True, samesite="lax",
                        secure=secure, path="/")
