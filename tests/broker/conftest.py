"""A Mosquitto started from the site configuration provisioning writes (not the anonymous one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from broker_config.local import SiteBrokerProcess
from demo.broker import free_port
from firmware.bundle import Bundle
from provisioning.site import Site, SiteSettings

ROLES = ("issuer", "board", "guide", "certterm", "counter")


@dataclass
class SecuredSite:
    site: Site
    broker: SiteBrokerProcess
    bundles: dict[str, Bundle]           # role -> the bundle of one enrolled device
    state_dir: Path

    @property
    def plain_port(self) -> int:
        return self.site.settings.plain_port

    @property
    def tls_port(self) -> int:
        return self.site.settings.tls_port


def make_secured_site(root: Path, require_client_certificate: bool = False) -> SecuredSite:
    run_dir = root / "run"
    settings = SiteSettings(
        site="isesaki", broker_hosts=["localhost", "127.0.0.1"], tls_port=free_port(),
        plain_port=free_port(), broker_dir=str(root / "etc-mosquitto"),
        pid_file=str(run_dir / "mosquitto.pid"),
        require_client_certificate=require_client_certificate, discover=False,
    )
    site = Site.init(root / "state", settings)
    bundles = {
        role: site.enrol(role, name=f"{role} one", location="1F", device=f"{role}-1",
                         client_certificate=True, reload=False)
        for role in ROLES
    }
    broker = SiteBrokerProcess(site.broker_dir, run_dir, [settings.plain_port, settings.tls_port])
    return SecuredSite(site, broker.start(), bundles, root / "state")


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    s = make_secured_site(tmp_path_factory.mktemp("site"))
    yield s
    s.broker.stop()
    s.site.close()
