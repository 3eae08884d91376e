"""Records as Jupyter and a rich console show them (`derive.display`).

`latex(record)` is what `_repr_latex_` returns: display blocks `$$...$$` that MathJax (Jupyter,
GitHub) and KaTeX typeset: a title in `\\textbf{}`, each derivation an `aligned` block, tables as
`array`, words in `\\text{}`. It is built from the same pieces as the Markdown (the rows, notes and
check of `render.derivations`, the evidence of `render.verdicts`), never from a pdflatex document:
no `align*`, `\\parbox` or sectioning. Words go into `\\text{}` only as letters and plain
punctuation; TeX's special characters and symbols are set in math between the `\\text{}` pieces,
since MathJax shows a text-mode escape such as `\\_` as it is written.

`rich(record)` is the renderable of `render(record, "text")` (a single `Derivation` has none in the
table), and `plain(record)` that renderable as plain text, for IPython's `text/plain`.
"""

from __future__ import annotations

import re
import textwrap

from derive.audit.records import Finding, Report
from derive.calc.extrema import Extrema
from derive.calc.steps import Derivation
from derive.engine.verdict import Status, Verdict
from derive.nn.backprop import BackpropDocument
from derive.render import render
from derive.render.backprop import proof_line
from derive.render.derivations import derivation_rich, pieces
from derive.render.extrema import global_text, no_points_text, test_text
from derive.render.mathtext import words
from derive.render.printers import tex
from derive.render.reports import finding_note, report_totals
from derive.render.verdicts import corrected, evidence_lines, read_as
from derive.results import Checked, CheckRun, Derivations

WIDTH = 90          # characters of words on one line of a block (MathJax does not wrap)
RULE_WIDTH = 56     # characters of a rule's words beside a step
PLAIN_WIDTH = 100   # columns of the plain text
BLOCK = 4000        # characters of one `$$` block at most (MathJax's buffer holds 5120)

MARKS = {Status.PROVED: r"\checkmark", Status.NUMERIC: r"\approx", Status.REFUTED: r"\times",
         Status.UNDECIDED: "?"}

def bold(text: str) -> str:
    return words(text, r"\textbf")


def _lines(text: str, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _stacked(text: str, width: int) -> str:
    """Words in one line, or stacked in an `array` when longer than `width`."""
    lines = _lines(text, width)
    if len(lines) == 1:
        return words(lines[0])
    return r"\begin{array}{l}" + r" \\ ".join(words(line) for line in lines) + r"\end{array}"


def _chunks(rows: list[str], room: int) -> list[list[str]]:
    """Rows in groups of at most `room` characters: MathJax refuses a block longer than its
    buffer (5120 characters) once a macro in it expands."""
    groups, size = [[]], 0
    for row in rows:
        if groups[-1] and size + len(row) > room:
            groups.append([])
            size = 0
        groups[-1].append(row)
        size += len(row) + 4
    return groups


def _aligned(rows: list[str]) -> list[str]:
    """Rows as `aligned` blocks (more than one when they are long)."""
    return ["\\begin{aligned}\n" + " \\\\\n".join(group) + "\n\\end{aligned}"
            for group in _chunks(rows, BLOCK) if group]


def _labelled(label: str, value: str, width: int = WIDTH) -> list[str]:
    """Rows `label: value` of a left-aligned block, the value wrapped."""
    lines = _lines(value, max(20, width - len(label)))
    head = f"& {bold(label + ':')}\\ {words(lines[0])}"
    return [head] + [f"& \\qquad {words(line)}" for line in lines[1:]]


def _paragraph(lines: list[str]) -> list[str]:
    """Sentences, each wrapped, as a left-aligned block."""
    return _aligned([f"& {words(part)}" for line in lines for part in _lines(line)])


def _blocks(blocks: list[str]) -> str:
    return "\n".join(f"$$\n{block}\n$$" for block in blocks if block)


# -- derivations -----------------------------------------------------------------------------------

def derivation_blocks(derivation: Derivation) -> list[str]:
    """The title, the steps as an `aligned` block (the rule at the right), the notes and the
    check's result."""
    rows, notes, check = pieces(derivation)
    lines = []
    for lhs, rhs, rule, verdict in rows:
        left = "" if lhs is None else tex(lhs)
        fails = verdict is not None and not verdict.status.holds
        lines.append(f"{left} &= {tex(rhs)} && {_stacked(rule, RULE_WIDTH)}"
                     + (r"\ \textbf{(does not check)}" if fails else ""))
    after = list(notes) + ([f"assuming {', '.join(derivation.assumptions)}"]
                           if derivation.assumptions else []) + [f"Checked: {check}."]
    return [bold(derivation.title), *_aligned(lines), *_paragraph(after)]


def many_blocks(result: Derivations) -> list[str]:
    return [block for d in result.derivations for block in derivation_blocks(d)]


# -- check runs ------------------------------------------------------------------------------------

def verdict_blocks(verdict: Verdict, line: int | None = None) -> list[str]:
    """`mark STATUS  lhs = rhs` as read, then the evidence (the correction as math)."""
    where = words(f"line {line}:") + r"\quad " if line is not None else ""
    head = (f"{where}{MARKS[verdict.status]}\\ {bold(verdict.status.value)}\\quad "
            f"{read_as(verdict, tex)}")
    rows = []
    for label, value in evidence_lines(verdict):
        if label == "correct":
            rows.append(f"& {bold('correct:')}\\ {corrected(verdict, tex)}")
        else:
            rows += _labelled(label, value)
    return [head, *_aligned(rows)]


def run_blocks(run: CheckRun) -> list[str]:
    numbered = len(run.results) > 1
    blocks = []
    for result in run.results:
        if isinstance(result, Checked):
            blocks += verdict_blocks(result.verdict, result.line if numbered else None)
        else:
            blocks += _aligned(_labelled(f"line {result.line}: INVALID",
                                         f"{result.text}: {result.reason}"))
    if numbered:
        blocks.append(words("  ".join(f"{k.lower()}: {n}" for k, n in run.totals.items() if n)))
    return blocks


# -- audits ----------------------------------------------------------------------------------------

# the commands of a user's formula shown as written: mathematics only (MathJax and KaTeX also
# take links, HTML attributes and macro definitions; a formula with any other command is shown
# as it was read)
PLAIN_MATH = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
Psi Omega ell partial nabla infty sin cos tan sinh cosh tanh exp log ln max min lim sum prod int
frac dfrac tfrac sqrt left right big Big bigl bigr Bigl Bigr langle rangle lvert rvert lVert rVert
vert Vert hat bar vec tilde dot overline mathbf mathrm mathit mathcal mathbb boldsymbol
operatorname cdot times div pm mp circ odot otimes oplus leq le geq ge neq ne approx sim equiv
propto in to top intercal prime quad qquad limits ldots cdots dots
""".split())


def _written(latex: str) -> str | None:
    """A user's formula as written, when it is plain mathematics with balanced braces (its
    alignment marks dropped), else None."""
    if any(ch in latex for ch in "$%#") or "\\begin" in latex:
        return None
    depth = 0
    for match in re.finditer(r"\\([A-Za-z]+|.)|[{}]", latex):
        command = match.group(1)
        if command is None:
            depth += 1 if match.group() == "{" else -1
            if depth < 0:
                return None
        elif command.isalpha() and command not in PLAIN_MATH:
            return None
    return None if depth else latex.replace("\\\\", " ").replace("&", "")


def _claim(finding: Finding) -> str:
    """The claim as math: the tutorial's curated claims as it writes them; a user's formula as
    written when it is plain mathematics, else as it was read (SymPy's LaTeX)."""
    if finding.source.curated:
        return finding.source.latex.replace("&", "").replace("$", "")
    written = _written(finding.source.latex)
    if written is not None:
        return written
    if finding.verdict is not None:
        return read_as(finding.verdict, tex)
    return words(finding.source.latex)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """An `array` with a header, as more than one block when it is long (each with the header)."""
    top = f"\\begin{{array}}{{{'l' * len(header)}}}\n" + " & ".join(bold(h) for h in header) \
        + r" \\ \hline" + "\n"
    lines = [" & ".join(row) + r" \\" for row in rows]
    return [top + "\n".join(group) + "\n\\end{array}"
            for group in _chunks(lines, BLOCK - len(top)) if group]


def report_blocks(report: Report) -> list[str]:
    """The table of decided claims, then each refuted one with its evidence, then the totals."""
    rows = []
    for finding in report.checked:
        status = finding.verdict.status
        if status is Status.REFUTED:
            diagnosis = finding.verdict.diagnosis
            note = (diagnosis.text if diagnosis else "does not hold") + " (see below)"
        else:
            note = finding_note(finding)
        rows.append([words(finding.source.id), _stacked(finding.source.section, 24),
                     _claim(finding), f"{MARKS[status]}\\ {words(status.value)}",
                     _stacked(note, 48)])
    blocks = [bold(f"Audit of {report.title}")]
    blocks += _table(["id", "section", "claim", "verdict", "note"], rows) if rows \
        else [words("no equation was checked")]
    if report.refuted:
        blocks.append(bold("What does not hold"))
    for finding in report.refuted:
        blocks.append(f"{bold(finding.source.id + ':')}\\quad {_claim(finding)}")
        evidence = [] if finding.source.curated else \
            [f"& {bold('read as:')}\\ {read_as(finding.verdict, tex)}"]
        for label, value in evidence_lines(finding.verdict):
            if label == "correct":
                evidence.append(f"& {bold('correct:')}\\ {corrected(finding.verdict, tex)}")
            elif label != "method":
                evidence += _labelled(label, value)
        blocks += _aligned(evidence)
    blocks.append(words(f"Totals: {report_totals(report)}."))
    return blocks


# -- extrema and backprop --------------------------------------------------------------------------

def extrema_blocks(result: Extrema) -> list[str]:
    blocks = [f"{bold('Critical points of')}\\ f = {tex(result.expr)}"]
    rows = [[", ".join(f"{tex(k)} = {tex(v)}" for k, v in p.point.items()), tex(p.value),
             words(p.kind.value), _stacked(test_text(p), 60)] for p in result.points]
    blocks += _table(["point", "f", "kind", "test"], rows) if rows \
        else [words(no_points_text(result))]
    blocks += _paragraph([f"global minimum: {global_text(result.global_min, 'minimum')}",
                          f"global maximum: {global_text(result.global_max, 'maximum')}"]
                         + [f"note: {n}" for n in result.notes])
    return blocks + [block for d in result.derivations for block in derivation_blocks(d)]


def backprop_blocks(document: BackpropDocument) -> list[str]:
    blocks = [bold(document.title)]
    blocks += [block for d in document.derivations for block in derivation_blocks(d)]
    if document.notes:
        blocks += _paragraph([f"Note: {n}" for n in document.notes])
    if document.proof is not None:
        blocks += [bold("Proof on an explicit network"),
                   *_paragraph([proof_line(document.proof) + "."])]
    return blocks


BLOCKS = {Derivation: derivation_blocks, Derivations: many_blocks, CheckRun: run_blocks,
          Report: report_blocks, Extrema: extrema_blocks, BackpropDocument: backprop_blocks}


def latex(record) -> str | None:
    """`record` as `$$` blocks for Jupyter's `text/latex` (None when it has nothing to show:
    Jupyter then shows its text)."""
    make = BLOCKS.get(type(record))
    if make is None:
        raise ValueError(f"no LaTeX display for {type(record).__name__}")
    return _blocks(make(record)) or None


# -- text ------------------------------------------------------------------------------------------

def rich(record):
    """The rich renderable `derive` prints for the record."""
    if isinstance(record, Derivation):
        return derivation_rich(record)
    return render(record, "text")


def plain(record) -> str:
    """The rich text without colour, as lines of at most PLAIN_WIDTH columns."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=PLAIN_WIDTH, color_system=None,
                      force_terminal=False, force_jupyter=False)
    lines = console.render_lines(rich(record), console.options, pad=False, new_lines=False)
    return "\n".join("".join(segment.text for segment in line).rstrip() for line in lines)


def display(record, kind: str):
    if kind == "latex":
        return latex(record)
    if kind == "rich":
        return rich(record)
    if kind == "plain":
        return plain(record)
    raise ValueError(f"no {kind} display")
