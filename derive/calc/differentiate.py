"""Step-by-step differentiation and gradients.

The stepper rewrites `Derivative(expr, x)` one layer at a time: every pending derivative in the
current expression is replaced by the right side of its rule (`calc.rules`, a table keyed on the
expression's class), which may leave derivatives of sub-expressions pending for the next step.
Derivatives of unknown functions with respect to their own argument, f'(x), are final. An expression
no rule covers gets an explicit "no rule" step evaluated by `sympy.diff`, never a crash.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.calc.rules import DiffRule, MixedDerivativeRule, rule_for
from derive.calc.steps import Derivation, Reference, Step
from derive.engine.diagnose import readable
from derive.engine.evaluate import relu_convention
from derive.engine.isolation import TaskTimeout, time_limit
from derive.engine.notation import D


def _is_final(d: sp.Derivative) -> bool:
    """f'(x), f''(x), f'(g(x)), f'(t) inside Subs: derivatives of unknown functions by their own
    argument."""
    return isinstance(d.expr, AppliedUndef) and set(d.variables) <= set(d.expr.args)


def _pending(expr) -> list:
    return [d for d in expr.atoms(sp.Derivative) if not _is_final(d)]


def step_through(start, x, limit: int = 60) -> list[Step]:
    """Rewrite every pending derivative of `start` until none is left; one Step per round."""
    steps, current = [], start
    for _ in range(limit):
        pending = _pending(current)
        if not pending:
            return steps
        rules = {d: rule_for(d.expr, d.variables[0]) if len(d.variables) == 1
                 else MixedDerivativeRule(d.expr, d.variables) for d in pending}
        new = current.xreplace({d: rule.eval() for d, rule in rules.items()})
        steps.append(Step(current, new, tuple(_in_order(current, rules))))
        current = new
    raise RuntimeError("derivation did not finish")  # every rule shrinks its argument


def _in_order(expr, rules: dict) -> list[DiffRule]:
    """The rules in reading order of their derivatives in `expr` (stable rule names)."""
    order = [node for node in sp.preorder_traversal(expr) if node in rules]
    return [rules[node] for node in dict.fromkeys(order)]


def plain(expr) -> str:
    """An expression for a title: SymPy syntax with ^ for powers."""
    return str(expr).replace("**", "^")


def differentiate(expr, x, order: int = 1, title: str | None = None) -> Derivation:
    """The derivation of the `order`-th derivative of `expr` by `x`, step by step."""
    steps: list[Step] = []
    current = expr
    for round_ in range(1, order + 1):
        start = D(current, x)
        steps += step_through(start, x) or [Step(start, start.doit(), "evaluate")]
        result = steps[-1].rhs
        target = relu_convention(sp.diff(expr, x, round_), expr)
        if result != target:  # SymPy's form when the stepper reached it; else the shortest form
            nice = readable(result, expr)
            if nice != result:
                steps.append(Step(result, nice, "simplify"))
        current = steps[-1].rhs
    reference = relu_convention(sp.diff(expr, x, order), expr)
    if reference != current:  # the stepper's form differs from SymPy's: show they are equal
        steps.append(Step(current, reference, "equals SymPy's diff"))
    symbol = "d" if len(expr.free_symbols) <= 1 else "∂"
    power = f"^{order}" if order > 1 else ""
    heading = title or f"{symbol}{power}/{symbol}{x}{power} of {plain(expr)}"
    return Derivation(heading, tuple(steps), assumptions=real_domain(expr, x),
                      reference=Reference(steps[-1].rhs, reference, "sympy.diff"))


DOMAIN_SECONDS = 1.0


def real_domain(expr, x) -> tuple:
    """Where a function of x alone is real, as assumptions on x (`x > 1` for acosh x), when that
    is one interval with rational ends; else none. Its derivative's steps hold there: the rule
    1/sqrt(x^2 - 1) and SymPy's 1/(sqrt(x - 1) sqrt(x + 1)) differ for x < -1, where acosh x has
    no real value to differentiate."""
    if expr.free_symbols != {x}:
        return ()
    from sympy.calculus.util import continuous_domain
    try:
        with time_limit(DOMAIN_SECONDS):
            domain = continuous_domain(expr, x, sp.S.Reals)
    except (TaskTimeout, NotImplementedError, ValueError, TypeError, AttributeError,
            RecursionError):
        return ()
    if not isinstance(domain, sp.Interval) or domain == sp.S.Reals:
        return ()
    ends = [(domain.start, ">"), (domain.end, "<")]
    if not all(end.is_infinite or end.is_Rational for end, _ in ends):
        return ()
    return tuple(f"{x} {sign} {end}" for end, sign in ends if not end.is_infinite)


def gradient(expr, variables) -> list[Derivation]:
    """One derivation per partial derivative, then the gradient vector itself."""
    partials = [differentiate(expr, v, title=f"∂f/∂{v} for f = {plain(expr)}") for v in variables]
    lhs = sp.Matrix([D(expr, v) for v in variables])
    rhs = sp.Matrix([p.result for p in partials])
    vector = Derivation(f"gradient of f = {plain(expr)}",
                        (Step(lhs, rhs, "gradient: the vector of partial derivatives"),),
                        reference=Reference(rhs, sp.Matrix([relu_convention(sp.diff(expr, v), expr)
                                                            for v in variables]), "sympy.diff"))
    return partials + [vector]
