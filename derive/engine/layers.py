"""Index-level and vector statements about layer m of a network, written in `engine.notation`'s
symbols (the backprop derivations and the tutorial's curated claims), checked by the one mechanism
for such claims: `engine.instances`, which instantiates them in a concrete network.

The network is the one every backprop text means: z^m_k = sum_l W^m_kl a^(m-1)_l + b^m_k,
a^m_k = sigma(z^m_k) with sigma an unknown function, delta^m = dC/dz^m, and a cost C that is an
unknown function of the network's output. The display symbols (the MatrixSymbols of the vector
forms, SymPy's transpose and Hadamard product) are written in the readers' vocabulary
(`text.arrays`) first, so a derivation step and a user's claim are checked the same way.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import sympy as sp

from derive.engine import instances
from derive.engine.notation import (
    A_prev, C, N_m, N_next, N_prev, W_m, W_next_matrix, a_m, a_prev, b_m, dC_db, dC_dW, delta,
    delta_next, sigma_prime_z, z_m)
from derive.engine.verdict import Verdict
from derive.text import arrays as A
from derive.text.context import Context, Definition

m = A.LABEL_VARIABLES["m"]
SIGMA = sp.Function("sigma", real=True)
LAYER = {  # the name of each display symbol -> its letter, layer label and size
    "W^m": ("W", m, (N_m, N_prev)), "b^m": ("b", m, (N_m, 1)), "z^m": ("z", m, (N_m, 1)),
    "a^m": ("a", m, (N_m, 1)), "a^m-1": ("a", m - 1, (N_prev, 1)),
    "W^m+1": ("W", m + 1, (N_next, N_m)), "b^m+1": ("b", m + 1, (N_next, 1)),
    "z^m+1": ("z", m + 1, (N_next, 1)), "delta^m": ("delta", m, (N_m, 1)),
    "delta^m+1": ("delta", m + 1, (N_next, 1)),
}


def _array(name: str) -> sp.Symbol:
    return A.array_symbol(name)


@functools.lru_cache(maxsize=None)
def network() -> tuple[dict, Context]:
    """The names of the display symbols and the definitions of the standard network."""
    quantities = {name: A.Quantity(name, letter, label=label, array=True)
                  for name, (letter, label, _) in LAYER.items()}
    # the widths N^(m-1), N^m, N^(m+1) are the sizes of the layers, so a sum to the wrong one
    # runs over the wrong range
    shapes = {name: size for name, (_, _, size) in LAYER.items()}
    k, l = sp.symbols("k l", integer=True, positive=True)
    weighted = sp.Sum(W_m[k, l] * a_prev[l], (l, 1, A.index_size(l))) + b_m[k]
    definitions = (
        Definition(z_m[k], weighted, "z^m_k = sum_l W^m_kl a^(m-1)_l + b^m_k"),
        Definition(a_m[k], SIGMA(z_m[k]), "a^m_k = sigma(z^m_k)"),
        Definition(_array("delta^m"), A.Grad(C, _array("z^m")), "delta^m = dC/dz^m"),
    )
    return quantities, Context(definitions, shapes)


def _vocabulary(expr):
    """A display expression in the readers' vocabulary: vector forms as arrays and operations."""
    swap = {
        delta: _array("delta^m"), delta_next: _array("delta^m+1"), A_prev: _array("a^m-1"),
        W_next_matrix: _array("W^m+1"), dC_dW: A.Grad(C, _array("W^m")),
        dC_db: A.Grad(C, _array("b^m")),
        sigma_prime_z: A.Map(sp.Symbol("sigma"), _array("z^m"), sp.Integer(1)),
    }

    def convert(e):
        if e in swap:
            return swap[e]
        if not e.args or isinstance(e, (sp.Indexed, sp.IndexedBase)):
            return e
        args = [convert(a) for a in e.args]
        if isinstance(e, sp.Transpose):
            return A.Transposed(*args)
        if isinstance(e, sp.HadamardProduct):
            return A.Hadamard(*args)
        if isinstance(e, sp.MatMul):
            return sp.Mul(*args)
        if isinstance(e, sp.MatAdd):
            return sp.Add(*args)
        return e.func(*args)
    return convert(expr) if isinstance(expr, sp.Basic) else expr


def check_layer_step(lhs, rhs, output: bool = False, timeout: float = 5.0) -> Verdict:
    """An index-level statement (or a vector form) about layer m, checked at every layer (only the
    last with `output`), two layer widths and every index value; a failure names them."""
    quantities, context = network()
    left, right = _vocabulary(lhs), _vocabulary(rhs)
    plan = instances.plan(left, right, quantities, context, last_layer=output)
    return replace(instances.check(plan, timeout), lhs=lhs, rhs=rhs)

