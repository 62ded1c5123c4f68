"""A Mosquitto started from the site configuration provisioning writes (not the anonymous one)."""

from __future__ import annotations

import pytest

from provisioning.sandbox import start_sandbox

ROLES = ("issuer", "board", "guide", "certterm", "counter")


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """A site with one device per role, its broker running from the generated configuration."""
    s = start_sandbox(tmp_path_factory.mktemp("site"), roles=ROLES)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A site that requires client certificates."""
    s = start_sandbox(tmp_path_factory.mktemp("strict"), roles=ROLES,
                      require_client_certificate=True)
    yield s
    s.stop()
