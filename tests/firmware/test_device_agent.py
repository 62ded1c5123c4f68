"""The device agent against a real Mosquitto: birth, death, heartbeats, config, commands."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from firmware.agent import RESTART_EXIT_CODE, Bundle, DeviceAgent
from protocol import topics
from protocol.codec import decode, encode
from protocol.messages import CommandResult, DeviceCommand, DeviceConfig, DeviceStatus, Health

SITE = "isesaki"
REPO = Path(__file__).resolve().parents[2]


def status_is(state: str, boot: int | None = None):
    def check(msg) -> bool:
        if not msg.topic.endswith("/status") or not msg.payload:
            return False
        status = decode(DeviceStatus, msg.payload)
        return status.state == state and (boot is None or status.boot == boot)
    return check


def result_of(command_id: str):
    def check(msg) -> bool:
        return msg.topic.endswith("/cmd/result") and json.loads(msg.payload)["command_id"] == command_id
    return check


@pytest.fixture
def make_agent(broker, tmp_path):
    made: list[DeviceAgent] = []

    def make(device: str = "issuer-east", role: str = "issuer", state: Path | None = None, **kw):
        bundle = Bundle.development(SITE, device, role, host=broker.host, port=broker.port)
        agent = DeviceAgent(bundle, version="0.1.0", state_dir=state or tmp_path / device, **kw)
        made.append(agent)
        return agent

    yield make
    for agent in made:
        agent.stop()


def send_command(watcher, device: str, command: str, command_id: str) -> None:
    watcher.publish(topics.device_command(SITE, device),
                    encode(DeviceCommand(command_id=command_id, command=command)))


def test_birth_is_retained_online_with_a_boot_counter_that_grows(make_agent, watch, tmp_path):
    state = tmp_path / "issuer-state"
    first = make_agent(state=state)
    assert first.start(wait=5)
    first.stop()
    second = make_agent(state=state)
    assert second.start(wait=5)

    watcher = watch(topics.device_status(SITE, "issuer-east"))
    retained = watcher.wait_for(status_is("online"))
    status = decode(DeviceStatus, retained.payload)
    assert retained.retain
    assert (status.boot, status.role, status.version) == (2, "issuer", "0.1.0")


def test_clean_stop_says_offline(make_agent, watch):
    agent = make_agent()
    agent.start(wait=5)
    watcher = watch(topics.device_status(SITE, "issuer-east"))
    watcher.wait_for(status_is("online"))
    agent.stop()
    assert decode(DeviceStatus, watcher.wait_for(status_is("offline")).payload).boot == 1


AGENT_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from firmware.agent import Bundle, DeviceAgent
    bundle = Bundle.development("isesaki", "board-1f", "board", host="127.0.0.1", port=int(sys.argv[1]))
    agent = DeviceAgent(bundle, version="0.2.0", state_dir=Path(sys.argv[2]))
    agent.start(wait=5)
    print("up", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def agent_process(broker, tmp_path):
    """A device agent in its own process, as systemd runs it."""
    procs: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-c", AGENT_SCRIPT, str(broker.port), str(tmp_path / "board")],
            cwd=REPO, stdout=subprocess.PIPE, text=True,
        )
        procs.append(proc)
        assert proc.stdout.readline().strip() == "up"
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_last_will_says_offline_when_the_device_dies(agent_process, watch):
    watcher = watch(topics.device_status(SITE, "board-1f"))
    proc = agent_process()
    watcher.wait_for(status_is("online"))
    proc.send_signal(signal.SIGKILL)  # a power cut: no goodbye
    # Mosquitto notices the dead socket by TCP reset at once (keepalive covers a cut cable).
    watcher.wait_for(status_is("offline"), timeout=10)
    later = watch(topics.device_status(SITE, "board-1f"))  # someone looking afterwards
    will = later.wait_for(status_is("offline"))
    assert will.retain and decode(DeviceStatus, will.payload).role == "board"


def test_restart_command_ends_the_process_with_the_restart_code(agent_process, watch):
    watcher = watch(f"madoguchi/{SITE}/dev/board-1f/#")
    proc = agent_process()
    watcher.wait_for(status_is("online"))  # born: its subscriptions are in place
    send_command(watcher, "board-1f", "restart", "cmd-restart-1")
    assert proc.wait(10) == RESTART_EXIT_CODE
    result = decode(CommandResult, watcher.wait_for(result_of("cmd-restart-1")).payload)
    assert result.ok and result.detail == "restarting"


def test_restart_runs_once_even_if_the_command_is_retained(make_agent, watch, tmp_path):
    codes: list[int] = []
    watcher = watch(topics.device_command_result(SITE, "board-1f"))
    send_command_retained = DeviceCommand(command_id="cmd-restart-2", command="restart")
    watcher.publish(topics.device_command(SITE, "board-1f"), encode(send_command_retained), retain=True)
    state = tmp_path / "board-state"
    agent = make_agent("board-1f", "board", state=state, exit=codes.append)
    agent.start(wait=5)
    watcher.wait_for(result_of("cmd-restart-2"))
    for _ in range(50):
        if codes:
            break
        time.sleep(0.05)
    assert codes == [RESTART_EXIT_CODE]
    # After the "restart" the same retained command arrives again and is not run again.
    again = make_agent("board-1f", "board", state=state, exit=codes.append)
    again.start(wait=5)
    send_command(watcher, "board-1f", "test_chime", "cmd-after-restart")
    watcher.wait_for(result_of("cmd-after-restart"))
    assert codes == [RESTART_EXIT_CODE]


def test_heartbeat_carries_health_and_alerts(make_agent, watch):
    agent = make_agent(heartbeat_s=0.2)
    agent.add_health(lambda: {"printer": "paper_out"})
    watcher = watch(topics.device_health(SITE, "issuer-east"))
    agent.start(wait=5)
    watcher.wait_for(lambda m: decode(Health, m.payload).uptime_s >= 0.3)
    beats = [decode(Health, m.payload) for m in watcher.messages]
    assert len(beats) >= 2
    last = beats[-1]
    assert last.version == "0.1.0" and last.printer == "paper_out"
    assert "printer:paper_out" in last.alerts
    assert last.free_disk_mb is not None and last.free_disk_mb > 0


def test_a_broken_health_source_becomes_an_alert_not_a_crash(make_agent):
    agent = make_agent()
    agent.add_health(lambda: 1 / 0)
    agent.add_health(lambda: {"colour": "red"})
    reading = agent.health()
    assert "health:probe_failed" in reading.alerts and "health:invalid" in reading.alerts


def test_retained_configuration_is_applied_and_kept_for_an_offline_start(
    make_agent, watch, tmp_path, broker
):
    config = DeviceConfig(device="board-1f", role="board", name="1F board", location="1F",
                          settings={"counters": ["c01", "c02"], "volume": 0.8})
    watch(topics.device_config(SITE, "board-1f")).publish(
        topics.device_config(SITE, "board-1f"), encode(config), retain=True)
    state = tmp_path / "board-state"
    seen: list[dict] = []
    agent = make_agent("board-1f", "board", state=state)
    agent.on_config(seen.append)
    agent.start(wait=5)
    watch(topics.device_config(SITE, "board-1f")).wait_for(lambda m: True)
    for _ in range(100):
        if seen:
            break
        time.sleep(0.02)
    assert seen == [{"counters": ["c01", "c02"], "volume": 0.8}]
    agent.stop()

    broker.stop()  # the broker is down: the board still starts with its last configuration
    offline = make_agent("board-1f", "board", state=state)
    later: list[dict] = []
    offline.on_config(later.append)
    assert later == [{"counters": ["c01", "c02"], "volume": 0.8}]


def test_configuration_for_another_device_is_ignored(make_agent, watch):
    agent = make_agent("board-1f", "board")
    seen: list[dict] = []
    agent.on_config(seen.append)
    agent.start(wait=5)
    stray = DeviceConfig(device="board-2f", role="board", name="2F", settings={"x": 1})
    watcher = watch(topics.device_command_result(SITE, "board-1f"))
    watcher.publish(topics.device_config(SITE, "board-1f"), encode(stray))
    send_command(watcher, "board-1f", "reload_config", "cmd-reload-1")
    result = decode(CommandResult, watcher.wait_for(result_of("cmd-reload-1")).payload)
    assert seen == [] and result.detail == "no configuration received yet"


def test_commands_report_their_results(make_agent, watch):
    agent = make_agent()
    agent.on_command("test_print", lambda: "printed a test ticket")
    agent.on_command("test_chime", lambda: (_ for _ in ()).throw(OSError("no sound card")))
    agent.start(wait=5)
    watcher = watch(topics.device_command_result(SITE, "issuer-east"))
    send_command(watcher, "issuer-east", "test_print", "cmd-print-1")
    send_command(watcher, "issuer-east", "test_print", "cmd-print-1")  # a duplicate
    send_command(watcher, "issuer-east", "test_chime", "cmd-chime-1")
    printed = decode(CommandResult, watcher.wait_for(result_of("cmd-print-1")).payload)
    chimed = decode(CommandResult, watcher.wait_for(result_of("cmd-chime-1")).payload)
    assert printed.ok and printed.detail == "printed a test ticket"
    assert not chimed.ok and chimed.detail == "OSError: no sound card"
    assert sum(1 for m in watcher.messages if result_of("cmd-print-1")(m)) == 1


def test_a_command_the_appliance_has_no_handler_for_fails_clearly(make_agent, watch):
    agent = make_agent("board-1f", "board")
    agent.start(wait=5)
    watcher = watch(topics.device_command_result(SITE, "board-1f"))
    send_command(watcher, "board-1f", "test_print", "cmd-print-2")
    result = decode(CommandResult, watcher.wait_for(result_of("cmd-print-2")).payload)
    assert not result.ok and result.detail == "test_print is not supported by this board"


def test_agent_reconnects_and_is_born_again_after_a_broker_restart(make_agent, watch, broker):
    agent = make_agent(heartbeat_s=0.3)
    assert agent.start(wait=5)
    broker.restart(down_for=0.5)
    watcher = watch(topics.device_health(SITE, "issuer-east"))
    watcher.wait_for(lambda m: not m.retain, timeout=15)  # a live heartbeat after the restart
    assert agent.connected
