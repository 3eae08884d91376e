"""Which output activation and cost give delta^L = prediction - target: found, not listed.

For every output activation (the elementwise ones and the vector-valued softmax and log-softmax) and
every built-in cost whose domain the activation's range fits, delta^L = dC/dz^L is computed and
compared with p - y, where p is the probability or mean the output stands for (a itself; e^a for
log-probabilities). Where they agree the pair's checked output-layer derivation is shown, with the
reason found in it: the slope sigma'(z) cancels the denominator of dC/da, or a_i dC/da_i = -y_i makes
the softmax Jacobian-vector product collapse. And e^(-C) is shown: in every such pair it is a
likelihood of y (Bernoulli a^y (1 - a)^(1 - y), categorical a^y, Gaussian e^(-(y - a)^2/2)), that is,
C is the negative log-likelihood of a distribution whose mean the activation computes from z.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from derive.calc.steps import Derivation
from derive.engine.diagnose import readable
from derive.nn import softmax as sm
from derive.nn.activations import SPECS as ELEMENTWISE, a, z
from derive.nn.backprop import any_output_layer
from derive.nn.costs import SPECS as COST_NAMES, compatible, cost as make_cost, y

OUTPUTS = (*ELEMENTWISE, *sm.SPECS)
TITLE = "Output layers whose delta is the prediction minus the target"


@dataclass(frozen=True)
class PairDelta:
    """delta^L for one output activation and cost, in the output a and the target y (a vector
    output's entry j, the targets summing to 1)."""

    activation: str
    cost: str
    delta: sp.Expr
    prediction: sp.Expr          # p: what the output stands for, in a
    cancels: bool                # delta^L = p - y
    likelihood: sp.Expr | None   # e^(-C) in a and y, where the pair cancels


def delta_of(act, cost) -> sp.Expr:
    """delta^L in a and y: for an elementwise output dC/da sigma'(z) in a where sigma' has a
    form in a (else in z); for a vector output the collapsed sum with sum_i y_i = 1."""
    if getattr(act, "vector", False):
        collapsed = sm.collapsed(act, cost)
        one_hot = collapsed.xreplace({sp.Sum(sm.y[sm.i], (sm.i, 1, sm.K)): 1})
        return sp.expand(one_hot).xreplace({sm.a[sm.j]: a, sm.y[sm.j]: y})
    slope = act.derivative_in_a if act.derivative_in_a is not None else act.derivative
    return readable(sp.cancel(cost.gradient * slope), cost.gradient * slope)


def analyse(act, cost) -> PairDelta:
    prediction = act.probability.xreplace({sm.a[sm.i]: a}) if getattr(act, "vector", False) else a
    delta = delta_of(act, cost)
    cancels = not delta.has(z) and sp.simplify(delta - (prediction - y)) == 0
    likelihood = _likelihood(cost.expr) if cancels else None
    return PairDelta(act.name, cost.name, delta, prediction, cancels, likelihood)


def _likelihood(cost_expr) -> sp.Expr:
    """e^(-C) written as a product: c log(b) terms become b^c (a^y (1 - a)^(1 - y))."""
    factors = []
    for term in sp.Add.make_args(-cost_expr):
        logs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.log)]
        if len(logs) == 1:
            factors.append(sp.Pow(logs[0].args[0], term / logs[0], evaluate=False))
        else:
            factors.append(sp.exp(term))
    return sp.Mul(*factors, evaluate=False)


def survey(outputs=OUTPUTS, costs=tuple(COST_NAMES)) -> tuple[PairDelta, ...]:
    """Every compatible pair of `outputs` and `costs`, analysed."""
    found = []
    for name in outputs:
        act = sm.output_activation(name)
        for cost_name in costs:
            chosen = make_cost(cost_name)
            if compatible(act, chosen) is None:
                found.append(analyse(act, chosen))
    return tuple(found)


def derivations(found) -> tuple[Derivation, ...]:
    """The checked output-layer derivation of each pair that cancels, with its likelihood and,
    on the last, the pairs that do not cancel."""
    shown = []
    for pair in found:
        if not pair.cancels:
            continue
        derivation = any_output_layer(sm.output_activation(pair.activation),
                                      make_cost(pair.cost))
        note = (f"e^(-C) = {sm.plain(pair.likelihood)}: C is the negative log-likelihood of y, "
                f"and {pair.activation} gives its mean {sm.plain(pair.prediction)} from z")
        shown.append(replace(derivation, notes=derivation.notes + (note,)))
    others = [f"{p.activation} with {p.cost}: delta = {sm.plain(p.delta)}"
              for p in found if not p.cancels]
    if shown and others:
        shown[-1] = replace(shown[-1], notes=shown[-1].notes
                            + ("the other pairs do not cancel: " + "; ".join(others),))
    return tuple(shown)
