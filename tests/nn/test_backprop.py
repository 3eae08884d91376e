"""Backprop derivations for every activation x cost pair, against independent expectations.

Expected output deltas and sigma'(a) forms below are worked out by hand. The derived formulas are
also run in a small network written in plain Python floats (no SymPy in the forward pass) and
compared with central finite differences of that network's cost.
"""

import functools
import json
import math
import os
import random
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

from derive import api
from derive.cli import main
from derive.nn.activations import a, activation, z
from derive.nn.backprop import Cancellation, output_layer
from derive.nn.costs import cost, y
from derive.nn.network import prove_network
from derive.nn.proofs import gap_size

H = lambda e: sp.Heaviside(e, 0)  # noqa: E731  (the project's ReLU convention)

# activation -> sigma'(z) written in a, by hand
SIGMA_PRIME_IN_A = {
    "sigmoid": a * (1 - a),
    "tanh": 1 - a**2,
    "relu": H(a),
    "identity": sp.Integer(1),
    "softplus": 1 - sp.exp(-a),
}

# (output activation, cost) -> delta^L in a and y, by hand
OUTPUT_DELTA = {
    ("sigmoid", "cross-entropy"): a - y,                # (a-y)/(a(1-a)) * a(1-a)
    ("sigmoid", "squared-error"): (a - y) * a * (1 - a),
    ("tanh", "squared-error"): (a - y) * (1 - a**2),
    ("relu", "squared-error"): (a - y) * H(a),
    ("identity", "squared-error"): a - y,
}


@pytest.mark.parametrize("name", sorted(SIGMA_PRIME_IN_A))
def test_derivative_in_terms_of_the_output(name):
    act = activation(name)
    assert act.derivation.check().holds
    assert sp.simplify(act.derivative_in_a - SIGMA_PRIME_IN_A[name]) == 0


@pytest.mark.parametrize("pair", sorted(OUTPUT_DELTA), ids=lambda p: "-".join(p))
def test_output_delta_matches_the_hand_derivation(pair):
    act, c = activation(pair[0]), cost(pair[1])
    derivation = output_layer(act, c)
    assert derivation.holds
    got = derivation.result.xreplace({a: act.expr})
    want = OUTPUT_DELTA[pair].xreplace({a: act.expr})
    for value in (-2.5, -0.3, 0.7, 1.9):  # both sides as functions of z, y fixed
        point = {z: sp.Float(value), y: sp.Float(0.25)}
        assert abs(float((got - want).xreplace(point).evalf())) < 1e-12


def test_sigmoid_with_cross_entropy_is_announced_as_a_cancellation():
    derivation = output_layer(activation("sigmoid"), cost("cross-entropy"))
    assert derivation.result == a - y
    (rule,) = derivation.steps[-1].rules
    assert isinstance(rule, Cancellation)
    assert sp.expand(rule.slope - a * (1 - a)) == 0  # sigma' = a(1 - a), by hand
    assert sp.expand(rule.denominator - a * (1 - a)) == 0 or \
        sp.expand(rule.denominator + a * (1 - a)) == 0  # dC/da = (a - y)/(a(1 - a))


# -- an independent network: plain floats, hand-written forward pass ------------------------------

PLAIN = {
    "sigmoid": lambda t: 1 / (1 + math.exp(-t)),
    "tanh": math.tanh,
    "relu": lambda t: max(0.0, t),
    "identity": lambda t: t,
}
PLAIN_COST = {
    "squared-error": lambda out, target: 0.5 * (target - out) ** 2,
    "cross-entropy": lambda out, target: -(target * math.log(out)
                                          + (1 - target) * math.log(1 - out)),
}


def _forward(params, sizes, x, hidden, out):
    acts, zs = [x], []
    for m, (Wm, bm) in enumerate(params):
        f = PLAIN[out if m == len(params) - 1 else hidden]
        zm = [sum(w * v for w, v in zip(row, acts[-1])) + bias for row, bias in zip(Wm, bm)]
        zs.append(zm)
        acts.append([f(t) for t in zm])
    return zs, acts


def _numbers(expr, **values):
    return float(expr.xreplace({sp.Symbol(k, real=True): v for k, v in values.items()}).evalf())


@pytest.mark.parametrize("hidden,out,cost_name", [
    ("sigmoid", "sigmoid", "cross-entropy"), ("sigmoid", "sigmoid", "squared-error"),
    ("tanh", "tanh", "squared-error"), ("relu", "relu", "squared-error"),
    ("tanh", "sigmoid", "cross-entropy"), ("relu", "sigmoid", "cross-entropy"),
    ("relu", "identity", "squared-error"),
])
def test_derived_formulas_agree_with_finite_differences(hidden, out, cost_name):
    sizes = (3, 4, 2)
    rng = random.Random(7)
    params = [([[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)],
               [rng.uniform(-0.5, 0.5) for _ in range(n_out)])
              for n_in, n_out in zip(sizes, sizes[1:])]
    x = [rng.uniform(-1, 1) for _ in range(sizes[0])]
    target = [0.2, 0.9]
    act_h, act_o, c = activation(hidden), activation(out), cost(cost_name)
    delta_L_expr = output_layer(act_o, c).result            # derived delta^L in a and y
    zs, acts = _forward(params, sizes, x, hidden, out)
    delta = [_numbers(delta_L_expr, a=av, y=t) for av, t in zip(acts[-1], target)]
    grads = [None] * len(params)
    for m in range(len(params) - 1, -1, -1):
        grads[m] = [[d_i * v for v in acts[m]] for d_i in delta]
        if m:
            W_next = params[m][0]
            back = [sum(W_next[r][c_] * delta[r] for r in range(len(delta)))
                    for c_ in range(len(acts[m]))]
            delta = [bk * _numbers(act_h.derivative_in_a, a=av) for bk, av in zip(back, acts[m])]

    def total_cost(ps):
        _, acts_ = _forward(ps, sizes, x, hidden, out)
        return sum(PLAIN_COST[cost_name](o, t) for o, t in zip(acts_[-1], target))

    eps = 1e-6
    for m, (Wm, _) in enumerate(params):
        for r, row in enumerate(Wm):
            for c_ in range(len(row)):
                plus = [([list(rw) for rw in W_], list(b_)) for W_, b_ in params]
                minus = [([list(rw) for rw in W_], list(b_)) for W_, b_ in params]
                plus[m][0][r][c_] += eps
                minus[m][0][r][c_] -= eps
                numeric = (total_cost(plus) - total_cost(minus)) / (2 * eps)
                assert abs(numeric - grads[m][r][c_]) < 1e-6 * max(1, abs(numeric))


# -- the explicit-network proof ------------------------------------------------------------------

# 2,2,1: every published document; here wider, and deeper (two hidden layers)
@pytest.mark.parametrize("layers", [(2, 3, 2), (2, 2, 2, 1)])
def test_explicit_network_proof(layers):
    s, c = activation("sigmoid"), cost("cross-entropy")
    proof = prove_network(layers, s, s, c)
    weights_and_biases = sum(n_in * n_out + n_out for n_in, n_out in zip(layers, layers[1:]))
    assert proof.total == weights_and_biases
    assert proof.proved == proof.total and proof.holds


def test_explicit_network_proof_catches_a_wrong_recurrence():
    s = activation("sigmoid")
    wrong = cost("cross-entropy")
    from dataclasses import replace
    wrong = replace(wrong, gradient=-wrong.gradient)  # the tutorial-style sign slip
    assert prove_network((1, 1, 1), s, s, wrong).holds is False  # the right one: tests above


def test_an_activation_complex_below_zero_is_compared_by_modulus():
    """z^z is complex for z < 0, where the random point puts some z: the recurrence still equals
    the direct derivative there (the same branch on both sides), and the check does not crash."""
    zz = activation("z**z")
    proof = prove_network((1, 1, 1), zz, zz, cost("squared-error"))
    assert proof.proved == proof.total == 4 and proof.holds


@pytest.mark.parametrize("gap, size", [
    (complex(3, 4), 5.0),                        # |3 + 4i| = 5
    (mpmath.mpc(0, -2), 2.0),
    (float("nan"), math.inf),                    # a NaN must not pass for agreement
    (mpmath.mpf("nan"), math.inf),
])
def test_the_size_of_a_numeric_gap(gap, size):
    assert gap_size(gap) == size


@pytest.mark.parametrize("spec,in_a", [
    ("log(1 + exp(z))", 1 - sp.exp(-a)),
    ("1/(1 + exp(-beta*z))", sp.Symbol("beta", real=True) * a * (1 - a)),
    ("z/(1 + exp(-z))", None),
    # cosh(asinh(a)) = sqrt(1 + a^2)
    ("sinh(z)", sp.sqrt(a**2 + 1)),
    # z = sign(a) |a|^(1/3) on the whole real line, so 3 z^2 = 3 |a|^(2/3)
    ("z**3", 3 * sp.Abs(a)**sp.Rational(2, 3)),
])
def test_user_activations(spec, in_a):
    act = activation(spec)
    assert act.derivation.check().holds
    if in_a is None:
        assert act.derivative_in_a is None  # swish is not a function of its output
    else:
        assert sp.simplify(act.derivative_in_a - in_a) == 0


def test_an_inverse_right_on_one_branch_is_dropped_before_it_is_simplified(monkeypatch):
    """softsign z/(1 + |z|): solveset gives z = a/(1 - a) for a >= 0 and a/(1 + a) for a < 0,
    each NaN on the other half, so neither branch alone is a g(a) for every z. (By hand one g
    exists, (1 - |a|)^2, since 1 - |a| = 1/(1 + |z|); it is not among the candidates.)"""
    from derive.nn import activations
    simplified = []
    monkeypatch.setattr(activations, "_in_a", lambda form, derivative: simplified.append(form))
    candidates = list(activations._candidates(z / (1 + sp.Abs(z)), 1 / (1 + sp.Abs(z))**2))
    assert simplified == [] and all(c is None or c.has(z) for c in candidates)


SIGMOID = 1 / (1 + sp.exp(-z))


@pytest.mark.parametrize("sigma,candidate,differs", [
    (SIGMOID, a * (1 - a), False),   # the sigmoid's, right
    (SIGMOID, a * (1 + a), True),    # a sign slipped
    # right for z > 0 only (NaN at the three negative probes): no g of a for every z
    (sp.exp(z), sp.Piecewise((a, z > 0), (sp.nan, True)), True),
    # NaN at one probe only (a point it is not defined at) is no evidence
    (sp.exp(z), sp.Piecewise((sp.nan, sp.Eq(z, sp.Rational(1, 5))), (a, True)), False),
    # where sigma' has no real value (below 0), nothing is compared; above 0 it is right
    (sp.Rational(2, 3) * z**sp.Rational(3, 2), sp.sqrt(z), False),
])
def test_a_candidate_form_is_compared_with_sigma_prime_at_real_points(sigma, candidate, differs):
    from derive.nn.activations import _differs_somewhere
    derivative = sp.diff(sigma, z)
    assert _differs_somewhere(candidate.xreplace({a: sigma}), derivative) == differs


def test_an_inverse_only_solve_finds_still_gives_sigma_prime_in_a():
    """a = z + e^z has no inverse in elementary functions (solveset gives none; solve gives
    LambertW). By hand sigma'(z) = 1 + e^z, so g(a) must equal 1 + e^z at a = z + e^z."""
    act = activation("z + exp(z)")
    assert act.derivative_in_a is not None
    for z0 in (-2, 0.5, 3):
        a0 = z0 + math.exp(z0)
        value = complex(act.derivative_in_a.evalf(30, subs={a: a0}))
        assert abs(value - (1 + math.exp(z0))) < 1e-9


def test_a_document_made_before_is_read_back_whole_without_a_worker(monkeypatch):
    """A second `derive backprop` with the same pair and network reads the document back from
    the cache instead of starting the pool (a fork and a result sent back for each part); the
    document is the same, with the notes of this call."""
    from derive.engine import isolation
    first = api.backprop("tanh", layers="2,3,1")

    def no_worker(*args, **kwargs):
        raise AssertionError("a worker was started")
    monkeypatch.setattr(isolation, "run", no_worker)
    again = api.backprop("tanh", layers="2,3,1", notes=("a note",))
    assert again.derivations == first.derivations and again.proof == first.proof
    assert again.notes == first.notes + ("a note",)
    with pytest.raises(AssertionError, match="a worker was started"):   # another network
        api.backprop("tanh", layers="2,2,1,1")


def test_the_default_pair_is_derived_without_loading_sympys_units_package():
    """SymPy's `solve`, `simplify` and `as_set` load its units package, a tenth of a second in
    every fresh process; the sigmoid's record, the pair's derivations and a network that
    compiles them need none of them. Nor do the compiled formulas need the NumPy submodules
    that NumPy loads lazily (lambdify's own `from numpy import *` loads numpy.testing and
    numpy.f2py, another tenth of a second)."""
    code = ("import sys\n"
            "from derive.nn.activations import activation\n"
            "from derive.nn.backprop import pair_derivations\n"
            "from derive.nn.costs import cost\n"
            "from derive.numeric.compile import compile_activation, compile_cost\n"
            "s = activation('sigmoid')\n"
            "for name in ('cross-entropy', 'squared-error'):\n"
            "    pair = pair_derivations(s, s, cost(name))\n"
            "    assert pair.output_layer.holds and pair.updates.holds\n"
            "    compile_cost(cost(name), s)\n"
            "forward = compile_activation(s).forward\n"
            "assert abs(forward(0.5) - 1 / (1 + 2.718281828459045 ** -0.5)) < 1e-15\n"
            "print([m for m in ('sympy.physics.units', 'numpy.testing', 'numpy.f2py')\n"
            "       if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "DERIVE_NO_CACHE": "1"}, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr[-500:]


def test_a_range_sympy_cannot_find_is_left_unknown_after_its_budget():
    """function_range(sin(1/z)) searches infinitely many critical points and never returns:
    the range is left unknown after its budget (0.3 CPU s here), while sigmoid's is found within
    the usual one (it takes 0.2 to 0.3 s in a fresh process: too close to share the short one). In
    a subprocess, so that a hang fails the test instead of stopping the suite."""
    code = ("import sympy as sp\n"
            "from derive.nn import activations as A\n"
            "usual, A.RANGE_SECONDS = A.RANGE_SECONDS, 0.3\n"
            "unknown = A._range(sp.sin(1 / A.z))\n"
            "A.RANGE_SECONDS = usual\n"
            "print(unknown, A._range(1 / (1 + sp.exp(-A.z))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "DERIVE_NO_CACHE": "1"}, timeout=60)
    assert out.stdout.split() == ["None", "Interval.open(0,", "1)"], out.stderr[-500:]


def test_whole_document_holds_for_a_user_activation():
    assert api.backprop("1/(1 + exp(-beta*z))", cost="squared-error", layers=(2, 2, 1)).holds


# -- the command -----------------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_backprop_json(capsys, monkeypatch, published):
    # the document is made once per run (conftest); this checks the command and its JSON
    document = published.backprops[("sigmoid", "cross-entropy")]
    original = api.backprop  # the parser reads its defaults from the use case's signature
    monkeypatch.setattr(api, "backprop", functools.wraps(original)(lambda *a, **k: document))
    code, out, _ = run(capsys, "backprop", "--activation", "sigmoid", "--cost", "cross-entropy",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["holds"]
    assert data["proof"]["proved"] == data["proof"]["total"] == 9
    titles = [d["title"] for d in data["derivations"]]
    assert "weights: dC/dW^m" in titles and "hidden layers: delta^m from delta^(m+1)" in titles
    output = next(d for d in data["derivations"] if d["title"].startswith("output layer: sigmoid"))
    assert output["result"] == "a - y"


def test_invalid_pair_is_refused_unless_forced(capsys):
    code, _, err = run(capsys, "backprop", "--activation", "tanh", "--cost", "cross-entropy")
    assert code == 2 and "(0, 1)" in err
    code, out, _ = run(capsys, "backprop", "--activation", "tanh", "--cost", "cross-entropy",
                       "--force", "--layers", "none", "--format", "markdown")
    assert code == 0 and "forced" in out


@pytest.mark.parametrize("command", [["backprop", "--layers", "none"], ["mlp", "--epochs", "5"]])
@pytest.mark.parametrize("output, cost, vector", [("tanh", "nll", "log-softmax"),
                                                  ("sigmoid", "categorical-cross-entropy",
                                                   "softmax")])
def test_a_cost_of_class_probabilities_needs_the_output_that_makes_them(capsys, command, output,
                                                                        cost, vector):
    # -y a (nll) and -y log a score only the target's output: with outputs of their own, the
    # least cost is every output at its largest (tanh with nll once trained to a loss of -0.49)
    code, _, err = run(capsys, *command, "--output-activation", output, "--cost", cost)
    assert code == 2 and f"--output-activation {vector}" in err
    code, _, _ = run(capsys, *command, "--output-activation", vector, "--cost", cost,
                     *(["--data", "iris"] if command[0] == "mlp" else ["--format", "json"]))
    assert code == 0


@pytest.mark.parametrize("argv", [
    ["backprop", "--activation", "__import__('os')"],
    ["backprop", "--activation", "x**2"],
    ["backprop", "--activation", "floor(z)"],
    ["backprop", "--cost", "q*a"],
    ["backprop", "--layers", "2"],
    ["backprop", "--layers", "2,x,1"],
])
def test_bad_backprop_input_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1
