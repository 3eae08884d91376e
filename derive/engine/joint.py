"""Points where several variables together bring a claim to a breakpoint (where a max/min, |.|, a
step or a piecewise condition switches), for the numeric search (`engine.search`), which
decides at them exactly. One variable's breakpoints are `search.suggested_values`'.

Two kinds of place are missed by points drawn one variable at a time:
- near an extreme of an argument in two to four variables: Max(exp(-(x-3)^2 - (y+4)^2), 1/2)
  differs from 1/2 only within 0.84 of (3, -4). Found on a grid, the highest and lowest
  refined one coordinate at a time (`extremes`);
- between breakpoints that run side by side: |x - y| + |x - y - 1/10| = |2x - 2y - 1/10| fails
  only in the strip 0 < x - y < 1/10. Found by solving each argument for one variable, the
  others held (`strips`).
"""

from __future__ import annotations

import itertools
import math

import sympy as sp

from derive.engine.kinks import crossings

GRIDS = {2: range(-10, 11), 3: range(-10, 11, 2), 4: range(-8, 9, 4)}   # by the variables' count
WIDE = range(-100, 101, 10)   # in two variables, then out to 100
KEPT = 2          # the highest and the lowest extremes refined, of each argument
ROUNDS = 3        # rounds of refining each coordinate in turn
STEPS = 24        # golden-section steps per coordinate and round
HELD = (sp.Integer(0), sp.Rational(1, 2))   # the values the other variables are held at
STRIP_POINTS = 48
HOLDINGS = 8      # ways of holding the other variables, for each variable solved for


def joint_points(expr, symbols: list) -> list[dict]:
    """Points (of some of `symbols`) near where several of them together reach a breakpoint of
    `expr`."""
    found = [c for c in crossings(expr) if c.free_symbols <= set(symbols)
             and not any(s.is_integer for s in c.free_symbols)]
    points = []
    for crossing in found:
        variables = sorted(crossing.free_symbols, key=str)
        if len(variables) in GRIDS:
            points += [dict(zip(variables, p)) for p in extremes(crossing, variables)]
    return points + strips([c for c in found if len(c.free_symbols) > 1], symbols)


def extremes(g, variables: list) -> list[tuple]:
    """Rational points near the local extremes of g on a grid of [-10, 10]^k, and in two
    variables on a coarser one out to 100 where g compiles (the KEPT highest and lowest of each),
    each refined one coordinate at a time by golden-section search."""
    at = float_function(g, variables)
    grids = [GRIDS[len(variables)]] + ([WIDE] if len(variables) == 2 and at.compiled else [])
    return [point for grid in grids for point in _on_grid(at, [float(v) for v in grid],
                                                          len(variables))]


def _on_grid(at, grid: list, count: int) -> list[tuple]:
    step = grid[1] - grid[0]
    cells = list(itertools.product(range(len(grid)), repeat=count))
    values = {cell: at(*(grid[i] for i in cell)) for cell in cells}
    moves = [m for m in itertools.product((-1, 0, 1), repeat=count) if any(m)]
    found = []
    for cell, middle in values.items():
        around = [values.get(tuple(i + d for i, d in zip(cell, move))) for move in moves]
        if middle is None or None in around:
            continue   # (and the grid's edge)
        for sign in (1, -1):
            if all(sign * middle >= sign * n for n in around) \
                    and not all(n == middle for n in around):
                found.append((sign, middle, [grid[i] for i in cell]))
    chosen = sorted((f for f in found if f[0] > 0), key=lambda f: -f[1])[:KEPT] + \
        sorted((f for f in found if f[0] < 0), key=lambda f: f[1])[:KEPT]
    refined = []
    for sign, _, point in chosen:
        point = _climbed(at, point, sign, step)
        if point is not None:
            refined.append(tuple(sp.Rational(v).limit_denominator(10 ** 6) for v in point))
    return refined


def _climbed(at, point: list, sign: int, width: float) -> list | None:
    for _ in range(ROUNDS):
        for k in range(len(point)):
            def along(t, k=k):
                return at(*point[:k], t, *point[k + 1:])
            best = golden(along, point[k] - width, point[k] + width, sign)
            if best is None:
                return None
            point[k] = best
    return point


def golden(at, lo: float, hi: float, sign: int, steps: int = STEPS) -> float | None:
    """The point of [lo, hi] where sign * at() is largest, by golden-section search (None where
    `at` has no value)."""
    ratio = (5 ** 0.5 - 1) / 2
    for _ in range(steps):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        fa, fb = at(a), at(b)
        if fa is None or fb is None:
            return None
        if sign * fa > sign * fb:
            hi = b
        else:
            lo = a
    return (lo + hi) / 2


def strips(found: list, symbols: list) -> list[dict]:
    """For each variable of an argument in `found`, the others of them held at HELD values (a
    few ways): where each argument that is linear in it is 0, and midway between two such
    places."""
    points = []
    involved = [s for s in symbols if any(s in c.free_symbols for c in found)]
    for v in involved:
        others = [s for s in involved if s != v]
        for held in itertools.islice(itertools.product(HELD, repeat=len(others)), HOLDINGS):
            fixed = dict(zip(others, held))
            roots = sorted({r for c in found if v in c.free_symbols
                            for r in [linear_root(c.xreplace(fixed), v)] if r is not None})
            places = roots + [(a + b) / 2 for a, b in zip(roots, roots[1:])]
            points += [{**fixed, v: r} for r in places]
    return points[:STRIP_POINTS]


def linear_root(e, symbol):
    """The root of `e`, linear in `symbol` with rational coefficients, or None."""
    if e.free_symbols != {symbol} or not e.is_polynomial(symbol):
        return None
    coefficients = sp.Poly(e, symbol).all_coeffs()
    if len(coefficients) != 2 or not all(c.is_Rational for c in coefficients):
        return None
    return -coefficients[1] / coefficients[0]


EVALUATION_ERRORS = (TypeError, ValueError, NameError, ArithmeticError, AttributeError,
                     SyntaxError, KeyError, RecursionError)


def float_function(g, variables: list):
    """g as a function of floats, None where it has no real value: compiled with Python's math
    module (the names replaced by dummies, so no name of the claim is in the code) when that
    agrees with SymPy at a probe point, else evaluated by SymPy at 15 digits (its `compiled`
    says which)."""
    def slow(*values):
        try:
            v = g.xreplace(dict(zip(variables, map(sp.Float, values)))).evalf(15)
        except EVALUATION_ERRORS:
            return None
        return float(v) if v.is_Number and v.is_real and v.is_finite else None

    slow.compiled = False
    try:
        compiled = sp.lambdify(variables, g, modules="math", dummify=True)
        probe = [0.5 + 0.125 * k for k in range(len(variables))]
        want, got = slow(*probe), compiled(*probe)
        if want is None or not isinstance(got, (int, float)) \
                or abs(got - want) > 1e-9 * (1 + abs(want)):
            return slow
    except EVALUATION_ERRORS:
        return slow

    def fast(*values):
        try:
            v = compiled(*values)
        except EVALUATION_ERRORS:
            return None
        return float(v) if isinstance(v, (int, float)) and math.isfinite(v) else None
    fast.compiled = True
    return fast


# where a curved argument may change sign far out or close in (sqrt(x) - 100 at 10^4, log(x) - 7
# at e^7, x^2/10^9 - 1 at 31623): 0 and +-10^(k/2) for k = -24 .. 30
FAR_GRID = sorted({0.0} | {sign * 10 ** (k / 2) for k in range(-24, 31) for sign in (1, -1)})


def far_roots(g, symbol, limit: int = 6) -> list:
    """Up to `limit` places where `g`, of `symbol` alone, changes sign between neighbours on
    `FAR_GRID`, each found by bisection to the float's precision: the breakpoints of a kink
    whose argument no closed form solves, far beyond the values tried otherwise."""
    f = float_function(g, [symbol])
    values = [(x, f(x)) for x in FAR_GRID]
    roots = []
    for (a, fa), (b, fb) in zip(values, values[1:]):
        if fa is None or fb is None or (fa > 0) == (fb > 0) or fa == 0:
            continue
        for _ in range(200):
            middle = (a + b) / 2
            fm = f(middle)
            if fm is None or middle in (a, b):
                break
            a, fa, b = (middle, fm, b) if (fm > 0) == (fa > 0) else (a, fa, middle)
        roots.append((a + b) / 2)
        if len(roots) == limit:
            break
    return roots
