"""Data sets: the logic gates and two classic 2-D problems generated in code, the classic small sets
that ship with scikit-learn (no download), and a user's CSV file."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

GATE_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
GATES = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1]}
SHIPPED = ("iris", "digits", "breast_cancer")   # scikit-learn's loaders read them from its package
MAX_CLASSES = 20      # a numeric target with more distinct integer values is a quantity
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class DataSet:
    """Features X (n_samples, n_features), targets y (labels or numbers), and what they are."""

    name: str
    X: np.ndarray
    y: np.ndarray
    classification: bool
    held_out: bool        # a real data set: scored on a split the network never saw
    features: tuple = ()  # column names, when known
    target: str = ""


def circles(n: int = 200, noise: float = 0.08, rng=None):
    """Two concentric rings (radius 1 and 0.5): label 1 for the inner ring."""
    rng = np.random.default_rng(rng)
    angle = rng.uniform(0, 2 * np.pi, n)
    inner = np.arange(n) % 2
    radius = np.where(inner == 1, 0.5, 1.0)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, noise, X.shape), inner.astype(float)


def moons(n: int = 200, noise: float = 0.1, rng=None):
    """Two interleaving half circles."""
    rng = np.random.default_rng(rng)
    t = rng.uniform(0, np.pi, n)
    lower = np.arange(n) % 2
    X = np.where(lower[:, None] == 1,
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]),
                 np.column_stack([np.cos(t), np.sin(t)]))
    return X + rng.normal(0, noise, X.shape), lower.astype(float)


def dataset(name: str, rng=None):
    """(X, y) for xor, and, or, circles or moons."""
    if name in GATES:
        return GATE_INPUTS.copy(), np.array(GATES[name], dtype=float)
    if name == "circles":
        return circles(rng=rng)
    if name == "moons":
        return moons(rng=rng)
    raise ValueError(f"unknown data set {name!r}; choose from {', '.join(NAMES)}, or a CSV file")


def load(name: str, rng=None) -> DataSet:
    """A data set by name: generated, or shipped with scikit-learn."""
    if name in SHIPPED:
        try:
            from sklearn import datasets
        except ImportError:
            raise ValueError(f"{name} ships with scikit-learn: pip install scikit-learn") from None
        bunch = getattr(datasets, f"load_{name}")()
        return DataSet(name, np.asarray(bunch.data, dtype=float), np.asarray(bunch.target), True,
                       True, tuple(map(str, getattr(bunch, "feature_names", ()))), "class")
    X, y = dataset(name, rng)
    return DataSet(name, X, y, True, False)


def read_csv(text: str, target: str, name: str = "CSV") -> DataSet:
    """A CSV table with a header row: every column but `target` is a numeric feature. The target
    is a class label when it is text, or integers with at most MAX_CLASSES values; else a number
    to predict."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 3:
        raise ValueError(f"{name} needs a header row and at least two rows of data")
    if len(rows) > MAX_ROWS:
        raise ValueError(f"{name} has more than {MAX_ROWS} rows")
    header = [cell.strip() for cell in rows[0]]
    if target not in header:
        raise ValueError(f"{name} has no column {target!r}; its columns are "
                         f"{', '.join(map(repr, header[:12]))}")
    where = header.index(target)
    width = len(header)
    for number, row in enumerate(rows[1:], 2):
        if len(row) != width:
            raise ValueError(f"{name} line {number}: {len(row)} cells, the header has {width}")
    features = [h for k, h in enumerate(header) if k != where]
    if not features:
        raise ValueError(f"{name} has no feature column besides {target!r}")
    X = np.empty((len(rows) - 1, width - 1))
    for number, row in enumerate(rows[1:], 2):
        cells = [cell for k, cell in enumerate(row) if k != where]
        for column, cell in enumerate(cells):
            X[number - 2, column] = _number(cell, name, number, features[column])
    labels = [row[where].strip() for row in rows[1:]]
    if any(not label for label in labels):
        raise ValueError(f"{name}: the target column {target!r} has empty cells")
    numbers = [_maybe_number(label) for label in labels]
    if any(v is None for v in numbers):
        return DataSet(name, X, np.array(labels), True, True, tuple(features), target)
    values = np.array(numbers, dtype=float)
    integral = np.all(values == np.round(values))
    if integral and len(np.unique(values)) <= MAX_CLASSES:
        return DataSet(name, X, values.astype(int), True, True, tuple(features), target)
    return DataSet(name, X, values, False, True, tuple(features), target)


def _maybe_number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number(cell: str, name: str, line: int, column: str) -> float:
    value = _maybe_number(cell.strip())
    if value is None:
        shown = cell.strip()[:20] or "an empty cell"
        raise ValueError(f"{name} line {line}, column {column!r}: {shown!r} is not a finite number "
                         "(features must be numbers)")
    return value


def split(data: DataSet, test_fraction: float = 0.25, seed: int = 0):
    """(X_train, X_test, y_train, y_test): stratified by class for classification, so every class
    is in both parts; the features standardised with the training part's mean and spread."""
    rng = np.random.default_rng(seed)
    n = len(data.y)
    if data.classification:
        test = []
        for label in np.unique(data.y):
            members = rng.permutation(np.flatnonzero(data.y == label))
            test += list(members[:int(round(len(members) * test_fraction))])
        test = rng.permutation(np.array(test, dtype=int))   # the classes mixed, as drawn
    else:
        test = rng.permutation(n)[:int(round(n * test_fraction))]
    train = np.setdiff1d(np.arange(n), test)
    if len(train) < 2 or len(test) < 1:
        raise ValueError(f"{data.name} has too few rows ({n}) to hold some out for testing")
    mean, spread = data.X[train].mean(axis=0), data.X[train].std(axis=0)
    spread[spread == 0] = 1.0
    scale = lambda X: (X - mean) / spread   # noqa: E731
    return scale(data.X[train]), scale(data.X[test]), data.y[train], data.y[test]


NAMES = (*GATES, "circles", "moons", *SHIPPED)
