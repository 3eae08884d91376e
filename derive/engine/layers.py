"""Index-level and vector claims about one layer, checked on a concrete layer at every index value.

`LayerModel` is layer m of a network with explicit sizes around it (N^(m-1) may differ from
N^m = N^(m+1) = 2, so a sum with the wrong bound shows up). Every display symbol of
`engine.notation` gets an explicit meaning there: sigma is an unknown function, C an unknown function
of the next layer's z (or of a^m when m is the last layer), and a derivative dX/dY differentiates X
written as a function of the family of Y. A statement is checked for every value of its free
indices; the worst verdict stands, with the index values of a failure.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import sympy as sp

from derive.engine.notation import (
    INDICES, A_prev, C, D, N_m, N_next, N_prev, W_m, W_next, W_next_matrix, a_m, a_prev, b_m,
    b_next, dC_db, dC_dW, delta, delta_next, h, i, j, k, l, sigma_prime_z, z_m, z_next)
from derive.engine.verdict import Verdict, worst
from derive.engine.verify import decide


class LayerModel:
    """Layer m of a network with sizes (2, 2, 2) around it, all quantities explicit.

    Independent symbols: W^m, b^m, a^(m-1), W^(m+1), b^(m+1). sigma is an unknown function and C an
    unknown function of z^(m+1) (or, with `output=True`, of a^m: layer m is then the last layer).
    `meaning(expr, indices)` replaces every display symbol of `expr` by its explicit value, where a
    derivative dX/dY differentiates X written as a function of the family of Y (z, a, z^(m+1) are
    treated as free when something is differentiated by them, as the chain rule's notation means).
    """

    def __init__(self, output: bool = False, n_prev: int = 2):
        # N^(m-1) may differ from N^m = N^(m+1) = 2, so a sum with the wrong bound shows up
        n, n_next = 2, 2
        self.sizes = {N_prev: n_prev, N_m: n, N_next: n_next}
        self.ranges = {i: n, k: n, h: n, j: n_prev, l: n_next}
        self.output = output
        sym = lambda name: sp.Symbol(name, real=True)  # noqa: E731
        self.W = sp.Matrix(n, n_prev, lambda r, c: sym(f"W_{r + 1}{c + 1}"))
        self.b = sp.Matrix(n, 1, lambda r, c: sym(f"b_{r + 1}"))
        self.a_prev = sp.Matrix(n_prev, 1, lambda r, c: sym(f"x_{r + 1}"))  # a^(m-1)
        self.W_next = sp.Matrix(n_next, n, lambda r, c: sym(f"V_{r + 1}{c + 1}"))
        self.b_next = sp.Matrix(n_next, 1, lambda r, c: sym(f"c_{r + 1}"))
        self.sigma = sp.Function("sigma", real=True)
        self.cost = sp.Function("C", real=True)
        self.s = sp.symbols("s1:3", real=True)   # z^m as free variables
        self.t = sp.symbols("t1:3", real=True)   # a^m as free variables
        self.u = sp.symbols("u1:3", real=True)   # z^(m+1) as free variables
        self.z = self.W * self.a_prev + self.b
        self.a = self.z.applyfunc(self.sigma)
        self.z_next = self.W_next * self.a + self.b_next

    @functools.cached_property
    def matrices(self) -> "MatrixMeaning":
        return MatrixMeaning(self)

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def shared(output: bool = False, n_prev: int = 2) -> "LayerModel":
        """One model per shape for the whole process; built before forking, children share it."""
        return LayerModel(output, n_prev)

    def warm(self) -> "LayerModel":
        """Build everything the checks use (in the parent, so forked children inherit it)."""
        for family in ("independent", "z", "a", "z_next"):
            self._values(family)
        _ = self.matrices  # a cached property: reading it builds it
        return self

    # the quantities as functions of one family of free variables (built once per family)
    @functools.lru_cache(maxsize=None)
    def _values(self, family: str) -> dict:
        sig, W_next, b_next = self.sigma, self.W_next, self.b_next
        if family == "z":
            a_ = sp.Matrix([sig(s) for s in self.s])
            zs = sp.Matrix(self.s)
        elif family == "a":
            a_, zs = sp.Matrix(self.t), self.z
        else:
            a_, zs = self.a, self.z
        z_next_ = sp.Matrix(self.u) if family == "z_next" else W_next * a_ + b_next
        cost = self.cost(*a_) if self.output else self.cost(*z_next_)
        return {"z": zs, "a": a_, "z_next": z_next_, "C": cost}

    def _free(self, family: str, index):
        return {"z": self.s, "a": self.t, "z_next": self.u}[family][index - 1]

    def _substitute_back(self, family: str) -> dict:
        free = {"z": self.s, "a": self.t, "z_next": self.u}.get(family, ())
        actual = {"z": self.z, "a": self.a, "z_next": self.z_next}.get(family)
        return {v: actual[n] for n, v in enumerate(free)} if free else {}

    def _atom(self, expr, family: str):
        """An atom of the display (C, z[k], W[i, j], ...) as an explicit expression."""
        values = self._values(family)
        if expr == C:
            return values["C"]
        if isinstance(expr, sp.Indexed):
            base, idx = expr.base, [int(n) - 1 for n in expr.indices]
            table = {W_m: self.W, b_m: self.b, a_prev: self.a_prev, W_next: self.W_next,
                     b_next: self.b_next, z_m: values["z"], a_m: values["a"],
                     z_next: values["z_next"]}
            matrix = table[base]
            return matrix[idx[0], idx[1]] if len(idx) == 2 else matrix[idx[0], 0]
        return expr

    def _variable(self, den):
        """The family of a differentiation variable, and the explicit symbol it stands for."""
        base = den.base
        if base in (z_m, a_m, z_next):
            family = {z_m: "z", a_m: "a", z_next: "z_next"}[base]
            return family, self._free(family, int(den.indices[0]))
        return "independent", self._atom(den, "independent")

    def explicit(self, expr, family: str = "independent"):
        """Replace display atoms (not inside derivatives) by their explicit values."""
        atoms = {e: self._atom(e, family) for e in expr.atoms(sp.Indexed)}
        if expr.has(C):
            atoms[C] = self._values(family)["C"]
        return expr.xreplace(atoms)

    def meaning(self, expr, indices: dict):
        """The explicit value of a display expression for concrete sizes and index values."""
        expr = _unroll(expr.xreplace({**self.sizes, **indices}))
        derivatives = {}
        for der in expr.atoms(sp.Derivative):
            (den,) = der.variables
            family, variable = self._variable(den)
            inner = self.explicit(der.expr, family)
            derivatives[der] = sp.diff(inner, variable).subs(self._substitute_back(family),
                                                             simultaneous=True)
        value = self.explicit(expr.xreplace(derivatives))
        return value.doit()


def _unroll(expr):
    """Sums with concrete bounds written out term by term, without evaluating their terms (a
    Sum's own doit would evaluate the display derivatives inside it)."""
    def write_out(total):
        (var, low, high), body = total.limits[0], total.function
        terms = [body.xreplace({var: v}) for v in range(int(low), int(high) + 1)]
        rest = sp.Add(*terms)
        return _unroll(sp.Sum(rest, *total.limits[1:])) if len(total.limits) > 1 else rest
    return expr.replace(lambda e: isinstance(e, sp.Sum), write_out)


class MatrixMeaning:
    """Meanings for the vector forms: each matrix symbol as an explicit matrix."""

    def __init__(self, model: LayerModel):
        self.m = model
        n, n_prev = model.sizes[N_m], model.sizes[N_prev]
        dz = [model.meaning(D(C, z_m[q]), {}) for q in (1, 2)]
        dz_next = [model.meaning(D(C, z_next[q]), {}) for q in (1, 2)]
        self.values = {
            delta: sp.Matrix(dz),
            delta_next: sp.Matrix(dz_next),
            A_prev: model.a_prev,
            W_next_matrix: model.W_next,
            dC_dW: sp.Matrix(n, n_prev, lambda r, c: model.meaning(D(C, W_m[r + 1, c + 1]), {})),
            dC_db: sp.Matrix(n, 1, lambda r, c: model.meaning(D(C, b_m[r + 1]), {})),
            sigma_prime_z: sp.Matrix([sp.diff(model.sigma(s), s).subs(s, model.z[q])
                                      for q, s in enumerate(model.s)]),
        }

    def explicit(self, expr):
        return sp.Matrix(expr.xreplace(self.values).doit())


def check_layer_step(lhs, rhs, model: LayerModel) -> Verdict:
    """An index-level statement (or a vector form) checked on `model` for every index value; the
    worst verdict stands, with the index values of a failure in its note."""
    if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
        matrices = model.matrices
        left, right = matrices.explicit(lhs), matrices.explicit(rhs)
        return worst([decide(p, q, timeout=5.0) for p, q in zip(left, right)])
    names = sorted(_free_indices(lhs) | _free_indices(rhs), key=str)
    results = []
    for values in _index_values(names, model.ranges):
        verdict = decide(model.meaning(lhs, values), model.meaning(rhs, values), timeout=5.0)
        if not verdict.status.holds:
            sizes = ", ".join(f"{n} = {v}" for n, v in model.sizes.items())
            where = ", ".join(f"{n} = {v}" for n, v in values.items())
            return replace(verdict, lhs=lhs, rhs=rhs,
                           note=f"fails at {where} (layer sizes {sizes})")
        results.append(verdict)
    return replace(worst(results), lhs=lhs, rhs=rhs)


def _free_indices(expr) -> set:
    """Index symbols used in `expr` and not bound by one of its sums. (A Derivative's free_symbols
    leaves out the indices of its variable, so they are collected from the Indexed atoms.)"""
    used = set()
    for atom in expr.atoms(sp.Indexed, sp.KroneckerDelta):
        used |= atom.free_symbols
    bound = {limit[0] for total in expr.atoms(sp.Sum) for limit in total.limits}
    return (used & set(INDICES)) - bound


def _index_values(names, ranges: dict) -> list[dict]:
    """Every assignment of the free indices, each over its own range (j runs over N^(m-1))."""
    combos = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in range(1, ranges[name] + 1)]
    return combos

