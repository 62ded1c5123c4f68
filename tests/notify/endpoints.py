"""Local stand-ins for the internet services a notification goes through, each speaking
the real protocol: a Web Push endpoint that checks the VAPID JWT (RFC 8292) and decrypts
the payload (RFC 8291, http_ece), an SMTP server (aiosmtpd), and a server answering as
the LINE Messaging API does (bearer token, JSON body, retry key)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import tomllib
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import urlsplit

import http_ece
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from demo.broker import free_port
from protocol.site import parse_config


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _notify_data(notify: dict) -> dict:
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    data = tomllib.loads(text)
    section = data.setdefault("notify", {})
    for key, value in notify.items():
        if isinstance(value, dict):
            section.setdefault(key, {}).update(value)
        else:
            section[key] = value
    return data


def site_with(**notify) -> object:
    """The shipped Isesaki site with its [notify] section changed."""
    return parse_config(_notify_data(notify), "test")


def site_file(path, **notify) -> str:
    """The same as a site file for `python -m queue_service --config` (its [notify] part
    written out as TOML inline tables)."""
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    head = text.split("\n[notify]")[0]
    section = _notify_data(notify)["notify"]
    lines = ["[notify]"]
    for key, value in section.items():
        lines.append(f"{key} = {_toml(value)}")
    path.write_text(head + "\n" + "\n".join(lines) + "\n", "utf-8")
    return str(path)


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)  # strings, numbers, booleans, lists


class _Server:
    def __init__(self, handler_cls):
        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler_cls)
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, predicate, timeout: float = 15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.02)
        raise TimeoutError("nothing matching arrived in time")


class PushSubscriber:
    """What a browser holds: the P-256 key pair and auth secret of one subscription."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}


def check_vapid(authorization: str, endpoint: str) -> dict:
    """Verify `vapid t=<JWT>, k=<key>` (RFC 8292): ES256 signature, audience, expiry."""
    scheme, _, params = authorization.partition(" ")
    assert scheme.lower() == "vapid", authorization
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    header_b, claims_b, signature_b = fields["t"].split(".")
    assert json.loads(unb64url(header_b))["alg"] == "ES256"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    raw = unb64url(signature_b)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header_b}.{claims_b}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    claims = json.loads(unb64url(claims_b))
    url = urlsplit(endpoint)
    assert claims["aud"] == f"{url.scheme}://{url.netloc}", claims
    assert claims["exp"] > time.time() and claims["sub"].startswith(("mailto:", "https:"))
    return {"claims": claims, "key": fields["k"]}


class PushEndpoint(_Server):
    """A push service endpoint: one URL per subscription; it decrypts what it receives.
    `refuse` > 0 answers that many requests with 503 first (a push service in trouble)."""

    def __init__(self):
        super().__init__(_PushHandler)
        self.subscribers: dict[str, PushSubscriber] = {}
        self.received: list[dict] = []
        self.refuse = 0
        self.refused = 0
        self.lock = threading.Lock()

    def new_subscriber(self) -> PushSubscriber:
        sid = b64url(os.urandom(9))
        sub = PushSubscriber(f"http://127.0.0.1:{self.port}/push/{sid}")
        self.subscribers[sid] = sub
        return sub

    def payloads(self, sub: PushSubscriber | None = None) -> list[dict]:
        with self.lock:
            return [r["payload"] for r in self.received
                    if sub is None or r["endpoint"] == sub.endpoint]


class _PushHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        ep: PushEndpoint = self.server.owner
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        sid = self.path.rsplit("/", 1)[-1]
        sub = ep.subscribers.get(sid)
        if sub is None:
            self.send_response(410)
            self.end_headers()
            return
        with ep.lock:
            if ep.refuse > 0:
                ep.refuse -= 1
                ep.refused += 1
                self.send_response(503)
                self.end_headers()
                return
        vapid = check_vapid(self.headers["Authorization"], sub.endpoint)
        assert self.headers["Content-Encoding"] == "aes128gcm"
        assert int(self.headers["TTL"]) > 0
        plain = http_ece.decrypt(body, private_key=sub.key, auth_secret=sub.auth, version="aes128gcm")
        with ep.lock:
            ep.received.append({"endpoint": sub.endpoint, "payload": json.loads(plain),
                                "vapid": vapid, "urgency": self.headers.get("Urgency"),
                                "at": time.time()})
        self.send_response(201)
        self.send_header("Location", f"/message/{len(ep.received)}")
        self.end_headers()


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


class LineApi(_Server):
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
