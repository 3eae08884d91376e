"""The softmax network on digits (1797 images of 8x8 pixels, 10 classes), in one run: time per
epoch of the compiled `MLP` against the hand-written NumPy network and scikit-learn's
MLPClassifier, with the same architecture (64, 32, 10; ReLU hidden, softmax output, categorical
cross-entropy), initial scheme, batch size, plain SGD and epochs; and each one's accuracy on the
same held-out quarter. CPU time per epoch is the median of three fits. Run by hand: `make bench`."""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

from common import ROOT, row

sys.path.insert(0, str(ROOT))

from derive import MLP  # noqa: E402
from derive.numeric import reference  # noqa: E402
from derive.numeric.data import load, split  # noqa: E402

HIDDEN, EPOCHS, BATCH, LR, SEED = 32, 30, 32, 0.1, 0


def glorot(rng, sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6 / (n_in + n_out))
        params.append((rng.uniform(-bound, bound, (n_out, n_in)), np.zeros(n_out)))
    return params


def hand_written(X, Y, sizes):
    """The same loop as MLP.fit (shuffled mini-batches, the loss of each batch for the epoch's
    curve), with reference.loss and reference.gradients."""
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])
    params = glorot(rng, sizes)
    A, T = X.T, Y.T
    n = A.shape[1]
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            reference.loss(params, A[:, idx], T[:, idx], "relu", "softmax",
                           "categorical-cross-entropy")
            grads = reference.gradients(params, A[:, idx], T[:, idx], "relu", "softmax",
                                        "categorical-cross-entropy")
            params = [(W - LR * gW, b - LR * gb) for (W, b), (gW, gb) in zip(params, grads)]

    def predict(X_new):
        _, acts = reference.forward(params, X_new.T, "relu", "softmax")
        return np.argmax(acts[-1], axis=0)
    return predict


def scikit_learn(X, y):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd",
                          learning_rate_init=LR, learning_rate="constant", momentum=0.0,
                          nesterovs_momentum=False, alpha=0.0, batch_size=BATCH, shuffle=True,
                          max_iter=EPOCHS, tol=0.0, n_iter_no_change=EPOCHS + 1, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model.predict


def ours(X, y):
    model = MLP(hidden_layer_sizes=(HIDDEN,), activation="relu", output_activation="softmax",
                learning_rate=LR, max_iter=EPOCHS, batch_size=BATCH, random_state=SEED,
                init="glorot").fit(X, y)
    return model.predict


def timed(fit, *args):
    """(CPU seconds per epoch, median of three fits; the last fit's predict)."""
    times = []
    for _ in range(3):
        start = time.process_time()
        predict = fit(*args)
        times.append((time.process_time() - start) / EPOCHS)
    return statistics.median(times), predict


def main() -> None:
    X, X_test, y, y_test = split(load("digits"), seed=SEED)
    sizes = (X.shape[1], HIDDEN, 10)
    Y = np.eye(10)[y]
    MLP(hidden_layer_sizes=(2,), output_activation="softmax", max_iter=1).fit(X[:20], y[:20])
    results = [("derive MLP (compiled from the derivations)", *timed(ours, X, y)),
               ("hand-written NumPy", *timed(hand_written, X, Y, sizes)),
               ("scikit-learn MLPClassifier", *timed(scikit_learn, X, y))]
    base = results[0][1]
    print(f"digits: {len(y)} training and {len(y_test)} held-out images; {sizes}, ReLU + softmax, "
          f"batch {BATCH}, plain SGD lr {LR}, {EPOCHS} epochs\n")
    print(row("network", "CPU ms/epoch", "derive / this", "held-out accuracy"))
    print(row(*["---"] * 4))
    for label, seconds, predict in results:
        accuracy = float(np.mean(predict(X_test) == y_test))
        print(row(label, f"{seconds * 1e3:.2f}", f"{base / seconds:.2f}", f"{accuracy:.3f}"))


if __name__ == "__main__":
    main()
