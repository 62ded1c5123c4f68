"""The enrolment bundle: reading, writing, and clear errors for a bad one."""

from __future__ import annotations

import json
import stat

import pytest

from firmware.agent import Bundle
from firmware.bundle import BundleError
from firmware.health import alerts_for, temperature_c


def enrolled() -> Bundle:
    return Bundle.model_validate({
        "site": "isesaki", "device": "issuer-east", "role": "issuer", "name": "東口発券機",
        "location": "1F 東口", "broker": {"host": "192.0.2.10", "port": 8883, "discover": True,
                                         "server_name": "broker.isesaki.madoguchi"},
        "username": "issuer-east", "password": "s3cret-pass", "ca_pem": "-----BEGIN...",
    })


def test_a_saved_bundle_loads_back_and_only_its_owner_can_read_it(tmp_path):
    path = enrolled().save(tmp_path / "usb" / "issuer-east.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Bundle.load(path) == enrolled()


def test_the_password_never_shows_in_a_repr_or_log_line():
    assert "s3cret-pass" not in repr(enrolled()) and "s3cret-pass" not in str(enrolled())


def test_development_bundle_is_anonymous_plain_tcp():
    bundle = Bundle.development(site="isesaki", device="issuer-east", role="issuer",
                                host="127.0.0.1", port=1883)
    assert bundle.username is None and bundle.tls_context(None) is None
    assert (bundle.broker.host, bundle.broker.port, bundle.broker.discover) == ("127.0.0.1", 1883, False)


@pytest.mark.parametrize("change, message", [
    ({"role": "printer"}, "role: Input should be 'issuer', 'board', 'guide', 'certterm' or 'counter'"),
    ({"device": "Issuer East"}, "device: String should match pattern"),
    ({"bundle_version": 2}, "has bundle_version 2; this firmware reads version 1: enrol the device again"),
    ({"colour": "red"}, "colour: Extra inputs are not permitted"),
])
def test_a_bad_bundle_says_what_is_wrong(tmp_path, change, message):
    data = json.loads(enrolled().to_json()) | change
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BundleError, match=message.replace("(", r"\(")):
        Bundle.load(path)


def test_missing_and_garbled_bundles(tmp_path):
    with pytest.raises(BundleError, match="does not exist"):
        Bundle.load(tmp_path / "nowhere.json")
    (tmp_path / "cut.json").write_text('{"site": "isesaki", ')
    with pytest.raises(BundleError, match="is not JSON"):
        Bundle.load(tmp_path / "cut.json")


def test_temperature_comes_from_the_thermal_zone(tmp_path):
    zone = tmp_path / "temp"
    zone.write_text("81234\n")
    assert temperature_c(zone) == pytest.approx(81.234)
    assert temperature_c(tmp_path / "none") is None


def test_alerts_name_what_needs_a_visit():
    assert alerts_for({"printer": "ok", "audio": "ok", "temperature_c": 50.0,
                       "free_disk_mb": 5000.0}) == []
    assert alerts_for({"printer": "cover_open", "audio": "error", "temperature_c": 85.0,
                       "free_disk_mb": 20.0}) == [
        "printer:cover_open", "audio:error", "temperature:high", "disk:low"]
