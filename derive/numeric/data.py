"""Small data sets generated in code: the logic gates and two classic 2-D problems."""

from __future__ import annotations

import numpy as np

GATE_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
GATES = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1]}


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
    raise ValueError(f"unknown data set {name!r}; choose from xor, and, or, circles, moons")


NAMES = (*GATES, "circles", "moons")
