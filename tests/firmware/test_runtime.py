"""Every appliance starts the same way: one bundle rule, one agent, one version."""

from importlib.metadata import version as package_version

import pytest

from firmware.runtime import BundleError, load_bundle, open_agent, version

pytestmark = pytest.mark.pure


def test_the_version_is_the_package_s_own():
    assert version() == package_version("madoguchi")


def test_a_development_bundle_for_a_device_and_the_agent_carries_the_version(tmp_path):
    bundle = load_bundle(None, role="board", site="isesaki", device="board-lobby",
                         host="127.0.0.1", port=1884)
    assert (bundle.device, bundle.role, bundle.broker.port) == ("board-lobby", "board", 1884)
    assert not bundle.ca_pem and not bundle.username  # anonymous, plain TCP
    agent = open_agent(bundle, tmp_path / "state")
    assert agent.version == version() and agent.client.device == "board-lobby"
    assert (tmp_path / "state").is_dir()


def test_no_bundle_and_no_device_or_a_bundle_for_another_role_is_refused(tmp_path):
    with pytest.raises(BundleError, match="--device"):
        load_bundle(None, role="issuer", site="isesaki", device=None)
    path = load_bundle(None, role="guide", site="isesaki", device="guide-east").save(
        tmp_path / "bundle.json")
    assert load_bundle(path, role="guide", site="isesaki", device=None).device == "guide-east"
    with pytest.raises(BundleError, match="not a 'certterm'"):
        load_bundle(path, role="certterm", site="isesaki", device=None)
