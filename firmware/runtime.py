"""How every appliance starts, one way (issuer, board, guide, certificate terminal).

- `load_bundle`: the device's enrolment bundle, or for development (`--device ID`, no
  bundle) an anonymous plain-TCP development bundle, checked against the appliance's
  role;
- `open_agent`: the firmware device agent on that bundle, carrying `version()`; the
  appliance talks through `agent.client` and plugs its health, commands and settings in
  with its `attach_agent(agent)`;
- `version()`: the installed package's version, read from the package metadata (the one
  place it is kept: pyproject.toml);
- `prepare_kivy`: the window settings Kivy reads when it is first imported, so it is
  called before anything of Kivy is.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from .agent import Bundle, BundleError, DeviceAgent

PACKAGE = "madoguchi"


def version() -> str:
    """This software's version (package metadata); "dev" when run from a source tree."""
    try:
        return package_version(PACKAGE)
    except PackageNotFoundError:
        return "dev"


def load_bundle(path: str | Path | None, *, role: str, site: str, device: str | None,
                host: str = "127.0.0.1", port: int = 1883) -> Bundle:
    """The bundle at `path`, else a development bundle for `device`; raises BundleError
    when there is neither or the bundle is for another role."""
    if path:
        bundle = Bundle.load(path)
    elif device:
        bundle = Bundle.development(site, device, role, host, port)
    else:
        raise BundleError("give --bundle PATH, or --device ID for a development bundle")
    if bundle.role != role:
        raise BundleError(f"the bundle is for a {bundle.role!r}, not a {role!r}")
    return bundle


def open_agent(bundle: Bundle, state_dir: str | Path | None = None) -> DeviceAgent:
    """The device agent (boot counter and cached configuration in `state_dir`, by default
    ~/.madoguchi/<device>)."""
    state = Path(state_dir) if state_dir else Path.home() / ".madoguchi" / bundle.device
    return DeviceAgent(bundle, version(), state)


def prepare_kivy(size: tuple[int, int] | None = None, fullscreen: bool = False) -> None:
    """Kivy's window settings; call before the first import of kivy.app or kivy.core."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # Kivy must not read our command line
    from kivy.config import Config

    if size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")  # a right click is no touch
