"""Generate the AsyncAPI 3 reference of the MQTT contract from the message models.

    python -m protocol.asyncapi            # print
    python -m protocol.asyncapi --write    # update docs/asyncapi.yaml

A test checks that docs/asyncapi.yaml is what this generates, so the reference cannot
drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from pydantic import BaseModel, create_model
from pydantic.json_schema import models_json_schema

from . import messages as m
from .topics import ROOT

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "asyncapi.yaml"

# (channel id, address, message model, retained?, who publishes, description)
STATE_CHANNELS: list[tuple[str, str, type[BaseModel], bool, str, str]] = [
    ("calls", "calls/{counter}", m.CallMessage, True, "service",
     ("Current call of a counter. Live calls arrive with retain=0 and are announced; "
      "a retained copy (after a reconnect) is shown, never announced again. `number` is "
      "set only while the visit is called (kind call or recall); once service starts, or "
      "the visit is finished, held or marked absent, the counter shows kind clear with "
      "number null.")),
    ("congestion", "congestion/{department}", m.CongestionMessage, True, "service",
     ("People waiting in the department's line, `serving`: open counters with a visit "
      "called or in service, counters open, estimated wait for a new arrival (null while "
      "no counter is open) and level.")),
    ("visits", "visits/{number}", m.VisitStatus, True, "service",
     ("Public status of a visit by ticket number (no personal data), cleared at the daily "
      "reset. `people_ahead`: visits before it in the line of the department it waits in "
      "now (priority needs first, then issue order); 0 once called.")),
    ("counters", "counters/{counter}", m.CounterStateMessage, True, "service",
     ("Whether a counter is open, and the number it has called (null while serving or "
      "free).")),
    ("staffing", "staffing", m.StaffingAdvice, True, "service",
     ("Staffing advice from the next hour's forecast load per department (visits in the "
      "building with their remaining itineraries, the day's arrivals): which department "
      "should open counters and when, which free counter may close.")),
    ("serviceStatus", "service/status", m.ServiceStatus, True, "service",
     ("Birth and death (Last Will) of the queue service, with `boot` counting its starts. "
      "Readiness: the service is ready when it publishes `online` with a new `boot` "
      "(greater than the one retained before it started); after a crash the previous "
      "start's retained `online` can stay until the broker sends the Last Will, so "
      "whoever starts the service waits for the new boot number, and a device that sees "
      "`boot` change knows the service restarted.")),
    ("deviceStatus", "dev/{device}/status", m.DeviceStatus, True, "device",
     "Birth after connecting and death (Last Will) of a device, with its boot counter."),
    ("deviceHealth", "dev/{device}/health", m.Health, False, "device", "Heartbeat with health."),
    ("issuerState", "dev/{device}/state", m.IssuerState, True, "device",
     ("An issuer's lock, printer and offline state, retained and republished whenever it "
      "changes.")),
    ("deviceConfig", "dev/{device}/config", m.DeviceConfig, True, "service",
     "Configuration of one device."),
    ("deviceCommand", "dev/{device}/cmd", m.DeviceCommand, False, "service",
     "A command for one device (reload configuration, test print, test chime, restart)."),
    ("deviceCommandResult", "dev/{device}/cmd/result", m.CommandResult, False, "device",
     "The device's answer to a command."),
]
PARAMS = {
    "site": "Site id from the site configuration (e.g. isesaki).",
    "device": "Device id; equals the device's MQTT user name (the ACL pins it).",
    "counter": "Counter id from the site configuration.",
    "department": "Department id from the site configuration.",
    "number": "Ticket number of the day.",
}


def _params(address: str) -> dict:
    return {p: {"description": d} for p, d in PARAMS.items() if "{" + p + "}" in address}


def answer_models() -> dict[type[m.Result], type[BaseModel]]:
    """Per result model, the Response that carries it (IssueResult -> IssueResponse)."""
    out = {}
    for result in sorted(set(m.RESULTS.values()), key=lambda cls: cls.__name__):
        commands = ", ".join(f"`{c}`" for c, r in m.RESULTS.items() if r is result)
        out[result] = create_model(
            result.__name__.removesuffix("Result") + "Response", __base__=m.Response[result],
            __doc__=f"The answer to {commands}: `result` is a {result.__name__} when `ok`, "
                    "null with `error` otherwise.")
    return out


def build() -> dict:
    answers = answer_models()
    models = sorted({*m.COMMANDS.values(), m.Response, *answers.values(),
                     *(c[2] for c in STATE_CHANNELS)}, key=lambda cls: cls.__name__)
    _, defs = models_json_schema(
        [(cls, "validation") for cls in models], ref_template="#/components/schemas/{model}"
    )
    schemas = dict(sorted(defs["$defs"].items()))
    channels: dict = {}
    operations: dict = {}
    messages: dict = {}

    def message(cls: type[BaseModel]) -> dict:
        messages[cls.__name__] = {
            "name": cls.__name__, "contentType": "application/json",
            "summary": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
            "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
        }
        return {"$ref": f"#/components/messages/{cls.__name__}"}

    channels["response"] = {
        "address": f"{ROOT}/{{site}}/dev/{{device}}/res",
        "description": "Answers to a device's requests, always on its own `res` topic "
                       "(whatever Response Topic it names); Correlation Data copied "
                       "from the request.",
        "parameters": _params("{site}/dev/{device}"),
        "messages": {"Response": message(m.Response),
                     **{a.__name__: message(a) for a in answers.values()}},
    }
    for command, cls in m.COMMANDS.items():
        cid = f"request_{command}"
        roles = sorted(r for r, cmds in m.ROLE_COMMANDS.items() if command in cmds)
        channels[cid] = {
            "address": f"{ROOT}/{{site}}/dev/{{device}}/req/{command}",
            "description": f"Request `{command}` (MQTT v5: Response Topic, Correlation Data, "
                           f"Message Expiry; request_id de-duplicated). Roles: "
                           f"{', '.join(roles) or 'none (service-internal)'}.",
            "parameters": _params("{site}/dev/{device}"),
            "messages": {cls.__name__: message(cls)},
        }
        operations[command] = {
            "action": "receive", "channel": {"$ref": f"#/channels/{cid}"},
            "summary": (cls.__doc__ or command).strip().splitlines()[0],
            "reply": {
                "address": {"location": "$message.header#/responseTopic"},
                "channel": {"$ref": "#/channels/response"},
                "messages": [{"$ref": "#/channels/response/messages/"
                                      + answers[m.RESULTS[command]].__name__}],
            },
        }
    for cid, address, cls, retained, writer, description in STATE_CHANNELS:
        channels[cid] = {
            "address": f"{ROOT}/{{site}}/{address}",
            "description": f"{description} QoS 1{', retained' if retained else ''}; "
                           f"written by the {writer}.",
            "parameters": _params("{site}/" + address),
            "messages": {cls.__name__: message(cls)},
        }
        operations[f"{'publish' if writer == 'service' else 'receive'}_{cid}"] = {
            "action": "send" if writer == "service" else "receive",
            "channel": {"$ref": f"#/channels/{cid}"},
        }
    channels["siteConfig"] = {
        "address": f"{ROOT}/{{site}}/site",
        "description": "The site configuration document (see protocol/site.py and "
                       "protocol/sites/isesaki.toml) as JSON. QoS 1, retained; written by the service.",
        "parameters": _params("{site}"),
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Madoguchi queue service",
            "version": f"{m.VERSION}.0.0",
            "description": "MQTT contract between the central queue service and the "
                           "appliances (issuers, call boards, floor guides, certificate "
                           "terminals, counter devices). Generated by `python -m "
                           "protocol.asyncapi --write`; do not edit by hand.",
        },
        "defaultContentType": "application/json",
        "servers": {"site": {"host": "broker.local:8883", "protocol": "mqtt",
                             "protocolVersion": "5", "description": "The site's Mosquitto (TLS)."}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": dict(sorted(messages.items())), "schemas": schemas},
    }


def render() -> str:
    return yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {DOC_PATH}")
    args = parser.parse_args(argv)
    if args.write:
        DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOC_PATH.write_text(render(), encoding="utf-8")
        print(f"wrote {DOC_PATH}")
    else:
        sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
