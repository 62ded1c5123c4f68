"""Encoding and strict decoding of payloads, with errors a device can act on.

Whatever the bytes, `decode` returns the model or raises ProtocolError, and the refusal
it leads to can always be encoded: invalid UTF-8, lone surrogates, nesting too deep for
the parser, numbers of hundreds of digits, NaN and Infinity, duplicate keys and a `v`
that merely equals 1 (`true`, `1.0`) are all refused with a code. Reasons never echo the
sender's text (so they are always valid UTF-8)."""

from __future__ import annotations

import json
import math
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .messages import VERSION

MAX_PAYLOAD_BYTES = 16 * 1024
MAX_NUMBER_DIGITS = 20  # no field needs more; Python would parse 4,300 digits (slowly)
REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")  # as messages.RequestId
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
    data = _parse(payload)
    if not isinstance(data, dict):
        raise ProtocolError("malformed", "payload must be a JSON object")
    version = data.get("v")
    if type(version) is not int or version != VERSION:
        shown = version if type(version) in (int, bool, float) or version is None else type(version).__name__
        raise ProtocolError("unsupported_version",
                            f"version {shown!r} is not supported (this service speaks v{VERSION}, an integer)")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _safe(".".join(str(p) for p in first["loc"])) or "payload"
        raise ProtocolError("invalid", f"{where}: {_safe(first['msg'])}") from None


def _parse(payload: bytes):
    """JSON, strictly: one value per key, finite numbers of sane length, sane nesting."""
    try:
        return json.loads(payload.decode("utf-8"), object_pairs_hook=_object,
                          parse_int=_int, parse_float=_float, parse_constant=_constant)
    except UnicodeDecodeError:
        raise ProtocolError("malformed", "payload is not valid UTF-8") from None
    except RecursionError:
        raise ProtocolError("malformed", "payload is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ProtocolError("malformed", f"payload is not JSON ({exc.msg} at {exc.pos})") from None
    except ValueError as exc:  # from the hooks below
        raise ProtocolError("malformed", str(exc)) from None


def _object(pairs: list[tuple[str, object]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("payload repeats a key in one object")
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 2 * MAX_NUMBER_DIGITS + 10:
        raise ValueError("a number is too long")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number is out of range")
    return value


def _constant(name: str):
    raise ValueError(f"{name} is not a number this protocol accepts")


def _safe(text: str, limit: int = 120) -> str:
    """Text that always encodes: lone surrogates and control characters escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


def request_id_of(payload: bytes) -> str | None:
    """Best effort: the request id of a payload that failed to decode, to answer it."""
    try:
        value = _parse(payload).get("request_id")
    except Exception:  # noqa: BLE001 - any garbage simply has no id
        return None
    return value if isinstance(value, str) and REQUEST_ID.fullmatch(value) else None
