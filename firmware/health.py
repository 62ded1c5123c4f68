"""Readings of the appliance itself for its heartbeat: temperature, free disk, alerts."""

from __future__ import annotations

import shutil
from pathlib import Path

THERMAL_ZONE = Path("/sys/class/thermal/thermal_zone0/temp")
HOT_C = 80.0  # the Raspberry Pi starts throttling at 80-85 °C
DISK_LOW_MB = 200.0


def temperature_c(zone: Path = THERMAL_ZONE) -> float | None:
    """SoC temperature, or None where the board has no thermal zone (e.g. a PC)."""
    try:
        return int(zone.read_text().strip()) / 1000.0
    except (OSError, ValueError):
        return None


def free_disk_mb(path: Path) -> float | None:
    try:
        return round(shutil.disk_usage(path).free / 1_000_000, 1)
    except OSError:
        return None


def alerts_for(reading: dict) -> list[str]:
    """Alerts facilities staff should see in the fleet list, from one health reading."""
    alerts: list[str] = []
    printer = reading.get("printer")
    if printer not in (None, "ok"):
        alerts.append(f"printer:{printer}")
    if reading.get("audio") in ("error", "no_clips"):  # no_clips: a board that cannot speak
        alerts.append(f"audio:{reading['audio']}")
    temp = reading.get("temperature_c")
    if temp is not None and temp >= HOT_C:
        alerts.append("temperature:high")
    disk = reading.get("free_disk_mb")
    if disk is not None and disk < DISK_LOW_MB:
        alerts.append("disk:low")
    return alerts
