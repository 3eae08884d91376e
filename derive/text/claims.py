"""A claim `LHS = RHS` read from SymPy syntax or LaTeX into its two sides, with what the reader
learned about its names and the document's definitions (`Reading`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.assumptions import Assumptions
from derive.text.builder import Builder
from derive.text.context import Context, extended, plain_definition, read_context
from derive.text.limits import InputError, remembered
from derive.text.sympy_syntax import parse_sides

MAX_LINKS = 8  # equalities in one chain
READINGS = 4   # readings of a claim while names turn out to be vectors (W in W^T, b in W a + b)


@dataclass(frozen=True)
class Reading:
    """A claim as read: its sides (two, or more for a chain A = B = C), its names
    (`text.arrays.Quantity` by name) and its context."""

    sides: tuple
    quantities: dict = field(default_factory=dict)
    context: Context = field(default_factory=Context)
    # each side's decimal literals -> the decimal places they were written with
    side_places: tuple = ()
    # each side's interval when it is arithmetic on rounded numbers (0.8581 x 0.1419), or None
    side_intervals: tuple = ()

    @property
    def links(self) -> list[tuple]:
        """The equalities the claim makes: (A, B) and (B, C) for A = B = C."""
        return list(zip(self.sides, self.sides[1:]))

    def _written_places(self, k: int) -> int | None:
        """The decimal places of side k when it is written as a decimal number (-0.038 too; 4.54
        x 10^-5 has 7, 2.2 x 10^3 has -2), else None: a side only equal to one (3/10 beside 0.3
        in a chain) is not one."""
        side = self.sides[k]
        places = self.side_places[k] if k < len(self.side_places) else {}
        if side in places:
            return places[side]
        return places.get(-side) if isinstance(side, sp.Rational) else None

    def rounded_places(self, k: int) -> tuple[int, str, sp.Basic] | None:
        """For the equality of sides k and k + 1: the decimal places of a side written as a
        decimal number (1.406) when the other side is a constant (an exact one too: 1/2 (0.01 -
        0.75)^2 = 0.27 in a worked example, or a name the definitions make one: y = 0.574 with
        y = sigma(0.3)), which side it is ("lhs" or "rhs"), and that constant: such an equality
        states a value rounded, or cut off, to those places."""
        written = {j: self._written_places(j) for j in (k, k + 1)}
        if None not in written.values():
            return None   # 0.51 = 0.5: two written numbers, compared as they are
        for decimal, other, side in ((k + 1, k, "rhs"), (k, k + 1, "lhs")):
            places = written[decimal]
            if places is None:
                continue
            if set(self.side_places[decimal]) & set(self.side_places[other]):
                return None   # 0.3 + 0.04 = 0.3: a number written on both sides, no rounding
            value = self.constant_of(self.sides[other])
            if value is not None:
                return places, side, value
        return None

    def computed_from_rounded(self, k: int) -> tuple[tuple, str, sp.Basic] | None:
        """For the equality of sides k and k + 1: when one side is arithmetic on rounded numbers
        (sigma(1.8)(1 - sigma(1.8)) = 0.8581 x 0.1419) and the other a constant, the interval the
        first stands for, which side it is ("lhs" or "rhs"), and the constant."""
        intervals = [self.side_intervals[j] if j < len(self.side_intervals) else None
                     for j in (k, k + 1)]
        for (interval, other, side) in ((intervals[1], self.sides[k], "rhs"),
                                        (intervals[0], self.sides[k + 1], "lhs")):
            value = self.constant_of(other) if interval is not None else None
            if value is not None and None in intervals:
                return interval, side, value
        return None

    def constant_of(self, expr):
        """`expr` with the names and functions its definitions give written in, when that leaves
        a number (y with y = sigma(0.3); f(2) with f(x) = sqrt(x)); else None."""
        if not isinstance(expr, sp.Basic):
            return None
        values = {d.target: d.value for d in self.context.definitions   # y = x: x's value too
                  if isinstance(d.target, sp.Symbol)}
        functions = {d.target.func: sp.Lambda(d.target.args, d.value)
                     for d in self.context.definitions
                     if isinstance(d.target, AppliedUndef) and not d.rewrite
                     and all(isinstance(a, sp.Symbol) for a in d.target.args)}
        for _ in range(8):   # definitions in terms of definitions, a few deep
            if not expr.free_symbols and not expr.atoms(AppliedUndef):
                break
            written = expr.xreplace(values)
            for function, formula in functions.items():
                written = written.replace(function, formula)
            if written == expr:
                break
            expr = written
        if expr.free_symbols or expr.atoms(AppliedUndef) or A.has_arrays(expr):
            return None
        if expr.has(sp.Derivative, sp.Subs):   # sigma'(0.5): the slope's value there
            try:
                expr = expr.doit()
            except (ValueError, TypeError, ArithmeticError, NotImplementedError, RecursionError):
                return None
        plain = not expr.free_symbols and not expr.has(
            sp.Derivative, sp.Subs, sp.Integral, sp.Limit, AppliedUndef)
        return expr if plain else None


def read_claim(text: str, assumptions: Assumptions | None = None, latex: bool = False,
               functions=(), where=(), units: bool = False, e_named: bool = False) -> Reading:
    """Read a claim `LHS = RHS` (and the definitions it is read with) into a `Reading`; with
    `units`, every quantity is a number (a network with one unit per layer). A letter e is a
    name, not Euler's number, where a definition names it (`e = y - \\hat{y}`) or `e_named`."""
    if not latex:
        if where:
            raise InputError("--where takes LaTeX: use it with --latex")
        return Reading(parse_claim(text, assumptions, functions=functions))
    from derive.text.latex import parse_latex_sides   # the LaTeX reader: only when asked for
    from derive.text.latex_tokens import WORD_FUNCTIONS
    from derive.text.letters import layer_numbers, names_in_letters, numbered, spell
    # a word the claim or a definition uses as a name (net_j below a \partial) is that name in
    # all of them, and a letter it writes with a layer's number (w^{2}_{11}) is so numbered
    names = names_in_letters([text, *where], WORD_FUNCTIONS)
    # p'(g(x)) in the claim: p is a function, also where a definition writes p(g(h(x)))
    functions = tuple(functions) + tuple(sorted({m.group(1) for t in [text, *where]
                                                 for m in PRIMED_CALL.finditer(t)} - set(functions)))
    letters = layer_numbers([text, *where])
    text = numbered(spell(text, names), letters)
    where = [numbered(spell(w, names), letters) for w in where]
    arrays: set[str] = set()
    families: set = set()
    chains: dict = {}
    for attempt in range(READINGS):
        final = attempt == READINGS - 1
        builder = Builder(assumptions, functions)
        builder.chains = dict(chains)
        builder.strict = final
        builder.units = units
        builder.scalar_only = builder.scalar_only or units
        builder.e_is_named = e_named or any(NAMES_E.match(w) for w in where)
        builder.promoted |= arrays
        builder.families |= families
        try:
            context = _context(where, builder)
            sides = parse_latex_sides(text, builder)
        except InputError:
            found = builder.found_chains()
            if not final and found and found != chains:
                chains = found   # dy/dx = dy/du du/dx: read again with y(u(x))
                continue
            if final or (builder.promoted <= arrays and builder.families <= families):
                raise
            arrays |= builder.promoted
            families |= builder.families
            continue
        if builder.promoted <= arrays and builder.families <= families:
            break
        arrays |= builder.promoted
        families |= builder.families
    _partials_are_plain(builder.partials, context)
    _no_constrained_function(builder.leibniz, context)
    if len(sides) < 2:
        raise InputError("a claim needs '=': LHS = RHS")
    if len(sides) > MAX_LINKS + 1:
        raise InputError(f"a chain of more than {MAX_LINKS} equalities: check it in parts")
    return Reading(tuple(sides), dict(builder.quantities), context, tuple(builder.side_places),
                   tuple(builder.side_intervals))


def _no_constrained_function(leibniz: dict, context) -> None:
    """y differentiated as a function of x (dy/dx) where the definitions constrain y by an
    equation (x^2 + y^2 = 1): y is the function that equation defines implicitly, which is not
    read (as a stand-in function, dy/dx = -x/y was refuted). Refused."""
    for d in context.definitions:
        names = {s.name for s in getattr(d.target, "free_symbols", ()) if isinstance(s, sp.Symbol)}
        constrained = sorted(names & set(leibniz)) if d.rewrite else []
        if constrained:
            raise InputError(f"{constrained[0]} is differentiated as a function and constrained "
                             f"by {d.text}: the function an equation defines implicitly is not "
                             "read")


def _partials_are_plain(partials: set, context) -> None:
    """A partial derivative of a defined z by x, where z's formula holds x and also a name the
    definitions make depend on x (z = x^2 y, y = sin x): the partial with y held and the total
    derivative differ, and the reading cannot tell which the text means (it reads both as the
    total). Refused as ambiguous."""
    if not partials:
        return
    values = {d.target.name: d.value for d in context.definitions
              if isinstance(d.target, sp.Symbol) and isinstance(d.value, sp.Basic)}

    def depends(name: str, variable: str, seen=()) -> bool:
        names = {s.name for s in values[name].free_symbols if isinstance(s, sp.Symbol)}
        return variable in names or any(depends(n, variable, seen + (name,)) for n in names
                                        if n in values and n not in seen)
    for z, x in sorted(partials):
        if z not in values:
            continue
        names = {s.name for s in values[z].free_symbols if isinstance(s, sp.Symbol)}
        through = sorted(n for n in names if n in values and n != x and depends(n, x, (z,)))
        if x in names and through:
            raise InputError(f"ambiguous: \\partial {z}/\\partial {x} with {through[0]} depending "
                             f"on {x}: the partial with {through[0]} held, or the total derivative "
                             f"(write d{z}/d{x})?")


NAMES_E = re.compile(r"\s*e\s*(=|:=|\\coloneqq)")   # e = y - \hat{y}: e is a name, not Euler's
PRIMED_CALL = re.compile(r"(?<![\\A-Za-z])([A-Za-z])'+\s*\(")   # p'(u): the function p
CONTEXTS = 512   # contexts kept: a document's claims are read with the same definitions


_contexts: dict = {}


def _context(where: list, builder: Builder) -> Context:
    """`read_context(where, builder)`, read once for every builder that starts alike: the
    context (or the InputError) and what reading it taught the builder are kept, and taught
    again (a copy). A document's claims are read with more and more of its definitions: where
    the texts before the last few were read already, and those few are plain definitions, the
    kept context is extended by them."""
    where = [text.strip() for text in where if text.strip()]   # as `read_context` reads them
    start = (builder.assumptions.key, builder.declared_functions,
             tuple(sorted(builder.chains.items())), builder.strict, builder.units,
             builder.scalar_only, frozenset(builder.promoted), frozenset(builder.families),
             builder.e_is_named)

    def read():
        try:
            return _extended(where, start, builder) or read_context(where, builder), \
                _state(builder)
        except InputError as error:
            return error, _state(builder)
    context, state = remembered(_contexts, CONTEXTS, (tuple(where), *start), read)
    vars(builder).update(_state(state))
    if isinstance(context, InputError):
        raise InputError(*context.args)
    return context


def _extended(where: list, start: tuple, builder: Builder) -> Context | None:
    """The context of `where` made from the kept context of its longest read beginning whose
    rest are plain definitions (`context.extended`), or None when there is none."""
    cut = len(where)
    while cut > 0 and plain_definition(where[cut - 1]):
        cut -= 1
        kept = _contexts.get((tuple(where[:cut]), *start))
        if kept is not None and isinstance(kept[0], Context):
            vars(builder).update(_state(kept[1]))
            return extended(kept[0], where[cut:], builder)
    return None


def _state(builder) -> dict:
    """A copy of what a builder (or a copy of one, a dict) holds: its containers copied, the
    sets a dict holds (the variables a name is differentiated by) too."""
    fields = builder if isinstance(builder, dict) else vars(builder)
    return {name: {k: set(v) if isinstance(v, set) else v for k, v in value.items()}
            if isinstance(value, dict) else set(value) if isinstance(value, set) else value
            for name, value in fields.items()}


def parse_claim(text: str, assumptions: Assumptions | None = None, latex: bool = False,
                functions=()) -> tuple:
    """Parse a claim `LHS = RHS` into its two sides, in SymPy syntax or LaTeX."""
    builder = Builder(assumptions, functions)
    if latex:
        from derive.text.latex import parse_latex_sides
        sides = parse_latex_sides(text, builder)
    else:
        sides = parse_sides(text, builder=builder)
    if len(sides) != 2:
        raise InputError(f"a claim has two sides, got {len(sides)}: check one '=' at a time")
    return sides[0], sides[1]
