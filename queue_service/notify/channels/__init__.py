"""The ways a notice reaches a citizen, each behind the small `Channel` interface.

`build_channels(config, data_dir)` makes the channels the site file offers. Each
channel's module (and its client library: the LINE SDK alone is tens of MB) is imported
only when the site offers it, so the service carries only what it uses.
"""

from __future__ import annotations

from pathlib import Path

from protocol.site import SiteConfig

from .base import Channel, Gone, Invalid, Retry

__all__ = ["Channel", "Gone", "Invalid", "Retry", "build_channels"]


def build_channels(config: SiteConfig, data_dir: Path) -> dict[str, Channel]:
    s = config.notify
    made: dict[str, Channel] = {}
    for name in s.channels:
        if name == "webpush":
            from .webpush import WebPushChannel

            made[name] = WebPushChannel(s.webpush, data_dir)
        elif name == "email":
            from .email import EmailChannel

            made[name] = EmailChannel(s.email, config)
        elif name == "line":
            from .line import LineChannel

            made[name] = LineChannel(s.line)
    return made
