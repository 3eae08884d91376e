"""The numeric search for a counterexample: exact rational points, adaptive-precision evalf.

The difference is evaluated at exact rational points of the assumed domain (negative, small and
large values too) with SymPy's `evalf`, which raises its working precision until the digits it
returns are right, so `exp(pi*sqrt(163)) - 262537412640768744` (about -7.5e-13) is not mistaken for
zero. A difference found non-zero is confirmed again at higher precision before it becomes a
counterexample. Points where a side is undefined or not real are skipped. Unknown functions are
replaced by several concrete functions, and a counterexample names them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.evaluate import UNEVALUATED
from derive.engine.isolation import TaskTimeout, time_limit
from derive.engine.verdict import Counterexample
from derive.text import Assumptions

PRECISION = 30          # significant digits asked of evalf at each point
CONFIRM_PRECISION = 100  # both sides of a counterexample are re-evaluated to this many digits
N_POINTS = 40


@dataclass(frozen=True)
class Search:
    """The result of a search: a counterexample or none, the points compared, whether the search
    ran to the end (not stopped by the time limit), a point where only one side is real."""

    counterexample: Counterexample | None
    points: int
    note: str | None = None
    complete: bool = True
    one_side_real: dict | None = None


_BASE_VALUES = [sp.Rational(v) for v in (
    "1/2", "-1/2", "1", "-1", "2", "-2", "3", "-3", "1/3", "-2/3", "7/3", "-5/7", "10", "-10",
    "1/10", "-1/10", "37/4", "-41/6", "100", "-100", "1/1000", "-1/1000", "1000", "-1000", "0")]
_INTEGER_VALUES = [sp.Integer(v) for v in (1, 2, 3, -1, -2, 0, 5, -4, 7, 10, -10, 12, -7, 11)]


def sample_values(symbol: sp.Symbol, assumptions: Assumptions, rng: random.Random) -> list:
    """Exact values for `symbol` inside its assumed domain, interesting ones first."""
    lo, hi = assumptions.interval(str(symbol))
    integer = symbol.is_integer
    pool = list(_INTEGER_VALUES if integer else _BASE_VALUES)
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

    def inside(v) -> bool:
        if integer and not v.is_integer:
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

    return list(dict.fromkeys(v for v in pool if inside(v)))


def sample_points(symbols: list, assumptions: Assumptions, n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    pools = [sample_values(s, assumptions, rng) for s in symbols]
    if any(not p for p in pools):
        return []
    points = []
    for i in range(n):
        point = {}
        for k, (s, pool) in enumerate(zip(symbols, pools)):
            # variable k walks its pool with its own stride so variables do not move in lockstep
            point[s] = pool[(i * (2 * k + 1) + k) % len(pool)] if i < len(pool) else rng.choice(pool)
        points.append(point)
    return list({tuple(sorted((str(k), v) for k, v in p.items())): p for p in points}.values())




# evalf raises its working precision to resolve cancellation, but only up to `maxn` digits; past it
# it returns a wrong value that still claims full precision (log(1 - 1/(1 + e^-1000)) comes out as
# -332.7 by default). 2000 digits resolve cancellations down to e^-4000, far beyond the sampled
# points; a counterexample must also survive a fourfold `maxn` (see _search_points).
MAXN = 2000


def real_value(expr, precision: int, maxn: int = MAXN):
    """`expr` at full precision, or None when it is undefined or not real there."""
    try:
        if expr.has(*UNEVALUATED):
            expr = expr.doit(deep=True)
        v = expr.evalf(precision, maxn=maxn)
    except (ZeroDivisionError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None
    if not isinstance(v, sp.Expr) or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) \
            or v.free_symbols or v.has(AppliedUndef, sp.Derivative, sp.Subs):
        return None
    if not v.is_number or v.is_real is False:
        return None
    return v


def _differs(D, point, precision: int, maxn: int = MAXN) -> bool | None:
    """True if D is certainly non-zero at `point`, False if zero, None if undefined there."""
    v = real_value(D.xreplace(point), precision, maxn)
    if v is None:
        return None
    if v == 0:
        return False
    # evalf reports a cancellation it could not resolve as a value with almost no precision
    # (e.g. -0.e-165 with _prec == 1): that is a zero, not a difference.
    if isinstance(v, sp.Float) and v._prec < 20:
        return False
    return True


def _confirmed_gap(L, R, point, lv, rv):
    """lhs - rhs at `point` if the sides really differ there, else None.

    The direct evaluation of L - R (used to screen points) is not trusted for the verdict: evalf can
    lose a nested cancellation and still claim full precision (log(1 - 1/(1 + e^-1000)) inside a
    sum evaluates to 728 or 520 depending on the working precision, where the truth is 0). So each
    side is evaluated again to CONFIRM_PRECISION digits; it must agree with its first evaluation
    (`lv`, `rv`, to 20 digits) or the point is not evaluable reliably and is skipped; and the sides
    must differ by more than 10 units in their last places (relative 1e-(CONFIRM_PRECISION - 10)).
    exp(pi sqrt(163)) and its nearest integer differ by a relative 3e-30 and are told apart.
    """
    lv_fine = real_value(L.xreplace(point), CONFIRM_PRECISION)
    rv_fine = real_value(R.xreplace(point), CONFIRM_PRECISION)
    if not (_agree(lv, lv_fine) and _agree(rv, rv_fine)):
        return None
    gap = lv_fine - rv_fine
    scale = max(abs(lv_fine), abs(rv_fine), sp.Float(10) ** -300)
    return gap if abs(gap) > sp.Float(10) ** (10 - CONFIRM_PRECISION) * scale else None


def _agree(coarse, fine) -> bool:
    if coarse is None or fine is None:
        return False
    return abs(coarse - fine) <= sp.Float(10) ** -20 * max(abs(fine), sp.Float(10) ** -300)


def find_counterexample(L, R, assumptions: Assumptions, deadline: float, n: int = N_POINTS) -> Search:
    undefs = sorted({a.func for a in (L - R).atoms(AppliedUndef)}, key=str)
    if undefs:
        return _search_with_functions(L, R, undefs, assumptions, deadline, n)
    return _search_points(L, R, assumptions, deadline, n)


def _search_points(L, R, assumptions, deadline, n, functions=None) -> Search:
    D = L - R
    symbols = sorted(L.free_symbols | R.free_symbols, key=str)
    points = sample_points(symbols, assumptions, n) if symbols else [{}]
    checked, skipped_one_side = 0, None
    try:
        with time_limit(deadline - time.monotonic()):
            for point in points:
                differs = _differs(D, point, PRECISION)
                lv, rv = real_value(L.xreplace(point), PRECISION), real_value(R.xreplace(point), PRECISION)
                if differs is None or lv is None or rv is None:
                    if (lv is None) != (rv is None) and skipped_one_side is None:
                        skipped_one_side = point
                    continue
                checked += 1
                gap = _confirmed_gap(L, R, point, lv, rv) if differs else None
                if gap is not None:
                    example = Counterexample({str(k): v for k, v in point.items()}, lv, rv,
                                             functions or {}, gap)
                    return Search(example, checked)
    except TaskTimeout:
        return Search(None, checked, f"numeric search stopped at the time limit after {checked}",
                      complete=False)
    if skipped_one_side is None:
        return Search(None, checked)
    where = {str(k): v for k, v in skipped_one_side.items()}
    note = "the sides have different domains: at " + \
        ", ".join(f"{k} = {v}" for k, v in where.items()) + " only one side is real"
    return Search(None, checked, note, one_side_real=where)


def _concrete_functions(arity: int) -> list:
    """Concrete stand-ins for an unknown function, defined and smooth on all of R^arity."""
    t = sp.symbols("t1:%d" % (arity + 1), real=True)
    u, v = t[0], t[-1]
    bodies = [
        sp.sin(u) + u**3 / 5 + sum(t[1:]),
        sp.exp(u / 3) + sp.Mul(*t[1:]),
        u**2 + 3 * u - 1 + sum(s**2 for s in t[1:]),
        2 * sp.atan(u) + v,
    ]
    return [sp.Lambda(t, body) for body in bodies]


def _search_with_functions(L, R, undefs, assumptions, deadline, n) -> Search:
    total, notes, complete, one_side = 0, [], True, None
    families = {f: _concrete_functions(_arity(f, L - R)) for f in undefs}
    for k in range(len(next(iter(families.values())))):
        chosen = {f: families[f][(k + j) % len(families[f])] for j, f in enumerate(undefs)}
        try:
            with time_limit(deadline - time.monotonic()):
                Lk = L.subs(chosen).doit(deep=True)
                Rk = R.subs(chosen).doit(deep=True)
        except TaskTimeout:
            complete = False
            break
        search = _search_points(Lk, Rk, assumptions, deadline, max(8, n // 4),
                                functions={str(f): lam for f, lam in chosen.items()})
        total += search.points
        if search.counterexample is not None:
            return Search(search.counterexample, total)
        if search.note:
            notes.append(search.note)
        complete = complete and search.complete
        one_side = one_side or search.one_side_real
    note = f"unknown functions replaced by {len(families[undefs[0]])} sets of concrete functions"
    return Search(None, total, "; ".join([note] + notes[:1]), complete, one_side)


def _arity(f, expr) -> int:
    return max(len(a.args) for a in expr.atoms(AppliedUndef) if a.func == f)

