"""The fleet list from retained status and health: states, last seen, alerts, a readable table."""

from __future__ import annotations

import unicodedata

from protocol import topics
from protocol.codec import encode
from protocol.messages import DeviceStatus, Health
from provisioning.fleet import fleet_rows, format_table
from provisioning.registry import Device

NOW = 1_800_000_000.0


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def device(device_id: str, role: str, name: str) -> Device:
    return Device(device=device_id, role=role, name=name, location="1F", state="active",
                  enrolled_at=NOW - 86400, revoked_at=None, replaced_by=None, settings={},
                  password_hash="$7$...")


def retained(device_id: str, state: str, at: float, alerts: list[str] | None = None) -> dict:
    return {
        topics.device_status("isesaki", device_id): encode(DeviceStatus(
            device=device_id, state=state, role="board", boot=3, version="0.4.0", at=at)),
        topics.device_health("isesaki", device_id): encode(Health(
            device=device_id, uptime_s=10, version="0.4.1", at=at, alerts=alerts or [])),
    }


def test_states_from_retained_messages():
    devices = [device("board-1", "board", "1F 呼出表示"), device("board-2", "board", "2F 呼出表示"),
               device("board-3", "board", "3F"), device("board-4", "board", "4F")]
    messages = {**retained("board-1", "online", NOW - 20, ["audio:error"]),
                **retained("board-2", "offline", NOW - 600),
                **retained("board-3", "online", NOW - 3600)}  # online, but no heartbeat for an hour
    messages[topics.device_health("isesaki", "board-4")] = b"garbage"  # never born, bad health
    rows = {r.device: r for r in fleet_rows("isesaki", devices, messages, now=NOW)}
    assert {d: r.state for d, r in rows.items()} == {
        "board-1": "online", "board-2": "offline", "board-3": "silent", "board-4": "never seen"}
    assert rows["board-1"].alerts == ("audio:error",) and rows["board-1"].version == "0.4.1"
    assert rows["board-2"].last_seen == NOW - 600 and rows["board-2"].boot == 3


def test_the_table_lines_up_with_japanese_names():
    rows = fleet_rows("isesaki", [device("board-1", "board", "1F 呼出表示"), device("b-2", "board", "x")],
                      retained("board-1", "online", NOW - 5), now=NOW)
    lines = format_table(rows, now=NOW).splitlines()
    assert lines[0].split() == ["DEVICE", "ROLE", "NAME", "LOCATION", "STATE", "LAST", "SEEN",
                                "VERSION", "BOOT", "ALERTS"]
    # Kanji take two columns on a terminal: the LOCATION column starts at the same column.
    assert columns(lines[1][:lines[1].index("1F  ")]) == columns(lines[2][:lines[2].index("1F  ")])
    assert "5 s ago" in lines[1] and "NEVER SEEN" in lines[2]
    assert lines[-1] == "1 of 2 devices online"


def test_alerts_read_as_their_code_and_japanese_words():
    rows = fleet_rows("isesaki", [device("issuer-1", "issuer", "東口")],
                      retained("issuer-1", "online", NOW - 5, ["printer:paper_out", "ups:on_battery"]),
                      now=NOW)
    line = format_table(rows, now=NOW).splitlines()[1]
    assert line.endswith("printer:paper_out (用紙切れ), ups:on_battery")  # unknown: as it came
