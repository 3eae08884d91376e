"""Lambdify derived formulas into vectorised NumPy functions that never overflow.

A formula in exp(c z) (the sigmoid 1/(1 + e^-z), softplus log(1 + e^z), cross-entropy composed with
the sigmoid) overflows when evaluated literally at |z| = 1000. `stable` rewrites it as

    Piecewise((f written in G, z >= 0), (f written in G, z < 0)),   G = exp(-|z|) in (0, 1]

(for z >= 0, e^(c z) = G^(-c); for z < 0, e^(c z) = G^c), cancels, and turns log(G) back into
-|z|; both branches then stay finite everywhere, which matters because NumPy evaluates both. Each
rewrite is checked against the original formula by the verifier before it is used.

The names reaching `lambdify` are the project's own symbols (z, a, y and an activation's parameters
from the safe parser); user text never reaches it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.numpy import NumPyPrinter

from derive.calc.differentiate import plain
from derive.nn.activations import Activation, a, z
from derive.nn.costs import Cost, y
from derive.engine.verdict import Status
from derive.engine.verify import decide

G = sp.Symbol("G", positive=True)


def _exp_linear_in_z(expr) -> bool:
    return any(e.args[0].has(z) for e in expr.atoms(sp.exp))


def _side(expr, sign: int):
    """expr with e^(c z + d) written as e^d G^(-sign c), G = e^(-sign z); None if not linear."""
    def swap(e):
        arg = sp.expand(e.args[0])
        c, d = arg.coeff(z), arg - arg.coeff(z) * z
        if c.has(z) or d.has(z) or not c.is_number:
            raise ValueError("exponent not linear in z")
        return sp.exp(d) * G ** (-sign * c)
    try:
        rewritten = expr.rewrite(sp.exp).replace(lambda e: isinstance(e, sp.exp) and e.has(z),
                                                 swap)
    except ValueError:
        return None
    rewritten = rewritten.replace(lambda e: isinstance(e, sp.log),
                                  lambda e: sp.log(sp.factor(sp.together(e.args[0]))))
    rewritten = sp.expand_log(rewritten if rewritten.has(sp.log) else sp.cancel(rewritten),
                              force=True)
    rewritten = rewritten.replace(lambda e: isinstance(e, sp.log) and e.args[0] == G,
                                  lambda e: -sign * z)
    rewritten = sp.cancel(rewritten) if not rewritten.has(sp.log) else rewritten
    return rewritten if _bounded_in_G(rewritten) else None


def _bounded_in_G(expr) -> bool:
    """No negative power of G (which would be e^|z|) and no division by a sum vanishing at G = 0
    other than 1 + G-type denominators: every denominator must stay >= 1 - (terms in G)."""
    for power in expr.atoms(sp.Pow):
        if power.base.has(G) and power.exp.is_negative:
            denominator = power.base
            if denominator == G or denominator.xreplace({G: 0}) == 0:
                return False
    return True


def stable(expr):
    """An equivalent form of `expr` that does not overflow for large |z| (or `expr` itself)."""
    if not _exp_linear_in_z(expr):
        return expr
    positive, negative = _side(expr, +1), _side(expr, -1)
    if positive is None or negative is None:
        return expr
    return sp.Piecewise((positive, z >= 0), (negative, True))


@functools.lru_cache(maxsize=256)   # the network and its generated source share the checks
def verified_stable(expr):
    """`_verified_stable`, kept on disk between runs (`engine.cache`)."""
    from derive.engine.cache import cached, key_of
    return cached("stable-form", key_of(expr), lambda: _verified_stable(expr))


def _verified_stable(expr):
    """A stable form of `expr`, checked: (form, how it was checked), or (expr, None).

    Candidates, cheapest first: the form SymPy rewrites in tanh (the sigmoid becomes
    (1 + tanh(z/2))/2: no exponential, half the array passes of the piecewise form), then the
    piecewise form in G = exp(-|z|). A candidate must evaluate to finite values without floating-
    point errors for |z| up to 1000 and equal `expr` (the piecewise form branch by branch)."""
    if not _exp_linear_in_z(expr):
        return expr, None
    from derive.text import parse_assumptions
    # a logarithm (the cross-entropy of a sigmoid) is not tried in tanh: log(1/2 - tanh(z/2)/2)
    # is log 0 once tanh rounds to 1, so the candidate never passes. `cancel` puts the rewritten
    # exponentials over one denominator, as `simplify` did at a hundred times the cost
    tanh_form = None if expr.has(sp.log) else sp.factor_terms(sp.cancel(expr.rewrite(sp.tanh)))
    if tanh_form is not None and not tanh_form.has(sp.exp) and _finite(tanh_form):
        verdict = decide(tanh_form, expr, timeout=5.0, diagnose=False)
        if verdict.status.holds:
            return tanh_form, _how([verdict])
    form = stable(expr)
    if form is expr:
        return expr, None
    form = form.xreplace({G: sp.exp(-sp.Abs(z))})
    if not _finite(form):
        return expr, None
    # an even formula (sigma'(z) of the sigmoid) has the same form on both sides: one piece
    pieces = zip([b for b, _ in form.args], (["z >= 0"], ["z < 0"])) \
        if isinstance(form, sp.Piecewise) else [(form, [])]
    checks = [decide(branch, expr, parse_assumptions(half), timeout=5.0, diagnose=False)
              for branch, half in pieces]
    if all(v.status.holds for v in checks):
        return form, _how(checks)
    return expr, None


def _how(verdicts) -> str:
    return "proved" if all(v.status is Status.PROVED for v in verdicts) else "checked numerically"


FINITE_TEST = np.concatenate([np.linspace(-1000, 1000, 401), [0.0, 1e-300, -1e-300]])


def _finite(form) -> bool:
    """Finite, without overflow, invalid or divide errors, at |z| <= 1000 and targets 0, 0.3, 1."""
    others = sorted(form.free_symbols - {z}, key=str)
    f = _lambdify([z, *others], form)
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for target in (0.0, 0.3, 1.0):
                values = f(FINITE_TEST, *[np.full_like(FINITE_TEST, target) for _ in others])
                if not np.all(np.isfinite(values)):
                    return False
    except (FloatingPointError, ZeroDivisionError, OverflowError):
        return False
    return True


class WherePrinter(NumPyPrinter):
    """Piecewise as nested numpy.where: numpy.select (SymPy's default) builds condition lists and
    costs several times more, most of all on small arrays. And x**(-1) as 1/x, x**2 as x*x:
    numpy.power is several times slower. Both in parentheses of their own: the surrounding
    product places them as a power, which binds tighter, and adds none (z/x**2 must print as
    z/((x)*(x)), not z/(x)*(x))."""

    def _print_Pow(self, expr, rational=False):
        if expr.exp == -1:
            return f"(1/({self._print(expr.base)}))"
        if expr.exp == 2:
            base = self._print(expr.base)
            return f"(({base})*({base}))"
        return super()._print_Pow(expr, rational=rational)

    def _print_Piecewise(self, expr):
        *pieces, (last, condition) = expr.args
        if condition != sp.true:
            return super()._print_Piecewise(expr)
        code = self._print(last)
        for value, cond in reversed(pieces):
            code = f"numpy.where({self._print(cond)}, {self._print(value)}, {code})"
        return code


@functools.cache
def _numpy_names() -> dict:
    """The names lambdify's "numpy" module gives a formula (NumPy's and numpy.linalg's public
    names, I, Heaviside and Abs), taken from the modules as imported: lambdify's own
    `from numpy import *` would also import the submodules NumPy loads lazily (numpy.testing,
    numpy.f2py, ...), a tenth of a second of every run that compiles a formula."""
    from sympy.utilities.lambdify import NUMPY_DEFAULT, NUMPY_TRANSLATIONS

    loaded = vars(np)
    names = {**NUMPY_DEFAULT, "numpy": np}
    names.update({name: loaded[name] for name in np.__all__ if name in loaded})
    names.update({name: getattr(np.linalg, name) for name in np.linalg.__all__})
    names.update({sympy_name: names[name] for sympy_name, name in NUMPY_TRANSLATIONS.items()})
    names.setdefault("Abs", abs)
    return names


def _lambdify(args, expr) -> Callable:
    # the names are derive's own symbols: nothing here comes from user text unparsed
    f = sp.lambdify(args, expr, modules=[_numpy_names()], cse=True,
                    printer=WherePrinter({"fully_qualified_modules": False, "inline": True,
                                          "allow_unknown_functions": True,
                                          "user_functions": {}}))
    if not expr.free_symbols & set(args) or expr.is_number:
        constant = float(expr)
        return lambda *v: np.full(np.shape(v[0]), constant)
    try:   # LambertW has no NumPy name; erf and gamma print as math's, which take no arrays
        with np.errstate(all="ignore"):
            f(*[np.array([0.3, 0.7]) for _ in args])
    except (NameError, TypeError, AttributeError):
        functions = sorted({type(g).__name__ for g in expr.atoms(sp.Function)})
        raise ValueError(f"{plain(expr)[:60]} uses {', '.join(functions) or 'a function'}, which "
                         "NumPy does not compute on arrays: a network needs NumPy's functions")
    return f


@dataclass(frozen=True)
class CompiledActivation:
    name: str
    forward: Callable           # z -> a
    slope: Callable             # a -> sigma'(z) when `slope_in_a`, else z -> sigma'(z)
    slope_in_a: bool
    stabilised: tuple           # which formulas were rewritten, and how they were checked


@dataclass(frozen=True)
class CompiledCost:
    name: str
    value: Callable             # (a, y) -> C per output
    gradient: Callable          # (a, y) -> dC/da
    value_from_z: Callable | None   # (z, y) -> C(sigma(z), y) for the output activation, stable
    delta: Callable | None          # (a, y) -> delta^L, simplified, when it is a function of a, y
    stabilised: tuple


def explicit(what: str, name: str, expr) -> None:
    """ValueError (one line) for a formula with an unknown function: it has no numbers."""
    unknown = sorted({str(f.func) for f in expr.atoms(AppliedUndef)})
    if unknown:
        raise ValueError(f"the {what} {name} uses the unknown function {unknown[0]}: a network "
                         "needs an explicit formula")


def numeric_activation(act: Activation) -> None:
    """ValueError (one line) for an activation a network cannot compute: an unknown function, or
    a free parameter such as beta with no value."""
    explicit("activation", act.name, act.expr)
    params = sorted(act.expr.free_symbols - {z}, key=str)
    if params:
        raise ValueError(f"the activation {act.name} has free parameters "
                         f"({', '.join(map(str, params))}): give them values, e.g. beta = 2")


def compile_activation(act: Activation) -> CompiledActivation:
    numeric_activation(act)
    forward_expr, how = verified_stable(act.expr)
    notes = [f"sigma: {how}"] if how else []
    slope, in_a = None, False
    if act.derivative_in_a is not None:
        try:
            slope, in_a = _lambdify([a], act.derivative_in_a), True
        except ValueError:   # z + e^z: sigma'(a) needs LambertW; sigma'(z) does not
            pass
    if slope is None:
        slope_expr, how_slope = verified_stable(act.derivative)
        notes += [f"sigma': {how_slope}"] if how_slope else []
        slope = _lambdify([z], slope_expr)
    forward = _lambdify([z], forward_expr)
    _real_everywhere(act.name, forward)
    return CompiledActivation(act.name, forward, slope, in_a, tuple(notes))


PRE_ACTIVATIONS = np.linspace(-10, 10, 200)   # where a network's z lie (0 itself not among them)


def _real_everywhere(name: str, forward) -> None:
    """ValueError (one line) for an activation with no real value at some z a network meets
    (log(z), z^z and sqrt(z) below 0): training would stop on its NaN as if it had diverged."""
    with np.errstate(all="ignore"):
        values = np.asarray(forward(PRE_ACTIVATIONS))
    undefined = np.isnan(values) | np.iscomplex(values)   # iscomplex: False on a real array
    if np.any(undefined):
        where = PRE_ACTIVATIONS[np.argmax(undefined)]
        raise ValueError(f"the activation {name} has no real value at z = {where:.3g}: a network's "
                         "pre-activations can take any value, so it must be defined for every z")


def cost_of_z(cost: Cost, output: Activation):
    """C(sigma(z), y) in a stable form, and how it was checked: (form, how); (None, None) when
    it is not a function of z and y."""
    composed, how = verified_stable(sp.expand_log(cost.expr.xreplace({a: output.expr}),
                                                  force=True))
    return (None, None) if composed.has(a) else (composed, how)


def simplified_delta(output: Activation, cost: Cost):
    """The checked output-layer derivation when its delta^L is a function of a and y alone (the
    sigmoid with cross-entropy: a - y); else None."""
    from derive.nn.backprop import output_layer
    if output.derivative_in_a is None:
        return None
    derivation = output_layer(output, cost)
    return derivation if derivation.holds and not derivation.result.has(z) else None


def compile_cost(cost: Cost, output: Activation) -> CompiledCost:
    explicit("cost", cost.name, cost.expr)
    value = _lambdify([a, y], cost.expr)
    gradient = _lambdify([a, y], cost.gradient)
    composed, how = cost_of_z(cost, output)
    value_from_z = _lambdify([z, y], composed) if composed is not None else None
    derivation = simplified_delta(output, cost)
    try:
        delta = _lambdify([a, y], derivation.result) if derivation is not None else None
    except ValueError:   # delta^L in a needs LambertW (z + e^z): dC/da sigma'(z) is used instead
        delta = None
    return CompiledCost(cost.name, value, gradient, value_from_z, delta,
                        (f"C(sigma(z), y): {how}",) if how else ())


# -- vector-valued outputs (softmax, log-softmax) -------------------------------------------------

def log_softmax(Z):
    """log p for each column of Z, from the log-sum-exp form `softmax.shift_invariance` checks:
    every exponent is <= 0, so it is finite for any finite Z."""
    shifted = Z - Z.max(axis=0)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0))


@dataclass(frozen=True)
class CompiledVectorOutput:
    """An output layer whose activation couples its units; arrays are (units, samples)."""

    name: str
    log_probabilities: bool    # the outputs are log p (log-softmax), not p

    def forward(self, Z):
        L = log_softmax(Z)
        return L if self.log_probabilities else np.exp(L)

    def probabilities(self, A):
        return np.exp(A) if self.log_probabilities else A


def compile_vector_output(act) -> CompiledVectorOutput:
    from derive.nn.softmax import shift_invariance
    if not shift_invariance().holds:
        raise ValueError("the stable form of softmax does not check")
    return CompiledVectorOutput(act.name, act.name == "log-softmax")


ELL = sp.Symbol("ell", real=True)   # log p, the log-probability of one output


@dataclass(frozen=True)
class VectorCost:
    """A per-output cost of a vector output, in the forms the network computes: C in the
    log-probability ell (log a written as ell, so a probability that underflows to 0 costs
    nothing infinite), and delta_j = diagonal + outside * sum_i inside, each in (a, y)."""

    in_log_p: sp.Expr
    diagonal: sp.Expr
    outside: sp.Expr
    inside: sp.Expr


def vector_cost(cost: Cost, output) -> VectorCost:
    from derive.nn.softmax import a as a_indexed, collapse, i, j, y as y_indexed
    explicit("cost", cost.name, cost.expr)
    if output.name == "log-softmax":
        in_log_p = cost.expr.xreplace({a: ELL})
    else:
        in_log_p = sp.expand_log(cost.expr.xreplace({a: sp.exp(ELL)}), force=True)
    if in_log_p.has(sp.log):
        raise ValueError(f"the cost {cost.name} cannot be written in log-probabilities")
    parts = collapse(output, cost)
    at_j = {a_indexed[j]: a, y_indexed[j]: y}
    return VectorCost(in_log_p, parts.diagonal.xreplace(at_j), parts.outside.xreplace(at_j),
                      parts.inside.xreplace({a_indexed[i]: a, y_indexed[i]: y}))


def compile_vector_cost(cost: Cost, output) -> CompiledCost:
    """The cost of a vector output: per-output values from the log-probabilities, and delta^L
    from the derivation's collapsed form."""
    forms = vector_cost(cost, output)
    diagonal, outside, inside = (_lambdify([a, y], e) for e in
                                 (forms.diagonal, forms.outside, forms.inside))
    per_output = _lambdify([ELL, y], forms.in_log_p)

    def delta(A, Y):
        return diagonal(A, Y) + outside(A, Y) * np.sum(inside(A, Y), axis=0)

    return CompiledCost(cost.name, _lambdify([a, y], cost.expr), _lambdify([a, y], cost.gradient),
                        lambda Z, Y: per_output(log_softmax(Z), Y), delta, ())
