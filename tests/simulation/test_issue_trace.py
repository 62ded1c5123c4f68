"""The issue round trip's split (benchmarks.issue_trace) adds up to the round trip."""

from __future__ import annotations

import pytest

from benchmarks.issue_trace import PARTS, IssuerClock, split

pytestmark = pytest.mark.pure


def test_the_parts_of_each_round_trip_add_up_to_it_and_untraced_ones_are_left_out():
    issuer = IssuerClock()
    service = {"received": {}, "replied": {}}
    # request a: sent 0, written 1 ms, read by the service 3, answered 7, back 8, woken 9
    issuer.observe("a", 0.000, 0.009)
    issuer.written["a"] = 0.001
    service["received"]["a"], service["replied"]["a"] = 0.003, 0.007
    issuer.answer_received["a"] = 0.008
    issuer.observe("b", 0.010, 0.020)  # the service never noted it: not split
    parts = split(issuer, service)
    assert parts["total"] == [pytest.approx(9.0)]
    assert [parts[name][0] for name, _ in PARTS] == pytest.approx([1.0, 2.0, 4.0, 1.0, 1.0])
    assert sum(parts[name][0] for name, _ in PARTS) == pytest.approx(parts["total"][0])
