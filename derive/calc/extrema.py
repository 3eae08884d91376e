"""Critical points and their classification: second-derivative tests in 1, 2 and n variables.

* 1 variable: f''(c) > 0 minimum, < 0 maximum; f''(c) = 0 means the test fails, and the
  higher-order test takes over: the first non-zero derivative f^(k)(c) decides (k odd: no extremum;
  k even: minimum if positive, maximum if negative).
* 2 variables: r = f_xx, s = f_xy, t = f_yy at the point; rt - s^2 > 0 with r > 0 minimum, with
  r < 0 maximum; rt - s^2 < 0 saddle; rt - s^2 = 0 the test fails.
* n variables: the eigenvalues of the Hessian (all positive: minimum, all negative: maximum, both
  signs: saddle, a zero eigenvalue with no sign change: the test fails).

Where a test fails, a numeric probe of f around the point says what it looks like (labelled as
numeric). Globally: over the reals, a 1-variable f continuous on R is decided from its limits at
±oo; for several variables a direction along which f -> -oo (or +oo) is searched, and a quadratic
with a definite Hessian is decided exactly; otherwise the answer is "local only".
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field

import sympy as sp

from derive.calc.differentiate import differentiate, plain
from derive.calc.steps import Derivation, Reference
from derive.display import Displayed
from derive.engine.verify import NON_SMOOTH
from derive.text import InputError

MAX_ORDER = 12


class Kind(str, enum.Enum):
    """What a critical point is."""

    MINIMUM = "minimum"
    MAXIMUM = "maximum"
    SADDLE = "saddle point"
    NO_EXTREMUM = "no extremum"
    TEST_FAILS = "test fails"


class Test(str, enum.Enum):
    """Which test decided (the values it used are in `CriticalPoint.details`)."""

    SECOND_DERIVATIVE = "second-derivative test"        # f''(c) != 0
    HIGHER_ORDER = "higher-order test"                  # first non-zero f^(k)(c), k > 2
    ALL_DERIVATIVES_ZERO = "all derivatives zero"       # up to MAX_ORDER
    DISCRIMINANT = "rt - s^2"                           # 2 variables
    HESSIAN = "Hessian eigenvalues"                     # n variables


class GlobalKind(str, enum.Enum):
    ATTAINED = "attained"          # `value` at `point`
    UNBOUNDED = "unbounded"        # f -> +-oo (`reason` says along what)
    NOT_ATTAINED = "not attained"  # bounded, but no point attains it
    LOCAL_ONLY = "local only"      # not decided globally (`reason` says why)


@dataclass(frozen=True)
class GlobalExtremum:
    kind: GlobalKind
    reason: str                     # the evidence, in words (limits, a direction, the Hessian)
    value: sp.Expr | None = None
    point: dict | None = None


@dataclass(frozen=True)
class CriticalPoint:
    point: dict               # variable -> value (exact where solved exactly)
    value: sp.Expr            # f at the point
    kind: Kind
    test: Test
    details: dict = field(default_factory=dict)  # f'' / order, f^(k) / r, s, t, rt - s^2 / eigenvalues
    exact: bool = True
    probe: Kind | None = None  # where the test fails: what f looks like nearby (numeric evidence)


@dataclass(frozen=True)
class Extrema(Displayed):
    expr: sp.Expr
    variables: tuple
    gradient: tuple
    hessian: sp.Matrix
    points: tuple
    derivations: tuple        # the derivatives behind the test, step by step, checked
    global_min: GlobalExtremum
    global_max: GlobalExtremum
    notes: tuple = ()
    continua: tuple = ()      # families of critical points (x = 1, any y), as {variable: value}


def find_extrema(expr, variables) -> Extrema:
    kinked = sorted({type(e).__name__ for e in expr.atoms(*NON_SMOOTH)})
    if kinked:   # |x| has its minimum at 0, where it has no derivative: no gradient finds it
        raise InputError(f"extrema needs a differentiable function: {kinked[0]} has points "
                         "without a derivative, where an extremum can lie and a zero gradient "
                         "does not find it (|x| has its minimum at 0)")
    variables = tuple(variables)
    parameters = sorted(str(s) for s in expr.free_symbols - set(variables))
    if parameters:   # a x^2: a minimum for a > 0, a maximum for a < 0; its sign is not given
        raise InputError(f"the function has parameters besides its variables "
                         f"({', '.join(parameters)}): where its extrema are and what kind "
                         "depends on their values; give them values, or list them with --vars")
    grad = tuple(sp.diff(expr, v) for v in variables)
    hessian = sp.hessian(expr, variables)
    notes = []
    solutions, exact, continua = _critical_points(grad, variables, notes)
    points = tuple(_classify(expr, variables, grad, hessian, s, exact) for s in solutions)
    derivations = _derivations(expr, variables)
    gmin, gmax = _global(expr, variables, points, hessian, notes)
    return Extrema(expr, variables, grad, hessian, points, derivations, gmin, gmax, tuple(notes),
                   tuple(continua))


# -- critical points -------------------------------------------------------------------------------

def _critical_points(grad, variables, notes) -> tuple[list[dict], bool, list[dict]]:
    """(the isolated critical points, whether they are exact, the families of critical points
    that leave a variable free)."""
    try:
        raw = sp.solve(list(grad), list(variables), dict=True)
    except (NotImplementedError, ValueError, TypeError):
        raw = None
    if raw is not None and not _has_unsolved(raw, variables):
        real = [s for s in raw if all(_maybe_real(v) for v in s.values())]
        dropped = len(raw) - len(real)
        if dropped:
            notes.append(f"{dropped} complex solution(s) of the gradient equations set aside")
        if any(f.has(sp.sin, sp.cos, sp.tan) for f in grad):
            notes.append("periodic functions: SymPy lists the solutions of one period; "
                         "the others repeat with the period")
        full, families = [], []
        for s in real:
            (full if set(s) == set(variables) else families).append(s)
        for fam in families:
            notes.append("a continuum of critical points: " + ", ".join(
                f"{k} = {v}" for k, v in fam.items()) + " (not classified)")
        return [{v: sp.nsimplify(s[v]) if s[v].is_Float else s[v] for v in variables}
                for s in full], True, families
    notes.append("SymPy cannot solve the gradient equations in closed form; numeric roots shown, "
                 "found from starting points in [-3, 3] (there may be others)")
    return _numeric_roots(grad, variables), False, []


def _maybe_real(v) -> bool:
    """Not known to be complex: SymPy's assumptions, and for a number they leave open its value
    (a cubic's real root written with complex radicals keeps a negligible imaginary part; a
    complex one does not)."""
    if not isinstance(v, sp.Basic):
        return True
    if v.is_real is not None or not v.is_number:
        return v.is_real is not False
    re, im = sp.N(v, 30).as_real_imag()
    return abs(im) <= sp.Float(10) ** -20 * (1 + abs(re))


def _has_unsolved(raw, variables) -> bool:
    return any(isinstance(v, sp.Basic) and v.has(sp.RootOf, sp.ConditionSet)
               for s in raw for v in s.values())


def _numeric_roots(grad, variables) -> list[dict]:
    starts = [-3, -1.5, -0.5, 0.3, 1.2, 2.7] if len(variables) <= 2 else [-1.3, 0.2, 1.7]
    found: list[dict] = []
    for start in itertools.product(starts, repeat=len(variables)):
        try:
            root = sp.nsolve(list(grad), list(variables), list(start), tol=1e-20, prec=30,
                             verify=True)
        except (ValueError, ZeroDivisionError, TypeError):
            continue
        values = [sp.Float(r, 15) for r in (list(root) if isinstance(root, sp.MatrixBase)
                                             else [root])]
        if any(not v.is_real for v in values):
            continue
        candidate = dict(zip(variables, values))
        if all(max(abs(candidate[v] - p[v]) for v in variables) > 1e-8 for p in found):
            found.append(candidate)
    return sorted(found, key=lambda p: [float(p[v]) for v in variables])


# -- classification -------------------------------------------------------------------------------

def _classify(expr, variables, grad, hessian, point, exact) -> CriticalPoint:
    value = _at(expr, point, exact)
    if len(variables) == 1:
        return _classify_1d(expr, variables[0], point, value, exact)
    if len(variables) == 2:
        return _classify_2d(expr, variables, hessian, point, value, exact)
    return _classify_nd(expr, variables, hessian, point, value, exact)


def _at(expr, point, exact):
    v = expr.xreplace(point)
    return sp.simplify(v) if exact else sp.N(v, 15)


def _sign(value) -> int:
    """Sign of an exact (or numeric) value; 0 within 1e-12 for numeric ones."""
    v = sp.simplify(value) if not value.is_Float else value
    if v.is_zero or (v.is_Float and abs(v) < 1e-12):
        return 0
    if v.is_positive:
        return 1
    # at a real point written with complex radicals, the value's imaginary part is a residue
    return 1 if v.is_number and sp.N(v, 30).as_real_imag()[0] > 0 else -1


def _classify_1d(expr, x, point, value, exact) -> CriticalPoint:
    second = _at(sp.diff(expr, x, 2), point, exact)
    sign = _sign(second)
    if sign:
        kind = Kind.MINIMUM if sign > 0 else Kind.MAXIMUM
        return CriticalPoint(point, value, kind, Test.SECOND_DERIVATIVE, {"f''": second}, exact)
    for k in range(3, MAX_ORDER + 1):
        dk = _at(sp.diff(expr, x, k), point, exact)
        sign = _sign(dk)
        if sign:
            kind = Kind.NO_EXTREMUM if k % 2 else Kind.MINIMUM if sign > 0 else Kind.MAXIMUM
            return CriticalPoint(point, value, kind, Test.HIGHER_ORDER,
                                 {"f''": second, "order": k, "f^(k)": dk}, exact)
    return CriticalPoint(point, value, Kind.TEST_FAILS, Test.ALL_DERIVATIVES_ZERO,
                         {"f''": second, "order": MAX_ORDER}, exact)


def _classify_2d(expr, variables, hessian, point, value, exact) -> CriticalPoint:
    r, s, t = (_at(hessian[i, j], point, exact) for i, j in ((0, 0), (0, 1), (1, 1)))
    disc = sp.simplify(r * t - s**2) if exact else r * t - s**2
    details = {"r": r, "s": s, "t": t, "rt - s^2": disc}
    d, rs = _sign(disc), _sign(r)
    if d:
        kind = Kind.SADDLE if d < 0 else Kind.MINIMUM if rs > 0 else Kind.MAXIMUM
        return CriticalPoint(point, value, kind, Test.DISCRIMINANT, details, exact)
    return CriticalPoint(point, value, Kind.TEST_FAILS, Test.DISCRIMINANT, details, exact,
                         _probe(expr, variables, point, value))


def _classify_nd(expr, variables, hessian, point, value, exact) -> CriticalPoint:
    H = hessian.xreplace(point)
    eigen = sorted((sp.N(e, 15) for e in H.evalf(30).eigenvals(multiple=True)), key=float) \
        if not exact else _eigenvalues(H)
    minors = [sp.simplify(H[:k, :k].det()) for k in range(1, H.shape[0] + 1)]
    signs = {_sign(e) for e in eigen}
    details = {"eigenvalues": eigen, "leading principal minors": minors}
    kind = Kind.MINIMUM if signs == {1} else Kind.MAXIMUM if signs == {-1} else \
        Kind.SADDLE if {1, -1} <= signs else None
    if kind is not None:
        return CriticalPoint(point, value, kind, Test.HESSIAN, details, exact)
    return CriticalPoint(point, value, Kind.TEST_FAILS, Test.HESSIAN, details, exact,
                         _probe(expr, variables, point, value))


def _eigenvalues(H):
    try:
        values = H.eigenvals(multiple=True)
        if any(v.has(sp.I) and not v.is_real for v in values):
            raise ValueError
        return sorted((sp.nsimplify(sp.simplify(v)) if v.is_number else v for v in values),
                      key=lambda v: float(sp.N(v)))
    except (ValueError, TypeError, NotImplementedError):
        return sorted((sp.re(sp.N(e, 15)) for e in H.evalf(30).eigenvals(multiple=True)), key=float)


def _probe(expr, variables, point, value) -> Kind:
    """What f looks like near the point, by evaluating it on small circles (numeric evidence)."""
    import math
    n = len(variables)
    directions = []
    for k in range(48):
        angle = 2 * math.pi * k / 48
        base = [math.cos(angle), math.sin(angle)] + [math.cos(angle * (j + 2)) for j in range(n - 2)]
        directions.append(base[:n])
    import mpmath
    # the expression was built by derive's own parser: its names are safe to hand to lambdify
    f = sp.lambdify(variables, expr, modules="mpmath")
    higher = lower = 0
    with mpmath.workdps(40):
        centre = [mpmath.mpf(sp.N(point[v], 40)) for v in variables]
        f0 = f(*centre)
        for radius in (mpmath.mpf("0.01"), mpmath.mpf("0.001")):
            for u in directions + _on_parabolas(n, radius):
                fv = f(*[c + radius * d for c, d in zip(centre, u)]) - f0
                higher += fv > 0
                lower += fv < 0
    return Kind.MINIMUM if lower == 0 else Kind.MAXIMUM if higher == 0 else Kind.SADDLE


PARABOLAS = (0.5, 1, 1.5, 2, 3, 5)   # y = c x^2 through the point, both ways and both signs


def _on_parabolas(n: int, radius) -> list:
    """Steps (over `radius`) to points on the parabolas y = c x^2 and x = c y^2 through the point,
    in the first two variables: f can be lower only between two such curves (f = (y - x^2)(y -
    2x^2) at 0, a saddle no circle of straight directions meets)."""
    if n < 2:
        return []
    steps = []
    for c in PARABOLAS:
        for sign in (1, -1):
            for side in (1, -1):
                bend = sign * c * radius   # (c x^2) / radius at x = radius
                steps += [[side, bend] + [0] * (n - 2), [bend, side] + [0] * (n - 2)]
    return steps


# -- global behaviour -------------------------------------------------------------------------------

def _local(reason: str) -> GlobalExtremum:
    return GlobalExtremum(GlobalKind.LOCAL_ONLY, reason)


def _global(expr, variables, points, hessian, notes) -> tuple[GlobalExtremum, GlobalExtremum]:
    minima = [p for p in points if p.kind is Kind.MINIMUM]
    maxima = [p for p in points if p.kind is Kind.MAXIMUM]
    if any(not p.exact for p in points):
        why = _local("critical points found numerically, maybe not all")
        return why, why
    if len(variables) == 1:
        return _global_1d(expr, variables[0], minima, maxima)
    if expr.is_polynomial(*variables) and sp.Poly(expr, *variables).total_degree() == 2:
        H = hessian  # constant for a quadratic
        signs = {_sign(e) for e in _eigenvalues(H)}
        if signs in ({1}, {-1}) and len(points) == 1:
            definite = "positive" if signs == {1} else "negative"
            best = GlobalExtremum(GlobalKind.ATTAINED, f"a quadratic with {definite} definite "
                                  "Hessian", points[0].value, points[0].point)
            other = GlobalExtremum(GlobalKind.UNBOUNDED, "f is unbounded "
                                   + ("above" if signs == {1} else "below"))
            return (best, other) if signs == {1} else (other, best)
    low = _unbounded(expr, variables, -1)
    high = _unbounded(expr, variables, +1)
    gmin = GlobalExtremum(GlobalKind.UNBOUNDED, f"f -> -oo along {low}") if low else \
        _local("not decided globally")
    gmax = GlobalExtremum(GlobalKind.UNBOUNDED, f"f -> +oo along {high}") if high else \
        _local("not decided globally")
    return gmin, gmax


def _global_1d(expr, x, minima, maxima) -> tuple[GlobalExtremum, GlobalExtremum]:
    try:
        continuous = sp.calculus.util.continuous_domain(expr, x, sp.S.Reals) == sp.S.Reals
        left, right = sp.limit(expr, x, -sp.oo), sp.limit(expr, x, sp.oo)
    except (NotImplementedError, ValueError, TypeError):
        return _local("not decided globally"), _local("not decided globally")
    if not continuous:
        return _local("f is not continuous on R"), _local("f is not continuous on R")
    if not all(limit.is_extended_real for limit in (left, right)):
        return _local("f has no limit at infinity"), _local("f has no limit at infinity")

    def decide(extremes, towards, word):
        unbounded = towards * sp.oo
        for side, limit in (("-oo", left), ("+oo", right)):
            if limit == unbounded:
                return GlobalExtremum(GlobalKind.UNBOUNDED,
                                      f"f -> {'+oo' if towards > 0 else '-oo'} as x -> {side}")
        if not extremes:
            return GlobalExtremum(GlobalKind.NOT_ATTAINED, f"no local {word}")
        best = (min if towards < 0 else max)(extremes, key=lambda p: float(sp.N(p.value)))
        for limit in (left, right):
            if limit.is_finite and (limit - best.value) * towards > 0:
                return GlobalExtremum(GlobalKind.NOT_ATTAINED, f"f tends to {limit} at infinity")
        return GlobalExtremum(GlobalKind.ATTAINED, f"limits at -oo and +oo: {left}, {right}",
                              best.value, best.point)

    return decide(minima, -1, "minimum"), decide(maxima, +1, "maximum")


def _unbounded(expr, variables, towards) -> str | None:
    """A path along which f -> towards*oo as t -> oo, proved by limit: a line t u (u of small
    integers), else a parabola through the first two variables (f = (y - x^2)(y - 2x^2) is
    bounded below on every line and -> -oo along y = 3/2 x^2)."""
    t = sp.Symbol("t", positive=True)
    for values, described in _paths(variables, t):
        try:
            lim = sp.limit(expr.xreplace(dict(zip(variables, values))), t, sp.oo)
        except (NotImplementedError, ValueError, TypeError):
            continue
        if lim == towards * sp.oo:
            return described
    return None


def _paths(variables, t):
    """(the variables' values along a path, its description): the lines, then the parabolas
    y = c x^2 and x = c y^2 in the first two variables (c of `PARABOLAS`, both signs, the other
    variables 0)."""
    n = len(variables)
    for u in itertools.product((-1, 0, 1, 2), repeat=n):
        if any(u):
            yield [c * t for c in u], "(" + ", ".join(map(str, u)) + ") t, t -> oo"
    if n < 2:
        return
    rest = [sp.Integer(0)] * (n - 2)
    x, y = variables[:2]
    others = "".join(f", {v} = 0" for v in variables[2:])
    for c in PARABOLAS:
        for bend in (sp.nsimplify(c), -sp.nsimplify(c)):
            for side in (1, -1):
                towards = "+oo" if side > 0 else "-oo"
                yield [side * t, bend * t**2] + rest, \
                    f"{y} = {bend} {x}^2{others}, {x} -> {towards}"
                yield [bend * t**2, side * t] + rest, \
                    f"{x} = {bend} {y}^2{others}, {y} -> {towards}"


def _derivations(expr, variables) -> tuple:
    """The first and second derivatives used by the tests, each step by step."""
    out = []
    for v in variables:
        out.append(differentiate(expr, v))
    for i, v in enumerate(variables):
        for w in variables[i:]:
            first = out[i].result
            d = differentiate(first, w, title=f"∂/∂{w} of {plain(first)}")
            # the chain from the original: ∂²f/∂v∂w = ∂/∂w (∂f/∂v)
            out.append(Derivation(d.title, d.steps, reference=Reference(
                d.result, sp.diff(expr, v, w), "sympy.diff")))
    return tuple(out)
