"""The fleet list: every enrolled device with its state, last sign of life, version, alerts
(each code with its Japanese words, `protocol.glossary`).

It reads the devices' retained `status` and `health` messages. A device whose status still
says online but whose heartbeats stopped is shown as `silent`: it may have hung, or its
network may be cut without the broker noticing yet.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from protocol import glossary, topics
from protocol.codec import ProtocolError, decode
from protocol.messages import DeviceStatus, Health

from .registry import Device

SILENT_AFTER_S = 120.0  # four missed heartbeats at the default 30 s


@dataclass(frozen=True)
class FleetRow:
    device: str
    role: str
    name: str
    location: str
    state: str  # online | offline | silent | never seen | revoked | replaced by <id>
    last_seen: float | None
    version: str
    boot: int | None
    alerts: tuple[str, ...]


def fleet_rows(site: str, devices: list[Device], retained: dict[str, bytes],
               now: float | None = None) -> list[FleetRow]:
    now = time.time() if now is None else now
    rows = []
    for d in devices:
        status = _decode(DeviceStatus, retained.get(topics.device_status(site, d.device)))
        health = _decode(Health, retained.get(topics.device_health(site, d.device)))
        seen = [t for t in (status.at if status else None, health.at if health else None) if t]
        last_seen = max(seen) if seen else None
        if d.state == "revoked":
            state = f"replaced by {d.replaced_by}" if d.replaced_by else "revoked"
        elif status is None:
            state = "never seen"
        elif status.state == "offline":
            state = "offline"
        elif last_seen is not None and now - last_seen > SILENT_AFTER_S:
            state = "silent"
        else:
            state = "online"
        rows.append(FleetRow(
            device=d.device, role=d.role, name=d.name, location=d.location, state=state,
            last_seen=last_seen, version=(health.version if health else status.version if status else ""),
            boot=status.boot if status else None,
            alerts=tuple(health.alerts) if health and state != "offline" else (),
        ))
    return rows


def _decode(model, payload: bytes | None):
    if not payload:
        return None
    try:
        return decode(model, payload)
    except ProtocolError:
        return None


def format_table(rows: list[FleetRow], now: float | None = None) -> str:
    now = time.time() if now is None else now
    header = ("DEVICE", "ROLE", "NAME", "LOCATION", "STATE", "LAST SEEN", "VERSION", "BOOT", "ALERTS")
    body = [(r.device, r.role, r.name, r.location, _shout(r.state),
             _ago(r.last_seen, now), r.version, "" if r.boot is None else str(r.boot),
             ", ".join(_alert(a) for a in r.alerts)) for r in rows]
    widths = [max(_width(x) for x in col) for col in zip(header, *body, strict=False)]
    lines = ["  ".join(_pad(x, w) for x, w in zip(row, widths, strict=True)).rstrip()
             for row in (header, *body)]
    online = sum(r.state == "online" for r in rows)
    lines.append(f"{online} of {len(rows)} devices online")
    return "\n".join(lines)


def _alert(code: str) -> str:
    """An alert's code (what the logs and the firmware say) with its Japanese words."""
    words = glossary.device_alert(code)
    return f"{code} ({words[0]})" if words else code


def _shout(state: str) -> str:
    """Upper-case what needs a look (not device ids): `online` stays quiet."""
    if state == "online":
        return state
    word, sep, device = state.partition(" by ")
    return word.upper() + (f" by {device}" if sep else "")


def _ago(at: float | None, now: float) -> str:
    if at is None:
        return "-"
    seconds = max(0, int(now - at))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))


def _width(text: str) -> int:
    """Columns on a terminal: kanji and kana take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
