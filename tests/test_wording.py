"""One wording across appliances and pages: the glossary rules a reader would notice."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk import i18n as kiosk_i18n
from protocol import messages as m
from protocol.site import load_config
from queue_service.web import i18n as web_i18n
from queue_service.web.staff import _message

ROOT = Path(__file__).resolve().parents[1]
JAPANESE_THEN_ASCII_QUESTION = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]\?")


def japanese_texts() -> list[str]:
    site = load_config()
    texts = [t for pair in web_i18n.TEXT.values() for t in pair[:1]]
    texts += [t for row in kiosk_i18n._TEXT.values() for t in row[:2]]  # ja, easy
    texts += [q.text_ja for e in site.life_events.values() for q in e.questions]
    texts += [(ROOT / "queue_service/web/templates/console.html").read_text("utf-8")]
    return texts


def test_japanese_questions_end_with_a_full_width_question_mark():
    bad = [t for t in japanese_texts() if JAPANESE_THEN_ASCII_QUESTION.search(t)]
    assert bad == []


def test_the_terminal_sentence_is_a_whole_sentence_in_every_language():
    for lang in kiosk_i18n.LANGUAGES:
        text = kiosk_i18n.t("certificates_here", lang, terminal="らくらく証明書発行機")
        assert text.endswith(("。", ".")), (lang, text)


def test_a_called_procedure_is_called_on_the_phone_and_on_the_console():
    called = web_i18n.MARKS[web_i18n.mark("called", 1)][0]
    serving = web_i18n.MARKS[web_i18n.mark("serving", 1)][0]
    assert called == web_i18n.STATES_JA["called"] == "呼出中"
    assert serving == web_i18n.STATES_JA["serving"] == "手続き中"


def test_a_recall_does_not_read_like_a_first_call():
    site = load_config()
    visit = m.VisitStatus.model_validate({
        "number": 42, "state": "called", "steps": [], "people_ahead": 0,
        "estimated_wait_min": 0.0, "day": "2027-03-29", "issued_at": 0.0})
    first = _message("call_next", m.Response(ok=True, result=m.CallNextResult(visit=visit)), site)
    again = _message("recall", m.Response(ok=True, result=m.VisitResult(visit=visit)), site)
    assert first != again and "もう一度" in again
