"""The issuer's device configuration (TOML): issuing point, printer, lock, GPIO, staff.

Provisioned per device by the facilities staff (see `ticketer/example_device.toml`).
Every problem raises `SettingsError` naming the field, before anything starts. The
queue service may override the `[lock]` and `[self_service]` values at run time through
the retained device configuration (`DeviceConfig.settings`), see `with_overrides`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from .staff import StaffDirectory, StaffMember

PRINTER_KINDS = ("usb", "serial", "network", "simulated")
_ID = re.compile(r"^[a-z0-9_]{1,32}$")


class SettingsError(ValueError):
    """The device configuration is invalid; the message names the field."""


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "simulated"
    vendor_id: int = 0
    product_id: int = 0
    device: str = "/dev/ttyUSB0"
    baudrate: int = 19200
    host: str = ""
    port: int = 9100
    profile: str = "TM-T88V"
    width_px: int = 512  # used when the profile does not say how wide the paper is
    status_queries: bool = True  # False for printers that never answer DLE EOT


@dataclass(frozen=True)
class LockSettings:
    idle_minutes: float = 10.0
    closing_time: time | None = time(17, 15)
    max_wrong_pins: int = 5
    lockout_minutes: float = 5.0
    key_staff: str = "keyswitch"  # recorded as the issuing staff when the key switch unlocks


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class SelfServiceSettings:
    enabled: bool = False
    procedures: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()  # empty = whenever the issuer is locked

    def active_at(self, t: time) -> bool:
        return self.enabled and (not self.windows or any(w.contains(t) for w in self.windows))


@dataclass(frozen=True)
class GpioSettings:
    issue_button: int | None = None
    reprint_button: int | None = None
    lamp: int | None = None
    key_switch: int | None = None


@dataclass(frozen=True)
class DeviceSettings:
    device: str = "issuer-east"
    issuing_point: str = "east"
    language: str = "ja"
    data_dir: Path = Path("ticketer-data")
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    lock: LockSettings = field(default_factory=LockSettings)
    self_service: SelfServiceSettings = field(default_factory=SelfServiceSettings)
    gpio: GpioSettings = field(default_factory=GpioSettings)
    nfc_path: str | None = None  # nfcpy device path, e.g. "usb"; None = no card reader
    pager_port: str | None = None  # serial port of the pager transmitter; None = no pagers
    staff: tuple[StaffMember, ...] = ()

    def directory(self) -> StaffDirectory:
        return StaffDirectory(list(self.staff))

    def with_overrides(self, settings: dict[str, Any]) -> DeviceSettings:
        """Apply the `lock` and `self_service` tables of a DeviceConfig.settings dict."""
        out = self
        if "lock" in settings:
            out = replace(out, lock=_lock(_Table(settings["lock"], "settings.lock"), out.lock))
        if "self_service" in settings:
            out = replace(out, self_service=_self_service(
                _Table(settings["self_service"], "settings.self_service")))
        return out


class _Table:
    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise SettingsError(f"{path}: expected a table")
        self.data, self.path = data, path

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = self.data.get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise SettingsError(f"{self.path}.{key}: unexpected value {value!r}")
        return value

    def time(self, key: str, default: time | None) -> time | None:
        value = self.get(key, str, None)
        if value is None:
            return default
        if value == "":
            return None
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise SettingsError(f"{self.path}.{key}: expected HH:MM, got {value!r}") from None

    def sub(self, key: str) -> _Table:
        return _Table(self.data.get(key, {}), f"{self.path}.{key}" if self.path else key)


def _lock(t: _Table, base: LockSettings = LockSettings()) -> LockSettings:
    out = LockSettings(
        idle_minutes=float(t.get("idle_minutes", (int, float), base.idle_minutes)),
        closing_time=t.time("closing_time", base.closing_time),
        max_wrong_pins=t.get("max_wrong_pins", int, base.max_wrong_pins),
        lockout_minutes=float(t.get("lockout_minutes", (int, float), base.lockout_minutes)),
        key_staff=t.get("key_staff", str, base.key_staff),
    )
    if out.idle_minutes <= 0 or out.max_wrong_pins < 1 or out.lockout_minutes <= 0:
        raise SettingsError(f"{t.path}: idle_minutes, max_wrong_pins and lockout_minutes must be positive")
    return out


def _self_service(t: _Table) -> SelfServiceSettings:
    windows = []
    for i, w in enumerate(t.get("windows", list, [])):
        wt = _Table(w, f"{t.path}.windows[{i}]")
        start, end = wt.time("start", None), wt.time("end", None)
        if start is None or end is None or end <= start:
            raise SettingsError(f"{wt.path}: needs start and end (HH:MM), end after start")
        windows.append(Window(start, end))
    procs = tuple(t.get("procedures", list, []))
    enabled = t.get("enabled", bool, False)
    if enabled and not procs:
        raise SettingsError(f"{t.path}.procedures: self-service needs at least one procedure")
    return SelfServiceSettings(enabled, procs, tuple(windows))


def parse_settings(data: dict[str, Any]) -> DeviceSettings:
    root = _Table(data, "")
    dev = root.sub("device")
    issuing_point = dev.get("issuing_point", str, "east")
    if not _ID.match(issuing_point):
        raise SettingsError(f"device.issuing_point: {issuing_point!r} must be 1-32 of a-z, 0-9, _")
    p = root.sub("printer")
    printer = PrinterSettings(
        kind=p.get("kind", str, "simulated"), vendor_id=p.get("vendor_id", int, 0),
        product_id=p.get("product_id", int, 0), device=p.get("device", str, "/dev/ttyUSB0"),
        baudrate=p.get("baudrate", int, 19200), host=p.get("host", str, ""),
        port=p.get("port", int, 9100), profile=p.get("profile", str, "TM-T88V"),
        width_px=p.get("width_px", int, 512),
        status_queries=p.get("status_queries", bool, True),
    )
    if printer.kind not in PRINTER_KINDS:
        raise SettingsError(f"printer.kind: {printer.kind!r} is not one of {', '.join(PRINTER_KINDS)}")
    if printer.kind == "usb" and not (printer.vendor_id and printer.product_id):
        raise SettingsError("printer: a USB printer needs vendor_id and product_id")
    if printer.kind == "network" and not printer.host:
        raise SettingsError("printer.host: a network printer needs its address")
    g = root.sub("gpio")
    gpio = GpioSettings(**{k: g.get(k, int, None) for k in GpioSettings.__dataclass_fields__})
    staff = []
    for i, s in enumerate(root.get("staff", list, [])):
        st = _Table(s, f"staff[{i}]")
        sid = st.get("id", str, "")
        if not sid or len(sid) > 32:
            raise SettingsError(f"{st.path}.id: 1-32 characters")
        pin = st.get("pin", str, "")
        if pin and not pin.startswith("scrypt$"):
            raise SettingsError(f"{st.path}.pin: store the hash (python -m ticketer.provision pin), never the PIN")
        staff.append(StaffMember(sid, st.get("name", str, sid), pin, tuple(st.get("cards", list, []))))
    if len({s.id for s in staff}) != len(staff):
        raise SettingsError("staff: duplicate staff id")
    return DeviceSettings(
        device=dev.get("id", str, "issuer-east"), issuing_point=issuing_point,
        language=dev.get("language", str, "ja"), data_dir=Path(dev.get("data_dir", str, "ticketer-data")),
        printer=printer, lock=_lock(root.sub("lock")), self_service=_self_service(root.sub("self_service")),
        gpio=gpio, nfc_path=root.sub("nfc").get("path", str, None), staff=tuple(staff),
        pager_port=root.sub("pager").get("port", str, None),
    )


def load_settings(path: str | Path) -> DeviceSettings:
    try:
        text = Path(path).read_text("utf-8")
        return parse_settings(tomllib.loads(text))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from None
