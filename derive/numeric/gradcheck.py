"""Finite differences and the three-way cross-check of gradients.

For a network of given sizes, random weights and data, compare the gradients of
  * the compiled network (`MLP.gradients`, formulas from the derivations),
  * the hand-written NumPy backprop (`reference.gradients`, no SymPy),
  * central finite differences of the hand-written loss (float64).
Differences are relative to the largest gradient entry (entry-wise relative error is meaningless
for entries that are zero up to rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derive.numeric import reference
from derive.numeric.mlp import MLP

EXACT, FD = 1e-12, 1e-6   # the tolerances: compiled vs hand-written, both vs finite differences


@dataclass(frozen=True)
class CrossCheck:
    """The three comparisons; without a hand-written reference (a user's own activation or cost)
    `compiled_vs_hand` and `hand_vs_fd` are None and the compiled gradients are compared with
    finite differences of the compiled loss."""

    layers: tuple
    activation: str
    output_activation: str
    cost: str
    compiled_vs_hand: float | None
    compiled_vs_fd: float
    hand_vs_fd: float | None

    @property
    def has_reference(self) -> bool:
        return self.compiled_vs_hand is not None

    @property
    def passed(self) -> bool:
        finite = all(np.isfinite(v) for v in (self.compiled_vs_hand, self.compiled_vs_fd,
                                              self.hand_vs_fd) if v is not None)
        return finite and self.compiled_vs_fd <= FD and (
            not self.has_reference or (self.compiled_vs_hand <= EXACT and self.hand_vs_fd <= FD))


def relative_difference(grads_a, grads_b) -> float:
    flat_a = np.concatenate([np.ravel(g) for pair in grads_a for g in pair])
    flat_b = np.concatenate([np.ravel(g) for pair in grads_b for g in pair])
    scale = max(np.max(np.abs(flat_a)), np.max(np.abs(flat_b)), 1e-300)
    return float(np.max(np.abs(flat_a - flat_b)) / scale)


def finite_differences(loss, params, eps: float = 1e-6):
    """Central differences of `loss(params)` by every weight and bias."""
    grads = []
    for W, b in params:
        gW, gb = np.zeros_like(W), np.zeros_like(b)
        for target, grad in ((W, gW), (b, gb)):
            for index in np.ndindex(target.shape):
                keep = target[index]
                target[index] = keep + eps
                up = loss(params)
                target[index] = keep - eps
                down = loss(params)
                target[index] = keep
                grad[index] = (up - down) / (2 * eps)
        grads.append((gW, gb))
    return grads


def random_problem(layers, cost: str, rng, n_samples: int = 8):
    """Weights, inputs and targets (in (0, 1) so every cost is defined) for `layers`."""
    params = [(rng.normal(0, 0.8, (n_out, n_in)), rng.normal(0, 0.5, n_out))
              for n_in, n_out in zip(layers[:-1], layers[1:])]
    X = rng.normal(0, 1, (n_samples, layers[0]))
    Y = rng.uniform(0.05, 0.95, (n_samples, layers[-1]))
    if cost == "cross-entropy":
        Y = (Y > 0.5).astype(float)
    if cost in ("categorical-cross-entropy", "nll"):   # one-hot rows: the targets sum to 1
        Y = np.eye(layers[-1])[rng.integers(0, layers[-1], n_samples)]
    return params, X, Y


def _live_problem(layers, activation, output_activation, cost, rng, tries: int = 50):
    if not reference.supports(activation, output_activation, cost):
        return random_problem(layers, cost, rng)
    """A random problem in which every layer's weight gradient has non-zero entries: with dead ReLU
    units all three gradients would be 0 and agree without proving anything."""
    for _ in range(tries):
        params, X, Y = random_problem(layers, cost, rng)
        grads = reference.gradients([(W.copy(), b.copy()) for W, b in params], X.T, Y.T,
                                    activation, output_activation, cost)
        if all(np.count_nonzero(gW) >= gW.size // 2 for gW, _ in grads):
            return params, X, Y
    raise ValueError(f"no random problem with live gradients for {layers} in {tries} tries")


def cross_check(layers, activation: str, output_activation: str | None, cost: str,
                seed: int = 0, params=None, X=None, Y=None) -> CrossCheck:
    """Compare the three gradients at random weights and data (or at the given ones)."""
    output_activation = output_activation or activation
    rng = np.random.default_rng(seed)
    if params is None:
        params, X, Y = _live_problem(layers, activation, output_activation, cost, rng)
    model = MLP(hidden_layer_sizes=tuple(layers[1:-1]), activation=activation,
                output_activation=output_activation, cost=cost)
    model.coefs_ = [W.copy() for W, _ in params]
    model.intercepts_ = [b.copy() for _, b in params]
    compiled = model.gradients(X, Y)
    work = [(W.copy(), b.copy()) for W, b in params]
    if not reference.supports(activation, output_activation, cost):
        def compiled_loss(ps):
            model.coefs_, model.intercepts_ = [W for W, _ in ps], [b for _, b in ps]
            return model.loss(X, Y)
        numeric = finite_differences(compiled_loss, work)
        return CrossCheck(tuple(layers), activation, output_activation, cost, None,
                          relative_difference(compiled, numeric), None)
    hand = reference.gradients(work, X.T, Y.T, activation, output_activation, cost)
    numeric = finite_differences(
        lambda ps: reference.loss(ps, X.T, Y.T, activation, output_activation, cost), work)
    return CrossCheck(tuple(layers), activation, output_activation, cost,
                      relative_difference(compiled, hand), relative_difference(compiled, numeric),
                      relative_difference(hand, numeric))
