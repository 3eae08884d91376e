"""The numeric search for a counterexample: exact rational points, adaptive-precision evalf.

The difference is evaluated at exact rational points of the assumed domain (negative, small and
large values too) with SymPy's `evalf`, which raises its working precision until the digits it
returns are right, so `exp(pi*sqrt(163)) - 262537412640768744` (about -7.5e-13) is not mistaken for
zero. A difference found non-zero is confirmed again at higher precision before it becomes a
counterexample. Points where a side is undefined or not real are skipped. Unknown functions are
replaced by several concrete functions, and a counterexample names them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.evaluate import UNEVALUATED
from derive.engine.isolation import TaskTimeout, clock, time_limit
from derive.engine.joint import far_roots, golden, joint_points, linear_root
from derive.engine.kinks import crossings
from derive.engine.verdict import Counterexample
from derive.text import Assumptions
from derive.text.limits import remembered

PRECISION = 30          # significant digits asked of evalf at each point
CONFIRM_PRECISION = 100  # both sides of a counterexample are re-evaluated to this many digits
N_POINTS = 40


@dataclass(frozen=True)
class Search:
    """The result of a search: a counterexample or none, the points compared, whether the search
    ran to the end (not stopped by the time limit), a point where only one side is real, a point
    where the sides differ only because a derivative does not exist there (a kink), and which side
    (if any) could not be evaluated at any sampled point."""

    counterexample: Counterexample | None
    points: int
    note: str | None = None
    complete: bool = True
    one_side_real: dict | None = None
    kink: dict | None = None
    undefined: str | None = None   # "left side", "right side", "both sides"


_BASE_VALUES = [sp.Rational(v) for v in (
    "1/2", "-1/2", "1", "-1", "2", "-2", "3", "-3", "1/3", "-2/3", "7/3", "-5/7", "10", "-10",
    "1/10", "-1/10", "37/4", "-41/6", "100", "-100", "1/1000", "-1/1000", "1000", "-1000", "0")]
_INTEGER_VALUES = [sp.Integer(v) for v in (1, 2, 3, -1, -2, 0, 4, 5, -4, 7, 6, 10, -10, 12, -7,
                                             11, 8, 9, -3)]


def _kinks(expr, symbol) -> tuple[list, list]:
    """(the breakpoints of `expr` in `symbol`, each with whether it is exact, as
    `_polynomial_roots` gives them; the arguments whose breakpoints are not found that way):
    where the argument of a step, |.|, sign, floor, or the two arguments of a max/min, meet."""
    found, curved = [], []
    # (a floor or ceiling steps where its argument is whole: at 0, and at 1 and -1, where
    # floor(x^2/10^9) first steps, at 31623)
    steps = [a.args[0] + k for a in expr.atoms(sp.floor, sp.ceiling) for k in (0, -1, 1)]
    for crossing in [*crossings(expr), *steps]:
        if crossing.free_symbols != {symbol}:
            continue
        r = linear_root(crossing, symbol)
        roots = [(r, True)] if r is not None else _polynomial_roots(crossing, symbol)
        if roots:
            found += roots
        else:
            curved.append(crossing)
    return found, curved


def suggested_values(expr, symbol, interval=(None, None)) -> list:
    """Values the claim itself suggests for `symbol`: around its breakpoints (`_kinks`; where a
    piecewise condition changes), at the scales of its constants (10**6 suggests 10**6 + 1
    and 2*10**6), and between a value or a breakpoint and an end of the assumed `interval`
    near it (`_near_bounds`)."""
    values, kinks = [], []
    roots, curved = _kinks(expr, symbol)
    for crossing in curved:
        # a curved argument (sin(x) - 999/1000) may cross its kink only on a narrow interval
        # around one of its extremes: those are tried; and where it changes sign far out
        # (sqrt(x) - 100 at 10^4) or close in, on either side of the place
        values += _extremes(crossing, symbol)
        for r in far_roots(crossing, symbol):   # (to six digits: 1097.73, 2.41e-7)
            values += [sp.Rational(f"{v:.6g}") for v in (r * 1.001, r * 0.999, r / 2, 2 * r)]
            kinks.append(sp.Rational(f"{r:.10g}"))   # (and between it and a bound near it)
    for r, exact in roots:
        kinks.append(r)
        # off the kink first: a claim that also fails there is shown failing where both sides
        # are smooth, not at the kink, where a slope's value is a convention (and never at a
        # rational next to an irrational kink: a gap of 10^-25 shows nothing)
        near = [r + sp.Rational(1, 2), r - sp.Rational(1, 2), r + 1, r - 1, 2 * r]
        values += near + [r] if exact else \
            [sp.Rational(round(float(v) * 1000), 1000) for v in near]   # -0.914, not 10^12
    # between two kinks close together (|x - 1/1000| against sign(x)): the window between them
    ordered = sorted(set(kinks))
    values += [(a + b) / 2 for a, b in zip(ordered, ordered[1:])]
    for c in expr.atoms(sp.Rational):
        if abs(c) > 1000 or (c != 0 and abs(c) < sp.Rational(1, 1000)):
            values += [c + 1, c - 1, 2 * c, -c, -2 * c, c / 2]
    values += _at_powers(expr, symbol)
    # where a linear part of the claim is 0 (x - 7 in e^{-100 (x - 7)^2}): a narrow bump there
    values += [r for r in (linear_root(a, symbol) for a in _linear_parts(expr, symbol))
               if r is not None]
    values = list(dict.fromkeys(v for v in values if v.is_Rational))[:24]
    return _near_bounds(values, interval, kinks)


# a power with a variable exponent: a negative base has a real power only at whole exponents and
# odd denominators, so the power laws fail where both sides are real only at such points
# (((-1)^2)^(1/2) = 1 against (-1)^1 = -1): these exponents and negative bases, tried together
POWER_EXPONENTS = tuple(sp.Rational(v) for v in ("2", "1/2", "3", "1/3"))
POWER_BASES = (sp.Integer(-1), sp.Integer(-2))


def _powers(expr) -> list:
    return [p for p in expr.atoms(sp.Pow) if not p.exp.is_Number]


def _at_powers(expr, symbol) -> list:
    """The exponents and bases the power laws fail at, for a variable of a power's exponent or
    base."""
    powers = _powers(expr)
    values = []
    if any(symbol in p.exp.free_symbols for p in powers):
        values += POWER_EXPONENTS
    if any(symbol in p.base.free_symbols for p in powers):
        values += POWER_BASES
    return values


def _polynomial_roots(e, symbol, degree: int = 6) -> list:
    """The real roots of a quotient of polynomials in `symbol` of low degree with rational
    coefficients ((x - 20)(x - 30), (x - 20)/(x - 30)), where it may change sign, each with
    whether it is exact: a rational root is, an irrational one is a rational within 10^-12; at
    most four. None for any other `e`."""
    roots = []
    for part in sp.fraction(sp.together(e)):
        if not part.free_symbols or not part.is_polynomial(symbol):
            continue
        poly = sp.Poly(part, symbol)
        if poly.degree() > degree or not all(c.is_Rational for c in poly.all_coeffs()):
            return []
        for root in poly.real_roots():
            roots.append((root, True) if root.is_Rational else
                         (sp.nsimplify(sp.N(root, 30), rational=True, tolerance=1e-12), False))
    return sorted(set(roots))[:4]


def _linear_parts(expr, symbol) -> list:
    """The sums of `symbol` and numbers in `expr` (x - 7, 2x + 3), a few, in an order that does
    not depend on the run's hashing."""
    return sorted((a for a in expr.atoms(sp.Add) if a.free_symbols == {symbol}
                   and all(t.is_Number or t == symbol or (t.is_Mul and t.args[0].is_Number
                                                          and t.args[1] == symbol
                                                          and len(t.args) == 2)
                           for t in a.args)), key=sp.default_sort_key)[:6]


EXTREME_GRID = [sp.Rational(k, 5) for k in range(-50, 51)]   # -10 to 10 in steps of 1/5
WIDE_GRID = [sp.Integer(k) for k in range(-200, 201) if abs(k) >= 10]   # then out to 200
EXTREME_STEPS = 24    # golden-section steps refining each extreme found on the grid
EXTREMES_KEPT = 4     # on [-10, 10], the first; beyond it, the two highest and the two lowest


def _extremes(g, symbol) -> list:
    """Rational points near the local extremes of g on [-10, 10], and beyond it to 200 (found
    on a grid and refined), where g is farthest above or below 0 nearby: Max(sin(x), 999/1000)
    differs from 999/1000 only within 0.045 of pi/2, Max(0, -9/10 - sin(x/10)) from 0 only
    around -5 pi. None when g cannot be evaluated."""
    def at(v):
        value = real_value(g, 15, maxn=60, point={symbol: v})
        return float(value) if value is not None else None

    near = _grid_extremes(at, EXTREME_GRID)[:EXTREMES_KEPT]
    far = _grid_extremes(at, WIDE_GRID)   # refined only once chosen: most are alike (sin(x))
    chosen = sorted((c for c in far if c[2] > 0), key=lambda c: -c[3])[:2] + \
        sorted((c for c in far if c[2] < 0), key=lambda c: c[3])[:2]
    refined = [golden(at, lo, hi, sign, EXTREME_STEPS) for lo, hi, sign, _ in near + chosen]
    return [sp.Rational(v).limit_denominator(10 ** 6) for v in refined if v is not None]


def _grid_extremes(at, grid: list) -> list[tuple[float, float, int, float]]:
    """(left, right, 1 for a maximum or -1 for a minimum, the value) of each local extreme of
    `at` on `grid` (between the grid's neighbours of the point), in the grid's order."""
    values = [at(v) for v in grid]
    found = []
    for k in range(1, len(grid) - 1):
        left, middle, right = values[k - 1:k + 2]
        if None in (left, middle, right) or grid[k + 1] - grid[k - 1] > 2:
            continue   # (the wide grid skips [-10, 10])
        for sign in (1, -1):   # a maximum, then a minimum
            if sign * middle >= sign * left and sign * middle >= sign * right \
                    and not (middle == left == right):
                found.append((float(grid[k - 1]), float(grid[k + 1]), sign, middle))
    return found


def sample_values(symbol: sp.Symbol, assumptions: Assumptions, rng: random.Random,
                  suggested=()) -> list:
    """Exact values for `symbol` inside its assumed domain, interesting ones first."""
    lo, hi = assumptions.interval(str(symbol))
    integer = symbol.is_integer
    pool = list(suggested) + list(_INTEGER_VALUES if integer else _BASE_VALUES)
    if not integer:
        for _ in range(20):
            magnitude = sp.Rational(rng.randint(1, 9999), 10 ** rng.randint(1, 4))
            pool.append(magnitude if rng.random() < 0.5 else -magnitude)
    steps = [v for v in _INTEGER_VALUES if v > 0] if integer else [v for v in _BASE_VALUES if v > 0]
    if lo is not None and hi is not None and not integer:
        width = hi.value - lo.value
        pool += [lo.value + width * sp.Rational(k, 17) for k in range(1, 17)]
    elif lo is not None:
        pool += [lo.value + v for v in steps]
    elif hi is not None:
        pool += [hi.value - v for v in steps]
    return list(dict.fromkeys(v for v in pool if inside(symbol, assumptions, v)))


def inside(symbol: sp.Symbol, assumptions: Assumptions, v) -> bool:
    """Whether the value `v` of `symbol` is in its assumed domain."""
    lo, hi = assumptions.interval(str(symbol))
    if symbol.is_integer and not v.is_integer:
        return False
    if symbol.is_positive and v <= 0 or symbol.is_nonnegative and v < 0:
        return False
    if symbol.is_negative and v >= 0 or symbol.is_nonpositive and v > 0:
        return False
    if symbol.is_nonzero and v == 0:
        return False
    if lo is not None and (v < lo.value or (lo.strict and v == lo.value)):
        return False
    if hi is not None and (v > hi.value or (hi.strict and v == hi.value)):
        return False
    return True




def sample_points(symbols: list, assumptions: Assumptions, n: int, seed: int = 0,
                  expr=None) -> list[dict]:
    """Up to `n` points; `expr` (the claim) suggests values of its own (`suggested_values`), tried
    first, in addition to `n`. The same symbols, domain, `n` and seed give the same points: those
    no claim suggests are made once per process (a diagnosis asks for them again and again)."""
    if expr is None:
        key = (tuple(symbols), assumptions.key, n, seed)
        made = remembered(_POINTS, POINTS_KEPT, key,
                          lambda: _sample_points(symbols, assumptions, n, seed, None))
        return [dict(point) for point in made]
    return _sample_points(symbols, assumptions, n, seed, expr)


def _power_grid(symbols: list, pools: list, expr) -> list[dict]:
    """Every combination of the power laws' exponents and bases (`_at_powers`) for the variables
    of a power, the other variables at their first value: the strided points do not meet them
    together."""
    chosen = [[v for v in _at_powers(expr, s) if v in pool] or pool[:1]
              for s, pool in zip(symbols, pools)]
    if all(len(values) == 1 for values in chosen):
        return []
    return [dict(zip(symbols, combination))
            for combination in itertools.islice(itertools.product(*chosen), 64)]


def _near_bounds(values: list, interval, kinks: list) -> list:
    """`values`, and between each of them and of the `kinks` and an end of the assumed interval
    less than 1 from it (a kink at 0 with x > -1/1000 assumed, or at sqrt(2) with x > 1.414: the
    window past the end is narrower than the usual steps)."""
    ends = [b.value for b in interval if b is not None and b.value.is_Rational]
    between = [(v + end) / 2 for v in values + kinks for end in ends if 0 < abs(v - end) < 1]
    return values + between


POINTS_KEPT = 256
_POINTS: dict = {}   # (symbols, domain, n, seed) -> the points


def _sample_points(symbols: list, assumptions: Assumptions, n: int, seed: int, expr) -> list[dict]:
    rng = random.Random(seed)
    suggested = [suggested_values(expr, s, assumptions.interval(s.name)) if expr is not None
                 else [] for s in symbols]
    edges = [edge_values(s, assumptions) if expr is not None else [] for s in symbols]
    pools = [sample_values(s, assumptions, rng, extra + edge)
             for s, extra, edge in zip(symbols, suggested, edges)]
    if any(not p for p in pools):
        return []
    points = [] if expr is None else _power_grid(symbols, pools, expr) + [
        {**{s: pool[0] for s, pool in zip(symbols, pools)}, **joint}
        for joint in joint_points(expr, symbols)
        if all(inside(s, assumptions, v) for s, v in joint.items())] + \
        _corners(symbols, pools, edges)
    for i in range(n + max(map(len, suggested), default=0)):
        point = {}
        for k, (s, pool) in enumerate(zip(symbols, pools)):
            # variable k walks its pool with its own stride so variables do not move in lockstep
            point[s] = pool[(i * (2 * k + 1) + k) % len(pool)] if i < len(pool) else rng.choice(pool)
        points.append(point)
    return list({tuple(sorted((str(k), v) for k, v in p.items())): p for p in points}.values())


EDGES = (sp.Rational(1, 1000), sp.Rational(1, 100), sp.Rational(1, 30))   # of the width, inside
CORNERS = 64


def edge_values(symbol: sp.Symbol, assumptions: Assumptions) -> list:
    """The closed ends of the assumed interval of a real `symbol`, and values just inside its
    ends (a thousandth, a hundredth and a thirtieth of its width in; 1/1000 and 1/100 in from the
    one end of a ray): a claim may fail only in a sliver of it, asin(sin x) = x on (-3/2, 1.6)
    only past pi/2, or only at a closed end."""
    lo, hi = assumptions.interval(str(symbol))
    if symbol.is_integer or (lo is None and hi is None):
        return []
    # a closed end first: x <= 1 allows 1 itself
    values = [b.value for b in (hi, lo) if b is not None and not b.strict]
    if lo is not None and hi is not None:
        width = hi.value - lo.value
        values += [end for f in EDGES for end in (hi.value - width * f, lo.value + width * f)]
    elif lo is not None:
        values += [lo.value + f for f in EDGES[:2]]
    else:
        values += [hi.value - f for f in EDGES[:2]]
    return [v for v in values if inside(symbol, assumptions, v)]


def _corners(symbols: list, pools: list, edges: list) -> list[dict]:
    """The corners of the assumed box, just inside (`edge_values`), where two variables near
    their ends together break a claim that each alone does not (atan x + atan y =
    atan((x + y)/(1 - xy)) with x < 2 and y < 0.6 fails only where xy > 1); a variable with no
    bound takes 0 and its first value. None when no variable has a bound."""
    if not any(edges):
        return []
    choices = [edge[:2] or list(dict.fromkeys(v for v in (sp.Integer(0), pool[0]) if v in pool))
               or pool[:1] for edge, pool in zip(edges, pools)]
    return [dict(zip(symbols, combination))
            for combination in itertools.islice(itertools.product(*choices), CORNERS)]


PROBES = ((sp.Rational(37, 100), sp.Rational(61, 100)), (sp.Rational(-29, 50), sp.Rational(43, 40)))


# a probe's working precision: a true claim's difference is 0 at the probe, and evalf raises its
# precision trying to resolve that cancellation (to 100 digits by default, twice the time); a
# value it cannot resolve in 60 digits comes out near 0, which only means "not clearly nonzero"
PROBE_DIGITS = 60


def clearly_nonzero(D, deadline: float, points=None, stand_ins: bool = False) -> bool:
    """`D` far from zero at a probe point where it is real (`points`, else two fixed points of no
    special value): a claim most likely false, or a candidate explanation of a mistake that does
    not fit. Only an order of work, never a verdict: what holds is still proved later.
    `stand_ins`: the unknown functions in `D` are the first concrete stand-ins (an identity for
    every function holds for them too), else such a `D` is not probed."""
    if stand_ins and D.atoms(AppliedUndef):
        try:
            with time_limit(min(0.1, deadline - clock())):
                D = with_concrete_functions(D, sp.S.Zero)[0]
        except TaskTimeout:
            return False
        except EVALUATION_ERRORS:   # a stand-in that does not fit says nothing
            return False
    symbols = sorted(D.free_symbols, key=str)
    if not symbols or D.atoms(AppliedUndef) or not all(isinstance(s, sp.Symbol) for s in symbols):
        return False
    if points is None:   # each variable its own value, all of them moderate: with many
        # variables, values growing with their number saturate a logistic (1 - sigma(a w) is
        # 1e-30 at a w = 70) and a false claim looked close to true
        points = [{s: (first if k % 2 == 0 else second) + sp.Rational(k, 10)
                   for k, s in enumerate(symbols)} for first, second in PROBES]
    for point in points:
        try:
            with time_limit(min(0.05, deadline - clock())):
                value = D.xreplace(point).evalf(30, maxn=PROBE_DIGITS)
        except TaskTimeout:
            return False
        except Exception:  # a point outside the domain says nothing
            continue
        if value.is_number and value.is_real and abs(value) > sp.Float("1e-6"):
            return True
    return False


# evalf raises its working precision to resolve cancellation, but only up to `maxn` digits; past it
# it returns a wrong value that still claims full precision (log(1 - 1/(1 + e^-1000)) comes out as
# -332.7 by default). 2000 digits resolve cancellations down to e^-4000, far beyond the sampled
# points; a counterexample must also survive a fourfold `maxn` (see _search_points).
MAXN = 2000
DOMAIN_DIGITS = 15   # enough to tell a real value from one with an imaginary part
LOST = 20  # bits: evalf's report of a value it could not resolve (e.g. -0.e-165 with _prec == 1)


def _at(expr, point):
    """`expr` with the point substituted (None when that is undefined, e.g. d/d(1/2), or when a
    floor or ceiling there cannot be told: `_at_a_step`)."""
    try:
        if point and expr.has(sp.floor, sp.ceiling, *SIGNED):
            with sp.evaluate(False):   # SymPy's own floor(tanh(1000)) is 1
                held = expr.xreplace(point)
            if _at_a_step(held):
                return None
            if _sign_misjudged(held):
                return _signs_settled(held)
        return expr.xreplace(point) if point else expr
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, RecursionError):
        return None


# what SymPy raises when a side has no value at a point: 0/0, a limit that does not exist or that
# gruntz cannot take (nested limits), Max of a complex number, a tree too deep to walk
EVALUATION_ERRORS = (ZeroDivisionError, ValueError, TypeError, ArithmeticError, RecursionError,
                     NotImplementedError)


def real_value(expr, precision: int, maxn: int = MAXN, point=None):
    """`expr` (at `point`) to `precision` digits, or None when it is undefined or not real there, or
    when evalf could not resolve its value (a 0/0 evaluated as noise is no evidence)."""
    expr = _at(expr, point)
    if expr is None:
        return None
    try:
        if expr.has(*UNEVALUATED):
            expr = _evaluated(expr)
        v = expr.evalf(precision, maxn=maxn)
    except EVALUATION_ERRORS:
        return None
    if not isinstance(v, sp.Expr) or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) \
            or v.free_symbols or v.has(AppliedUndef, sp.Derivative, sp.Subs):
        return None
    if not v.is_Number:   # a function left unevaluated at the point (DiracDelta(0)) has no value
        return None
    if isinstance(v, sp.Float) and v != 0 and v._prec < LOST:
        return None
    if v is sp.S.Zero and not expr.is_Number:
        # evalf's exact zero for a computed value can be a rounding: log(1 - 1/(1 + e^653.5)) is
        # -1.5e-284, but its argument rounds to 1 and the log comes back as an exact 0
        return None
    return v


STEP_DIGITS = 60   # an argument this close to a whole number is at a step of floor or ceiling
SIGNED = (sp.Heaviside, sp.sign, sp.Abs, sp.Max, sp.Min)   # functions of their arguments' signs


def _sign_misjudged(expr) -> bool:
    """Whether SymPy would take the sign of an argument of a step, sign, |.|, max or min in `expr`
    (held unevaluated at a point) other than its value at 60 digits gives: x - log(1 + 10^-15)
    at a point where it is -3.9e-16 is positive to SymPy, which then evaluates the step there
    as 1 (`_signs_settled` evaluates it from the 60 digits instead)."""
    return any(_misjudged(kink) for kink in expr.atoms(*SIGNED))


def _compared(kink) -> list:
    """What the value of a step, sign, |.|, max or min turns on: its argument, or the
    differences of a max's or min's arguments."""
    return list(kink.args[:1]) if not isinstance(kink, (sp.Max, sp.Min)) else \
        [a - b for a, b in itertools.combinations(kink.args, 2)]


def _misjudged(kink) -> bool:
    for u in _compared(kink):
        if u.free_symbols or u.is_Rational:
            continue
        try:
            value = u.evalf(STEP_DIGITS, maxn=STEP_DIGITS * 2)
            told = u.is_positive, u.is_negative
        except EVALUATION_ERRORS:
            return True
        if not value.is_Number or (value > 0 and told[1]) or (value < 0 and told[0]):
            return True
    return False


SETTLED = sp.Float(10) ** -(STEP_DIGITS - 10)   # a value this small has no sign to be sure of


def _signs_settled(held):
    """`held` (unevaluated at a point) evaluated with each kink SymPy misjudges worked out from
    its arguments at 60 digits (a step 0 or 1, a sign -1 or 1, |u| as u or -u, a max as its
    largest argument); None where an argument is too close to 0 to tell, or has no value."""
    def value(u):
        v = u.evalf(STEP_DIGITS, maxn=STEP_DIGITS * 2)
        if not v.is_Number or abs(v) < SETTLED:
            raise ValueError("no sign to be sure of")
        return v

    def settled(kink):
        if isinstance(kink, (sp.Max, sp.Min)):
            sign = 1 if isinstance(kink, sp.Max) else -1
            for a in kink.args:   # the argument above (below) every other one
                if all(value(sign * (a - b)) > 0 for b in kink.args if b is not a):
                    return a
            raise ValueError("no argument stands out")
        positive = value(kink.args[0]) > 0
        if isinstance(kink, sp.Heaviside):
            return sp.Integer(1 if positive else 0)
        if isinstance(kink, sp.sign):
            return sp.Integer(1 if positive else -1)
        return kink.args[0] if positive else -kink.args[0]   # |u|

    def rebuilt(e):   # evaluated again, node by node
        return e if e.is_Atom else e.func(*[rebuilt(a) for a in e.args])
    try:
        return rebuilt(held.replace(lambda e: isinstance(e, SIGNED) and _misjudged(e), settled))
    except (ValueError, TypeError, AttributeError) + EVALUATION_ERRORS:
        return None


def _at_a_step(expr) -> bool:
    """Whether the argument of a floor or ceiling in `expr` (a number, not a rational one, which
    SymPy takes exactly) is so close to a whole number that its side of the step cannot be told:
    floor(tanh(1000)) is 0, as 1 - tanh(1000) is 5e-869, but SymPy makes it 1."""
    for step in expr.atoms(sp.floor, sp.ceiling):
        argument = step.args[0].doit()
        if argument.free_symbols or argument.is_Rational:
            continue
        value = argument.evalf(STEP_DIGITS, maxn=STEP_DIGITS * 2)
        if not value.is_Number:
            return True
        whole = sp.Integer(round(value))
        if abs(value - whole) <= sp.Float(10, STEP_DIGITS) ** (10 - STEP_DIGITS) * (1 + abs(whole)):
            return True
    return False


def unknown_everywhere(expr) -> bool:
    """Whether `expr` keeps an unknown function once its derivatives and limits are worked out.
    It then has no value at a point (`real_value` is None at each), and none need be tried."""
    if not expr.has(AppliedUndef):
        return False
    try:
        return _evaluated(expr).has(AppliedUndef) if expr.has(*UNEVALUATED) else True
    except EVALUATION_ERRORS:
        return False


def _exact(expr, point):
    value = _at(expr, point)
    return value if value is not None and value.is_Rational else None


def exact_gap(L, R, point):
    """lhs - rhs at `point` when SymPy's automatic, exact arithmetic makes it a rational number
    (10**400 against 10**400 + 1; E**10000 - (E**10000 + 1)); else None."""
    difference = _at(L - R, point)
    if difference is not None and difference.is_Rational:
        return difference
    left, right = _exact(L, point), _exact(R, point)
    return left - right if left is not None and right is not None else None


SCREEN_MAXN = 150  # digits evalf may use to resolve L - R when screening a point
SCREENED = 3       # points where sides equal to 20 digits are screened for a tinier difference


def _tiny_gap(L, R, point) -> bool:
    """Whether L - R, evaluated with a small working-precision budget, is non-zero at a point where
    the sides agree to 20 digits (x against x + 1e-40; exp(pi sqrt(163)) against its integer).
    A true identity's exact zero costs evalf little within the budget (with the full budget it
    chases the cancellation to 2000 digits); the sides then decide at 100 digits."""
    v = real_value(L - R, PRECISION, maxn=SCREEN_MAXN, point=point)
    return v is not None and v != 0


def _constant_gap(L, R):
    """L - R for two numbers equal to all the digits their sides are compared to (tanh(1000)
    against 1, 1 + e^-300 against 1), when evalf resolves it alike at 30 and at 100 digits with
    its whole budget, and it is not 0; else None. A lost cancellation comes out differently at
    the two (log(1 - 1/(1 + e^-1000)) + log(1 + e^1000), which is 0, as 728 and as 244)."""
    coarse = real_value(L - R, PRECISION)
    fine = real_value(L - R, CONFIRM_PRECISION, maxn=4 * MAXN)
    return fine if agree(coarse, fine) and fine != 0 else None


def confirmed_gap(L, R, point, lv, rv):
    """lhs - rhs at `point` if the sides really differ there, else None.

    The direct evaluation of L - R (used to screen points) is not trusted for the verdict: evalf can
    lose a nested cancellation and still claim full precision (log(1 - 1/(1 + e^-1000)) inside a
    sum evaluates to 728 or 520 depending on the working precision, where the truth is 0). So each
    side is evaluated again to CONFIRM_PRECISION digits; it must agree with its first evaluation
    (`lv`, `rv`, to 20 digits) or the point is not evaluable reliably and is skipped; and the sides
    must differ by more than 10 units in their last places (relative 1e-(CONFIRM_PRECISION - 10)).
    exp(pi sqrt(163)) and its nearest integer differ by a relative 3e-30 and are told apart.
    """
    lv_fine = real_value(L, CONFIRM_PRECISION, point=point)
    rv_fine = real_value(R, CONFIRM_PRECISION, point=point)
    if not (agree(lv, lv_fine) and agree(rv, rv_fine)):
        return None
    gap = lv_fine - rv_fine   # relative to the sides at any scale: exp(-1000) is not 0
    scale = max(abs(lv_fine), abs(rv_fine))
    return gap if abs(gap) > sp.Float(10) ** (10 - CONFIRM_PRECISION) * scale else None


def agree(coarse, fine) -> bool:
    """Equal to 20 digits, relative to the values at whatever scale they are (a value of 1e-435,
    which evalf resolves as well as any, is not 0)."""
    if coarse is None or fine is None:
        return False
    return abs(coarse - fine) <= sp.Float(10) ** -20 * max(abs(coarse), abs(fine))


def find_counterexample(L, R, assumptions: Assumptions, deadline: float, n: int = N_POINTS,
                        kinks=None, domain=()) -> Search:
    """A point where L and R differ, searched at the claim's own scales and breakpoints and at
    points across the assumed domain. `kinks`: expressions whose zeros are points where a claimed
    derivative does not exist; a difference there is not a counterexample. `domain`: expressions
    that must be real at a point for the claim to say anything there (what it differentiates)."""
    undefs = unknown_functions(L, R)
    if undefs:
        return _search_with_functions(L, R, undefs, assumptions, deadline, n, kinks, domain)
    return _search_points(L, R, assumptions, deadline, n, kinks=kinks, domain=domain)


def outside(domain, point) -> bool:
    """Whether one of the `domain` expressions that the point gives a value is not real (or is
    undefined) there."""
    return any(real_value(e, DOMAIN_DIGITS, point=point) is None for e in domain
               if e.free_symbols <= point.keys())


def on_kink(kinks, point) -> bool:
    for k in kinks or ():
        value = _at(k, point)
        if value is not None and value.is_number and value == 0:
            return True
    return False


def _search_points(L, R, assumptions, deadline, n, functions=None, kinks=None,
                   domain=()) -> Search:
    symbols = sorted(L.free_symbols | R.free_symbols, key=str)
    points = sample_points(symbols, assumptions, n, expr=L - R) if symbols else [{}]
    checked, skipped_one_side, kink, defined, screened = 0, None, None, [0, 0], 0
    try:
        with time_limit(deadline - clock()):
            for point in points:
                if domain and outside(domain, point):
                    continue
                lv, rv = real_value(L, PRECISION, point=point), real_value(R, PRECISION, point=point)
                defined[0] += lv is not None
                defined[1] += rv is not None
                exact = exact_gap(L, R, point)
                left = lv if lv is not None else _exact(L, point)
                right = rv if rv is not None else _exact(R, point)
                if left is None or right is None:
                    if (lv is None) != (rv is None) and skipped_one_side is None:
                        skipped_one_side = point
                    continue
                if exact is not None:
                    gap = exact
                elif not agree(lv, rv):
                    gap = confirmed_gap(L, R, point, lv, rv)
                elif screened < SCREENED:  # sides equal to 20 digits: a tiny offset shows here
                    screened += 1
                    gap = confirmed_gap(L, R, point, lv, rv) if _tiny_gap(L, R, point) else None
                    if gap is None and not symbols:
                        gap = _constant_gap(L, R)
                else:
                    gap = None
                if gap is not None and gap != 0 and on_kink(kinks, point):
                    kink = kink or {str(k): v for k, v in point.items()}
                    continue
                checked += 1
                if gap is not None and gap != 0:
                    example = Counterexample({str(k): v for k, v in point.items()}, left, right,
                                             functions or {}, gap)
                    return Search(example, checked)
    except TaskTimeout:
        return Search(None, checked, f"numeric search stopped at the time limit after {checked}",
                      complete=False, kink=kink)
    undefined = None if checked else \
        {(True, True): "both sides", (True, False): "left side",
         (False, True): "right side"}.get((defined[0] == 0, defined[1] == 0))
    where = None if skipped_one_side is None else {str(k): v for k, v in skipped_one_side.items()}
    return Search(None, checked, one_side_real=where, kink=kink, undefined=undefined)


def _concrete_functions(arity: int) -> list:
    """Concrete stand-ins for an unknown function, defined and smooth on all of R^arity. Of
    several variables, each mixes them (no stand-in is a sum of functions of one variable each,
    whose mixed partial derivatives would all be 0: f_xy = 0 would hold for every one)."""
    t = sp.symbols("t1:%d" % (arity + 1), real=True)
    u, v = t[0], t[-1]
    mixed = arity > 1
    bodies = [
        sp.sin(u) + u**3 / 5 + sum(t[1:]) + (sp.Mul(*t) / 2 if mixed else 0),
        sp.exp(u / 3) + sp.Mul(*t[1:]) + (sp.sin(sum(t)) / 3 if mixed else 0),
        u**2 + 3 * u - 1 + sum(s**2 for s in t[1:]) - (u * v / 4 if mixed else 0),
        2 * sp.atan(u) + v + (sp.atan(sp.Mul(*t)) if mixed else 0),
    ]
    return [sp.Lambda(t, body) for body in bodies]


def unknown_functions(L, R) -> list:
    return sorted({a.func for a in L.atoms(AppliedUndef) | R.atoms(AppliedUndef)}, key=str)


def with_concrete_functions(L, R, family: int = 0):
    """L and R with every unknown function replaced by concrete set number `family`, evaluated;
    and the functions chosen."""
    undefs = unknown_functions(L, R)
    families = {f: _concrete_functions(_arity(f, sp.Tuple(L, R))) for f in undefs}
    chosen = {f: families[f][(family + j) % len(families[f])] for j, f in enumerate(undefs)}
    return _evaluated(L.subs(chosen)), _evaluated(R.subs(chosen)), chosen


# what the concrete stand-ins and a first-principles quotient are built from: analytic functions
_ANALYTIC = (sp.Add, sp.Mul, sp.sin, sp.cos, sp.exp, sp.atan)


def _analytic(e) -> bool:
    return all(isinstance(n, _ANALYTIC) or n.is_Atom or (isinstance(n, sp.Pow) and n.exp.is_Integer)
               for n in sp.preorder_traversal(e))


def _quotient_limit(limit, orders: int = 3):
    """The limit of N/D at a finite point, for N and D built from analytic functions only (once
    the sums and derivatives inside are worked out): N/D there when D is not 0 there, else
    (l'Hopital) the first N^(k)/D^(k) there whose D^(k) is not identically 0, every lower derivative
    of both being exactly 0 there; None otherwise, and whenever a value at the point cannot be told
    from 0. (Where a symbolic D^(k) happens to vanish the value is undefined, never another
    number.) A difference quotient of the stand-ins, or of a sampled point's polynomial, takes
    milliseconds this way, where SymPy's series take a second."""
    expr, variable, point = limit.args[0], limit.args[1], limit.args[2]
    expr = expr.replace(sp.UnevaluatedExpr, lambda inner: inner)   # a form kept for display
    if not point.is_number or point.has(sp.oo, -sp.oo, sp.zoo):
        return None
    if expr.has(*UNEVALUATED):
        expr = _worked_out(expr)
    if not _analytic(expr):
        return None
    N, D = sp.fraction(sp.together(expr))
    for k in range(orders + 1):
        n0, d0 = N.subs(variable, point), D.subs(variable, point)
        if _vanishes(d0):
            if not _vanishes(n0):
                return None   # c/0, or a value not told from 0: not taken this way
            N, D = sp.diff(N, variable), sp.diff(D, variable)
        elif d0.is_number:
            return n0 / d0 if d0.is_zero is False else None
        else:
            return n0 / d0 if k else None
    return None


def _vanishes(value) -> bool:
    return value == 0 or (value.is_number and value.is_zero is True)


def _evaluated(e):
    """`e` with its derivatives and limits worked out (`doit`), limits of analytic quotients
    first by `_quotient_limit`."""
    limits = {}
    for limit in e.atoms(sp.Limit):
        value = _quotient_limit(limit)
        if value is not None and not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            limits[limit] = value
    return _worked_out(e.xreplace(limits) if limits else e)


TERMS = 1000   # terms of a sum with numeric bounds that are added one by one


def _worked_out(e):
    """`e.doit(deep=True)`, with each sum over a range of at most TERMS integers (a sampled
    point's) added term by term first: SymPy's summation looks for a closed form first, which
    takes it tens of milliseconds even for a handful of terms. (A sum whose upper bound is below
    its lower one by more than one is SymPy's to take: it is then minus the sum in between.)"""
    def added(node):
        if isinstance(node, sp.Sum) and len(node.limits) == 1:
            index, low, high = node.limits[0]
            if low.is_Integer and high.is_Integer and -1 <= high - low < TERMS:
                return sp.Add(*[node.function.xreplace({index: sp.Integer(i)})
                                for i in range(int(low), int(high) + 1)])
        return node
    return e.replace(lambda node: isinstance(node, sp.Sum), added).doit(deep=True)


def _search_with_functions(L, R, undefs, assumptions, deadline, n, kinks=None,
                           domain=()) -> Search:
    total, notes, complete, one_side, kink = 0, [], True, None, None
    families = len(_concrete_functions(1))
    for k in range(families):
        try:
            with time_limit(deadline - clock()):
                Lk, Rk, chosen = with_concrete_functions(L, R, k)
        except TaskTimeout:
            complete = False
            break
        except EVALUATION_ERRORS:   # with these stand-ins a side has no value (a limit of c/h)
            complete = False
            continue
        search = _search_points(Lk, Rk, assumptions, deadline, max(8, n // 4),
                                functions={str(f): lam for f, lam in chosen.items()}, kinks=kinks,
                                domain=domain)
        total += search.points
        if search.counterexample is not None:
            return Search(search.counterexample, total)
        if search.note:
            notes.append(search.note)
        complete = complete and search.complete
        one_side = one_side or search.one_side_real
        kink = kink or search.kink
    note = f"unknown functions replaced by {families} sets of concrete functions"
    return Search(None, total, "; ".join([note] + notes[:1]), complete, one_side, kink)


def _arity(f, expr) -> int:
    return max(len(a.args) for a in expr.atoms(AppliedUndef) if a.func == f)

