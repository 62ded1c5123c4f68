"""A throwaway secured site on this machine: the real site configuration on free ports.

For trying the tools, demos and tests: it initialises a site in `root`, with the broker's
files in `root/etc-mosquitto` (the Debian layout) and starts Mosquitto from them, exactly
as production runs it except `user root`, which a throwaway broker started as root needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from broker_config.local import SiteBrokerProcess
from demo.broker import free_port
from firmware.bundle import Bundle

from .site import Site, SiteSettings


@dataclass
class Sandbox:
    site: Site
    broker: SiteBrokerProcess
    state_dir: Path
    bundles: dict[str, Bundle] = field(default_factory=dict)  # role -> an enrolled device

    @property
    def plain_port(self) -> int:
        return self.site.settings.plain_port

    @property
    def tls_port(self) -> int:
        return self.site.settings.tls_port

    def stop(self) -> None:
        self.broker.stop()
        self.site.close()


def start_sandbox(root: Path, *, site: str = "isesaki", roles: tuple[str, ...] = (),
                  require_client_certificate: bool = False, discover: bool = False) -> Sandbox:
    """Initialise, enrol one `<role>-1` device per role (with a client certificate), start."""
    root = Path(root)
    run_dir = root / "run"
    settings = SiteSettings(
        site=site, broker_hosts=["localhost", "127.0.0.1"], tls_port=free_port(), tls_bind="127.0.0.1",
        plain_port=free_port(), broker_dir=str(root / "etc-mosquitto"),
        pid_file=str(run_dir / "mosquitto.pid"), persistence_dir=str(run_dir / "persistence"),
        require_client_certificate=require_client_certificate, discover=discover,
    )
    s = Site.init(root / "state", settings)
    bundles = {
        role: s.enrol(role, name=f"{role} one", location="1F", device=f"{role}-1",
                      client_certificate=True, reload=False)
        for role in roles
    }
    broker = SiteBrokerProcess(s.broker_dir, run_dir, [settings.plain_port, settings.tls_port],
                               persistence_dir=Path(settings.persistence_dir))
    return Sandbox(s, broker.start(), root / "state", bundles)
