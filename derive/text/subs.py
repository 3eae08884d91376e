"""SymPy's `Subs` compared by what it states: applied when the readers (`text.builder`,
`text.arrays`) import this module, before any expression is built.

To let `Subs(f(x), x, 0)` and `Subs(f(y), y, 0)` compare equal, SymPy compares a `Subs` by its
expression with each variable renamed after its point: `_2` for a variable at 2. Two variables at
one point become one symbol, so the partials of f(x, y) by x and by y at (2, 2) compare equal,
hash alike and cancel in a sum: `f_x(2, 2) = f_y(2, 2)` was PROVED for f = x y^3, and the second
of two such claims in one run took the first one's value from a cache. Here the variables are
renamed by their position instead, and the point is compared as it is: equal `Subs` still state
the same value, and those that differ never compare equal.
"""

from __future__ import annotations

import sympy as sp


def _hashable_content(self) -> tuple:
    return (self.expr.xreplace(self.canonical_variables), self.point)


sp.Subs._hashable_content = _hashable_content
