"""Hand-written NumPy backpropagation: no SymPy anywhere in this module.

This is the independent implementation the compiled network is checked against, so every formula
below is typed by hand, next to its derivative (micrograd style), in the tutorial's shapes: W^m is
(N^m, N^(m-1)), b^m is (N^m,), and a batch is laid out as (features, samples).
"""

from __future__ import annotations

import numpy as np


# -- activations: value and derivative, each written out ----------------------------------------

def _sigmoid(z):
    e = np.exp(-np.abs(z))                       # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


ACTIVATIONS = {
    # name: (sigma(z), sigma'(z) given z and a = sigma(z))
    "sigmoid": (_sigmoid, lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),  # 0 at z = 0
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    "softplus": (_softplus, lambda z, a: _sigmoid(z)),
    # slope 1/100 left of 0 and at 0 (the left slope), 1 right of it
    "leaky-relu": (lambda z: np.where(z > 0, z, 0.01 * z),
                   lambda z, a: np.where(z > 0, 1.0, 0.01)),
}

# -- costs per output unit: value and dC/da -----------------------------------------------------------

COSTS = {
    "squared-error": (lambda a, y: 0.5 * (y - a) ** 2, lambda a, y: a - y),
    "cross-entropy": (lambda a, y: -(y * np.log(a) + (1 - y) * np.log(1 - a)),
                      lambda a, y: (a - y) / (a * (1 - a))),
    "categorical-cross-entropy": (lambda a, y: -y * np.log(a), lambda a, y: -y / a),
    "nll": (lambda a, y: -y * a, lambda a, y: -y),
}


# -- outputs that couple the units: each column of z is one sample -----------------------------------

def _log_softmax(z):
    shifted = z - z.max(axis=0)                  # every exponent <= 0
    return shifted - np.log(np.exp(shifted).sum(axis=0))


VECTOR_OUTPUTS = {
    # name: (a(z), delta(z, a, dC/da)): delta_j = sum_i dC/da_i da_i/dz_j, written per Jacobian
    # softmax: da_i/dz_j = a_i (delta_ij - a_j)  ->  a_j (g_j - sum_i a_i g_i)
    "softmax": (lambda z: np.exp(_log_softmax(z)),
                lambda z, a, g: a * (g - (a * g).sum(axis=0))),
    # log-softmax: da_i/dz_j = delta_ij - p_j  ->  g_j - p_j sum_i g_i
    "log-softmax": (_log_softmax,
                    lambda z, a, g: g - np.exp(a) * g.sum(axis=0)),
}


def supports(activation: str, output_activation: str, cost: str) -> bool:
    """Whether this module has the formulas written by hand (the built-in names only)."""
    return activation in ACTIVATIONS and cost in COSTS and (
        output_activation in ACTIVATIONS or output_activation in VECTOR_OUTPUTS)


def _activate(name: str, z):
    return VECTOR_OUTPUTS[name][0](z) if name in VECTOR_OUTPUTS else ACTIVATIONS[name][0](z)


def forward(params, X, activation: str, output_activation: str):
    """Activations a^0..a^L and pre-activations z^1..z^L for X of shape (features, samples)."""
    acts, zs = [X], []
    for m, (W, b) in enumerate(params):
        name = output_activation if m == len(params) - 1 else activation
        z = W @ acts[-1] + b[:, None]
        zs.append(z)
        acts.append(_activate(name, z))
    return zs, acts


def loss(params, X, Y, activation: str, output_activation: str, cost: str) -> float:
    """Per-sample cost summed over outputs, averaged over samples."""
    zs, acts = forward(params, X, activation, output_activation)
    if output_activation == "sigmoid" and cost == "cross-entropy":
        # from z, so a saturated sigmoid (a == 1.0 in float64) does not reach log(0):
        # -(y log s(z) + (1 - y) log(1 - s(z))) = log(1 + e^z) - y z
        per_output = np.logaddexp(0, zs[-1]) - Y * zs[-1]
    elif output_activation == "softmax" and cost == "categorical-cross-entropy":
        per_output = -Y * _log_softmax(zs[-1])   # log a from z: no log(0) when a underflows
    else:
        per_output = COSTS[cost][0](acts[-1], Y)
    return float(np.mean(np.sum(per_output, axis=0)))


def gradients(params, X, Y, activation: str, output_activation: str, cost: str):
    """[(dC/dW^m, dC/db^m)] by backpropagation, C averaged over the samples (columns of X)."""
    zs, acts = forward(params, X, activation, output_activation)
    n = X.shape[1]
    if output_activation == "sigmoid" and cost == "cross-entropy":
        # shortcut: dC/da = (a - y)/(a(1 - a)) and sigma' = a(1 - a) cancel; computing them apart
        # gives 0/0 at a saturated output
        delta = acts[-1] - Y
    elif output_activation == "softmax" and cost == "categorical-cross-entropy":
        # a_i g_i = -y_i: delta_j = a_j sum_i y_i - y_j, without dividing by a
        delta = acts[-1] * Y.sum(axis=0) - Y
    elif output_activation in VECTOR_OUTPUTS:
        delta = VECTOR_OUTPUTS[output_activation][1](zs[-1], acts[-1], COSTS[cost][1](acts[-1], Y))
    else:
        dC_da = COSTS[cost][1](acts[-1], Y)
        delta = dC_da * ACTIVATIONS[output_activation][1](zs[-1], acts[-1])
    grads = [None] * len(params)
    for m in range(len(params) - 1, -1, -1):
        grads[m] = (delta @ acts[m].T / n, delta.mean(axis=1))
        if m:
            W = params[m][0]
            delta = (W.T @ delta) * ACTIVATIONS[activation][1](zs[m - 1], acts[m])
    return grads


# -- the tutorial's network, written afresh ----------------------------------------------------------

class TutorialSigmoidNetwork:
    """The tutorial's sigmoid network trained with cross-entropy's delta a - y (columns are samples).

    The tutorial's listing computes the bias updates as
    `[cost_partials.mean(axis=1) ... for cost_partial in cost_partials[1:]]`: it takes the mean of
    the whole list `cost_partials` (a Python list has no `.mean`, so the listing fails there) instead
    of the loop variable. Here each layer's bias moves by the mean of its own delta.
    """

    def __init__(self, layer_sizes, rng=None):
        rng = np.random.default_rng(rng)
        self.layers = [(rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1)))
                       for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]

    def output(self, X):
        a = np.asarray(X, dtype=float)
        a = a.reshape(-1, 1) if a.ndim == 1 else a
        for W, b in self.layers:
            a = _sigmoid(W @ a + b)
        return a

    def train(self, X, y, learning_rate=0.2):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        X = X.reshape(-1, 1) if X.ndim == 1 else X
        y = y.reshape(1, -1) if y.ndim == 1 else y
        outputs = [X]
        for W, b in self.layers:
            outputs.append(_sigmoid(W @ outputs[-1] + b))
        deltas = [outputs[-1] - y]                  # sigmoid with cross-entropy: a - y
        for (W, _), a in zip(reversed(self.layers[1:]), reversed(outputs[1:-1])):
            deltas.append((W.T @ deltas[-1]) * a * (1 - a))
        deltas.reverse()
        for k, ((W, b), delta, a_prev) in enumerate(zip(self.layers, deltas, outputs[:-1])):
            W_update = delta @ a_prev.T / X.shape[1]
            b_update = delta.mean(axis=1).reshape(-1, 1)  # this layer's delta (the fix)
            self.layers[k] = (W - learning_rate * W_update, b - learning_rate * b_update)
