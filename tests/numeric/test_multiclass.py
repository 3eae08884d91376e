"""k classes: the softmax network built from the derived formulas against the hand-written one,
finite differences and scikit-learn's MLPClassifier; stability at |z| = 1000; scikit-learn's own
estimator checks and tools; `derive mlp` on the data sets shipped with scikit-learn and on a CSV."""

import importlib.util
import json
import warnings

import numpy as np
import pytest

from derive.cli import main
from derive.numeric import reference
from derive.numeric.gradcheck import EXACT, FD, cross_check
from derive.numeric.mlp import MLP

VECTOR = [("softmax", "categorical-cross-entropy"), ("softmax", "squared-error"),
          ("log-softmax", "nll")]


@pytest.mark.parametrize("output,cost_name", VECTOR)
@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_softmax_gradients_agree_three_ways(hidden, output, cost_name):
    check = cross_check((3, 5, 4), hidden, output, cost_name, seed=4)
    assert check.compiled_vs_hand <= EXACT
    assert check.compiled_vs_fd <= FD and check.hand_vs_fd <= FD


def _model(layers, output="softmax", cost=None, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    model = MLP(hidden_layer_sizes=layers[1:-1], activation="tanh", output_activation=output,
                cost=cost)
    model.coefs_ = [scale * rng.normal(0, 0.7, (b, a)) for a, b in zip(layers, layers[1:])]
    model.intercepts_ = [rng.normal(0, 0.3, b) for b in layers[1:]]
    return model, rng


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="torch not installed (optional extra: pip install 'derive[torch]')")
def test_softmax_gradients_match_torch_autograd():
    import torch
    model, rng = _model((4, 6, 3))
    X = rng.normal(size=(10, 4))
    Y = np.eye(3)[rng.integers(0, 3, 10)]
    Ws = [torch.tensor(W, requires_grad=True) for W in model.coefs_]
    bs = [torch.tensor(b, requires_grad=True) for b in model.intercepts_]
    a = torch.tanh(Ws[0] @ torch.tensor(X.T) + bs[0][:, None])
    z = Ws[1] @ a + bs[1][:, None]
    loss = -(torch.tensor(Y.T) * torch.log_softmax(z, dim=0)).sum(dim=0).mean()
    loss.backward()
    for (gW, gb), W, b in zip(model.gradients(X, Y), Ws, bs):
        assert np.allclose(gW, W.grad.numpy(), rtol=0, atol=1e-12)
        assert np.allclose(gb, b.grad.numpy(), rtol=0, atol=1e-12)


def test_one_sgd_step_matches_scikit_learn_with_three_classes():
    from sklearn.neural_network import MLPClassifier
    layers, lr = (4, 6, 3), 0.2
    model, rng = _model(layers)
    X = rng.normal(size=(15, 4))
    labels = np.arange(15) % 3
    Y = np.eye(3)[labels]
    # scikit-learn's multi-class network: softmax output with log-loss, full batch, alpha = 0
    sk = MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", solver="sgd", alpha=0.0,
                       learning_rate_init=lr, learning_rate="constant", momentum=0.0,
                       nesterovs_momentum=False, batch_size=15, shuffle=False, max_iter=1)
    sk.partial_fit(X, labels, classes=[0, 1, 2])
    assert sk.out_activation_ == "softmax"
    sk.coefs_ = [W.T.copy() for W in model.coefs_]
    sk.intercepts_ = [b.copy() for b in model.intercepts_]
    sk.partial_fit(X, labels)
    for m, (gW, gb) in enumerate(model.gradients(X, Y)):
        assert np.allclose(sk.coefs_[m].T, model.coefs_[m] - lr * gW, rtol=0, atol=1e-12)
        assert np.allclose(sk.intercepts_[m], model.intercepts_[m] - lr * gb, rtol=0, atol=1e-12)


@pytest.mark.parametrize("output,cost_name", VECTOR)
def test_logits_of_a_thousand_stay_finite(output, cost_name):
    model, rng = _model((3, 4, 3), output, cost_name)
    model.coefs_[-1] = np.array([[1000.0, 0, 0, 0], [-1000.0, 0, 0, 0], [0, 0, 0, 0]])
    X = np.array([[5.0, 0, 0], [-5.0, 0, 0], [0.0, 0, 0]])
    model.coefs_[0] = np.eye(4, 3) * 5
    Y = np.eye(3)[[1, 0, 2]]
    # an overflow, 0/0 or log(0) fails the test; exp(-2000) rounding to 0 is what it should do
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = model.loss(X, Y)
        grads = model.gradients(X, Y)
    # hand computation: row 1 has logits of about (+1000, -1000, 0) with target class 2, so its
    # cross-entropy is about 2000; a naive exp(1000) would be inf
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for pair in grads for g in pair)
    hand = reference.loss([(W, b) for W, b in zip(model.coefs_, model.intercepts_)], X.T, Y.T,
                          "tanh", output, cost_name)
    assert np.isclose(loss, hand, rtol=1e-12)
    if output == "softmax":
        p = model.predict_proba(X) if hasattr(model, "classes_") else \
            np.exp(model._output(X)) / np.exp(model._output(X)).sum(1, keepdims=True)
        assert np.allclose(p.sum(axis=1), 1.0)


def test_mean_cost_gradient_is_delta_times_activations_over_n():
    # dC/dW = (1/n) Delta A^T: the mean over samples of each sample's own gradient
    model, rng = _model((3, 4, 3))
    X = rng.normal(size=(6, 3))
    Y = np.eye(3)[rng.integers(0, 3, 6)]
    whole = model.gradients(X, Y)
    each = [model.gradients(X[s:s + 1], Y[s:s + 1]) for s in range(6)]
    for m in range(2):
        assert np.allclose(whole[m][0], np.mean([g[m][0] for g in each], axis=0), atol=1e-14)


def test_fit_on_iris_with_labels_and_a_held_out_split():
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    names = np.array(["setosa", "versicolor", "virginica"])[y]   # string labels
    X_train, X_test, y_train, y_test = train_test_split(X, names, test_size=0.3,
                                                        random_state=0, stratify=names)
    model = MLP(hidden_layer_sizes=(8,), activation="tanh", output_activation="softmax",
                learning_rate=0.5, max_iter=300, random_state=0, init="glorot")
    model.fit(X_train, y_train)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(y_test), 3) and np.allclose(proba.sum(axis=1), 1)
    assert set(model.predict(X_test)) <= set(model.classes_)
    sk = MLPClassifier(hidden_layer_sizes=(8,), activation="tanh", solver="sgd", alpha=0.0,
                       learning_rate_init=0.5, momentum=0.0, batch_size=len(X_train),
                       max_iter=300, random_state=0).fit(X_train, y_train)
    ours, theirs = model.score(X_test, y_test), sk.score(X_test, y_test)
    assert ours >= 0.9 and abs(ours - theirs) <= 0.1


@pytest.mark.parametrize("setting", [
    dict(hidden_layer_sizes=(8,), max_iter=200, learning_rate=0.5, random_state=0),
    dict(hidden_layer_sizes=(8,), output_activation="softmax", max_iter=200, learning_rate=0.5,
         random_state=0),
    dict(activation="tanh"),   # a regressor, with the default cost for its output
], ids=["sigmoid-classifier", "softmax-classifier", "tanh-regressor"])
def test_scikit_learn_estimator_checks(setting):
    from sklearn.utils.estimator_checks import check_estimator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(MLP(**setting), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 50


def test_cross_val_score_and_pipelines():
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.datasets import load_iris
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    X, y = load_iris(return_X_y=True)
    pipeline = make_pipeline(StandardScaler(), MLP(hidden_layer_sizes=(8,), activation="tanh",
                                                   output_activation="softmax", learning_rate=0.5,
                                                   max_iter=150, random_state=0))
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    assert is_classifier(MLP()) and is_regressor(MLP(activation="tanh"))
    assert clone(MLP(output_activation="softmax")).get_params()["output_activation"] == "softmax"


def test_tanh_network_takes_the_cost_the_command_line_would():
    from derive import api
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    model = MLP(activation="tanh", max_iter=50, learning_rate=0.1, random_state=0).fit(X, X[:, 0] / 2)
    _, cli_cost = api._spec_check("tanh", "tanh", None)
    assert model._parts().cost.name == cli_cost == "squared-error"
    assert model.loss_curve_[-1] < model.loss_curve_[0]


# -- the command -----------------------------------------------------------------------------------

def _mlp(capsys, *argv):
    code = main(["mlp", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else err)


def test_mlp_trains_on_iris_and_scores_held_out_rows(capsys):
    code, data = _mlp(capsys, "--data", "iris", "--activation", "tanh", "--epochs", "200",
                      "--lr", "0.5")
    assert code == 0 and data["output_activation"] == "softmax"
    assert data["cost"] == "categorical-cross-entropy" and data["layers"] == [4, 16, 3]
    assert data["train_rows"] + data["test_rows"] == 150 and data["test_rows"] > 30
    assert data["test_score"] >= 0.85 and data["cross_check"]["passed"]
    assert {p["target"] for p in data["predictions"]} <= {0, 1, 2}


def test_mlp_reads_a_csv_with_text_labels(tmp_path, capsys):
    rng = np.random.default_rng(1)
    rows = ["width,height,kind"]
    for _ in range(60):
        w, h = rng.uniform(0, 1, 2)
        rows.append(f"{w:.4f},{h:.4f},{'tall' if h > w else 'wide'}")
    path = tmp_path / "shapes.csv"
    path.write_text("\n".join(rows) + "\n")
    code, data = _mlp(capsys, "--data", str(path), "--target", "kind", "--activation", "tanh",
                      "--epochs", "300", "--lr", "0.5")
    assert code == 0 and data["classification"] and data["output_activation"] == "sigmoid"
    assert data["test_score"] >= 0.8
    assert {p["quantized"] for p in data["predictions"]} <= {"tall", "wide"}


@pytest.mark.parametrize("content,argv,words", [
    ("a,b\n1,2\n3,4\n5,6\n", ["--target", "c"], "no column 'c'"),
    ("a,b\n1,x\n3,4\n5,6\n", ["--target", "a"], "not a finite number"),
    ("a,b\n1,2\n3\n5,6\n", ["--target", "a"], "line 3"),
    ("a,b\n1,2\n3,4\n5,6\n", [], "--target"),
])
def test_bad_csv_is_one_line_and_exit_2(tmp_path, capsys, content, argv, words):
    path = tmp_path / "data.csv"
    path.write_text(content)
    code, err = _mlp(capsys, "--data", str(path), *argv)
    assert code == 2 and words in err and err.count("\n") == 1


def test_custom_activation_without_a_hand_written_reference(capsys):
    code, data = _mlp(capsys, "--activation", "log(1 + exp(z))", "--output-activation", "sigmoid",
                      "--epochs", "100")
    check = data["cross_check"]
    assert code == 0 and check["hand_written_reference"] is False
    assert check["compiled_vs_hand_written"] is None and check["compiled_vs_finite_differences"] < FD
