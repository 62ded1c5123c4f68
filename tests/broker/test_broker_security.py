"""Logins, client-id takeover, TLS with and without client certificates, revocation."""

from __future__ import annotations

import re
import ssl
import time

import pytest

from provisioning import pki
from tests.broker.mqtt_probe import Probe

P = "madoguchi/isesaki"


def test_anonymous_and_wrong_passwords_are_refused(secured):
    anonymous = Probe(secured.plain_port, None, None)
    wrong = Probe(secured.plain_port, "board-1", "not-the-password")
    try:
        assert anonymous.refused and anonymous.connack.value == 135  # not authorised
        assert wrong.refused and wrong.connack.value == 135  # Mosquitto 2.0 says the same
    finally:
        anonymous.close()
        wrong.close()


def test_a_device_cannot_push_another_off_by_reusing_its_client_id(secured):
    issuer = secured.bundles["issuer"]
    board = secured.bundles["board"]
    victim = Probe(secured.plain_port, issuer.username, issuer.password, client_id="issuer-1")
    intruder = Probe(secured.plain_port, board.username, board.password, client_id="issuer-1")
    try:
        assert not victim.refused and not intruder.refused
        time.sleep(0.5)
        # The broker used the intruder's user name as its client id: the issuer stays on.
        assert not victim.disconnected.is_set()
        assert victim.publish(f"{P}/dev/issuer-1/health").value < 128
    finally:
        victim.close()
        intruder.close()


def tls_probe(site, bundle, tmp_path, *, with_cert: bool, ca_pem: str | None = None) -> Probe:
    context = ssl.create_default_context(cadata=ca_pem or bundle.ca_pem)
    context.check_hostname = True
    if with_cert:
        bundle.tls_context(tmp_path)  # writes client.pem / client.key
        context.load_cert_chain(tmp_path / "client.pem", tmp_path / "client.key")
    return Probe(site.tls_port, bundle.username, bundle.password, tls=context, host="localhost")


def test_tls_with_the_site_ca_and_no_client_certificate(secured, tmp_path):
    guide = secured.bundles["guide"]
    p = tls_probe(secured, guide, tmp_path, with_cert=False)
    try:
        assert not p.refused
        assert p.publish(f"{P}/dev/guide-1/req/get_visit").value < 128
    finally:
        p.close()


def test_tls_refuses_a_broker_signed_by_another_ca(secured, tmp_path):
    stranger_ca = pki.new_ca("elsewhere").cert_pem
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_probe(secured, secured.bundles["guide"], tmp_path, with_cert=False, ca_pem=stranger_ca)


def test_the_device_bundle_connects_over_tls_by_ip_checking_the_broker_name(secured, tmp_path):
    bundle = secured.bundles["certterm"]
    context = bundle.tls_context(tmp_path)  # verifies "localhost" while dialling 127.0.0.1
    p = Probe(secured.tls_port, bundle.username, bundle.password, tls=context, host="127.0.0.1")
    try:
        assert not p.refused
    finally:
        p.close()


def connects(make) -> bool:
    try:
        p = make()
    except (ssl.SSLError, OSError):
        return False
    try:
        if p.refused:
            return False
        p.publish(f"{P}/dev/board-1/health")  # a handshake failure can surface on first use
        return not p.disconnected.is_set()
    except AssertionError:
        return False
    finally:
        p.close()


def test_client_certificates_required(strict, tmp_path):
    board = strict.bundles["board"]
    assert connects(lambda: tls_probe(strict, board, tmp_path / "a", with_cert=True))
    assert not connects(lambda: tls_probe(strict, board, tmp_path / "b", with_cert=False))


def test_a_client_certificate_from_another_ca_is_refused(strict, tmp_path):
    board = strict.bundles["board"]
    foreign = pki.client_certificate(pki.new_ca("elsewhere"), "elsewhere", "board-1")
    forged = board.model_copy(update={"client_cert_pem": foreign.cert_pem,
                                      "client_key_pem": foreign.key_pem})
    assert not connects(lambda: tls_probe(strict, forged, tmp_path, with_cert=True))


def test_the_broker_listens_only_where_the_site_configuration_says(secured):
    opened = re.findall(r"Opening ipv4 listen socket on port (\d+)", secured.broker.log_text())
    assert sorted(map(int, opened)) == sorted([secured.plain_port, secured.tls_port])
