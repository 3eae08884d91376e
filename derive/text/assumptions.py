"""What the user assumed about the variables (every variable is real unless stated otherwise)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Bound:
    value: sp.Rational
    strict: bool


@dataclass(frozen=True)
class Assumptions:
    """What the user assumed about variables. Every variable is real unless stated otherwise.

    `lower`/`upper` hold interval bounds, `integer` and `nonzero` hold names. `texts` keeps the user's
    own wording for the verdict.
    """

    lower: dict = field(default_factory=dict)
    upper: dict = field(default_factory=dict)
    integer: frozenset = frozenset()
    nonzero: frozenset = frozenset()
    texts: tuple = ()

    @property
    def key(self) -> tuple:
        """What they say, hashable."""
        return (tuple(sorted(self.lower.items())), tuple(sorted(self.upper.items())),
                self.integer, self.nonzero)

    def symbol(self, name: str) -> sp.Symbol:
        """The SymPy symbol for `name`, carrying every assumption SymPy can express."""
        kw = {"real": True}
        lo, hi = self.lower.get(name), self.upper.get(name)
        if name in self.integer:
            kw["integer"] = True
        if lo is not None and (lo.value > 0 or (lo.value == 0 and lo.strict)):
            kw["positive"] = True
        elif lo is not None and lo.value == 0:
            kw["nonnegative"] = True
        if hi is not None and (hi.value < 0 or (hi.value == 0 and hi.strict)):
            kw["negative"] = True
        elif hi is not None and hi.value == 0:
            kw["nonpositive"] = True
        if name in self.nonzero:
            kw["nonzero"] = True
        return sp.Symbol(name, **kw)

    def interval(self, name: str) -> tuple[Bound | None, Bound | None]:
        return self.lower.get(name), self.upper.get(name)

    def describe(self, names) -> list[str]:
        """The assumptions in force for `names`, user wording first, then the default 'real'."""
        stated = list(self.texts)
        mentioned = set(self.lower) | set(self.upper) | self.integer | self.nonzero
        defaults = sorted(n for n in names if n not in mentioned)
        if defaults:
            stated.append(", ".join(defaults) + " real")
        return stated


ASSUMPTION_WORDS = {
    "positive": ("lower", Bound(sp.Integer(0), True)),
    "negative": ("upper", Bound(sp.Integer(0), True)),
    "nonnegative": ("lower", Bound(sp.Integer(0), False)),
    "nonpositive": ("upper", Bound(sp.Integer(0), False)),
}
