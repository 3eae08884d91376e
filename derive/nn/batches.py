"""Batches and L2 weight decay, in matrix form, each step checked on an explicit layer.

A batch of n samples is laid out as columns: A^(m-1) is N^(m-1) x n, Z^m = W^m A^(m-1) + b^m 1^T and
Delta^m (the deltas of the samples, dC_s/dz^m_s, side by side) are N^m x n. The batch cost is the mean
of the per-sample costs C_s, so dC/dW^m = (1/n) Delta^m A^(m-1)^T, which has W^m's shape
N^m x N^(m-1), and dC/db^m = (1/n) Delta^m 1.

The display symbols stand for explicit matrices when a step is checked (`Derivation.meaning`): a
layer of 2 units, 3 inputs and 4 samples, with a per-sample cost that couples the outputs (an
unknown function of each z plus a product of two), differentiated entry by entry by SymPy.
"""

from __future__ import annotations

import functools

import sympy as sp

from derive.calc.steps import Derivation, Step

UNITS, INPUTS, SAMPLES = 2, 3, 4
n = sp.Symbol("n", integer=True, positive=True)
lam = sp.Symbol("lambda", positive=True)
eta = sp.Symbol("eta", positive=True)
N_m, N_prev = (sp.Symbol(name, integer=True, positive=True) for name in ("N^m", "N^m-1"))
W = sp.MatrixSymbol("W^{m}", N_m, N_prev)
A = sp.MatrixSymbol("A^{m-1}", N_prev, n)
Delta = sp.MatrixSymbol(r"\Delta^{m}", N_m, n)
ones = sp.MatrixSymbol(r"\mathbf{1}", n, 1)
dC_dW = sp.MatrixSymbol(r"\partial C/\partial W^{m}", N_m, N_prev)
dC_db = sp.MatrixSymbol(r"\partial C/\partial b^{m}", N_m, 1)
dR_dW = sp.MatrixSymbol(r"\partial C_\lambda/\partial W^{m}", N_m, N_prev)
W_new = sp.MatrixSymbol(r"W^{m}_{\mathrm{new}}", N_m, N_prev)
SHAPES = (f"Delta^m is N^m x n (one column per sample), A^(m-1) is N^(m-1) x n, so "
          f"Delta^m A^(m-1)^T is N^m x N^(m-1), the shape of W^m; checked with N^m = {UNITS}, "
          f"N^(m-1) = {INPUTS}, n = {SAMPLES}")


def _explicit_layer():
    """Entries of an explicit layer: W, b, the batch A, Z = W A + b 1^T and the mean cost."""
    Wx = sp.Matrix(UNITS, INPUTS, lambda r, c: sp.Symbol(f"W_{r + 1}{c + 1}", real=True))
    bx = sp.Matrix(UNITS, 1, lambda r, c: sp.Symbol(f"b_{r + 1}", real=True))
    Ax = sp.Matrix(INPUTS, SAMPLES, lambda r, c: sp.Symbol(f"a_{r + 1},{c + 1}", real=True))
    Z = Wx * Ax + bx * sp.ones(1, SAMPLES)
    phi = sp.Function("phi", real=True)
    per_sample = [sum(phi(Z[k, s]) for k in range(UNITS)) + Z[0, s] * Z[1, s]
                  for s in range(SAMPLES)]
    # delta of each sample: dC_s/dz_ks, the derivative by the sample's own pre-activation
    t = sp.symbols(f"t_1:{UNITS + 1}", real=True)
    deltas = sp.Matrix(UNITS, SAMPLES, lambda k, s: sp.diff(
        sum(phi(v) for v in t) + t[0] * t[1], t[k]).subs(dict(zip(t, Z[:, s])), simultaneous=True))
    return Wx, bx, Ax, sum(per_sample) / SAMPLES, deltas


def batch() -> Derivation:
    """The gradient of the mean cost over a batch, in matrix form."""
    Wx, bx, Ax, mean_cost, deltas = _explicit_layer()
    meaning = {
        n: sp.Integer(SAMPLES), N_m: sp.Integer(UNITS), N_prev: sp.Integer(INPUTS),
        dC_dW: sp.ImmutableMatrix(UNITS, INPUTS, lambda r, c: sp.diff(mean_cost, Wx[r, c])),
        dC_db: sp.ImmutableMatrix(UNITS, 1, lambda r, c: sp.diff(mean_cost, bx[r])),
        Delta: sp.ImmutableMatrix(deltas), A: sp.ImmutableMatrix(Ax),
        ones: sp.ImmutableMatrix(sp.ones(SAMPLES, 1)),
    }
    return Derivation("batches: the mean cost over n samples", (
        Step(dC_dW, Delta * A.T / n,
             "C = (1/n) sum_s C_s; each sample contributes its own outer product delta_s a_s^T"),
        Step(dC_db, Delta * ones / n, "the mean of the samples' deltas, row by row"),
    ), notes=(SHAPES,), meaning=meaning)


def weight_decay() -> Derivation:
    """L2 weight decay: the gradient of (lambda/2) ||W||_F^2 is lambda W, so a step shrinks W."""
    Wx = sp.Matrix(2, 2, lambda r, c: sp.Symbol(f"W_{r + 1}{c + 1}", real=True))
    phi = sp.Function("phi", real=True)
    data_cost = sum(phi(w) for w in Wx) + Wx[0, 0] * Wx[1, 1] * Wx[0, 1]   # couples the entries
    decayed = data_cost + lam / 2 * sum(w**2 for w in Wx)
    gradient = sp.ImmutableMatrix(2, 2, lambda r, c: sp.diff(data_cost, Wx[r, c]))
    meaning = {N_m: sp.Integer(2), N_prev: sp.Integer(2), W: sp.ImmutableMatrix(Wx),
               dC_dW: gradient,
               dR_dW: sp.ImmutableMatrix(2, 2, lambda r, c: sp.diff(decayed, Wx[r, c]))}
    meaning[W_new] = meaning[W] - eta * meaning[dR_dW]      # the update W - eta dC_lambda/dW
    return Derivation("L2 weight decay", (
        Step(dR_dW, dC_dW + lam * W,
             "C_lambda = C + (lambda/2) sum_kl W_kl^2"),
        Step(W_new, (1 - eta * lam) * W - eta * dC_dW,
             "W_new = W - eta dC_lambda/dW: W shrinks by 1 - eta lambda"),
    ), notes=("checked on a 2 x 2 weight matrix with a cost that couples its entries",),
        meaning=meaning)


@functools.lru_cache(maxsize=None)
def checked() -> tuple[Derivation, Derivation]:
    """Both, checked once per process (they are the same for every network)."""
    return batch().check(), weight_decay().check()
