"""E-mail through a real SMTP server (aiosmtpd) and LINE through a server answering as
the Messaging API does; contacts sealed, never logged, purged at the daily reset."""

from __future__ import annotations

import logging
import sqlite3

from queue_service.notify.channels.line import LineChannel
from queue_service.service import QueueService

from .conftest import LINE_TOKEN, command, issue, local_site, mails_to, subscribe

ADDRESS = "yamada.hanako@example.jp"
LINE_USER = "U" + "4af4980629" * 3 + "ab"


def test_email_and_line_carry_number_counter_and_wait_never_a_name(
        notify_service, smtp_server, line_api, caplog, tmp_path):
    svc = notify_service
    caplog.set_level(logging.DEBUG)
    command(svc, "open_counter", "c07")
    ticket = issue(svc, "nozei")
    subscribe(svc, ticket["token"], "email", {"address": ADDRESS})
    subscribe(svc, ticket["token"], "line", {"user_id": LINE_USER})
    wait = line_api.wait_for
    wait(lambda: smtp_server.messages)  # "near" went by e-mail before LINE was added:
    command(svc, "call_next", "c07")  # a trigger is told once, to the contacts it finds
    wait(lambda: len(smtp_server.messages) >= 2 and line_api.pushed)
    assert len(line_api.pushed) == 1

    mail = smtp_server.messages[1]
    assert mail["to"] == [ADDRESS]
    assert mail["message"]["Subject"] == f"【伊勢崎市役所 本庁舎】{ticket['number']}番のかた お呼びしています"
    text = mail["message"].get_content()
    assert "7番窓口" in text and "お名前は記載していません" in text
    assert mail["message"]["Message-ID"].endswith("@city.isesaki.example>")

    push = line_api.pushed[0]
    assert push["to"] == LINE_USER
    assert push["messages"][0]["text"].startswith(f"{ticket['number']}番のかた お呼びしています")
    assert "7番窓口" in push["messages"][0]["text"]

    # Contacts are sealed at rest and never in the logs.
    raw = (tmp_path / "data" / "notify.db").read_bytes()
    assert ADDRESS.encode() not in raw and LINE_USER.encode() not in raw
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("queue_service"))
    assert ADDRESS not in ours and LINE_USER not in ours


def test_a_visit_issued_in_english_gets_its_whole_mail_in_japanese_then_english(
        notify_service, smtp_server):
    svc = notify_service
    command(svc, "open_counter", "c07")
    ticket = issue(svc, "nozei", language="en")
    subscribe(svc, ticket["token"], "email", {"address": ADDRESS})
    [mail] = mails_to(smtp_server, ADDRESS, 1)
    assert mail["Subject"] == (f"【伊勢崎市役所 本庁舎】{ticket['number']}番のかた まもなく順番です / "
                               f"No. {ticket['number']}: your turn is near")
    text = mail.get_content()
    assert "いまの状況 / Your status now: http" in text
    japanese = text.index("お知らせの登録は本日の受付終了時に削除されます。")
    english = text.index("Your sign-up for these notices is erased when today's counters close.")
    assert text.index("お名前は記載していません") < japanese < english
    assert "your name is not in this e-mail" in text


def test_a_mail_server_that_is_down_is_retried_until_it_answers(tmp_path, push_endpoint, line_api):
    from .endpoints import SmtpServer

    smtp = SmtpServer()  # its port is chosen, not yet listening
    svc = QueueService(local_site(push_endpoint.port, smtp.port, line_api.port, tmp_path),
                       tmp_path / "data")
    svc.start()
    try:
        ticket = issue(svc, "nozei")
        subscribe(svc, ticket["token"], "email", {"address": ADDRESS})
        line_api.wait_for(lambda: (svc.notifier.store.deliveries() or [{}])[0].get("attempts", 0) >= 2)
        assert svc.notifier.store.deliveries()[0]["state"] == "pending"
        smtp.start()
        try:
            line_api.wait_for(lambda: smtp.messages)
        finally:
            smtp.stop()
        assert len(smtp.messages) == 1
        assert svc.notifier.store.deliveries()[0]["state"] == "sent"
    finally:
        svc.stop()


def test_line_retry_after_an_accepted_push_is_not_sent_twice(line_api, tmp_path):
    config = local_site(1, 1, line_api.port, tmp_path)
    channel = LineChannel(config.notify.line)
    notice = {"title": "12番のかた お呼びしています", "body": "3番窓口へお越しください。"}
    channel.send({"user_id": LINE_USER}, notice, "v/called:0/1")
    channel.send({"user_id": LINE_USER}, notice, "v/called:0/1")  # the retry: LINE says 409
    assert len(line_api.pushed) == 1
    line_api.token = "another"  # a wrong channel token is refused (401): retried, not dropped
    import pytest

    from queue_service.notify.channels import Retry

    with pytest.raises(Retry):
        channel.send({"user_id": LINE_USER}, notice, "v/called:1/1")
    assert line_api.token != LINE_TOKEN


def test_contacts_and_messages_are_purged_at_the_daily_reset(tmp_path, push_endpoint):
    clock = [1_764_900_000.0]  # 2025-12-05 11:00 JST
    svc = QueueService(local_site(push_endpoint.port, tmp_path=tmp_path), tmp_path / "data",
                       clock=lambda: clock[0])
    svc.start()
    try:
        ticket = issue(svc, "nozei")
        subscribe(svc, ticket["token"], "email", {"address": ADDRESS})
        clock[0] += 86_400  # the next business day
        db = sqlite3.connect(tmp_path / "data" / "notify.db")
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
        issue(svc, "nozei")
        # The batch's notifier step runs just after the answer: wait for it.
        push_endpoint.wait_for(lambda: db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0)
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    finally:
        svc.stop()
