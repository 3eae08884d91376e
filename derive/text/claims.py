"""A claim `LHS = RHS` read from SymPy syntax or LaTeX into its two sides."""

from __future__ import annotations

from derive.text.assumptions import Assumptions
from derive.text.builder import Builder
from derive.text.latex import parse_latex_sides
from derive.text.limits import InputError
from derive.text.sympy_syntax import parse_sides


def parse_claim(text: str, assumptions: Assumptions | None = None, latex: bool = False,
                functions=()) -> tuple:
    """Parse a claim `LHS = RHS` into its two sides, in SymPy syntax or LaTeX."""
    builder = Builder(assumptions, functions)
    if latex:
        sides = parse_latex_sides(text, builder)
    else:
        sides = parse_sides(text, builder=builder)
    if len(sides) != 2:
        raise InputError(f"a claim has two sides, got {len(sides)}: check one '=' at a time")
    return sides[0], sides[1]

