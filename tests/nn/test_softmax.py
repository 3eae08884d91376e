"""Softmax and log-softmax outputs, categorical cross-entropy, the pairs whose delta is p - y, and
the batch and weight-decay forms, against independent computations: explicit SymPy differentiation
at a size the derivation was not checked at, central finite differences in NumPy, and the theory
of canonical links (Bernoulli/sigmoid, categorical/softmax, Gaussian/identity).
"""

import functools
import json

import numpy as np
import pytest
import sympy as sp

from derive import api
from derive.calc.steps import Derivation, Step
from derive.cli import main
from derive.engine.notation import D
from derive.engine.verify import decide
from derive.nn import batches, network, pairs, softmax as sm
from derive.nn.activations import activation
from derive.nn.costs import cost
from derive.results import Derivations

RNG = np.random.default_rng(7)


def _softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def _fd(f, v, eps=1e-6):
    return np.array([(f(v + eps * e) - f(v - eps * e)) / (2 * eps) for e in np.eye(len(v))])


def test_softmax_jacobian_matches_sympy_at_an_unchecked_size():
    act = sm.vector_activation("softmax")
    assert act.derivation.holds and len(act.derivation.steps) == 4
    size = 4   # the derivation was checked at K = 2 and 3
    zs = sp.symbols("z_1:5", real=True)
    outputs = [sp.exp(v) / sum(sp.exp(u) for u in zs) for v in zs]
    for r in range(size):
        for c in range(size):
            derived = act.jacobian.xreplace({sm.i: r + 1, sm.j: c + 1})
            derived = derived.xreplace({sm.a[n + 1]: outputs[n] for n in range(size)})
            assert sp.simplify(derived - sp.diff(outputs[r], zs[c])) == 0


def test_log_softmax_jacobian_matches_finite_differences():
    act = sm.vector_activation("log-softmax")
    assert act.derivation.holds
    v = RNG.normal(size=3)
    numeric = np.array([_fd(lambda w: w[r] - np.log(np.exp(w).sum()), v) for r in range(3)])
    logp = v - np.log(np.exp(v).sum())
    derived = np.array([[float(act.jacobian.xreplace({sm.i: r + 1, sm.j: c + 1}).xreplace(
        {sm.a[n + 1]: logp[n] for n in range(3)})) for c in range(3)] for r in range(3)])
    assert np.allclose(derived, numeric, atol=1e-8)


def test_a_wrong_jacobian_step_is_caught():
    wrong = Step(D(sm.a[sm.i], sm.z[sm.j]), sm.a[sm.i] * (sp.KroneckerDelta(sm.i, sm.j) - sm.a[sm.i]))
    verdict = sm.check_entries(wrong, None, sm.vector_activation("softmax").expr)
    assert verdict.status.value == "REFUTED" and "K = 2" in verdict.note


def test_softmax_with_categorical_cross_entropy_gives_a_minus_y_only_when_targets_sum_to_1():
    derivation = sm.output_layer(sm.vector_activation("softmax"), cost("categorical-cross-entropy"))
    assert derivation.holds and sm.ONE_HOT in derivation.assumptions
    general, last = derivation.steps[-1].lhs, derivation.result
    assert sp.simplify(last - (sm.a[sm.j] - sm.y[sm.j])) == 0
    v = RNG.normal(size=3)
    p = _softmax(v)
    for target in (np.array([0.0, 1.0, 0.0]), np.array([1.0, 1.0, 0.0])):   # one-hot, sums to 2
        numeric = _fd(lambda w: -(target * np.log(_softmax(w))).sum(), v)
        assert np.allclose(numeric, p * target.sum() - target, atol=1e-7)
        formula = [float(general.xreplace({sp.Sum(sm.y[sm.i], (sm.i, 1, sm.K)): target.sum()})
                         .xreplace({sm.j: r + 1}).xreplace({sm.a[r + 1]: p[r], sm.y[r + 1]: target[r]}))
                   for r in range(3)]
        assert np.allclose(formula, numeric, atol=1e-7)
    assert any("y = (1, 1, 0)" in note for note in derivation.notes)


def test_softmax_with_squared_error_is_a_jacobian_vector_product():
    derivation = sm.output_layer(sm.vector_activation("softmax"), cost("squared-error"))
    assert derivation.holds and not derivation.assumptions
    v, target = RNG.normal(size=3), np.array([0.2, 0.5, 0.3])
    p = _softmax(v)
    numeric = _fd(lambda w: 0.5 * ((target - _softmax(w)) ** 2).sum(), v)
    jacobian = np.diag(p) - np.outer(p, p)
    assert np.allclose(jacobian.T @ (p - target), numeric, atol=1e-7)


def test_the_pairs_that_cancel_are_the_canonical_links():
    found = pairs.survey()
    cancel = {(p.activation, p.cost) for p in found if p.cancels}
    # negative log-likelihoods with their canonical inverse links (McCullagh and Nelder)
    assert cancel == {("sigmoid", "cross-entropy"), ("identity", "squared-error"),
                      ("softmax", "categorical-cross-entropy"), ("log-softmax", "nll")}
    # incompatible pairs are not tried: log(a) of a negative output
    assert ("tanh", "cross-entropy") not in {(p.activation, p.cost) for p in found}
    bernoulli = next(p for p in found if (p.activation, p.cost) == ("sigmoid", "cross-entropy"))
    # e^(-C) is a likelihood: it sums to 1 over y in {0, 1}
    total = sum(bernoulli.likelihood.xreplace({sp.Symbol("y", real=True): v}) for v in (0, 1))
    assert sp.simplify(total) == 1


def test_a_pair_that_does_not_cancel_shows_its_delta():
    (tanh,) = pairs.survey(("tanh",), ("squared-error",))
    a, y = sp.Symbol("a", real=True), sp.Symbol("y", real=True)
    assert not tanh.cancels and sp.simplify(tanh.delta - (a - y) * (1 - a**2)) == 0


def test_batch_and_weight_decay_steps_hold_and_a_missing_mean_is_caught():
    batch, decay = batches.checked()
    assert batch.holds and decay.holds
    # without the 1/n: one entry of the explicit layer already refutes it
    lhs = sp.Matrix(batches.dC_dW.xreplace(batch.meaning))[0, 0]
    rhs = sp.Matrix((batches.Delta * batches.A.T).xreplace(batch.meaning))[0, 0]
    assert decide(lhs, rhs, diagnose=False).status.value == "REFUTED"


def test_explicit_network_with_a_softmax_output_and_a_sabotaged_delta(monkeypatch):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")   # the sabotage must be derived, not read back
    # the right delta passes on the published softmax networks (tests/test_documents.py)
    hidden, out = activation("tanh"), sm.vector_activation("softmax")
    real = sm.output_layer

    def wrong(act, chosen):   # delta_j = a_j: the target forgotten
        d = real(act, chosen)
        return Derivation(d.title, d.steps[:-1] + (Step(d.steps[-1].lhs, sm.a[sm.j]),),
                          d.assumptions, verdicts=d.verdicts)
    monkeypatch.setattr(network.softmax, "output_layer", wrong)
    proof = network.prove_network((2, 1, 2), hidden, out, cost("categorical-cross-entropy"))
    assert proof.total == 3 + 4 and not proof.holds


def test_backprop_command_with_softmax(capsys, monkeypatch, published):
    # the document is made once per run (conftest); this checks the command's arguments and JSON
    document = published.backprops[("relu", "categorical-cross-entropy")]
    calls = []
    original = api.backprop  # the parser reads its defaults from the use case's signature

    def recorded(*args, **kwargs):
        calls.append(args)
        return document
    monkeypatch.setattr(api, "backprop", functools.wraps(original)(recorded))
    code = main(["backprop", "--activation", "relu", "--output-activation", "softmax", "--cost",
                 "categorical-cross-entropy", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert calls[0][:3] == ("relu", "softmax", "categorical-cross-entropy")
    assert code == 0 and data["holds"] and data["proof"]["layers"] == [2, 2, 3]
    titles = [d["title"] for d in data["derivations"]]
    assert "activation softmax: the Jacobian da_i/dz_j" in titles
    assert "batches: the mean cost over n samples" in titles
    last = next(d for d in data["derivations"] if d["title"].startswith("output layer: softmax"))
    assert last["result"].replace(" ", "") in ("a[j]-y[j]", "-y[j]+a[j]")


@pytest.mark.parametrize("argv, words", [
    (["backprop", "--activation", "softmax"], "output activation"),
    (["backprop", "--output-activation", "softmax", "--layers", "2,2,1"], "2 or more"),
    (["backprop", "--output-activation", "log-softmax", "--cost", "categorical-cross-entropy"],
     "(0, 1)"),
])
def test_softmax_misuse_is_one_line_and_exit_2(capsys, argv, words):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1


def test_default_cost_of_a_vector_output():
    assert api._pair("relu", "softmax", None).cost.name == "categorical-cross-entropy"
    assert api._pair("relu", "log-softmax", None).cost.name == "nll"


def test_pairs_command_shows_the_cancelling_pairs_in_every_format(capsys, monkeypatch, published):
    code = main(["pairs", "--format", "json"])
    titles = [d["title"] for d in json.loads(capsys.readouterr().out)]
    assert code == 0 and titles == ["output layer: sigmoid with cross-entropy",
                                    "output layer: identity with squared-error",
                                    "output layer: softmax with categorical-cross-entropy",
                                    "output layer: log-softmax with nll"]
    # the other formats render the same record (made once per run, in conftest)
    found = Derivations(pairs.TITLE, published.cancelling)
    monkeypatch.setattr(api, "cancelling_pairs", lambda timeout: found)
    for fmt, mark in (("markdown", "a^y (1 - a)^(1 - y)"), ("text", "negative log-likelihood"),
                      ("latex", r"\begin{align*}")):
        assert main(["pairs", "--format", fmt]) == 0 and mark in capsys.readouterr().out
