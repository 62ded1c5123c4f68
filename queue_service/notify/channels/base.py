"""The interface every channel implements, and the failures it may report."""

from __future__ import annotations

from typing import Protocol


class Retry(Exception):
    """The send failed for now (server down, timeout, rate limit): try again later."""


class Gone(Exception):
    """The contact is no longer reachable (push subscription expired, address refused):
    drop it and do not retry."""


class Invalid(ValueError):
    """A contact offered on the visit page that this channel cannot use."""


class Channel(Protocol):
    name: str

    def contact(self, offered: dict) -> dict:
        """Check what the visit page sent and keep only what sending needs (or Invalid)."""
        ...

    def send(self, contact: dict, notice: dict, key: str) -> None:
        """Deliver one notice. `key` is the same on every attempt of this delivery (the
        channel's idempotency key where it has one). Raises Retry or Gone."""
        ...
