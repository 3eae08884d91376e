"""Symbolic proof: strategies that reduce the difference of the sides to zero, cheap ones first.

A zero is a proof only when the numbers agree: SymPy's `is_zero` is wrong for some constants
(acos(7823207/7823209) is "zero" in some processes, depending on the hash seed: SymPy issue #23086),
so `prove` asks `confirm` (the numeric check of the caller) before it names a strategy.
"""

from __future__ import annotations


import sympy as sp

from derive.engine.isolation import TaskTimeout, clock, time_limit
from derive.text import Assumptions


FINE = 1000  # a denominator beyond which a rational power is a generator of huge degree


def _is_zero(e) -> bool:
    """Zero as written, or a constant SymPy's `is_zero` calls 0. An expression of variables that a
    strategy left unreduced is not asked: `is_zero` searches the assumptions of every term, and
    over the document corpus, the tutorial and the test suite it was the proof once in 1,088
    questions (of a Piecewise that is 0 in every case, which a later strategy proves too), at
    1.3 s of the corpus's 22 s of deciding."""
    return e == 0 or (not e.free_symbols and e.is_zero is True)


def _piecewise(e):
    return sp.simplify(sp.piecewise_fold(e.rewrite(sp.Piecewise)))


def _fine(power) -> bool:
    exponent = power.exp
    return any(isinstance(c, sp.Rational) and c.q > FINE
               for c in (t.as_coeff_Mul()[0] for t in sp.Add.make_args(exponent)))


def cancelled(e):
    """cancel(together(e)), with each power whose exponent has a fine rational in it (exp(1.1059)
    from a document's values is exp(1/10^9) to the power 1105905967 for the polynomial code, which
    then takes seconds) as a symbol of its own: a zero with them independent is a zero."""
    fine = {p: sp.Dummy() for p in e.atoms(sp.exp, sp.Pow) if _fine(p)}
    return sp.cancel(sp.together(e.xreplace(fine) if fine else e))


def limits_opaque(D):
    """D with each limit left in it (one SymPy could not take) as a symbol of its own: a zero with
    them independent is a zero, and the simplifiers do not spend seconds inside a limit of unknown
    functions, which they cannot take either."""
    limits = {limit: sp.Dummy() for limit in D.atoms(sp.Limit)}
    return D.xreplace(limits) if limits else D


def under_the_limit(L, R):
    """A - B when L and R are the limits of A and B as the same variable tends to the same point
    from the same side (A = B near the point makes them one limit), else None."""
    if isinstance(L, sp.Limit) and isinstance(R, sp.Limit) and L.args[1:] == R.args[1:]:
        return L.args[0] - R.args[0]
    return None


def logs_expanded(e):
    """e in exponentials, each logarithm's argument over one denominator, the logs of its factors
    split where SymPy's assumptions allow it (a positive factor: never `force`), then cancelled:
    log(1 - 1/(1 + e^-z)) = -z - log(1 + e^-z) for real z, without `simplify`. The log of a number
    stays whole, as a symbol of its own: splitting it factors the number (half a second for a
    worked example's 75-digit fraction)."""
    if not e.has(sp.log):
        return e
    numbers = {log: sp.Dummy() for log in e.atoms(sp.log) if log.args[0].is_number}
    e = e.xreplace(numbers).rewrite(sp.exp).replace(lambda x: isinstance(x, sp.log),
                                                   lambda x: sp.log(sp.together(x.args[0])))
    result = cancelled(sp.expand_log(e, force=False))
    return result.xreplace({dummy: log for log, dummy in numbers.items()})


CHEAP_STRATEGIES = [
    ("identical after evaluation", lambda e: e),
    ("expand", sp.expand),
    ("cancel", cancelled),
    # hyperbolic and exponential forms in one: tanh(z) = 2 sigmoid(2z) - 1 in about a millisecond
    ("rewrite(exp) + cancel", lambda e: cancelled(e.rewrite(sp.exp))),
    # the cross-entropy of a sigmoid, in the forms a stable network computes it
    ("logs expanded", logs_expanded),
]
EXPENSIVE_STRATEGIES = [
    ("simplify", sp.simplify),
    ("rewrite(exp) + simplify", lambda e: sp.simplify(e.rewrite(sp.exp))),
    ("trigsimp", lambda e: sp.trigsimp(sp.expand_trig(e))),
    ("expand_log + simplify", lambda e: sp.simplify(sp.expand_log(e, force=False))),
    ("piecewise", _piecewise),
]


def prove(D, strategies, deadline, confirm=None) -> str | None:
    """The name of the first strategy that reduces D to zero (and `confirm()` agrees), or None."""
    for name, strategy in strategies:
        try:
            with time_limit(deadline - clock()):
                if _is_zero(strategy(D)) and (confirm is None or confirm()):
                    return name
        except TaskTimeout:
            return None
        except Exception:  # a strategy that fails is simply not a proof
            continue
    return None


def conditions_decided(D, assumptions: Assumptions):
    """D with each condition of a Piecewise that the assumed interval of its one variable decides
    replaced by its truth value: a geometric sum's `Eq(alpha, 1)` is false for 0 < alpha < 1."""
    decided = {}
    for piecewise in D.atoms(sp.Piecewise):
        for _, condition in piecewise.args:
            if not isinstance(condition, sp.core.relational.Relational) \
                    or len(condition.free_symbols) != 1:
                continue
            domain = _domain(next(iter(condition.free_symbols)), assumptions)
            try:
                truth = _holds_on(condition).intersect(domain) if domain is not None else None
            except Exception:   # a condition SymPy cannot solve stays as it is
                continue
            if truth is sp.S.EmptySet:
                decided[condition] = sp.false
            elif truth is not None and truth == domain:
                decided[condition] = sp.true
    return D.xreplace(decided) if decided else D


def _holds_on(condition):
    """The real values of the condition's one variable where it holds: made directly when it
    compares the variable with a number (SymPy's `as_set` looks for a period first, through
    `simplify`, which loads SymPy's units package: a tenth of a second in a fresh process)."""
    if condition.rhs.is_Symbol and condition.lhs.is_number:
        condition = condition.reversed
    s, c = condition.lhs, condition.rhs
    if not (s.is_Symbol and s.is_real and c.is_number and c.is_real):
        return condition.as_set()
    return {sp.Eq: lambda: sp.FiniteSet(c),
            sp.Ne: lambda: sp.Union(sp.Interval.open(-sp.oo, c), sp.Interval.open(c, sp.oo)),
            sp.Gt: lambda: sp.Interval.open(c, sp.oo), sp.Ge: lambda: sp.Interval(c, sp.oo),
            sp.Lt: lambda: sp.Interval.open(-sp.oo, c), sp.Le: lambda: sp.Interval(-sp.oo, c),
            }.get(type(condition), condition.as_set)()


def _domain(s, assumptions: Assumptions):
    """The interval `s` is assumed to lie in, or None when nothing narrows the real line."""
    lo, hi = assumptions.interval(str(s))
    if lo is None and hi is None:
        if s.is_positive:
            return sp.Interval.open(0, sp.oo)
        return sp.Interval(0, sp.oo) if s.is_nonnegative else None
    return sp.Interval(lo.value if lo else -sp.oo, hi.value if hi else sp.oo,
                       left_open=lo.strict if lo else True, right_open=hi.strict if hi else True)


def on_each_side_of_zero(D, assumptions: Assumptions, deadline: float, confirm) -> str | None:
    """A proof for z != 0 of a claim with a kink at 0 (d/dz max(0, z) against the cases 0 for
    z < 0, 1 otherwise): D is 0 for every z > 0 and for every z < 0, each side proved by the
    cheap strategies with z written as t or -t, t > 0, where the kink's functions take their
    value on that side. None when no one variable of D is assumed nonzero, or a side is not
    proved."""
    variables = [s for s in D.free_symbols if str(s) in assumptions.nonzero]
    if len(variables) != 1 or assumptions.interval(str(variables[0])) != (None, None):
        return None
    t = sp.Dummy("t", positive=True)
    for side in (t, -t):
        if not prove(D.xreplace({variables[0]: side}), CHEAP_STRATEGIES, deadline, confirm):
            return None
    return f"on each side of {variables[0]} = 0"


def proof_substitution(D, assumptions: Assumptions) -> dict:
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


