"""The step-by-step differentiator, gradients, the general rules and their rendering."""

import shutil
import subprocess

import pytest
import sympy as sp

from derive.calc import first_principles as rules
from derive.calc import rules as R
from derive.calc.differentiate import differentiate, gradient
from derive.render import RenderOptions, render
from derive.results import Derivations
from derive.text import parse_expression

x, y, z = sp.symbols("x y z", real=True)

# expression, variable, the derivative worked out by hand, a rule the steps must use (and for an
# elementary function, which one)
TABLE = [
    ("7", "x", "0", R.ConstantRule, None),
    ("x**5", "x", "5*x**4", R.PowerRule, None),
    ("3*x**2 + 2*x + 1", "x", "6*x + 2", R.SumRule, None),
    ("4*x**3", "x", "12*x**2", R.ConstantMultipleRule, None),
    ("(x**4 + 2)*cos(x)", "x", "4*x**3*cos(x) - x**4*sin(x) - 2*sin(x)", R.ProductRule, None),
    ("x/(1 + x**2)", "x", "(1 - x**2)/(1 + x**2)**2", R.QuotientRule, None),
    ("sin(x**2)", "x", "2*x*cos(x**2)", R.ElementaryRule, sp.sin),
    ("exp(3*x)", "x", "3*exp(3*x)", R.ElementaryRule, sp.exp),
    ("log(1 + x**2)", "x", "2*x/(1 + x**2)", R.ElementaryRule, sp.log),
    ("tan(x)", "x", "1 + tan(x)**2", R.ElementaryRule, sp.tan),
    ("tanh(z)", "z", "1 - tanh(z)**2", R.ElementaryRule, sp.tanh),
    ("cosh(2*x)", "x", "2*sinh(2*x)", R.ElementaryRule, sp.cosh),
    ("sinh(x)", "x", "cosh(x)", R.ElementaryRule, sp.sinh),
    ("atan(x)", "x", "1/(1 + x**2)", R.ElementaryRule, sp.atan),
    ("asin(x)", "x", "1/sqrt(1 - x**2)", R.ElementaryRule, sp.asin),
    ("x**x", "x", "x**x*(log(x) + 1)", R.LogarithmicDifferentiationRule, None),
    ("2**x", "x", "2**x*log(2)", R.ExponentialRule, None),
    ("sigmoid(z)", "z", "exp(-z)/(1 + exp(-z))**2", R.PowerRule, None),
    ("softplus(z)", "z", "exp(z)/(1 + exp(z))", R.ElementaryRule, sp.log),
    ("relu(z)", "z", "Heaviside(z, 0)", R.KinkRule, None),
    ("relu(2*z - 1)", "z", "2*Heaviside(2*z - 1, 0)", R.KinkRule, None),
    ("f(x**2)", "x", None, R.UnknownFunctionRule, None),
    ("x**4*y", "x", "4*x**3*y", R.ConstantMultipleRule, None),
    ("x**4*y", "y", "x**4", R.ConstantMultipleRule, None),
    ("sqrt(x)", "x", "1/(2*sqrt(x))", R.PowerRule, None),
]


@pytest.mark.parametrize("text,var,expected,rule,function", TABLE, ids=[t[0] for t in TABLE])
def test_stepper_against_hand_derivative_and_sympy(text, var, expected, rule, function):
    expr = parse_expression(text)
    v = sp.Symbol(var, real=True)
    d = differentiate(expr, v).check()
    assert d.holds, d.failures()
    assert sp.simplify(d.result - sp.diff(expr, v).replace(
        lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(e.args[0], 0))) == 0
    if expected is not None:
        assert sp.simplify(d.result - parse_expression(expected)) == 0
    used = [r for step in d.steps for r in step.rules]
    assert any(isinstance(r, rule) and (function is None or r.expr.func is function)
               for r in used), used


def test_every_step_is_a_real_equation_and_wrong_steps_are_caught():
    from derive.calc.steps import Derivation, Step
    bad = Derivation("wrong", (Step(sp.Derivative(x**2, x), x, "made-up rule"),)).check()
    assert not bad.holds and bad.failures()[0][0] == 1


def test_second_order():
    d = differentiate(sp.sin(x**2), x, order=2).check()
    assert d.holds
    assert sp.simplify(d.result - (2 * sp.cos(x**2) - 4 * x**2 * sp.sin(x**2))) == 0


def test_no_rule_step_for_an_uncovered_function():
    d = differentiate(sp.gamma(x), x).check()
    assert d.holds and any(isinstance(r, R.DontKnowRule) for s in d.steps for r in s.rules)


def test_readable_result_not_unsimplified():
    d = differentiate(5 * x**5 / x, x)
    assert d.result == 20 * x**3


def test_gradient():
    *partials, vector = gradient(2 * x**2 + 4 * y, [x, y])
    assert vector.check().holds
    assert vector.result == sp.Matrix([4 * x, 4])  # by hand: (4x, 4)


def test_general_rules_hold(published):
    # every rule from first principles, as published (checked under its own assumptions)
    titles = {d.title for d in published.rules}
    for name in rules.DERIVATIONS:
        made = rules.DERIVATIONS[name]()
        assert {d.title for d in (made if isinstance(made, list) else [made])} <= titles, name
    for d in published.rules:
        assert d.checked and d.holds, (d.title, d.failures())


def test_limit_definition_for_a_given_function():
    d = rules.derivative(x**3).check()
    assert d.holds and d.result == 3 * x**2


def test_tutorial_examples_come_out_as_the_tutorial_states():
    results = {d.title: d.result for d in rules.examples()}
    assert results["f(x) = x^5"] == 5 * x**4
    assert results["f(x) = (x^4 + 2) cos x"] == \
        4 * x**3 * sp.cos(x) - x**4 * sp.sin(x) - 2 * sp.sin(x)
    assert results["∂/∂x of x^4 y"] == 4 * x**3 * y
    assert results["∂/∂y of x^4 y"] == x**4
    vector = next(d for d in rules.examples() if d.title.startswith("vector AB"))
    assert vector.steps[1].rhs == sp.ImmutableMatrix([2, 1])  # (3 - 1, 2 - 1)
    assert vector.steps[2].rhs == sp.sqrt(5)                   # sqrt(2^2 + 1^2)


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base; .ci/run installs it)")
def test_standalone_latex_compiles(tmp_path):
    derivations = [d.check() for d in
                   [differentiate((x**4 + 2) * sp.cos(x), x), *gradient(2 * x**2 + 4 * y, [x, y]),
                    rules.derivative(x**3)]]
    source = tmp_path / "doc.tex"
    source.write_text(render(Derivations("Checks", tuple(derivations)), "latex",
                             RenderOptions(standalone=True)))
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             source.name], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


@pytest.mark.parametrize("text, slopes", [
    # the slope on the left at each kink, by hand: min(1, x) rises until 1, then is flat
    ("Min(x, 1)", {0: 1, 1: 1, 2: 0}),
    # ReLU6, min(max(0, x), 6): flat, rising from 0 (left slope 0 there) to 6 (left slope 1)
    ("Min(Max(0, x), 6)", {-1: 0, 0: 0, 3: 1, 6: 1, 7: 0}),
    ("Max(x, -1)", {-2: 0, -1: 0, 0: 1}),
])
def test_a_kink_without_a_rule_of_its_own_follows_the_left_slope_convention(text, slopes):
    """SymPy's diff of min/max writes Heaviside with 1/2 at the kink; the derivation keeps the
    slope on the left, as ReLU's rule does, and every step of it checks (it had a last step
    'equals SymPy's diff' that was refuted at the kink)."""
    x = sp.Symbol("x", real=True)
    derivation = differentiate(parse_expression(text), x).check()
    assert derivation.holds
    for point, slope in slopes.items():
        assert derivation.result.subs(x, point) == slope, (point, derivation.result)


@pytest.mark.parametrize("text, domain", [
    ("acosh(x)", ("x > 1",)), ("acosh(2*x)", ("x > 1/2",)), ("asin(x)", ("x > -1", "x < 1")),
    ("log(x)", ("x > 0",)), ("x**2", ()),
])
def test_the_steps_of_a_derivative_hold_where_the_function_is_real(text, domain):
    # by hand: acosh x is real for x >= 1 only; for x < -1, sqrt(x - 1) sqrt(x + 1) is
    # i sqrt(1 - x) i sqrt(-1 - x) = -sqrt(x^2 - 1), so the rule's 1/sqrt(x^2 - 1) and SymPy's
    # 1/(sqrt(x - 1) sqrt(x + 1)) differ there, where there is nothing to differentiate
    x = sp.Symbol("x", real=True)
    at = {x: sp.Integer(-3)}
    assert (sp.sqrt(x - 1) * sp.sqrt(x + 1)).subs(at).equals(-sp.sqrt(x**2 - 1).subs(at))
    derivation = differentiate(parse_expression(text), x).check()
    assert derivation.assumptions == domain and derivation.holds, derivation.verdicts
