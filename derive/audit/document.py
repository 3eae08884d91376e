"""The checkable claims of a Markdown or LaTeX document, read as a careful reader reads them.

Each formula is first given its kind (`audit.kinds`): only claims are checked; a definition is
recorded in the document's scope (`audit.scope`) and used by the formulas after it; conditions,
equations to solve, update rules, approximations and relations are reported as what they are.
Chains `a = b = c` are checked link by link, the lines of an aligned derivation each against the
line before, a block that starts with `=` against the last line of the block before it, and a
table cell as the completion of its column's header (`a^m = \\sigma^m(z^m)` above
`\\frac{1}{1+e^{z^m}}`). A claim is read with the definitions it mentions, exactly as
`derive check --where` reads them, so vector, index and layer claims are decided at concrete
sizes (`engine.instances`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.audit.extract import Equation, clean, extract, lines
from derive.audit.kinds import Kind, by_marks, by_words, words_inside
from derive.audit.records import Claim, ClaimKind, Finding, Source
from derive.audit.scope import Scope, base_name
from derive.engine.independence import GENERIC
from derive.engine.isolation import TaskTimeout, time_limit
from derive.engine.links import links_of
from derive.text import InputError
from derive.text import arrays as A
from derive.text.builder import FUNCTIONS
from derive.text.claims import read_claim
from derive.text.builder import Builder
from derive.text.context import SHAPE, read_context

RULE_WORDS = re.compile(r"\brules?\b|\bany\b|\barbitrary\b|\bdifferentiable\b|\btheorem\b", re.I)
DERIVATIVES = (sp.Derivative, A.Partial, A.Grad, A.Jacobian)


def read_document(text: str, seconds: float = 2.0, assume: tuple = ()) -> tuple[list, list]:
    """The checkable claims of a document, and the other equations, each with why it was not
    checked. Each line of an equation gets `seconds` to be read; the caller runs the whole under
    a deadline."""
    reader = DocumentReader(seconds, assume)
    for equation in extract(text):
        reader.equation(equation)
    return reader.claims, reader.skipped


class DocumentReader:
    def __init__(self, seconds: float, assume: tuple = ()):
        self.seconds = seconds
        self.assume = tuple(assume)
        self.scope = Scope()
        self.claims: list[Claim] = []
        self.skipped: list[Finding] = []
        self.per_line: dict[int, int] = {}
        self.last_side: str | None = None    # the last side of the display block before
        self.rule_section = False

    # -- one formula ------------------------------------------------------------------------------

    def equation(self, equation: Equation) -> None:
        self.scope.enter(equation)
        self.per_line[equation.line] = self.per_line.get(equation.line, 0) + 1
        nth = "" if self.per_line[equation.line] == 1 else f"/{self.per_line[equation.line]}"
        latex = equation.latex
        if equation.cell is not None and equation.cell.header:
            latex = f"{equation.cell.header} = {latex}"
        block = lines(latex)
        carried = self.last_side if equation.display else None
        self.last_side = None
        for number, line in enumerate(block, 1):
            ident = f"L{equation.line + line.offset}{nth}" + (f".{number}" if len(block) > 1 else "")
            source = Source(ident, equation.line + line.offset, equation.section,
                            line.text if not line.continues else "... " + line.text)
            continues = line.continues or (number == 1 and re.match(r"^&?\s*=", line.text))
            before = carried if continues else None
            try:
                with time_limit(self.seconds):
                    last = self.line(equation, line.text, source, before, continues)
            except TaskTimeout:
                self.skip(source, f"reading it took longer than {self.seconds:g} s")
                last = None
            carried = last
            if equation.display:
                self.last_side = last

    def line(self, equation: Equation, text: str, source: Source, before: str | None,
             continues: bool) -> str | None:
        """Read one line; the LaTeX of its last side, for a line that continues it."""
        words = (equation.prose + " " + words_inside(text)).strip()
        body = clean(text)
        if continues and before is None:
            self.skip(source, "continues a line that could not be read")
            return None
        kind = by_marks(body)
        if kind is Kind.RELATION:
            self.declare(body, equation)
            self.skip(source, "a relation, not an equality")
            return None
        if kind is not None:
            self.skip(source, f"an {kind.value}: not an identity" if kind is Kind.UPDATE
                      or kind is Kind.APPROXIMATION else kind.value)
            return None
        sides = split_sides(body)
        if before is not None:
            sides = [before] + sides
        if len(sides) < 2:
            self.skip(source, "not an equation")
            return sides[-1] if sides else None
        told = by_words(words)
        self.links(equation, sides, source, told)
        return sides[-1]

    def links(self, equation: Equation, sides: list[str], source: Source, told: Kind | None):
        heading_words = equation.section + " " + equation.prose
        general = bool(RULE_WORDS.search(heading_words))
        defined_first = None
        for k, (left, right) in enumerate(zip(sides, sides[1:])):
            ident = source.id + (chr(ord("a") + k) if len(sides) > 2 else "")
            here = Source(ident, source.line, source.section, source.latex,
                          exercise=told is Kind.EXERCISE)
            text = f"{left} = {right}"
            try:
                reading, link, units = self.read(text)
            except InputError as err:
                self.skip(here, f"cannot read: {err}")
                continue
            except (RecursionError, ValueError, TypeError, AttributeError) as err:
                self.skip(here, f"cannot read: {type(err).__name__}")
                continue
            lhs, rhs = reading.sides
            if told is Kind.SOLVE:
                self.skip(here, f"{told.value}: not an identity")
                continue
            if spelled_name(lhs, rhs):
                self.skip(here, f"definition of {left.strip()} (a name written in letters)")
                continue
            if definable(lhs) and not mentions(rhs, lhs):
                existing = self.scope.binding(left)
                if existing is None or not existing.derived or told in (Kind.DEFINITION,
                                                                         Kind.CONDITION):
                    if self.define(left, right, lhs, rhs, equation):
                        defined_first = defined_first or (left if k == 0 else None)
                        self.skip(here, f"definition of {left.strip()}")
                    else:
                        self.skip(here, f"definition of {left.strip()}, which could not be read "
                                        "on its own: the formulas that use it are not checked")
                    continue
            elif definable(lhs) and (is_step(lhs, rhs) or not (
                    general and isinstance(lhs, AppliedUndef) and _name(lhs) in GENERIC)):
                self.skip(here, "an update rule or a recurrence (the name is on both sides): "
                                "not an identity")
                continue
            if told in (Kind.SOLVE, Kind.CONDITION):
                self.skip(here, f"{told.value}: not an identity")
                continue
            if defined_first is not None and k == len(sides) - 2:
                self.define(defined_first, right, None, rhs, equation)   # a^m = s(h) = s(Wa + b)
            if isinstance(link, Exception):
                self.skip(here, f"cannot check: {link}")
                continue
            unknown = unknowns(lhs, rhs, reading.context)
            if units:
                here = replace(here, note="read with one unit per layer (entry by entry): the "
                                          "vector reading cannot be checked")
            self.claims.append(Claim(here, lhs, rhs, self.assume, ClaimKind.READ, link,
                                     tuple(sorted(unknown)), general and unknown <= GENERIC))

    def read(self, text: str):
        """The claim read with the definitions it mentions, and its link to decide; when its
        vectors cannot be checked as written (a function of a vector, a power of one), read again
        with one unit per layer, where a vector is its one entry: what fails there fails for
        every width. Returns (reading, link, units); the link is the error that stops the check
        when it cannot be planned (a definition needs only the reading)."""
        from derive.text import parse_assumptions
        assumptions = parse_assumptions(list(self.assume))
        where = self.scope.where(text)
        reading = read_claim(text, latex=True, where=where)
        try:
            return reading, links_of(reading, assumptions)[0], False
        except (InputError, ValueError, TypeError) as err:
            problem = err
        scalar = [w for w in self.scope.where(text, units=True) if not SHAPE.match(w.strip())]
        try:
            units = read_claim(text, latex=True, where=scalar, units=True)
            return units, links_of(units, assumptions)[0], True
        except (InputError, ValueError, TypeError):
            return reading, problem, False

    # -- definitions ------------------------------------------------------------------------------

    def define(self, left: str, right: str, lhs, rhs, equation: Equation) -> bool:
        """Record `left = right` when it reads as a definition on its own."""
        text = f"{left} = {right}"
        try:
            read_claim(text, latex=True, where=self.scope.where(text) + [text])
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            self.scope.forget(left)   # an unreadable definition: the old one no longer holds
            return False
        lhs = lhs if lhs is not None else sp.Symbol(left)
        local = equation.cell is None and not _network_notation(lhs, rhs, left)
        derived = isinstance(rhs, sp.Basic) and rhs.has(*DERIVATIVES)
        self.scope.bind(left, text, equation, local, derived)
        return True

    def declare(self, body: str, equation: Equation) -> None:
        """Remember a size (`W^m \\in \\mathbb{R}^{N^m \\times N^{m-1}}`)."""
        shape = SHAPE.match(body.strip())
        try:
            read_context([body.strip()], Builder()) if shape else None
        except (InputError, ValueError, TypeError):
            shape = None   # sizes it cannot read (N^m): the quantity's shape stays open
        if shape:
            self.scope.bind(shape.group("name"), body.strip(), equation, local=False,
                            declaration=True)

    def skip(self, source: Source, reason: str) -> None:
        self.skipped.append(Finding(source, skipped=reason))


# -- helpers ---------------------------------------------------------------------------------------

def split_sides(latex: str) -> list[str]:
    """The sides of `a = b = c`, split at the `=` signs outside braces and brackets."""
    sides, depth, start = [], 0, 0
    for k, ch in enumerate(latex):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == "=" and depth <= 0 and latex[k - 1:k] not in ("<", ">", "!", ":", "\\"):
            sides.append(latex[start:k].strip())
            start = k + 1
    sides.append(latex[start:].strip())
    return [s for s in sides if s] if sides[0] or len(sides) == 1 else sides[1:]


def definable(expr) -> bool:
    """A name, an entry or a function of plain variables: what a definition can define."""
    if isinstance(expr, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
        return not isinstance(expr, A.IndexSize)
    return isinstance(expr, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in expr.args) \
        and len(set(expr.args)) == len(expr.args)


def spelled_name(lhs, rhs) -> bool:
    """`OA`, `slope`: letters side by side, none of them used on the other side, read as a name."""
    return isinstance(lhs, sp.Mul) and all(isinstance(f, sp.Symbol) for f in lhs.args) \
        and not (lhs.free_symbols & getattr(rhs, "free_symbols", set()))


def is_step(lhs, rhs) -> bool:
    """`W = W - \\lambda G`, `x_{i+1} = x_i + \\alpha v_i`: the new value is the old one plus a step."""
    if isinstance(lhs, sp.Indexed) and isinstance(rhs, sp.Basic):
        olds = [i for i in rhs.atoms(sp.Indexed) if i.base == lhs.base and i != lhs]
        if olds and isinstance(rhs, sp.Add):
            return True
    return isinstance(rhs, sp.Add) and any(term == lhs for term in rhs.args)


def _name(expr) -> str:
    if isinstance(expr, sp.Indexed):
        return expr.base.label.name
    if isinstance(expr, AppliedUndef):
        return expr.func.__name__
    return getattr(expr, "name", str(expr))


def mentions(expr, target) -> bool:
    """Whether `expr` uses the quantity `target` defines (W in W - eta dC/dW)."""
    if not isinstance(expr, sp.Basic):
        return False
    name = _name(target)
    if isinstance(target, AppliedUndef):
        return any(f.func.__name__ == name for f in expr.atoms(AppliedUndef))
    return name in {s.name for s in expr.free_symbols if hasattr(s, "name")} | {
        i.base.label.name for i in expr.atoms(sp.Indexed)}


def _network_notation(lhs, rhs, left: str) -> bool:
    """A layer's notation (labels, vectors, entries) holds to the end of the document; a
    function or letter of an example holds to the end of its section."""
    if isinstance(lhs, (sp.Indexed, sp.MatrixSymbol)) or A.has_arrays(rhs) or A.is_array(rhs):
        return True
    return bool(re.search(r"\^\{?[\[(]?[lLmk]|_\{?[ijk]", left))


def unknowns(lhs, rhs, context) -> set[str]:
    """The functions the claim depends on that the document has not defined: undefined functions
    (g in g(h)) and quantities it differentiates (C in dC/dw)."""
    defined = {_name(d.target) for d in context.definitions}
    names = set()
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        names |= {f.func.__name__ for f in side.atoms(AppliedUndef)}
        names |= {str(m.args[0]) for m in side.atoms(A.Map) if str(m.args[0]) not in FUNCTIONS}
        for d in side.atoms(*DERIVATIVES):
            inner = d.expr if isinstance(d, sp.Derivative) else d.args[0]
            if isinstance(inner, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
                names.add(_name(inner))   # C in dC/dW: a quantity the claim says nothing of
    return {n for n in names if n not in defined and base_name(n) is not None
            and not n.startswith("_")}
