"""Per-layer backpropagation, derived from z^m = W^m a^(m-1) + b^m and a^m = sigma^m(z^m).

The document has five parts, every step named and checked:

1. Index level (`general`): dC/dW_ij = sum_k dC/dz_k dz_k/dW_ij, dz_k/dW_ij from the sum (a Kronecker
   delta), the collapse to dC/dz_i a_j; the same for b; the hidden-layer recurrence; the vector forms.
   These steps are written for symbolic layer sizes N^m and checked on a concrete layer (sizes 2, 2, 2,
   every index value) in which each symbol means something explicit: C is an unknown function of the
   next layer's z, sigma an unknown function, and dC/dz_k, dC/da_k, dC/dW_ij the derivatives of the
   composed expressions (see `LayerModel`). A step that did not hold for every index value fails.
2. Output layer for the chosen activation and cost (`output_layer`): delta^L = dC/da sigma'(z),
   sigma' in terms of a, simplified; checked with a = sigma(z).
3. Hidden layers for the chosen activation (`hidden_layer`).
4. Gradient descent and momentum (`updates`).
5. The explicit network (`prove_network`): the cost written out as a function of every weight and
   bias of a concrete network, differentiated directly by SymPy, compared entry by entry with the
   recurrence (symbolically, for a generic sigma; and numerically with the chosen activation).
"""

from __future__ import annotations

import functools
import random
import time
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.activations import Activation, a as a_scalar, z as z_scalar
from derive.costs import Cost, y as y_scalar
from derive.steps import Derivation, Step
from derive.verify import Status, Verdict, decide, readable

# -- display symbols (what the reader sees) -----------------------------------------------------------
i, j, k, l, h = sp.symbols("i j k l h", integer=True, positive=True)
N_prev, N_m, N_next = (sp.Symbol(n, integer=True, positive=True)
                       for n in ("N^m-1", "N^m", "N^m+1"))
W, b, z, a = (sp.IndexedBase(n) for n in ("W^m", "b^m", "z^m", "a^m"))
a_prev = sp.IndexedBase("a^m-1")
W_next, b_next, z_next = (sp.IndexedBase(n) for n in ("W^m+1", "b^m+1", "z^m+1"))
C = sp.Symbol("C", real=True)
delta, delta_next = (sp.MatrixSymbol(n, N, 1) for n, N in (("delta^m", N_m), ("delta^m+1", N_next)))
A_prev = sp.MatrixSymbol("a^m-1", N_prev, 1)
W_next_matrix = sp.MatrixSymbol("W^m+1", N_next, N_m)
dC_dW = sp.MatrixSymbol(r"\partial C/\partial W^{m}", N_m, N_prev)
dC_db = sp.MatrixSymbol(r"\partial C/\partial b^{m}", N_m, 1)
sigma_prime_z = sp.MatrixSymbol(r"\sigma'(z^{m})", N_m, 1)


def d(num, den):
    return sp.Derivative(num, den)


# -- the concrete layer that gives every symbol its meaning ------------------------------------------

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
            table = {W: self.W, b: self.b, a_prev: self.a_prev, W_next: self.W_next,
                     b_next: self.b_next, z: values["z"], a: values["a"],
                     z_next: values["z_next"]}
            matrix = table[base]
            return matrix[idx[0], idx[1]] if len(idx) == 2 else matrix[idx[0], 0]
        return expr

    def _variable(self, den):
        """The family of a differentiation variable, and the explicit symbol it stands for."""
        base = den.base
        if base in (z, a, z_next):
            family = {z: "z", a: "a", z_next: "z_next"}[base]
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
        dz = [model.meaning(d(C, z[q]), {}) for q in (1, 2)]
        dz_next = [model.meaning(d(C, z_next[q]), {}) for q in (1, 2)]
        self.values = {
            delta: sp.Matrix(dz),
            delta_next: sp.Matrix(dz_next),
            A_prev: model.a_prev,
            W_next_matrix: model.W_next,
            dC_dW: sp.Matrix(n, n_prev, lambda r, c: model.meaning(d(C, W[r + 1, c + 1]), {})),
            dC_db: sp.Matrix(n, 1, lambda r, c: model.meaning(d(C, b[r + 1]), {})),
            sigma_prime_z: sp.Matrix([sp.diff(model.sigma(s), s).subs(s, model.z[q])
                                      for q, s in enumerate(model.s)]),
        }

    def explicit(self, expr):
        return sp.Matrix(expr.xreplace(self.values).doit())


def _check_indexed(derivation: Derivation, model: LayerModel) -> Derivation:
    """Check each step at every value of the indices it contains, on `model`."""
    verdicts = tuple(check_layer_step(step.lhs, step.rhs, model) for step in derivation.steps)
    return Derivation(derivation.title, derivation.steps, derivation.assumptions,
                      verdicts=verdicts, notes=derivation.notes)


def check_layer_step(lhs, rhs, model: LayerModel) -> Verdict:
    """An index-level statement (or a vector form) checked on `model` for every index value; the
    worst verdict stands, with the index values of a failure in its note."""
    if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
        matrices = model.matrices
        left, right = matrices.explicit(lhs), matrices.explicit(rhs)
        return _worst([decide(p, q, timeout=5.0) for p, q in zip(left, right)])
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
    return replace(_worst(results), lhs=lhs, rhs=rhs)


def _free_indices(expr) -> set:
    """Index symbols used in `expr` and not bound by one of its sums. (A Derivative's free_symbols
    leaves out the indices of its variable, so they are collected from the Indexed atoms.)"""
    used = set()
    for atom in expr.atoms(sp.Indexed, sp.KroneckerDelta):
        used |= atom.free_symbols
    bound = {limit[0] for total in expr.atoms(sp.Sum) for limit in total.limits}
    return (used & {i, j, k, l, h}) - bound


def _index_values(names, ranges: dict) -> list[dict]:
    """Every assignment of the free indices, each over its own range (j runs over N^(m-1))."""
    combos = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in range(1, ranges[name] + 1)]
    return combos


ORDER = [Status.REFUTED, Status.UNDECIDED, Status.NUMERIC, Status.PROVED]


def _worst(verdicts: list[Verdict]) -> Verdict:
    return min(verdicts, key=lambda v: ORDER.index(v.status))


# -- 1. the index-level derivation -------------------------------------------------------------------

def general() -> list[Derivation]:
    """Index-level derivations for any activation and cost (checked on `LayerModel`)."""
    z_k = sp.Sum(W[k, l] * a_prev[l], (l, 1, N_prev)) + b[k]
    weights = Derivation("weights: dC/dW^m", (
        Step(d(C, W[i, j]), sp.Sum(d(C, z[k]) * d(z[k], W[i, j]), (k, 1, N_m)),
             "chain rule, additive form: W_ij reaches C through every z_k"),
        Step(d(z[k], W[i, j]), d(z_k, W[i, j]), "definition z_k = sum_l W_kl a_l + b_k"),
        Step(d(z_k, W[i, j]), sp.Sum(sp.KroneckerDelta(i, k) * sp.KroneckerDelta(j, l)
                                     * a_prev[l], (l, 1, N_prev)),
             "dW_kl/dW_ij = delta_ik delta_jl; b_k does not depend on W"),
        Step(sp.Sum(sp.KroneckerDelta(i, k) * sp.KroneckerDelta(j, l) * a_prev[l],
                    (l, 1, N_prev)),
             sp.KroneckerDelta(i, k) * a_prev[j], "sum collapses: only l = j survives"),
        Step(d(C, W[i, j]), sp.Sum(d(C, z[k]) * sp.KroneckerDelta(i, k) * a_prev[j], (k, 1, N_m)),
             "substitute dz_k/dW_ij"),
        Step(sp.Sum(d(C, z[k]) * sp.KroneckerDelta(i, k) * a_prev[j], (k, 1, N_m)),
             d(C, z[i]) * a_prev[j], "sum collapses: only k = i survives"),
        Step(dC_dW, delta * A_prev.T, "vector form, with delta^m = dC/dz^m: an outer product"),
    ))
    biases = Derivation("biases: dC/db^m", (
        Step(d(C, b[i]), sp.Sum(d(C, z[k]) * d(z[k], b[i]), (k, 1, N_m)),
             "chain rule, additive form"),
        Step(d(z[k], b[i]), sp.KroneckerDelta(i, k), "z_k holds b_k and no other bias"),
        Step(d(C, b[i]), d(C, z[i]), "sum collapses: only k = i survives"),
        Step(dC_db, delta, "vector form"),
    ))
    z_l_next = sp.Sum(W_next[l, h] * a[h], (h, 1, N_m)) + b_next[l]
    hidden = Derivation("hidden layers: delta^m from delta^(m+1)", (
        Step(d(C, z[k]), d(C, a[k]) * d(a[k], z[k]),
             "chain rule: z_k reaches C only through a_k = sigma(z_k)"),
        Step(d(C, a[k]), sp.Sum(d(C, z_next[l]) * d(z_next[l], a[k]), (l, 1, N_next)),
             "chain rule, additive form: a_k feeds every z^(m+1)_l"),
        Step(d(z_next[l], a[k]), d(z_l_next, a[k]), "definition of z^(m+1)_l"),
        Step(d(z_l_next, a[k]), W_next[l, k], "sum collapses: only h = k survives"),
        Step(d(C, z[k]), sp.Sum(W_next[l, k] * d(C, z_next[l]), (l, 1, N_next)) * d(a[k], z[k]),
             "substitute"),
        Step(delta, sp.HadamardProduct(W_next_matrix.T * delta_next, sigma_prime_z),
             "vector form: (W^(m+1))^T delta^(m+1), times sigma'(z^m) elementwise"),
    ))
    model = LayerModel(n_prev=3)
    output_model = LayerModel(output=True)
    output = Derivation("output layer: delta^L", (
        Step(d(C, z[k]), d(C, a[k]) * d(a[k], z[k]),
             "chain rule: a_k is the only path from z_k to C (layer m = L)"),
    ))
    return [_check_indexed(weights, model), _check_indexed(biases, model),
            _check_indexed(output, output_model), _check_indexed(hidden, model)]


# -- 2., 3. the chosen activation and cost -----------------------------------------------------------

def output_layer(act: Activation, cost: Cost) -> Derivation:
    """delta^L = dC/da sigma'(z) for this pair, in terms of a, simplified. Checked with a = sigma(z)."""
    a_, z_ = a_scalar, z_scalar
    delta_L = sp.Symbol("delta^L", real=True)
    steps = [Step(delta_L, cost.gradient * act.derivative,
                  "delta^L = dC/da * sigma'(z): the cost's and the activation's derivatives")]
    if act.derivative_in_a is not None:
        steps.append(Step(steps[-1].rhs, cost.gradient * act.derivative_in_a,
                          "sigma'(z) in terms of the output a"))
        simplest = readable(sp.cancel(steps[-1].rhs), steps[-1].rhs)
        if simplest != steps[-1].rhs:
            steps.append(Step(steps[-1].rhs, simplest, _why_simpler(act, cost)))
    meaning = {delta_L: sp.diff(cost.expr.xreplace({a_: act.expr}), z_), a_: act.expr}
    notes = (act.convention,) if act.convention else ()
    return Derivation(f"output layer: {act.name} with {cost.name}", tuple(steps), notes=notes,
                      meaning=meaning).check()


def _why_simpler(act: Activation, cost: Cost) -> str:
    """Name the cancellation when sigma'(a) is a multiple of the cost gradient's denominator
    (sigmoid with cross-entropy: a(1 - a) over a(1 - a), leaving a - y)."""
    denominator = sp.denom(sp.together(cost.gradient))
    ratio = sp.cancel(act.derivative_in_a / denominator)
    if denominator != 1 and sp.denom(ratio) == 1:
        whole = "is" if ratio in (1, -1) else "divides"
        return (f"cancel: sigma'(z) = {act.derivative_in_a} {whole} the denominator of dC/da"
                + (" (up to sign)" if ratio == -1 else ""))
    return "simplify"


def hidden_layer(act: Activation) -> Derivation:
    """delta^m = (W^(m+1)^T delta^(m+1))_k sigma'(z_k), with sigma' for this activation."""
    e = sp.Symbol(r"(W^{m+1\,T} \delta^{m+1})_k", real=True)
    delta_m = sp.Symbol("delta^m_k", real=True)
    steps = [Step(delta_m, e * act.derivative, f"sigma'(z) for {act.name}")]
    if act.derivative_in_a is not None:
        steps.append(Step(steps[-1].rhs, e * act.derivative_in_a, "in terms of a^m = sigma(z^m)"))
    meaning = {delta_m: e * sp.diff(act.expr, z_scalar), a_scalar: act.expr}
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
    grads = [d(cost(w1, w2), w1), d(cost(w1, w2), w2)]
    moved = cost(w1 - step_ * grads[0], w2 - step_ * grads[1])
    first_order = sp.Subs(d(moved, step_), step_, 0)
    unrolled = sp.Sum(-lam * g * alpha**q, (q, 0, t))
    return Derivation("gradient descent and momentum", (
        Step(first_order, -(grads[0] ** 2 + grads[1] ** 2),
             "W <- W - lambda dC/dW lowers C to first order: the slope along -dC/dW is -|dC/dW|^2"),
        Step(unrolled, -lam * g * (1 - alpha ** (t + 1)) / (1 - alpha),
             "momentum dW_t = -lambda dC/dW + alpha dW_(t-1), unrolled for a constant gradient g"),
    ), assumptions=("0 < alpha < 1",))


# -- 5. the explicit network ------------------------------------------------------------------------

@dataclass(frozen=True)
class NetworkProof:
    layers: tuple
    entries: tuple           # (parameter name, Status of direct == recurrence)
    numeric_error: float     # max |direct - recurrence| with the chosen activation, one random point
    seconds: float

    @property
    def proved(self) -> int:
        return sum(s is Status.PROVED for _, s in self.entries)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def holds(self) -> bool:
        return all(s.holds for _, s in self.entries) and self.numeric_error < 1e-9


def prove_network(layers, hidden: Activation, output: Activation, cost: Cost,
                  seed: int = 0) -> NetworkProof:
    """Differentiate the cost of an explicit network by every weight and bias, directly, and compare
    with the recurrence; symbolically for generic activations, numerically for the chosen ones."""
    start = time.monotonic()
    sig_h = sp.Function("sigma_h", real=True)
    sig_o = sp.Function("sigma_o", real=True) if output.expr != hidden.expr else sig_h
    x = sp.Matrix(layers[0], 1, lambda r, c: sp.Symbol(f"x_{r + 1}", real=True))
    ys = [sp.Symbol(f"y_{r + 1}", real=True) for r in range(layers[-1])]
    Ws, bs, zs, acts = [], [], [], [x]
    L = len(layers) - 1
    for m in range(1, L + 1):
        Wm = sp.Matrix(layers[m], layers[m - 1],
                       lambda r, c: sp.Symbol(f"W{m}_{r + 1}{c + 1}", real=True))
        bm = sp.Matrix(layers[m], 1, lambda r, c: sp.Symbol(f"b{m}_{r + 1}", real=True))
        zm = Wm * acts[-1] + bm
        sig = sig_o if m == L else sig_h
        Ws.append(Wm), bs.append(bm), zs.append(zm), acts.append(zm.applyfunc(sig))
    C_total = sum(cost.expr.xreplace({a_scalar: acts[-1][r], y_scalar: ys[r]})
                  for r in range(layers[-1]))

    def sigma_prime(sig, zm):
        t = sp.Dummy("t", real=True)
        return zm.applyfunc(lambda e: sp.Subs(sp.Derivative(sig(t), t), t, e))

    grad_a = sp.Matrix([cost.gradient.xreplace({a_scalar: acts[-1][r], y_scalar: ys[r]})
                        for r in range(layers[-1])])
    deltas = [None] * (L + 1)
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
    for name, parameter, recurrence in pairs:
        direct = sp.diff(C_total, parameter)
        entries.append((name, _equal(direct, recurrence)))
    error = _numeric_gap(pairs, C_total, {sig_h: hidden, sig_o: output}, seed)
    return NetworkProof(tuple(layers), tuple(entries), error, time.monotonic() - start)


def _equal(direct, recurrence) -> Status:
    """Equal as rational functions of the activation atoms (sigma(z), sigma'(z)), or numerically."""
    difference = direct - recurrence
    atoms = list(difference.atoms(AppliedUndef) | difference.atoms(sp.Subs))
    names = {e: sp.Symbol(f"_u{n}", real=True) for n, e in enumerate(atoms)}
    flat = difference.xreplace(names)
    if sp.expand(flat) == 0 or sp.cancel(sp.together(flat)) == 0:
        return Status.PROVED
    return decide(direct, recurrence, timeout=10.0).status


def _numeric_gap(pairs, C_total, activations: dict, seed: int) -> float:
    """max |direct - recurrence| at one random point with the chosen activations substituted;
    the recurrence uses sigma' in terms of a where the derivation found that form."""
    rng = random.Random(seed)
    t = sp.Dummy("t", real=True)
    concrete = {}
    for sig, act in activations.items():
        concrete[sig] = sp.Lambda(t, act.expr.xreplace({z_scalar: t}))
    parameters = set().union(*(act.expr.free_symbols for act in activations.values())) - {z_scalar}
    symbols = sorted(C_total.free_symbols | parameters, key=str)
    # targets in (0, 1) so every cost is defined; 30-digit floats keep evaluation fast and exact
    # enough that a wrong formula (a difference of order 1e-2 or more) cannot hide
    point = {s: sp.Float(rng.randint(100 if str(s).startswith("y") else -900, 900) / 1000, 30)
             for s in symbols}
    worst = 0.0
    for _, parameter, recurrence in pairs[:64]:
        direct = sp.diff(C_total, parameter).subs(concrete).doit()
        rec = recurrence.subs(concrete).doit()
        gap = (direct - rec).xreplace(point).evalf(30)
        worst = max(worst, abs(float(gap)))
    return worst


# -- the whole document ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BackpropDocument:
    title: str
    derivations: tuple
    proof: NetworkProof | None
    notes: tuple

    @property
    def holds(self) -> bool:
        return all(d.holds for d in self.derivations) and (self.proof is None or self.proof.holds)


def derive_backprop(hidden: Activation, output: Activation, cost: Cost, layers=(2, 2, 1),
                    notes=(), jobs: int = 2) -> BackpropDocument:
    """The whole document. Its three independent parts (index level, this pair, the explicit
    network) run in `jobs` parallel children."""
    from derive.activations import equivalence_of_tanh_and_sigmoid
    from derive.sandbox import run_many

    def specific():
        parts = [hidden.derivation.check(), cost.derivation.check(), output_layer(output, cost),
                 hidden_layer(hidden), updates().check(_assume(("0 < alpha < 1",)))]
        if output.name != hidden.name:
            parts.insert(1, output.derivation.check())
        if "tanh" in (hidden.name, output.name):
            parts.append(equivalence_of_tanh_and_sigmoid().check())
        return parts

    tasks = [general, specific] + ([lambda: prove_network(layers, hidden, output, cost)]
                                   if layers else [])
    results = {}
    for index, outcome in run_many(_run_part, [(task,) for task in tasks], timeout=3600,
                                   jobs=jobs):
        if not outcome.final:
            raise RuntimeError(f"part {index} of the derivation stopped: {outcome.reason}")
        results[index] = outcome.value
    own = results[1]
    derivations = own[:2 if output.name == hidden.name else 3] + results[0] + \
        own[2 if output.name == hidden.name else 3:]
    title = f"Backpropagation: {hidden.name}" + \
        (f" hidden, {output.name} output" if output.name != hidden.name else "") + \
        f", {cost.name} cost"
    return BackpropDocument(title, tuple(derivations), results.get(2), tuple(notes))


def _run_part(task, report):
    report(task())


def _assume(texts):
    from derive.parsing import parse_assumptions
    return parse_assumptions(list(texts))
