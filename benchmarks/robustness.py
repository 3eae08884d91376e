"""Robustness, measured: cases tried per category and how many come out right.

    python robustness.py [--random N]

1. Differential: random formulas (depth 2, x and y) against their expansion (true by construction:
   must not be REFUTED) and against mutations mpmath shows to differ (must not hold; a
   counterexample must be a point where mpmath agrees the sides differ).
2. Derivatives in LaTeX: d/dx of a random formula, written in one of several notations as SymPy
   prints the formula, against SymPy's diff and a mutation mpmath shows to differ.
   Generated documents: u = F(x, y) and v = G(u, y) with random formulas, and claims of their
   derivatives, true (SymPy's diff) or wrong (shown by mpmath): audited, no true claim may be
   refuted and no wrong one hold. Quantities defined through a document's function (g(t) = F,
   w_i = G(g(x_i))): claims that evaluate w_i beside its derivatives, true or wrong alike.
   Partials of a document's f(x, y) at points (equal coordinates among them), each claimed
   with its own value or another partial's. Sums and products to n, as SymPy prints them,
   against their closed forms and wrong ones (one that fits n = 1, 2, 3 only among them).
3. Known wrong verdicts: the claims that were once PROVED or NUMERIC though false, or REFUTED though
   true (a kink), or an error though valid.
4. Hostile input: every item must end with exit code 2 and one line on stderr, within 10 s.
5. Signals: Ctrl-C / SIGTERM to the process group of a busy command: nothing survives 1 s.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time

import mpmath
import sympy as sp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from derive import api  # noqa: E402
from derive.engine.verdict import Status  # noqa: E402
from derive.results import Numbered  # noqa: E402

x, y = sp.symbols("x y", real=True)
LEAVES = [(x, "x"), (y, "y"), (sp.Integer(2), "2"), (sp.Integer(3), "3"),
          (sp.Rational(1, 2), "(1/2)"), (sp.E, "E")]
FUNCTIONS = [(sp.sin, "sin"), (sp.cos, "cos"), (sp.exp, "exp"), (sp.tanh, "tanh"),
             (sp.log, "log"), (sp.sqrt, "sqrt")]


def formula(rng: random.Random, depth: int):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(LEAVES)
    kind = rng.random()
    if kind < 0.35:
        f, name = rng.choice(FUNCTIONS)
        e, s = formula(rng, depth - 1)
        return f(e), f"{name}({s})"
    (a, sa), (b, sb) = formula(rng, depth - 1), formula(rng, depth - 1)
    op = rng.choice("+-*/^")
    if op == "+":
        return a + b, f"({sa} + {sb})"
    if op == "-":
        return a - b, f"({sa} - {sb})"
    if op == "*":
        return a * b, f"({sa})*({sb})"
    if op == "/":
        return (a / b, f"({sa})/({sb})") if b != 0 else (a, sa)
    return a ** 2, f"({sa})**2"


MUTATIONS = [
    lambda e, s: (e + 1, f"({s}) + 1"),
    lambda e, s: (2 * e, f"2*({s})"),
    lambda e, s: (-e, f"-({s})"),
    lambda e, s: (e.replace(sp.sin, sp.cos), s.replace("sin(", "cos(")),
    lambda e, s: (e.subs(x, x + sp.Rational(1, 10)), re.sub(r"\bx\b", "(x + 1/10)", s)),
]
POINTS = [{x: sp.Rational(3, 7), y: sp.Rational(5, 4)}, {x: sp.Rational(2, 3), y: sp.Rational(9, 5)},
          {x: sp.Rational(-2, 3), y: sp.Rational(-9, 5)}]


def mp(expr, point):
    with mpmath.workdps(50):
        try:
            f = sp.lambdify((x, y), expr, modules="mpmath")  # expressions made here, not user text
            v = f(*(mpmath.mpf(p.p) / p.q for p in (point[x], point[y])))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        return v if isinstance(v, mpmath.mpf) else None  # real values only


def differs(a, b, point) -> bool | None:
    va, vb = mp(a, point), mp(b, point)
    if va is None or vb is None:
        return None
    with mpmath.workdps(50):
        return abs(va - vb) > mpmath.mpf(10) ** -30 * (1 + abs(va))


def differential(n: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    true_claims, false_claims, results = [], [], {}
    while len(true_claims) < n:
        e, s = formula(rng, 2)
        if sp.expand(e).has(sp.I, sp.zoo, sp.nan) or e.has(sp.I, sp.zoo, sp.nan):
            continue  # real formulas only
        true_claims.append((e, s, sp.expand(e), sp.sstr(sp.expand(e))))
        m, ms = rng.choice(MUTATIONS)(e, s)
        if any(differs(e, m, p) for p in POINTS):
            false_claims.append((e, s, m, ms))
    for label, claims, want_false in (("true by construction", true_claims, False),
                                      ("mutations shown false by mpmath", false_claims, True)):
        run = api.check([Numbered(k, f"{s} = {ms}") for k, (_, s, _, ms) in enumerate(claims, 1)],
                        timeout=5, jobs=2)
        right = wrong = undecided = 0
        for (e, _, m, _), result in zip(claims, run.results):
            v = getattr(result, "verdict", None)
            if v is None:
                raise AssertionError(f"unreadable: {result.text}: {result.reason}")
            if v.status is Status.UNDECIDED:
                undecided += 1
            elif want_false:
                ok = not v.status.holds
                if ok and v.counterexample is not None and v.counterexample.point:
                    point = {x: sp.Rational(0), y: sp.Rational(0),
                             **{sp.Symbol(k, real=True): sp.Rational(val)
                                for k, val in v.counterexample.point.items()}}
                    ok = differs(e, m, point) is not False
                right, wrong = right + ok, wrong + (not ok)
            else:
                ok = v.status is not Status.REFUTED
                right, wrong = right + ok, wrong + (not ok)
        results[label] = (len(claims), right, wrong, undecided)
    return results


KNOWN = [  # (claim, the verdict it must not have, what is right)
    ("acos(7823207/7823209) = 0", "holds", "false: acos(...) is about 7.2e-4"),
    ("sin(acos(7823207/7823209)) = 0", "holds", "false"),
    ("180*acos(7823207/7823209)/pi = 0", "holds", "false"),
    ("10**400 = 10**400 + 1", "holds", "false"),
    ("E**(10**4) = E**(10**4) + 1", "holds", "false"),
    ("Min(x, 10**6) = x", "holds", "false for x > 10**6"),
    ("Heaviside(x - 10**6)*x = 0", "holds", "false for x >= 10**6"),
    ("Abs(x - 10**7) = 10**7 - x", "holds", "false for x > 10**7"),
    ("(tan(x)**2 - sec(x)**2 + 1)/(sin(x)**2 + cos(x)**2 - 1) = 12345", "holds", "0/0 everywhere"),
    ("diff(Max(0, x), x) = Heaviside(x)", "refuted", "true except at the kink 0"),
    ("diff(Min(1, x), x) = Heaviside(1 - x)", "refuted", "true except at the kink 1"),
    ("log(x**2) = 2*log(x)", "bare", "holds only for x > 0: must say so"),
    ("log(x*y) = log(x) + log(y)", "bare", "holds only for x, y > 0: must say so"),
    ("(x**3)**(1/3) = x", "bare", "the principal root is not real for x < 0: must say so"),
    ("10**400 = 1", "error", "false, a verdict not an error"),
    ("exp(1000) = 1", "error", "false"),
    ("factorial(1000) = 1", "error", "false"),
    ("2**9999*2**9999 = 1", "error", "false"),
    ("diff(f(x) + g(x), x) = diff(f(x), x)", "error", "false"),
    ("diff(acosh(x), x) = 1/sqrt(x**2 - 1)", "refuted", "true for x > 1, where acosh is real"),
    ("exp(-1000) = 0", "holds", "false: 5.1e-435"),
    ("1/(1 + exp(1000)) = 0", "holds", "false: sigmoid(-1000) is 5.1e-435"),
    ("x + exp(-10000) = x", "holds", "false"),
    ("Max(sin(x), 999/1000) = 999/1000", "holds", "false within 0.045 of pi/2"),
    ("tanh(1000) = 1", "holds", "false: 1 - 5.2e-869"),
    ("diff(Abs(x - 1/1000), x) = sign(x)", "holds", "false for 0 < x < 1/1000"),
    ("1 + exp(-100*(x - 7)**2) = 1", "holds", "false near 7: 2 against 1 at 7"),
]
NIELSEN = (r"z^{l} = w^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})",
           r"\delta^{l} = \frac{\partial C}{\partial z^{l}}", r"\sigma \text{ is a function}")
RELU = (r"z^{l} = W^{l} a^{l-1} + b^{l}", r"a^{l} = \sigma(z^{l})", r"\sigma(z) = \max(0, z)",
        r"\delta^{l} = \frac{\partial C}{\partial z^{l}}", r"C = \frac{1}{2}\|a^L - y\|^2")
KNOWN_LATEX = [  # (claim, the document's definitions, the verdict it must not have, what is right)
    (r"y_i + \frac{\partial y_i}{\partial w} = w x_i^2 + x_i^2", (r"g(t) = w t^2", r"y_i = g(x_i)"),
     "refuted", "true: y_i = w x_i^2 moves with w"),
    (r"y_i + \frac{\partial y_i}{\partial w} = w x_i^2", (r"g(t) = w t^2", r"y_i = g(x_i)"),
     "holds", "false"),
    (r"\frac{\partial y_i}{\partial x_i} = 2 w x_i + w",
     (r"g(t) = t^2 w", r"y_i = w x_i + g{\left(x_{i} \right)}"), "refuted",
     "true: g{\\left(x_{i} \\right)} is g(x_i) as SymPy prints it"),
    (r"\frac{dy}{dx} = \frac{2 w^{2} x \log{\left(x^{2} + 1 \right)}}{\left(x^{2} + 1\right) "
     r"\sqrt{w^{2} \log{\left(x^{2} + 1 \right)}^{2} + 1}}",
     (r"u = w \log{\left(x^{2} + 1 \right)}", r"y = \sqrt{u^{2} + 1}"), "refuted",
     "true: \\log{\\left(...\\right)}^{2} is the square of the log, as SymPy prints it"),
    (r"f_{x}(2, 2) = 8", (r"f(x, y) = x y^3",), "refuted", "true: y^3 = 8"),
    (r"f_{y}(2, 2) = 8", (r"f(x, y) = x y^3",), "holds", "false: 3 x y^2 = 24, in a run after f_x"),
    (r"f_{x}(2, 2) = f_{y}(2, 2)", (r"f(x, y) = x y^3",), "holds", "false: 8 against 24"),
    (r"\sum_{k=1}^{n} 2^{k-1} = n^2 - n + 1", (), "holds", "false from n = 4: 15 against 13"),
    (r"\delta^l = (w^{l+1} \delta^{l+1}) \odot \sigma'(z^l)", NIELSEN, "holds",
     "false: BP2 without its transpose, Nielsen's lowercase w^l a matrix"),
    (r"\frac{\partial C}{\partial \Theta^l} = a^{l-1} (\delta^l)^T",
     (r"z^{l} = \Theta^{l} a^{l-1} + b^{l}",) + NIELSEN[1:], "holds",
     "false: BP4 transposed the wrong way; true only where every layer has one unit"),
    (r"\delta^L = a^L - y", RELU, "holds", "false: 0 - y where z^L < 0"),
    (r"\frac{\partial a^l_j}{\partial z^l_j} = 1", RELU, "holds", "false: 0 where z < 0"),
    (r"\operatorname{arcsinh} 2x = 2 \operatorname{arcsinh} x", (), "holds",
     "false: asinh(2) = 1.44 against 2 asinh(1) = 1.76"),
    (r"\frac{d}{dx} \operatorname{arsinh} x = \frac{1}{\sqrt{x^2 + 1}}", (), "refuted", "true"),
    (r"\cot^{-1} x = \tan x", (), "holds", "arccot x in many books: ambiguous"),
    (r"\frac{\partial}{\partial \hat{y}} \frac{1}{2} e^2 = 0", (r"e = y - \hat{y}",), "holds",
     "false: e is the error, the derivative is \\hat{y} - y"),
    (r"\frac{\partial}{\partial \hat{y}} \frac{1}{2} e^2 = -e", (r"e = y - \hat{y}",),
     "refuted", "true"),
    (r"\sin g(x) = x \sin(x+1)", (r"g(x) = x + 1",), "holds",
     "false: sin(3/2) against sin(3/2)/2 at x = 1/2"),
    (r"\log f(x) = 2x \log x", (r"f(x) = x^2",), "holds", "false: log 4 against 4 log 2 at 2"),
    (r"\frac{\partial}{\partial x_i} \prod_j x_j = \prod_{j \neq i} x_j", (), "refuted",
     "true: the product of the others"),
    (r"\frac{d}{dx} |\sin x| = \cos x \operatorname{sign}(\sin x)", (), "refuted",
     "true: cos(x) times sign(sin x)"),
    (r"\sqrt f(x) = \sqrt{f(x)}", (), "refuted", "ambiguous: TeX sets the root of f, then (x)"),
    (r"\frac{d}{dz} \ln \sigma(z) = 1 - \sigma(z)", (r"\sigma(z) = \frac{1}{1+e^{-z}}",),
     "refuted", "true"),
    (r"\sqrt \phi(t) = e^{-t^2/2}", (r"\phi(t) = e^{-t^2}",), "refuted",
     "TeX roots phi alone, the writer may mean phi(t): ambiguous"),
]


u = sp.Symbol("u", real=True)
DERIVATIVES = {   # a document's claim, and its value from the definitions u(x, y) and v(u, y)
    r"\frac{dv}{dx}": lambda first, second: sp.diff(second.xreplace({u: first}), x),
    r"\frac{\partial v}{\partial u}": lambda first, second: sp.diff(second, u).xreplace({u: first}),
    r"\frac{\partial v}{\partial y}": lambda first, second: sp.diff(second.xreplace({u: first}), y),
    r"\frac{du}{dx}": lambda first, second: sp.diff(first, x),
}


def documents(n: int, seed: int = 0) -> dict:
    """Documents that let u = F(x, y) and v = G(u, y) (random formulas) and claim derivatives of
    them: true (SymPy's diff, v's by u with u held) or wrong (doubled, or x added, shown to
    differ by mpmath). Audited as a linter would; a claim not read counts as undecided."""
    rng = random.Random(seed)
    texts, expected = [], []
    while sum(len(e) for e in expected) < 2 * n:
        first = formula(rng, 2)[0]
        second = formula(rng, 2)[0].xreplace({x: u})
        if not (first.has(x) and second.has(u)) or any(
                e.has(sp.I, sp.zoo, sp.nan) for e in (first, second)):
            continue
        lines, claims = [f"Let $u = {sp.latex(first)}$ and $v = {sp.latex(second)}$.", ""], []
        for left, value in DERIVATIVES.items():
            truth = value(first, second)
            wrong = rng.choice([2 * truth, truth + x])
            if not any(differs(truth, wrong, p) for p in POINTS):
                continue
            for rhs, holds in ((truth, True), (wrong, False)):
                lines += ["Then", "", f"${left} = {sp.latex(rhs)}$", ""]
                claims.append((len(lines) - 1, holds))
        texts.append(api.Document("\n".join(lines), f"generated {len(texts)}"))
        expected.append(claims)
    holds, verdicts = [], []
    for report, claims in zip(api.audit_texts(texts, timeout=5, jobs=2), expected):
        found = {f.source.line: f.verdict for f in report.findings if f.verdict is not None}
        holds += [true for _, true in claims]
        verdicts += [found.get(line) for line, _ in claims]
    return _tally(holds, verdicts)


NOTATIONS = [   # one derivative by x of a formula F, as notes write it
    lambda f: rf"\frac{{d}}{{dx}}\left({f}\right)",
    lambda f: rf"\frac{{d\left({f}\right)}}{{dx}}",
    lambda f: rf"\frac{{\partial}}{{\partial x}} \left[ {f} \right]",
]


def notations(n: int, seed: int = 0) -> dict:
    """The derivative of a random formula F(x, y) written in each of `NOTATIONS`, in LaTeX as
    SymPy prints F, against SymPy's diff (true) and a mutation shown to differ by mpmath."""
    rng = random.Random(seed)
    claims = []   # (LaTeX claim, holds)
    while len(claims) < 2 * n:
        e = formula(rng, 2)[0]
        truth = sp.diff(e, x)
        if not e.has(x) or e.has(sp.I, sp.zoo, sp.nan) or truth.has(sp.zoo, sp.nan):
            continue
        wrong = rng.choice([2 * truth, truth + 1, -truth])
        if not any(differs(truth, wrong, p) for p in POINTS):
            continue
        write = rng.choice(NOTATIONS)
        claims += [(f"{write(sp.latex(e))} = {sp.latex(truth)}", True),
                   (f"{write(sp.latex(e))} = {sp.latex(wrong)}", False)]
    run = api.check([Numbered(k, text) for k, (text, _) in enumerate(claims, 1)], latex=True,
                    timeout=5, jobs=2)
    return _tally([true for _, true in claims],
                  [getattr(result, "verdict", None) for result in run.results])


def functions(n: int, seed: int = 0) -> dict:
    """A document's function g(t) = F(t, y) (a random formula) and w_i = G(g(x_i)): claims that
    evaluate w_i beside its derivatives (w_i + dw_i/dy, dw_i/dx_i), true (SymPy's diff) or
    wrong (plus 1, doubled, shown by mpmath), checked at index level with the definitions."""
    rng = random.Random(seed)
    t, xi = sp.Symbol("t", real=True), sp.Symbol("x_i", real=True)
    g = sp.Function("g")
    claims = []   # (claim, where, holds)
    while len(claims) < 2 * n:
        body = formula(rng, 2)[0].xreplace({x: t})
        if not body.has(t) or body.has(sp.I, sp.zoo, sp.nan):
            continue
        use = rng.choice([lambda v: v + xi * y, lambda v: v**2, lambda v: y * v])
        value = use(body.xreplace({t: xi}))
        left, truth = rng.choice([(r"w_i + \frac{\partial w_i}{\partial y}",
                                   value + sp.diff(value, y)),
                                  (r"\frac{\partial w_i}{\partial x_i}", sp.diff(value, xi))])
        wrong = rng.choice([truth + 1, 2 * truth])
        written = {e: e.xreplace({xi: x}) for e in (truth, wrong)}
        if truth.has(sp.zoo, sp.nan) or not any(differs(written[truth], written[wrong], p)
                                                  for p in POINTS):
            continue
        where = (f"g(t) = {sp.latex(body)}", f"w_i = {sp.latex(use(g(xi)))}")
        claims += [(f"{left} = {sp.latex(truth)}", where, True),
                   (f"{left} = {sp.latex(wrong)}", where, False)]
    run = api.check([Numbered(k, text, where) for k, (text, where, _) in enumerate(claims, 1)],
                    latex=True, timeout=5, jobs=2)
    return _tally([holds for _, _, holds in claims],
                  [getattr(result, "verdict", None) for result in run.results])


SURFACES = [x * y**3, x**3 + y**3 - 3 * x * y, x**2 * y + sp.sin(y), sp.exp(x) * y**2,
            x**2 - y**2 + x * y, x * sp.cos(y), (x + 2 * y)**3, x**4 * y - y**2]
PARTIALS = {"x": (x,), "y": (y,), "xx": (x, x), "yy": (y, y), "xy": (x, y)}
POINTS_OF_A_SURFACE = [(1, 1), (2, 2), (1, 2), (0, 1), (-1, -1)]


def partials(seed: int = 0) -> dict:
    """A document's f(x, y) and claims of its partials at points, `f_{xy}(1, 1) = ...`, in one
    run per function: each the value SymPy's diff gives (true) or the value of another partial
    at the same point where the two differ (wrong: a plausible mix-up), in random order. Points
    with equal coordinates are among them (where SymPy's Subs took two partials for one)."""
    rng = random.Random(seed)
    holds, verdicts = [], []
    for surface in SURFACES:
        claims = []
        for a, b in POINTS_OF_A_SURFACE:
            values = {k: sp.diff(surface, *v).subs({x: a, y: b}) for k, v in PARTIALS.items()}
            for letters in rng.sample(sorted(PARTIALS), len(PARTIALS)):
                others = [v for v in values.values() if v != values[letters]]
                wrong = others and rng.random() < 0.5
                value = rng.choice(others) if wrong else values[letters]
                claims.append((f"f_{{{letters}}}({a}, {b}) = {sp.latex(value)}", not wrong))
        run = api.check([Numbered(k, text) for k, (text, _) in enumerate(claims, 1)], latex=True,
                        timeout=5, jobs=2, where=(f"f(x, y) = {sp.latex(surface)}",))
        holds += [h for _, h in claims]
        verdicts += [getattr(result, "verdict", None) for result in run.results]
    return _tally(holds, verdicts, ("true by SymPy's diff", "another partial's value"))


k, n = sp.symbols("k n", integer=True, positive=True)
SUMMANDS = [k, k**2, k**3, 2**k, 3**(k - 1), 1 / (k * (k + 1)), k * 2**k, 2 * k - 1,
            k * (k + 1), (k + 1) / k]


def sums(seed: int = 0) -> dict:
    """Sums (and a product) from k = 1 to n, as SymPy prints them, against their closed form from
    SymPy's summation (true) and against wrong forms shown to differ at a whole n by exact
    arithmetic: the closed form to n - 1, doubled, or plus c n(n-1)(n-2)(n-3), which agrees at
    n = 1, 2, 3 (a formula guessed from the first few terms)."""
    rng = random.Random(seed)
    claims = []
    for term in SUMMANDS:
        product = term == (k + 1) / k
        big = sp.Product(term, (k, 1, n)) if product else sp.Sum(term, (k, 1, n))
        truth = sp.simplify(big.doit())
        written = sp.latex(big)   # as SymPy prints it
        for wrong in (truth.subs(n, n - 1), 2 * truth,
                      truth + rng.choice([1, 2, -1]) * n * (n - 1) * (n - 2) * (n - 3)):
            if all((wrong - truth).subs(n, m) == 0 for m in range(1, 9)):
                continue
            claims.append((f"{written} = {sp.latex(wrong)}", False))
        claims.append((f"{written} = {sp.latex(truth)}", True))
    run = api.check([Numbered(i, text) for i, (text, _) in enumerate(claims, 1)], latex=True,
                    timeout=5, jobs=2)
    return _tally([h for _, h in claims], [getattr(r, "verdict", None) for r in run.results],
                  ("true by SymPy's summation", "wrong at a whole n, by exact arithmetic"))


def _tally(holds: list, verdicts: list,
           labels: tuple = ("true by SymPy's diff", "wrong, shown by mpmath")) -> dict:
    """(cases, right, wrong, undecided) for the true and the wrong claims (`labels`: how each
    kind is known); a claim not read (no verdict) is undecided."""
    rows = {label: [0, 0, 0, 0] for label in labels}
    for true, verdict in zip(holds, verdicts):
        row = rows[labels[0] if true else labels[1]]
        row[0] += 1
        if verdict is None or verdict.status is Status.UNDECIDED:
            row[3] += 1
        elif (verdict.status is not Status.REFUTED) if true else not verdict.status.holds:
            row[1] += 1
        else:
            row[2] += 1
    return {label: tuple(row) for label, row in rows.items()}


def known() -> tuple[int, int]:
    run = api.check([Numbered(k, c) for k, (c, _, _) in enumerate(KNOWN, 1)], timeout=5, jobs=2)
    written = api.check([Numbered(k, c, where) for k, (c, where, _, _) in enumerate(KNOWN_LATEX, 1)],
                        latex=True, timeout=5, jobs=2)
    bads = [bad for _, bad, _ in KNOWN] + [bad for _, _, bad, _ in KNOWN_LATEX]
    right = 0
    for bad, result in zip(bads, run.results + written.results):
        v = getattr(result, "verdict", None)   # None: not read (refused with the reason)
        if v is None:
            right += bad in ("holds", "refuted")
            continue
        ok = {"holds": not v.status.holds, "refuted": v.status is not Status.REFUTED,
              "bare": v.one_side_real is not None,
              "error": v.status is not Status.UNDECIDED}[bad]
        right += ok
    return len(bads), right


HOSTILE = [
    ["check", "__import__('os').system('true') = 1"], ["check", "x.__class__ = 1"],
    ["check", "10**10**10 = 1"], ["check", "1e100000000 = 1"], ["check", "factorial(10**8) = 1"],
    ["check", "(" * 500 + "x" + ")" * 500 + " = 1"], ["check", "x" * 5000 + " = 1"],
    ["check", "[bold]x[/bold] = 1"], ["check", "x = 1\x1b[2J"], ["check", "--latex", r"\input{/etc/passwd} = 1"],
    ["check", "--latex", r"\def\x{1} \x = 1"], ["check", "--timeout", "nan", "x = x"],
    ["check", "--timeout", "-1", "x = x"], ["check", "--jobs", "0", "x = x"],
    ["check", "--file", "/dev/zero"], ["check", "--file", "/nonexistent"],
    ["mlp", "--lr", "nan"], ["mlp", "--lr", "inf"], ["mlp", "--batch-size", "0"],
    ["mlp", "--batch-size", "-3"], ["mlp", "--momentum", "1"], ["mlp", "--momentum", "-0.5"],
    ["mlp", "--epochs", "1000000000"], ["mlp", "--layers", "2,4096,4096,1"],
    ["mlp", "--activation", "f(z)"], ["backprop", "--activation", "__import__('os')"],
    ["backprop", "--layers", "2,x,1"], ["backprop", "--activation", "tanh", "--cost", "cross-entropy"],
    ["diff", "x**2", "--order", "21"], ["audit", "/dev/null/x"],
]


def hostile() -> tuple[int, int]:
    right = 0
    for argv in HOSTILE:
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "derive", *argv], capture_output=True,
                                text=True, timeout=60)
        right += (result.returncode == 2 and result.stderr.count("\n") == 1
                  and "Traceback" not in result.stderr and time.monotonic() - start < 10
                  and "\x1b" not in result.stderr)
    return len(HOSTILE), right


def signals() -> tuple[int, int]:
    from cli.test_signals import CLAIMS, SLOW, _session
    tried = right = 0
    for sig in (signal.SIGINT, signal.SIGTERM):
        for name, argv in SLOW.items():
            process = subprocess.Popen([sys.executable, "-m", "derive", *argv],
                                       stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True,
                                       text=True)
            process.stdin.write(CLAIMS if name == "check" else "")
            process.stdin.close()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(_session(process.pid)) < 2:
                time.sleep(0.1)
            os.killpg(process.pid, sig)
            tried += 1
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop on {sig.name}: {_session(process.pid)}",
                      file=sys.stderr)
                os.killpg(process.pid, signal.SIGKILL)
                continue
            time.sleep(1.0)
            right += not _session(process.pid)
    return tried, right


def main() -> None:
    n = int(sys.argv[sys.argv.index("--random") + 1]) if "--random" in sys.argv else 200
    print("| category | cases | right | wrong | undecided |")
    print("| --- | --- | --- | --- | --- |")
    for label, (cases, right, wrong, undecided) in differential(n).items():
        print(f"| differential, {label} | {cases} | {right} | {wrong} | {undecided} |")
    for label, (cases, right, wrong, undecided) in notations(max(n // 4, 10)).items():
        print(f"| derivatives in LaTeX notations, {label} | {cases} | {right} | {wrong} | "
              f"{undecided} |")
    for label, (cases, right, wrong, undecided) in documents(max(n // 4, 10)).items():
        print(f"| generated documents, {label} | {cases} | {right} | {wrong} | {undecided} |")
    for label, (cases, right, wrong, undecided) in functions(max(n // 4, 10)).items():
        print(f"| quantities defined through a function, {label} | {cases} | {right} | {wrong} | "
              f"{undecided} |")
    for label, (cases, right, wrong, undecided) in partials().items():
        print(f"| partials of a defined f(x, y) at points, {label} | {cases} | {right} | {wrong} | "
              f"{undecided} |")
    for label, (cases, right, wrong, undecided) in sums().items():
        print(f"| sums and products to n, {label} | {cases} | {right} | {wrong} | {undecided} |")
    cases, right = known()
    print(f"| once-wrong verdicts | {cases} | {right} | {cases - right} | |")
    cases, right = hostile()
    print(f"| hostile input and parameters (exit 2, one line, < 10 s) | {cases} | {right} | "
          f"{cases - right} | |")
    cases, right = signals()
    print(f"| SIGINT/SIGTERM to a busy command: nothing left after 1 s | {cases} | {right} | "
          f"{cases - right} | |")


if __name__ == "__main__":
    main()
