"""The `[notify]` section of the site file: which channels a city offers and when to tell.

A city chooses the channels it offers on the visit page (Web Push, e-mail, LINE), the
triggers (N people ahead and/or an estimated wait under M minutes; the call with its
counter; "next: <department>" when a visit is routed on), the most messages one visit
may get, and how to reach its mail server and LINE official account. Secrets (SMTP
password, LINE channel token and secret) are never in the file: it names a file or an
environment variable that holds them, read only when a message is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHANNELS = ("webpush", "email", "line")
# The push services of the browsers citizens use; a subscription naming any other host is
# refused, so nobody can make the service post to an address of their choosing.
PUSH_SERVICES = ("https://fcm.googleapis.com", "https://updates.push.services.mozilla.com",
                 "https://web.push.apple.com", "https://.notify.windows.com")


@dataclass(frozen=True)
class Secret:
    """Where a secret lives: a file (owner-only, outside the repository) or a variable."""

    file: str = ""
    env: str = ""

    def read(self) -> str:
        if self.file:
            return Path(self.file).read_text("utf-8").strip()
        if self.env:
            return os.environ.get(self.env, "").strip()
        return ""


@dataclass(frozen=True)
class WebPushSettings:
    subject: str = "mailto:admin@localhost"  # the VAPID `sub` claim: who the push service may contact
    push_services: tuple[str, ...] = PUSH_SERVICES
    ttl_s: int = 600  # a call older than this is no use: the push service may drop it

    def allows(self, endpoint: str) -> bool:
        """Is `endpoint` on one of the allowed push services (scheme and host; a host
        starting with '.' matches its subdomains)?"""
        try:
            url = urlsplit(endpoint)
        except ValueError:
            return False
        for allowed in self.push_services:
            a = urlsplit(allowed)
            if url.scheme != a.scheme or not url.hostname:
                continue
            host = a.netloc
            if host.startswith(".") and url.hostname.endswith(host):
                return True
            if url.netloc == host:
                return True
        return False


@dataclass(frozen=True)
class EmailSettings:
    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    sender: str = "madoguchi@localhost"
    username: str = ""
    password: Secret = field(default_factory=Secret)
    timeout_s: float = 10.0


@dataclass(frozen=True)
class LineSettings:
    base_url: str = "https://api.line.me"
    token: Secret = field(default_factory=Secret)  # the channel access token
    secret: Secret = field(default_factory=Secret)  # the channel secret (webhook signatures)
    add_friend_url: str = ""  # the official account's add-friend link shown on the page
    timeout_s: float = 10.0


@dataclass(frozen=True)
class NotifySettings:
    channels: tuple[str, ...] = ()  # offered on the visit page; empty: nothing offered
    near_people: int = 3  # tell when this many or fewer are ahead (0: off)
    near_minutes: float = 10.0  # or when the estimated wait falls to this or under (0: off)
    on_call: bool = True
    on_next_department: bool = True
    max_messages: int = 3  # per visit; "near" never takes the last one (kept for the call)
    retry_first_s: float = 2.0  # a failed send waits this long, doubling up to retry_max_s
    retry_max_s: float = 120.0
    give_up_after: int = 8  # attempts
    webpush: WebPushSettings = field(default_factory=WebPushSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    line: LineSettings = field(default_factory=LineSettings)


def _secret(r: Any, key: str) -> Secret:
    s = r.section(key)
    return Secret(file=s.text("file", ""), env=s.text("env", ""))


def parse_notify(r: Any) -> NotifySettings:
    """Build the settings from the `[notify]` reader of protocol.site (absent: defaults)."""
    channels = r.strings("channels")
    for c in channels:
        if c not in CHANNELS:
            raise r.fail("channels", f"unknown channel {c!r} (known: {', '.join(CHANNELS)})")
    w, e, li = r.section("webpush"), r.section("email"), r.section("line")
    webpush = WebPushSettings(
        subject=w.text("subject", WebPushSettings.subject),
        push_services=w.strings("push_services", PUSH_SERVICES),
        ttl_s=w.number("ttl_s", WebPushSettings.ttl_s, minimum=0),
    )
    if not webpush.subject.startswith(("mailto:", "https:")):
        raise w.fail("subject", "must start with mailto: or https: (RFC 8292)")
    email = EmailSettings(
        host=e.text("host", "localhost"), port=e.number("port", 25, minimum=1),
        starttls=e.get("starttls", bool, False), sender=e.text("sender", EmailSettings.sender),
        username=e.text("username", ""), password=_secret(e, "password"),
        timeout_s=e.number("timeout_s", 10.0, minimum=0.1),
    )
    line = LineSettings(
        base_url=li.text("base_url", LineSettings.base_url).rstrip("/"),
        token=_secret(li, "token"), secret=_secret(li, "secret"),
        add_friend_url=li.text("add_friend_url", ""),
        timeout_s=li.number("timeout_s", 10.0, minimum=0.1),
    )
    settings = NotifySettings(
        channels=channels,
        near_people=r.number("near_people", 3, minimum=0),
        near_minutes=r.number("near_minutes", 10.0, minimum=0),
        on_call=r.get("on_call", bool, True),
        on_next_department=r.get("on_next_department", bool, True),
        max_messages=r.number("max_messages", 3, minimum=1),
        retry_first_s=r.number("retry_first_s", 2.0, minimum=0.01),
        retry_max_s=r.number("retry_max_s", 120.0, minimum=0.01),
        give_up_after=r.number("give_up_after", 8, minimum=1),
        webpush=webpush, email=email, line=line,
    )
    if "line" in channels and not (line.token.file or line.token.env):
        raise li.fail("token", "LINE is offered: name the file or env variable of the token")
    return settings
