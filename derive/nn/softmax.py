"""Vector-valued output activations: softmax and log-softmax, whose every output depends on every
input, so the Jacobian da_i/dz_j is not diagonal.

Each is written index by index for K outputs (`a_i = e^(z_i) / sum_l e^(z_l)`), its Jacobian is
derived step by step, and every step is checked entry by entry in concrete layers (K = 2 and 3,
every i and j): the indexed symbols are replaced by the explicit functions of z_1..z_K and both sides
differentiated by SymPy.

The output layer with a per-output cost c(a_i, y_i) summed over outputs: the additive chain rule
gives  delta_j = sum_i c'(a_i) da_i/dz_j, which for softmax is  u_j - a_j sum_i u_i  with
u_i = a_i c'(a_i). For categorical cross-entropy u_i = -y_i, so delta_j = a_j sum_i y_i - y_j:
a_j - y_j exactly when the targets sum to 1, which is stated as the step's condition.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import sympy as sp
from sympy.printing.str import StrPrinter

from derive.calc.steps import Derivation, Step
from derive.engine.notation import D, i, j, l
from derive.engine.verdict import Verdict, worst
from derive.engine.verify import decide
from derive.nn.activations import VECTOR_VALUED, a as a_unit
from derive.nn.costs import Cost, y as y_unit
from derive.nn.registry import Registry

K = sp.Symbol("K", integer=True, positive=True)
z, a, y = (sp.IndexedBase(name) for name in ("z", "a", "y"))
C = sp.Symbol("C", real=True)
SIZES = (2, 3)   # the concrete layers every step is checked in
ONE_HOT = "sum_i y_i = 1"


@dataclass(frozen=True)
class VectorActivation:
    """`expr`: the output a_i as a function of z_1..z_K (indexed, symbolic K); `jacobian`:
    da_i/dz_j in the outputs a and KroneckerDelta(i, j); `probability`: the probability p_i the
    output stands for, in a_i (softmax: a_i itself; log-softmax: e^(a_i))."""

    name: str
    expr: sp.Expr
    jacobian: sp.Expr
    probability: sp.Expr
    output_range: sp.Set
    derivation: Derivation
    convention: str | None = None
    derivative_in_a = None   # not elementwise: no sigma'(a)
    vector = True


def entries(expr, size: int) -> list:
    """The outputs a_1..a_size of an indexed formula in z (symbolic K), explicit in z_1..z_size."""
    return [_concrete(expr, size, {i: n}) for n in range(1, size + 1)]


def _concrete(expr, size: int, indices: dict):
    """`expr` at K = size and the given index values, its sums written out term by term (the
    derivatives inside them left pending)."""
    expr = expr.xreplace({K: sp.Integer(size)})
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), _written_out)
    return expr.xreplace({k: sp.Integer(v) for k, v in indices.items()})


def _written_out(total: sp.Sum):
    """A sum with numeric bounds as its terms; xreplace, unlike subs, also reaches the variables
    of a pending derivative (dC/da_i)."""
    (variable, low, high), = total.limits
    return sp.Add(*[total.function.xreplace({variable: sp.Integer(n)})
                    for n in range(int(low), int(high) + 1)])


def _explicit(expr, outputs, cost: Cost | None, size: int):
    """Pending derivatives evaluated with their meaning at this size: dC/da_n is c'(a_n, y_n),
    da_n/dz_m and dC/dz_m are computed from the explicit outputs; then a_n is its formula in z."""
    total = sum(cost.expr.xreplace({a_unit: outputs[n], y_unit: y[n + 1]})
                for n in range(size)) if cost else None
    meaning = {a[n + 1]: outputs[n] for n in range(size)}

    def evaluate(d):
        what, (by, _) = d.expr, d.variable_count[0]
        if what == C and isinstance(by, sp.Indexed) and by.base == a:
            return cost.gradient.xreplace({a_unit: by, y_unit: y[by.indices[0]]})
        if what == C:
            return sp.diff(total, by)
        return sp.diff(what.xreplace(meaning), by)
    evaluated = expr.replace(lambda e: isinstance(e, sp.Derivative), evaluate)
    return evaluated.xreplace(meaning)


def instance(expr, size: int, index: int, outputs, cost: Cost, targets):
    """An indexed formula in a_j, y_j (a derived delta_j) at K = size and j = index, with the
    outputs and targets of an explicit network."""
    value = _explicit(_concrete(expr, size, {j: index}), outputs, cost, size)
    return value.xreplace({y[n + 1]: targets[n] for n in range(size)})


def check_entries(step: Step, cost: Cost | None, activation: sp.Expr, one_hot: bool = False,
                  timeout: float = 5.0) -> Verdict:
    """`step` checked in layers of every size of SIZES at every (i, j); with `one_hot`, under
    the targets summing to 1 (y_K = 1 - the others). The worst instance stands for the step."""
    verdicts = []
    for size in SIZES:
        outputs = entries(activation, size)
        targets = {y[size]: 1 - sum(y[n] for n in range(1, size))} if one_hot else {}
        for first in range(1, size + 1):
            for second in range(1, size + 1):
                at = {i: first, j: second}
                sides = [_explicit(_concrete(side, size, at), outputs, cost, size).xreplace(targets)
                         for side in (step.lhs, step.rhs)]
                verdict = decide(*sides, timeout=timeout, diagnose=False)
                verdicts.append(verdict)
                if not verdict.status.holds:
                    return replace(verdict, note=f"fails at K = {size}, i = {first}, "
                                                 f"j = {second}")
    return replace(worst(verdicts), lhs=step.lhs, rhs=step.rhs)


def _checked(title: str, steps, activation: sp.Expr, cost: Cost | None = None,
             one_hot_from: int | None = None, notes=(), assumptions=()) -> Derivation:
    """A derivation whose steps are each checked entry by entry (from step `one_hot_from` on,
    under sum_i y_i = 1)."""
    verdicts = tuple(check_entries(step, cost, activation,
                                   one_hot_from is not None and number >= one_hot_from)
                     for number, step in enumerate(steps))
    return Derivation(title, tuple(steps), tuple(assumptions), verdicts=verdicts,
                      notes=tuple(notes))


# -- the activations ----------------------------------------------------------------------------

def _exp_sum():
    return sp.Sum(sp.exp(z[l]), (l, 1, K))


def _softmax() -> VectorActivation:
    S = _exp_sum()
    expr = sp.exp(z[i]) / S
    delta_ij = sp.KroneckerDelta(i, j)
    steps = (
        Step(D(a[i], z[j]), D(expr, z[j]), "definition a_i = e^(z_i) / sum_l e^(z_l)"),
        Step(D(expr, z[j]), (delta_ij * sp.exp(z[i]) * S - sp.exp(z[i]) * sp.exp(z[j])) / S**2,
             "quotient rule: d e^(z_i)/dz_j = delta_ij e^(z_i), and the sum's derivative is "
             "e^(z_j)"),
        Step((delta_ij * sp.exp(z[i]) * S - sp.exp(z[i]) * sp.exp(z[j])) / S**2,
             delta_ij * sp.exp(z[i]) / S - (sp.exp(z[i]) / S) * (sp.exp(z[j]) / S),
             "split the fraction"),
        Step(D(a[i], z[j]), a[i] * (delta_ij - a[j]),
             "in the outputs: e^(z_i) / sum_l e^(z_l) = a_i"),
    )
    derivation = _checked("activation softmax: the Jacobian da_i/dz_j", steps, expr,
                          notes=("every output depends on every input: the Jacobian "
                                 "diag(a) - a a^T is not diagonal, so delta needs a Jacobian-"
                                 "vector product where an elementwise activation multiplies "
                                 "by sigma'(z) entry by entry",))
    return VectorActivation("softmax", expr, a[i] * (delta_ij - a[j]), a[i],
                            sp.Interval.open(0, 1), derivation)


def _log_softmax() -> VectorActivation:
    S = _exp_sum()
    expr = z[i] - sp.log(S)
    delta_ij = sp.KroneckerDelta(i, j)
    steps = (
        Step(D(a[i], z[j]), D(expr, z[j]), "definition a_i = z_i - log sum_l e^(z_l)"),
        Step(D(expr, z[j]), delta_ij - sp.exp(z[j]) / S,
             "dz_i/dz_j = delta_ij; chain rule through the log"),
        Step(D(a[i], z[j]), delta_ij - sp.exp(a[j]),
             "e^(z_j) / sum_l e^(z_l) = e^(a_j), the softmax"),
    )
    derivation = _checked("activation log-softmax: the Jacobian da_i/dz_j", steps, expr,
                          notes=("the outputs are log-probabilities: e^(a_i) is the softmax",))
    return VectorActivation("log-softmax", expr, delta_ij - sp.exp(a[j]), sp.exp(a[i]),
                            sp.Interval.open(-sp.oo, 0), derivation)


SPECS = dict(zip(VECTOR_VALUED, (_softmax, _log_softmax)))
VECTOR_ACTIVATIONS: Registry[VectorActivation] = Registry(
    SPECS, lambda name: SPECS[name](), lambda spec: None)


def is_vector(spec: str | None) -> bool:
    return spec in SPECS


# -- the output layer ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Collapsed:
    """delta_j = diagonal(a_j, y_j) + outside(a_j, y_j) * sum_i inside(a_i, y_i)."""

    diagonal: sp.Expr
    outside: sp.Expr
    inside: sp.Expr

    @property
    def expr(self):
        return self.diagonal + self.outside * sp.Sum(self.inside, (i, 1, K))


def collapse(act: VectorActivation, cost: Cost) -> Collapsed:
    """delta_j = sum_i c'(a_i) J_ij written without the delta_ij: the i = j term plus the rest as
    one sum, each factor simplified (a_i c'(a_i) = -y_i for categorical cross-entropy)."""
    expanded = sp.expand(_gradient_i(cost) * act.jacobian)
    on_diagonal = sum(t for t in sp.Add.make_args(expanded) if t.has(sp.KroneckerDelta))
    rest = expanded - on_diagonal
    diagonal = sp.cancel((on_diagonal / sp.KroneckerDelta(i, j)).xreplace({i: j}))
    rest_j = sp.factor_terms(sp.cancel(rest))
    outside = sp.Mul(*[f for f in sp.Mul.make_args(rest_j) if not f.has(i)])
    return Collapsed(diagonal, outside, sp.cancel(rest_j / outside))


def collapsed(act: VectorActivation, cost: Cost):
    return collapse(act, cost).expr


@functools.lru_cache(maxsize=1)
def shift_invariance() -> Derivation:
    """softmax(z - c) = softmax(z) for any c: subtracting max_l z_l keeps every exponent <= 0, so
    the outputs are computed without overflow (checked once per process)."""
    c = sp.Symbol("c", real=True)
    act = vector_activation("softmax")
    shifted = sp.exp(z[i] - c) / sp.Sum(sp.exp(z[l] - c), (l, 1, K))
    log_p = z[i] - c - sp.log(sp.Sum(sp.exp(z[l] - c), (l, 1, K)))
    return _checked("softmax computed stably", (
        Step(act.expr, shifted, "multiply above and below by e^(-c): c = max_l z_l in practice"),
        Step(shifted, sp.exp(log_p),
             "log-sum-exp: through the log-probabilities of the shifted exponents"),
    ), act.expr)


def _gradient_i(cost: Cost):
    return cost.gradient.xreplace({a_unit: a[i], y_unit: y[i]})


def output_layer(act: VectorActivation, cost: Cost) -> Derivation:
    """delta_j = dC/dz_j for the vector output `act` with the per-output cost `cost`, derived for
    K outputs: the Jacobian-vector product, the sum collapsed, and (when the sum of the targets
    appears) the form under sum_i y_i = 1. Kept on disk between runs: a document's pair and its
    explicit-network proof both use it."""
    from derive.engine.cache import cached, key_of
    return cached("vector-output-layer", key_of(act, cost), lambda: _output_layer(act, cost))


def _output_layer(act: VectorActivation, cost: Cost) -> Derivation:
    jvp = sp.Sum(_gradient_i(cost) * act.jacobian, (i, 1, K))
    chain = sp.Sum(D(C, a[i]) * D(a[i], z[j]), (i, 1, K))
    steps = [Step(D(C, z[j]), chain,
                  "chain rule, additive form: z_j reaches C through every output a_i"),
             Step(chain, jvp, f"dC/da_i of the cost, and the Jacobian of {act.name}")]
    general = collapsed(act, cost)
    steps.append(Step(jvp, general, "sum collapses: only i = j survives the delta_ij term"))
    one_hot_from, notes = None, []
    target_sum = sp.Sum(y[i], (i, 1, K))
    if general.has(target_sum):
        one_hot_from = len(steps)
        steps.append(Step(general, sp.expand(general.xreplace({target_sum: 1})),
                          "the targets sum to 1 (one-hot labels, or a distribution)"))
        notes.append(f"without sum_i y_i = 1, delta_j = {plain(general)}: targets that sum to "
                     f"2, such as y = (1, 1, 0), give delta_j = "
                     f"{plain(sp.expand(general.xreplace({target_sum: 2})))}")
    return _checked(f"output layer: {act.name} with {cost.name}", steps, act.expr, cost,
                    one_hot_from, notes, (ONE_HOT,) if one_hot_from is not None else ())


def plain(expr) -> str:
    """A formula in a note: ^ for powers, a space for a product (a * would start italics in
    Markdown), entries and sums as the note's words write them (a_j, sum_i y_i)."""
    return _NotePrinter().doprint(expr).replace("**", "^").replace("*", " ")


class _NotePrinter(StrPrinter):
    """SymPy's str printer with a_j for a[j] and sum_i y_i for Sum(y[i], (i, 1, K))."""

    printmethod = "_note_str"   # Indexed prints itself as a[j] otherwise

    def _print_Indexed(self, expr):
        return f"{expr.base}_{','.join(self._print(n) for n in expr.indices)}"

    def _print_Sum(self, expr):
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        return " ".join(f"sum_{self._print(limit[0])}" for limit in reversed(expr.limits)) \
            + " " + body


@functools.lru_cache(maxsize=None)
def vector_activation(spec: str) -> VectorActivation:
    return VECTOR_ACTIVATIONS[spec]


def output_activation(spec: str):
    """An output layer's activation: softmax or log-softmax, or any elementwise one."""
    from derive.nn.activations import activation
    return vector_activation(spec) if is_vector(spec) else activation(spec)
