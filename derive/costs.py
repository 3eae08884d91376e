"""Cost functions C(a, y) per output unit (the network's cost is the sum over outputs), and dC/da.

One registry with the same kind of keys as the activations. A user expression in a and y is accepted
too. The gradient is derived by the step-by-step rules and checked.

Which pairs simplify: delta^L = dC/da * sigma'(z). For the logistic sigmoid with cross-entropy,
dC/da = (a - y)/(a(1 - a)) and sigma'(z) = a(1 - a) cancel to a - y; for the identity output with
squared error, dC/da = a - y and sigma' = 1. The derivation finds such cancellations by simplifying,
not from a list (see `derive.backprop`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.activations import a
from derive.calculus import differentiate
from derive.steps import Derivation

y = sp.Symbol("y", real=True)


@dataclass(frozen=True)
class Cost:
    """`expr` per output unit in a (the output) and y (the target); `gradient` = dC/da;
    `needs_unit_interval` when the cost is only defined for outputs in (0, 1)."""

    name: str
    expr: sp.Expr
    gradient: sp.Expr
    needs_unit_interval: bool
    derivation: Derivation


BUILTIN = {
    # 1/2 (y - a)^T (y - a) is the sum over outputs of this
    "squared-error": lambda: (y - a) ** 2 / 2,
    # binary cross-entropy summed over outputs; the tutorial's (y - 1) log(1 - a) - y log(a)
    "cross-entropy": lambda: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
}


def cost(spec: str) -> Cost:
    """The cost named `spec`, or the user's expression in a and y."""
    if spec in BUILTIN:
        expr = BUILTIN[spec]()
    else:
        from derive.parsing import InputError, parse_expression
        expr = parse_expression(spec)
        extra = expr.free_symbols - {a, y}
        if a not in expr.free_symbols or extra:
            raise InputError(f"the cost {spec!r} must be an expression in a (the output) and y "
                             f"(the target){'; unknown ' + ', '.join(map(str, extra)) if extra else ''}"
                             f" (or one of {', '.join(BUILTIN)})")
    derivation = differentiate(expr, a, title=f"cost {spec}: dC/da of {str(expr).replace('**', '^')}")
    return Cost(spec, expr, derivation.result, _needs_unit_interval(expr), derivation)


def _needs_unit_interval(expr) -> bool:
    """True when C is undefined (not real) for some output outside (0, 1): log(a), log(1 - a)."""
    for outside in (sp.Rational(-1, 2), sp.Rational(3, 2)):
        for target in (0, 1):
            value = expr.xreplace({a: outside, y: target})
            if value.has(sp.zoo, sp.nan) or value.is_real is False \
                    or sp.N(value).has(sp.I):
                return True
    return False


def compatible(activation, cost_: Cost) -> str | None:
    """None when the pair works; else why not (the output range leaves the cost's domain)."""
    if not cost_.needs_unit_interval:
        return None
    unit = sp.Interval.open(0, 1)
    if activation.output_range is not None and activation.output_range.is_subset(unit):
        return None
    shown = "an unknown range" if activation.output_range is None else \
        _interval(activation.output_range)
    return (f"{cost_.name} needs outputs in (0, 1), but {activation.name} outputs lie in {shown}; "
            "use sigmoid for the output layer (--output-activation sigmoid), or --force")


def _interval(interval) -> str:
    """(0, 1), [0, oo), R: an interval as a reader writes it."""
    if interval == sp.S.Reals:
        return "R"
    if isinstance(interval, sp.Interval):
        left = "(" if interval.left_open else "["
        right = ")" if interval.right_open else "]"
        return f"{left}{interval.start}, {interval.end}{right}"
    return str(interval)
