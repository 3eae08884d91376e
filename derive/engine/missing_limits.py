"""Two-sided limits whose sides disagree: `\\lim_{h \\to 0} |h|/h` does not exist, so no claim of
its value holds. SymPy's one-sided limits say so; each is confirmed by the expression's values
close to the point on that side before a claim is refuted on it. A derivative at a kink, the
limit of its difference quotient, is missing the same way."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from derive.engine.kinks import AT_ZERO, curved_kink_at

CLOSE = (sp.Rational(1, 10**12), sp.Rational(1, 10**20))   # distances from the point tried
DIGITS = 60


@dataclass(frozen=True)
class MissingLimit:
    limit: sp.Limit
    left: sp.Expr
    right: sp.Expr

    @property
    def note(self) -> str:
        variable, point = self.limit.args[1], self.limit.args[2]
        return (f"the limit as {variable} -> {point} does not exist: from the left it is "
                f"{self.left}, from the right {self.right}")


def missing_limit(*sides) -> MissingLimit | None:
    """The first two-sided limit of a constant expression in `sides` whose one-sided limits are
    two different numbers, each confirmed by values close to the point; else None."""
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for limit in side.atoms(sp.Limit):
            expr, variable, point, direction = limit.args
            if str(direction) != "+-" or (expr.free_symbols - {variable}) \
                    or not point.is_number or point.has(sp.oo, -sp.oo, sp.zoo):
                continue
            try:
                left = sp.Limit(expr, variable, point, dir="-").doit()
                right = sp.Limit(expr, variable, point, dir="+").doit()
            except (ValueError, NotImplementedError, TypeError, ArithmeticError):
                continue
            if not (left.is_number and right.is_number and left.is_finite and right.is_finite):
                continue
            if (left - right).is_zero is not False:
                continue
            if _approached(expr, variable, point, left, -1) \
                    and _approached(expr, variable, point, right, 1):
                return MissingLimit(limit, left, right)
    return None


def _approached(expr, variable, point, value, sign: int) -> bool:
    """Whether `expr` approaches `value` on the side `sign` of `point`: no farther from it at
    the nearer distance tried, and within 1e-6 of it there."""
    gaps = []
    for distance in CLOSE:
        at = expr.xreplace({variable: point + sign * distance})
        try:
            gap = abs(sp.N(at - value, DIGITS))
        except (ValueError, TypeError, ArithmeticError):
            return False
        if not gap.is_number or not gap.is_finite:
            return False
        gaps.append(mpmath.mpf(str(gap)))
    return gaps[-1] <= gaps[0] and gaps[-1] < mpmath.mpf("1e-6")


@dataclass(frozen=True)
class MissingDerivative:
    at: sp.Subs
    left: sp.Expr
    right: sp.Expr

    @property
    def note(self) -> str:
        (variable,), (point,) = self.at.variables, self.at.point
        return (f"the derivative by {variable} at {variable} = {point} does not exist (a kink): "
                f"from the left it is {self.left}, from the right {self.right}; a value there "
                "is a convention")


def missing_derivative(*sides) -> MissingDerivative | None:
    """The first derivative at a point, d/dx f at x = p with f of x alone, where f has a kink of
    |.|, a step or sign, or of max or min along a curve (at a linear one they take the slope on
    the left, the stated convention): its difference quotient's limit is missing
    (`missing_limit`). Else None."""
    h = sp.Dummy("h")
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for at in side.atoms(sp.Subs):
            derivative = at.expr
            if not isinstance(derivative, sp.Derivative) or len(at.variables) != 1 \
                    or derivative.variable_count != ((at.variables[0], 1),):
                continue
            (variable,), (point,) = at.variables, at.point
            f = derivative.expr
            if f.free_symbols - {variable} or not point.is_number:
                continue
            if not f.has(*AT_ZERO):
                # a curved kink of max or min: SymPy's limits fail there
                slopes = one_sided_slopes(f, variable, point) \
                    if curved_kink_at(f, variable, point) else None
                if slopes is not None:
                    return MissingDerivative(at, *slopes)
                continue
            quotient = (f.xreplace({variable: point + h}) - f.xreplace({variable: point})) / h
            missing = missing_limit(sp.Limit(quotient, h, 0, dir="+-"))
            if missing is not None:
                return MissingDerivative(at, missing.left, missing.right)
    return None


@dataclass(frozen=True)
class DivergentSum:
    total: sp.Sum
    size: sp.Expr   # what the size of its terms tends to

    @property
    def note(self) -> str:
        variable = self.total.limits[0][0]
        return (f"the series {self.total} diverges: its terms do not tend to 0 (their size "
                f"tends to {self.size} as {variable} -> oo), so it has no value")


def divergent_sum(*sides) -> DivergentSum | None:
    """A series in `sides` that has no value: an infinite sum of a constant expression whose
    terms do not tend to 0 (sum (-1)^k k/(k + 1)); else None. (A divergent alternating series
    still gets a number from evalf's acceleration. SymPy's own `is_convergent` is not trusted:
    it calls sum sin(k)/k and sum (1 - cos(1/k)) divergent.)"""
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for total in side.atoms(sp.Sum):
            if total.free_symbols or len(total.limits) != 1:
                continue
            variable, low, high = total.limits[0]
            if high is not sp.oo or low.has(sp.oo, -sp.oo):
                continue
            try:   # the size of the terms: |(-1)^k k/(k + 1)| tends to 1
                tail = sp.limit(sp.Abs(total.function), variable, sp.oo)
            except (NotImplementedError, ValueError, TypeError, ArithmeticError):
                continue
            if isinstance(tail, sp.AccumBounds):
                tail = tail.min
            if tail.is_extended_positive:
                return DivergentSum(total, tail)
    return None


def one_sided_slopes(f, variable, point) -> tuple | None:
    """(slope from the left, slope from the right) of `f` at `point` when they differ: difference
    quotients at 10^-12 and 10^-20 on each side, evaluated to 60 digits, that agree between the
    two distances and differ between the sides. None when they agree or cannot be evaluated.
    (SymPy's limits of max and of a step of a curved argument are not to be trusted: it takes
    d/dx max(0, x^3 - x) to be -1/2 from both sides of 0.)"""
    slopes = []
    for distance in CLOSE:
        sides = []
        for sign in (-1, 1):
            moved = f.xreplace({variable: point + sign * distance})
            quotient = (moved - f.xreplace({variable: point})) / (sign * distance)
            try:
                value = sp.N(quotient, DIGITS)
            except (ValueError, TypeError, ArithmeticError):
                return None
            if not (value.is_number and value.is_real and value.is_finite):
                return None
            sides.append(mpmath.mpf(str(value)))
        slopes.append(sides)
    (left, right), (left2, right2) = slopes
    tolerance = mpmath.mpf("1e-6")
    if abs(left - left2) > tolerance or abs(right - right2) > tolerance \
            or abs(left2 - right2) <= tolerance:
        return None
    return (sp.nsimplify(sp.Float(str(left2), 15), rational=True, tolerance=1e-9),
            sp.nsimplify(sp.Float(str(right2), 15), rational=True, tolerance=1e-9))
