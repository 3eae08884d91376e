"""The rules of differentiation as typed records, chosen from a table keyed on the expression's class.

As in SymPy's `manualintegrate`, each rule is a record of what it applies to, with its name (what a
reader calls it) and `eval()`, the right side of the rule, which may leave derivatives of
sub-expressions pending (`D(u, x)`) for the next step. "Don't know" is a rule too: `DontKnowRule`
hands the expression to SymPy's `diff`, said as such.

ReLU convention (`engine.evaluate.RELU_AT_ZERO`): d/dz max(0, z) is 0 at z = 0, stated in every
derivation that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.calc.steps import Rule
from derive.engine.evaluate import RELU_AT_ZERO, relu_convention
from derive.engine.notation import D
from derive.text import InputError

RELU_NOTE = "convention: at a kink the derivative is the slope on the left (0 for max(0, z) at 0)"


class NotDifferentiable(InputError):
    """A request for a derivative nobody can write down (e.g. of floor(x))."""


@dataclass(frozen=True)
class DiffRule(Rule):
    """d/dx of `expr`; subclasses say how."""

    expr: sp.Expr
    x: sp.Symbol
    name: ClassVar[str] = ""
    note: ClassVar[str | None] = None

    def eval(self) -> sp.Expr:
        raise NotImplementedError


@dataclass(frozen=True)
class ConstantRule(DiffRule):
    name: ClassVar[str] = "constant rule"

    @property
    def note(self):
        free = self.expr.free_symbols
        if not free:
            return None
        names = ", ".join(sorted(map(str, free)))
        return f"{names} {'is' if len(free) == 1 else 'are'} constant with respect to {self.x}"

    def eval(self):
        return sp.S.Zero


@dataclass(frozen=True)
class IdentityRule(DiffRule):
    @property
    def name(self):
        return f"d{self.x}/d{self.x} = 1"

    def eval(self):
        return sp.S.One


@dataclass(frozen=True)
class SumRule(DiffRule):
    name: ClassVar[str] = "sum rule"

    def eval(self):
        return sp.Add(*[D(term, self.x) for term in self.expr.args], evaluate=False)


@dataclass(frozen=True)
class ConstantMultipleRule(DiffRule):
    constant: sp.Expr = sp.S.One
    rest: sp.Expr = sp.S.One
    name: ClassVar[str] = "constant multiple rule"

    def eval(self):
        return sp.Mul(self.constant, D(self.rest, self.x), evaluate=False)


@dataclass(frozen=True)
class QuotientRule(DiffRule):
    numerator: sp.Expr = sp.S.One
    denominator: sp.Expr = sp.S.One
    name: ClassVar[str] = "quotient rule"

    def eval(self):
        u, v, x = self.numerator, self.denominator, self.x
        return (D(u, x) * v - u * D(v, x)) / v**2


@dataclass(frozen=True)
class ProductRule(DiffRule):
    factors: tuple = ()
    name: ClassVar[str] = "product rule"

    def eval(self):
        terms = []
        for n, factor in enumerate(self.factors):
            others = self.factors[:n] + self.factors[n + 1:]
            terms.append(sp.Mul(*others[:n], D(factor, self.x), *others[n:], evaluate=False))
        return sp.Add(*terms, evaluate=False)


@dataclass(frozen=True)
class PowerRule(DiffRule):
    """x^n -> n x^(n-1), and with the chain rule u^n -> n u^(n-1) u'."""

    @property
    def name(self):
        return "power rule" if self.expr.base == self.x else "chain rule with the power rule"

    def eval(self):
        base, n = self.expr.base, self.expr.exp
        if base == self.x:
            return n * self.x ** (n - 1)
        return n * base ** (n - 1) * D(base, self.x)


@dataclass(frozen=True)
class ExponentialRule(DiffRule):
    """a^u -> a^u ln(a) u' (e^u -> e^u u')."""

    @property
    def name(self):
        return "exponential rule with the chain rule" if self.expr.base == sp.E else \
            "exponential rule: d a^u = a^u ln(a) du"

    def eval(self):
        base, u = self.expr.base, self.expr.exp
        factor = sp.S.One if base == sp.E else sp.log(base)
        return self.expr * factor * D(u, self.x)


@dataclass(frozen=True)
class LogarithmicDifferentiationRule(DiffRule):
    name: ClassVar[str] = "logarithmic differentiation: u^v = exp(v ln u)"

    def eval(self):
        return self.expr * D(self.expr.exp * sp.log(self.expr.base), self.x)


# the outer derivative of each elementary function: f'(u) as a function of u, and its name
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


@dataclass(frozen=True)
class ElementaryRule(DiffRule):
    """f(u) -> f'(u) u' for an elementary f of one argument."""

    @property
    def name(self):
        own = OUTER[self.expr.func][1]
        return own if self.expr.args[0] == self.x else f"chain rule with the {own}"

    @property
    def note(self):
        return OUTER_NOTES.get(self.expr.func)

    def eval(self):
        u = self.expr.args[0]
        outer = OUTER[self.expr.func][0](u)
        return outer if u == self.x else outer * D(u, self.x)


@dataclass(frozen=True)
class KinkRule(DiffRule):
    """ReLU: max(0, u) -> H(u) u' (and min(0, u) -> H(-u) u'), with the left slope at u = 0."""

    note: ClassVar[str] = RELU_NOTE

    @property
    def _inner(self):
        a, b = self.expr.args
        return a if b == 0 else b

    @property
    def name(self):
        own = "ReLU rule" if self.expr.func is sp.Max else "min(0, u) rule"
        return own if self._inner == self.x else f"chain rule with the {own}"

    def eval(self):
        u = self._inner
        step = sp.Heaviside(u, RELU_AT_ZERO) if self.expr.func is sp.Max else \
            sp.Heaviside(-u, 1 - RELU_AT_ZERO)  # slope 1 left of 0, 0 right of it
        return step if u == self.x else step * D(u, self.x)


@dataclass(frozen=True)
class UnknownFunctionRule(DiffRule):
    """f(u) for an unknown f: f'(u) u' (f'(x) itself is final)."""

    name: ClassVar[str] = "chain rule (unknown outer function)"

    def eval(self):
        u = self.expr.args[0]
        if isinstance(u, (sp.Symbol, AppliedUndef)):
            outer = sp.Derivative(self.expr, u)
        else:  # SymPy differentiates only by symbols: f'(u) is f'(t) at t = u
            t = sp.Dummy("t", real=True)
            outer = sp.Subs(sp.Derivative(self.expr.func(t), t), t, u)
        return outer * D(u, self.x)


@dataclass(frozen=True)
class HigherDerivativeRule(DiffRule):
    name: ClassVar[str] = "higher derivative"

    def eval(self):
        return sp.Derivative(self.expr.expr, *self.expr.variables, self.x)


@dataclass(frozen=True)
class DontKnowRule(DiffRule):
    """No rule of our own: SymPy's diff, said as such, with the convention at a kink that every
    derivative here follows (min(1, z) has slope 1 at 1, where SymPy's Heaviside says 1/2)."""

    @property
    def name(self):
        return f"no rule for {type(self.expr).__name__}: SymPy's diff"

    def eval(self):
        value = relu_convention(sp.diff(self.expr, self.x), self.expr)
        if value.has(sp.Derivative(self.expr, self.x)):
            raise NotDifferentiable(f"{self.expr} has no derivative that derive or SymPy knows "
                                    "in closed form")
        return value


@dataclass(frozen=True)
class MixedDerivativeRule(DiffRule):
    """d^2/dx dy and the like in one go: SymPy's diff, said as such (`x` holds the variables)."""

    name: ClassVar[str] = "no rule for mixed derivatives: SymPy's diff"

    def eval(self):
        return sp.diff(self.expr, *self.x)


def _mul(expr, x):
    constant, rest = expr.as_independent(x, as_Add=False)
    if constant != 1:
        return ConstantMultipleRule(expr, x, constant, rest)
    factors = list(rest.args) if rest.is_Mul else [rest]
    denominators = [f for f in factors if f.is_Pow and f.exp.is_number and f.exp.is_negative]
    if denominators:
        numerator = sp.Mul(*[f for f in factors if f not in denominators])
        denominator = sp.Mul(*[f.base ** (-f.exp) for f in denominators])
        return QuotientRule(expr, x, numerator, denominator)
    return ProductRule(expr, x, tuple(factors))


def _pow(expr, x):
    if not expr.exp.has(x):
        return PowerRule(expr, x)
    if not expr.base.has(x):
        return ExponentialRule(expr, x)
    return LogarithmicDifferentiationRule(expr, x)


def _kink(expr, x):
    return KinkRule(expr, x) if len(expr.args) == 2 and 0 in expr.args else None


RULES = {
    sp.Symbol: lambda e, x: IdentityRule(e, x) if e == x else ConstantRule(e, x),
    sp.Add: SumRule,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.Max: _kink,
    sp.Min: _kink,
    sp.Derivative: HigherDerivativeRule,
}


def rule_for(expr, x) -> DiffRule:
    """The rule for d/dx expr: from the table by class, unknown and elementary functions, or
    DontKnowRule."""
    if not expr.has(x):
        return ConstantRule(expr, x)
    make = RULES.get(type(expr))
    if make is None:
        if isinstance(expr, AppliedUndef) and len(expr.args) == 1:
            make = UnknownFunctionRule
        elif type(expr) in OUTER and len(expr.args) == 1:
            make = ElementaryRule
    rule = make(expr, x) if make else None
    return rule if rule is not None else DontKnowRule(expr, x)
