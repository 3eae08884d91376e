"""The general rules of differentiation derived from first principles, and the tutorial's worked
examples, as checked derivations.

Each function returns a `Derivation` whose steps the verifier re-checks: steps about unknown
functions f and g (the product, quotient and chain rules) are proved symbolically where SymPy can,
and otherwise checked with concrete functions substituted, as every claim about unknown functions is.
"""

from __future__ import annotations

import sympy as sp

from derive.calc.differentiate import differentiate, gradient
from derive.calc.steps import Derivation, Reference, Step

x = sp.Symbol("x", real=True)
h = sp.Symbol("h", real=True)
f = sp.Function("f", real=True)
g = sp.Function("g", real=True)


def _limit(expr):
    return sp.Limit(expr, h, 0)


def derivative(expr=None) -> Derivation:
    """d/dx f(x) as the limit of the difference quotient; with `expr`, worked out for it."""
    if expr is None:
        quotient = (f(x + h) - f(x)) / h
        return Derivation("the derivative as a limit", (
            Step(sp.Derivative(f(x), x), _limit(quotient), "definition of the derivative",
                 "the slope of the secant through (x, f(x)) and (x + h, f(x + h)) as h -> 0"),
        ))
    var = sorted(expr.free_symbols, key=str)[0] if expr.free_symbols else x
    shifted = expr.xreplace({var: var + h})
    quotient = (shifted - expr) / h
    steps = [Step(sp.Derivative(expr, var), _limit(quotient), "definition of the derivative")]
    numerator = sp.expand(shifted - expr)
    if numerator != shifted - expr:
        steps.append(Step(steps[-1].rhs, _limit(sp.Mul(numerator, 1 / h, evaluate=False)),
                          "expand the numerator"))
    cancelled = sp.cancel(numerator / h)
    if not sp.denom(cancelled).has(h):
        steps.append(Step(steps[-1].rhs, _limit(cancelled), "divide by h (h != 0 in the limit)"))
        steps.append(Step(steps[-1].rhs, cancelled.subs(h, 0),
                          "the limit of a polynomial in h: set h = 0"))
    else:
        steps.append(Step(steps[-1].rhs, sp.limit(quotient, h, 0), "evaluate the limit"))
    reference = sp.diff(expr, var)
    return Derivation(f"d/d{var} of {expr} from the limit definition", tuple(steps),
                      reference=Reference(steps[-1].rhs, reference, "sympy.diff"))


def power() -> list[Derivation]:
    """x^n -> n x^(n-1): for a symbolic positive integer n by the binomial theorem, then checked
    from the limit definition for several n, negative and fractional ones included."""
    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    binomial_sum = sp.Sum(sp.binomial(n, k) * x ** (n - k) * h**k, (k, 0, n))
    reduced = sp.Sum(sp.binomial(n, k) * x ** (n - k) * h ** (k - 1), (k, 1, n))
    general = Derivation("power rule for a positive integer n", (
        Step(sp.Derivative(x**n, x), _limit(((x + h) ** n - x**n) / h),
             "definition of the derivative"),
        Step(_limit(((x + h) ** n - x**n) / h), _limit((binomial_sum - x**n) / h),
             "binomial theorem: (x + h)^n = sum over k of C(n, k) x^(n-k) h^k"),
        Step(_limit((binomial_sum - x**n) / h), _limit(reduced),
             "the k = 0 term is x^n and cancels; divide by h"),
        Step(_limit(reduced), sp.binomial(n, 1) * x ** (n - 1),
             "as h -> 0 only the k = 1 term survives (the others keep a factor h)"),
        Step(sp.binomial(n, 1) * x ** (n - 1), n * x ** (n - 1), "C(n, 1) = n"),
    ), assumptions=("n integer", "n > 0"), reference=Reference(n * x ** (n - 1), sp.diff(x**n, x),
                                                       "sympy.diff"))
    checks = []
    for value in (sp.Integer(3), sp.Integer(7), sp.Integer(-1), sp.Integer(-2),
                  sp.Rational(1, 2), sp.Rational(3, 2), sp.Rational(-1, 3)):
        checks.append(Step(_limit(((x + h) ** value - x**value) / h), value * x ** (value - 1),
                           f"limit definition with n = {value}"))
    table = Derivation("power rule checked for several n (x > 0 for fractional n)", tuple(checks),
                       assumptions=("x > 0",))
    return [general, table]


def product() -> Derivation:
    quotient = (f(x + h) * g(x + h) - f(x) * g(x)) / h
    split = ((f(x + h) - f(x)) / h) * g(x + h) + f(x) * ((g(x + h) - g(x)) / h)
    rhs = sp.Derivative(f(x), x) * g(x) + f(x) * sp.Derivative(g(x), x)
    return Derivation("product rule", (
        Step(sp.Derivative(f(x) * g(x), x), _limit(quotient), "definition of the derivative"),
        Step(_limit(quotient), _limit(sp.Add(f(x + h) * g(x + h), -f(x) * g(x + h),
                                             f(x) * g(x + h), -f(x) * g(x), evaluate=False) / h),
             "add and subtract f(x) g(x + h)"),
        Step(_limit(quotient), _limit(split), "group into two difference quotients"),
        Step(_limit(split), rhs,
             "limits of the difference quotients are f'(x) and g'(x); g is continuous"),
    ), reference=Reference(rhs, sp.diff(f(x) * g(x), x), "sympy.diff"))


def quotient() -> Derivation:
    fp, gp = sp.Derivative(f(x), x), sp.Derivative(g(x), x)
    rhs = (fp * g(x) - f(x) * gp) / g(x) ** 2
    return Derivation("quotient rule", (
        Step(sp.Derivative(f(x) / g(x), x),
             fp * g(x) ** -1 + f(x) * sp.Derivative(g(x) ** -1, x),
             "product rule on f(x) * g(x)^(-1)"),
        Step(fp * g(x) ** -1 + f(x) * sp.Derivative(g(x) ** -1, x),
             fp / g(x) - f(x) * gp / g(x) ** 2, "chain rule with the power rule"),
        Step(fp / g(x) - f(x) * gp / g(x) ** 2, rhs, "common denominator g^2"),
    ), reference=Reference(rhs, sp.diff(f(x) / g(x), x), "sympy.diff"))


def chain() -> list[Derivation]:
    u = g(x)
    outer = sp.Derivative(f(u), u)  # f'(g(x))
    # UnevaluatedExpr keeps the two quotients apart on the page (SymPy would cancel them)
    split = sp.UnevaluatedExpr((f(g(x + h)) - f(u)) / (g(x + h) - u)) * \
        sp.UnevaluatedExpr((g(x + h) - u) / h)
    scalar = Derivation("chain rule", (
        Step(sp.Derivative(f(u), x), _limit((f(g(x + h)) - f(u)) / h),
             "definition of the derivative"),
        Step(_limit((f(g(x + h)) - f(u)) / h), _limit(split),
             "multiply and divide by g(x + h) - g(x) (non-zero near x when g'(x) != 0)"),
        Step(_limit(split), outer * sp.Derivative(u, x),
             "the first quotient tends to f'(g(x)), the second to g'(x)"),
    ), reference=Reference(outer * sp.Derivative(u, x), sp.diff(f(u), x), "sympy.diff"))
    # the additive form: C(z_1(w), ..., z_N(w)) with N = 3
    w = sp.Symbol("w", real=True)
    C = sp.Function("C", real=True)
    zs = [sp.Function(f"z{i}", real=True)(w) for i in (1, 2, 3)]
    slots = sp.symbols("s1:4", real=True)
    partial = [sp.Subs(sp.Derivative(C(*slots), s), slots, zs) for s in slots]
    additive_rhs = sp.Add(*[p * sp.Derivative(z, w) for p, z in zip(partial, zs)])
    additive = Derivation("chain rule, several variables: dC/dw = sum_i dC/dz_i dz_i/dw", (
        Step(sp.Derivative(C(*zs), w), additive_rhs,
             "each z_i carries w: one chain-rule term per z_i, added"),
    ), reference=Reference(additive_rhs, sp.diff(C(*zs), w), "sympy.diff"))
    return [scalar, additive]


def examples() -> list[Derivation]:
    """The tutorial's worked examples, in the form the tutorial writes their results."""
    y = sp.Symbol("y", real=True)
    out = [differentiate(x**5, x, title="f(x) = x^5")]
    product_example = differentiate((x**4 + 2) * sp.cos(x), x, title="f(x) = (x^4 + 2) cos x")
    expanded = sp.expand(product_example.result)
    if expanded != product_example.result:
        steps = product_example.steps + (Step(product_example.result, expanded, "expand"),)
        product_example = Derivation(product_example.title, steps,
                                     reference=Reference(expanded, sp.diff((x**4 + 2) * sp.cos(x), x),
                                                "sympy.diff"))
    out.append(product_example)
    out.append(differentiate(x**4 * y, x, title="∂/∂x of x^4 y"))
    out.append(differentiate(x**4 * y, y, title="∂/∂y of x^4 y"))
    out += gradient(2 * x**2 + 4 * y, [x, y])
    OA, OB = sp.ImmutableMatrix([1, 1]), sp.ImmutableMatrix([3, 2])
    AB = sp.ImmutableMatrix([2, 1])
    componentwise = sp.ImmutableMatrix([sp.Add(3, -1, evaluate=False),
                                        sp.Add(2, -1, evaluate=False)])
    length = sp.sqrt(sp.Add(sp.Pow(2, 2, evaluate=False), sp.Pow(1, 2, evaluate=False),
                            evaluate=False), evaluate=False)
    out.append(Derivation("vector AB for OA = i + j, OB = 3i + 2j", (
        Step(sp.MatAdd(OB, sp.MatMul(-1, OA)), componentwise, "AB = OB - OA, component by component"),
        Step(componentwise, AB, "arithmetic: AB = 2i + j"),
        Step(length, sp.sqrt(5), "length |AB| = sqrt(2^2 + 1^2)"),
    )))
    return out


DERIVATIONS = {  # the name `derive rule` takes -> the derivation(s)
    "derivative": derivative,
    "power": power,
    "product": product,
    "quotient": quotient,
    "chain": chain,
    "examples": examples,
}
