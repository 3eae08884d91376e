"""The numeric network built from derived formulas, against independent implementations."""

import importlib.util
import json

import numpy as np
import pytest

from derive import MLP
from derive.nn.activations import activation
from derive.nn.costs import cost
from derive.numeric import reference
from derive.numeric.compile import compile_activation, compile_cost
from derive.numeric.gradcheck import EXACT, FD, cross_check

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity", "softplus", "leaky-relu"]
HUGE = np.concatenate([np.linspace(-1000, 1000, 2001), [0.0, 1e-300, -1e-300, 709.8, -745.2]])


@pytest.mark.parametrize("name", ACTIVATIONS + ["z/(1 + exp(-z))", "1/(1 + exp(-3*z))"])
def test_activation_and_slope_are_finite_without_warnings(name):
    compiled = compile_activation(activation(name))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = compiled.forward(HUGE)
        slope = compiled.slope(a if compiled.slope_in_a else HUGE)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(slope))


def test_compiled_formulas_see_the_names_lambdifys_numpy_module_gives():
    """The namespace of a compiled formula is lambdify's "numpy" namespace, name for name; only
    NumPy's submodules may be missing (a formula never names them; importing those NumPy loads
    lazily is what the namespace saves)."""
    from sympy.utilities.lambdify import MODULES, _import
    from derive.numeric.compile import _numpy_names

    _import("numpy")   # lambdify's own: from numpy import *; from numpy.linalg import *
    theirs, ours = dict(MODULES["numpy"][0]), _numpy_names()
    theirs.setdefault("Abs", abs)   # lambdify adds it to every namespace but mpmath's
    names = [name for name, value in theirs.items() if type(value) is not type(np)]
    assert len(names) > 500 and {"exp", "where", "heaviside", "Heaviside", "I", "inv"} <= set(names)
    assert [name for name in names if ours.get(name) is not theirs[name]] == []
    assert ours["numpy"] is np


def test_sigmoid_is_compiled_from_a_proved_stable_form():
    compiled = compile_activation(activation("sigmoid"))
    assert compiled.stabilised == ("sigma: proved",)
    with np.errstate(over="raise"):
        values = compiled.forward(np.array([-1000.0, 0.0, 1000.0]))
    assert values.tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("output,cost_name", [("sigmoid", "cross-entropy"),
                                              ("sigmoid", "squared-error"),
                                              ("identity", "squared-error"),
                                              ("tanh", "squared-error"),
                                              ("softplus", "squared-error")])
def test_cost_of_z_and_delta_are_finite_without_warnings(output, cost_name):
    compiled = compile_cost(cost(cost_name), activation(output))
    a = compile_activation(activation(output)).forward(HUGE)
    for target in (0.0, 0.3, 1.0):
        y = np.full_like(HUGE, target)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = compiled.value_from_z(HUGE, y)
            delta = compiled.delta(a, y)
        assert np.all(np.isfinite(value)) and np.all(np.isfinite(delta))


def test_cross_entropy_of_a_saturated_sigmoid_is_exact():
    compiled = compile_cost(cost("cross-entropy"), activation("sigmoid"))
    # C(sigma(z), y) = softplus(z) - y z: by hand at z = +-1000
    values = compiled.value_from_z(np.array([1000.0, -1000.0]), np.array([0.0, 0.0]))
    assert values.tolist() == [1000.0, 0.0]


PAIRS = [(h, o, c) for h in ACTIVATIONS for o, c in (("sigmoid", "cross-entropy"),
                                                    ("sigmoid", "squared-error"),
                                                    ("identity", "squared-error"))]
PAIRS += [("tanh", "tanh", "squared-error"), ("relu", "relu", "squared-error"),
          ("softplus", "softplus", "squared-error")]


@pytest.mark.parametrize("layers", [(3, 4, 2), (2, 5, 4, 3)])
@pytest.mark.parametrize("hidden,output,cost_name", PAIRS)
def test_gradients_agree_three_ways(hidden, output, cost_name, layers):
    check = cross_check(layers, hidden, output, cost_name, seed=3)
    assert check.compiled_vs_hand <= EXACT
    assert check.compiled_vs_fd <= FD and check.hand_vs_fd <= FD


def _network(layers, hidden, output, cost_name, seed=0):
    rng = np.random.default_rng(seed)
    model = MLP(hidden_layer_sizes=layers[1:-1], activation=hidden, output_activation=output,
                cost=cost_name)
    model.coefs_ = [rng.normal(0, 0.7, (n_out, n_in)) for n_in, n_out in zip(layers, layers[1:])]
    model.intercepts_ = [rng.normal(0, 0.3, n_out) for n_out in layers[1:]]
    X = rng.normal(0, 1, (12, layers[0]))
    y = (rng.uniform(size=(12, layers[-1])) > 0.5).astype(float)
    return model, X, y


SKLEARN_HIDDEN = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}


@pytest.mark.parametrize("hidden", sorted(SKLEARN_HIDDEN))
@pytest.mark.parametrize("output,cost_name", [("sigmoid", "cross-entropy"),
                                              ("identity", "squared-error")])
def test_one_sgd_step_matches_scikit_learn(hidden, output, cost_name):
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    layers, lr = (3, 5, 4, 1), 0.3
    model, X, y = _network(layers, hidden, output, cost_name)
    # scikit-learn: plain full-batch SGD, no L2 (alpha=0), no momentum, no shuffling; its squared
    # error is mean((y - a)^2)/2, the same as ours for one output. Both take ReLU' (0) = 0.
    kind = MLPClassifier if output == "sigmoid" else MLPRegressor
    sk = kind(hidden_layer_sizes=layers[1:-1], activation=SKLEARN_HIDDEN[hidden], solver="sgd",
              learning_rate_init=lr, learning_rate="constant", momentum=0.0,
              nesterovs_momentum=False, alpha=0.0, batch_size=len(X), shuffle=False, max_iter=1)
    target = y[:, 0] if output == "sigmoid" else y[:, 0] * 2 - 0.5
    if output == "sigmoid":
        sk.partial_fit(X, target, classes=[0.0, 1.0])
    else:
        sk.partial_fit(X, target)
    sk.coefs_ = [W.T.copy() for W in model.coefs_]          # scikit-learn stores W^T
    sk.intercepts_ = [b.copy() for b in model.intercepts_]
    sk.partial_fit(X, target)                                # one epoch = one full-batch step
    grads = model.gradients(X, target)
    for m, (gW, gb) in enumerate(grads):
        assert np.allclose(sk.coefs_[m].T, model.coefs_[m] - lr * gW, rtol=0, atol=1e-12)
        assert np.allclose(sk.intercepts_[m], model.intercepts_[m] - lr * gb, rtol=0, atol=1e-12)


def test_tutorial_network_step_matches_the_compiled_network():
    tutorial = reference.TutorialSigmoidNetwork([2, 3, 1], rng=5)
    X = np.array([[0, 1, 0, 1], [0, 0, 1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0], dtype=float)
    model = MLP(hidden_layer_sizes=(3,))
    model.coefs_ = [W.copy() for W, _ in tutorial.layers]
    model.intercepts_ = [b[:, 0].copy() for _, b in tutorial.layers]
    grads = model.gradients(X.T, y)
    tutorial.train(X, y, learning_rate=0.7)
    for (W, b), (gW, gb), W0, b0 in zip(tutorial.layers, grads, model.coefs_, model.intercepts_):
        assert np.allclose(W, W0 - 0.7 * gW, rtol=0, atol=1e-14)
        assert np.allclose(b[:, 0], b0 - 0.7 * gb, rtol=0, atol=1e-14)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="torch not installed (optional extra: pip install 'derive[torch]')")
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "softplus"])
def test_gradients_match_torch_autograd(hidden):
    import torch
    layers = (3, 4, 4, 2)
    model, X, y = _network(layers, hidden, "sigmoid", "cross-entropy")
    Ws = [torch.tensor(W, requires_grad=True) for W in model.coefs_]
    bs = [torch.tensor(b, requires_grad=True) for b in model.intercepts_]
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "softplus": torch.nn.functional.softplus}[hidden]
    a = torch.tensor(X.T)
    for m, (W, b) in enumerate(zip(Ws, bs)):
        z = W @ a + b[:, None]
        a = torch.sigmoid(z) if m == len(Ws) - 1 else act(z)
    Y = torch.tensor(y.T)
    loss = -(Y * torch.log(a) + (1 - Y) * torch.log(1 - a)).sum(dim=0).mean()
    loss.backward()
    for (gW, gb), W, b in zip(model.gradients(X, y), Ws, bs):
        assert np.allclose(gW, W.grad.numpy(), rtol=0, atol=1e-12)
        assert np.allclose(gb, b.grad.numpy(), rtol=0, atol=1e-12)


def test_training_lowers_the_loss_and_solves_and():
    from derive.numeric.data import dataset
    X, y = dataset("and")
    model = MLP(hidden_layer_sizes=(3,), random_state=1, max_iter=2000).fit(X, y)
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.score(X, y) == 1.0 and model.predict(X).tolist() == [0, 0, 0, 1]


def test_momentum_adds_alpha_times_the_previous_update():
    X, y = np.array([[0.3, -0.2], [0.9, 0.4]]), np.array([0.0, 1.0])
    plain = MLP(hidden_layer_sizes=(2,), random_state=2, max_iter=1, momentum=0.9,
                learning_rate=0.5).fit(X, y)
    two = MLP(hidden_layer_sizes=(2,), random_state=2, max_iter=2, momentum=0.9,
              learning_rate=0.5).fit(X, y)
    g = plain.gradients(X, y)
    start = MLP(hidden_layer_sizes=(2,), random_state=2, max_iter=1, momentum=0.0,
                learning_rate=1e-300).fit(X, y)  # the initial weights (a step of ~0)
    for m in range(2):
        first = plain.coefs_[m] - start.coefs_[m]               # -lr g0
        second = -0.5 * g[m][0] + 0.9 * first                   # -lr g1 + alpha * previous
        assert np.allclose(two.coefs_[m], plain.coefs_[m] + second, atol=1e-12)


def test_scikit_learn_conventions():
    model = MLP(hidden_layer_sizes=(4,), learning_rate=0.1)
    params = model.get_params()
    assert params["hidden_layer_sizes"] == (4,) and params["learning_rate"] == 0.1
    assert model.set_params(momentum=0.5) is model and model.momentum == 0.5
    X, y = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], float), np.array([0, 1, 1, 1])
    assert model.fit(X, y) is model
    assert [W.shape for W in model.coefs_] == [(4, 2), (1, 4)]       # tutorial shapes
    assert [b.shape for b in model.intercepts_] == [(4,), (1,)]
    assert model.n_iter_ == len(model.loss_curve_) == 1000
    assert model.predict_proba(X).shape == (4, 2)


@pytest.mark.parametrize("bad", [
    lambda m: m.fit([[0, 1], [1, 0]], [0, 1, 1]),          # rows differ
    lambda m: m.fit([0, 1, 2], [0, 1, 1]),                  # X not 2-D
    lambda m: m.fit([[0, np.nan]], [1]),                    # NaN
    lambda m: m.fit([[0, 1]], [2]),                         # label outside [0, 1]
    lambda m: MLP(activation="swoosh").fit([[0, 1]], [1]),  # unknown activation
    lambda m: m.set_params(colour="red"),
    lambda m: m.predict([[0, 1]]),                          # not fitted
])
def test_clear_value_errors(bad):
    with pytest.raises(ValueError):
        bad(MLP())


# -- the command -----------------------------------------------------------------------------------

def test_mlp_command_reproduces_the_tutorials_experiment(capsys):
    from derive.cli import main
    code = main(["mlp", "--format", "json", "--restarts", "3"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["cross_check"]["passed"]
    assert (data["layers"], data["activation"], data["cost"], data["epochs"],
            data["learning_rate"]) == ([2, 2, 1], "sigmoid", "cross-entropy", 1000, 1.0)
    assert [p["input"] for p in data["predictions"]] == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert 0 <= data["solved"] <= 3


def test_mlp_text_output(capsys):
    from derive.cli import main
    code = main(["mlp", "--data", "or", "--epochs", "300"])
    out = capsys.readouterr().out
    assert code == 0 and "Input" in out and "Quantized" in out and "pass" in out


def test_plot_writes_a_png(tmp_path, capsys):
    from derive.cli import main
    target = tmp_path / "loss.png"
    assert main(["mlp", "--epochs", "50", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_clear_error(monkeypatch, capsys):
    import sys
    from derive.cli import main
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["mlp", "--epochs", "5", "--plot", "x.png"]) == 2
    assert "matplotlib" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["mlp", "--data", "spirals"], ["mlp", "--layers", "3,2,1"], ["mlp", "--lr", "-1"],
    ["mlp", "--activation", "tanh", "--output-activation", "tanh", "--cost", "cross-entropy"],
    ["mlp", "--epochs", "0"],
    ["mlp", "--activation", "__import__('os')"],
])
def test_mlp_bad_input_exit_2(argv, capsys):
    from derive.cli import main
    assert main(argv) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_glorot_init_and_a_saturated_cross_check():
    from derive.numeric.data import dataset
    from derive.numeric.gradcheck import cross_check as check
    X, y = dataset("moons", rng=0)
    model = MLP(hidden_layer_sizes=(16, 16), activation="relu", output_activation="sigmoid",
                init="glorot", learning_rate=0.1,
                momentum=0.9, batch_size=32, max_iter=300, random_state=0).fit(X, y)
    bound = np.sqrt(6 / (2 + 16))
    fresh = MLP(hidden_layer_sizes=(16,), init="glorot", max_iter=1, learning_rate=1e-300,
                random_state=0).fit(X, y)
    assert np.all(np.abs(fresh.coefs_[0]) <= bound)
    assert np.all(np.abs(fresh.intercepts_[0]) < 1e-200)  # zero, moved by one step of ~1e-300
    assert model.score(X, y) >= 0.95
    # at trained weights many outputs are saturated (a == 0.0 or 1.0 in float64)
    result = check((2, 16, 16, 1), "relu", "sigmoid", "cross-entropy",
                   params=list(zip(model.coefs_, model.intercepts_)), X=X, Y=y.reshape(-1, 1))
    assert result.passed


@pytest.mark.parametrize("argv", [
    ["--activation", "log(1 + exp(z))", "--output-activation", "sigmoid"],
    ["--activation", "tanh(z)", "--output-activation", "sigmoid"],
    ["--cost", "(a - y)**2"],
])
def test_a_users_activation_or_cost_trains_and_is_cross_checked(capsys, argv):
    from derive.cli import main
    code = main(["mlp", *argv, "--epochs", "30", "--format", "json"])
    check = json.loads(capsys.readouterr().out)["cross_check"]
    assert code == 0 and check["passed"]
    assert check["hand_written_reference"] is False and check["compiled_vs_hand_written"] is None
    assert check["compiled_vs_finite_differences"] <= FD


@pytest.mark.parametrize("activation", ["identity", "leaky-relu"])
def test_runaway_training_is_a_clear_error_without_warnings(activation):
    import warnings
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float) * 1e6
    model = MLP(hidden_layer_sizes=(4,), activation=activation, output_activation="sigmoid",
                max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        with pytest.raises(ValueError, match="diverged"):
            model.fit(X, [0, 1, 1, 0])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softplus"])
def test_bounded_activations_train_on_large_inputs(activation):
    import warnings
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float) * 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MLP(hidden_layer_sizes=(4,), activation=activation, output_activation="sigmoid",
                    max_iter=50, random_state=0).fit(X, [0, 1, 1, 0])
    assert np.isfinite(model.loss_) and all(np.all(np.isfinite(W)) for W in model.coefs_)


@pytest.mark.parametrize("spec", ["log(z)", "sqrt(z)", "z**z", "asin(z)"])
def test_an_activation_undefined_for_some_z_is_refused_before_training(spec):
    """log z, sqrt z, z^z and asin z have no real value for some real z (below 0, or beyond 1 for
    asin), which a network's pre-activations reach: refused with the reason, not trained until
    its NaN looks like a divergence."""
    with pytest.raises(ValueError, match="has no real value at z = "):
        MLP(hidden_layer_sizes=(2,), activation=spec, max_iter=5).fit(
            np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1]))


@pytest.mark.parametrize("spec", ["sigmoid", "tanh", "relu", "softplus", "z**3", "1/(1 + z**2)"])
def test_an_activation_defined_for_every_z_is_accepted(spec):
    compile_activation(activation(spec))


def test_a_slope_in_a_that_numpy_cannot_compute_is_taken_from_z():
    """a = z + e^z: its sigma'(a) needs LambertW; the network computes sigma'(z) = 1 + e^z (by
    hand) from z, and trains (it stopped with NameError: LambertW)."""
    act = compile_activation(activation("z + exp(z)"))
    z = np.array([-2.0, 0.0, 1.5])
    assert not act.slope_in_a and np.allclose(act.slope(z), 1 + np.exp(z))
    model = MLP(hidden_layer_sizes=(2,), activation="z + exp(z)", output_activation="sigmoid",
                learning_rate=0.1, max_iter=20, random_state=0)
    model.fit(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1]))
    assert np.isfinite(model.loss_)


@pytest.mark.parametrize("spec", ["erf(z)", "gamma(z)"])
def test_an_activation_numpy_cannot_compute_is_refused_in_one_line(spec):
    """erf and gamma print as math's functions, which take no arrays (an internal TypeError)."""
    with pytest.raises(ValueError, match="NumPy does not compute on arrays"):
        compile_activation(activation(spec))


def test_a_network_whose_outputs_are_numbers_is_scored_by_r2_and_says_so():
    # tanh outputs are not probabilities: the score is R^2, which the report once labelled
    # "accuracy" (-0.933). R^2 computed here from the outputs and targets the report shows
    from derive import api
    result = api.train("xor", output_activation="tanh", cost="squared-error", epochs=300)
    outputs = np.array([p.output for p in result.predictions])
    targets = np.array([float(p.target) for p in result.predictions])
    r2 = 1 - np.sum((targets - outputs) ** 2) / np.sum((targets - targets.mean()) ** 2)
    assert not result.classification and abs(result.accuracy - r2) < 1e-9
    assert api.train("xor", epochs=10).classification   # a sigmoid's: accuracy
