"""Moving between departments on the pure engine: order constraints, flexible routing,
arrival-aware calling and the bounded place (issue 12)."""

from __future__ import annotations

import pytest

from .helpers import Desk


@pytest.fixture
def desk():
    return Desk()


def route(desk: Desk, number: int) -> list[tuple[str, str]]:
    return [(s.procedure, s.state) for s in desk.status(number).steps]


def test_order_constraints_are_respected_whatever_the_listing(desk):
    desk.open("c01", "c09", "c11")
    # listed insurance first: the resident registration still comes first
    n = desk.issue("kokuho_kanyu", "nenkin", "tennyu")
    assert desk.status(n).department == "sogo"
    assert desk.call("c09") is None and desk.call("c11") is None  # not before 転入届
    assert desk.call("c01") == n
    # おくやみ: 死亡届 first
    b = desk.issue("okuyami_sodan", "koki_korei", "shibou")
    assert route(desk, b)[0] == ("shibou", "waiting")
