"""The kinks a sampled evaluation meets (`engine.environment`): where a non-smooth function (max,
min, |.|, a step, sign, a piecewise formula) changes its formula, and on which side of it each of
its arguments fell.

A claim about a ReLU network can be true on one side of a kink only: delta^L = a^L - y holds
wherever every z^L is positive, and a sample that leaves them all positive is no evidence against
it. `Signs` records, for each place a kink is met at a sample (a site: the expression with the
indices it is evaluated at, an entry of a function applied entry by entry), the sides its argument
fell on, so that the sampler (`engine.instances`) can draw points until every site has been seen
on both. A point at a kink (an argument moved to within 10^-NEAR of it) is no evidence either way:
a derivative does not exist there, and a central difference across it takes the mean of two
slopes.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.relational import Relational

# the functions whose formula changes where their argument crosses 0, and all those whose formula
# changes where an argument crosses 0 or two arguments cross
AT_ZERO = (sp.Abs, sp.Heaviside, sp.sign, sp.DiracDelta)
KINKED = (sp.Max, sp.Min, sp.Piecewise, *AT_ZERO)
NEAR = 15   # digits: central differences move a point by 10^-STEP, far closer than this
_NEAR = sp.Float(10) ** -NEAR


def crossing_values(e, args) -> tuple:
    """Where the kinked function of `e` is at the values `args` of its arguments: numbers that
    are 0 on a kink (the arguments' differences for max and min, else the first argument)."""
    if isinstance(e, (sp.Max, sp.Min)):
        return tuple(p - q for p, q in zip(args, args[1:]))
    return tuple(args[:1])


@functools.lru_cache(maxsize=1024)
def crossings(e) -> tuple:
    """The expressions whose zeros are the kinks of the non-smooth functions in `e`: the
    arguments of steps, signs and |.|, the differences of the arguments of max and min, and the
    sides of a piecewise formula's conditions, subtracted."""
    found = []
    for a in e.atoms(*KINKED):
        if isinstance(a, sp.Piecewise):
            found += [r.lhs - r.rhs for _, condition in a.args
                      for r in _relations(condition)]
        else:
            found += crossing_values(a, a.args)
    return tuple(dict.fromkeys(c for c in found if c.free_symbols))


def _relations(condition) -> list:
    """The comparisons a piecewise formula's condition is made of (x > 0 in x > 0 & y < 1)."""
    if isinstance(condition, Relational):
        return [condition]
    return list(condition.atoms(Relational)) if isinstance(condition, sp.Basic) else []


@dataclass
class Signs:
    """The sides of their kinks that the arguments met at one sample (or gathered over several)
    fell on: site -> the signs seen (+1, -1); `near`: an argument was at a kink. The kinks met
    while a function of the document is evaluated at a site (f(t) = max(0, g(t)) with g defined
    too) are that site's, numbered in the order they are met: the same formula meets them in the
    same order at every point, whatever the values of its arguments."""

    seen: dict = field(default_factory=dict)
    near: bool = False
    outer: object = None        # the site whose function is being evaluated
    count: int = 0              # kinks met so far within it

    def meet(self, site, values) -> None:
        """The arguments `values` of the kinks met at `site` (those that are no real number, a
        symbol while a formula is built, are left out). An argument exactly 0 is on neither
        side, and no sign of a point at a kink: nothing moved it there (relu(relu(z)) at z < 0
        is flat, not at a kink); one moved next to 0 (the step of a central difference from 0)
        is."""
        for n, value in enumerate(values):
            if not (isinstance(value, sp.Number) and value.is_extended_real):
                continue
            if self.outer is not None:
                key, self.count = (self.outer, self.count), self.count + 1
            else:
                key = (site, n)
            if value == 0:
                continue
            if abs(value) < _NEAR:
                self.near = True
            self.seen.setdefault(key, set()).add(1 if value > 0 else -1)

    @contextmanager
    def within(self, site):
        """Kinks met inside the evaluation of the function applied at `site` are that site's."""
        if self.outer is not None:
            yield
            return
        self.outer, self.count = site, 0
        try:
            yield
        finally:
            self.outer = None

    def gather(self, other: "Signs") -> None:
        """The sides `other` (another sample) saw, added to these."""
        for key, signs in other.seen.items():
            self.seen.setdefault(key, set()).update(signs)

    def covered(self) -> bool:
        """Whether every site met has been seen on both sides of its kink."""
        return all(len(signs) == 2 for signs in self.seen.values())


def curved_kink_at(f, variable, point) -> bool:
    """Whether `f` has a kink of max or min at `point` whose arguments meet along a curve, not a
    line (max(0, x^3 - x) at 0, max(0, sin x) at pi): the convention of the slope on the left
    is stated for the activations' kinks, where the argument is linear in the variable; at a
    curved one the derivative is taken only where the two one-sided slopes agree."""
    for kink in f.atoms(sp.Max, sp.Min):
        for a, b in zip(kink.args, kink.args[1:]):
            gap = a - b
            if gap.is_polynomial(variable) and sp.Poly(gap, variable).degree() <= 1:
                continue
            try:
                meets = sp.simplify(gap.xreplace({variable: point})) == 0
            except (TypeError, ValueError, ArithmeticError):
                continue
            if meets:
                return True
    return False
