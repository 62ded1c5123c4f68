"""Local stand-ins for the other internet services a notification goes through, each
speaking the real protocol: an SMTP server (aiosmtpd) and a server answering as the LINE
Messaging API does (bearer token, JSON body, retry key). The Web Push service is
`demo.push_service` (the benchmarks use it too)."""

from __future__ import annotations

import json
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler

from aiosmtpd.controller import Controller

from demo.broker import free_port
from demo.push_service import LocalHttpServer


class SmtpServer:
    """A real SMTP server (aiosmtpd) that keeps what it is given."""

    def __init__(self):
        self.messages: list = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"to": envelope.rcpt_tos, "from": envelope.mail_from,
                              "message": message_from_bytes(envelope.content, policy=policy.default)})
        return "250 OK"

    def start(self):
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class LineApi(LocalHttpServer):
    """Answers POST /v2/bot/message/push as the Messaging API does: 401 without the right
    bearer token, 400 on a bad body, 409 for a retry key it has already accepted."""

    def __init__(self, token: str):
        super().__init__(_LineHandler)
        self.token = token
        self.pushed: list[dict] = []
        self.retry_keys: set[str] = set()
        self.lock = threading.Lock()


class _LineHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        api: LineApi = self.server.owner
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/v2/bot/message/push":
            return self._answer(404, {"message": "Not found"})
        if self.headers.get("Authorization") != f"Bearer {api.token}":
            return self._answer(401, {"message": "Authentication failed"})
        try:
            body = json.loads(raw)
            assert isinstance(body["to"], str) and body["to"].startswith("U")
            assert 1 <= len(body["messages"]) <= 5
            assert all(m["type"] == "text" and m["text"] for m in body["messages"])
        except (ValueError, KeyError, AssertionError):
            return self._answer(400, {"message": "The request body has 1 error(s)"})
        key = self.headers.get("X-Line-Retry-Key")
        with api.lock:
            if key and key in api.retry_keys:
                return self._answer(409, {"message": "The retry key is already accepted"})
            if key:
                api.retry_keys.add(key)
            api.pushed.append(body)
        self._answer(200, {"sentMessages": [{"id": str(len(api.pushed)), "quoteToken": "q"}]})
