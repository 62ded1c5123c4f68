"""Every command's answer is its documented result model, made by the real engine."""

import re
from pathlib import Path

import pydantic
import pytest

from protocol import messages as m

from .helpers import Desk, drive_every_event_type

pytestmark = pytest.mark.pure


def test_every_command_has_a_result_model():
    assert set(m.RESULTS) == set(m.COMMANDS)


def test_every_engine_answer_validates_as_the_commands_result_model():
    desk, seen = Desk(), {}
    original = desk.run

    def run(command, **fields):
        result = original(command, **fields)
        seen[command] = m.RESULTS[command].model_validate(result)
        return result

    desk.run = run
    drive_every_event_type(desk)
    desk.run("get_visit", number=1)
    desk.issue("juminhyo", "inu_toroku")
    empty = Desk()
    empty.open("c05")
    nobody = m.CallNextResult.model_validate(empty.run("call_next", counter="c05"))
    assert nobody.visit is None  # nobody waits: visit null, the counter stays free
    assert set(seen) == set(m.COMMANDS) - {"attach_application"}  # the service's own command
    assert seen["issue"].guidance == ["inu_toroku"]  # handled in another building


def test_an_error_code_outside_the_list_fails_where_it_is_made():
    with pytest.raises(pydantic.ValidationError):
        m.Response.failure("req-00000001", "no_such_code", "?")
    assert m.Response.failure("req-00000001", "counter_closed", "open it first").error.code \
        == "counter_closed"


def test_every_code_the_service_refuses_with_is_listed():
    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("queue_service/**/*.py"), root / "protocol" / "codec.py"]
    made = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        made |= set(re.findall(r'(?:EngineError|ProtocolError)\(\s*"(\w+)"', text))
        made |= set(re.findall(r'_(?:error|refusal)\([^()]*?,\s*"(\w+)"', text))
    assert {"counter_closed", "malformed", "store_failed", "unknown_command"} <= made
    assert made <= set(m.ERROR_CODES)
