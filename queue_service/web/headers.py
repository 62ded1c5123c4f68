"""Security headers on every answer of the web app.

A Content-Security-Policy that allows only the app's own scripts, styles, images and
connections (inline `style` attributes carry the counters' colours; no inline script, no
framing), X-Frame-Options DENY for older browsers (the console's single-key shortcuts
make a framed page dangerous), nosniff, no Referer (visit and booking links carry their
token in the path), `Cache-Control: no-store` on everything but the static files (staff
pages and citizens' tickets must not stay in a shared PC's cache), and HSTS over TLS.
"""

from __future__ import annotations

from fastapi import FastAPI, Request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
       "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_security_headers(app: FastAPI, *, tls: bool) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if tls:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
