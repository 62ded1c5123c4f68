"""E-mail through the city's mail server (smtplib), plain text: the notice as wording.py
wrote it (Japanese first), the link label and footer in Japanese.

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
        if notice.get("kind") == "reminder":  # a booking's reminder (notify/reminders.py)
            link, kept = "予約の確認・変更・取り消し", "連絡先は予約日の翌日に削除されます。"
        else:
            link, kept = "いまの状況", "お知らせの登録は本日の受付終了時に削除されます。"
        msg.set_content(
            f"{notice['title']}\n\n{notice['body']}\n\n{link}: {notice.get('url', '')}\n\n"
            "このメールは送信専用です。お名前は記載していません。\n" + kept + "\n",
            charset="utf-8")
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
