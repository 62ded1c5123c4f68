"""The enrolment bundle: everything one appliance needs to join its site's broker.

Provisioning writes it (a JSON file on a USB stick, or a QR code shown once); the device
agent reads it. It holds the device's password, so it is written with mode 0600 and its
repr never shows secrets.
"""

from __future__ import annotations

import json
import os
import ssl
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

BUNDLE_VERSION = 1
DeviceRole = Literal["issuer", "board", "guide", "certterm", "counter"]
DEVICE_ID = r"^[a-z0-9][a-z0-9-]{0,31}$"


class BundleError(ValueError):
    """A bundle that cannot be used, with a reason facilities staff can act on."""


class BrokerAddress(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    host: str = "127.0.0.1"
    port: int = Field(default=8883, ge=1, le=65535)
    discover: bool = False
    # The name in the broker's certificate: checked whatever address discovery finds.
    server_name: str | None = None


class Bundle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    bundle_version: Literal[1] = BUNDLE_VERSION
    site: str = Field(pattern=r"^[a-z0-9_]+$", max_length=32)
    device: str = Field(pattern=DEVICE_ID)
    role: DeviceRole
    name: str = Field(default="", max_length=100)
    location: str = Field(default="", max_length=100)
    broker: BrokerAddress = BrokerAddress()
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    ca_pem: str | None = Field(default=None, repr=False)
    client_cert_pem: str | None = Field(default=None, repr=False)
    client_key_pem: str | None = Field(default=None, repr=False)

    # ---- reading and writing ---------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Bundle:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BundleError(f"bundle file {path} does not exist") from None
        return cls.from_json(text, source=str(path))

    @classmethod
    def from_json(cls, text: str, source: str = "bundle") -> Bundle:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BundleError(f"{source} is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise BundleError(f"{source} must be a JSON object")
        if data.get("bundle_version", BUNDLE_VERSION) != BUNDLE_VERSION:
            raise BundleError(
                f"{source} has bundle_version {data.get('bundle_version')!r}; "
                f"this firmware reads version {BUNDLE_VERSION}: enrol the device again"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "bundle"
            raise BundleError(f"{source}: {where}: {first['msg']}") from None

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)

    def save(self, path: str | Path) -> Path:
        """Write the bundle readable by its owner only (it holds the password)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.to_json())
        os.chmod(path, 0o600)
        return path

    @classmethod
    def development(
        cls, site: str, device: str, role: str, host: str = "127.0.0.1", port: int = 1883,
        name: str = "", location: str = "",
    ) -> Bundle:
        """An anonymous, plain-TCP bundle for the demo and tests (never for a real site)."""
        return cls(
            site=site, device=device, role=role, name=name or device, location=location,
            broker=BrokerAddress(host=host, port=port),
        )

    # ---- TLS ---------------------------------------------------------------------------
    def tls_context(self, key_dir: Path) -> ssl.SSLContext | None:
        """The TLS settings for this bundle, or None for plain TCP (no CA in the bundle).

        The server is verified against the site's own CA and `broker.server_name`. A client
        certificate, when the bundle has one, is written into `key_dir` (0600) because the
        ssl module loads it from files.
        """
        if not self.ca_pem:
            return None
        context = _PinnedNameContext(ssl.PROTOCOL_TLS_CLIENT)
        context.server_name = self.broker.server_name
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_verify_locations(cadata=self.ca_pem)
        if self.client_cert_pem and self.client_key_pem:
            key_dir.mkdir(parents=True, exist_ok=True)
            cert, key = key_dir / "client.pem", key_dir / "client.key"
            for path, text in ((cert, self.client_cert_pem), (key, self.client_key_pem)):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(text)
            context.load_cert_chain(cert, key)
        return context


class _PinnedNameContext(ssl.SSLContext):
    """Checks the server certificate against a fixed name, whatever address we dialled.

    paho passes the host it connects to as the TLS server name; a broker found by
    zeroconf is dialled by IP address, but its certificate names the site's broker.
    """

    server_name: str | None = None

    def wrap_socket(self, sock, *args, server_hostname=None, **kwargs):  # type: ignore[override]
        return super().wrap_socket(
            sock, *args, server_hostname=self.server_name or server_hostname, **kwargs
        )
