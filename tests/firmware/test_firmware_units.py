"""The systemd units and kiosk settings the appliances boot with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from firmware.agent import RESTART_EXIT_CODE

UNITS = Path(__file__).resolve().parents[2] / "firmware" / "systemd"
INSTALLED_PYTHON = "/opt/madoguchi/.venv/bin/python"
KIOSK_ENV = "/opt/madoguchi/firmware/systemd/kiosk.env"
APPLIANCES = {
    "madoguchi-ticketer.service": "-m ticketer --bundle /etc/madoguchi/bundle.json",
    "madoguchi-display.service": "-m display --bundle /etc/madoguchi/bundle.json",
    "madoguchi-kiosk@.service": "-m kiosk %i --bundle /etc/madoguchi/bundle.json",
}


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """section -> key -> values (systemd keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{path.name}: cannot parse {raw!r}"
        current.setdefault(key, []).append(value)
    return sections


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing (package systemd)"
    units = []
    for unit in UNITS.glob("*.service"):
        text = unit.read_text().replace(INSTALLED_PYTHON, sys.executable)
        text = text.replace(KIOSK_ENV, str(UNITS / "kiosk.env"))
        name = unit.name.replace("@.service", "@guide.service")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    assert len(units) == 5
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True,
                          check=False, env=dict(os.environ, SYSTEMD_LOG_LEVEL="warning"))
    complaints = [line for line in done.stderr.splitlines() if str(tmp_path) in line]
    assert done.returncode == 0 and complaints == [], done.stderr


@pytest.mark.parametrize("unit, command", APPLIANCES.items())
def test_appliances_start_in_kiosk_mode_and_come_back_after_a_restart_command(unit, command):
    service = parse_unit(UNITS / unit)["Service"]
    assert service["ExecStart"] == [f"{INSTALLED_PYTHON} {command}"]
    assert service["EnvironmentFile"] == [KIOSK_ENV]
    # The agent's restart command exits with 75; only Restart=always brings every code back.
    assert service["Restart"] == ["always"]
    assert str(RESTART_EXIT_CODE) not in " ".join(service.get("RestartPreventExitStatus", []))
    assert service["User"] == ["madoguchi"]


def test_the_kiosk_settings_reach_kivy(tmp_path):
    env = {}
    for line in (UNITS / "kiosk.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["SDL_VIDEODRIVER"] = "offscreen"  # no KMS display in CI
    env["KIVY_HOME"] = str(tmp_path / "kivy")
    probe = ("from kivy.config import Config; "
             "print(Config.get('graphics', 'fullscreen'), Config.get('graphics', 'show_cursor'), "
             "Config.get('graphics', 'borderless'), Config.get('kivy', 'exit_on_escape'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=dict(os.environ, **env), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-4:] == ["auto", "0", "1", "0"]
    assert "unknown section" not in done.stderr
