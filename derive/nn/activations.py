"""Activation functions: a = sigma(z), its derivative, and the derivative in terms of the output a.

One registry, `ACTIVATIONS`, keyed by the word the CLI takes (the same kind of keys as `COSTS`); a
record is derived once per process and cached. A user expression in z (with symbolic parameters such
as beta) is accepted too, parsed by the safe parser. For each activation the derivative is derived by
the step-by-step rules, and re-expressed in terms of a where possible:

* invertible sigma: solve a = sigma(z) for z and substitute (sigmoid: a(1 - a); tanh: 1 - a^2;
  softplus: 1 - e^(-a); beta-logistic: beta a(1 - a));
* piecewise-linear sigma through the origin (ReLU, leaky ReLU): sigma'(a) itself, since a and z have
  the same sign;

and every form found is verified (sigma'(z) = g(sigma(z)) for all z) before it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.calc.differentiate import differentiate
from derive.calc.rules import RELU_NOTE
from derive.calc.steps import Derivation, Step
from derive.engine.diagnose import readable
from derive.engine.isolation import TaskTimeout, time_limit
from derive.engine.verdict import Status
from derive.engine.verify import decide
from derive.nn.registry import Registry
from derive.text import InputError, parse_expression

z = sp.Symbol("z", real=True)
a = sp.Symbol("a", real=True)
LEAKY_SLOPE = sp.Rational(1, 100)
RANGE_SECONDS = 2.0   # CPU seconds to find a user activation's range (unknown past them)
SOLVE_SECONDS = 3.0   # CPU seconds for `solve` to invert it where `solveset` cannot


@dataclass(frozen=True)
class Activation:
    """`expr` in z; `derivative` in z; `derivative_in_a` in a (None when a does not determine it);
    `output_range` an Interval when known; `convention` a sentence about non-smooth points."""

    name: str
    expr: sp.Expr
    derivative: sp.Expr
    derivative_in_a: sp.Expr | None
    output_range: sp.Set | None
    convention: str | None
    derivation: Derivation


SPECS = {  # name -> (sigma(z), its range)
    "sigmoid": (1 / (1 + sp.exp(-z)), sp.Interval.open(0, 1)),
    "tanh": (sp.tanh(z), sp.Interval.open(-1, 1)),
    "relu": (sp.Max(0, z), sp.Interval(0, sp.oo)),
    "identity": (z, sp.S.Reals),
    "softplus": (sp.log(1 + sp.exp(z)), sp.Interval.open(0, sp.oo)),
    "leaky-relu": (sp.Max(0, z) + LEAKY_SLOPE * sp.Min(0, z), sp.S.Reals),
}


# the activations that couple a layer's outputs (`nn.softmax`): only an output layer takes them
VECTOR_VALUED = ("softmax", "log-softmax")


def _user_activation(spec: str) -> Activation:
    if spec in VECTOR_VALUED:
        raise InputError(f"{spec} couples a layer's outputs: it is an output activation "
                         f"(--output-activation {spec})")
    expr = parse_expression(spec)
    if z not in expr.free_symbols:
        raise InputError(f"the activation {spec!r} must be an expression in z "
                         f"(or one of {', '.join(SPECS)})")
    return build(spec, expr, _range(expr))


ACTIVATIONS: Registry[Activation] = Registry(SPECS, lambda name: build(name, *SPECS[name]),
                                             _user_activation)


def activation(spec: str) -> Activation:
    """The activation named `spec`, or the user's expression in z (derived once, then cached)."""
    return ACTIVATIONS.resolve(spec)


def build(name: str, expr, output_range) -> Activation:
    """The activation's record, derived once and kept on disk between runs (`engine.cache`)."""
    from derive.engine.cache import cached, key_of
    return cached("activation", key_of(name, expr, output_range),
                  lambda: _build(name, expr, output_range))


def _build(name: str, expr, output_range) -> Activation:
    derivation = differentiate(expr, z, title=f"activation {name}: d/dz of {_plain(expr)}")
    derivative = derivation.result
    in_a = in_terms_of_output(expr, derivative)
    steps = list(derivation.steps)
    if in_a is not None:
        steps.append(Step(derivative, in_a, "in terms of the output a = sigma(z)"))
    convention = RELU_NOTE if expr.has(sp.Max, sp.Min) else None
    return Activation(name, expr, derivative, in_a, output_range, convention,
                      Derivation(derivation.title, tuple(steps), meaning={a: expr},
                                 notes=(convention,) if convention else ()))


def in_terms_of_output(expr, derivative):
    """g with g(sigma(z)) = sigma'(z) for every real z, or None. Candidates are verified."""
    for candidate in _candidates(expr, derivative):
        if candidate is None or z in candidate.free_symbols:
            continue
        verdict = decide(candidate.xreplace({a: expr}), derivative, timeout=3.0, diagnose=False)
        if _trusted(verdict):
            return candidate
    return None


def _trusted(verdict) -> bool:
    """A proof, or a numeric search that ran in full. Not enough: a search cut short by the time
    limit (a LambertW inverse of swish, right on one branch only), or one that held only where the
    form is real (3 a^(2/3) for z^3)."""
    if verdict.status is Status.PROVED:
        return True
    return verdict.status is Status.NUMERIC and verdict.points >= 20 \
        and verdict.search_complete and verdict.one_side_real is None


def _candidates(expr, derivative):
    if not derivative.has(z):
        yield derivative  # constant slope (identity)
    yield derivative.subs(expr, a)  # sigma itself appears in sigma' (tanh: 1 - tanh^2)
    for inverse in _inverses(expr):
        form = derivative.xreplace({z: inverse})
        if _differs_somewhere(form.xreplace({a: expr}), derivative):
            continue   # right on one branch only: no form of it is worth simplifying and checking
        try:
            yield _in_a(form, derivative)
        except (ValueError, TypeError):   # a Piecewise whose condition the inverse makes NaN
            continue
    if expr.has(sp.Max, sp.Min) and expr.xreplace({z: 0}) == 0:
        yield derivative.xreplace({z: a})  # piecewise through 0: a and z share their sign


# real points, none at a kink of ReLU's kind, at which a candidate is compared with sigma' first
PROBES = tuple(sp.Rational(p, q) for p, q in ((-37, 10), (-3, 2), (-2, 7), (1, 5), (11, 10),
                                             (13, 4)))


def _differs_somewhere(candidate, derivative) -> bool:
    """Whether `candidate` (g(sigma(z))) is clearly not sigma'(z) at `PROBES` (30 digits): real
    values that differ at one, or no value (NaN, a branch that does not reach it) at two where
    sigma' has one. A point where sigma' has no real value, or evaluation fails, is no evidence:
    such a candidate goes on to its full check."""
    undefined = 0
    for point in PROBES:
        try:
            left = sp.N(candidate.xreplace({z: point}), 30)
            right = sp.N(derivative.xreplace({z: point}), 30)
        except (ValueError, TypeError, ArithmeticError):
            continue
        if not right.is_Float:
            continue
        if left is sp.nan:
            undefined += 1
        elif left.is_Float and abs(left - right) > sp.Float(10) ** -15 * (1 + abs(right)):
            return True
    return undefined >= 2


def _in_a(form, derivative):
    """sigma'(z) with z written in terms of a, in a readable form: a rational function of a in
    lowest terms with its common factors taken out (the sigmoid's a(1 - a)), else simplified."""
    rational = sp.factor_terms(sp.cancel(form), clear=True)
    if rational.is_rational_function(a):
        return rational
    return readable(sp.simplify(form), derivative)


def _inverses(expr) -> list:
    """z in terms of a = sigma(z): the real solutions `solveset` finds (each branch's, for a
    piecewise sigma: a candidate that holds on one branch only fails its check), else those
    `solve` finds within SOLVE_SECONDS (LambertW for z + e^z). `solve` checks its solutions with
    a function that loads SymPy's units package, a tenth of a second in every fresh process: the
    sigmoid's inverse comes from `solveset`."""
    try:
        found = _finite_elements(sp.solveset(sp.Eq(a, expr), z, sp.S.Reals))
    except (NotImplementedError, ValueError, TypeError):
        found = []
    if found:
        return found
    try:
        with time_limit(SOLVE_SECONDS):
            return sp.solve(sp.Eq(a, expr), z)
    except (NotImplementedError, ValueError, TypeError, TaskTimeout):
        return []


def _finite_elements(solutions) -> list:
    """The elements of the finite sets inside a solution set (an intersection with the reals or
    with a branch's interval, a union of branches)."""
    if isinstance(solutions, sp.FiniteSet):
        return list(solutions)
    if isinstance(solutions, (sp.Intersection, sp.Union)):
        return [e for part in solutions.args for e in _finite_elements(part)]
    return []


def _range(expr):
    """sigma's range over the reals, or None when SymPy cannot find it within RANGE_SECONDS
    (for sin(1/z) it looks for ever among infinitely many critical points)."""
    try:
        with time_limit(RANGE_SECONDS):
            return sp.calculus.util.function_range(expr, z, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError, TaskTimeout):
        return None


def _plain(expr) -> str:
    return str(expr).replace("**", "^")


def equivalence_of_tanh_and_sigmoid() -> Derivation:
    """tanh(z) = 2 sigmoid(2z) - 1: "equivalent, up to scaling"."""
    sigmoid = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    return Derivation("tanh is a scaled sigmoid", (
        Step(sp.tanh(z), (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z)),
             "definition of tanh"),
        Step((sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z)),
             (1 - sp.exp(-2 * z)) / (1 + sp.exp(-2 * z)), "divide through by e^z"),
        Step((1 - sp.exp(-2 * z)) / (1 + sp.exp(-2 * z)), 2 / (1 + sp.exp(-2 * z)) - 1,
             "write 1 - u as 2 - (1 + u)"),
        Step(2 / (1 + sp.exp(-2 * z)) - 1, 2 * sigmoid(2 * z) - 1, "sigmoid(2z) = 1/(1 + e^(-2z))"),
    ))
