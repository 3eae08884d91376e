"""The verifier against mpmath on random formulas: a formula against its expansion (true by
construction) is never refuted; a mutation (plus 1, doubled, negated, sin for cos) that mpmath shows
to differ is never PROVED or NUMERIC, and a counterexample is a point where mpmath agrees the sides
differ."""

import mpmath
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from derive import api
from derive.engine.verdict import Status
from derive.results import Numbered

from support import formulas

x, y = sp.symbols("x y", real=True)
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
POINTS = [{x: sp.Rational(3, 7), y: sp.Rational(-5, 4)}, {x: sp.Rational(-2, 3), y: sp.Rational(9, 5)}]


def verdict(lhs_text: str, rhs_text: str):
    return api.check([Numbered(1, f"{lhs_text} = {rhs_text}")], timeout=5).results[0].verdict


def mp_value(expr, point, digits=50):
    with mpmath.workdps(digits):
        f = sp.lambdify((x, y), expr, modules="mpmath")  # the test's own expressions
        return f(*(mpmath.mpf(v.p) / v.q for v in (point[x], point[y])))


def differs(a, b, point) -> bool:
    with mpmath.workdps(50):
        va, vb = mp_value(a, point), mp_value(b, point)
        return abs(va - vb) > mpmath.mpf(10) ** -30 * (1 + abs(va))


MUTATIONS = {
    "plus one": lambda e, s: (e + 1, f"({s}) + 1"),
    "doubled": lambda e, s: (2 * e, f"2*({s})"),
    "negated": lambda e, s: (-e, f"-({s})"),
    "cos for sin": lambda e, s: (e.replace(sp.sin, sp.cos), s.replace("sin(", "cos(")),
}


@SETTINGS
@given(formulas(2))
def test_a_formula_against_its_expansion_is_never_refuted(formula):
    expr, text, _ = formula
    expanded = sp.expand(expr)
    v = verdict(text, sp.sstr(expanded))
    assert v.status is not Status.REFUTED, (text, v)


@SETTINGS
@given(formulas(2), st.sampled_from(sorted(MUTATIONS)))
def test_a_mutation_that_differs_is_never_accepted(formula, mutation):
    expr, text, _ = formula
    mutated, mutated_text = MUTATIONS[mutation](expr, text)
    assume(any(differs(expr, mutated, p) for p in POINTS))  # false, by mpmath
    v = verdict(text, mutated_text)
    assert not v.status.holds, (text, mutated_text, v)
    if v.status is Status.REFUTED and v.counterexample.point:
        point = {x: sp.Rational(0), y: sp.Rational(0)}
        point.update({sp.Symbol(k, real=True): sp.Rational(val)
                      for k, val in v.counterexample.point.items()})
        assert differs(expr, mutated, point), (text, mutated_text, v.counterexample)
