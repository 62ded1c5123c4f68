"""A secured site with its broker running, and helpers to run the provisioning tool."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.agent import Bundle, DeviceAgent
from provisioning.cli import main
from provisioning.sandbox import start_sandbox


@pytest.fixture
def sandbox(tmp_path):
    s = start_sandbox(tmp_path / "site")
    yield s
    s.stop()


@pytest.fixture
def cli(sandbox, capsys):
    """cli("enrol", "--role", ...) -> (exit status, stdout, stderr) against the sandbox."""
    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--state", str(sandbox.state_dir), *args])
        out, err = capsys.readouterr()
        return status, out, err
    return run


@pytest.fixture
def agents(tmp_path):
    """agents(bundle_path, **kw) -> a started DeviceAgent over TLS; all stopped at the end."""
    made: list[DeviceAgent] = []

    def start(bundle_path: Path, **kw) -> DeviceAgent:
        bundle = Bundle.load(bundle_path)
        agent = DeviceAgent(bundle, version="1.2.3", state_dir=tmp_path / "dev" / bundle.device, **kw)
        made.append(agent)
        return agent

    yield start
    for agent in made:
        agent.stop()
