"""Time per epoch, in one run, same architecture, data and steps: the compiled `MLP` against the
hand-written NumPy network and scikit-learn's MLPClassifier (plain SGD). Goals: compiled within
1.10x of hand-written, no slower than scikit-learn. Also the peak memory of `derive mlp`.
Run by hand: `make bench`."""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

from common import DERIVE, ROOT, median_run, row

sys.path.insert(0, str(ROOT))

from derive import MLP  # noqa: E402
from derive.numeric import reference  # noqa: E402


def hand_written_fit(sizes, X, Y, epochs, batch, lr, seed):
    """The same loop as MLP.fit, with reference.gradients and hand-written costs."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    params = [(rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out))
              for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    A, T = X.T, Y.T
    n = A.shape[1]
    for _ in range(epochs):
        for start in range(0, n, batch):
            Ab, Tb = A[:, start:start + batch], T[:, start:start + batch]
            reference.loss(params, Ab, Tb, "sigmoid", "sigmoid", "cross-entropy")
            grads = reference.gradients(params, Ab, Tb, "sigmoid", "sigmoid", "cross-entropy")
            params = [(W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(params, grads)]
    return params


def sklearn_fit(sizes, X, Y, epochs, batch, lr, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="logistic",
                          solver="sgd", learning_rate_init=lr, learning_rate="constant",
                          momentum=0.0, nesterovs_momentum=False, alpha=0.0, batch_size=batch,
                          shuffle=False, max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1,
                          random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y if Y.shape[1] > 1 else Y[:, 0])
    return model


def derive_fit(sizes, X, Y, epochs, batch, lr, seed):
    return MLP(hidden_layer_sizes=tuple(sizes[1:-1]), learning_rate=lr, max_iter=epochs,
               batch_size=batch, shuffle=False, random_state=seed).fit(X, Y)


def per_epoch(fit, *args, repeats=5):
    epochs = args[3]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit(*args)
        times.append((time.perf_counter() - start) / epochs)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(0)
    X_big = rng.normal(0, 1, (2000, 64))
    Y_big = (X_big[:, :10] + 0.3 * rng.normal(0, 1, (2000, 10)) > 0).astype(float)  # 10 labels
    X_xor = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float)
    Y_xor = np.array([[0], [1], [1], [0]], float)
    MLP(hidden_layer_sizes=(2,), max_iter=1).fit(X_xor, Y_xor)  # compile the formulas once
    cases = [("XOR 2,2,1, full batch, 1000 epochs", (2, 2, 1), X_xor, Y_xor, 1000, 4, 1.0),
             ("2000 samples 64,128,128,10, batch 200, 20 epochs", (64, 128, 128, 10), X_big,
              Y_big, 20, 200, 0.1)]
    print(row("network", "derive MLP ms/epoch", "hand-written ms/epoch", "scikit-learn ms/epoch",
              "derive / hand-written", "derive / scikit-learn"))
    print(row(*["---"] * 6))
    for label, sizes, X, Y, epochs, batch, lr in cases:
        args = (sizes, X, Y, epochs, batch, lr, 0)
        ours = per_epoch(derive_fit, *args)
        hand = per_epoch(hand_written_fit, *args)
        sk = per_epoch(sklearn_fit, *args)
        print(row(label, f"{ours * 1e3:.3f}", f"{hand * 1e3:.3f}", f"{sk * 1e3:.3f}",
                  f"{ours / hand:.2f}", f"{ours / sk:.2f}"))
    print()
    t, mem, code = median_run(DERIVE + ["mlp"], 3)
    print(row("`derive mlp` (XOR, 1000 epochs, cross-check)", f"{t:.2f} s", f"{mem:.0f} MB peak RSS",
              "", "", ""))


if __name__ == "__main__":
    main()
