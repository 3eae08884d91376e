"""The proof on an explicit network: the cost written out as a function of every weight and bias of a
concrete network, differentiated directly by SymPy, and compared entry by entry with the recurrence
(symbolically, for generic activations; numerically, with the chosen ones)."""

from __future__ import annotations

import random
import time

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.nn import softmax
from derive.nn.activations import Activation, a, z
from derive.nn.costs import Cost, y
from derive.nn.layered import prove_by_layers
from derive.nn.proofs import Entry, NetworkProof, entry_status, gap_size


def prove_network(layers, hidden: Activation, output: Activation, cost: Cost,
                  seed: int = 0) -> NetworkProof:
    """`_prove_network`, kept on disk between runs (`engine.cache`): the same network and pair
    give the same proof."""
    from derive.engine.cache import cached, key_of
    direct = getattr(output, "vector", False) or parameters(layers) <= DIRECT_LIMIT
    make = _prove_network if direct else prove_by_layers
    return cached("network-proof", key_of(tuple(layers), hidden, output, cost, seed, direct),
                  lambda: make(layers, hidden, output, cost, seed))


DIRECT_LIMIT = 30   # parameters up to which the cost is differentiated as one expression


def parameters(layers) -> int:
    """The weights and biases of a network of these widths."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))


def _prove_network(layers, hidden: Activation, output: Activation, cost: Cost,
                  seed: int = 0) -> NetworkProof:
    """Differentiate the cost of an explicit network by every weight and bias, directly, and compare
    with the recurrence; symbolically for generic activations, numerically for the chosen ones."""
    start = time.monotonic()
    vector = getattr(output, "vector", False)   # softmax: the output layer is written out
    sig_h = sp.Function("sigma_h", real=True)
    sig_o = sp.Function("sigma_o", real=True) if vector or output.expr != hidden.expr else sig_h
    x = sp.Matrix(layers[0], 1, lambda r, c: sp.Symbol(f"x_{r + 1}", real=True))
    ys = [sp.Symbol(f"y_{r + 1}", real=True) for r in range(layers[-1])]
    last = softmax.output_layer(output, cost) if vector else None
    if last is not None and softmax.ONE_HOT in last.assumptions:   # the targets sum to 1
        ys[-1] = 1 - sum(ys[:-1])
    Ws, bs, zs, acts = [], [], [], [x]
    L = len(layers) - 1
    for m in range(1, L + 1):
        Wm = sp.Matrix(layers[m], layers[m - 1],
                       lambda r, c: sp.Symbol(f"W{m}_{r + 1}{c + 1}", real=True))
        bm = sp.Matrix(layers[m], 1, lambda r, c: sp.Symbol(f"b{m}_{r + 1}", real=True))
        zm = Wm * acts[-1] + bm
        if vector and m == L:
            am = sp.Matrix(softmax.entries(output.expr, layers[m])).xreplace(
                {softmax.z[r + 1]: zm[r] for r in range(layers[m])})
        else:
            am = zm.applyfunc(sig_o if m == L else sig_h)
        Ws.append(Wm), bs.append(bm), zs.append(zm), acts.append(am)
    C_total = sum(cost.expr.xreplace({a: acts[-1][r], y: ys[r]})
                  for r in range(layers[-1]))

    def sigma_prime(sig, zm):
        t = sp.Dummy("t", real=True)
        return zm.applyfunc(lambda e: sp.Subs(sp.Derivative(sig(t), t), t, e))

    grad_a = sp.Matrix([cost.gradient.xreplace({a: acts[-1][r], y: ys[r]})
                        for r in range(layers[-1])])
    deltas = [None] * (L + 1)
    if vector:   # the derived delta_j, entry by entry
        deltas[L] = sp.Matrix([softmax.instance(last.result, layers[L], r + 1, list(acts[L]),
                                                cost, ys) for r in range(layers[L])])
    else:
        deltas[L] = grad_a.multiply_elementwise(sigma_prime(sig_o, zs[L - 1]))
    for m in range(L - 1, 0, -1):
        deltas[m] = (Ws[m].T * deltas[m + 1]).multiply_elementwise(sigma_prime(sig_h, zs[m - 1]))

    entries, pairs = [], []
    for m in range(1, L + 1):
        recurrence_W = deltas[m] * acts[m - 1].T
        for r in range(layers[m]):
            for c in range(layers[m - 1]):
                pairs.append((str(Ws[m - 1][r, c]), Ws[m - 1][r, c], recurrence_W[r, c]))
            pairs.append((str(bs[m - 1][r]), bs[m - 1][r], deltas[m][r]))
    directs = [sp.diff(C_total, parameter) for _, parameter, _ in pairs]   # each once
    for (name, _, recurrence), direct in zip(pairs, directs):
        entries.append(Entry(name, entry_status(direct, recurrence)))
    error = _numeric_gap(pairs, directs, C_total, {sig_h: hidden} if vector else
                         {sig_h: hidden, sig_o: output}, seed)
    return NetworkProof(tuple(layers), tuple(entries), error, time.monotonic() - start)


def _numeric_gap(pairs, directs, C_total, activations: dict, seed: int) -> float:
    """max |direct - recurrence| at one random point with the chosen activations substituted;
    the recurrence uses sigma' in terms of a where the derivation found that form."""
    rng = random.Random(seed)
    t = sp.Dummy("t", real=True)
    parameters = set().union(*(act.expr.free_symbols for act in activations.values())) - {z}
    symbols = sorted(C_total.free_symbols | parameters, key=str)
    # targets in (0, 1) so every cost is defined; 30-digit floats keep evaluation fast and exact
    # enough that a wrong formula (a difference of order 1e-2 or more) cannot hide
    point = {s: sp.Float(rng.randint(100 if str(s).startswith("y") else -900, 900) / 1000, 30)
             for s in symbols}
    values, slopes = {}, {}
    for sig, act in activations.items():   # an activation's parameters (beta) at the point too
        values[sig] = sp.Lambda(t, act.expr.xreplace({z: t}).xreplace(point))
        slopes[sig] = sp.Lambda(t, sp.diff(act.expr, z).xreplace({z: t}).xreplace(point))
    worst = 0.0
    for (_, _, recurrence), direct in zip(pairs[:64], directs):
        gap = _at_point(direct - recurrence, point, values, slopes)
        worst = max(worst, gap_size(complex(gap)))
    return worst


def _at_point(expr, point: dict, values: dict, slopes: dict):
    """`expr` at `point`, its unknown activations sigma(u) and slopes sigma'(u) replaced by the
    chosen ones' values from the inside out, at numbers only (the derivatives were taken
    before: nothing is differentiated here)."""
    e = expr.xreplace(point)
    while True:
        found = {s: slopes[s.expr.expr.func](s.point[0]) for s in e.atoms(sp.Subs)
                 if isinstance(s.expr, sp.Derivative) and s.expr.derivative_count == 1
                 and s.expr.expr.func in slopes and s.point[0].is_number}
        found.update({f: values[f.func](*f.args) for f in e.atoms(AppliedUndef)
                      if f.func in values and all(a.is_number for a in f.args)})
        if not found:
            break
        e = e.xreplace(found)
    if e.has(AppliedUndef, sp.Subs, sp.Derivative):
        raise ValueError(f"an activation left unevaluated in {str(e)[:80]}")
    return e.evalf(30)
