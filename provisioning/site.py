"""A site as facilities staff manage it: initialise, enrol, revoke, replace, configure.

State lives in one directory (`--state`, mode 0700), never in the repository:

    site.json            the site's settings (site id, broker names and ports, paths)
    ca.pem, ca.key       the site's certificate authority (the key never leaves here)
    registry.sqlite      devices and service accounts, with password hashes
    credentials/         service.json, admin.json: user name and password (0600), and
                         service.password, the file the queue service reads

What the broker reads is rendered from it into `broker_dir` (on Debian /etc/mosquitto):
`conf.d/madoguchi.conf` and `madoguchi/{passwd,acl,ca.pem,server.pem,server.key}`; the
broker's persistence directory (on Debian /var/lib/mosquitto) is made owner-only.
After every change Mosquitto gets SIGHUP, which re-reads the password and ACL files.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from broker_config.acl import ADMIN_USER, BRIDGE_PREFIX, ROLES, SERVICE_USER, Account, render_acl
from broker_config.mosquitto_conf import (
    Bridge,
    Listener,
    SiteBroker,
    TlsFiles,
    render_bridge,
    render_site_config,
)
from broker_config.passwords import hash_password, new_password, write_password_file
from firmware.bundle import DEVICE_ID, BrokerAddress, Bundle
from protocol import topics
from protocol.client import new_request_id
from protocol.codec import decode, encode
from protocol.messages import CommandResult, DeviceCommand, DeviceConfig

from . import pki
from .admin_link import AdminLink, LinkError
from .registry import Device, Registry

Progress = Callable[[str], None]
RESERVED = {SERVICE_USER, ADMIN_USER}
CONF_NAME = "madoguchi.conf"


class ProvisioningError(RuntimeError):
    """A mistake or a problem facilities staff can fix; the message says how."""


@dataclass
class SiteSettings:
    site: str
    broker_hosts: list[str]              # names and addresses in the broker's certificate
    tls_port: int = 8883
    tls_bind: str = "0.0.0.0"
    plain_port: int = 1883               # loopback only: the queue service and this tool
    broker_dir: str = "/etc/mosquitto"
    pid_file: str = "/run/mosquitto/mosquitto.pid"
    persistence_dir: str = "/var/lib/mosquitto"  # the main file's persistence_location
    require_client_certificate: bool = False
    discover: bool = True
    created_at: float = field(default_factory=time.time)


def _quiet(_: str) -> None:
    pass


def _write_secret(path: Path, text: str, owner: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    if owner:
        _chown(tmp, owner)
    os.replace(tmp, path)


def _chown(path: Path, owner: str) -> None:
    """Give a broker file to the `mosquitto` user, which Mosquitto runs as after start."""
    if os.geteuid() != 0:
        return
    try:
        entry = pwd.getpwnam(owner)
    except KeyError:
        return
    os.chown(path, entry.pw_uid, entry.pw_gid)


class Site:
    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)
        settings_path = self.state_dir / "site.json"
        if not settings_path.exists():
            raise ProvisioningError(
                f"no site in {self.state_dir}: run `python -m provisioning --state {self.state_dir}"
                " init-site ...` first")
        self.settings = SiteSettings(**json.loads(settings_path.read_text()))
        self.registry = Registry(self.state_dir / "registry.sqlite")

    def close(self) -> None:
        self.registry.close()

    # ---- initialising a site -----------------------------------------------------------
    @classmethod
    def init(cls, state_dir: Path, settings: SiteSettings, progress: Progress = _quiet) -> Site:
        state_dir = Path(state_dir)
        if (state_dir / "site.json").exists():
            raise ProvisioningError(
                f"{state_dir} already holds site {json.loads((state_dir / 'site.json').read_text())['site']!r};"
                " initialising again would invalidate every enrolled device. Use another --state.")
        if not re.fullmatch(r"[a-z0-9_]{1,32}", settings.site):
            raise ProvisioningError(
                f"site id {settings.site!r} must be lower-case letters, digits or _ (e.g. isesaki)")
        if not settings.broker_hosts:
            raise ProvisioningError("give the broker's host name or address (--broker-host)")
        state_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(state_dir, 0o700)
        steps = 5
        progress(f"[1/{steps}] creating the site certificate authority")
        ca = pki.new_ca(settings.site)
        (state_dir / "ca.pem").write_text(ca.cert_pem)
        _write_secret(state_dir / "ca.key", ca.key_pem)
        progress(f"[2/{steps}] issuing the broker certificate for {', '.join(settings.broker_hosts)}")
        server = pki.server_certificate(ca, settings.site, settings.broker_hosts)
        _write_secret(state_dir / "server.pem", server.cert_pem)
        _write_secret(state_dir / "server.key", server.key_pem)
        (state_dir / "site.json").write_text(json.dumps(asdict(settings), indent=2))
        site = cls(state_dir)
        progress(f"[3/{steps}] creating the service and admin accounts")
        for username in (SERVICE_USER, ADMIN_USER):
            password = new_password()
            site.registry.set_account(username, username, hash_password(password))
            _write_secret(state_dir / "credentials" / f"{username}.json", json.dumps({
                "username": username, "password": password, "host": "127.0.0.1",
                "port": settings.plain_port}))
        # For `python -m queue_service --username service --password-file ...`.
        service_password = site.credentials(SERVICE_USER)["password"]
        _write_secret(state_dir / "credentials" / "service.password", service_password + "\n")
        progress(f"[4/{steps}] writing the broker configuration into {settings.broker_dir}")
        site.write_broker_files()
        if site.broker_running():
            progress(f"[5/{steps}] reloading Mosquitto. The first time, restart it instead so it"
                     " opens the new listeners: sudo systemctl restart mosquitto")
            site.reload_broker()
        else:
            progress(f"[5/{steps}] Mosquitto is not running: start it with"
                     " `sudo systemctl restart mosquitto`")
        return site

    # ---- the broker's files ------------------------------------------------------------
    @property
    def broker_dir(self) -> Path:
        return Path(self.settings.broker_dir)

    def broker_paths(self) -> dict[str, Path]:
        files = self.broker_dir / "madoguchi"
        return {
            "conf": self.broker_dir / "conf.d" / CONF_NAME,
            "passwd": files / "passwd", "acl": files / "acl", "ca": files / "ca.pem",
            "cert": files / "server.pem", "key": files / "server.key",
        }

    def write_broker_files(self) -> None:
        paths = self.broker_paths()
        for p in (paths["conf"].parent, paths["passwd"].parent):
            p.mkdir(parents=True, exist_ok=True)
        _chown(paths["passwd"].parent, "mosquitto")
        # Queued requests and retained messages are saved here: the broker's alone.
        persistence = Path(self.settings.persistence_dir)
        persistence.mkdir(parents=True, exist_ok=True)
        os.chmod(persistence, 0o700)
        _chown(persistence, "mosquitto")
        devices = self.registry.devices()
        accounts = self.registry.accounts()
        hashes = {d.device: d.password_hash for d in devices}
        hashes.update({username: hashed for username, _, hashed in accounts})
        write_password_file(paths["passwd"], hashes)
        _chown(paths["passwd"], "mosquitto")
        acl = render_acl(self.settings.site, [Account(d.device, d.role) for d in devices]
                         + [Account(username, kind) for username, kind, _ in accounts])
        _write_secret(paths["acl"], acl, owner="mosquitto")
        paths["ca"].write_text((self.state_dir / "ca.pem").read_text())
        paths["cert"].write_text((self.state_dir / "server.pem").read_text())
        _write_secret(paths["key"], (self.state_dir / "server.key").read_text(), owner="mosquitto")
        s = self.settings
        paths["conf"].write_text(render_site_config(SiteBroker(
            site=s.site, password_file=paths["passwd"], acl_file=paths["acl"],
            plain=Listener(s.plain_port, "127.0.0.1") if s.plain_port else None,
            tls_listener=Listener(s.tls_port, s.tls_bind),
            tls=TlsFiles(paths["ca"], paths["cert"], paths["key"], s.require_client_certificate),
        )))

    def broker_pid(self) -> int | None:
        try:
            pid = int(Path(self.settings.pid_file).read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def broker_running(self) -> bool:
        return self.broker_pid() is not None

    def require_broker(self) -> None:
        if not self.broker_running():
            raise ProvisioningError(
                f"Mosquitto is not running (no live process in {self.settings.pid_file}). "
                "Start it with `sudo systemctl start mosquitto` and try again; nothing was changed.")

    def reload_broker(self) -> None:
        """SIGHUP, as `systemctl reload mosquitto` sends: new passwords and ACL take effect."""
        pid = self.broker_pid()
        if pid is None:
            self.require_broker()
        os.kill(pid, signal.SIGHUP)

    # ---- the admin connection ----------------------------------------------------------
    def credentials(self, username: str) -> dict:
        return json.loads((self.state_dir / "credentials" / f"{username}.json").read_text())

    def admin(self, timeout: float = 5.0) -> AdminLink:
        creds = self.credentials(ADMIN_USER)
        return AdminLink(creds["host"], creds["port"], creds["username"], creds["password"],
                         timeout=timeout)

    # ---- devices ---------------------------------------------------------------------
    def _check_new(self, device: str, role: str, name: str) -> None:
        if role not in ROLES:
            raise ProvisioningError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
        if not re.fullmatch(DEVICE_ID, device) or device in RESERVED or device.startswith(BRIDGE_PREFIX):
            raise ProvisioningError(
                f"device id {device!r} is not allowed: use lower-case letters, digits and -, "
                f"up to 32 characters, not {', '.join(sorted(RESERVED))} or {BRIDGE_PREFIX}...")
        existing = self.registry.get(device)
        if existing:
            raise ProvisioningError(
                f"device id {device!r} is already taken ({existing.state}, {existing.name}); "
                "ids are never reused: choose another")
        same_name = self.registry.by_name(name)
        if same_name:
            raise ProvisioningError(
                f"a device named {name!r} already exists ({same_name.device}, {same_name.location}):"
                " give the new one another name, or use `replace` for new hardware")

    def enrol(self, role: str, name: str, location: str = "", device: str | None = None,
              client_certificate: bool = False, settings: dict | None = None,
              reload: bool = True, progress: Progress = _quiet) -> Bundle:
        """Register a device and return its bundle (the only copy of its password)."""
        if role not in ROLES:
            raise ProvisioningError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
        device = device or self.registry.next_device_id(role)
        name = name or device
        self._check_new(device, role, name)
        if reload:
            self.require_broker()
        password = new_password()
        progress(f"registering {device} ({role}, {name})")
        with self.registry.transaction():
            self.registry.add_device(device, role, name, location, hash_password(password), settings)
            self.write_broker_files()
        bundle = self._bundle(self.registry.get(device), password, client_certificate)
        if reload:
            progress("reloading Mosquitto")
            self.reload_broker()
            self._after_change(lambda: self._publish_config(self.registry.get(device)), progress)
        return bundle

    def _bundle(self, d: Device, password: str, client_certificate: bool) -> Bundle:
        s = self.settings
        pair = (pki.client_certificate(self._ca(), s.site, d.device) if client_certificate else None)
        return Bundle(
            site=s.site, device=d.device, role=d.role, name=d.name, location=d.location,
            broker=BrokerAddress(host=s.broker_hosts[0], port=s.tls_port, discover=s.discover,
                                 server_name=s.broker_hosts[0]),
            username=d.device, password=password, ca_pem=(self.state_dir / "ca.pem").read_text(),
            client_cert_pem=pair.cert_pem if pair else None,
            client_key_pem=pair.key_pem if pair else None,
        )

    def _ca(self) -> pki.KeyPair:
        return pki.KeyPair((self.state_dir / "ca.pem").read_text(),
                           (self.state_dir / "ca.key").read_text())

    def _active(self, device: str) -> Device:
        d = self.registry.get(device)
        if d is None:
            known = ", ".join(x.device for x in self.registry.devices()) or "none"
            raise ProvisioningError(f"no device {device!r} (enrolled devices: {known})")
        if d.state != "active":
            how = f"replaced by {d.replaced_by}" if d.replaced_by else "revoked"
            raise ProvisioningError(f"device {device!r} was already {how}")
        return d

    def revoke(self, device: str, progress: Progress = _quiet) -> None:
        """The device's password stops working; Mosquitto drops it if it is connected."""
        self._active(device)
        self.require_broker()
        with self.registry.transaction():
            self.registry.revoke(device)
            self.write_broker_files()
        progress("reloading Mosquitto")
        self.reload_broker()
        self._after_change(lambda: self._clear_retained(device, progress), progress)

    def replace(self, old: str, new: str | None = None, name: str | None = None,
                client_certificate: bool = False, progress: Progress = _quiet) -> Bundle:
        """New hardware takes over a device's role, location and configuration."""
        d = self._active(old)
        new = new or self.registry.next_device_id(d.role)
        self.require_broker()
        password = new_password()
        with self.registry.transaction():
            self.registry.revoke(old, replaced_by=new)
            self._check_new(new, d.role, name or d.name)
            self.registry.add_device(new, d.role, name or d.name, d.location,
                                     hash_password(password), d.settings)
            self.write_broker_files()
        progress(f"{new} takes over from {old}; reloading Mosquitto")
        bundle = self._bundle(self.registry.get(new), password, client_certificate)
        self.reload_broker()
        self._after_change(lambda: self._clear_retained(old, progress), progress)
        self._after_change(lambda: self._publish_config(self.registry.get(new)), progress)
        return bundle

    @staticmethod
    def _after_change(step: Callable[[], None], progress: Progress) -> None:
        """A tidy-up over MQTT after the change is committed: a failure is a warning only,
        so the caller still gets the bundle (the only copy of the new password)."""
        try:
            step()
        except LinkError as exc:
            progress(f"warning: {exc}; the change is made, run `push-config` or `fleet` later")

    def _clear_retained(self, device: str, progress: Progress) -> None:
        # Wait for Mosquitto to drop the revoked client first, or its Last Will would
        # write `offline` again after we clear it.
        time.sleep(0.5)
        progress(f"clearing the retained status of {device}")
        with self.admin() as link:
            for topic in (topics.device_status(self.settings.site, device),
                          topics.device_health(self.settings.site, device),
                          topics.device_config(self.settings.site, device)):
                link.publish(topic, b"", retain=True)

    # ---- configuration and commands -------------------------------------------------------
    def _publish_config(self, d: Device | None) -> None:
        assert d is not None
        config = DeviceConfig(device=d.device, role=d.role, name=d.name, location=d.location,
                              settings=d.settings)
        with self.admin() as link:
            link.publish(topics.device_config(self.settings.site, d.device), encode(config),
                         retain=True)

    def push_config(self, device: str, settings: dict, replace: bool = False) -> dict:
        """Merge (or replace) a device's settings and publish its retained configuration."""
        d = self._active(device)
        self.require_broker()
        merged = dict(settings) if replace else {**d.settings, **settings}
        self.registry.set_settings(device, merged)
        self._publish_config(self.registry.get(device))
        return merged

    def command(self, device: str, command: str, timeout: float = 10.0) -> CommandResult:
        self._active(device)
        self.require_broker()
        message = DeviceCommand(command_id=new_request_id(), command=command)
        answers: list[CommandResult] = []
        with self.admin(timeout=timeout) as link:
            def keep(msg) -> None:
                result = decode(CommandResult, msg.payload)
                if result.command_id == message.command_id:
                    answers.append(result)

            link.subscribe(topics.device_command_result(self.settings.site, device), keep)
            link.publish(topics.device_command(self.settings.site, device), encode(message))
            deadline = time.monotonic() + timeout
            while not answers and time.monotonic() < deadline:
                time.sleep(0.05)
        if not answers:
            raise ProvisioningError(
                f"{device} did not answer {command!r} within {timeout:.0f} s: is it online? "
                "(see `fleet`)")
        return answers[0]

    # ---- branch offices ----------------------------------------------------------------
    def add_bridge(self, branch: str, main_host: str | None = None,
                   cafile: Path = Path("/etc/mosquitto/madoguchi/main-ca.pem")) -> str:
        """A bridge account on the main broker and the branch broker's connection section."""
        if not re.fullmatch(r"[a-z0-9-]{1,24}", branch):
            raise ProvisioningError(f"branch name {branch!r}: use lower-case letters, digits and -")
        self.require_broker()
        username, password = f"{BRIDGE_PREFIX}{branch}", new_password()
        with self.registry.transaction():
            self.registry.set_account(username, "bridge", hash_password(password))
            self.write_broker_files()
        self.reload_broker()
        return render_bridge(Bridge(
            site=self.settings.site, branch=branch,
            main_host=main_host or self.settings.broker_hosts[0], main_port=self.settings.tls_port,
            username=username, password=password, cafile=cafile,
        ))
