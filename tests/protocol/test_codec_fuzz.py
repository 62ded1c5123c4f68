"""Property-based tests of the codec (Hypothesis, bounded examples so CI stays fast):
whatever the bytes, a payload is either a model or a refusal with a known code, and the
refusal can always be encoded and sent back."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol import messages as m
from protocol.codec import ProtocolError, decode, encode, request_id_of

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
fields = st.sampled_from(["v", "request_id", "issuing_point", "procedures", "needs", "counter",
                          "number", "staff", "life_event", "visits", "language"])
request_like = st.dictionaries(fields, json_values | st.just(1), max_size=8)
commands = st.sampled_from(sorted(m.COMMANDS))


def answer(model, payload: bytes) -> bytes:
    """What the service sends back for a payload: the model re-encoded, or the refusal."""
    try:
        return encode(decode(model, payload))
    except ProtocolError as exc:
        assert exc.code in m.ERROR_CODES
        return encode(m.Response.failure(request_id_of(payload), exc.code, exc.reason))


@FUZZ
@given(commands, st.binary(max_size=300))
def test_any_bytes_get_a_model_or_an_encodable_refusal(command, payload):
    answer(m.COMMANDS[command], payload)


@FUZZ
@given(commands, request_like)
def test_any_json_object_gets_a_model_or_an_encodable_refusal(command, document):
    answer(m.COMMANDS[command], json.dumps(document).encode())


@FUZZ
@given(st.text(st.characters() | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF,
                                              exclude_categories=()), max_size=40))  # lone surrogates too
def test_any_request_id_text_leads_to_an_encodable_answer(text):
    payload = json.dumps({"v": 1, "request_id": text, "issuing_point": "east",
                          "procedures": ["tennyu"]}).encode()
    answer(m.IssueRequest, payload)


@FUZZ
@given(st.integers(min_value=1, max_value=5000))
def test_nesting_of_any_depth_is_refused_not_crashed(depth):
    payload = b'{"v": 1, "request_id": "req-00000001", "procedures": ' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(ProtocolError):
        decode(m.IssueRequest, payload)


@pytest.mark.parametrize("payload, code", [
    (b'{"v": 1, "request_id": "\\ud800\\udfff-\\ud800", "issuing_point": "east", "procedures": ["a"]}', "invalid"),
    (b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"], "number": '
     + b"9" * 4400 + b"}", "malformed"),
    (b'{"v": true, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"]}',
     "unsupported_version"),
    (b'{"v": 1.0, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"]}',
     "unsupported_version"),
    ((b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "issuing_point": "west",'
     b' "procedures": ["a"]}'), "malformed"),
    ((b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"],'
     b' "language": NaN}'), "malformed"),
    (b'{"v": 1, "request_id": "req-00000001", "number": 1e999}', "malformed"),
    (b'{"v": 1, "request_id": "req-00000001", "x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "too_large"),
])
def test_the_probes_payloads_are_refused_with_a_code(payload, code):
    with pytest.raises(ProtocolError) as err:
        decode(m.IssueRequest, payload)
    assert err.value.code == code
    encode(m.Response.failure(request_id_of(payload), err.value.code, err.value.reason))


def test_a_refusal_names_a_valid_request_id_only():
    assert request_id_of(b'{"request_id": "\\ud800abcdefgh"}') is None
    assert request_id_of(b'{"request_id": "req-00000001", "v": [[[') is None
    assert request_id_of(b'{"request_id": "req-00000001", "v": true}') == "req-00000001"
