"""A name a document gives a function's value (`derive.audit.aliases`): learned only from an
equality whose sides are the same text but for that name, used only for derivatives by the value."""

import pytest

from derive import api
from derive.audit.aliases import Alias, learned
from derive.engine.verdict import Status

CHAIN = (r"\frac{\partial E}{\partial y_k} \frac{\partial y_k}{\partial h_k}",
         r"\frac{\partial E}{\partial g(h_k)} \frac{\partial g(h_k)}{\partial h_k}")


def test_a_chain_written_twice_names_the_value():
    assert learned(*CHAIN) == Alias("y_k", "g(h_k)")
    assert learned(*reversed(CHAIN)) == Alias("y_k", "g(h_k)")


@pytest.mark.parametrize("left, right", [
    ("x + y", "x + g(y)"),                         # y = g(y): an equation about y
    ("y_k + z_k", "g(h_k) + f(h_k)"),              # two names, two values: no one reading
    (r"\frac{\partial E}{\partial y_k}", r"\frac{\partial E}{\partial y_k} + 1"),
    ("a + b", "a + c"),                            # a name for a name is not a function's value
])
def test_nothing_is_learned_from_sides_that_differ_otherwise(left, right):
    assert learned(left, right) is None


def notes(claim: str, chain: bool = True) -> str:
    lines = ["# Output layer", ""]
    if chain:
        lines += [f"$${CHAIN[0]} = {CHAIN[1]}$$", ""]
    return "\n".join(lines + [f"$${claim}$$", ""])


# d/dy_k of (1/2) sum_k (t_k - y_k)^2 is -(t_k - y_k) = y_k - t_k (by hand)
@pytest.mark.parametrize("right, holds", [("t_k - y_k", False), ("y_k - t_k", True)])
def test_a_derivative_by_the_value_is_read_with_its_name(right, holds):
    claim = (r"\frac{\partial}{\partial g(h_k)} \left[ \frac{1}{2} \sum_k (t_k - y_k)^2 \right] = "
             + right)
    report = api.audit_text(notes(claim), "notes", timeout=10)
    (finding,) = [f for f in report.checked if f.source.line == 5]
    assert finding.verdict.status.holds is holds, finding.verdict.note
    assert "y_k for g(h_k)" in finding.source.note


def test_without_the_chain_the_value_has_no_name_and_nothing_is_refuted():
    claim = r"\frac{\partial}{\partial g(h_k)} \left[ \frac{1}{2} \sum_k (t_k - y_k)^2 \right] = t_k - y_k"
    report = api.audit_text(notes(claim, chain=False), "notes", timeout=10)
    assert not report.refuted
