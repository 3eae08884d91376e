"""The explicit-network proof for wide or deep networks: layer by layer, so depth adds a layer's
cost instead of multiplying it.

Three lemmas, each proved symbolically on one or two layers with the rest of the network an
unknown function G (so they hold whatever the rest is):

* output: with C = sum_r c(sigma(z_r), y_r), dC/dz_r is the recurrence's delta^L;
* hidden: with C = G(z^(m+1)) and z^(m+1) = W^(m+1) sigma(z^m) + b^(m+1), dC/dz^m_k is
  sum_l W^(m+1)_lk dG/dz^(m+1)_l sigma'(z^m_k): the recurrence, for every G;
* weights and biases: with C = G(z^m) and z^m = W^m a + b^m, dC/dW^m_ij = dG/dz^m_i a_j and
  dC/db^m_i = dG/dz^m_i, for every G and every input a.

By induction from the output layer down, the recurrence's delta^m is dC/dz^m of the network, and
every entry of dC/dW^m and dC/db^m is what the recurrence says. The chosen activations are then
checked numerically: the recurrence against central differences of the network's cost in 40-digit
arithmetic (mpmath), entry by entry.
"""

from __future__ import annotations

import random
import time

import mpmath
import sympy as sp

from derive.engine.verdict import Status
from derive.nn.activations import Activation, a, z
from derive.nn.costs import Cost, y
from derive.nn.proofs import Entry, NetworkProof, entry_status, gap_size


def _lemma_status(direct, claimed) -> Status:
    return entry_status(direct, claimed)


def output_lemma(width: int, cost: Cost) -> Status:
    """dC/dz_r = dC/da(sigma(z_r)) sigma'(z_r) for a generic sigma, every r."""
    sig = sp.Function("sigma_o", real=True)
    zs = sp.symbols(f"z_1:{width + 1}", real=True)
    ys = sp.symbols(f"y_1:{width + 1}", real=True)
    total = sum(cost.expr.xreplace({a: sig(zr), y: yr}) for zr, yr in zip(zs, ys))
    statuses = []
    for zr, yr in zip(zs, ys):
        claimed = cost.gradient.xreplace({a: sig(zr), y: yr}) * sp.Derivative(sig(zr), zr)
        statuses.append(_lemma_status(sp.diff(total, zr), claimed))
    return _worst(statuses)


def hidden_lemma(width: int, next_width: int) -> Status:
    """dG(W sigma(z) + b)/dz_k = sum_l W_lk dG/du_l sigma'(z_k), for an unknown G."""
    sig = sp.Function("sigma_h", real=True)
    G = sp.Function("G", real=True)
    zs = sp.symbols(f"z_1:{width + 1}", real=True)
    W = sp.Matrix(next_width, width, lambda r, c: sp.Symbol(f"W_{r + 1}{c + 1}", real=True))
    b = sp.Matrix(next_width, 1, lambda r, c: sp.Symbol(f"b_{r + 1}", real=True))
    nxt = W * sp.Matrix([sig(zk) for zk in zs]) + b
    total = G(*nxt)
    us = sp.symbols(f"u_1:{next_width + 1}", real=True)
    dG = [sp.Subs(sp.Derivative(G(*us), u), us, tuple(nxt)) for u in us]
    statuses = []
    for k, zk in enumerate(zs):
        claimed = sum(W[l, k] * dG[l] for l in range(next_width)) * sp.Derivative(sig(zk), zk)
        statuses.append(_lemma_status(sp.diff(total, zk), claimed))
    return _worst(statuses)


def weight_lemma(width: int, inputs: int) -> Status:
    """dG(W a + b)/dW_ij = dG/du_i a_j and dG(W a + b)/db_i = dG/du_i, for an unknown G."""
    G = sp.Function("G", real=True)
    xs = sp.symbols(f"a_1:{inputs + 1}", real=True)
    W = sp.Matrix(width, inputs, lambda r, c: sp.Symbol(f"W_{r + 1}{c + 1}", real=True))
    b = sp.Matrix(width, 1, lambda r, c: sp.Symbol(f"b_{r + 1}", real=True))
    zm = W * sp.Matrix(xs) + b
    total = G(*zm)
    us = sp.symbols(f"u_1:{width + 1}", real=True)
    dG = [sp.Subs(sp.Derivative(G(*us), u), us, tuple(zm)) for u in us]
    statuses = []
    for i in range(width):
        statuses.append(_lemma_status(sp.diff(total, b[i]), dG[i]))
        for j in range(inputs):
            statuses.append(_lemma_status(sp.diff(total, W[i, j]), dG[i] * xs[j]))
    return _worst(statuses)


def _worst(statuses) -> Status:
    for status in (Status.REFUTED, Status.UNDECIDED, Status.NUMERIC):
        if status in statuses:
            return status
    return Status.PROVED


def prove_by_layers(layers, hidden: Activation, output: Activation, cost: Cost, seed: int = 0):
    """A `NetworkProof` for `layers`, each entry carrying the weakest status of the lemmas its
    proof uses (its own layer's, and every layer's between it and the output)."""
    start = time.monotonic()
    L = len(layers) - 1
    below = [Status.PROVED] * (L + 2)    # below[m]: the lemmas delta^m rests on
    below[L] = output_lemma(layers[L], cost)
    for m in range(L - 1, 0, -1):
        below[m] = _worst([below[m + 1], hidden_lemma(layers[m], layers[m + 1])])
    entries = []
    for m in range(1, L + 1):
        status = _worst([below[m], weight_lemma(layers[m], layers[m - 1])])
        for r in range(layers[m]):
            entries += [Entry(f"W{m}_{r + 1}{c + 1}", status) for c in range(layers[m - 1])]
            entries.append(Entry(f"b{m}_{r + 1}", status))
    error = numeric_gap(layers, hidden, output, cost, seed)
    return NetworkProof(tuple(layers), tuple(entries), error, time.monotonic() - start,
                        by_layers=True)


def numeric_gap(layers, hidden: Activation, output: Activation, cost: Cost, seed: int) -> float:
    """max |recurrence - central difference| over every weight and bias at one random point,
    relative to the largest entry, in 40-digit arithmetic with the chosen activations."""
    rng = random.Random(seed)
    with mpmath.workdps(40):
        f = {name: sp.lambdify(z, act.expr, "mpmath") for name, act in
             (("h", hidden), ("o", output))}
        df = {name: sp.lambdify(z, act.derivative, "mpmath") for name, act in
              (("h", hidden), ("o", output))}
        c = sp.lambdify((a, y), cost.expr, "mpmath")
        dc = sp.lambdify((a, y), cost.gradient, "mpmath")
        draw = lambda lo, hi: mpmath.mpf(rng.randint(lo, hi)) / 1000   # noqa: E731
        params = [([[draw(-900, 900) for _ in range(n_in)] for _ in range(n_out)],
                   [draw(-900, 900) for _ in range(n_out)])
                  for n_in, n_out in zip(layers[:-1], layers[1:])]
        x = [draw(-900, 900) for _ in range(layers[0])]
        target = [draw(100, 900) for _ in range(layers[-1])]

        def forward(ps):
            acts, zs = [x], []
            for m, (W, b) in enumerate(ps):
                zm = [sum(W[r][q] * acts[-1][q] for q in range(len(acts[-1]))) + b[r]
                      for r in range(len(b))]
                kind = "o" if m == len(ps) - 1 else "h"
                zs.append(zm)
                acts.append([f[kind](v) for v in zm])
            return zs, acts

        def total(ps):
            _, acts = forward(ps)
            return sum(c(av, t) for av, t in zip(acts[-1], target))

        zs, acts = forward(params)
        delta = [dc(av, t) * df["o"](zv) for av, t, zv in zip(acts[-1], target, zs[-1])]
        grads = [None] * len(params)
        for m in range(len(params) - 1, -1, -1):
            grads[m] = ([[delta[r] * acts[m][q] for q in range(len(acts[m]))]
                         for r in range(len(delta))], list(delta))
            if m:
                W = params[m][0]
                delta = [sum(W[r][k] * delta[r] for r in range(len(delta))) * df["h"](zs[m - 1][k])
                         for k in range(len(zs[m - 1]))]
        h = mpmath.mpf(10) ** -15
        worst, scale = mpmath.mpf(0), mpmath.mpf(0)
        for m, (W, b) in enumerate(params):
            cells = [(W[r], q, grads[m][0][r][q]) for r in range(len(W)) for q in range(len(W[r]))]
            cells += [(b, r, grads[m][1][r]) for r in range(len(b))]
            for row, q, recurrence in cells:
                keep = row[q]
                row[q] = keep + h
                up = total(params)
                row[q] = keep - h
                down = total(params)
                row[q] = keep
                worst = max(worst, gap_size((up - down) / (2 * h) - recurrence))
                scale = max(scale, abs(recurrence))
        return float(worst / max(scale, mpmath.mpf(1)))
