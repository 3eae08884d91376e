"""An expression of a claim's instance made once into nested Python functions, for evaluation at a
sample (`engine.environment`): the values of the indices it is read at are passed as a dict, where
`Environment.evaluated` would first write them into the expression (a SymPy `xreplace` of the whole
tree for every term of every sum) and then walk it again.

Only the parts a sampled network spends its time in are made here: numbers, names and their
entries, sums and products over indices, arithmetic and functions. Every other part (derivatives,
limits, array operations, ...) is handed to `Environment.evaluated` with the indices written in, so
the value is the one `evaluated` gives, by construction: the same operations on the same values.
"""

from __future__ import annotations

import functools
from typing import Callable

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import BooleanAtom

from derive.engine import values as V
from derive.engine.kinks import AT_ZERO, crossing_values
from derive.engine.shapes import ShapeError
from derive.text import arrays as A

# (environment, {index: sp.Integer}) -> the value `Environment.evaluated` gives for the expression
# with those indices written in
Evaluator = Callable[[object, dict], object]


def evaluator(e) -> Evaluator:
    """`e` made into an `Evaluator`, once per expression."""
    try:
        return _made(e)
    except TypeError:   # unhashable (a mutable matrix)
        return _fallback(e)


@functools.lru_cache(maxsize=8192)
def _made(e) -> Evaluator:
    if isinstance(e, A.IndexSize):
        return _fallback(e)
    if isinstance(e, sp.Symbol):
        def symbol(env, indices):   # the values of indices are SymPy Integers
            value = indices.get(e)
            return env.evaluated(e) if value is None else value
        return symbol
    if isinstance(e, sp.Indexed):
        return _entry(e)
    if isinstance(e, (sp.Number, sp.NumberSymbol, BooleanAtom)):
        return lambda env, indices: e
    if isinstance(e, (sp.Sum, sp.Product)):
        return _big(e)
    if isinstance(e, sp.Mul):
        return _product(e)
    if isinstance(e, sp.Add):
        parts = [evaluator(a) for a in e.args]
        return lambda env, indices: V.add([part(env, indices) for part in parts])
    if isinstance(e, sp.Pow):
        return _power(e)
    if isinstance(e, (A.ArrayOp, A.ScalarOf, sp.Derivative, sp.Limit, sp.Subs, sp.Piecewise)):
        return _fallback(e)
    if isinstance(e, AppliedUndef):
        arguments = [evaluator(a) for a in e.args]
        return lambda env, indices: env.applied_undefined(
            e, [V.scalar(a(env, indices)) for a in arguments], (e, tuple(indices.items())))
    if isinstance(e, AT_ZERO):
        return _kinked(e)
    if isinstance(e, (sp.Function, sp.core.relational.Relational,
                      sp.logic.boolalg.BooleanFunction)):
        arguments = [evaluator(a) for a in e.args]
        return lambda env, indices: e.func(*[V.scalar(a(env, indices)) for a in arguments])
    return _fallback(e)


def _entry(e) -> Evaluator:
    """An entry of an array, at its indices with the values of the letters written in (a name
    used as an index is not looked up: `x_k` after `k = 2` is not x_2)."""
    name = e.base.label.name

    def written(index):
        if isinstance(index, sp.Symbol):
            return lambda indices: indices.get(index, index)
        return lambda indices: _written(index, indices)
    places = [written(index) for index in e.indices]

    def entry(env, indices):
        base = env.name_value(name)
        at = tuple(place(indices) for place in places)
        found = V.place(base.shape, at) if isinstance(base, sp.MatrixBase) else None
        if found is None:    # the reason, as `Environment.evaluated` gives it
            return base[V.position(base, sp.Indexed(e.base, *at))]
        return base[found]
    return entry


def _kinked(e) -> Evaluator:
    """|x|, a step or a sign (max, min and piecewise formulas are `Environment.evaluated`'s),
    with the side of its kink its argument falls on at the sample (`engine.kinks`)."""
    arguments = [evaluator(a) for a in e.args]

    def kinked(env, indices):
        values = [V.scalar(a(env, indices)) for a in arguments]
        env.meet_kinks((e, tuple(indices.items())), crossing_values(e, values))
        return e.func(*values)
    return kinked


def _product(e) -> Evaluator:
    """A product, which is 0 without its other factors evaluated where a factor is 0 with the
    indices written in (delta_ik at i != k, or x_i - x_k at i = k): SymPy would have made the
    product 0 as the indices were written in."""
    parts = [evaluator(a) for a in e.args]
    checks = [(k, a.free_symbols, _of_indices(a)) for k, a in enumerate(e.args)
              if _may_vanish(a)]

    def product(env, indices):
        known, zeros = {}, []
        for k, symbols, alone in checks:
            if alone:
                if symbols <= indices.keys():
                    known[k] = parts[k](env, indices)
            elif not symbols.isdisjoint(indices.keys()) and _written(e.args[k], indices) == 0:
                zeros.append(sp.Integer(0))
        if (zeros or any(v == 0 for v in known.values())) \
                and sp.Mul(*known.values(), *zeros) == 0:   # not 0 times infinity
            return sp.Integer(0)
        return V.multiply([known[k] if k in known else part(env, indices)
                           for k, part in enumerate(parts)])
    return product


def _power(e) -> Evaluator:
    """A power; 1 without its base evaluated where its exponent is 0 with the indices written in,
    as SymPy would have made it."""
    base, exponent = evaluator(e.base), evaluator(e.exp)
    alone = _of_indices(e.exp)

    def power(env, indices):
        p = exponent(env, indices)
        if alone and p == 0:
            return sp.Integer(1)
        return V.scalar(base(env, indices)) ** V.scalar(p)
    return power


def _may_vanish(e) -> bool:
    """Whether writing in indices can make `e` 0 where it is not: it has integer letters, and
    they are all it has, or it has a sum whose terms may cancel."""
    return any(isinstance(s, sp.Symbol) and s.is_integer for s in e.free_symbols) and (
        _of_indices(e) or bool(e.atoms(sp.Add)))


def _of_indices(e) -> bool:
    """Whether `e` is made of integer letters and numbers alone (no name, entry or function of
    the document): with its indices written in, a number."""
    return bool(e.free_symbols) and all(
        isinstance(s, sp.Symbol) and s.is_integer for s in e.free_symbols) and not e.atoms(
        sp.Indexed, AppliedUndef, sp.Derivative, sp.Subs, sp.Limit, A.ArrayOp, A.ScalarOf)


def _written(e, indices: dict):
    """`e` with the indices written in where they are free (`values.bind_free`)."""
    for index, number in indices.items():
        e = V.bind_free(e, index, number)
    return e


def _big(e) -> Evaluator:
    """A sum or product over an index: its last limit (SymPy's outermost) run here, the rest
    nested inside, so an inner bound may be an outer index (sum_i sum_{j <= i}). Over a letter
    the indices already give a value (sum_i inside a claim about x_i), the sum keeps its own, as
    `values.bind_free` leaves it."""
    (var, low, high), rest = e.limits[-1], e.limits[:-1]
    inner = evaluator(type(e)(e.function, *rest) if rest else e.function)
    bounds = evaluator(low), evaluator(high)
    bound_here = {limit[0] for limit in e.limits}
    total = isinstance(e, sp.Sum)
    whole = _fallback(e)

    def big(env, indices):
        if bound_here & indices.keys():
            return whole(env, indices)
        lo, hi = (V.scalar(bound(env, indices)) for bound in bounds)
        if not (lo.is_Integer and hi.is_Integer):
            raise ShapeError(f"the bounds of the sum over {var} have no value")
        lo, hi = int(lo), int(hi)
        if hi - lo > V.MAX_ENTRIES:
            raise ShapeError("a sum over too many values")
        terms = [inner(env, {**indices, var: sp.Integer(v)}) for v in range(lo, hi + 1)]
        if total:
            return V.add(terms) if terms else sp.Integer(0)
        return sp.Mul(*[V.scalar(t) for t in terms]) if terms else sp.Integer(1)
    return big


def _fallback(e) -> Evaluator:
    """`Environment.evaluated` of `e` with the indices written in."""
    return lambda env, indices: env.evaluated(_written(e, indices))
