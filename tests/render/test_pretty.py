"""The terminal's notation: every expected string below was worked out by hand from the
expression, brackets first (a bracket left out changes what a formula says)."""

import io

import pytest
import sympy as sp
from rich.console import Console

from derive.calc.steps import Derivation, Step
from derive.engine import notation as nt
from derive.engine.verdict import Counterexample, Status, Verdict
from derive.render.backprop import backprop_rich
from derive.render.derivations import derivation_rich
from derive.render.pretty import name, pretty
from derive.render.verdicts import verdict_styled

a, b, c, h, n, t, x, y, z = sp.symbols("a b c h n t x y z", real=True)
i, j, k = nt.i, nt.j, nt.k
f, g, sigma = sp.Function("f"), sp.Function("g"), sp.Function("sigma")
X, Y = sp.MatrixSymbol("X", 2, 2), sp.MatrixSymbol("Y", 2, 2)
u, w = sp.IndexedBase("u"), sp.IndexedBase("w")
E = sp.exp(-z)

CASES = [
    # brackets: what binds to what
    (sp.Mul(-1, a + b, evaluate=False), "-(a + b)"),
    ((a + b) ** 2, "(a + b)²"),
    (a / (b * c), "a/(b c)"),
    (sp.Pow(a / b, 2, evaluate=False), "(a/b)²"),
    (x ** -1, "1/x"),
    (x ** -2, "1/x²"),
    (1 / (x + 1), "1/(x + 1)"),
    (E / (1 + E) ** 2, "e^(-z)/(1 + e^(-z))²"),
    (sp.Mul(2, x + 1, evaluate=False), "2(x + 1)"),
    (2 * (x + 1), "2x + 2"),
    (sp.Add(x, sp.Mul(-1, y - z, evaluate=False), evaluate=False), "x - (y - z)"),
    (-x ** 2, "-x²"),
    (sp.Pow(-x, 2, evaluate=False), "(-x)²"),
    (sp.Pow(-2, x, evaluate=False), "(-2)^x"),
    (sp.Pow(sp.Symbol("w_1"), 2), "(w_1)²"),
    (sp.Pow(sp.Mul(2, x, evaluate=False), 2, evaluate=False), "(2x)²"),
    (sp.exp(2 * x), "e^(2x)"),
    (x ** (n + 1), "x^(n + 1)"),
    (x ** y, "x^y"),
    (sp.Rational(3, 2) * x, "3x/2"),
    (-x / 2, "-x/2"),
    (x / (2 * y), "x/(2y)"),
    (sp.Mul(2, 3, evaluate=False), "2·3"),
    (2 * sp.sin(x), "2 sin(x)"),
    (2 * sp.exp(x), "2e^x"),
    (1 - a * b, "1 - a b"),
    (a * (1 - a), "a (1 - a)"),
    (sp.sqrt(x), "√x"),
    (sp.sqrt(x * y), "√(x y)"),
    (1 / sp.sqrt(x + 1), "1/√(x + 1)"),
    (x ** sp.Rational(3, 2), "x^(3/2)"),
    (2 * sp.sqrt(2), "2√2"),
    # sums, products, limits: an operator reaches to the end of its factor
    (sp.Sum(sp.Derivative(nt.C, u[k]) * sp.Derivative(u[k], w[i, j]), (k, 1, n)),
     "Σ_{k=1}^n ∂C/∂u_k ∂u_k/∂w_ij"),
    (sp.Sum(u[i], (i, 1, n)) / 2, "(Σ_{i=1}^n u_i)/2"),
    (sp.Sum((a + u[i]) / w[i], (i, 1, n)), "Σ_{i=1}^n ((a + u_i)/w_i)"),
    (sp.Sum(u[i] + 1, (i, 1, n)), "Σ_{i=1}^n (u_i + 1)"),
    (sp.Product(-u[i], (i, 1, n)), "∏_{i=1}^n (-u_i)"),
    (sp.Limit(((x + h) ** 3 - x ** 3) / h, h, 0, "+"), "lim_{h→0⁺} (((h + x)³ - x³)/h)"),
    (sp.Integral(x ** 2, (x, 0, 1)), "∫_0^1 x² dx"),
    # derivatives
    (sp.Derivative(x ** 4 * sp.cos(x), x), "d/dx (x⁴ cos(x))"),
    (sp.Derivative(x * y, x), "∂/∂x (x y)"),
    (sp.Derivative(sp.sin(x ** 2), x), "d/dx sin(x²)"),
    (sp.Derivative(x ** 3, x, 2), "d²/dx² x³"),
    (sp.Derivative(z, z), "dz/dz"),
    (sp.Derivative(nt.C, nt.W_m[i, j]), "∂C/∂W^m_ij"),
    (sp.Derivative(sp.Function("C")(x, y), x, y), "∂²C/∂y∂x"),
    (sp.Derivative(sp.Function("C")(x, y), x) ** 2, "(∂C/∂x)²"),
    (1 / sp.Derivative(nt.C, x), "1/(∂C/∂x)"),
    (-sp.Derivative(1 + E, z) / (1 + E) ** 2, "-(d/dz (1 + e^(-z)))/(1 + e^(-z))²"),
    (2 * sp.Derivative(x ** 2, x), "2 d/dx x²"),
    (sp.Mul(-y, sp.Derivative(sp.log(a), a), evaluate=False), "(-y) d/da log(a)"),
    # unknown functions: primes, nested
    (sigma(z).diff(z), "σ'(z)"),
    (f(x).diff(x, 2), "f''(x)"),
    (f(g(x)).diff(x), "f'(g(x)) g'(x)"),
    (sp.Subs(f(x).diff(x), x, g(x).diff(x)), "f'(g'(x))"),
    (sp.Subs(sp.Derivative(sp.Function("C")(x, y), x), (x, y), (f(t), g(t))),
     "(∂C/∂x)(f(t), g(t))"),
    (sp.Subs(sp.Derivative(f(t * x), t), t, 0), "(∂/∂t f(t x))|_{t=0}"),
    # indices, vectors, matrices
    (nt.a_prev[j], "a^{m-1}_j"),
    (nt.W_next[nt.l, k], "W^{m+1}_lk"),
    (u[i + 1], "u_{i + 1}"),
    (u[1, 2], "u_{1,2}"),
    (sp.KroneckerDelta(i, k), "δ_ik"),
    (sp.KroneckerDelta(i, k + 1), "δ_{i,k + 1}"),
    (sp.HadamardProduct(nt.W_next_matrix.T * nt.delta_next, nt.sigma_prime_z),
     "((W^{m+1})ᵀ δ^{m+1}) ⊙ σ'(z^m)"),
    (nt.delta * nt.A_prev.T, "δ^m (a^{m-1})ᵀ"),
    (sp.MatMul(1 / n, X, Y.T), "(1/n) X Yᵀ"),
    (X - Y, "X - Y"),
    (sp.MatMul(-1, a, X), "-a X"),
    (sp.Matrix([[1, 2], [3, 4]]), "[1, 2; 3, 4]"),
    (sp.Matrix([[4 * x], [4]]), "[4x; 4]"),
    # functions, constants, relations
    (sp.Piecewise((a, z >= 0), (b, True)), "{a if z ≥ 0; b otherwise}"),
    (sp.Heaviside(x, 0), "H(x)"),
    (sp.Max(0, z), "max(0, z)"),
    (sp.Abs(x - 1), "|x - 1|"),
    (sp.log(x), "log(x)"),
    (sp.Float(1) / 3, "0.333333333333333"),
    (sp.Eq(a, b), "a = b"),
    (sp.Ne(a, b), "a ≠ b"),
    (sp.Ge(a, b), "a ≥ b"),
    (sp.And(x > 0, x < 1), "x > 0 and x < 1"),
    (sp.oo, "∞"), (-sp.oo, "-∞"), (sp.zoo, "∞̃"), (sp.I, "i"), (sp.pi, "π"), (sp.E, "e"),
    (sp.exp(x), "e^x"),
    (sp.Symbol("lambda") * sp.Symbol("eta"), "η λ"),
]


@pytest.mark.parametrize("expr,expected", CASES, ids=[e for _, e in CASES])
def test_pretty(expr, expected):
    assert pretty(expr) == expected


@pytest.mark.parametrize("raw,expected", [
    ("W^m+1", "W^{m+1}"), ("N^m-1", "N^{m-1}"), ("delta^m_k", "δ^m_k"), ("delta^L", "δ^L"),
    ("theta", "θ"), ("beta_1", "β_1"), ("betas", "betas"), ("C_lambda", "C_λ"),
    (r"\partial C/\partial W^{m}", "∂C/∂W^m"), (r"\partial C_\lambda/\partial W^{m}", "∂C_λ/∂W^m"),
    (r"\sigma'(z^{m})", "σ'(z^m)"), (r"W^{m}_{\mathrm{new}}", "W^m_new"),
    (r"(W^{m+1\,T} \delta^{m+1})_k", "((W^{m+1})ᵀ δ^{m+1})_k"), (r"\Delta^{m}", "Δ^m"),
    (r"\mathbf{1}", "𝟏"), (r"\mathcal{L}", "ℒ"), (r"a^{l-1}", "a^{l-1}"),
    (r"\underline{w}_{jl}", "w\u0332_jl"),   # an underlined name: w with a combining low line
])
def test_names(raw, expected):
    assert name(raw) == expected


def shown(renderable, width=200) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True).print(renderable)
    return buffer.getvalue()


SYMPY_SYNTAX = ("diff(", "Derivative(", "HadamardProduct", "KroneckerDelta", "Sum(", "**", ".T",
                "Subs(", "Indexed", "IndexedBase", "Heaviside", "[i]", "[j]")


@pytest.mark.parametrize("pair", [("sigmoid", "cross-entropy"),
                                  ("relu", "categorical-cross-entropy")])
def test_backprop_text_is_mathematics_not_sympy(published, pair):
    out = shown(backprop_rich(published.backprops[pair]))
    assert [s for s in SYMPY_SYNTAX if s in out] == []
    for notation in ("∂C/∂W^m_ij", "Σ_{k=1}^{N^m} ∂C/∂z^m_k ∂z^m_k/∂W^m_ij", "a^{m-1}_j",
                     "δ^m (a^{m-1})ᵀ", "((W^{m+1})ᵀ δ^{m+1}) ⊙ σ'(z^m)", "δ_ik"):
        assert notation in out, notation
    if pair[0] == "sigmoid":
        assert "= a (1 - a) " in out and "= a - y " in out and "e^(-z)/(1 + e^(-z))²" in out
    else:
        assert "= a_j - y_j " in out and "a_j sum_i y_i - y_j" in out


def test_rules_form_a_column(published):
    document = published.backprops[("relu", "categorical-cross-entropy")]
    for derivation in document.derivations:
        lines = shown(derivation_rich(derivation)).splitlines()
        columns = set()
        for step in derivation.steps:
            rule = "; ".join(step.rule_names)
            places = [line.find(rule) for line in lines if line.startswith("    = ") and rule in line]
            assert places, (derivation.title, rule)
            columns.add(places[0])
        assert len(columns) == 1, (derivation.title, columns)


def test_a_narrow_terminal_wraps_each_column_in_itself():
    steps = (Step(sp.Derivative(x ** 4 * sp.cos(x), x), 4 * x ** 3 * sp.cos(x) - x ** 4 * sp.sin(x)
                  + sp.Sum(u[i] * w[i] + sp.exp(-u[i]) / (1 + sp.exp(-u[i])) ** 2, (i, 1, n)),
                  "a rule whose name is long enough to need more than one line here"),
             Step(x, x, "short"))
    out = shown(derivation_rich(Derivation("d", steps)), width=60)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert not any(line != line.rstrip() for line in lines)
    assert len(lines) > 6  # both the formula and the rule took more than one line
    first, second = (line for line in lines if line.startswith("    = "))
    assert first.index("a rule") == second.index("short")


def test_a_verdict_shows_values_in_notation_and_the_correction_as_a_claim():
    t1 = sp.Symbol("t1")
    ce = Counterexample({"x": sp.Rational(-1, 2)}, sp.Float("-0.968912421710645"),
                        sp.Float("0.968912421710645"),
                        functions={"f": sp.Lambda(t1, t1 ** 3 / 5 + sp.exp(-t1))})
    verdict = Verdict(Status.REFUTED, sp.Derivative(sp.sin(x ** 2), x), sp.cos(x ** 2),
                      method="numeric counterexample", counterexample=ce,
                      correct=2 * x * sp.cos(x ** 2), correct_side="rhs")
    out = shown(verdict_styled(verdict, "diff(sin(x**2), x) = cos(x**2)"))
    assert "x = -1/2: left side = -0.968912421710645, right side = 0.968912421710645" in out
    assert "f(t1) = t1³/5 + e^(-t1)" in out
    assert "correct: diff(sin(x**2), x) = 2*x*cos(x**2)" in out   # SymPy syntax: check it again
