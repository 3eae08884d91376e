"""The notation shared by the derivations and the index-level checker.

`D(expr, x)` is a pending (unevaluated) derivative. The layer symbols are what a reader sees in a
backprop text: layer m with inputs a^(m-1), weights W^m, biases b^m, pre-activations z^m and
activations a^m, the next layer's W^(m+1), b^(m+1), z^(m+1), symbolic sizes N^(m-1), N^m, N^(m+1),
and the vector forms. (The scalar a, z, y of a single unit live with the activations and costs.)
"""

from __future__ import annotations

import sympy as sp


def D(expr, *variables):
    """A pending derivative (unevaluated): d expr / d variables."""
    return sp.Derivative(expr, *variables)


i, j, k, l, h = sp.symbols("i j k l h", integer=True, positive=True)
INDICES = (i, j, k, l, h)
N_prev, N_m, N_next = (sp.Symbol(n, integer=True, positive=True)
                       for n in ("N^m-1", "N^m", "N^m+1"))
W_m, b_m, z_m, a_m = (sp.IndexedBase(n) for n in ("W^m", "b^m", "z^m", "a^m"))
a_prev = sp.IndexedBase("a^m-1")
W_next, b_next, z_next = (sp.IndexedBase(n) for n in ("W^m+1", "b^m+1", "z^m+1"))
C = sp.Symbol("C", real=True)
delta, delta_next = (sp.MatrixSymbol(n, N, 1) for n, N in (("delta^m", N_m), ("delta^m+1", N_next)))
A_prev = sp.MatrixSymbol("a^m-1", N_prev, 1)
W_next_matrix = sp.MatrixSymbol("W^m+1", N_next, N_m)
dC_dW = sp.MatrixSymbol(r"\partial C/\partial W^{m}", N_m, N_prev)
dC_db = sp.MatrixSymbol(r"\partial C/\partial b^{m}", N_m, 1)
sigma_prime_z = sp.MatrixSymbol(r"\sigma'(z^{m})", N_m, 1)
