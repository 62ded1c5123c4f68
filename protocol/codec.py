"""Encoding and strict decoding of payloads, with errors a device can act on."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .messages import VERSION

MAX_PAYLOAD_BYTES = 16 * 1024
M = TypeVar("M", bound=BaseModel)


class ProtocolError(ValueError):
    """A payload that cannot be accepted; `code` is machine-readable, `reason` is for people."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def encode(message: BaseModel) -> bytes:
    return message.model_dump_json(exclude_none=False).encode("utf-8")


def decode(model: type[M], payload: bytes) -> M:
    """Parse a payload into `model`, or raise ProtocolError saying exactly what is wrong."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError("too_large", f"payload is {len(payload)} bytes, limit {MAX_PAYLOAD_BYTES}")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError("malformed", f"payload is not UTF-8 JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ProtocolError("malformed", "payload must be a JSON object")
    version = data.get("v")
    if version != VERSION:
        raise ProtocolError("unsupported_version", f"version {version!r} is not supported (this service speaks v{VERSION})")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        raise ProtocolError("invalid", f"{where}: {first['msg']}") from None


def request_id_of(payload: bytes) -> str | None:
    """Best effort: the request id of a payload that failed to decode, to answer it."""
    try:
        value = json.loads(payload.decode("utf-8")).get("request_id")
    except Exception:  # noqa: BLE001 - any garbage simply has no id
        return None
    return value if isinstance(value, str) and len(value) <= 64 else None
