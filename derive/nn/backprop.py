"""Per-layer backpropagation, derived from z^m = W^m a^(m-1) + b^m and a^m = sigma^m(z^m).

The derivations, every step named and checked:

1. Index level (`index_level`): dC/dW_ij = sum_k dC/dz_k dz_k/dW_ij, dz_k/dW_ij from the sum (a
   Kronecker delta), the collapse to dC/dz_i a_j; the same for b; the hidden-layer recurrence; the
   vector forms. These steps are written for symbolic layer sizes N^m and checked in a concrete
   network (`engine.layers`: every layer, two patterns of widths, every index value).
2. Output layer for the chosen activation and cost (`output_layer`): delta^L = dC/da sigma'(z),
   sigma' in terms of a, simplified; checked with a = sigma(z).
3. Hidden layers for the chosen activation (`hidden_layer`).
4. Gradient descent and momentum (`updates`).

The explicit network proof is `nn.network`; `assemble` puts the parts in the document's order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from derive.calc.steps import Derivation, Reason, Rule, Step
from derive.display import Displayed
from derive.engine.diagnose import readable
from derive.engine.layers import check_layer_step
from derive.engine.notation import (
    A_prev, C, D, N_m, N_next, N_prev, W_m, W_next, W_next_matrix, a_m, a_prev, b_m, b_next, dC_db,
    dC_dW, delta, delta_next, h, i, j, k, l, sigma_prime_z, z_m, z_next)
from derive.nn.activations import Activation, a, equivalence_of_tanh_and_sigmoid, z
from derive.nn.costs import Cost
from derive.nn.proofs import NetworkProof


def _check_indexed(derivation: Derivation, output: bool = False) -> Derivation:
    """Check each step in a concrete network, at every layer (only the last with `output`), two
    patterns of layer widths and every index value (`engine.layers`)."""
    verdicts = tuple(check_layer_step(step.lhs, step.rhs, output) for step in derivation.steps)
    return Derivation(derivation.title, derivation.steps, derivation.assumptions,
                      verdicts=verdicts, notes=derivation.notes)


# -- 1. the index-level derivation -------------------------------------------------------------------

def general() -> list[Derivation]:
    """Index-level derivations for any activation and cost (checked in a concrete network)."""
    z_k = sp.Sum(W_m[k, l] * a_prev[l], (l, 1, N_prev)) + b_m[k]
    weights = Derivation("weights: dC/dW^m", (
        Step(D(C, W_m[i, j]), sp.Sum(D(C, z_m[k]) * D(z_m[k], W_m[i, j]), (k, 1, N_m)),
             "chain rule, additive form: W_ij reaches C through every z_k"),
        Step(D(z_m[k], W_m[i, j]), D(z_k, W_m[i, j]), "definition z_k = sum_l W_kl a_l + b_k"),
        Step(D(z_k, W_m[i, j]), sp.Sum(sp.KroneckerDelta(i, k) * sp.KroneckerDelta(j, l)
                                     * a_prev[l], (l, 1, N_prev)),
             "dW_kl/dW_ij = delta_ik delta_jl; b_k does not depend on W"),
        Step(sp.Sum(sp.KroneckerDelta(i, k) * sp.KroneckerDelta(j, l) * a_prev[l],
                    (l, 1, N_prev)),
             sp.KroneckerDelta(i, k) * a_prev[j], "sum collapses: only l = j survives"),
        Step(D(C, W_m[i, j]), sp.Sum(D(C, z_m[k]) * sp.KroneckerDelta(i, k) * a_prev[j], (k, 1, N_m)),
             "substitute dz_k/dW_ij"),
        Step(sp.Sum(D(C, z_m[k]) * sp.KroneckerDelta(i, k) * a_prev[j], (k, 1, N_m)),
             D(C, z_m[i]) * a_prev[j], "sum collapses: only k = i survives"),
        Step(dC_dW, delta * A_prev.T, "vector form, with delta^m = dC/dz^m: an outer product"),
    ))
    biases = Derivation("biases: dC/db^m", (
        Step(D(C, b_m[i]), sp.Sum(D(C, z_m[k]) * D(z_m[k], b_m[i]), (k, 1, N_m)),
             "chain rule, additive form"),
        Step(D(z_m[k], b_m[i]), sp.KroneckerDelta(i, k), "z_k holds b_k and no other bias"),
        Step(D(C, b_m[i]), D(C, z_m[i]), "sum collapses: only k = i survives"),
        Step(dC_db, delta, "vector form"),
    ))
    z_l_next = sp.Sum(W_next[l, h] * a_m[h], (h, 1, N_m)) + b_next[l]
    hidden = Derivation("hidden layers: delta^m from delta^(m+1)", (
        Step(D(C, z_m[k]), D(C, a_m[k]) * D(a_m[k], z_m[k]),
             "chain rule: z_k reaches C only through a_k = sigma(z_k)"),
        Step(D(C, a_m[k]), sp.Sum(D(C, z_next[l]) * D(z_next[l], a_m[k]), (l, 1, N_next)),
             "chain rule, additive form: a_k feeds every z^(m+1)_l"),
        Step(D(z_next[l], a_m[k]), D(z_l_next, a_m[k]), "definition of z^(m+1)_l"),
        Step(D(z_l_next, a_m[k]), W_next[l, k], "sum collapses: only h = k survives"),
        Step(D(C, z_m[k]), sp.Sum(W_next[l, k] * D(C, z_next[l]), (l, 1, N_next)) * D(a_m[k], z_m[k]),
             "substitute"),
        Step(delta, sp.HadamardProduct(W_next_matrix.T * delta_next, sigma_prime_z),
             "vector form: (W^(m+1))^T delta^(m+1), times sigma'(z^m) elementwise"),
    ))
    output = Derivation("output layer: delta^L", (
        Step(D(C, z_m[k]), D(C, a_m[k]) * D(a_m[k], z_m[k]),
             "chain rule: a_k is the only path from z_k to C (layer m = L)"),
    ))
    return [_check_indexed(weights), _check_indexed(biases), _check_indexed(output, output=True),
            _check_indexed(hidden)]


# -- 2., 3. the chosen activation and cost -----------------------------------------------------------

def output_layer(act: Activation, cost: Cost) -> Derivation:
    """delta^L = dC/da sigma'(z) for this pair, in terms of a, simplified. Checked with a = sigma(z);
    kept on disk between runs (a network compiles its delta from it)."""
    from derive.engine.cache import cached, key_of
    return cached("output-layer", key_of(act, cost), lambda: _output_layer(act, cost))


def _output_layer(act: Activation, cost: Cost) -> Derivation:
    delta_L = sp.Symbol("delta^L", real=True)
    steps = [Step(delta_L, cost.gradient * act.derivative,
                  "delta^L = dC/da * sigma'(z): the cost's and the activation's derivatives")]
    if act.derivative_in_a is not None:
        steps.append(Step(steps[-1].rhs, cost.gradient * act.derivative_in_a,
                          "sigma'(z) in terms of the output a"))
        simplest = readable(sp.cancel(steps[-1].rhs), steps[-1].rhs)
        if simplest != steps[-1].rhs:
            steps.append(Step(steps[-1].rhs, simplest, _why_simpler(act, cost)))
    # (the derivative unevaluated: the check knows what is differentiated, and where it has a
    # kink, a slope there is a convention, not a counterexample)
    meaning = {delta_L: sp.Derivative(cost.expr.xreplace({a: act.expr}), z), a: act.expr}
    notes = (act.convention,) if act.convention else ()
    return Derivation(f"output layer: {act.name} with {cost.name}", tuple(steps), notes=notes,
                      meaning=meaning).check()


def any_output_layer(act, cost: Cost) -> Derivation:
    """delta^L for an elementwise output (`output_layer`) or a vector one (`softmax`)."""
    if getattr(act, "vector", False):
        from derive.nn import softmax
        return softmax.output_layer(act, cost)
    return output_layer(act, cost)


@dataclass(frozen=True)
class Cancellation(Rule):
    """sigma'(z), written in a, is a multiple of the denominator of dC/da, so the product
    simplifies (sigmoid with cross-entropy: a(1 - a) over a(1 - a), leaving a - y)."""

    slope: sp.Expr          # sigma'(z) in terms of a
    denominator: sp.Expr    # of dC/da
    ratio: sp.Expr          # slope / denominator, a polynomial

    @property
    def name(self) -> str:
        whole = "is" if self.ratio in (1, -1) else "divides"
        return (f"cancel: sigma'(z) = {self.slope} {whole} the denominator of dC/da"
                + (" (up to sign)" if self.ratio == -1 else ""))


def _why_simpler(act: Activation, cost: Cost) -> Rule:
    """The cancellation, when sigma'(a) is a multiple of the cost gradient's denominator; else a
    plain simplification."""
    denominator = sp.denom(sp.together(cost.gradient))
    ratio = sp.cancel(act.derivative_in_a / denominator)
    if denominator != 1 and sp.denom(ratio) == 1:
        return Cancellation(act.derivative_in_a, denominator, ratio)
    return Reason("simplify")


def hidden_layer(act: Activation) -> Derivation:
    """delta^m = (W^(m+1)^T delta^(m+1))_k sigma'(z_k), with sigma' for this activation."""
    e = sp.Symbol(r"(W^{m+1\,T} \delta^{m+1})_k", real=True)
    delta_m = sp.Symbol("delta^m_k", real=True)
    steps = [Step(delta_m, e * act.derivative, f"sigma'(z) for {act.name}")]
    if act.derivative_in_a is not None:
        steps.append(Step(steps[-1].rhs, e * act.derivative_in_a, "in terms of a^m = sigma(z^m)"))
    meaning = {delta_m: e * sp.Derivative(act.expr, z), a: act.expr}
    return Derivation(f"hidden layers: {act.name}", tuple(steps), meaning=meaning,
                      notes=(act.convention,) if act.convention else ()).check()


# -- 4. updates --------------------------------------------------------------------------------------

def updates() -> Derivation:
    """Gradient descent moves against the gradient; momentum adds alpha times the last update."""
    lam, alpha = sp.symbols("lambda alpha", positive=True)
    w1, w2, step_, g = sp.symbols("w_1 w_2 s g", real=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    q = sp.Symbol("q", integer=True, nonnegative=True)
    cost = sp.Function("C", real=True)
    grads = [D(cost(w1, w2), w1), D(cost(w1, w2), w2)]
    moved = cost(w1 - step_ * grads[0], w2 - step_ * grads[1])
    first_order = sp.Subs(D(moved, step_), step_, 0)
    unrolled = sp.Sum(-lam * g * alpha**q, (q, 0, t))
    return Derivation("gradient descent and momentum", (
        Step(first_order, -(grads[0] ** 2 + grads[1] ** 2),
             "W <- W - lambda dC/dW lowers C to first order: the slope along -dC/dW is -|dC/dW|^2"),
        Step(unrolled, -lam * g * (1 - alpha ** (t + 1)) / (1 - alpha),
             "momentum dW_t = -lambda dC/dW + alpha dW_(t-1), unrolled for a constant gradient g"),
    ), assumptions=("0 < alpha < 1",))


@dataclass(frozen=True)
class IndexLevel:
    """The derivations for any activation and cost: the index level, each checked on a layer
    model, and the batch and weight-decay forms, checked on explicit matrices."""

    weights: Derivation
    biases: Derivation
    output: Derivation
    hidden: Derivation
    batches: Derivation
    decay: Derivation


@dataclass(frozen=True)
class PairDerivations:
    """The derivations that depend on the chosen activations and cost, checked."""

    hidden_activation: Derivation
    output_activation: Derivation | None   # None when the output layer uses the hidden activation
    cost: Derivation
    output_layer: Derivation
    hidden_layer: Derivation
    updates: Derivation
    tanh_as_sigmoid: Derivation | None     # shown when tanh is one of the activations


@dataclass(frozen=True)
class BackpropDocument(Displayed):
    title: str
    derivations: tuple
    proof: NetworkProof | None
    notes: tuple
    output: str = ""     # the output layer's activation

    @property
    def holds(self) -> bool:
        return all(d.holds for d in self.derivations) and (self.proof is None or self.proof.holds)


@functools.lru_cache(maxsize=1)
def index_level() -> IndexLevel:
    """The same for every activation and cost: derived and checked once per process (a warm
    worker keeps it for the next document)."""
    return IndexLevel(*layer_steps(), *batch_steps())


def layer_steps() -> tuple[Derivation, ...]:
    """The index level's weights, biases, output and hidden derivations, checked on a layer
    model; kept on disk between runs."""
    from derive.engine.cache import cached, key_of
    return cached("index-level", key_of(), lambda: tuple(general()))


def batch_steps() -> tuple[Derivation, Derivation]:
    """The batch and weight-decay forms, checked on explicit matrices; kept on disk between
    runs. Apart from `layer_steps`, so that a second worker can check them meanwhile."""
    from derive.engine.cache import cached, key_of
    from derive.nn import batches
    return cached("batches", key_of(), batches.checked)


def pair_derivations(hidden: Activation, output: Activation, cost: Cost) -> PairDerivations:
    """Every derivation that depends on the chosen pair, checked; kept on disk between runs."""
    from derive.engine.cache import cached, key_of
    return cached("pair", key_of(hidden, output, cost),
                  lambda: _pair_derivations(hidden, output, cost))


def _pair_derivations(hidden: Activation, output: Activation, cost: Cost) -> PairDerivations:
    # a vector activation's Jacobian was checked entry by entry when the activation was made
    output_derivation = output.derivation if getattr(output, "vector", False) \
        else output.derivation.check()
    last = any_output_layer(output, cost)
    return PairDerivations(
        hidden_activation=hidden.derivation.check(),
        output_activation=None if output.name == hidden.name else output_derivation,
        cost=cost.derivation.check(),
        output_layer=last,
        hidden_layer=hidden_layer(hidden),
        updates=_checked(updates),
        tanh_as_sigmoid=_checked(equivalence_of_tanh_and_sigmoid)
        if "tanh" in (hidden.name, output.name) else None)


@functools.lru_cache(maxsize=None)
def _checked(make) -> Derivation:
    """A derivation that is the same for every pair, checked once per process."""
    return make().check()


def assemble(hidden: Activation, output: Activation, cost: Cost, index: IndexLevel,
             pair: PairDerivations, proof: NetworkProof | None, notes=()) -> BackpropDocument:
    """The document in reading order: the activations and the cost, the index level, then the
    chosen pair's layers, the updates and the tanh remark."""
    order = [pair.hidden_activation, pair.output_activation, pair.cost,
             index.weights, index.biases, index.output, index.hidden,
             pair.output_layer, pair.hidden_layer, index.batches, index.decay, pair.updates,
             pair.tanh_as_sigmoid]
    title = f"Backpropagation: {hidden.name}" + \
        (f" hidden, {output.name} output" if output.name != hidden.name else "") + \
        f", {cost.name} cost"
    return BackpropDocument(title, tuple(d for d in order if d is not None), proof, tuple(notes),
                            output.name)
