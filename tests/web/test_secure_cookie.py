"""The session cookie of `python -m queue_service`: Secure when the pages are served over
TLS (by default), on request behind a TLS proxy, and not otherwise."""

from __future__ import annotations

import re
import ssl

import httpx
import pytest

from demo.processes import ServiceProcess
from provisioning import pki
from queue_service.accounts import AccountStore

PASSWORD = "counter-password"


def set_cookie(response: httpx.Response, name: str) -> str:
    found = [v for k, v in response.headers.multi_items()
             if k == "set-cookie" and v.startswith(f"{name}=")]
    assert found, response.headers
    return found[0]


def sign_in_cookies(url: str, verify) -> list[str]:
    """Set-Cookie of the sign-in page and of a successful sign-in."""
    with httpx.Client(base_url=url, timeout=10, verify=verify) as web:
        login = web.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        form = set_cookie(login, "madoguchi_login_csrf")
        value = form.split(";")[0].split("=", 1)[1]
        r = web.post("/staff/login", data={"user": "ito", "password": PASSWORD,
                                            "csrf_token": csrf},
                     headers={"Cookie": f"madoguchi_login_csrf={value}"})  # as a browser would
    return [form, set_cookie(r, "madoguchi_session")]


def secure(cookie: str) -> bool:
    return "secure" in [part.strip().lower() for part in cookie.split(";")]


@pytest.mark.parametrize("tls, flag, expected", [
    (True, None, True), (False, "--secure-cookies", True), (False, None, False),
    (True, "--no-secure-cookies", False)])
def test_the_session_cookie_is_secure_over_tls(broker, tmp_path, tls, flag, expected):
    data = tmp_path / "service"
    data.mkdir()
    AccountStore(data / "madoguchi.db").add("ito", "伊藤 三郎", "counter", PASSWORD)
    extra: list[str] = [flag] if flag else []
    verify = True
    if tls:
        ca = pki.new_ca("isesaki")
        server = pki.server_certificate(ca, "isesaki", ["127.0.0.1"])
        (tmp_path / "web.pem").write_text(server.cert_pem)
        (tmp_path / "web.key").write_text(server.key_pem)
        (tmp_path / "ca.pem").write_text(ca.cert_pem)
        extra += ["--web-certfile", str(tmp_path / "web.pem"),
                  "--web-keyfile", str(tmp_path / "web.key")]
        verify = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    svc = ServiceProcess(broker, data, extra=tuple(extra)).start()
    try:
        url = svc.web_url.replace("http:", "https:") if tls else svc.web_url
        assert [secure(c) for c in sign_in_cookies(url, verify)] == [expected, expected]
    finally:
        svc.stop()
