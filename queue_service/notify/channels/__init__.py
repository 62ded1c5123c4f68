"""The ways a notice reaches a citizen, each behind the small `Channel` interface.

`build_channels(config, data_dir)` makes the channels the site file offers.
"""

from __future__ import annotations

from pathlib import Path

from protocol.site import SiteConfig

from .base import Channel, Gone, Invalid, Retry
from .email import EmailChannel
from .line import LineChannel
from .webpush import WebPushChannel

__all__ = ["Channel", "Gone", "Invalid", "Retry", "build_channels"]


def build_channels(config: SiteConfig, data_dir: Path) -> dict[str, Channel]:
    s = config.notify
    made: dict[str, Channel] = {}
    for name in s.channels:
        if name == "webpush":
            made[name] = WebPushChannel(s.webpush, data_dir)
        elif name == "email":
            made[name] = EmailChannel(s.email, config)
        elif name == "line":
            made[name] = LineChannel(s.line)
    return made
