"""One wording across appliances and pages: the glossary rules a reader would notice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from display import labels as display_labels
from kiosk import i18n as kiosk_i18n
from protocol import glossary
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
    assert called == glossary.state("called") == "呼出中"
    assert serving == glossary.state("serving") == "手続き中"


def test_a_recall_does_not_read_like_a_first_call():
    site = load_config()
    visit = m.VisitStatus.model_validate({
        "number": 42, "state": "called", "steps": [], "people_ahead": 0,
        "estimated_wait_min": 0.0, "day": "2027-03-29", "issued_at": 0.0})
    first = _message("call_next", m.Response(ok=True, result=m.CallNextResult(visit=visit)), site)
    again = _message("recall", m.Response(ok=True, result=m.VisitResult(visit=visit)), site)
    assert first != again and "もう一度" in again


# ---- the shipped texts, scanned for forms that must not come back --------------------

SHIPPED = ("display", "kiosk", "ticketer", "queue_service", "protocol", "firmware", "provisioning")


def _regex_calls(tree: ast.AST) -> set[int]:
    """ids of string constants that are regular expressions (re.compile(...) arguments)."""
    out = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
            out.update(id(a) for a in ast.walk(node) if isinstance(a, ast.Constant))
    return out


def _joined(node: ast.JoinedStr) -> str:
    """An f-string as its text with {} for each value: f"{n} people" reads "{} people"."""
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def shipped_texts() -> list[tuple[str, str]]:
    """(where, text): every string literal of the appliances' and the service's Python code
    (docstrings and regular expressions aside), every template, script and site file."""
    found = []
    for top in SHIPPED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.name == "asyncapi.py":
                continue  # the protocol's reference for developers, not a shipped text
            tree = ast.parse(path.read_text("utf-8"))
            regexes = _regex_calls(tree)
            docs = {id(n.body[0].value) for n in ast.walk(tree)
                    if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                    and n.body and isinstance(n.body[0], ast.Expr)
                    and isinstance(n.body[0].value, ast.Constant)}
            found += [(f"{path.relative_to(ROOT)}:{n.lineno}", _joined(n)) for n in ast.walk(tree)
                      if isinstance(n, ast.JoinedStr) and id(n) not in regexes]
            found += [(f"{path.relative_to(ROOT)}:{n.lineno}", n.value) for n in ast.walk(tree)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)
                      and id(n) not in regexes and id(n) not in docs]
        for ext in ("html", "js", "toml"):
            found += [(str(p.relative_to(ROOT)), p.read_text("utf-8"))
                      for p in sorted((ROOT / top).rglob(f"*.{ext}"))]
    return found


BAD_FORMS = {
    "a half-width ? after Japanese": JAPANESE_THEN_ASCII_QUESTION,
    "a count before 'people' that may be 1 (use protocol.glossary.people)":
        re.compile(r"(\b1|\{[^{}]*\}|\}\}) people\b"),
    "'Counters' before a single placeholder (use protocol.glossary.counters)":
        re.compile(r"Counters \{\w*\}"),
    "a wait of zero minutes": re.compile(r"約\s*0\s*分|待ち時間なし|about 0 min"),
    "a sentence left hanging on a dash": re.compile(r"で\s*[—–-]\s*$", re.MULTILINE),
    "another wording of 呼出中": re.compile(r"呼び出し中|呼出し中"),
    "another wording of no counter open (use protocol.waits.NOT_OPEN)":
        re.compile(r"(?i)\bno counters? (is |are )?open\b|受付時間外|開いている窓口はありません"),
}


def test_no_shipped_text_has_a_known_bad_form():
    bad = [(name, where, text[:80]) for where, text in shipped_texts()
           for name, pattern in BAD_FORMS.items() if pattern.search(text)
           and not (where.startswith("protocol/glossary.py") and "glossary" in name)]
    assert bad == []


def test_the_scan_sees_the_forms_it_forbids():
    """The scan itself works: each bad form is caught in a sample of it."""
    samples = {"a half-width ? after Japanese": "予約を取り消しますか?",
               "a count before 'people' that may be 1 (use protocol.glossary.people)":
                   "{n} people ahead",
               "'Counters' before a single placeholder (use protocol.glossary.counters)":
                   "Counters {ns}",
               "a wait of zero minutes": "約0分", "a sentence left hanging on a dash":
                   "証明書は「らくらく証明書発行機」で —",
               "another wording of 呼出中": "呼び出し中",
               "another wording of no counter open (use protocol.waits.NOT_OPEN)":
                   "No counter open"}
    assert samples.keys() == BAD_FORMS.keys()
    for name, sample in samples.items():
        assert BAD_FORMS[name].search(sample), name
    assert len(shipped_texts()) > 2000


def test_counts_and_counters_are_worded_by_number_in_every_language():
    assert glossary.people(1, "en") == "1 person" and glossary.people(2, "en") == "2 people"
    assert glossary.people(1, "pt") == "1 pessoa" and glossary.people(3, "pt") == "3 pessoas"
    assert glossary.people(1, "ja") == "1人"
    assert glossary.counters([11], "en") == "Counter 11"
    assert glossary.counters([9, 10], "en") == "Counters 9, 10"
    assert glossary.counters([9, 10], "ja") == "9・10番窓口"
    for lang in glossary.LANGS:
        for table in (glossary.STATES, glossary.LEVELS):
            assert all(texts.get(lang) for texts in table.values()), lang


def test_each_state_has_one_wording_on_every_surface():
    """The phone's marks, the console's states and the boards' levels are the glossary's."""
    for key, (ja, en) in web_i18n.MARKS.items():
        assert (ja, en) == (glossary.state(key, "ja"), glossary.state(key, "en"))
    for lang in display_labels.LABEL_LANGUAGES:
        for key in glossary.LEVELS:
            assert display_labels.label(f"level_{key}", lang) == glossary.level(key, lang)
        assert display_labels.label("counter", lang, n=7) == glossary.counters([7], lang)
    # one wording per state: no two states share a word in any language
    for lang in glossary.LANGS:
        words = [glossary.state(k, lang) for k in glossary.STATES]
        assert len(set(words)) == len(words), lang


def test_the_ticket_counts_one_person_ahead_in_english(monkeypatch):
    from tests.ticketer.samples import online_sample
    from ticketer import render

    drawn: list[str] = []
    original = render._Canvas.text
    monkeypatch.setattr(render._Canvas, "text",
                        lambda self, text, *a, **kw: drawn.append(text) or original(self, text, *a, **kw))
    ticket = online_sample(load_config())
    ticket["ahead"] = 1
    render.ticket_parts(ticket, 512)
    assert any(line.startswith("1 person ahead") for line in drawn), drawn
    assert "最初の窓口でお待ちの方  1人" in drawn
    assert any("1・2・3番窓口" in line for line in drawn)
    assert any("Counters 1, 2, 3" in line for line in drawn)
