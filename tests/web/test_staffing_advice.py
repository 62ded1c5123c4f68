"""Staffing advice reaches the supervisor: the dashboard and the retained topic."""

from __future__ import annotations

from protocol import messages as m
from protocol import topics
from tests.queue_service.test_service import Watcher
from tests.web.conftest import counter_command, issue, sign_in

ADVICE = "国民健康保険課: 今すぐ窓口をあと1つ開けてください"


def test_a_long_line_shows_as_advice_on_the_dashboard_and_the_retained_topic(
        broker, client, service, accounts):
    counter_command(service, "open_counter", "c09")
    for _ in range(6):  # an hour of insurance work for one counter
        issue(service, "kokuho_soshitsu")
    sign_in(client, "suzuki")
    page = client.get("/staff/dashboard").text
    assert "窓口の配置" in page and ADVICE in page
    service.republish()  # as after a reconnect: every retained topic, the advice included
    for _ in range(2):  # the second subscriber gets it as the retained copy
        watcher = Watcher(broker, topics.staffing(service.config.id))
        try:
            _, payload, retained = watcher.wait(lambda t, p, r: ADVICE in p.decode())
        finally:
            watcher.close()
    advice = m.StaffingAdvice.model_validate_json(payload)
    assert retained and ADVICE in [line.text_ja for line in advice.lines]
    assert "kokuho_soshitsu" not in payload.decode()  # departments and counts, nobody's visit
