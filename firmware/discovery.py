"""Finding the site's broker by zeroconf (mDNS/DNS-SD), and advertising it.

The broker host advertises `_madoguchi-mqtt._tcp.local.` with a TXT record naming the
site, so an appliance taken out of its box finds the broker without a fixed address.
Registration takes about 1.7 s (name probing): advertise once, at boot, and keep it.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Self

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceListener, Zeroconf

SERVICE_TYPE = "_madoguchi-mqtt._tcp.local."


@dataclass(frozen=True)
class Found:
    host: str
    port: int
    tls: bool


class Advertisement:
    """The broker's zeroconf service; `close()` unregisters it (also on `with` exit)."""

    def __init__(
        self, site: str, port: int, *, addresses: list[str], tls: bool = True,
        interfaces: list[str] | None = None, instance: str | None = None,
    ):
        self.zc = Zeroconf(interfaces=interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
        name = instance or f"madoguchi-{site}-{socket.gethostname()}"
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{name}.{SERVICE_TYPE}",
            addresses=[socket.inet_aton(a) for a in addresses],
            port=port,
            properties={"site": site, "tls": "1" if tls else "0", "v": "1"},
            server=f"{name}.local.",
        )
        # Another host (or a second broker) may already use the name: take a free one.
        self.zc.register_service(self.info, allow_name_change=True)

    def close(self) -> None:
        try:
            self.zc.unregister_service(self.info)
        finally:
            self.zc.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _SiteListener(ServiceListener):
    def __init__(self, site: str):
        self.site = site
        self.found: Found | None = None
        self.event = threading.Event()

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        info = zc.get_service_info(type_, name, timeout=2000)
        if info is None or info.properties.get(b"site", b"").decode() != self.site:
            return
        addresses = info.parsed_addresses(IPVersion.V4Only)
        if addresses and info.port:
            tls = info.properties.get(b"tls", b"1") == b"1"
            self.found = Found(addresses[0], info.port, tls)
            self.event.set()

    update_service = add_service

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        pass


def find_broker(site: str, timeout: float = 5.0, interfaces: list[str] | None = None) -> Found | None:
    """The broker advertised for `site`, or None if none answers within `timeout`."""
    zc = Zeroconf(interfaces=interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
    listener = _SiteListener(site)
    browser = ServiceBrowser(zc, SERVICE_TYPE, listener)
    try:
        listener.event.wait(timeout)
        return listener.found
    finally:
        browser.cancel()
        zc.close()
