"""LINE: a push message from the city's official account (Messaging API, line-bot-sdk).

The base URL comes from the site file (the tests point it at a local server answering as
the Messaging API does). Each delivery sends the same `X-Line-Retry-Key` on every
attempt, so a retry of a push that LINE already accepted is answered 409 and not sent
twice. The citizen's user id reaches us through the official account's webhook
(`queue_service.notify.web`), never from the page.
"""

from __future__ import annotations

import re
import uuid

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    TextMessage,
)

from protocol.notify_site import LineSettings

from .base import Gone, Invalid, Retry

USER_ID = re.compile(r"^U[0-9a-f]{32}$")
RETRY_KEYS = uuid.UUID("5b0e6d1c-4d0c-4f43-9a53-6d61646f6775")


class LineChannel:
    name = "line"

    def __init__(self, settings: LineSettings):
        self.settings = settings

    def contact(self, offered: dict) -> dict:
        user = str(offered.get("user_id", ""))
        if not USER_ID.match(user):
            raise Invalid("not a LINE user id")
        return {"user_id": user}

    def send(self, contact: dict, notice: dict, key: str) -> None:
        config = Configuration(host=self.settings.base_url, access_token=self.settings.token.read())
        request = PushMessageRequest(to=contact["user_id"],
                                     messages=[TextMessage(text=f"{notice['title']}\n{notice['body']}")])
        try:
            with ApiClient(config) as client:
                MessagingApi(client).push_message(
                    request, x_line_retry_key=str(uuid.uuid5(RETRY_KEYS, key)),
                    _request_timeout=self.settings.timeout_s)
        except ApiException as exc:
            if exc.status == 409:
                return  # accepted on an earlier attempt (same retry key)
            if exc.status in (400, 403, 404):
                raise Gone(f"LINE refused the push ({exc.status})") from None
            raise Retry(f"LINE answered {exc.status}") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise Retry(f"LINE unreachable ({type(exc).__name__})") from None
