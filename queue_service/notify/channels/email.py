"""E-mail through the city's mail server (smtplib), plain text: the notice, its link label
and closing lines as wording.py writes them (Japanese first, then the notice's language).

The Message-ID is derived from the delivery, so a message re-sent after a crash between
sending and recording is the same message (mail clients show it once).
"""

from __future__ import annotations

import hashlib
import re
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from protocol.notify_site import EmailSettings
from protocol.site import SiteConfig

from ..wording import email_lines
from .base import Gone, Invalid, Retry

ADDRESS = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$")


class EmailChannel:
    name = "email"

    def __init__(self, settings: EmailSettings, config: SiteConfig):
        self.settings = settings
        self.config = config

    def contact(self, offered: dict) -> dict:
        address = str(offered.get("address", "")).strip()
        if not ADDRESS.match(address):
            raise Invalid("not an e-mail address")
        return {"address": address}

    def message(self, contact: dict, notice: dict, key: str) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = f"【{self.config.name_ja}】{notice['title']}"
        msg["From"] = formataddr((self.config.name_ja, self.settings.sender))
        msg["To"] = contact["address"]
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        msg["Message-ID"] = f"<{digest}@{self.settings.sender.split('@')[-1]}>"
        # a reminder is a booking's (notify/reminders.py), any other notice a visit's
        link, closing = email_lines(notice.get("kind", ""), notice.get("language", "ja"))
        msg.set_content(
            f"{notice['title']}\n\n{notice['body']}\n\n{link}: {notice.get('url', '')}\n\n"
            f"{closing}\n", charset="utf-8")
        return msg

    def send(self, contact: dict, notice: dict, key: str) -> None:
        s = self.settings
        msg = self.message(contact, notice, key)
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.username:
                    smtp.login(s.username, s.password.read())
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused:
            raise Gone("the mail server refused the address") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Retry(f"mail server failed ({type(exc).__name__})") from None
