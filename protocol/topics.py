"""The MQTT topic tree every Madoguchi part speaks.

    madoguchi/<site>/dev/<device>/req/<command>  device -> service, MQTT v5 request
    madoguchi/<site>/dev/<device>/res            service -> device, the response
    madoguchi/<site>/dev/<device>/status         retained birth/death (Last Will)
    madoguchi/<site>/dev/<device>/health         heartbeats
    madoguchi/<site>/dev/<device>/state          retained live state of an appliance (issuer lock)
    madoguchi/<site>/dev/<device>/config         retained device configuration
    madoguchi/<site>/dev/<device>/cmd            commands to the device
    madoguchi/<site>/dev/<device>/cmd/result     the device's answer to a command
    madoguchi/<site>/calls/<counter>             retained current call of a counter
    madoguchi/<site>/congestion/<department>     retained congestion of a department
    madoguchi/<site>/visits/<number>             retained public status of a visit
    madoguchi/<site>/counters/<counter>          retained open/closed state of a counter
    madoguchi/<site>/staffing                    retained staffing advice for the supervisor
    madoguchi/<site>/service/status              retained birth/death of the queue service
    madoguchi/<site>/site                        retained site configuration document

Devices write only below their own `dev/<device>/` (the broker's ACL pins `<device>` to
the MQTT user name) and the service is the single writer of every other retained topic.
Topic names carry ids and ticket numbers only, never personal data.
"""

from __future__ import annotations

ROOT = "madoguchi"


def _site(site: str) -> str:
    return f"{ROOT}/{site}"


def request(site: str, device: str, command: str) -> str:
    return f"{_site(site)}/dev/{device}/req/{command}"


def response(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/res"


def all_requests(site: str) -> str:
    return f"{_site(site)}/dev/+/req/+"


def device_status(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/status"


def device_health(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/health"


def device_state(site: str, device: str) -> str:
    """Retained, written by the device itself: e.g. an issuer's lock and printer state."""
    return f"{_site(site)}/dev/{device}/state"


def all_device_states(site: str) -> str:
    return f"{_site(site)}/dev/+/state"


def device_config(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/config"


def device_command(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/cmd"


def device_command_result(site: str, device: str) -> str:
    return f"{_site(site)}/dev/{device}/cmd/result"


def all_device_status(site: str) -> str:
    return f"{_site(site)}/dev/+/status"


def all_device_health(site: str) -> str:
    return f"{_site(site)}/dev/+/health"


def call(site: str, counter: str) -> str:
    return f"{_site(site)}/calls/{counter}"


def all_calls(site: str) -> str:
    return f"{_site(site)}/calls/+"


def congestion(site: str, department: str) -> str:
    return f"{_site(site)}/congestion/{department}"


def all_congestion(site: str) -> str:
    return f"{_site(site)}/congestion/+"


def visit(site: str, number: int) -> str:
    return f"{_site(site)}/visits/{number}"


def all_visits(site: str) -> str:
    return f"{_site(site)}/visits/+"


def counter_state(site: str, counter: str) -> str:
    return f"{_site(site)}/counters/{counter}"


def all_counter_states(site: str) -> str:
    return f"{_site(site)}/counters/+"


def staffing(site: str) -> str:
    """Retained: where counters should open or may close (protocol.messages.StaffingAdvice)."""
    return f"{_site(site)}/staffing"


def service_status(site: str) -> str:
    return f"{_site(site)}/service/status"


def parse_request(topic: str) -> tuple[str, str, str] | None:
    """Split a request topic into (site, device, command); None if it is not one."""
    parts = topic.split("/")
    if len(parts) != 6 or parts[0] != ROOT or parts[2] != "dev" or parts[4] != "req":
        return None
    return parts[1], parts[3], parts[5]


def last_segment(topic: str) -> str:
    return topic.rsplit("/", 1)[-1]


def site_config(site: str) -> str:
    """Retained: the site configuration document (see protocol.site)."""
    return f"{_site(site)}/site"
