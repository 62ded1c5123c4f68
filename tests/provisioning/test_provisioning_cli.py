"""The facilities staff's tool end to end: a real broker, real devices over TLS."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

from firmware.agent import Bundle
from protocol import topics
from provisioning.cli import main
from provisioning.registry import Registry
from provisioning.site import Site

REPO = Path(__file__).resolve().parents[2]


def wait_until(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_init_site_writes_ca_accounts_and_broker_config_with_progress(tmp_path, capsys):
    state, etc = tmp_path / "state", tmp_path / "etc-mosquitto"
    status = main(["--state", str(state), "init-site", "--site", "isesaki",
                   "--broker-host", "madoguchi.isesaki.local", "--broker-host", "192.0.2.10",
                   "--broker-dir", str(etc), "--pid-file", str(tmp_path / "none.pid"),
                   "--persistence-dir", str(tmp_path / "broker-data"), "--tls-bind", "192.0.2.10"])
    out, err = capsys.readouterr()
    assert status == 0 and "site isesaki initialised" in out
    assert [line[:5] for line in err.splitlines() if line.startswith("[")] == [
        "[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "ca.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "broker-data").stat().st_mode) == 0o700
    conf = (etc / "conf.d" / "madoguchi.conf").read_text()
    assert "allow_anonymous false" in conf and "listener 8883 192.0.2.10" in conf  # --tls-bind
    passwd = (etc / "madoguchi" / "passwd").read_text()
    assert {line.split(":")[0] for line in passwd.splitlines()} == {"service", "admin"}
    service = json.loads((state / "credentials" / "service.json").read_text())
    assert service["password"] not in passwd and service["password"] not in out + err

    again = main(["--state", str(state), "init-site", "--site", "isesaki", "--broker-host", "x"])
    assert again == 2
    assert "already holds site 'isesaki'" in capsys.readouterr().err


def test_enrolled_device_connects_over_tls_and_shows_online_in_the_fleet(cli, sandbox, agents, tmp_path):
    status, out, err = cli("enrol", "--role", "issuer", "--name", "東口発券機",
                           "--location", "1F 東口", "--out", str(tmp_path / "usb"))
    assert status == 0
    bundle_path = tmp_path / "usb" / "issuer-1.json"
    bundle = Bundle.load(bundle_path)
    assert bundle.password not in out + err  # never printed
    assert (tmp_path / "usb" / "issuer-1.png").exists()

    agent = agents(bundle_path)
    agent.add_health(lambda: {"printer": "paper_low"})
    assert agent.start(wait=5)
    status, out, _ = cli("fleet")
    row = next(line for line in out.splitlines() if line.startswith("issuer-1"))
    assert "東口発券機" in row and "online" in row and "1.2.3" in row and "printer:paper_low" in row
    assert out.splitlines()[-1] == "1 of 1 devices online"

    agent.stop()
    _, out, _ = cli("fleet", "--json")
    (entry,) = json.loads(out)
    assert (entry["device"], entry["state"], entry["boot"]) == ("issuer-1", "offline", 1)


def test_mistakes_get_clear_errors_and_change_nothing(cli, sandbox, tmp_path):
    assert cli("enrol", "--role", "board", "--name", "1F 呼出表示", "--out", str(tmp_path))[0] == 0
    not_a_folder = tmp_path / "board-1.json"  # a file where the USB folder should be
    cases = [
        (("enrol", "--role", "board", "--name", "1F 呼出表示"), "a device named '1F 呼出表示' already exists"),
        (("enrol", "--role", "printer", "--name", "x"), "unknown role 'printer': choose one of"),
        (("enrol", "--role", "board", "--name", "y", "--device", "admin"), "device id 'admin' is not allowed"),
        (("enrol", "--role", "board", "--name", "z", "--device", "board-1"), "device id 'board-1' is already taken"),
        (("revoke", "board-9"), "no device 'board-9' (enrolled devices: board-1)"),
        (("replace", "board-1", "--device", "board-1"), "device id 'board-1' is already taken"),
        (("enrol", "--role", "board", "--name", "w", "--out", str(not_a_folder)),
         f"cannot write the bundle into {not_a_folder}: is the USB stick mounted?"),
        (("push-config", "board-1", "--set", "volume"), "--set 'volume': write KEY=VALUE"),
    ]
    for args, message in cases:
        status, _, err = cli(*args)
        assert status == 2 and message in err, (args, err)
    assert [d.device for d in Registry(sandbox.state_dir / "registry.sqlite").devices()] == ["board-1"]


def test_a_broker_that_is_not_running_is_reported_and_nothing_is_enrolled(cli, sandbox):
    sandbox.broker.stop()
    status, _, err = cli("enrol", "--role", "board", "--name", "2F 呼出表示")
    assert status == 2
    assert "Mosquitto is not running" in err and "systemctl start mosquitto" in err
    assert Registry(sandbox.state_dir / "registry.sqlite").devices() == []
    assert "board-1" not in (Path(sandbox.site.settings.broker_dir) / "madoguchi" / "passwd").read_text()


def test_a_state_folder_without_a_site_says_to_initialise(tmp_path, capsys):
    assert main(["--state", str(tmp_path / "empty"), "fleet"]) == 2
    assert "no site in" in capsys.readouterr().err


def test_revoked_device_is_dropped_and_refused_after_reload(cli, sandbox, agents, tmp_path):
    cli("enrol", "--role", "board", "--name", "2F 呼出表示", "--out", str(tmp_path))
    cli("enrol", "--role", "issuer", "--name", "東口発券機", "--out", str(tmp_path))
    agent = agents(tmp_path / "board-1.json")
    bystander = agents(tmp_path / "issuer-1.json")
    drops: list[int] = []
    bystander.client.on_disconnect(lambda: drops.append(1))
    assert agent.start(wait=5) and bystander.start(wait=5)
    assert cli("revoke", "board-1")[0] == 0
    wait_until(lambda: not agent.connected)  # Mosquitto re-checks connected clients on SIGHUP
    time.sleep(1.5)  # the agent keeps retrying with backoff: every attempt is refused
    assert not agent.connected
    assert bystander.connected and drops == []  # the reload leaves other devices alone
    after_reload = sandbox.broker.log_text().split("Reloading config.")[-1]
    assert "disconnected, not authorised" in after_reload  # its reconnection was refused
    _, out, _ = cli("fleet", "--all")
    assert "REVOKED" in next(line for line in out.splitlines() if line.startswith("board-1"))
    status, _, err = cli("revoke", "board-1")
    assert status == 2 and "was already revoked" in err


def test_replacement_takes_over_role_location_and_settings(cli, sandbox, agents, tmp_path):
    cli("enrol", "--role", "board", "--name", "2F 呼出表示", "--location", "2F 北", "--out", str(tmp_path))
    assert cli("push-config", "board-1", "--set", "counters=[\"c05\", \"c06\"]", "--set", "volume=0.7")[0] == 0
    status, out, _ = cli("replace", "board-1", "--out", str(tmp_path / "new"))
    assert status == 0 and "board-2 replaces board-1 (board, 2F 北)" in out

    new = agents(tmp_path / "new" / "board-2.json")
    seen: list[dict] = []
    new.on_config(seen.append)
    assert new.start(wait=5)
    wait_until(lambda: seen)
    assert seen[-1] == {"counters": ["c05", "c06"], "volume": 0.7}

    old = agents(tmp_path / "board-1.json")
    assert not old.start(wait=2)  # the old bundle's password no longer works
    _, out, _ = cli("fleet")
    assert "board-2" in out and "board-1" not in out and "2F 呼出表示" in out


def test_push_config_reaches_a_running_device(cli, agents, tmp_path):
    cli("enrol", "--role", "guide", "--name", "フロア案内 1F", "--out", str(tmp_path))
    agent = agents(tmp_path / "guide-1.json")
    seen: list[dict] = []
    agent.on_config(seen.append)
    agent.start(wait=5)
    wait_until(lambda: seen)  # enrolment published its first configuration
    status, out, _ = cli("push-config", "guide-1", "--set", "idle_ads=true", "--set", "floor=1F")
    assert status == 0 and '"floor": "1F"' in out
    wait_until(lambda: seen[-1] == {"idle_ads": True, "floor": "1F"})


def test_commands_run_on_the_device_and_report_back(cli, agents, tmp_path):
    cli("enrol", "--role", "issuer", "--name", "西口発券機", "--out", str(tmp_path))
    agent = agents(tmp_path / "issuer-1.json")
    agent.on_command("test_print", lambda: "test ticket printed")
    agent.start(wait=5)
    status, out, _ = cli("command", "issuer-1", "test_print")
    assert status == 0 and out.strip() == "issuer-1 test_print: ok test ticket printed"
    status, out, _ = cli("command", "issuer-1", "test_chime")
    assert status == 1 and "FAILED test_chime is not supported by this issuer" in out


def test_a_command_to_a_device_that_is_off_times_out_clearly(cli, tmp_path):
    cli("enrol", "--role", "issuer", "--name", "西口発券機", "--out", str(tmp_path))
    status, _, err = cli("command", "issuer-1", "test_print", "--timeout", "1")
    assert status == 2 and "issuer-1 did not answer 'test_print' within 1 s: is it online?" in err


def test_the_qr_code_reads_back_as_the_bundle(cli, tmp_path):
    cli("enrol", "--role", "certterm", "--name", "証明書端末", "--out", str(tmp_path))
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbar-tools is not installed (apt-get install zbar-tools)"
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "certterm-1.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert Bundle.from_json(decoded) == Bundle.load(tmp_path / "certterm-1.json")


def test_the_tool_runs_as_a_module(sandbox):
    done = subprocess.run([sys.executable, "-m", "provisioning", "--state", str(sandbox.state_dir),
                           "fleet"], cwd=REPO, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and done.stdout.strip().endswith("0 of 0 devices online")


def test_retained_status_of_a_revoked_device_is_cleared(cli, sandbox, agents, tmp_path):
    cli("enrol", "--role", "counter", "--name", "窓口3", "--out", str(tmp_path))
    agent = agents(tmp_path / "counter-1.json")
    agent.start(wait=5)
    cli("revoke", "counter-1")
    site = Site(sandbox.state_dir)
    with site.admin() as link:
        left = link.retained([topics.device_status("isesaki", "counter-1"),
                              topics.device_config("isesaki", "counter-1")], quiet_s=0.3)
    site.close()
    assert left == {}
