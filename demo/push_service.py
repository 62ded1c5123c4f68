"""A local Web Push service (tests, benchmarks): it speaks the real protocol, checking the
VAPID JWT (RFC 8292) and decrypting the payload (RFC 8291, aes128gcm with http_ece), so
the service's sender is measured and tested against what a browser's push service does.

    endpoint = PushEndpoint().start()
    sub = endpoint.new_subscriber()        # what a browser holds: keys, endpoint URL
    ... post sub.subscription() to /v/<token>/notify/webpush ...
    endpoint.payloads(sub)                 # what arrived, decrypted
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from demo.broker import free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LocalHttpServer:
    """An HTTP server on a free loopback port, served from a thread; `owner` on the
    server lets a handler reach the stand-in it belongs to."""

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


class PushEndpoint(LocalHttpServer):
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
