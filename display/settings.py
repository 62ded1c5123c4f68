"""A board's device configuration: which counters and departments it shows, and how.

The settings come from the retained `dev/<device>/config` DeviceConfig (its `settings`
dict), so one board serves one zone or floor. Every key is optional:

    counters          ["c01", "c02"]   counters whose calls this board shows (default: all)
    departments       ["sogo"]         congestion rows (default: those of its counters)
    label_languages   ["ja", "en"]     languages the labels rotate through
    speech_languages  ["ja", "en"]     languages of the spoken call, in order ([] = silent)
    speech_max_age_s  30               a call that cannot be heard this soon is only shown
    speech_repeat_ja  false            say the Japanese twice (a call alone, not a backlog)
    rotate_s          8                seconds per label language
    flash_s           6                seconds the newest call flashes
    max_calls         8                recent calls listed, newest first (also those whose
                                       counter has moved on)
    notices           [{"ja": "...", "en": "..."}]  the scrolling notice line
    signage           [{"image": "/path.png"} | {"ja": "...", "en": "..."}]  idle space
    signage_s         10               seconds per signage item
    lamps             {"c01": 17}      GPIO pin of a signal lamp per counter
    serial_sign       {"port": "/dev/ttyUSB0", "baudrate": 9600}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .labels import LABEL_LANGUAGES
from .voice.announcer import MAX_AGE_S
from .voice.languages import LANGUAGES as SPOKEN_LANGUAGES


class SettingsError(ValueError):
    """A setting is invalid; the message names it."""


@dataclass(frozen=True)
class SerialSignSettings:
    port: str
    baudrate: int = 9600


@dataclass(frozen=True)
class BoardSettings:
    counters: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    label_languages: tuple[str, ...] = ("ja", "en", "zh", "ko", "vi", "pt")
    speech_languages: tuple[str, ...] = ("ja", "en")
    speech_max_age_s: float = MAX_AGE_S
    speech_repeat_ja: bool = False
    rotate_s: float = 8.0
    flash_s: float = 6.0
    max_calls: int = 8
    notices: tuple[dict[str, str], ...] = ()
    signage: tuple[dict[str, str], ...] = ()
    signage_s: float = 10.0
    lamps: dict[str, int] = field(default_factory=dict)
    serial_sign: SerialSignSettings | None = None


def parse_settings(raw: dict[str, Any]) -> BoardSettings:
    """Validate a settings dict; raises SettingsError naming the first bad key."""
    if not isinstance(raw, dict):
        raise SettingsError("settings: expected an object")
    known = set(BoardSettings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"settings: unknown key(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for key in ("counters", "departments"):
        if key in raw:
            out[key] = _strings(raw, key)
    for key, allowed in (("label_languages", LABEL_LANGUAGES), ("speech_languages", SPOKEN_LANGUAGES)):
        if key in raw:
            values = _strings(raw, key)
            bad = [v for v in values if v not in allowed]
            if bad:
                raise SettingsError(f"settings.{key}: unknown language {bad[0]!r} (known: {', '.join(allowed)})")
            if key == "label_languages" and not values:
                raise SettingsError("settings.label_languages: needs at least one language")
            out[key] = values
    if "speech_repeat_ja" in raw:
        if not isinstance(raw["speech_repeat_ja"], bool):
            raise SettingsError("settings.speech_repeat_ja: expected true or false")
        out["speech_repeat_ja"] = raw["speech_repeat_ja"]
    for key in ("rotate_s", "flash_s", "signage_s", "speech_max_age_s"):
        if key in raw:
            out[key] = _positive(raw, key)
    if "max_calls" in raw:
        out["max_calls"] = int(_positive(raw, "max_calls"))
    for key in ("notices", "signage"):
        if key in raw:
            out[key] = _texts(raw, key)
    if "lamps" in raw:
        lamps = raw["lamps"]
        if not isinstance(lamps, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in lamps.items()
        ):
            raise SettingsError('settings.lamps: expected {"<counter id>": <GPIO pin>, ...}')
        out["lamps"] = dict(lamps)
    if raw.get("serial_sign") is not None:
        sign = raw["serial_sign"]
        if not isinstance(sign, dict) or not isinstance(sign.get("port"), str):
            raise SettingsError('settings.serial_sign: expected {"port": "/dev/tty...", "baudrate": 9600}')
        baud = sign.get("baudrate", 9600)
        if not isinstance(baud, int) or baud <= 0:
            raise SettingsError(f"settings.serial_sign.baudrate: expected a positive integer, got {baud!r}")
        out["serial_sign"] = SerialSignSettings(sign["port"], baud)
    return BoardSettings(**out)


def _strings(raw: dict, key: str) -> tuple[str, ...]:
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"settings.{key}: expected a list of strings")
    return tuple(value)


def _positive(raw: dict, key: str) -> float:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise SettingsError(f"settings.{key}: expected a positive number, got {value!r}")
    return float(value)


def _texts(raw: dict, key: str) -> tuple[dict[str, str], ...]:
    value = raw[key]
    if not isinstance(value, list):
        raise SettingsError(f"settings.{key}: expected a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not item or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in item.items()
        ):
            raise SettingsError(f"settings.{key}[{i}]: expected texts by language or an image path")
        if "image" in item and not Path(item["image"]).suffix:
            raise SettingsError(f"settings.{key}[{i}].image: expected an image file path")
    return tuple(dict(item) for item in value)
