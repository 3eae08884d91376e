"""Quantities defined through a document's functions, against SymPy: y_i = G(g(x_i)) with g(t) a
formula in t and a name w, and claims that evaluate y_i beside its derivatives. The true side is
SymPy's `diff` of the definitions written out; a claim with it is never refuted, and a mutation of
it that mpmath shows to differ is never accepted. The definitions are written as people write them
(g(x_i)) and as SymPy's LaTeX printer writes them (g{\\left(x_{i} \\right)})."""

import itertools
import re

import mpmath
import pytest
import sympy as sp

from derive import api
from derive.engine.verdict import Status
from derive.results import Checked, Numbered

t, w, xi = sp.symbols("t w x_i", real=True)
g = sp.Function("g")
FUNCTIONS = [w * t**2, sp.sin(w * t) + t, sp.exp(w * t) / (1 + t**2), w**2 + t**3, t * sp.cos(w)]
USES = [lambda v: v + xi * w, lambda v: v**2, lambda v: w * v, lambda v: v / (1 + w**2)]
CLAIMS = {   # the claim's left side in LaTeX, and its value from y
    "y + dy/dw": (r"y_i + \frac{\partial y_i}{\partial w}", lambda y: y + sp.diff(y, w)),
    "dy/dx": (r"\frac{\partial y_i}{\partial x_i}", lambda y: sp.diff(y, xi)),
    "y dy/dw": (r"y_i \frac{\partial y_i}{\partial w}", lambda y: y * sp.diff(y, w)),
}
CASES = list(itertools.product(range(len(FUNCTIONS)), range(len(USES)), sorted(CLAIMS),
                               ["by hand", "by SymPy"]))


def decided(claim: str, where: list):
    run = api.check([Numbered(1, claim)], latex=True, timeout=10, where=where)
    (result,) = run.results
    assert isinstance(result, Checked), result
    return result.verdict


def differs(a, b) -> bool:
    for point in ({xi: sp.Rational(3, 7), w: sp.Rational(-5, 4)},
                  {xi: sp.Rational(-2, 3), w: sp.Rational(9, 5)}):
        with mpmath.workdps(50):
            va, vb = (sp.N(e.xreplace(point), 50) for e in (a, b))
            if abs(va - vb) > sp.Float(10, 50) ** -30 * (1 + abs(va)):
                return True
    return False


def written(expr, by: str) -> str:
    text = sp.latex(expr)   # g{\left(x_{i} \right)}, g^{2}{\left(x_{i} \right)}
    return re.sub(r"g(\^\{\d+\})?\{\\left\(x_\{i\} \\right\)\}", r"g(x_i)\1", text) \
        if by == "by hand" else text


@pytest.mark.parametrize("function,use,claim,by", CASES[::7])
def test_a_claim_about_a_quantity_defined_through_a_function(function, use, claim, by):
    formula = FUNCTIONS[function]
    y = USES[use](formula.xreplace({t: xi}))            # y_i written out
    left, value = CLAIMS[claim]
    truth = value(y)
    where = [f"g(t) = {sp.latex(formula)}", f"y_i = {written(USES[use](g(xi)), by)}"]
    v = decided(f"{left} = {sp.latex(truth)}", where)
    assert v.status is not Status.REFUTED, (where, claim, v)
    wrong = truth + xi * w
    assert differs(truth, wrong)
    v = decided(f"{left} = {sp.latex(wrong)}", where)
    assert not v.status.holds, (where, claim, v)
