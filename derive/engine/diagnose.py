"""Diagnosis and correction of a refuted claim: what kind of mistake, and what would be right."""

from __future__ import annotations

import functools
import itertools
from dataclasses import replace

import sympy as sp

from derive.engine.isolation import clock, time_limit
from derive.engine.prove import CHEAP_STRATEGIES, prove
from derive.engine.search import (
    PRECISION, clearly_nonzero, find_counterexample, real_value, sample_points, unknown_everywhere)
from derive.engine.verdict import Diagnosis, Mistake, Verdict


def _holds(A, B, assumptions, deadline) -> bool:
    """A quick equality test for candidate explanations: cheap proof or a clean numeric search.
    Most candidates do not fit, and two points of the domain say so before any proof is tried."""
    symbols = sorted((A - B).free_symbols, key=str)
    if clearly_nonzero(A - B, deadline, sample_points(symbols, assumptions, 2, seed=3)):
        return False
    if prove(A - B, CHEAP_STRATEGIES, deadline):
        return True
    search = find_counterexample(A, B, assumptions, deadline, n=16)
    return search.counterexample is None and search.points >= 4


def explain(verdict: Verdict, lhs, rhs, L, R, assumptions, deadline) -> Verdict:
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
        correct = readable(true, stated, max(0.0, min(1.0, deadline - clock())))
    else:
        true, claimed, stated = L, R, None
        names = ("the right side", "the left side")
    try:
        with time_limit(max(0.05, deadline - clock())):
            diagnosis = _diagnose(true, claimed, stated, names, assumptions, deadline)
    except Exception:  # TaskTimeout included: a diagnosis is a courtesy, never a failure
        diagnosis = None
    return replace(verdict, diagnosis=diagnosis, correct=correct, correct_side=correct_side)


def readable(expr, like=None, seconds: float = 1.0):
    """The shortest of a few equivalent forms that uses no function absent from `expr` and `like`,
    so a result reads like its source (`exp`, not `cosh`). Ties keep the form given. `simplify`,
    which costs several times the others, is asked only when none of them shortens `expr`, and
    not of a polynomial, whose forms (expanded, factored) are tried already (`_simplified`)."""
    allowed = {type(f) for f in expr.atoms(sp.Function)}
    if like is not None:
        allowed |= {type(f) for f in like.atoms(sp.Function)}

    forms = {expr: sp.count_ops(expr)}   # each form's operations, counted once
    factored = None
    for make in (_factored, sp.expand, _multiplied_out, _simplified):
        if make is _simplified and (min(forms.values()) < forms[expr] or expr.is_polynomial()):
            break
        try:
            with time_limit(seconds):
                form = make(expr, factored) if make is _multiplied_out else \
                    make(expr, allowed) if make is _simplified else make(expr)
        except Exception:  # TaskTimeout included: a form not found in time is not offered
            continue
        if make is _factored:
            factored = form
        if form not in forms and {type(f) for f in form.atoms(sp.Function)} <= allowed:
            forms[form] = sp.count_ops(form)
    fewest = min(forms.values())   # among the fewest operations, the shortest to print
    shortest = [f for f, n in forms.items() if n == fewest]
    return shortest[0] if len(shortest) == 1 else min(shortest, key=lambda f: len(str(f)))


def _simplified(expr, allowed: set):
    """`simplify`; but of a quotient of exponentials and names, read where no other function is
    allowed, only the one of its forms `readable` could keep that the others miss: the
    exponentials combined. (Its cancelled, factored and expanded forms are tried already, and its
    hyperbolic ones would not be kept; simplify itself costs a cold worker a quarter of a second
    there, for a form never shorter in the corpus, the published documents or the tutorial.)"""
    if allowed <= {sp.exp} and all(p.exp.is_Integer for p in expr.atoms(sp.Pow)):
        return sp.powsimp(expr, combine="exp", deep=True)
    return sp.simplify(expr)


@functools.lru_cache(maxsize=256)
def _factored(expr):
    """`sp.factor(expr)`, kept: a refuted claim's true side is factored for its readable form and
    again for the ratio of its sides."""
    return sp.factor(expr)


def _multiplied_out(expr, factored=None):
    """`expr` as one quotient in lowest terms with its numerator and denominator multiplied out
    (their common numbers and powers taken out): made from the factored form, which has cancelled
    already, when there is one (it is `cancel`'s form, without a second polynomial gcd)."""
    if factored is None:
        return sp.factor_terms(sp.cancel(expr))
    numerator, denominator = sp.fraction(factored)
    return sp.factor_terms(sp.expand(numerator) / sp.expand(denominator))


def _diagnose(true, claimed, stated, names, assumptions, deadline) -> Diagnosis | None:
    sides = dict(claimed_side=names[0], true_side=names[1])
    if claimed == 0 or true == 0:
        return None
    # the sides' values at two points; at a third only where a ratio or a gap may be constant
    found = _values(claimed, true, assumptions)
    values = list(itertools.islice(found, 2))
    if any(map(_one_value, _ratios_and_gaps(values))):
        values += itertools.islice(found, 1)
    ratios, gaps = _ratios_and_gaps(values)
    needed = 3 if true.free_symbols | claimed.free_symbols else 1   # points for a constant
    quotient, gap = claimed / true, claimed - true
    ratio = quotient if quotient.is_Number else _constant(ratios, needed)
    # the sign is tried unless the sides' values already rule it out
    if not any(abs(c + t) > 1e-6 for _, c, t in values) and _holds(true, -claimed, assumptions,
                                                                     deadline):
        return Diagnosis(Mistake.SIGN, **sides)
    if ratio is not None and ratio not in (0, 1, -1):
        if _holds(claimed, ratio * true, assumptions, deadline):
            return Diagnosis(Mistake.FACTOR, ratio, **sides)
    if not (true.free_symbols | claimed.free_symbols):
        return None  # two numbers always differ "by a constant": no diagnosis worth saying
    gap = gap if gap.is_Number else _constant(gaps, needed)
    if gap is not None and gap != 0 and _holds(claimed - true, gap, assumptions, deadline):
        return Diagnosis(Mistake.CONSTANT, gap, **sides)
    if stated is None:
        return None
    for inner, d_inner in _inner_derivatives(stated):
        if not _ruled_out(values, d_inner) and _holds(true, claimed * d_inner, assumptions,
                                                      deadline):
            return Diagnosis(Mistake.INNER_DERIVATIVE, d_inner, inner, _wrt(stated), **sides)
    # the ratio in lowest terms: a missing factor when it is a product of powers (a numerator or
    # denominator with a sum is no product of simple factors). The sides factored: their common
    # factors cancel as the quotient is formed (`true` was factored for its readable form)
    with time_limit(min(1.0, deadline - clock())):
        factor = sp.factor_terms(_factored(true) / _factored(claimed))
    if (factor.is_Mul or factor.is_Pow or factor.is_Symbol) and not factor.has(sp.Add) \
            and sp.count_ops(factor) <= 4:
        return Diagnosis(Mistake.MISSING_FACTOR, factor, **sides)
    return None


def _values(claimed, true, assumptions):
    """(point, the claimed side's value, the true side's) at each point of the domain where both
    are real (none when a side keeps an unknown function: it has a value at no point), as they
    are asked for. Each candidate explanation (a sign, a factor, a constant, an inner
    derivative) is read from these same values before it is proved."""
    if unknown_everywhere(claimed) or unknown_everywhere(true):
        return
    symbols = sorted(claimed.free_symbols | true.free_symbols, key=str)
    for point in sample_points(symbols, assumptions, 12, seed=1) if symbols else [{}]:
        c = real_value(claimed, PRECISION, point=point)
        t = real_value(true, PRECISION, point=point) if c is not None else None
        if t is not None:
            yield point, c, t


def _ratios_and_gaps(values: list) -> tuple[list, list]:
    """The claimed side over the true one, and their difference, at each point of `values`."""
    return [c / t for _, c, t in values if t != 0], [c - t for _, c, t in values]


def _ruled_out(values: list, d_inner) -> bool:
    """Whether the sides' values already show that the claimed side times the inner derivative
    `d_inner` is not the true one (at a point where the inner derivative has a value)."""
    for point, c, t in values:
        d = real_value(d_inner, PRECISION, point=point)
        if d is not None and abs(c * d - t) > 1e-6 * (1 + abs(t)):
            return True
    return False


def _one_value(numbers: list) -> bool:
    """Whether `numbers` (two or more) are one value, to the precision they were computed to."""
    return len(numbers) >= 2 and all(abs(q - numbers[0]) <= 1e-20 * (1 + abs(numbers[0]))
                                     for q in numbers[1:])


def _constant(numbers: list, needed: int):
    """The one value of `numbers` (at `needed` points or more) as a simple rational, else None."""
    if len(numbers) < needed or (len(numbers) > 1 and not _one_value(numbers)):
        return None
    guess = sp.nsimplify(numbers[0], rational=True, tolerance=1e-15)
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

