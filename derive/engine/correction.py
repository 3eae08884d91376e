"""What a refuted claim's left side should equal, written in the names its right side uses."""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

ROUNDS = 8   # definitions in terms of definitions, at most this deep


def with_definitions(expr, definitions):
    """`expr` with the definitions put in (names defined by names, a few levels deep)."""
    for _ in range(ROUNDS):
        replaced = expr.xreplace(dict(definitions))
        if replaced == expr:
            break
        expr = replaced
    return expr


def evaluated(side, definitions, values: dict) -> sp.Expr | None:
    """A side's value at the given point: the definitions put in and every derivative taken
    first, then the values (dd/da at a = 2 is the derivative's value there)."""
    value = with_definitions(side, definitions).doit()
    if value.has(sp.Derivative, sp.Subs, sp.Limit) or value.atoms(AppliedUndef):
        return None
    return value.xreplace(values)


def correct_value(lhs, rhs, definitions) -> sp.Expr | None:
    """The left side's value with the definitions put in, then, for each defined name the right
    side uses whose definition has one variable to solve for (a = 1/(1 + e^z)), rewritten in
    that name. None when it cannot be written without unknown functions or unsolved variables."""
    value = with_definitions(lhs, definitions).doit()
    if value.has(sp.Derivative, sp.Subs, sp.Limit) or value.atoms(AppliedUndef):
        return None
    for target, body in definitions:
        if not isinstance(target, sp.Symbol) or target not in rhs.free_symbols:
            continue
        variables = body.free_symbols
        if len(variables) != 1:
            continue
        variable = next(iter(variables))
        solutions = sp.solve(sp.Eq(target, body), variable)
        if len(solutions) == 1:
            value = value.subs(variable, solutions[0])
    value = sp.factor(sp.simplify(value))
    if not value.free_symbols <= rhs.free_symbols | lhs.free_symbols:
        return None
    return value
