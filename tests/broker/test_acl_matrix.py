"""Every role against every topic family, on Mosquitto started from the site configuration.

Writes are judged by the MQTT v5 PUBACK reason code (paho returns rc 0 for a denied
publish). Mosquitto 2.0.11 with an `acl_file` grants every SUBSCRIBE (SUBACK 1) and
applies the read rules to each message it would deliver, so reads are judged by what
actually arrives. The expected table is written out
here by hand from the topic contract, not derived from the ACL generator.
"""

from __future__ import annotations

import time

import pytest

from protocol.messages import COMMANDS, ROLE_COMMANDS
from tests.broker.mqtt_probe import Probe

P = "madoguchi/isesaki"
NOT_AUTHORISED = 135
OK, DENY = "allow", "deny"

# Public retained state: which roles may read it (messages delivered), by family.
PUBLIC_READS = {
    "calls/+":        {"board", "counter", "service", "bridge"},
    "congestion/+":   {"issuer", "board", "guide", "certterm", "counter", "service", "admin", "bridge"},
    "visits/+":       {"issuer", "guide", "certterm", "counter", "service", "bridge"},
    "counters/+":     {"issuer", "board", "guide", "counter", "service", "admin", "bridge"},
    "site":           {"issuer", "board", "guide", "certterm", "counter", "service", "admin", "bridge"},
    "service/status": {"issuer", "board", "guide", "certterm", "counter", "service", "admin", "bridge"},
}
# The service's retained state: only the service writes it.
SERVICE_WRITES = ["calls/c01", "congestion/shimin", "visits/101", "counters/c01", "service/status", "site"]
DEVICE_ROLES = ("issuer", "board", "guide", "certterm", "counter")


def decide(code) -> str:
    return DENY if code.value == NOT_AUTHORISED else OK if code.value < 128 else f"error {code}"


@pytest.fixture(scope="module")
def probes(secured):
    made = {}
    for role in DEVICE_ROLES:
        b = secured.bundles[role]
        made[role] = Probe(secured.plain_port, b.username, b.password)
    for user in ("service", "admin"):
        creds = secured.site.credentials(user)
        made[user] = Probe(secured.plain_port, creds["username"], creds["password"])
    assert not any(p.refused for p in made.values())
    yield made
    for p in made.values():
        p.close()


def own(role: str) -> str:
    return f"{P}/dev/{role}-1"


@pytest.mark.parametrize("role", DEVICE_ROLES)
def test_a_device_requests_exactly_its_roles_commands(probes, role):
    seen = {cmd: decide(probes[role].publish(f"{own(role)}/req/{cmd}")) for cmd in COMMANDS}
    expected = {cmd: OK if cmd in ROLE_COMMANDS[role] else DENY for cmd in COMMANDS}
    assert seen == expected


def test_a_board_cannot_issue_and_an_issuer_cannot_call(probes):
    assert decide(probes["board"].publish(f"{own('board')}/req/issue")) == DENY
    assert decide(probes["issuer"].publish(f"{own('issuer')}/req/call_next")) == DENY
    assert decide(probes["issuer"].publish(f"{own('issuer')}/req/issue")) == OK


@pytest.mark.parametrize("role", DEVICE_ROLES)
def test_a_device_writes_only_its_own_reports(probes, role):
    p = probes[role]
    other = "board-1" if role != "board" else "issuer-1"
    seen = {
        "own status": decide(p.publish(f"{own(role)}/status", retain=True)),
        "own health": decide(p.publish(f"{own(role)}/health", retain=True)),
        "own cmd/result": decide(p.publish(f"{own(role)}/cmd/result")),
        "own res": decide(p.publish(f"{own(role)}/res")),
        "own config": decide(p.publish(f"{own(role)}/config", retain=True)),
        "own cmd": decide(p.publish(f"{own(role)}/cmd")),
        "other's status": decide(p.publish(f"{P}/dev/{other}/status", retain=True)),
        "other's request": decide(p.publish(f"{P}/dev/{other}/req/get_visit")),
        "other's result": decide(p.publish(f"{P}/dev/{other}/cmd/result")),
        **{f"service's {t}": decide(p.publish(f"{P}/{t}", retain=True)) for t in SERVICE_WRITES},
    }
    allowed = {"own status", "own health", "own cmd/result"}
    assert seen == {k: OK if k in allowed else DENY for k in seen}


def reads(probes, role: str, families: dict[str, tuple[str, str, str]]) -> dict[str, str]:
    """Which families' messages reach `role`: family -> (filter, publisher, topic) -> allow/deny.

    Each publisher's message is acknowledged before the service sends a last message on
    the device's own config, so once that arrives, anything it was allowed would be there.
    """
    p = probes[role]
    p.messages.clear()
    sentinel = f"{own(role)}/config"
    codes = {family: p.subscribe(flt) for family, (flt, _, _) in families.items()}
    codes[" sentinel"] = p.subscribe(sentinel)
    assert all(c.value == 1 for c in codes.values()), "Mosquitto 2.0 grants every SUBSCRIBE"
    for family, (_, publisher, topic) in families.items():
        assert decide(probes[publisher].publish(topic, family.encode())) == OK, (publisher, topic)
    probes["service"].publish(sentinel, b"sentinel")
    deadline = time.monotonic() + 5
    while not any(m.payload == b"sentinel" for m in p.messages) and time.monotonic() < deadline:
        time.sleep(0.01)
    got = {m.payload.decode() for m in p.messages}
    assert "sentinel" in got
    for flt, _, _ in families.values():
        p.client.unsubscribe(flt)
    return {family: OK if family in got else DENY for family in families}


@pytest.mark.parametrize("role", DEVICE_ROLES)
def test_a_device_reads_its_own_topics_and_the_state_its_role_needs(probes, role):
    other = "board" if role != "board" else "issuer"
    requester = "counter" if role != "counter" else "issuer"
    families = {
        "own res": (f"{own(role)}/res", "service", f"{own(role)}/res"),
        "own cmd": (f"{own(role)}/cmd", "service", f"{own(role)}/cmd"),
        "other's res": (f"{own(other)}/res", "service", f"{own(other)}/res"),
        "other's config": (f"{own(other)}/config", "service", f"{own(other)}/config"),
        "every request": (f"{P}/dev/+/req/+", requester, f"{own(requester)}/req/get_visit"),
        "every status": (f"{P}/dev/+/status", other, f"{own(other)}/status"),
        **{t: (f"{P}/{t}", "service", f"{P}/{t.replace('+', 'x1')}") for t in PUBLIC_READS},
    }
    expected = {"own res": OK, "own cmd": OK, "other's res": DENY, "other's config": DENY,
                "every request": DENY, "every status": DENY}
    expected |= {t: OK if role in readers else DENY for t, readers in PUBLIC_READS.items()}
    assert reads(probes, role, families) == expected


def test_the_service_answers_requests_and_writes_all_retained_state(probes):
    p = probes["service"]
    assert decide(p.subscribe(f"{P}/dev/+/req/+")) == OK
    assert decide(p.publish(f"{P}/dev/issuer-1/res")) == OK
    for t in SERVICE_WRITES + ["dev/board-1/config", "dev/board-1/cmd"]:
        assert decide(p.publish(f"{P}/{t}", retain=True)) == OK, t
    assert decide(p.publish(f"{P}/dev/issuer-1/req/issue")) == DENY  # it cannot pose as a device


def test_admin_manages_devices_but_never_reads_requests(probes):
    p = probes["admin"]
    assert decide(p.publish(f"{P}/dev/board-1/config", retain=True)) == OK
    assert decide(p.publish(f"{P}/dev/board-1/cmd")) == OK
    assert reads(probes, "admin", {
        "status": (f"{P}/dev/+/status", "board", f"{own('board')}/status"),
        "health": (f"{P}/dev/+/health", "board", f"{own('board')}/health"),
        "results": (f"{P}/dev/+/cmd/result", "board", f"{own('board')}/cmd/result"),
        # certificate requests carry personal data: admin never sees them
        "requests": (f"{P}/dev/+/req/+", "certterm", f"{own('certterm')}/req/attach_application"),
    }) == {"status": OK, "health": OK, "results": OK, "requests": DENY}
    assert decide(p.publish(f"{P}/dev/issuer-1/req/issue")) == DENY
    assert decide(p.publish(f"{P}/calls/c01", retain=True)) == DENY
