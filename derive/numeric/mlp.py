"""`MLP`: a multi-layer perceptron whose every formula comes from the derivations.

The activation, sigma' (in terms of a where the derivation found that form), the cost, dC/da, the
simplified output delta and the stable cost-of-z are all lambdified from SymPy results
(`derive.numeric.compile`); this module only arranges them into forward and backward passes.

Conventions follow scikit-learn: constructor keywords, `fit(X, y)` returning self, `predict`,
`predict_proba`, `score`, `get_params`/`set_params`, fitted attributes with a trailing underscore.
`X` is (n_samples, n_features). The parameters keep the tutorial's shapes:

* `coefs_[m]` is W^(m+1), shape (N^(m+1), N^m) (scikit-learn stores the transpose);
* `intercepts_[m]` is b^(m+1), shape (N^(m+1),).

The cost is the per-sample cost (summed over outputs) averaged over samples; the update with
momentum alpha is  dW_t = -learning_rate * dC/dW + alpha * dW_(t-1),  W <- W + dW_t.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Parts:
    """The compiled formulas of one network setting."""

    hidden: object          # numeric.compile.CompiledActivation
    output: object          # CompiledActivation, or CompiledVectorOutput (softmax, log-softmax)
    cost: object            # numeric.compile.CompiledCost
    output_range: object    # a SymPy set, or None when unknown
    vector: bool            # the output activation couples the units

    @property
    def classifier(self) -> bool:
        """Outputs that are probabilities (in (0, 1)) or log-probabilities (log-softmax)."""
        return self.vector or (self.output_range is not None
                               and self.output_range.is_subset(_unit()))


@functools.lru_cache(maxsize=32)
def compiled(activation: str, output_activation: str, cost: str | None) -> Parts:
    """The formulas compiled once per combination; cost None is the default for the output
    (`nn.costs.default_cost`)."""
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import compatible, cost as make_cost, default_cost
    from derive.nn.softmax import output_activation as make_output
    from derive.numeric.compile import compile_vector_cost, compile_vector_output

    make_activation(activation)  # the hidden activation must be readable too
    output = make_output(output_activation)
    chosen = make_cost(cost or default_cost(output))
    problem = compatible(output, chosen)
    if problem:
        raise ValueError(problem.reason)
    if getattr(output, "vector", False):
        return Parts(_compiled_activation(activation), compile_vector_output(output),
                     compile_vector_cost(chosen, output), output.output_range, True)
    return Parts(_compiled_activation(activation), _compiled_activation(output_activation),
                 _compiled_cost(chosen.name, output_activation), output.output_range, False)


@functools.lru_cache(maxsize=32)
def _compiled_activation(spec: str):
    """An activation compiled once per process (its stable forms are verified when compiled)."""
    from derive.nn.activations import activation as make_activation
    from derive.numeric.compile import compile_activation
    return compile_activation(make_activation(spec))


@functools.lru_cache(maxsize=32)
def _compiled_cost(cost: str, output_activation: str):
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import cost as make_cost
    from derive.numeric.compile import compile_cost
    return compile_cost(make_cost(cost), make_activation(output_activation))


def check_hyperparameters(learning_rate, momentum, max_iter, n_init, batch_size) -> None:
    """The one place the ranges of the training settings are checked (ValueError, one line)."""
    if not (isinstance(learning_rate, (int, float)) and 0 < learning_rate < float("inf")):
        raise ValueError(f"learning_rate must be a finite number > 0, not {learning_rate!r}")
    if not (isinstance(momentum, (int, float)) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be in [0, 1), not {momentum!r}")
    if int(max_iter) < 1 or int(n_init) < 1:
        raise ValueError("max_iter and n_init must be >= 1")
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"batch_size must be a positive number of samples, not {batch_size!r}")


class MLP:
    """Multi-layer perceptron trained by gradient descent with the derived backprop formulas.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, sizes of the hidden layers (the tutorial's XOR net: (2,))
    activation : str, hidden activation (a built-in name or an expression in z)
    output_activation : str or None, the last layer's activation (default: `activation`)
    cost : str or None, 'cross-entropy', 'squared-error' or an expression in a and y (None: the
        default for the output activation, cross-entropy for an output in (0, 1), else squared
        error)
    learning_rate : float, lambda in W <- W - lambda dC/dW
    momentum : float, alpha: the update adds alpha times the previous update
    max_iter : int, epochs
    batch_size : int or None, samples per step (None: the whole set)
    shuffle : bool, shuffle the samples every epoch (with mini-batches)
    random_state : int or None
    n_init : int, independent restarts; the one with the lowest final loss is kept
    init : 'normal' (standard normal weights and biases, as the tutorial's network) or 'glorot'
        (uniform in +-sqrt(6 / (fan_in + fan_out)), zero biases: better for wide layers)
    """

    def __init__(self, hidden_layer_sizes=(2,), activation="sigmoid", output_activation=None,
                 cost=None, learning_rate=1.0, momentum=0.0, max_iter=1000,
                 batch_size=None, shuffle=True, random_state=None, n_init=1, init="normal"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.cost = cost
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.n_init = n_init
        self.init = init

    # -- scikit-learn conventions ---------------------------------------------------------------
    def __getstate__(self):  # the compiled functions are rebuilt after unpickling
        return {k: v for k, v in self.__dict__.items() if k != "_compiled"}

    def get_params(self, deep: bool = True) -> dict:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params):
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for MLP")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items()
                   if v != inspect.signature(type(self).__init__).parameters[k].default}
        return "MLP(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    # -- the pieces --------------------------------------------------------------------------------
    def _parts(self):
        key = (self.activation, self.output_activation or self.activation, self.cost)
        cached = self.__dict__.get("_compiled")
        if cached is None or cached[0] != key:  # looked up once per setting, not once per step
            cached = (key, compiled(*key))
            self.__dict__["_compiled"] = cached
        return cached[1]

    def _check_X(self, X) -> np.ndarray:
        if _is_sparse(X):
            raise TypeError("sparse input is not supported: pass a dense array (X.toarray())")
        X = np.asarray(X)
        if X.dtype.kind == "c":
            raise ValueError("Complex data not supported")
        try:
            X = X.astype(float)
        except TypeError as err:
            raise TypeError(f"X must hold numbers ({err})") from None
        except ValueError as err:
            raise ValueError(f"X must hold numbers ({err})") from None
        if X.ndim != 2:
            raise ValueError(f"X must be 2-dimensional (n_samples, n_features), got shape "
                             f"{X.shape}. Reshape your data: X.reshape(-1, 1) for a single "
                             "feature, X.reshape(1, -1) for a single sample")
        for axis, what in ((0, "sample"), (1, "feature")):
            if X.shape[axis] == 0:
                raise ValueError(f"Found array with 0 {what}(s) (shape={X.shape}) while a minimum "
                                 "of 1 is required.")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinity")
        if hasattr(self, "coefs_") and X.shape[1] != self.coefs_[0].shape[1]:
            raise ValueError(f"X has {X.shape[1]} features, but MLP is expecting "
                             f"{self.coefs_[0].shape[1]} features as input")
        return X

    def _check_y(self, y, n_samples: int) -> np.ndarray:
        """Targets as given (one column per output), for `gradients` and `loss`."""
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = np.asarray(y, dtype=float)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if y.ndim != 2 or y.shape[0] != n_samples:
            raise ValueError(f"y must have {n_samples} rows (one per sample), got shape {y.shape}")
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity")
        parts = self._parts()
        if parts.classifier and not parts.vector and (np.any(y < 0) or np.any(y > 1)):
            raise ValueError("targets must lie in [0, 1] for an output in (0, 1)")
        return y

    def _encode(self, y, n_samples: int) -> np.ndarray:
        """The targets `fit` trains on. A classifier given one label per sample learns
        `classes_`: two classes need one output in (0, 1) (the second class is 1); more classes,
        or a softmax output, one output per class with one-hot targets. A 2-D y is used as
        given (multi-label or probability targets)."""
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] == 1 and self._parts().classifier \
                and labels.dtype.kind in "iuOUSb":   # a column of labels: read as 1-D
            _warn_column()
            labels = labels.ravel()
        if not self._parts().classifier or labels.ndim != 1:
            self.__dict__.pop("classes_", None)
            return self._check_y(y, n_samples)
        if labels.shape[0] != n_samples:
            raise ValueError(f"y must have {n_samples} rows (one per sample), got shape "
                             f"{labels.shape}")
        if labels.dtype.kind == "f":
            if not np.all(np.isfinite(labels)):
                raise ValueError("y contains NaN or infinity")
            if np.any(labels != np.round(labels)):
                raise ValueError("Unknown label type: continuous targets given to a classifier "
                                 "(use an output such as identity for regression)")
        if labels.dtype.kind == "O":
            labels = labels.astype(str)
        classes, codes = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"a classifier needs samples of at least 2 classes; got one class "
                             f"({_label_text(classes[0])})")
        self.classes_ = classes
        return self._one_hot(codes)

    def _one_hot(self, codes) -> np.ndarray:
        if len(self.classes_) == 2 and not self._parts().vector:
            return codes.astype(float).reshape(-1, 1)     # one output: the second class is 1
        return np.eye(len(self.classes_))[codes]

    def targets(self, y) -> np.ndarray:
        """The targets the fitted network was trained towards for labels y (one column per
        output), for `gradients` and `loss`."""
        if not hasattr(self, "classes_"):
            return np.asarray(y, dtype=float).reshape(len(y), -1)
        labels = np.asarray(y).astype(self.classes_.dtype)
        codes = np.searchsorted(self.classes_, labels)
        if np.any(codes >= len(self.classes_)) or np.any(self.classes_[np.minimum(
                codes, len(self.classes_) - 1)] != labels):
            raise ValueError("y holds labels the network was not trained on")
        return self._one_hot(codes)

    def _sizes(self, n_in: int, n_out: int) -> list[int]:
        hidden = list(self.hidden_layer_sizes) if np.ndim(self.hidden_layer_sizes) else \
            [int(self.hidden_layer_sizes)]
        if any(int(h) < 1 for h in hidden):
            raise ValueError("hidden_layer_sizes must be positive integers")
        return [n_in, *map(int, hidden), n_out]

    def _forward(self, params, A):
        parts = self._parts()
        zs, acts = [], [A]
        for m, (W, b) in enumerate(params):
            z = W @ acts[-1] + b[:, None]
            zs.append(z)
            acts.append((parts.output if m == len(params) - 1 else parts.hidden).forward(z))
        return zs, acts

    def _backward(self, params, zs, acts, Y):
        """[(dC/dW^m, dC/db^m)] for a batch laid out as (features, samples)."""
        parts = self._parts()
        hidden, output, cost = parts.hidden, parts.output, parts.cost
        aL = acts[-1]
        if cost.delta is not None:
            delta = cost.delta(aL, Y)
        else:
            slope = output.slope(aL if output.slope_in_a else zs[-1])
            delta = cost.gradient(aL, Y) * slope
        n = Y.shape[1]
        grads = [None] * len(params)
        for m in range(len(params) - 1, -1, -1):
            grads[m] = (delta @ acts[m].T / n, delta.mean(axis=1))
            if m:
                slope = hidden.slope(acts[m] if hidden.slope_in_a else zs[m - 1])
                delta = (params[m][0].T @ delta) * slope
        return grads

    def _loss(self, zs, acts, Y) -> float:
        cost = self._parts().cost
        per_output = cost.value_from_z(zs[-1], Y) if cost.value_from_z else cost.value(acts[-1], Y)
        return float(np.mean(np.sum(per_output, axis=0)))

    # -- training ----------------------------------------------------------------------------------
    def fit(self, X, y, on_epoch=None):
        """Train; `on_epoch(restart, epoch, loss)` is called after every epoch if given."""
        X = self._check_X(X)
        for name in ("coefs_", "intercepts_"):   # a refit starts afresh, whatever X's width
            self.__dict__.pop(name, None)
        Y = self._encode(y, X.shape[0])
        check_hyperparameters(self.learning_rate, self.momentum, self.max_iter, self.n_init,
                              self.batch_size)
        sizes = self._sizes(X.shape[1], Y.shape[1])
        seeds = np.random.SeedSequence(self.random_state).spawn(self.n_init)
        best = None
        for restart, seed in enumerate(seeds):
            rng = np.random.default_rng(seed)
            params = [self._initial(rng, n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
            params, curve = self._train(params, X.T, Y.T, rng, restart, on_epoch)
            if best is None or curve[-1] < best[1][-1]:
                best = (params, curve)
        params, curve = best
        self.coefs_ = [W for W, _ in params]
        self.intercepts_ = [b for _, b in params]
        self.loss_curve_ = curve
        self.loss_ = curve[-1]
        self.n_iter_ = len(curve)
        self.n_layers_ = len(sizes)
        self.n_outputs_ = Y.shape[1]
        self.n_features_in_ = X.shape[1]
        return self


    def _initial(self, rng, n_in: int, n_out: int):
        if self.init == "normal":
            return rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out)
        if self.init == "glorot":
            bound = np.sqrt(6 / (n_in + n_out))
            return rng.uniform(-bound, bound, (n_out, n_in)), np.zeros(n_out)
        raise ValueError(f"init must be 'normal' or 'glorot', not {self.init!r}")

    def _train(self, params, A, Y, rng, restart, on_epoch):
        n = A.shape[1]
        batch = n if self.batch_size is None else max(1, min(int(self.batch_size), n))
        velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
        curve = []
        for epoch in range(int(self.max_iter)):
            order = rng.permutation(n) if self.shuffle and batch < n else np.arange(n)
            total = 0.0
            try:
                # the compiled formulas are stable (no overflow for |z| up to 1000): an overflow
                # here means the updates themselves run away
                with np.errstate(over="raise", invalid="raise", divide="raise"):
                    for start in range(0, n, batch):
                        idx = order[start:start + batch]
                        Ab, Yb = (A, Y) if batch == n else (A[:, idx], Y[:, idx])
                        zs, acts = self._forward(params, Ab)
                        total += self._loss(zs, acts, Yb) * Ab.shape[1]
                        grads = self._backward(params, zs, acts, Yb)
                        for m, ((W, b), (gW, gb), (vW, vb)) in enumerate(
                                zip(params, grads, velocity)):
                            vW = self.momentum * vW - self.learning_rate * gW
                            vb = self.momentum * vb - self.learning_rate * gb
                            velocity[m] = (vW, vb)
                            params[m] = (W + vW, b + vb)
            except FloatingPointError:
                total = float("nan")
            if not np.isfinite(total):
                scale = float(np.max(np.abs(A))) if A.size else 0.0
                raise ValueError(f"training diverged at epoch {epoch + 1}: the updates overflowed "
                                 f"(inputs up to {scale:.3g}, learning rate {self.learning_rate:g}"
                                 "); scale the inputs to about [-1, 1] or lower the learning rate")
            curve.append(total / n)
            if on_epoch is not None:
                on_epoch(restart, epoch, curve[-1])
        return params, curve

    # -- using the network -------------------------------------------------------------------------
    def _params(self):
        if not hasattr(self, "coefs_"):
            raise _not_fitted()("this MLP is not fitted yet: call fit(X, y) first")
        return list(zip(self.coefs_, self.intercepts_))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "coefs_")

    def gradients(self, X, y):
        """[(dC/dW^m, dC/db^m)] at the current weights, shapes (N^m, N^(m-1)) and (N^m,), with C
        the per-sample cost summed over outputs and averaged over the samples of X; y holds the
        targets as the network sees them (one column per output)."""
        params = self._params()
        X = self._check_X(X)
        Y = self._check_y(y, X.shape[0])
        zs, acts = self._forward(params, X.T)
        return self._backward(params, zs, acts, Y.T)

    def loss(self, X, y) -> float:
        params = self._params()
        X = self._check_X(X)
        Y = self._check_y(y, X.shape[0])
        zs, acts = self._forward(params, X.T)
        return self._loss(zs, acts, Y.T)

    def _output(self, X) -> np.ndarray:
        params = self._params()
        _, acts = self._forward(params, self._check_X(X).T)
        return acts[-1].T

    def is_classifier(self) -> bool:
        """True when the outputs are probabilities: in (0, 1), or softmax and log-softmax."""
        return self._parts().classifier

    @property
    def predict_proba(self):
        """Probabilities per class (columns in the order of `classes_`); a single output gives
        scikit-learn's (n, 2). Only a classifier has it (scikit-learn asks `hasattr`)."""
        try:
            classifier = self.is_classifier()
        except ValueError:
            classifier = False
        if not classifier:
            raise AttributeError("predict_proba needs outputs that are probabilities: an output "
                                 "in (0, 1) such as sigmoid, or softmax")
        return self._probabilities

    def _probabilities(self, X) -> np.ndarray:
        parts = self._parts()
        p = self._output(X)
        if parts.vector:
            return parts.output.probabilities(p)
        if p.shape[1] == 1:
            return np.column_stack([1 - p[:, 0], p[:, 0]])
        if hasattr(self, "classes_"):   # one sigmoid per class: normalised, as one-vs-rest does
            return p / np.maximum(p.sum(axis=1, keepdims=True), np.finfo(float).tiny)
        return p

    def predict(self, X) -> np.ndarray:
        """Class labels for a classifier fitted on labels (the most probable class; one output:
        threshold 0.5); 0/1 per output for 2-D targets; else the network's output."""
        out = self._output(X)
        if self.is_classifier() and hasattr(self, "classes_"):
            if out.shape[1] == 1:
                return self.classes_[(out[:, 0] > 0.5).astype(int)]
            return self.classes_[np.argmax(out, axis=1)]
        if self.is_classifier():
            out = (out > 0.5).astype(int)
        return out[:, 0] if out.shape[1] == 1 else out

    def score(self, X, y) -> float:
        """Accuracy for a classifier (every output right), R^2 otherwise."""
        predicted = self.predict(X)
        if self.is_classifier() and hasattr(self, "classes_") and np.ndim(y) == 1:
            return float(np.mean(predicted == np.asarray(y, dtype=self.classes_.dtype)))
        y = np.asarray(y, dtype=float)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        predicted = predicted.reshape(y.shape)
        if self.is_classifier():
            return float(np.mean(np.all(predicted == y, axis=1)))
        residual = np.sum((y - predicted) ** 2)
        spread = np.sum((y - y.mean(axis=0)) ** 2)
        return float(1 - residual / spread) if spread else 0.0

    def __sklearn_tags__(self):
        """What scikit-learn's tools (cross_val_score, pipelines, clone) need to know: a
        classifier when the outputs are probabilities, else a regressor."""
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags
        try:
            classifier = self.is_classifier()
        except ValueError:     # an unreadable setting: fit will say why
            classifier = False
        return Tags(estimator_type="classifier" if classifier else "regressor",
                    target_tags=TargetTags(required=True, multi_output=not classifier),
                    classifier_tags=ClassifierTags() if classifier else None,
                    regressor_tags=None if classifier else RegressorTags(),
                    input_tags=InputTags())

    @property
    def _estimator_type(self) -> str:
        return "classifier" if self.__sklearn_tags__().estimator_type == "classifier" \
            else "regressor"


@functools.lru_cache(maxsize=1)
def _not_fitted() -> type:
    """scikit-learn's NotFittedError (a ValueError and an AttributeError) under the project's name,
    made on first use: importing scikit-learn costs more than training the tutorial's network."""
    try:
        from sklearn.exceptions import NotFittedError as base
    except ImportError:  # pragma: no cover - scikit-learn is a dependency; kept importable without
        base = type("NotFittedError", (ValueError, AttributeError), {})
    return type("NotFitted", (base,), {"__module__": __name__, "__doc__":
                                      "Raised when a network is used before `fit`."})


def __getattr__(name: str):
    if name == "NotFitted":
        return _not_fitted()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _warn_column() -> None:
    import warnings
    try:
        from sklearn.exceptions import DataConversionWarning as category
    except ImportError:  # pragma: no cover
        category = UserWarning
    warnings.warn("A column-vector y was passed when a 1d array was expected: it is read as one "
                  "label per sample", category, stacklevel=3)


def _label_text(label) -> str:
    """A label as the user wrote it: 'x' or 3, not NumPy's np.str_('x')."""
    return repr(label.item()) if hasattr(label, "item") else repr(label)


def _is_sparse(X) -> bool:
    return hasattr(X, "toarray") and hasattr(X, "nnz")


def _unit():
    import sympy as sp
    return sp.Interval(0, 1)
