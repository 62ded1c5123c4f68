"""The shipped Isesaki site with its `[notify]` section changed (tests, benchmarks): as a
parsed config, or written out as a site file for `python -m queue_service --config`."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

from protocol.site import parse_config


def _notify_data(notify: dict) -> dict:
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    data = tomllib.loads(text)
    section = data.setdefault("notify", {})
    for key, value in notify.items():
        if isinstance(value, dict):
            section.setdefault(key, {}).update(value)
        else:
            section[key] = value
    return data


def site_with(**notify) -> object:
    """The shipped Isesaki site with its [notify] section changed."""
    return parse_config(_notify_data(notify), "test")


def site_file(path, **notify) -> str:
    """The same as a site file for `python -m queue_service --config` (its [notify] part
    written out as TOML inline tables)."""
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    head = text.split("\n[notify]")[0]
    section = _notify_data(notify)["notify"]
    lines = ["[notify]"]
    for key, value in section.items():
        lines.append(f"{key} = {_toml(value)}")
    path.write_text(head + "\n" + "\n".join(lines) + "\n", "utf-8")
    return str(path)


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)  # strings, numbers, booleans, lists
