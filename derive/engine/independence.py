"""A refutation that needs no knowledge of the unknown functions: one side of the claim varies
with a variable that the other side cannot depend on (the quotient in `dy/dx = (f(x_1 + h) -
f(x_1))/h` varies with h; no reading of y makes dy/dx depend on h). The variable must enter
through the argument of a function, as a point of evaluation does: a bare parameter (beta in
`dg/dh = beta g(h)(1 - g(h))`) may be hidden in the other side's unknown function."""

from __future__ import annotations

import random

import sympy as sp
from sympy.core.function import AppliedUndef

GENERIC = frozenset("fghuvpqFGH")   # letters that name arbitrary functions in a general rule
DIGITS = 30


def _stand_in(function, args, k: int):
    """Two unrelated smooth functions, for evaluating a side with an arbitrary f."""
    t = sp.symbols(f"t1:{len(args) + 1}")
    body = sum((sp.sin(v) + v**3 / 5) if k == 0 else (sp.exp(v / 3) + v**2 / 7)
               for v in t) + (sp.Mul(*t) if len(t) > 1 else 0)
    return sp.Lambda(t, body)


def _value(side, point: dict, functions: dict):
    expr = side.xreplace(point)
    expr = expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in functions,
                        lambda e: functions[e.func.__name__](*e.args))
    return sp.N(expr.doit(), DIGITS)


def varies_alone(lhs, rhs, generic=()) -> str | None:
    """Why the claim fails whatever its unknown functions are, or None. The varying side may use
    only arbitrary functions (`generic`, evaluated with stand-ins); on the other side an unknown
    may appear only applied to its arguments (y(x)), never as a bare name that could depend on
    anything."""
    rng = random.Random(7)
    for one, other in ((lhs, rhs), (rhs, lhs)):
        if not isinstance(one, sp.Expr) or not isinstance(other, sp.Expr) \
                or one.has(sp.Indexed) or other.has(sp.Indexed):
            continue
        calls = {f.func.__name__ for f in one.atoms(AppliedUndef)}
        if not calls <= set(generic) or not calls <= GENERIC:
            continue
        free_other = other.free_symbols
        variables = {a for f in (lhs.atoms(AppliedUndef) | rhs.atoms(AppliedUndef))
                     for a in f.free_symbols} | {v for side in (lhs, rhs)
                                                 for d in side.atoms(sp.Derivative)
                                                 for v in d.variables}
        if not free_other <= variables:
            continue   # a^(n) = f(z): the other side holds a quantity that may depend on z
        for s in sorted(one.free_symbols - free_other, key=str):
            if not isinstance(s, sp.Symbol) or not any(
                    s in f.free_symbols for f in one.atoms(AppliedUndef)):
                continue   # a parameter (beta in beta g(h)) may hide in the other side's g
            rest = {v: sp.Rational(rng.randint(1, 9), rng.randint(2, 7))
                    for v in one.free_symbols if v != s}
            changed = True
            for k in (0, 1):
                functions = {f.func.__name__: _stand_in(f.func, f.args, k)
                             for f in one.atoms(AppliedUndef)}
                try:
                    a = _value(one, {**rest, s: sp.Rational(1, 3)}, functions)
                    b = _value(one, {**rest, s: sp.Rational(3, 4)}, functions)
                except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
                    changed = False
                    break
                if not (a.is_number and b.is_number and a.is_finite and b.is_finite) \
                        or abs(a - b) <= 1e-12 * (1 + abs(a)):
                    changed = False
                    break
            if changed:
                which = "left" if one is lhs else "right"
                return (f"the {which} side varies with {s}, which the other side does not "
                        f"depend on, whatever its unknown functions are")
    return None
