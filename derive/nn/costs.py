"""Cost functions C(a, y) per output unit (the network's cost is the sum over outputs), and dC/da.

One registry, `COSTS`, with the same kind of keys as `ACTIVATIONS`; a record is derived once per
process and cached. A user expression in a and y is accepted too. The gradient is derived by the
step-by-step rules and checked.

Which pairs simplify: delta^L = dC/da * sigma'(z). For the logistic sigmoid with cross-entropy,
dC/da = (a - y)/(a(1 - a)) and sigma'(z) = a(1 - a) cancel to a - y; for the identity output with
squared error, dC/da = a - y and sigma' = 1. The derivation finds such cancellations by simplifying,
not from a list (see `derive.nn.backprop`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.calc.differentiate import differentiate
from derive.calc.steps import Derivation
from derive.nn.activations import Activation, a
from derive.nn.registry import Registry
from derive.text import InputError, parse_expression

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


SPECS = {  # name -> C(a, y) for one output unit
    # 1/2 (y - a)^T (y - a) is the sum over outputs of this
    "squared-error": (y - a) ** 2 / 2,
    # binary cross-entropy summed over outputs; the tutorial's (y - 1) log(1 - a) - y log(a)
    "cross-entropy": -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
    # -sum_i y_i log a_i for a probability vector a (softmax): one term per output
    "categorical-cross-entropy": -y * sp.log(a),
    # -sum_i y_i a_i for log-probabilities a (log-softmax)
    "nll": -y * a,
}


def build(name: str, expr) -> Cost:
    """The cost's record, derived once and kept on disk between runs (`engine.cache`)."""
    from derive.engine.cache import cached, key_of
    return cached("cost", key_of(name, expr), lambda: _build(name, expr))


def _build(name: str, expr) -> Cost:
    derivation = differentiate(expr, a, title=f"cost {name}: dC/da of {str(expr).replace('**', '^')}")
    return Cost(name, expr, derivation.result, _needs_unit_interval(expr), derivation)


def _user_cost(spec: str) -> Cost:
    expr = parse_expression(spec)
    extra = expr.free_symbols - {a, y}
    if a not in expr.free_symbols or extra:
        raise InputError(f"the cost {spec!r} must be an expression in a (the output) and y "
                         f"(the target){'; unknown ' + ', '.join(map(str, extra)) if extra else ''}"
                         f" (or one of {', '.join(SPECS)})")
    return build(spec, expr)


COSTS: Registry[Cost] = Registry(SPECS, lambda name: build(name, SPECS[name]), _user_cost)


def cost(spec: str) -> Cost:
    """The cost named `spec`, or the user's expression in a and y (derived once, then cached)."""
    return COSTS.resolve(spec)


def _needs_unit_interval(expr) -> bool:
    """True when C is undefined (not real) for some output outside (0, 1): log(a), log(1 - a)."""
    for outside in (sp.Rational(-1, 2), sp.Rational(3, 2)):
        for target in (0, 1):
            value = expr.xreplace({a: outside, y: target})
            if value.has(sp.zoo, sp.nan) or value.is_real is False \
                    or sp.N(value).has(sp.I):
                return True
    return False


UNIT = sp.Interval.open(0, 1)


def default_cost(output: Activation) -> str:
    """The cost to use when none is named: for a probability vector (softmax) categorical
    cross-entropy, for log-probabilities (log-softmax) nll; for an elementwise output in (0, 1)
    cross-entropy, else squared error (the only built-in defined for every output)."""
    fits = output.output_range is not None and output.output_range.is_subset(UNIT)
    if getattr(output, "vector", False):
        return "categorical-cross-entropy" if fits else "nll"
    return "cross-entropy" if fits else "squared-error"


# the costs of a whole vector of (log-)probabilities over the classes, and the output that gives it:
# with each output on its own, -y log a (or -y a) ignores every output but the target's, and is
# least with every output at its largest
OF_CLASSES = {"categorical-cross-entropy": ("probabilities", "softmax"),
              "nll": ("log-probabilities", "log-softmax")}


@dataclass(frozen=True)
class Incompatibility:
    """A cost whose domain the output activation's range leaves, or a cost of class
    probabilities without the output that makes them."""

    cost: str
    activation: str
    output_range: sp.Set | None   # None: unknown
    needed: sp.Set | None         # the outputs the cost is defined for; None: `OF_CLASSES`

    @property
    def reason(self) -> str:
        if self.needed is None:
            kind, output = OF_CLASSES[self.cost]
            return (f"{self.cost} is the loss of {kind} over the classes ({output} outputs), but "
                    f"{self.activation} gives each output on its own")
        shown = "an unknown range" if self.output_range is None else _interval(self.output_range)
        return (f"{self.cost} needs outputs in {_interval(self.needed)}, but {self.activation} "
                f"outputs lie in {shown}")

    @property
    def remedy(self) -> str:
        """The output layer that fits the cost."""
        output = OF_CLASSES[self.cost][1] if self.needed is None else "sigmoid"
        other = " or --cost cross-entropy for outputs of their own in (0, 1)" \
            if self.cost == "categorical-cross-entropy" else ""
        return f"use {output} for the output layer (--output-activation {output}){other}"


def compatible(activation: Activation, cost_: Cost) -> Incompatibility | None:
    """None when the pair works; else the record of why not."""
    if cost_.name in OF_CLASSES and not getattr(activation, "vector", False):
        return Incompatibility(cost_.name, activation.name, activation.output_range, None)
    if not cost_.needs_unit_interval:
        return None
    if activation.output_range is not None and activation.output_range.is_subset(UNIT):
        return None
    return Incompatibility(cost_.name, activation.name, activation.output_range, UNIT)


def _interval(interval) -> str:
    """(0, 1), [0, oo), R: an interval as a reader writes it."""
    if interval == sp.S.Reals:
        return "R"
    if isinstance(interval, sp.Interval):
        left = "(" if interval.left_open else "["
        right = ")" if interval.right_open else "]"
        return f"{left}{interval.start}, {interval.end}{right}"
    return str(interval)
