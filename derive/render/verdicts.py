"""Verdicts and `derive check` runs in every format."""

from __future__ import annotations

import math

import sympy as sp

from derive.engine.verdict import Status, Verdict
from derive.render.pretty import pretty
from derive.render.printers import (
    MARKS, SIGNIFICANT, STYLES, WORDS, json_text, point_words, tex, text)
from derive.results import Checked, CheckRun, Unreadable


def _digits_to_tell_apart(a, b) -> int:
    """Significant digits needed so two printed values visibly differ (at least 15, at most 30;
    beyond that the difference is printed too). Values of any size: 10**400, exp(1000)."""
    try:
        a, b = sp.Float(a, 40), sp.Float(b, 40)
    except (TypeError, ValueError):
        return SIGNIFICANT
    scale, gap = max(abs(a), abs(b)), abs(a - b)
    if not (scale.is_finite and gap.is_finite):   # a side infinite: lim 1/x = oo against 5
        return SIGNIFICANT
    if gap == 0 and scale > 0:
        return 30
    if scale == 0 or gap == 0:
        return SIGNIFICANT
    digits = -math.log10(float(gap / scale))  # a ratio in (0, 2]: a float holds it
    return max(SIGNIFICANT, min(30, int(math.ceil(digits)) + 3))


def _values(ce, printer) -> str:
    n = _digits_to_tell_apart(ce.lhs, ce.rhs)
    left, right = (sp.Float(v, n) if isinstance(v, sp.Float) else v for v in (ce.lhs, ce.rhs))
    shown = f"left side = {_value(left, printer)}, right side = {_value(right, printer)}"
    if ce.gap is not None and n > SIGNIFICANT:
        shown += f" (left - right = {printer(ce.gap)})"
    return shown


def _value(value, printer) -> str:
    """A side's value: a number in text keeps the digits that tell the sides apart."""
    if printer is text or (printer is pretty and isinstance(value, sp.Float)):
        return sp.sstr(value)
    return printer(value)


def _point(ce, printer) -> str:
    return point_words(ce.point, printer)


def _functions(ce, printer) -> str:
    parts = []
    for name, lam in ce.functions.items():
        variables = lam.variables
        parts.append(f"{name}({', '.join(map(printer, variables))}) = {printer(lam.expr)}")
    return "; ".join(parts)


def corrected(verdict: Verdict, printer=text) -> str | None:
    """The claim as it should read, e.g. `diff(sin(x**2), x) = 2*x*cos(x**2)`."""
    if verdict.correct is None:
        return None
    if verdict.correct_side == "rhs":
        return f"{printer(verdict.lhs)} = {printer(verdict.correct)}"
    return f"{printer(verdict.correct)} = {printer(verdict.rhs)}"


def verdict_dict(verdict: Verdict, claim: str | None = None) -> dict:
    """A JSON-ready dict: every field of the verdict, expressions as SymPy syntax and LaTeX."""
    ce = verdict.counterexample
    return {
        "claim": claim,
        "read_as": read_as(verdict),
        "read_as_latex": read_as(verdict, tex),
        "status": verdict.status.value,
        "holds": verdict.status.holds,
        "lhs": text(verdict.lhs),
        "rhs": text(verdict.rhs),
        "lhs_latex": tex(verdict.lhs),
        "rhs_latex": tex(verdict.rhs),
        "difference": None if verdict.difference is None else text(verdict.difference),
        "method": verdict.method,
        "counterexample": None if ce is None else {
            "point": {k: text(v) for k, v in ce.point.items()},
            "lhs": text(ce.lhs),
            "rhs": text(ce.rhs),
            "difference": None if ce.gap is None else text(ce.gap),
            "functions": {k: text(v.expr) for k, v in ce.functions.items()},
        },
        "diagnosis": None if verdict.diagnosis is None else verdict.diagnosis.text,
        "mistake": None if verdict.diagnosis is None else verdict.diagnosis.mistake.name,
        "correct": None if verdict.correct is None else text(verdict.correct),
        "correct_side": verdict.correct_side,
        "correct_latex": None if verdict.correct is None else tex(verdict.correct),
        "assumptions": list(verdict.assumptions),
        "note": verdict.note,
        "one_side_real": None if not verdict.one_side_real else
        {k: text(v) for k, v in verdict.one_side_real.items()},
        "kink": None if not verdict.kink else {k: text(v) for k, v in verdict.kink.items()},
        "points": verdict.points,
        "seconds": round(verdict.seconds, 4),
    }


def evidence_lines(verdict: Verdict, printer=text) -> list[tuple[str, str]]:
    """(label, value) pairs explaining a verdict, shared by every text-like format."""
    lines = []
    ce = verdict.counterexample
    if ce is not None:
        lines.append(("counterexample", f"{_point(ce, printer)}: {_values(ce, printer)}"))
        if ce.functions:
            lines.append(("with functions", _functions(ce, printer)))
    if verdict.diagnosis:
        lines.append(("diagnosis", verdict.diagnosis.text))
    fix = corrected(verdict, printer)
    if fix:
        lines.append(("correct", fix))
    if verdict.one_side_real:
        lines.append(("domain", "holds at most where both sides are real: at "
                      + point_words(verdict.one_side_real, printer) + " only one side is real"))
    if verdict.kink:
        lines.append(("kink", "the derivative does not exist at "
                      + point_words(verdict.kink, printer)
                      + "; the claim holds elsewhere"))
    if verdict.note:
        lines.append(("note", verdict.note))
    how = verdict.method or "none"
    if verdict.covered:
        lines.append(("sizes", verdict.covered))
    elif verdict.status is Status.NUMERIC:
        how = f"numeric, {verdict.points} points"
    lines.append(("method", how))
    lines.append(("assumptions", "; ".join(verdict.assumptions) or "none"))
    return lines


def read_as(verdict: Verdict, printer=text) -> str:
    """How the claim was read: its two sides as parsed, before anything was evaluated."""
    return f"{printer(verdict.lhs)} = {printer(verdict.rhs)}"


def verdict_styled(verdict: Verdict, claim: str):
    """One verdict as styled lines (plain text where colours mean nothing)."""
    from derive.render.styled import Styled

    lines = [((f"{MARKS[verdict.status]} {verdict.status.value}", STYLES[verdict.status]),
              (f"  {claim}", None))]
    reading = read_as(verdict)   # SymPy syntax, as `derive check` takes a claim
    if "".join(reading.split()) != "".join(claim.split()).replace("==", "="):
        lines.append((("  ", None), ("read as: ", "bold"), (reading, None)))
    for label, value in evidence_lines(verdict, pretty):
        if label == "correct":   # the corrected claim, to check again as it is
            value = corrected(verdict)
        lines.append((("  ", None), (f"{label}: ", "dim" if label in ("method", "assumptions")
                                     else "bold"), (value, None)))
    return Styled(tuple(lines))


def summary(verdict: Verdict, printer=text) -> str:
    """The one-line reason for a verdict, for tables (formulas by `printer`)."""
    if verdict.status is Status.PROVED:
        return verdict.method
    if verdict.status is Status.NUMERIC:
        caveats = (["only where both sides are real"] if verdict.one_side_real else []) + \
            ([f"except at the kink {point_words(verdict.kink, printer)}"] if verdict.kink else [])
        return f"no counterexample at {verdict.points} points" + \
            (f" ({'; '.join(caveats)})" if caveats else "")
    if verdict.status is Status.UNDECIDED:
        return verdict.note or "undecided"
    parts = [verdict.diagnosis.text] if verdict.diagnosis else []
    if verdict.correct is not None:
        parts.append(f"should be {printer(verdict.correct)}")
    elif verdict.counterexample is not None:
        parts.append(f"differs at {_point(verdict.counterexample, printer)}")
    return "; ".join(parts)


def verdict_markdown(verdict: Verdict, claim: str) -> str:
    out = [f"**{MARKS[verdict.status]} {verdict.status.value}**: "
           f"${tex(verdict.lhs)} = {tex(verdict.rhs)}$", ""]
    for label, value in evidence_lines(verdict):
        if label == "correct":
            value = f"${corrected(verdict, tex)}$"
        out.append(f"- {label}: {value}")
    return "\n".join(out) + "\n"


def verdict_latex(verdict: Verdict, claim: str) -> str:
    mark = WORDS[verdict.status]
    lines = [r"\begin{align*}", f"  {tex(verdict.lhs)} &= {tex(verdict.rhs)} "
             f"&& \\text{{{mark}}}"]
    if verdict.correct is not None:
        left, right = ((tex(verdict.lhs), tex(verdict.correct)) if verdict.correct_side == "rhs"
                       else (tex(verdict.correct), tex(verdict.rhs)))
        lines[-1] += r" \\"
        lines.append(f"  {left} &= {right} && \\text{{correct}}")
    lines.append(r"\end{align*}")
    for label, value in evidence_lines(verdict):
        if label != "correct":
            lines.append(f"% {label}: {value}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------


# -- a run of `derive check` -------------------------------------------------------------------------

def _table(run: CheckRun):
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    table.add_column("line", justify="right", style="dim")
    table.add_column("claim", overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("evidence", overflow="fold")
    for result in run.results:
        if isinstance(result, Unreadable):
            table.add_row(str(result.line), Text(result.text), Text("INVALID", style="yellow"),
                          Text(result.reason))
            continue
        status = result.verdict.status
        table.add_row(str(result.line), Text(result.text),
                      Text(f"{MARKS[status]} {status.value}", style=STYLES[status]),
                      Text(summary(result.verdict)))
    return table


def run_text(run: CheckRun, options):
    if len(run.results) == 1 and isinstance(run.results[0], Checked):
        return verdict_styled(run.results[0].verdict, run.results[0].text)
    from rich.console import Group
    from rich.text import Text

    counts = "  ".join(f"{k.lower()}: {n}" for k, n in run.totals.items() if n)
    return Group(_table(run), Text(counts))


def run_json(run: CheckRun, options) -> str:
    lines = []
    for result in run.results:
        if isinstance(result, Unreadable):
            record = {"claim": result.text, "line": result.line, "status": "INVALID",
                      "error": result.reason}
        else:
            record = {"line": result.line, **verdict_dict(result.verdict, result.text)}
        lines.append(json_text(record))
    return "\n".join(lines) + "\n"


def run_markdown(run: CheckRun, options) -> str:
    return "\n".join(f"<!-- line {r.line}: {r.reason.replace('--', '- -')} -->\n"
                     if isinstance(r, Unreadable) else verdict_markdown(r.verdict, r.text)
                     for r in run.results)


def run_latex(run: CheckRun, options) -> str:
    from derive.render.printers import tex_text
    return "\n".join(f"% line {r.line}: {tex_text(r.reason)}\n"
                      if isinstance(r, Unreadable) else verdict_latex(r.verdict, r.text)
                      for r in run.results)
