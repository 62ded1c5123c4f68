"""The queue service says at start-up which citizens' texts its site file lacks, per
language (a city sees it in the service log before a citizen sees 「(só em japonês)」)."""

from __future__ import annotations

import re
import time
from importlib import resources

from demo.processes import ServiceProcess


def test_the_start_up_log_lists_the_missing_translations_per_language(broker, tmp_path):
    text = resources.files("protocol.sites").joinpath("isesaki.toml").read_text("utf-8")
    site = tmp_path / "site.toml"
    site.write_text(re.sub(r'^bring_vi = .*\n', "", text, count=2, flags=re.MULTILINE), "utf-8")
    service = ServiceProcess(broker, tmp_path / "service", config=str(site), web_port=0).start()
    try:
        deadline = time.monotonic() + 10
        while "site texts pt" not in service.log.read_text("utf-8"):
            assert time.monotonic() < deadline, service.log.read_text("utf-8")
            time.sleep(0.1)
        log = service.log.read_text("utf-8")
    finally:
        service.stop()
    assert ("WARNING queue_service: site texts vi: 2 text(s) missing, shown in Japanese: "
            "procedures.tennyu.bring, procedures.tenkyo.bring") in log
    assert "INFO queue_service: site texts pt: complete" in log
