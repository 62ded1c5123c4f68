"""The device file: the example loads; mistakes are named; PINs must be hashes."""

from pathlib import Path

import pytest

import ticketer
from ticketer.settings import SettingsError, load_settings, parse_settings

EXAMPLE = Path(ticketer.__file__).parent / "example_device.toml"


def test_the_example_device_file_loads_and_its_staff_can_unlock():
    s = load_settings(EXAMPLE)
    assert (s.device, s.issuing_point, s.printer.kind) == ("issuer-east", "east", "simulated")
    assert s.lock.closing_time.isoformat() == "17:15:00" and s.lock.max_wrong_pins == 5
    assert not s.self_service.enabled
    staff = s.directory()
    assert staff.check_pin("1024", "4821").name == "受付 花子"
    assert staff.check_pin("1031", "735190") and not staff.check_pin("1031", "4821")


@pytest.mark.parametrize("doc, where", [
    ({"printer": {"kind": "bluetooth"}}, "printer.kind"),
    ({"printer": {"kind": "usb"}}, "vendor_id"),
    ({"printer": {"kind": "network"}}, "printer.host"),
    ({"lock": {"closing_time": "5pm"}}, "lock.closing_time"),
    ({"lock": {"idle_minutes": 0}}, "lock"),
    ({"staff": [{"id": "1", "pin": "1234"}]}, "staff[0].pin"),
    ({"self_service": {"enabled": True}}, "self_service.procedures"),
    ({"self_service": {"enabled": True, "procedures": ["juminhyo"],
                       "windows": [{"start": "10:00", "end": "09:00"}]}}, "windows[0]"),
    ({"device": {"issuing_point": "East Gate"}}, "device.issuing_point"),
])
def test_mistakes_are_named(doc, where):
    with pytest.raises(SettingsError, match=where.replace("[", r"\[").replace("]", r"\]")):
        parse_settings(doc)


def test_the_service_can_change_lock_and_self_service_at_run_time():
    s = load_settings(EXAMPLE).with_overrides(
        {"lock": {"idle_minutes": 3}, "self_service": {"enabled": True, "procedures": ["juminhyo"]}})
    assert s.lock.idle_minutes == 3 and s.lock.lockout_minutes == 5
    assert s.self_service.enabled and s.self_service.procedures == ("juminhyo",)


def test_provisioning_prints_a_card_digest_the_lock_accepts(capsys):
    from ticketer import provision
    from ticketer.staff import StaffDirectory, StaffMember

    assert provision.main(["card", "04A1B2C3D4E5F6"]) == 0
    line = capsys.readouterr().out.strip()
    digest = line.split('"')[1]
    staff = StaffDirectory([StaffMember("2001", "新人", cards=(digest,))])
    assert staff.by_card(bytes.fromhex("04A1B2C3D4E5F6")).id == "2001"
    assert provision.main(["card", "not-hex"]) == 2


def test_the_issuer_refuses_to_start_at_an_unknown_issuing_point(capsys):
    from ticketer.__main__ import main

    assert main(["--settings", str(EXAMPLE), "--issuing-point", "north"]) == 2
    assert "issuing point 'north'" in capsys.readouterr().err
