"""The checkable claims of a Markdown or LaTeX document.

Chains `a = b = c` are checked link by link, and the lines of an aligned derivation each against the
line before. Function definitions (`f(x) = x^5`) are remembered and used by later equations. What is
not a checkable claim is a finding with the reason it was skipped.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.audit.extract import clean, extract, lines
from derive.audit.records import Claim, Finding, Source
from derive.engine.isolation import TaskTimeout, time_limit
from derive.text import InputError
from derive.text.builder import Builder
from derive.text.arrays import has_arrays
from derive.text.latex import LatexReader


def read_document(text: str, seconds: float = 2.0) -> tuple[list[Claim], list[Finding]]:
    """The checkable claims of a document, and the equations skipped, each with the reason. Each
    line of an equation gets `seconds` to be read and have the document's definitions applied
    (f(x) = x! makes f(10^99) a long computation); the caller runs the whole under a deadline."""
    claims: list[Claim] = []
    skipped: list[Finding] = []
    definitions: dict = {}
    per_line: dict[int, int] = {}   # equations already seen on a line, for unique ids
    for equation in extract(text):
        per_line[equation.line] = per_line.get(equation.line, 0) + 1
        nth = "" if per_line[equation.line] == 1 else f"/{per_line[equation.line]}"
        block = lines(equation.latex)
        previous = None
        for number, line in enumerate(block, 1):
            where = equation.line + line.offset
            label = line.text if not line.continues else "... " + line.text
            ident = f"L{where}{nth}" + (f".{number}" if len(block) > 1 else "")

            def skip(reason, ident=ident, where=where, label=label):
                skipped.append(Finding(Source(ident, where, equation.section, label),
                                       skipped=reason))

            try:
                with time_limit(seconds):
                    builder = Builder()
                    try:
                        sides = LatexReader(clean(line.text), builder).sides()
                    except InputError as err:
                        skip(f"cannot read: {err}")
                        previous = None
                        continue
                    except (RecursionError, ValueError, TypeError) as err:
                        skip(f"cannot read: {type(err).__name__}")
                        previous = None
                        continue
                    if builder.quantities or any(has_arrays(s) for s in sides):
                        skip("index, vector or layer notation: its meaning depends on the "
                             "document's definitions of the network")
                        previous = None
                        continue
                    if line.continues and previous is not None:
                        sides = [previous] + sides
                    if len(sides) < 2:
                        skip("continues a line that could not be read" if line.continues
                             else "not an equation")
                        previous = sides[-1] if sides else None
                        continue
                    for link, (lhs, rhs) in enumerate(zip(sides, sides[1:])):
                        link_id = ident + (chr(ord("a") + link) if len(sides) > 2 else "")
                        # a definition (or redefinition) is recognised on the sides as
                        # written; earlier definitions are used only in claims
                        why = _definition(lhs, rhs, definitions)
                        if why is None:
                            lhs, rhs = _apply(definitions, lhs), _apply(definitions, rhs)
                            why = _not_checkable(lhs, rhs)
                        source = Source(link_id, where, equation.section, label)
                        if why:
                            skipped.append(Finding(source, skipped=why))
                            continue
                        claims.append(Claim(source, lhs, rhs))
                    previous = sides[-1]
            except TaskTimeout:
                skip(f"reading it took longer than {seconds:g} s")
                previous = None
    return claims, skipped


def _apply(definitions: dict, expr):
    """Use the functions defined earlier in the document (f(x) = x^5, then f'(x) = ...)."""
    if not definitions or not isinstance(expr, sp.Basic):
        return expr
    for function, body in definitions.values():
        if expr.has(function):
            expr = expr.subs(function, body)
    return expr.doit() if expr.has(sp.Subs) else expr


def _definition(lhs, rhs, definitions: dict) -> str | None:
    """'definition of f' for f(x) = ... (recorded for later lines) or a = ...; else None."""
    if isinstance(lhs, AppliedUndef) and all(isinstance(v, sp.Symbol) for v in lhs.args) \
            and len(set(lhs.args)) == len(lhs.args) and not rhs.has(lhs.func):
        definitions[lhs.func.__name__] = (lhs.func, sp.Lambda(lhs.args, rhs))
        return f"definition of {lhs.func.__name__}"
    if isinstance(lhs, sp.Symbol) and not rhs.has(lhs):
        return f"definition of {lhs}"
    return None


def _not_checkable(lhs, rhs) -> str | None:
    """Why a (non-definition) equation is not a checkable identity, or None."""
    for one, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(one, sp.Derivative) and isinstance(one.expr, AppliedUndef) \
                and not other.has(sp.Derivative, sp.Subs):
            return (f"states the derivative of {one.expr.func}, a function the document does not "
                    "define: not an identity that can be checked")
    return None
