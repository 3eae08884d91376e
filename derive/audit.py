"""Audits: the tutorial's curated claims, or the equations of any Markdown or LaTeX document.

A claim is decided in a killable child (`derive.sandbox`) with its own time limit; `jobs` children
run at once. A document is read equation by equation (`$...$`, `$$...$$`, `\\[...\\]`, `align`,
`aligned`, `equation`): chains `a = b = c` are checked link by link, and the lines of an aligned
derivation each against the line before. Function definitions (`f(x) = x^5`) are remembered and
used by later equations. What is not a checkable claim is listed as skipped, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from derive.sandbox import run_queue
from derive.verify import DEFAULT_TIMEOUT, Status, Verdict


@dataclass(frozen=True)
class Finding:
    claim: object               # tutorial.Claim or DocumentClaim
    verdict: Verdict | None     # None when skipped
    skipped: str | None = None  # why it was not checked


@dataclass(frozen=True)
class Report:
    title: str
    findings: tuple

    @property
    def checked(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict is not None]

    def count(self, status: Status) -> int:
        return sum(f.verdict.status is status for f in self.checked)

    @property
    def refuted(self) -> list[Finding]:
        return [f for f in self.checked if f.verdict.status is Status.REFUTED]

    @property
    def totals(self) -> dict:
        counts = {s.value: self.count(s) for s in Status}
        counts["SKIPPED"] = sum(f.verdict is None for f in self.findings)
        return counts


# -- deciding one claim ------------------------------------------------------------------------------

def decide_claim(claim, timeout: float) -> Verdict:
    from derive import backprop
    from derive.parsing import parse_assumptions
    from derive.steps import Step, _check_matrix
    from derive.verify import decide

    assumptions = parse_assumptions(list(claim.assumptions))
    if claim.kind == "matrix":
        return _check_matrix(Step(claim.lhs, claim.rhs, ""), assumptions, timeout)
    if claim.kind in ("layer", "output"):
        model = backprop.LayerModel.shared(output=claim.kind == "output", n_prev=3)
        return backprop.check_layer_step(claim.lhs, claim.rhs, model)
    return decide(claim.lhs, claim.rhs, assumptions, timeout)


def _task(claim, timeout, report):
    report(decide_claim(claim, timeout))


def audit_claims(claims, title: str, timeout: float = DEFAULT_TIMEOUT, jobs: int = 1,
                 skipped=(), progress=None) -> Report:
    """Decide every claim (in children, `jobs` at a time); keep the claims' order."""
    from derive.verify import verdict_from_outcome
    from derive.parsing import Assumptions

    from derive import backprop

    claims = list(claims)
    for kind in {c.kind for c in claims} & {"layer", "output"}:
        backprop.LayerModel.shared(output=kind == "output", n_prev=3).warm()  # before forking
    # longest first (index-level and refuted-looking claims take longest), for even parallel work
    order = sorted(range(len(claims)), key=lambda k: claims[k].kind == "scalar")
    verdicts: dict[int, Verdict] = {}
    for position, outcome in run_queue(_task, [(claims[k], timeout) for k in order],
                                       timeout=timeout * 4 + 2, jobs=jobs):
        index = order[position]
        claim = claims[index]
        verdicts[index] = verdict_from_outcome(outcome, claim.lhs, claim.rhs, Assumptions(),
                                               timeout)
        if progress:
            progress()
    findings = [Finding(c, verdicts[k]) for k, c in enumerate(claims)]
    findings += [Finding(c, None, why) for c, why in skipped]
    findings.sort(key=lambda f: getattr(f.claim, "line", 0))
    return Report(title, tuple(findings))


def audit_tutorial(timeout: float = DEFAULT_TIMEOUT, jobs: int = 1, progress=None) -> Report:
    from derive.tutorial import claims
    return audit_claims(claims(), "the tutorial's claims", timeout, jobs, progress=progress)


# -- documents ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentClaim:
    id: str
    line: int
    latex: str
    lhs: sp.Basic
    rhs: sp.Basic
    section: str = ""
    assumptions: tuple = ()
    kind: str = "scalar"
    note: str | None = None


@dataclass(frozen=True)
class Equation:
    line: int
    latex: str
    section: str


@dataclass(frozen=True)
class Skipped:
    id: str
    line: int
    latex: str
    section: str = ""


MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{(align\*?|aligned|equation\*?|gather\*?)\}"
                  r"(.+?)\\end\{\3\}|(?<![\\$])\$([^$\n]+?)\$", re.S)
PROSE_PREFIX = re.compile(r"^\s*(?:\\text\{[^{}]*\}|\\Rightarrow|\\implies|\\therefore|\\to"
                          r"|\\quad|\\qquad|\\rightarrow|,)\s*")


def extract(text: str) -> list[Equation]:
    """Every display or inline formula, with the line it starts on and the section it is in."""
    code = _code_spans(text)
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^#+\s*(.+)$", text, re.M)]
    out = []
    for m in MATH.finditer(text):
        if any(start <= m.start() < end for start, end in code):
            continue
        body = next(g for g in (m.group(1), m.group(2), m.group(4), m.group(5)) if g is not None)
        section = next((t for pos, t in reversed(headings) if pos <= m.start()), "")
        out.append(Equation(text.count("\n", 0, m.start()) + 1, body.strip(), section))
    return out


def _code_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"```.*?```|`[^`\n]*`", text, re.S)]


def read_document(text: str) -> tuple[list[DocumentClaim], list[tuple[Skipped, str]]]:
    """The checkable claims of a document, and what was skipped with the reason."""
    from derive.latex import LatexReader
    from derive.parsing import Builder, InputError

    claims: list[DocumentClaim] = []
    skipped: list[tuple[Skipped, str]] = []
    definitions: dict = {}
    per_line: dict[int, int] = {}   # equations already seen on a line, for unique ids
    for equation in extract(text):
        per_line[equation.line] = per_line.get(equation.line, 0) + 1
        nth = "" if per_line[equation.line] == 1 else f"/{per_line[equation.line]}"
        lines = _lines(equation.latex)
        previous = None
        for offset, (line_text, continues, newlines) in enumerate(lines):
            where = equation.line + newlines
            label = line_text if not continues else "... " + line_text
            ident = f"L{where}{nth}" + (f".{offset + 1}" if len(lines) > 1 else "")
            try:
                builder = Builder()
                sides = LatexReader(_clean(line_text), builder).sides()
            except InputError as err:
                skipped.append((Skipped(ident, where, label, equation.section), f"cannot read: {err}"))
                previous = None
                continue
            except (RecursionError, ValueError, TypeError) as err:
                skipped.append((Skipped(ident, where, label, equation.section),
                                f"cannot read: {type(err).__name__}"))
                previous = None
                continue
            if continues and previous is not None:
                sides = [previous] + sides
            if len(sides) < 2:
                skipped.append((Skipped(ident, where, label, equation.section),
                                "not an equation" if not continues else
                                "continues a line that could not be read"))
                previous = sides[-1] if sides else None
                continue
            for link, (lhs, rhs) in enumerate(zip(sides, sides[1:])):
                link_id = ident + (chr(ord("a") + link) if len(sides) > 2 else "")
                # a definition (or redefinition) is recognised on the sides as written; earlier
                # definitions are used only in claims
                why = _definition(lhs, rhs, definitions)
                if why is None:
                    lhs, rhs = _apply(definitions, lhs), _apply(definitions, rhs)
                    why = _not_checkable(lhs, rhs)
                if why:
                    skipped.append((Skipped(link_id, where, label, equation.section), why))
                    continue
                claims.append(DocumentClaim(link_id, where, label, lhs, rhs, equation.section))
            previous = sides[-1]
    return claims, skipped


INNER_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{(?:aligned|split|gathered|align\*?)\}")


def _lines(body: str) -> list[tuple[str, bool]]:
    """Lines of an aligned block; a line starting with '&=' or '=' continues the one before."""
    body = INNER_ENVIRONMENT.sub(" ", body)
    out, position = [], 0
    for part in re.split(r"(\\\\(?:\[[^\]]*\])?)", body):
        newlines = body.count("\n", 0, position)
        position += len(part)
        if not part.strip() or part.startswith("\\\\"):
            continue
        stripped = part.strip()
        while PROSE_PREFIX.match(stripped):
            stripped = PROSE_PREFIX.sub("", stripped)
        continues = bool(re.match(r"^&?\s*=", stripped)) and len(out) > 0
        out.append((stripped, continues, newlines + part[:len(part) - len(part.lstrip())].count("\n")))
    return out


def _clean(line: str) -> str:
    """Alignment marks and leading '=' of continued lines; prose prefixes such as \\text{if, }."""
    line = line.replace("&", " ")
    line = re.sub(r"^\s*=", "", line)
    line = re.sub(r"\\(?:label|tag|nonumber|notag)\{?[^}\s]*\}?", "", line)
    while PROSE_PREFIX.match(line):
        line = PROSE_PREFIX.sub("", line)
    return line.rstrip(" ,.;")


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
    from sympy.core.function import AppliedUndef

    if isinstance(lhs, AppliedUndef) and all(isinstance(v, sp.Symbol) for v in lhs.args) \
            and len(set(lhs.args)) == len(lhs.args) and not rhs.has(lhs.func):
        definitions[lhs.func.__name__] = (lhs.func, sp.Lambda(lhs.args, rhs))
        return f"definition of {lhs.func.__name__}"
    if isinstance(lhs, sp.Symbol) and not rhs.has(lhs):
        return f"definition of {lhs}"
    return None


def _not_checkable(lhs, rhs) -> str | None:
    """Why a (non-definition) equation is not a checkable identity, or None."""
    from sympy.core.function import AppliedUndef

    for one, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(one, sp.Derivative) and isinstance(one.expr, AppliedUndef) \
                and not other.has(sp.Derivative, sp.Subs):
            return (f"states the derivative of {one.expr.func}, a function the document does not "
                    "define: not an identity that can be checked")
    return None
