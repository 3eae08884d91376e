"""Step-by-step differentiation, gradients, and the general rules from first principles.

The stepper rewrites `Derivative(expr, x)` one layer at a time: every pending derivative in the
current expression is replaced by the right side of the rule for its expression's class (a table
keyed on the class, as in SymPy's `manualintegrate`), which may leave derivatives of sub-expressions
pending for the next step. Derivatives of unknown functions with respect to their own argument,
f'(x), are final. An expression no rule covers gets an explicit "no rule" step evaluated by
`sympy.diff`, never a crash.

ReLU convention (`verify.RELU_AT_ZERO`): d/dz max(0, z) is 0 at z = 0, stated in every derivation
that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.parsing import InputError
from derive.steps import Derivation, Step
from derive.verify import RELU_AT_ZERO, readable, relu_convention

RELU_NOTE = "convention: at a kink the derivative is the slope on the left (0 for max(0, z) at 0)"


class NotDifferentiable(InputError):
    """A request for a derivative nobody can write down (e.g. of floor(x))."""


@dataclass(frozen=True)
class Rewrite:
    """The result of one rule on one derivative: the new expression and the rule's name."""

    expr: sp.Expr
    rule: str
    note: str | None = None


def D(expr, x):
    """A pending derivative (unevaluated)."""
    return sp.Derivative(expr, x)


# -- the outer derivative of each elementary function: f'(u) as a function of u ---------------------
OUTER = {
    sp.exp: (lambda u: sp.exp(u), "exponential rule"),
    sp.log: (lambda u: 1 / u, "logarithm rule"),
    sp.sin: (lambda u: sp.cos(u), "sine rule"),
    sp.cos: (lambda u: -sp.sin(u), "cosine rule"),
    sp.tan: (lambda u: 1 + sp.tan(u) ** 2, "tangent rule"),
    sp.cot: (lambda u: -1 - sp.cot(u) ** 2, "cotangent rule"),
    sp.sec: (lambda u: sp.sec(u) * sp.tan(u), "secant rule"),
    sp.csc: (lambda u: -sp.csc(u) * sp.cot(u), "cosecant rule"),
    sp.asin: (lambda u: 1 / sp.sqrt(1 - u**2), "inverse sine rule"),
    sp.acos: (lambda u: -1 / sp.sqrt(1 - u**2), "inverse cosine rule"),
    sp.atan: (lambda u: 1 / (1 + u**2), "inverse tangent rule"),
    sp.acot: (lambda u: -1 / (1 + u**2), "inverse cotangent rule"),
    sp.sinh: (lambda u: sp.cosh(u), "hyperbolic sine rule"),
    sp.cosh: (lambda u: sp.sinh(u), "hyperbolic cosine rule"),
    sp.tanh: (lambda u: 1 - sp.tanh(u) ** 2, "hyperbolic tangent rule"),
    sp.coth: (lambda u: 1 - sp.coth(u) ** 2, "hyperbolic cotangent rule"),
    sp.asinh: (lambda u: 1 / sp.sqrt(u**2 + 1), "inverse hyperbolic sine rule"),
    sp.acosh: (lambda u: 1 / sp.sqrt(u**2 - 1), "inverse hyperbolic cosine rule"),
    sp.atanh: (lambda u: 1 / (1 - u**2), "inverse hyperbolic tangent rule"),
    sp.erf: (lambda u: 2 * sp.exp(-u**2) / sp.sqrt(sp.pi), "error function rule"),
    sp.Abs: (lambda u: sp.sign(u), "absolute value rule"),
    sp.Heaviside: (lambda u: sp.DiracDelta(u), "step function rule"),
}
OUTER_NOTES = {sp.Abs: "|u| has no derivative at u = 0 (sign(0) = 0 is printed there)",
               sp.Heaviside: "the derivative of the step is the Dirac delta (0 away from 0)"}


def _constant(expr, x):
    note = None
    if expr.free_symbols:
        names = ", ".join(sorted(map(str, expr.free_symbols)))
        note = f"{names} {'is' if len(expr.free_symbols) == 1 else 'are'} constant with respect to {x}"
    return Rewrite(sp.S.Zero, "constant rule", note)


def _symbol(expr, x):
    return Rewrite(sp.S.One, f"d{x}/d{x} = 1") if expr == x else _constant(expr, x)


def _add(expr, x):
    return Rewrite(sp.Add(*[D(term, x) for term in expr.args], evaluate=False), "sum rule")


def _mul(expr, x):
    constant, rest = expr.as_independent(x, as_Add=False)
    if constant != 1:
        return Rewrite(sp.Mul(constant, D(rest, x), evaluate=False), "constant multiple rule")
    factors = list(rest.args) if rest.is_Mul else [rest]
    denominators = [f for f in factors if f.is_Pow and f.exp.is_number and f.exp.is_negative]
    if denominators:
        numerator = sp.Mul(*[f for f in factors if f not in denominators])
        denominator = sp.Mul(*[f.base ** (-f.exp) for f in denominators])
        return Rewrite((D(numerator, x) * denominator - numerator * D(denominator, x))
                       / denominator**2, "quotient rule")
    terms = []
    for i, f in enumerate(factors):
        others = factors[:i] + factors[i + 1:]
        terms.append(sp.Mul(*others[:i], D(f, x), *others[i:], evaluate=False))
    return Rewrite(sp.Add(*terms, evaluate=False), "product rule")


def _pow(expr, x):
    base, exponent = expr.base, expr.exp
    if not exponent.has(x):
        if base == x:
            return Rewrite(exponent * x ** (exponent - 1), "power rule")
        return Rewrite(exponent * base ** (exponent - 1) * D(base, x), "chain rule with the power rule")
    if not base.has(x):
        if base == sp.E:
            return Rewrite(expr * D(exponent, x), "exponential rule with the chain rule")
        return Rewrite(expr * sp.log(base) * D(exponent, x), "exponential rule: d a^u = a^u ln(a) du")
    return Rewrite(expr * D(exponent * sp.log(base), x),
                   "logarithmic differentiation: u^v = exp(v ln u)")


def _function(expr, x):
    outer = OUTER.get(expr.func)
    if outer is None or len(expr.args) != 1:
        return None
    derivative, name = outer
    u = expr.args[0]
    note = OUTER_NOTES.get(expr.func)
    if expr.func is sp.Heaviside and len(expr.args) != 1:
        return None
    if u == x:
        return Rewrite(derivative(u), name, note)
    return Rewrite(derivative(u) * D(u, x), f"chain rule with the {name}", note)


def _max(expr, x):
    """ReLU: max(0, u) -> H(u) u', with the stated value 0 at u = 0."""
    if len(expr.args) == 2 and 0 in expr.args:
        u = expr.args[0] if expr.args[1] == 0 else expr.args[1]
        step = sp.Heaviside(u, RELU_AT_ZERO)
        if expr.func is sp.Min:  # slope 1 left of 0, 0 right of it; the left slope at 0
            step = sp.Heaviside(-u, 1 - RELU_AT_ZERO)
        rule = "ReLU rule" if expr.func is sp.Max else "min(0, u) rule"
        if u == x:
            return Rewrite(step, rule, RELU_NOTE)
        return Rewrite(step * D(u, x), f"chain rule with the {rule}", RELU_NOTE)
    return None


def _unknown(expr, x):
    """f(u) for an unknown f: f'(u) u' (f'(x) itself is final)."""
    if len(expr.args) == 1:
        u = expr.args[0]
        if isinstance(u, (sp.Symbol, AppliedUndef)):
            outer = sp.Derivative(expr, u)
        else:  # SymPy differentiates only by symbols: f'(u) is f'(t) at t = u
            t = sp.Dummy("t", real=True)
            outer = sp.Subs(sp.Derivative(expr.func(t), t), t, u)
        return Rewrite(outer * D(u, x), "chain rule (unknown outer function)")
    return None


def _derivative(expr, x):
    return Rewrite(sp.Derivative(expr.expr, *expr.variables, x), "higher derivative")


RULES = {
    sp.Symbol: _symbol,
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.Max: _max,
    sp.Min: _max,
    sp.Derivative: _derivative,
}


def rule_for(expr, x) -> Rewrite:
    """The rewrite of d/dx expr by the first rule that applies; "no rule" falls back to diff."""
    if not expr.has(x):
        return _constant(expr, x)
    handler = RULES.get(type(expr))
    if handler is None:
        if isinstance(expr, AppliedUndef):
            handler = _unknown
        elif isinstance(expr, sp.Function):
            handler = _function
    rewrite = handler(expr, x) if handler else None
    if rewrite is None:
        fallback = sp.diff(expr, x)
        if fallback.has(sp.Derivative(expr, x)):
            raise NotDifferentiable(f"{expr} has no derivative that derive or SymPy knows "
                                    "in closed form")
        return Rewrite(fallback, f"no rule for {type(expr).__name__}: SymPy's diff")
    return rewrite


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
        rewrites = {d: rule_for(d.expr, d.variables[0]) if len(d.variables) == 1
                    else Rewrite(d.doit(), "no rule for mixed derivatives: SymPy's diff")
                    for d in pending}
        new = current.xreplace({d: r.expr for d, r in rewrites.items()})
        rules = list(dict.fromkeys(r.rule for r in _in_order(current, rewrites)))
        notes = list(dict.fromkeys(r.note for r in _in_order(current, rewrites) if r.note))
        steps.append(Step(current, new, "; ".join(rules), "; ".join(notes) or None))
        current = new
    raise RuntimeError("derivation did not finish")  # every rule shrinks its argument


def _in_order(expr, rewrites: dict) -> list[Rewrite]:
    """The rewrites in reading order of their derivatives in `expr` (stable rule names)."""
    order = [node for node in sp.preorder_traversal(expr) if node in rewrites]
    return [rewrites[node] for node in dict.fromkeys(order)]


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
    return Derivation(heading, tuple(steps), reference=(steps[-1].rhs, reference, "sympy.diff"))


def gradient(expr, variables) -> list[Derivation]:
    """One derivation per partial derivative, then the gradient vector itself."""
    partials = [differentiate(expr, v, title=f"∂f/∂{v} for f = {plain(expr)}") for v in variables]
    lhs = sp.Matrix([D(expr, v) for v in variables])
    rhs = sp.Matrix([p.result for p in partials])
    vector = Derivation(f"gradient of f = {plain(expr)}",
                        (Step(lhs, rhs, "gradient: the vector of partial derivatives"),),
                        reference=(rhs, sp.Matrix([relu_convention(sp.diff(expr, v), expr)
                                                   for v in variables]),
                                   "sympy.diff"))
    return partials + [vector]
