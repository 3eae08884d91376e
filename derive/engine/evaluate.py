"""Evaluating the sides of a claim: derivatives, limits and substitutions worked out by SymPy,
with the project's convention for the derivative at a kink."""

from __future__ import annotations

import sympy as sp

UNEVALUATED = (sp.Limit, sp.Sum, sp.Derivative, sp.Subs, sp.Integral)


def evaluate(expr):
    """Evaluate derivatives, limits and substitutions (`doit`), leaving unknown functions alone,
    with the project's ReLU convention at 0."""
    if not isinstance(expr, sp.Basic):
        return sp.Integer(expr) if isinstance(expr, int) else expr
    if expr.has(sp.Subs) and expr.has(sp.Max, sp.Min):
        # d/dz max(0, z) at z = 0: the derivative with the convention first, then the point (a
        # step worth 1/2 at 0 was put in before the convention could see it)
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative),
                            lambda d: relu_convention(d.doit(deep=True), d))
    return _without_isolated_points(relu_convention(expr.doit(deep=True), expr), expr)


def _without_isolated_points(value, source):
    """`value` without the cases at single points (x = 1) of the piecewise forms that evaluating
    the derivatives in `source` produced: SymPy sums x^k to n as n + 1 at x = 1 and
    (1 - x^(n+1))/(1 - x) elsewhere, then differentiates the case at x = 1 as the constant it is
    there, 0, where the slope is n(n+1)/2. A slope comes from the neighbourhood, not the point."""
    if not (isinstance(value, sp.Basic) and source.has(sp.Derivative) and value.has(sp.Piecewise)):
        return value
    own = source.atoms(sp.Piecewise)

    def general(p):
        kept = [(e, c) for e, c in p.args if not isinstance(c, sp.Eq)]
        return sp.Piecewise(*kept) if kept and len(kept) < len(p.args) else p
    return value.replace(lambda e: isinstance(e, sp.Piecewise) and e not in own, general)


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

