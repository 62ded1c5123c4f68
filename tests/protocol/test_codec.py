"""Bad payloads get a precise, machine-readable refusal."""

import pytest

from protocol import messages as m
from protocol.codec import MAX_PAYLOAD_BYTES, ProtocolError, decode, encode

pytestmark = pytest.mark.pure


def issue(**kw):
    base = {"request_id": "req-00000001", "issuing_point": "east", "procedures": ["tennyu"]}
    base.update(kw)
    return m.IssueRequest(**base)


def test_round_trip():
    r = issue(needs=["wheelchair"], staff="s01")
    assert decode(m.IssueRequest, encode(r)) == r


@pytest.mark.parametrize("payload, code", [
    (b"\xff\xfe", "malformed"),
    (b"not json", "malformed"),
    (b"[1, 2]", "malformed"),
    (b'{"v": 2, "request_id": "req-00000001"}', "unsupported_version"),
    (b'{"request_id": "req-00000001"}', "unsupported_version"),
    (b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": []}', "invalid"),
    (b'{"v": 1, "request_id": "x", "issuing_point": "east", "procedures": ["a"]}', "invalid"),
    (b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"], "name": "x"}', "invalid"),
    (b'{"v": 1, "request_id": "req-00000001", "issuing_point": "east", "procedures": ["a"], "needs": ["vip"]}', "invalid"),
])
def test_refusals(payload, code):
    with pytest.raises(ProtocolError) as err:
        decode(m.IssueRequest, payload)
    assert err.value.code == code


def test_oversized():
    with pytest.raises(ProtocolError) as err:
        decode(m.IssueRequest, b"{" + b" " * MAX_PAYLOAD_BYTES + b"}")
    assert err.value.code == "too_large"


def test_invalid_names_the_field():
    with pytest.raises(ProtocolError) as err:
        decode(m.IssueRequest, b'{"v": 1, "request_id": "req-00000001", "issuing_point": "East!", "procedures": ["a"]}')
    assert "issuing_point" in err.value.reason
