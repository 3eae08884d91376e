"""The equivalence engine: does `lhs = rhs` hold? A `Verdict` with its evidence.

Policy (DESIGN.md):

1. Derivatives and limits on either side are evaluated by SymPy; the claim's own right side is never
   trusted.
2. Cheap symbolic strategies first (`expand`, `cancel`); then a numeric search for a counterexample
   (`engine.search`); then the expensive strategies (`simplify`, `rewrite(exp)`, `trigsimp`,
   piecewise folding) while time remains. A difference that simplifies to 0 is PROVED.
3. No counterexample and no proof: NUMERIC. A refuted claim is diagnosed (`engine.diagnose`).
4. `decide` runs in the calling process; the use cases (`derive.api`) run it in a killable worker
   (`engine.isolation`) with a per-claim time limit; past it the verdict is UNDECIDED with the
   reason, or NUMERIC if the numeric search had already finished (`after_stop`).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.conventions import STEP_AT_ZERO, combined, unset_steps, with_step_at_zero
from derive.engine.diagnose import explain
from derive.engine.evaluate import UNEVALUATED, evaluate
from derive.engine.isolation import Outcome, TaskTimeout, clock, time_limit
from derive.engine.kinks import crossings
from derive.engine.missing_limits import divergent_sum, missing_derivative, missing_limit
from derive.engine.prove import CHEAP_STRATEGIES, EXPENSIVE_STRATEGIES, conditions_decided, \
    limits_opaque, on_each_side_of_zero, proof_substitution, prove, under_the_limit
from derive.engine.search import (
    PRECISION, agree, clearly_nonzero, confirmed_gap, exact_gap, find_counterexample, on_kink, real_value,
    sample_points, unknown_functions)
from derive.engine.verdict import Counterexample, Status, Verdict
from derive.text import Assumptions
from derive.text.limits import one_line

DEFAULT_TIMEOUT = 5.0
QUICK_SIMPLIFY = 0.3    # seconds for simplify before the numeric search


def after_stop(outcome: Outcome, lhs, rhs, assumptions: Assumptions, timeout: float) -> Verdict:
    """The verdict of a claim whose worker ended: its own, or its provisional one with the reason it
    stopped, or UNDECIDED."""
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


FEW_POINTS = 3   # points compared, fewer of which (a side undefined at the rest) prove nothing


def decide_written(lhs, rhs, assumptions: Assumptions | None = None,
                   timeout: float = DEFAULT_TIMEOUT, report=None, diagnose: bool = True) -> Verdict:
    """`decide` for a claim as a user wrote it: a step function without its value at 0 is read with
    each value in use (`engine.conventions`), the time shared between them. (The program's own
    formulas mean SymPy's step, and are decided as they are.)"""
    if not unset_steps(lhs, rhs):
        return decide(lhs, rhs, assumptions, timeout, report, diagnose)
    start, verdicts = clock(), []
    for n, value in enumerate(STEP_AT_ZERO):
        share = (timeout - (clock() - start)) / (len(STEP_AT_ZERO) - n)
        verdicts.append(decide(with_step_at_zero(lhs, value), with_step_at_zero(rhs, value),
                               assumptions, max(share, 0.05), None, diagnose))
    return replace(combined(lhs, rhs, verdicts), seconds=clock() - start)


INFINITIES = (sp.oo, -sp.oo)   # what a limit that diverges to one side is, exactly


DECIDED_KEPT = 512
_DECIDED: dict = {}   # (lhs, rhs, domain, timeout, diagnose) -> the verdict, in this process


def decide(lhs, rhs, assumptions: Assumptions | None = None, timeout: float = DEFAULT_TIMEOUT,
           report=None, diagnose: bool = True) -> Verdict:
    """Decide `lhs = rhs` in this process. `report`, if given, receives a provisional verdict once
    the numeric search is done, so a later time-out still leaves an answer. `diagnose`: say what
    kind of mistake a refuted claim is, and the correct side (for the user; internal checks that
    only need the status skip it). A claim proved or refuted before in this process under the
    same assumptions and budget gets that verdict again (a derivation repeats its steps: the
    slope of ReLU at every layer); one left NUMERIC or UNDECIDED, where its time may have run
    out, is decided again."""
    assumptions = assumptions or Assumptions()
    key = (lhs, rhs, assumptions.key, timeout, diagnose)
    try:
        known = _DECIDED.get(key)
    except TypeError:   # unhashable (a mutable matrix)
        return _decide(lhs, rhs, assumptions, timeout, report, diagnose)
    if known is None:
        known = _decide(lhs, rhs, assumptions, timeout, report, diagnose)
        if known.status in (Status.PROVED, Status.REFUTED):   # (what more time would not change)
            _DECIDED[key] = known
        if len(_DECIDED) > DECIDED_KEPT:
            _DECIDED.pop(next(iter(_DECIDED)))
    return known


def _decide(lhs, rhs, assumptions: Assumptions, timeout: float, report, diagnose: bool) -> Verdict:
    lhs, rhs = _rebind(lhs, assumptions), _rebind(rhs, assumptions)
    start = clock()
    deadline = start + timeout * 0.9
    base = Verdict(Status.UNDECIDED, lhs, rhs,
                   assumptions=tuple(assumptions.describe(_names(lhs, rhs))))

    def done(verdict: Verdict) -> Verdict:
        return replace(verdict, seconds=clock() - start)

    if lhs == rhs:
        return done(replace(base, status=Status.PROVED, method="identical sides",
                            difference=sp.S.Zero))
    if _cases_at_points_differentiated(lhs, rhs):
        return done(replace(base, note="the derivative of a function given by a case at a single "
                                       "point (x = 0) is not decided: SymPy takes the case's "
                                       "value there as a constant"))
    found = _without_value(lhs, rhs, deadline)
    if found is not None:
        return done(replace(base, **found))
    failure = None
    try:
        with time_limit(deadline - clock()):
            L, R = evaluate(lhs), evaluate(rhs)
    except TaskTimeout:
        return done(replace(base, note="evaluating the derivatives took too long"))
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError) as err:
        # e.g. a limit of a sum with a symbolic bound: still checkable point by point, where the
        # numeric search substitutes values first and evaluates afterwards
        L, R, failure = lhs, rhs, f"SymPy could not evaluate a side symbolically: {one_line(err)}"
    base = replace(base, lhs_value=L, rhs_value=R, note=failure)
    if not failure and (L in INFINITIES or R in INFINITIES):   # lim 1/x = oo: it diverges so
        if L == R:
            return done(replace(base, status=Status.PROVED, method="identical after evaluation"))
        if L.is_number and R.is_number and L.is_extended_real and R.is_extended_real:
            return done(replace(base, status=Status.REFUTED, method="evaluated",
                                counterexample=Counterexample({}, L, R)))
    D = L - R
    cases = conditions_decided(D, assumptions)   # Eq(alpha, 1) is false for 0 < alpha < 1
    substitution = proof_substitution(cases, assumptions)
    to_prove = cases.xreplace(substitution)
    kinks = kinks_of(lhs, rhs, L, R)
    # the numbers are taken from the sides as stated when evaluating them changes nothing but
    # SymPy's automatic simplification (which trusts is_zero; see text.builder): only derivatives,
    # limits, sums and integrals need evaluating first
    numeric = (L, R) if failure is None and any(isinstance(side, sp.Basic) and side.has(*UNEVALUATED)
                                                for side in (lhs, rhs)) else (lhs, rhs)

    def confirm() -> bool:
        return constants_agree(lhs, rhs) and confirmed_zero(*numeric, assumptions, kinks)

    # far from zero at a probe point: most likely false, so the counterexample is looked for
    # before any proof (the proofs still follow when none is found)
    likely_false = not failure and clearly_nonzero(D, deadline)
    proved = None if likely_false else prove(to_prove, CHEAP_STRATEGIES, deadline, confirm)
    if not proved and cases is D and D.has(*NON_SMOOTH):
        proved = on_each_side_of_zero(D, assumptions, deadline, confirm)
    cheap_tried = not likely_false
    # what the simplifiers get (none when a cheap strategy proved it, or the sides could not be
    # evaluated): limits SymPy could not take as opaque values, or, for two limits of the same
    # kind, the expressions under them
    inside = under_the_limit(L, R)
    opaque = None if proved or failure else limits_opaque(
        to_prove if inside is None else inside.xreplace(substitution))
    if not proved and not failure and not likely_false and D.has(AppliedUndef):
        # about unknown functions, and the cheap proofs failed: probed with the stand-ins before
        # any simplifier (a wrong chain rule is searched for its counterexample first)
        likely_false = clearly_nonzero(D, deadline, stand_ins=True)
    if not proved and not failure and not likely_false:
        # most true claims simplify in milliseconds: try briefly before the numeric search (with
        # hyperbolic functions, in terms of exp: tanh(z/2)/2 + 1/2 against 1/(1 + e^-z))
        quick = EXPENSIVE_STRATEGIES[:2] if D.has(sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch) \
            else EXPENSIVE_STRATEGIES[:1]
        for strategy in quick:
            proved = proved or prove(opaque, [strategy],
                                     min(deadline, clock() + QUICK_SIMPLIFY), confirm)
    if proved:
        method = proved + (", with the cases the assumptions decide" if cases is not D else "")
        return done(replace(base, status=Status.PROVED, method=method, difference=sp.S.Zero))

    unknown = unknown_functions(L, R)
    if unknown and not (L.free_symbols | R.free_symbols):
        # f'(1) = 2 says something about one function at one point: true for some f, false for
        # others. Only an identity for every f (f(x) = f(x)) can be decided here.
        names = ", ".join(sorted(str(f) for f in unknown))
        return done(replace(base, note=f"{names}: an unknown function at a given point; what it "
                            "is there is not stated (define it, e.g. in the document)"))
    search = find_counterexample(*numeric, assumptions, deadline, kinks=kinks,
                                 domain=real_domain_of(lhs, rhs))
    if search.counterexample is None and search.one_side_real is not None:
        search = replace(search, counterexample=limit_at_points(
            lhs, rhs, L, R, assumptions, search.one_side_real, deadline))
    if search.counterexample is not None:
        verdict = replace(base, status=Status.REFUTED, method="numeric counterexample",
                          counterexample=search.counterexample, difference=D,
                          points=search.points, note=search.note)
        return done(explain(verdict, lhs, rhs, L, R, assumptions, deadline) if diagnose
                    else verdict)
    if search.points and search.points < FEW_POINTS and search.one_side_real is not None:
        # d/dx floor(x^2) = 2x: SymPy leaves floor's derivative unevaluated, and the one point
        # where a side had a value (a factor 0 there) is no evidence for the claim
        provisional = replace(base, points=search.points, one_side_real=search.one_side_real,
                              note=f"both sides have a value at only {search.points} of the "
                                   "points tried")
    elif search.points:
        notes = [n for n in (search.note, failure) if n]
        provisional = replace(base, status=Status.NUMERIC, method="numeric",
                              points=search.points, difference=D,
                              search_complete=search.complete, one_side_real=search.one_side_real,
                              kink=search.kink,
                              note=f"no counterexample at {search.points} points"
                              + (f" ({'; '.join(notes)})" if notes else ""))
        if report is not None:
            report(done(provisional))
    else:
        undefined = (f"the {search.undefined} could not be evaluated at any sampled point"
                     if search.undefined != "both sides" else
                     "neither side could be evaluated at any sampled point") \
            if search.undefined else None
        provisional = replace(base, note=search.note or undefined or failure
                              or "no point where both sides are real")

    proved = None
    if not failure:   # simplifiers cannot help with a side SymPy could not evaluate
        if likely_false and not cheap_tried:
            proved = prove(to_prove, CHEAP_STRATEGIES, deadline, confirm)
        proved = proved or prove(opaque, EXPENSIVE_STRATEGIES, deadline, confirm)
    if proved:
        method = proved + (", with the cases the assumptions decide" if cases is not D else "")
        return done(replace(base, status=Status.PROVED, method=method, difference=sp.S.Zero))
    if provisional.status is Status.NUMERIC and clock() >= deadline:
        provisional = replace(provisional, note=provisional.note + "; symbolic proof timed out")
    return done(provisional)


LIMIT_POINTS = 8          # points where a limit with a parameter is taken again, its value put in
LIMIT_SECONDS = 0.5       # for each of them


def limit_at_points(lhs, rhs, L, R, assumptions, skipped: dict, deadline: float):
    """A limit with a parameter that SymPy gives in a form with no value at some points
    (lim a^n = exp(oo sign(log a)): infinite or undefined for a >= 1), where the search skipped
    them as outside the real domain: taken again with the parameter's value put in first, it
    has a value there (oo at a = 2, 1 at a = 1). The first point where the sides then differ,
    one of them infinite or both finite, as a counterexample; else None."""
    if not any(isinstance(side, sp.Basic) and side.has(sp.Limit) for side in (lhs, rhs)):
        return None
    symbols = sorted(L.free_symbols | R.free_symbols, key=str)
    by_name = {str(s): s for s in symbols}
    first = {by_name[k]: v for k, v in skipped.items() if k in by_name}
    for point in [first] + sample_points(symbols, assumptions, LIMIT_POINTS, expr=L - R):
        if clock() > deadline or set(point) != set(symbols):
            continue
        try:
            with time_limit(min(LIMIT_SECONDS, deadline - clock())):
                at = [evaluate(side.xreplace(point)) for side in (lhs, rhs)]
        except (TaskTimeout, NotImplementedError, ValueError, TypeError, ArithmeticError,
                RecursionError):
            continue
        if not all(v.is_number and (v in INFINITIES or v.is_real) for v in at):
            continue   # no value there either (an oscillation, nan, a complex value)
        infinite = [v in INFINITIES for v in at]
        if any(infinite):
            gap = None if at[0] == at[1] else sp.oo
        else:
            values = [real_value(v, PRECISION) for v in at]
            gap = None if None in values else confirmed_gap(*at, {}, *values)
        if gap is not None and gap != 0:
            return Counterexample({str(k): v for k, v in point.items()}, at[0], at[1], {}, gap)
    return None


def decide_rounded(lhs, rhs, places: int, decimal: str = "rhs",
                   rounding: str = "either") -> Verdict:
    """`value = 1.406`: the `decimal` side ("lhs" or "rhs", the one written with `places`
    places) is the other side rounded, or cut off (as worked examples often do), to those
    places; only rounded with `rounding` "round", only cut off with "cut" (where a text says
    which it does). Two exact numbers that are equal are PROVED."""
    literal, other = (rhs, lhs) if decimal == "rhs" else (lhs, rhs)
    base = Verdict(Status.UNDECIDED, lhs, rhs, method=f"rounded to {places} decimal places")
    found = _without_value(lhs, rhs, clock() + 2.0, (NO_VALUE[1],))
    if found is not None:
        return replace(base, **found)
    if other.is_Rational and other == literal:
        return replace(base, status=Status.PROVED, method="equal numbers")
    digits = max(PRECISION, places + 20)   # past the places written
    value = other if other.is_Rational else real_value(other, digits)
    if value is None:
        return replace(base, note="the value could not be computed")
    unit = sp.Rational(1, 10) ** places
    # the value's own error, far below any boundary a written number can come near: 0.2499...9
    # (17 nines) does not round to 0.3, and 4 cut off is 4.0, never 3.9
    slack = 0 if other.is_Rational else sp.Rational(1, 10) ** (digits - 5)
    gap = (value - literal) * sp.sign(literal or value)   # away from zero is positive
    # significant digits that show the places written (4.54e-5 has 3, 22026 five), and more
    magnitude = int(sp.floor(sp.log(abs(literal or value), 10))) + 1 if literal or value else 1
    shown = sp.Float(value, max(2, magnitude + places + 3))
    written = sp.Float(literal, max(1, magnitude + places))
    if rounding != "cut" and abs(gap) <= unit / 2 + slack:
        return replace(base, status=Status.NUMERIC, points=1, note=f"{shown} rounds to {written}")
    if rounding != "round" and 0 <= gap < unit - slack:
        return replace(base, status=Status.NUMERIC, points=1,
                       note=f"{shown} cut off at {places} places is {written}")
    return replace(base, status=Status.REFUTED, points=1,
                   counterexample=Counterexample({}, *(
                       sp.Float(value if side is other else literal,
                                max(15, magnitude + places + 3))
                       for side in (lhs, rhs))),
                   note={"either": f"the value is {shown}, which neither rounds nor cuts off "
                                   f"to {written}",
                         "round": f"the value is {shown}, which does not round to {written} "
                                  "(the text says its values are rounded)",
                         "cut": f"the value is {shown}, which cut off is not {written} (the "
                                "text says its values are cut off)"}[rounding])


def decide_within(lhs, rhs, interval: tuple, computed: str = "rhs") -> Verdict:
    """`sigma(1.8)(1 - sigma(1.8)) = 0.8581 x 0.1419`: the `computed` side is arithmetic on
    rounded numbers, and stands for `interval` (exact rationals); the other side, a number,
    holds when it lies inside. Otherwise UNDECIDED here (the claim is then decided as
    written)."""
    other, written = (lhs, rhs) if computed == "rhs" else (rhs, lhs)
    base = Verdict(Status.UNDECIDED, lhs, rhs, method="within the rounding of its numbers")
    if other.is_Rational and other == written:
        return replace(base, status=Status.PROVED, method="equal numbers")
    value = other if other.is_Rational else real_value(other, PRECISION)
    low, high = interval
    if value is None or not low <= value <= high:
        return base
    return replace(base, status=Status.NUMERIC, points=1,
                   note=f"{sp.Float(value, 6)} lies within [{sp.Float(low, 6)}, "
                        f"{sp.Float(high, 6)}], what the {computed} stands for: it is computed "
                        "from numbers rounded to the places written")


# what a side can be that has no value: (the SymPy object it holds, the test, the method named,
# whether a number on the other side is refuted by it)
NO_VALUE = ((sp.Limit, missing_limit, "one-sided limits", True),          # lim |h|/h
            (sp.Sum, divergent_sum, "convergence test", True),            # sum (-1)^k
            (sp.Subs, missing_derivative, "one-sided limits", False))     # d|x|/dx at 0


def _without_value(lhs, rhs, deadline: float, checks=NO_VALUE) -> dict | None:
    """The verdict's fields when a side has no value (`NO_VALUE`): REFUTED against a side that
    has one, UNDECIDED when neither has; a derivative at a kink, where a value is a convention,
    UNDECIDED. Else None."""
    for kind, missing, method, refutes in checks:
        if not (lhs.has(kind) or rhs.has(kind)):
            continue
        try:
            with time_limit(max(0.05, deadline - clock())):
                found = [missing(side) for side in (lhs, rhs)]
        except TaskTimeout:
            continue
        if any(found):
            status = Status.REFUTED if refutes and not all(found) else Status.UNDECIDED
            return dict(status=status, method=method, note=next(f for f in found if f).note)
    return None


def decide_chain(verdicts: list) -> Verdict:
    """The verdict on a chain A = B = C from those on its equalities: the first that fails, said
    to be that link; else the weakest, covering the chain from its first side to its last."""
    total = len(verdicts)
    for k, verdict in enumerate(verdicts, 1):
        if verdict.status is Status.REFUTED:
            return replace(verdict, note=_joined(f"equality {k} of the chain of {total} fails",
                                                 verdict.note))
    weakest = min(verdicts, key=lambda v: (Status.UNDECIDED, Status.NUMERIC,
                                           Status.PROVED).index(v.status))
    k = verdicts.index(weakest) + 1
    note = f"every equality of the chain of {total} holds" if weakest.status.holds else \
        f"equality {k} of the chain of {total} is undecided"
    return replace(weakest, lhs=verdicts[0].lhs, rhs=verdicts[-1].rhs,
                   note=_joined(note, weakest.note), seconds=sum(v.seconds for v in verdicts),
                   counterexample=None, lhs_value=None, rhs_value=None, difference=None)


def _joined(first: str, second: str | None) -> str:
    return f"{first}; {second}" if second else first


ENTRY_POINTS = 6         # sample points per entry of an instantiated claim
SMALL_ENOUGH = 300      # operations in a difference worth a symbolic try before the numbers


def decide_entry(lhs, rhs, assumptions: Assumptions | None = None,
                 timeout: float = DEFAULT_TIMEOUT, differentiated: bool = False) -> Verdict:
    """One entry of a claim instantiated at concrete sizes (`engine.instances`): such entries are
    large trees of unknown functions, so the numbers come first (a few points, each unknown
    function replaced by concrete ones), and a symbolic proof is tried only on small differences.
    A difference found is confirmed at high precision, as in `decide`. `differentiated`: the
    claim differentiates (its definitions written in, the derivative may be taken already), so
    a difference where a non-smooth function switches is a kink's convention, no counterexample."""
    assumptions = assumptions or Assumptions()
    start = clock()
    deadline = start + timeout * 0.9
    base = Verdict(Status.UNDECIDED, lhs, rhs)

    def done(verdict: Verdict) -> Verdict:
        return replace(verdict, seconds=clock() - start)

    if lhs == rhs:
        return done(replace(base, status=Status.PROVED, method="identical sides"))
    try:
        with time_limit(deadline - clock()):
            L, R = evaluate(lhs), evaluate(rhs)
    except TaskTimeout:
        return done(replace(base, note="evaluating the derivatives took too long"))
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError) as err:
        # a limit SymPy finds different from the two sides of a stand-in that has one: no evidence
        return done(replace(base, note=f"SymPy could not evaluate a side: {one_line(err)}"))
    D = L - R
    if D == 0:
        return done(replace(base, status=Status.PROVED, method="identical after evaluation"))

    def proof():
        if sp.count_ops(D) <= SMALL_ENOUGH:
            return prove(D, CHEAP_STRATEGIES, min(deadline, clock() + 0.5),
                         lambda: constants_agree(L, R) and confirmed_zero(L, R, assumptions))
        return None

    # far from zero at a probe point: the counterexample is looked for first (as in `decide`)
    likely_false = clearly_nonzero(D, deadline)
    proved = None if likely_false else proof()
    if proved:
        return done(replace(base, status=Status.PROVED, method=proved))
    kinks = tuple(dict.fromkeys(k for e in (L, R) for k in crossings(e))) if differentiated \
        else kinks_of(lhs, rhs, L, R)
    search = find_counterexample(L, R, assumptions, deadline, n=ENTRY_POINTS, kinks=kinks)
    if search.counterexample is not None:
        return done(replace(base, status=Status.REFUTED, method="numeric counterexample",
                            counterexample=search.counterexample, lhs_value=L, rhs_value=R,
                            points=search.points, note=search.note))
    proved = proof() if likely_false else None
    if proved:
        return done(replace(base, status=Status.PROVED, method=proved))
    if search.points:
        return done(replace(base, status=Status.NUMERIC, method="numeric", points=search.points,
                            search_complete=search.complete))
    return done(replace(base, note=search.note or "no point where both sides are real"))


NON_SMOOTH = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign, sp.Piecewise, sp.floor, sp.ceiling)


def kinks_of(lhs, rhs, L, R) -> tuple:
    """Where a claimed derivative may not exist: the expressions whose zeros are the kinks of the
    non-smooth functions the claim differentiates (max(0, x) at x = 0). Empty when the claim
    differentiates nothing non-smooth."""
    differentiated = [d.expr for side in (lhs, rhs) if isinstance(side, sp.Basic)
                      for d in side.atoms(sp.Derivative)]
    if not any(e.has(*NON_SMOOTH) for e in differentiated):
        return ()
    return tuple(dict.fromkeys(k for e in differentiated + [L, R] for k in crossings(e)))


# functions that leave the reals on part of the real line (and powers with exponents not whole)
LEAVING_THE_REALS = (sp.log, sp.asin, sp.acos, sp.asec, sp.acsc, sp.acosh, sp.atanh, sp.acoth,
                     sp.asech, sp.LambertW)


def real_domain_of(lhs, rhs) -> tuple:
    """What a claimed derivative differentiates, and its parts that leave the reals on part of the
    line (roots, logarithms, inverse functions): where one of them is not real, the function has
    no derivative to claim. d/dx acosh(x) = 1/sqrt(x^2 - 1) says nothing at x = -2, where the
    right side is real all the same, and neither does d/dx (sqrt(x - 1) sqrt(x + 1)), whose
    factors are not real there although their product is."""
    found = []
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for derivative in side.atoms(sp.Derivative):
            e = derivative.expr
            if e.has(AppliedUndef, sp.Derivative, sp.Subs, sp.Limit):
                continue
            found += [e] + [t for t in sp.preorder_traversal(e)
                            if isinstance(t, LEAVING_THE_REALS)
                            or (isinstance(t, sp.Pow) and t.exp.is_integer is not True)]
    return tuple(dict.fromkeys(t for t in found if t.free_symbols))


def confirmed_zero(L, R, assumptions: Assumptions, kinks=(), n: int = 3) -> bool:
    """The numbers agree with a symbolic zero: at up to `n` points (away from kinks) where both
    sides can be evaluated, none differs, and at least one point could be evaluated. With unknown
    functions (which no point can evaluate) the constants the proof may have trusted are checked
    instead: none that SymPy calls zero is a non-zero number."""
    if unknown_functions(L, R):
        return constants_agree(L, R)
    symbols = sorted(L.free_symbols | R.free_symbols, key=str)
    points = sample_points(symbols, assumptions, n, seed=2) if symbols else [{}]
    evaluated = 0
    for point in points:
        exact = exact_gap(L, R, point)
        if exact is not None:
            if exact != 0 and not on_kink(kinks, point):
                return False
            evaluated += 1
            continue
        lv, rv = real_value(L, PRECISION, point=point), real_value(R, PRECISION, point=point)
        if lv is None or rv is None:
            continue
        evaluated += 1
        # a wrong zero is wrong by a lot: sides that agree to 20 digits corroborate the proof
        if not agree(lv, rv) and not on_kink(kinks, point) \
                and confirmed_gap(L, R, point, lv, rv) is not None:
            return False
    return evaluated > 0


def constants_agree(*exprs) -> bool:
    """No constant sub-expression that SymPy's `is_zero` calls zero evaluates to a non-zero number."""
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Expr) and not node.is_Number and not node.free_symbols \
                    and not node.has(AppliedUndef) and node.is_zero:
                value = real_value(node, PRECISION)
                if value is not None and value != 0:
                    return False
    return True


def _cases_at_points_differentiated(*sides) -> bool:
    """Whether a derivative in `sides` is of a piecewise formula with a case at a single point
    (0 at x = 0, x^2 + x elsewhere): SymPy differentiates that case as a constant, so the slope
    there comes out 0 whether the function is x^2 + x throughout or jumps."""
    return any(isinstance(c, sp.Eq) for side in sides if isinstance(side, sp.Basic)
               for d in side.atoms(sp.Derivative) for p in d.expr.atoms(sp.Piecewise)
               for _, c in p.args)


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


def defining(lhs, rhs, assumptions: Assumptions | None = None) -> Verdict | None:
    """UNDECIDED when the claim defines a function: one side is an unknown function, once, that
    the other side does not use, and the claim can be solved for it (`_defined_function`:
    f(x) = x^2, 2 f(x) = x^2, x^2 = -f(1 - x) + 1). It holds for that function and fails for every
    other, so it is no identity to prove or refute. Else None."""
    for side, other in ((lhs, rhs), (rhs, lhs)):
        function = _defined_function(side, other)
        if function is not None:
            described = (assumptions or Assumptions()).describe(_names(lhs, rhs))
            return Verdict(Status.UNDECIDED, lhs, rhs, method="definition",
                           assumptions=tuple(described),
                           note=f"this defines {function}: true for that function and false "
                                "for others, it is a definition, not an identity")
    return None


def _defined_function(side, other):
    """The unknown function `side` defines: applied once in it, nowhere in `other`, not under a
    derivative, as c f(u) + r with c a non-zero number and r free of f, and read at arguments
    that can be solved for (each a variable, or a non-constant linear form of one, the variables
    distinct). Else None."""
    if not isinstance(side, sp.Expr):
        return None
    applications = side.atoms(AppliedUndef)
    for f in applications:
        if not f.args or sum(g.func == f.func for g in applications) != 1 \
                or f.func in {g.func for g in other.atoms(AppliedUndef)} \
                or any(d.has(f.func) for d in side.atoms(sp.Derivative, sp.Subs, sp.Integral)):
            continue
        stand_in = sp.Dummy()
        linear = side.xreplace({f: stand_in})
        if not linear.is_polynomial(stand_in) or sp.Poly(linear, stand_in).degree() != 1:
            continue
        factor = linear.diff(stand_in)
        variables = [_variable_of(a) for a in f.args]
        if factor.is_Number and factor != 0 and None not in variables \
                and len(set(variables)) == len(variables):
            return f.func
    return None


def _variable_of(argument):
    """The one variable of a function's argument that is that variable or a non-constant linear
    form of it (1 - z, 2x + 3), so the argument can be solved for it; else None."""
    symbols = argument.free_symbols
    if len(symbols) != 1:
        return None
    (x,) = symbols
    if not argument.is_polynomial(x):
        return None
    poly = sp.Poly(argument, x)
    return x if poly.degree() == 1 and poly.LC().is_Number else None


def _names(*exprs) -> list[str]:
    names = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            names |= {str(s) for s in e.free_symbols if not isinstance(s, sp.Dummy)}
    return sorted(names)


