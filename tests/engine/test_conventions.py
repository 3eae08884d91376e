"""The step function's value at 0 is a convention (SymPy: 1/2; PyTorch's heaviside and many texts: 0
or 1). A claim whose truth turns on it is not refuted or proved by one convention. Every
expectation is worked by hand at x = 0, the only point where the conventions differ."""

import pytest

from derive import api
from derive.engine.verdict import Status
from derive.results import Numbered, Unreadable
from derive.text import InputError


def verdict_of(text):
    (result,) = api.check([Numbered(1, text)], timeout=10.0).results
    return result.verdict


@pytest.mark.parametrize("claim, holds_with, fails_with", [
    # H(0)^2 = H(0) only for 0 and 1
    ("Heaviside(x)**2 = Heaviside(x)", "0 or 1", "1/2"),
    # H(0) + H(-0) = 2 H(0) = 1 only for 1/2
    ("Heaviside(x) + Heaviside(-x) = 1", "1/2", "0 or 1"),
    # H(x - 1) H(1 - x) is H(0)^2 at x = 1 and 0 elsewhere: 0 only for a step worth 0 at 0
    ("Heaviside(x - 1)*Heaviside(1 - x) = 0", "0", "1/2 or 1"),
])
def test_a_claim_that_turns_on_the_steps_value_at_0_is_undecided(claim, holds_with, fails_with):
    v = verdict_of(claim)
    assert v.status is Status.UNDECIDED
    assert f"holds with Heaviside(0) = {holds_with}, fails with {fails_with}" in v.note


@pytest.mark.parametrize("claim, status", [
    ("Heaviside(x, 0)**2 = Heaviside(x, 0)", Status.PROVED),     # a value chosen: 0^2 = 0
    ("Heaviside(x, 1)**2 = Heaviside(x, 1)", Status.PROVED),
])
def test_a_chosen_value_at_0_is_decided_with_that_value(claim, status):
    assert verdict_of(claim).status is status


@pytest.mark.parametrize("claim, holds", [
    ("x*Heaviside(x) = Max(0, x)", True),       # 0 * H(0) = 0 whatever H(0) is
    ("Heaviside(x) = 2", False),                # H is at most 1 with every convention
    ("Heaviside(x - 1) = Heaviside(x)", False),  # they differ at x = 1/2
])
def test_a_claim_the_same_with_every_value_keeps_its_verdict(claim, holds):
    v = verdict_of(claim)
    assert v.status.holds is holds and v.status is not Status.UNDECIDED
    assert "Heaviside(0) = 1/2, 0 and 1" in v.note


def test_the_step_at_0_itself_asks_for_a_value():
    with pytest.raises(InputError, match=r"write Heaviside\(0, 0\)"):
        api.check([Numbered(1, "Heaviside(0) = 0")])
    # in a file, that line is unreadable and the others are checked
    results = api.check([Numbered(1, "Heaviside(0) = 0"), Numbered(2, "x = x")]).results
    assert isinstance(results[0], Unreadable) and results[1].verdict.status is Status.PROVED
    assert verdict_of("Heaviside(0, 0) = 0").status is Status.PROVED
