"""Values at an instance of a claim (`engine.environment`): numbers (SymPy's, exact or Floats of a
sample) and explicit matrices; their sums and products, with the rules of shape a document's
arithmetic obeys; an index written into an expression; an entry of an array found from its
indices."""

from __future__ import annotations

import functools

import sympy as sp
from mpmath.libmp import mpf_add, mpf_mul, round_nearest

from derive.engine.shapes import ShapeError
from derive.text import arrays as A

MAX_ENTRIES = 400


@functools.lru_cache(maxsize=8192)
def bind_free(expr, var, value):
    """`expr` with the index `var` given `value` where it is free: a sum that runs over a letter
    of the same name keeps its own (sum_i inside a claim about x_i)."""
    if not any(limit[0] == var for total in expr.atoms(sp.Sum, sp.Product)
               for limit in total.limits):
        return expr.xreplace({var: value})

    def put(e):
        if e == var:
            return value
        if isinstance(e, (sp.Sum, sp.Product)) and any(limit[0] == var for limit in e.limits):
            return e
        if not e.args or isinstance(e, A.IndexSize):
            return e
        return e.func(*[put(a) for a in e.args])
    return put(expr)


def scalar(v):
    if isinstance(v, sp.MatrixBase):
        if v.shape == (1, 1):
            return v[0, 0]
        raise ShapeError("a vector where a number is needed")
    return v


def matrix(v):
    return v if isinstance(v, sp.MatrixBase) else sp.Matrix([[v]])


def apply(v, f):
    return v.applyfunc(f) if isinstance(v, sp.MatrixBase) else f(v)


def add(values: list):
    matrices = [v for v in values if isinstance(v, sp.MatrixBase) and v.shape != (1, 1)]
    if not matrices:
        scalars = [scalar(v) for v in values]
        if all(isinstance(v, sp.Float) for v in scalars):   # at a sample: plain arithmetic
            return _floats(scalars, mpf_add)
        return sp.Add(*scalars)
    total = sp.zeros(*matrices[0].shape)
    for v in values:
        if not isinstance(v, sp.MatrixBase) or v.shape != matrices[0].shape:
            raise ShapeError("a sum of a vector and a number")
        total += v
    return total


def multiply(values: list):
    values = [v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v
              for v in values]
    if values and all(isinstance(v, sp.Float) for v in values):   # at a sample
        return _floats(values, mpf_mul)
    result = sp.Integer(1)
    for v in values:
        if isinstance(result, sp.MatrixBase) and result.shape == (1, 1) \
                and isinstance(v, sp.MatrixBase) and v.rows != 1:
            result = result[0, 0] * v   # (a^T x) a: a 1 x 1 product is a number before a vector
        elif isinstance(result, sp.MatrixBase) and isinstance(v, sp.MatrixBase):
            if result.cols != v.rows:
                raise ShapeError(f"a product of a {result.rows}x{result.cols} and a "
                                 f"{v.rows}x{v.cols} matrix")
            result = result * v
        elif isinstance(result, sp.MatrixBase) or isinstance(v, sp.MatrixBase):
            result = result * v if isinstance(result, sp.MatrixBase) else v * result
        else:
            result = result * v
    return result


def _floats(values: list, combine):
    """The sum or the product (`combine`: mpmath's mpf_add or mpf_mul) of SymPy Floats, each step
    rounded as SymPy rounds it (to the larger precision), without a Float made at every step."""
    if len(values) == 1:
        return values[0]
    precision, total = values[0]._prec, values[0]._mpf_
    for v in values[1:]:
        precision = max(precision, v._prec)
        total = combine(total, v._mpf_, precision, round_nearest)
    return sp.Float._new(total, precision)


def position(whole, v: sp.Indexed):
    """Where the entry v of the array `whole` is (checked to be inside it)."""
    if not isinstance(whole, sp.MatrixBase):
        raise ShapeError(f"{v.base.label} is not a vector or matrix")
    found = place(whole.shape, v.indices)
    if found is None:
        if not all(i.is_Integer for i in v.indices):
            raise ShapeError(f"the index of {v} has no value")
        raise ShapeError(f"the index of {v} is out of range")
    return found


@functools.lru_cache(maxsize=4096)
def place(shape: tuple, indices: tuple):
    """The entry at `indices` (counted from 1) of an array of `shape`: a number for one index, a
    pair for two; None when they are not whole numbers inside it. (A sampled network reads the
    same few entries thousands of times.)"""
    if not all(i.is_Integer for i in indices):
        return None
    idx = [int(i) - 1 for i in indices]
    limits = (shape[0] * shape[1],) if len(idx) == 1 else shape
    if len(idx) > 2 or not all(0 <= k < n for k, n in zip(idx, limits)):
        return None
    return idx[0] if len(idx) == 1 else (idx[0], idx[1])
