"""The equivalence engine: does `lhs = rhs` hold? A `Verdict` with its evidence.

Policy (DESIGN.md):

1. Derivatives and limits on either side are evaluated by SymPy; the claim's own right side is never
   trusted.
2. Cheap symbolic strategies first (`expand`, `cancel`); then a numeric search for a counterexample;
   then the expensive strategies (`simplify`, `rewrite(exp)`, `trigsimp`, piecewise folding) while
   time remains. A difference that simplifies to 0 is PROVED.
3. The numeric search evaluates the difference at exact rational points of the real domain (negative,
   small and large values too) with SymPy's `evalf`, which raises its working precision until the
   digits it returns are right, so `exp(pi*sqrt(163)) - 262537412640768744` (about -7.5e-13) is not
   mistaken for zero. A difference found non-zero is confirmed again at twice the precision before it
   becomes a counterexample (REFUTED). Points where a side is undefined or not real are skipped.
   No counterexample and no proof: NUMERIC.
4. Unknown functions (f, g) are kept symbolic for the proof, and replaced by several concrete
   functions for the numeric search; a counterexample names the functions it used.
5. Everything runs in a killable child (`derive.sandbox`) with a per-claim time limit; past it the
   verdict is UNDECIDED with the reason, or NUMERIC if the numeric search had already finished.
"""

from __future__ import annotations

import enum
import random
import time
from dataclasses import dataclass, field, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.parsing import Assumptions
from derive.sandbox import TaskTimeout, run_many, time_limit

DEFAULT_TIMEOUT = 5.0
PRECISION = 30          # significant digits asked of evalf at each point
CONFIRM_PRECISION = 100  # both sides of a counterexample are re-evaluated to this many digits
N_POINTS = 40
QUICK_SIMPLIFY = 0.3    # seconds for simplify before the numeric search


class Status(str, enum.Enum):
    PROVED = "PROVED"
    REFUTED = "REFUTED"
    NUMERIC = "NUMERIC"
    UNDECIDED = "UNDECIDED"

    @property
    def holds(self) -> bool:
        return self in (Status.PROVED, Status.NUMERIC)


@dataclass(frozen=True)
class Counterexample:
    """A point where the two sides differ, with both values (and any functions substituted)."""

    point: dict             # variable name -> exact value
    lhs: sp.Expr            # value of the left side there
    rhs: sp.Expr            # value of the right side there
    functions: dict = field(default_factory=dict)  # unknown function name -> concrete Lambda
    gap: sp.Expr | None = None  # lhs - rhs there, evaluated directly at high precision


@dataclass(frozen=True)
class Verdict:
    """The decision on one claim and its evidence.

    `lhs`/`rhs` are the sides as stated; `lhs_value`/`rhs_value` after evaluating derivatives and
    limits; `difference` is the simplest form found of their difference. `correct` is the value the
    stated non-derivative side should have (`correct_side` says which side that is).
    """

    status: Status
    lhs: sp.Expr
    rhs: sp.Expr
    lhs_value: sp.Expr | None = None
    rhs_value: sp.Expr | None = None
    difference: sp.Expr | None = None
    method: str = ""
    counterexample: Counterexample | None = None
    assumptions: tuple = ()
    diagnosis: str | None = None
    correct: sp.Expr | None = None
    correct_side: str | None = None
    note: str | None = None
    points: int = 0
    seconds: float = 0.0


# --------------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------------

def verify(lhs, rhs, assumptions: Assumptions | None = None,
           timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    """Decide one claim in a killable child process."""
    return next(verify_many([(lhs, rhs)], assumptions, timeout))[1]


def verify_many(claims, assumptions: Assumptions | None = None,
                timeout: float = DEFAULT_TIMEOUT, jobs: int = 1):
    """Decide each `(lhs, rhs)`; yields `(index, Verdict)` in completion order."""
    assumptions = assumptions or Assumptions()
    claims = list(claims)
    args = [(lhs, rhs, assumptions, timeout) for lhs, rhs in claims]
    for index, outcome in run_many(_task, args, timeout=timeout + 1.0, jobs=jobs):
        lhs, rhs = claims[index]
        yield index, verdict_from_outcome(outcome, lhs, rhs, assumptions, timeout)


def _task(lhs, rhs, assumptions, timeout, report):
    report(decide(lhs, rhs, assumptions, timeout, report=report))


def verdict_from_outcome(outcome, lhs, rhs, assumptions, timeout) -> Verdict:
    verdict = outcome.value if isinstance(outcome.value, Verdict) else None
    if verdict is not None and outcome.final:
        return verdict
    reason = {
        "timeout": f"time limit of {timeout:g} s reached",
        "memory": "memory limit reached",
    }.get(outcome.reason, f"the check stopped unexpectedly ({outcome.reason})")
    if verdict is not None and verdict.status is Status.NUMERIC:
        return replace(verdict, note=f"{verdict.note}; symbolic proof stopped: {reason}",
                       seconds=outcome.seconds)
    names = _names(lhs, rhs)
    return Verdict(Status.UNDECIDED, lhs, rhs, method="none", note=reason,
                   assumptions=tuple(assumptions.describe(names)), seconds=outcome.seconds)


# --------------------------------------------------------------------------------------------------
# The decision, in-process (runs inside the child)
# --------------------------------------------------------------------------------------------------

def decide(lhs, rhs, assumptions: Assumptions | None = None, timeout: float = DEFAULT_TIMEOUT,
           report=None) -> Verdict:
    """Decide `lhs = rhs` in this process. `report`, if given, receives a provisional verdict once
    the numeric search is done, so a later time-out still leaves an answer."""
    assumptions = assumptions or Assumptions()
    lhs, rhs = _rebind(lhs, assumptions), _rebind(rhs, assumptions)
    start = time.monotonic()
    deadline = start + timeout * 0.9
    base = Verdict(Status.UNDECIDED, lhs, rhs,
                   assumptions=tuple(assumptions.describe(_names(lhs, rhs))))

    def done(verdict: Verdict) -> Verdict:
        return replace(verdict, seconds=time.monotonic() - start)

    if lhs == rhs:
        return done(replace(base, status=Status.PROVED, method="identical sides",
                            difference=sp.S.Zero))
    failure = None
    try:
        with time_limit(deadline - time.monotonic()):
            L, R = evaluate(lhs), evaluate(rhs)
    except TaskTimeout:
        return done(replace(base, note="evaluating the derivatives took too long"))
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError) as err:
        # e.g. a limit of a sum with a symbolic bound: still checkable point by point, where the
        # numeric search substitutes values first and evaluates afterwards
        L, R, failure = lhs, rhs, f"SymPy could not evaluate a side symbolically: {_one_line(err)}"
    base = replace(base, lhs_value=L, rhs_value=R, note=failure)
    D = L - R
    proof_domain = _proof_substitution(D, assumptions)

    proved = _prove(D.xreplace(proof_domain), CHEAP_STRATEGIES, deadline)
    if not proved and not failure:
        # most true claims simplify in milliseconds: try briefly before the numeric search (with
        # hyperbolic functions, in terms of exp: tanh(z/2)/2 + 1/2 against 1/(1 + e^-z))
        quick = EXPENSIVE_STRATEGIES[:2] if D.has(sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch) \
            else EXPENSIVE_STRATEGIES[:1]
        for strategy in quick:
            proved = proved or _prove(D.xreplace(proof_domain), [strategy],
                                      min(deadline, time.monotonic() + QUICK_SIMPLIFY))
    if proved:
        return done(replace(base, status=Status.PROVED, method=proved, difference=sp.S.Zero))

    search = _search(L, R, assumptions, deadline)
    if search.counterexample is not None:
        verdict = replace(base, status=Status.REFUTED, method="numeric counterexample",
                          counterexample=search.counterexample, difference=D,
                          points=search.points, note=search.note)
        return done(_explain(verdict, lhs, rhs, L, R, assumptions, deadline))
    if search.points:
        notes = [n for n in (search.note, failure) if n]
        provisional = replace(base, status=Status.NUMERIC, method="numeric",
                              points=search.points, difference=D,
                              note=f"no counterexample at {search.points} points"
                              + (f" ({'; '.join(notes)})" if notes else ""))
        if report is not None:
            report(done(provisional))
    else:
        provisional = replace(base, note=search.note or failure
                              or "no point where both sides are real")

    # simplifiers cannot help with a side SymPy could not evaluate: do not spend the time
    proved = None if failure else _prove(D.xreplace(proof_domain), EXPENSIVE_STRATEGIES, deadline)
    if proved:
        return done(replace(base, status=Status.PROVED, method=proved, difference=sp.S.Zero))
    if provisional.status is Status.NUMERIC and time.monotonic() >= deadline:
        provisional = replace(provisional, note=provisional.note + "; symbolic proof timed out")
    return done(provisional)


def _rebind(expr, assumptions: Assumptions):
    """Symbols built outside the parser (e.g. by a derivation) take on the assumptions made about
    their names, so that `z >= 0` means the same to SymPy as to the numeric search."""
    if not isinstance(expr, sp.Basic):
        return expr
    mentioned = set(assumptions.lower) | set(assumptions.upper) | assumptions.integer \
        | assumptions.nonzero
    swap = {s: assumptions.symbol(s.name) for s in expr.free_symbols
            if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy) and s.name in mentioned}
    return expr.xreplace({old: new for old, new in swap.items() if old != new})


def evaluate(expr):
    """Evaluate derivatives, limits and substitutions (`doit`), leaving unknown functions alone,
    with the project's ReLU convention at 0."""
    if not isinstance(expr, sp.Basic):
        return sp.S(expr)
    return relu_convention(expr.doit(deep=True), expr)


# At a kink the derivative is taken as the slope on the left: d/dz max(0, z) at 0 is 0 (as PyTorch and
# scikit-learn compute ReLU), d/dz min(0, z) at 0 is 1 (so leaky ReLU has slope alpha at 0, as in
# PyTorch). SymPy writes both with Heaviside, worth 1/2 at 0; this one function applies the
# convention everywhere a derivative is evaluated (steps, verifier, numeric networks).
RELU_AT_ZERO = sp.S.Zero


def relu_convention(derivative, source):
    """`derivative` with the Heaviside(u) that differentiating Max/Min in `source` produced (SymPy's
    value 1/2 at 0) replaced by the left-slope value; Heavisides the source itself holds are kept."""
    if not source.has(sp.Max, sp.Min):
        return derivative
    own = source.atoms(sp.Heaviside)

    def left_slope(e):
        u = e.args[0]
        return sp.Heaviside(u, 1 - RELU_AT_ZERO if u.could_extract_minus_sign() else RELU_AT_ZERO)

    return derivative.replace(
        lambda e: isinstance(e, sp.Heaviside) and e.args[1:] in ((), (sp.S.Half,)) and e not in own,
        left_slope)


def _names(*exprs) -> list[str]:
    names = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            names |= {str(s) for s in e.free_symbols if not isinstance(s, sp.Dummy)}
    return sorted(names)


def _one_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:160]


# --------------------------------------------------------------------------------------------------
# Symbolic proof
# --------------------------------------------------------------------------------------------------

def _is_zero(e) -> bool:
    return e == 0 or e.is_zero is True


def _piecewise(e):
    return sp.simplify(sp.piecewise_fold(e.rewrite(sp.Piecewise)))


CHEAP_STRATEGIES = [
    ("identical after evaluation", lambda e: e),
    ("expand", sp.expand),
    ("cancel", lambda e: sp.cancel(sp.together(e))),
]
EXPENSIVE_STRATEGIES = [
    ("simplify", sp.simplify),
    ("rewrite(exp) + simplify", lambda e: sp.simplify(e.rewrite(sp.exp))),
    ("trigsimp", lambda e: sp.trigsimp(sp.expand_trig(e))),
    ("expand_log + simplify", lambda e: sp.simplify(sp.expand_log(e, force=False))),
    ("piecewise", _piecewise),
]


def _prove(D, strategies, deadline) -> str | None:
    """The name of the first strategy that reduces D to zero, or None."""
    for name, strategy in strategies:
        try:
            with time_limit(deadline - time.monotonic()):
                if _is_zero(strategy(D)):
                    return name
        except TaskTimeout:
            return None
        except Exception:  # a strategy that fails is simply not a proof
            continue
    return None


def _proof_substitution(D, assumptions: Assumptions) -> dict:
    """For `x > 1`-style bounds SymPy cannot express, prove over x = 1 + t with t > 0 (a proof for
    x > lo covers any narrower interval too)."""
    subs = {}
    for s in D.free_symbols:
        lo, hi = assumptions.interval(str(s))
        if lo is not None and lo.value != 0:
            t = sp.Symbol(f"{s}_", positive=True) if lo.strict else sp.Symbol(f"{s}_", nonnegative=True)
            subs[s] = lo.value + t
        elif lo is None and hi is not None and hi.value != 0:
            t = sp.Symbol(f"{s}_", positive=True) if hi.strict else sp.Symbol(f"{s}_", nonnegative=True)
            subs[s] = hi.value - t
    return subs


# --------------------------------------------------------------------------------------------------
# Numeric search
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Search:
    counterexample: Counterexample | None
    points: int
    note: str | None = None


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


def _points(symbols: list, assumptions: Assumptions, n: int, seed: int = 0) -> list[dict]:
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


UNEVALUATED = (sp.Limit, sp.Sum, sp.Derivative, sp.Subs, sp.Integral)


# evalf raises its working precision to resolve cancellation, but only up to `maxn` digits; past it
# it returns a wrong value that still claims full precision (log(1 - 1/(1 + e^-1000)) comes out as
# -332.7 by default). 2000 digits resolve cancellations down to e^-4000, far beyond the sampled
# points; a counterexample must also survive a fourfold `maxn` (see _search_points).
MAXN = 2000


def _value(expr, precision: int, maxn: int = MAXN):
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
    v = _value(D.xreplace(point), precision, maxn)
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
    lv_fine = _value(L.xreplace(point), CONFIRM_PRECISION)
    rv_fine = _value(R.xreplace(point), CONFIRM_PRECISION)
    if not (_agree(lv, lv_fine) and _agree(rv, rv_fine)):
        return None
    gap = lv_fine - rv_fine
    scale = max(abs(lv_fine), abs(rv_fine), sp.Float(10) ** -300)
    return gap if abs(gap) > sp.Float(10) ** (10 - CONFIRM_PRECISION) * scale else None


def _agree(coarse, fine) -> bool:
    if coarse is None or fine is None:
        return False
    return abs(coarse - fine) <= sp.Float(10) ** -20 * max(abs(fine), sp.Float(10) ** -300)


def _search(L, R, assumptions: Assumptions, deadline: float, n: int = N_POINTS) -> _Search:
    undefs = sorted({a.func for a in (L - R).atoms(AppliedUndef)}, key=str)
    if undefs:
        return _search_with_functions(L, R, undefs, assumptions, deadline, n)
    return _search_points(L, R, assumptions, deadline, n)


def _search_points(L, R, assumptions, deadline, n, functions=None) -> _Search:
    D = L - R
    symbols = sorted(L.free_symbols | R.free_symbols, key=str)
    points = _points(symbols, assumptions, n) if symbols else [{}]
    checked, skipped_one_side = 0, None
    try:
        with time_limit(deadline - time.monotonic()):
            for point in points:
                differs = _differs(D, point, PRECISION)
                lv, rv = _value(L.xreplace(point), PRECISION), _value(R.xreplace(point), PRECISION)
                if differs is None or lv is None or rv is None:
                    if (lv is None) != (rv is None) and skipped_one_side is None:
                        skipped_one_side = point
                    continue
                checked += 1
                gap = _confirmed_gap(L, R, point, lv, rv) if differs else None
                if gap is not None:
                    example = Counterexample({str(k): v for k, v in point.items()}, lv, rv,
                                             functions or {}, gap)
                    return _Search(example, checked)
    except TaskTimeout:
        return _Search(None, checked, f"numeric search stopped at the time limit after {checked}")
    note = None
    if skipped_one_side is not None:
        where = ", ".join(f"{k} = {v}" for k, v in skipped_one_side.items())
        note = f"the sides have different domains: at {where} only one side is real"
    return _Search(None, checked, note)


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


def _search_with_functions(L, R, undefs, assumptions, deadline, n) -> _Search:
    total, notes = 0, []
    families = {f: _concrete_functions(_arity(f, L - R)) for f in undefs}
    for k in range(len(next(iter(families.values())))):
        chosen = {f: families[f][(k + j) % len(families[f])] for j, f in enumerate(undefs)}
        try:
            with time_limit(deadline - time.monotonic()):
                Lk = L.subs(chosen).doit(deep=True)
                Rk = R.subs(chosen).doit(deep=True)
        except TaskTimeout:
            break
        search = _search_points(Lk, Rk, assumptions, deadline, max(8, n // 4),
                                functions={str(f): lam for f, lam in chosen.items()})
        total += search.points
        if search.counterexample is not None:
            return _Search(search.counterexample, total)
        if search.note:
            notes.append(search.note)
    note = f"unknown functions replaced by {len(families[undefs[0]])} sets of concrete functions"
    return _Search(None, total, "; ".join([note] + notes[:1]))


def _arity(f, expr) -> int:
    return max(len(a.args) for a in expr.atoms(AppliedUndef) if a.func == f)


# --------------------------------------------------------------------------------------------------
# Diagnosis and correction of a refuted claim
# --------------------------------------------------------------------------------------------------

def _holds(A, B, assumptions, deadline) -> bool:
    """A quick equality test for candidate explanations: cheap proof or a clean numeric search."""
    if _prove(A - B, CHEAP_STRATEGIES, deadline):
        return True
    search = _search(A, B, assumptions, deadline, n=16)
    return search.counterexample is None and search.points >= 4


def _explain(verdict: Verdict, lhs, rhs, L, R, assumptions, deadline) -> Verdict:
    """Add `diagnosis` and `correct` to a refuted verdict, where one fits.

    The side that evaluation changed (a derivative or limit worked out) holds the truth; the other
    side is the claim, and `correct` is what it should have been. For a plain identity the sides
    are only compared (sign, factor, constant)."""
    left_evaluated, right_evaluated = L != lhs, R != rhs
    correct = correct_side = None
    if left_evaluated or right_evaluated:
        true, claimed, stated = (L, R, lhs) if left_evaluated else (R, L, rhs)
        names = ("the claimed side", "the true value")
        correct_side = "rhs" if left_evaluated else "lhs"
        correct = readable(true, stated, max(0.0, min(1.0, deadline - time.monotonic())))
    else:
        true, claimed, stated = L, R, None
        names = ("the right side", "the left side")
    try:
        diagnosis = _diagnose(true, claimed, stated, names, assumptions, deadline)
    except Exception:  # TaskTimeout included: a diagnosis is a courtesy, never a failure
        diagnosis = None
    return replace(verdict, diagnosis=diagnosis, correct=correct, correct_side=correct_side)


def readable(expr, like=None, seconds: float = 1.0):
    """The shortest of a few equivalent forms that uses no function absent from `expr` and `like`,
    so a result reads like its source (`exp`, not `cosh`). Ties keep the form given."""
    allowed = {type(f) for f in expr.atoms(sp.Function)}
    if like is not None:
        allowed |= {type(f) for f in like.atoms(sp.Function)}
    forms = [expr]
    for make in (sp.simplify, sp.factor, sp.expand, lambda e: sp.factor_terms(sp.cancel(e))):
        try:
            with time_limit(seconds):
                form = make(expr)
        except Exception:  # TaskTimeout included: a form not found in time is not offered
            continue
        if {type(f) for f in form.atoms(sp.Function)} <= allowed:
            forms.append(form)
    return min(forms, key=lambda e: (sp.count_ops(e), len(str(e))))


def _diagnose(true, claimed, stated, names, assumptions, deadline) -> str | None:
    claimed_name, true_name = names
    if claimed == 0 or true == 0:
        return None
    if _holds(true, -claimed, assumptions, deadline):
        return "off by a sign"
    ratio = _constant_ratio(claimed, true, assumptions)
    if ratio is not None and ratio not in (0, 1, -1):
        if _holds(claimed, ratio * true, assumptions, deadline):
            return f"off by a constant factor: {claimed_name} is {ratio} times {true_name}"
    gap = claimed - true
    gap = gap if gap.is_Number else _constant_ratio(gap, sp.S.One, assumptions)
    if gap is not None and gap != 0 and _holds(claimed - true, gap, assumptions, deadline):
        return f"off by an additive constant: {claimed_name} is {true_name} plus {gap}"
    if stated is None:
        return None
    for inner, d_inner in _inner_derivatives(stated):
        if _holds(true, claimed * d_inner, assumptions, deadline):
            return f"missing the inner derivative: d/d{_wrt(stated)} ({inner}) = {d_inner}"
    with time_limit(min(1.0, deadline - time.monotonic())):
        factor = sp.factor(sp.cancel(true / claimed))
    if (factor.is_Mul or factor.is_Pow or factor.is_Symbol) and not factor.has(sp.Add) \
            and sp.count_ops(factor) <= 4:
        return f"missing a factor of {factor}"
    return None


def _constant_ratio(A, B, assumptions):
    """If A/B takes one value at several points, that value as a simple rational (else None)."""
    symbols = sorted((A - B).free_symbols | A.free_symbols | B.free_symbols, key=str)
    values = []
    for point in _points(symbols, assumptions, 12, seed=1) if symbols else [{}]:
        q = _value((A / B).xreplace(point), PRECISION)
        if q is not None:
            values.append(q)
        if len(values) >= 5:
            break
    if len(values) < (3 if symbols else 1) or any(abs(v - values[0]) > 1e-20 * (1 + abs(values[0])) for v in values):
        return None
    guess = sp.nsimplify(values[0], rational=True, tolerance=1e-15)
    return guess if guess.is_Rational and guess.q <= 1000 else None


def _wrt(stated) -> str:
    ds = list(stated.atoms(sp.Derivative))
    return str(ds[0].variables[0]) if ds else "x"


def _inner_derivatives(stated):
    """(u, du/dx) for each inner function u of a differentiated composition f(u(x))."""
    seen = []
    for d in stated.atoms(sp.Derivative):
        if len(d.variables) != 1:
            continue
        x = d.variables[0]
        for node in sp.preorder_traversal(d.expr):
            if isinstance(node, sp.Function) or isinstance(node, sp.Pow):
                inner = node.base if isinstance(node, sp.Pow) else (node.args[0] if node.args else None)
                if inner is None or inner == x or not inner.has(x) or inner in seen:
                    continue
                seen.append(inner)
                yield inner, sp.diff(inner, x)
