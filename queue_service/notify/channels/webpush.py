"""Web Push (RFC 8030) with VAPID (RFC 8292) and payload encryption (RFC 8291), via pywebpush.

The VAPID key pair is made at first start in the data directory (`vapid.pem`, owner-only);
its public half is the `applicationServerKey` the visit page subscribes with. Only
endpoints on the push services named in the site file are accepted.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid

from protocol.notify_site import WebPushSettings

from .base import Gone, Invalid, Retry


def load_or_create_vapid(path: Path) -> Vapid:
    if not path.exists():
        vapid = Vapid()
        vapid.generate_keys()
        pem = vapid.private_pem()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    return Vapid.from_file(str(path))


def application_server_key(vapid: Vapid) -> str:
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                        serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class WebPushChannel:
    name = "webpush"

    def __init__(self, settings: WebPushSettings, data_dir: Path):
        self.settings = settings
        self.vapid = load_or_create_vapid(Path(data_dir) / "vapid.pem")
        self.public_key = application_server_key(self.vapid)
        self._http = None  # a requests.Session, made at the first push

    def contact(self, offered: dict) -> dict:
        endpoint = offered.get("endpoint")
        keys = offered.get("keys") or {}
        if not isinstance(endpoint, str) or not self.settings.allows(endpoint):
            raise Invalid("this push service is not accepted")
        if not all(isinstance(keys.get(k), str) and keys[k] for k in ("p256dh", "auth")):
            raise Invalid("the subscription has no keys")
        return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}

    def send(self, contact: dict, notice: dict, key: str) -> None:
        # Imported at the first push: pywebpush and requests bring ~20 MB (aiohttp among
        # them) that a service whose citizens never subscribed should not carry.
        import requests
        from pywebpush import WebPushException, webpush

        if self._http is None:
            self._http = requests.Session()

        payload = json.dumps({**notice, "tag": key.rsplit("/", 1)[0]}, ensure_ascii=False)
        try:
            response = webpush(
                contact, data=payload, vapid_private_key=self.vapid,
                vapid_claims={"sub": self.settings.subject}, ttl=self.settings.ttl_s,
                headers={"Urgency": "high"}, timeout=10, requests_session=self._http,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (404, 410):
                raise Gone(f"push subscription gone ({status})") from None
            if status in (400, 403, 413):
                raise Gone(f"push service refused the message ({status})") from None
            raise Retry(f"push service answered {status}") from None
        except requests.RequestException as exc:
            raise Retry(f"push service unreachable ({type(exc).__name__})") from None
        if response.status_code >= 300:
            raise Retry(f"push service answered {response.status_code}")
