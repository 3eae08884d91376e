"""Derivations in every format: a step a line, the rule named at the right, the check's result."""

from __future__ import annotations

from derive.calc.steps import Derivation, Step
from derive.engine.verdict import Status
from derive.render import typeset
from derive.render.document import RAGGED, latex_document, pdf_safe
from derive.render.mathtext import words
from derive.render.pretty import pretty
from derive.render.steptable import StepRow, StepTable
from derive.render.printers import (
    MARKS, STYLES, WORDS, breakable, json_text, tex, tex_text, text)
from derive.results import Derivations


def _rule(step: Step) -> str:
    return "; ".join(step.rule_names)


def _notes(derivation: Derivation) -> list:
    """Each step's notes (joined), then the derivation's own, each once, in order."""
    return list(dict.fromkeys([*("; ".join(s.notes) for s in derivation.steps if s.notes),
                               *derivation.notes]))


def pieces(derivation) -> tuple:
    """What every format shows of a derivation, for a format made in another module (the
    notebook's MathJax, `render.jupyter`): its rows (lhs, or None when the line continues the
    previous one; rhs; the rules in words; the step's verdict or None), its notes, and the
    check's result in words."""
    rows = tuple((lhs, rhs, _rule(step), verdict)
                 for lhs, rhs, step, verdict in _step_rows(derivation))
    return rows, tuple(_notes(derivation)), _check_line(derivation)


def _step_rows(derivation):
    """(lhs or None when the line continues the previous one, rhs, step, verdict)."""
    verdicts = derivation.verdicts or (None,) * len(derivation.steps)
    previous = None
    for step, verdict in zip(derivation.steps, verdicts):
        continues = previous is not None and step.lhs == previous
        yield (None if continues else step.lhs), step.rhs, step, verdict
        previous = step.rhs


def _check_line(derivation) -> str:
    if not derivation.checked:
        return "not checked"
    total = len(derivation.steps)
    good = sum(v.status.holds for v in derivation.verdicts)
    proved = sum(v.status is Status.PROVED for v in derivation.verdicts)
    network = sum(v.status.holds and bool(v.covered) and v.status is not Status.PROVED
                  for v in derivation.verdicts)
    parts = [f"{proved} proved symbolically"] if proved or not network else []
    if network:
        parts.append(f"{network} in a concrete network, at every layer, index and two sets "
                     "of layer widths")
    if good - proved - network:
        parts.append(f"{good - proved - network} numerically")
    line = f"{good} of {total} steps hold ({', '.join(parts)})"
    if derivation.reference_verdict is not None:
        what = derivation.reference.against
        line += f"; result {'equals' if derivation.reference_verdict.status.holds else 'DIFFERS FROM'} {what}"
    return line


def derivation_latex(derivation, number: int = 1, links: bool = False) -> str:
    """One `align*` block, each step tagged (k) at the right margin; the rules are listed under
    it with the same numbers (linked from the tags when `links`), so a rule never competes with
    an equation for the line. Sides too wide for the line are broken (`typeset.rows`)."""
    lines, legend = [], []
    for k, (lhs, rhs, step, verdict) in enumerate(_step_rows(derivation), 1):
        anchor = f"rule-{number}-{k}"
        step_rows = typeset.rows(lhs, rhs, scale=links)
        tag = rf"\hyperlink{{{anchor}}}{{({k})}}" if links else f"({k})"
        step_rows[-1] += rf" \tag*{{{tag}}}"
        lines += step_rows
        mark = rf"\hypertarget{{{anchor}}}{{({k})}}" if links else f"({k})"
        failing = verdict is not None and not verdict.status.holds
        legend.append(mark + "~" + typeset.prose(_rule(step))
                      + (r" \textbf{(does not check)}" if failing else ""))
    out = [f"% {' '.join(derivation.title.split())}", r"\begin{align*}",
           " \\\\\n".join(lines), r"\end{align*}", r"\par{\small"]
    out += [r"\raggedright\noindent\hangindent=2em " + line + r"\par" for line in legend]
    out.append("}")
    for note in _notes(derivation) + list(derivation.assumptions and
                             ["assuming " + ", ".join(derivation.assumptions)]):
        out.append(r"\smallskip\noindent\textit{" + typeset.prose(note) + r"}\par")
    out.append(r"\smallskip\noindent\textit{Checked: " + tex_text(_check_line(derivation))
               + r".}\par")
    return "\n".join(out) + "\n"


def derivations_latex(derivations, links: bool = False, first: int = 1) -> str:
    """Each derivation under its heading (numbered, for the contents, in a standalone document);
    `first` numbers the anchors when one document holds several lists."""
    body = []
    for number, d in enumerate(derivations, first):
        body.append(heading(d.title, numbered=links, level="section" if links else "subsection"))
        body.append(derivation_latex(d, number, links))
    return "\n".join(body)


HEADING_LIMIT = 80


def heading(title: str, numbered: bool = False, level: str = "subsection") -> str:
    """A heading with its mathematics set (a plain form for the PDF bookmarks); a title longer
    than a line is cut at a space, the steps below show the whole formula."""
    if len(title) > HEADING_LIMIT:
        title = title[:HEADING_LIMIT].rsplit(" ", 1)[0] + " ..."
    if not numbered:   # a fragment: nothing that needs a package of the reader's preamble
        return f"\\{level}*{{{typeset.prose(title)}}}"
    return (f"\\{level}{{\\texorpdfstring{{{typeset.prose(title)}}}"
            f"{{{pdf_safe(title)}}}}}")


def checks_appendix(derivations, first: int = 1) -> str:
    """The checks performed, a row a step: its verdict, the method, and the evidence (the points
    tried, the network sizes), each step linked to its rule."""
    rows = []
    for number, d in enumerate(derivations, first):
        verdicts = d.verdicts or (None,) * len(d.steps)
        for k, verdict in enumerate(verdicts, 1):
            where = rf"\hyperlink{{rule-{number}-{k}}}{{{number}.{k}}}"
            if verdict is None:
                rows.append(f"{where} & not checked & & \\\\")
                continue
            rows.append(f"{where} & {tex_text(WORDS[verdict.status])} & "
                        f"{breakable(verdict.method or '')} & {breakable(_evidence(verdict))} \\\\")
    if not rows:
        return ""
    return ("\\section{Checks performed}\n"
            "Each step is decided by SymPy from both sides, never trusting the step's own right "
            "side: proved symbolically, or evaluated at the points (or in the concrete networks) "
            "listed. Step $d.k$ is step $k$ of derivation $d$.\n\n"
            "\\begin{longtable}{@{}" + "".join(RAGGED.format(w) for w in
                                                  ("1.1cm", "2.8cm", "4.4cm", "6.3cm"))
            + "@{}}\n"
            "step & verdict & method & evidence \\\\ \\hline\n\\endhead\n"
            + "\n".join(rows) + "\n\\end{longtable}\n")


def _evidence(verdict) -> str:
    parts = []
    if verdict.covered:
        parts.append(verdict.covered)
    if verdict.points:
        parts.append(f"{verdict.points} points")
    if verdict.note:
        parts.append(verdict.note)
    return "; ".join(parts)[:300]


def derivation_markdown(derivation) -> str:
    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        mark = "" if verdict is None or verdict.status.holds else r"\ \text{(does not check)}"
        left = "" if lhs is None else tex(lhs)
        rows.append(f"{left} &= {tex(rhs)} && {words(_rule(step))}{mark}")
    out = [f"### {derivation.title}", "", "$$", r"\begin{aligned}", " \\\\\n".join(rows),
           r"\end{aligned}", "$$", ""]
    for note in _notes(derivation):
        out.append(f"*{note}*  ")
    if derivation.assumptions:
        out.append(f"*assuming {', '.join(derivation.assumptions)}*  ")
    out.append(f"Checked: {_check_line(derivation)}.")
    return "\n".join(out) + "\n"


def derivation_rich(derivation):
    """The title, the steps with the rules in a column of their own (see `StepTable`), the notes
    (each once) and the check."""
    from rich.console import Group
    from rich.text import Text

    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        if lhs is not None:
            rows.append(StepRow(pretty(lhs), equals=False))
        rows.append(StepRow(pretty(rhs), rule=_rule(step),
                            mark="" if verdict is None else MARKS[verdict.status],
                            mark_style="" if verdict is None else STYLES[verdict.status]))
    lines = [Text(derivation.title, style="bold underline"), StepTable(tuple(rows))]
    for note in _notes(derivation):
        lines.append(Text(f"  note: {note}", style="dim"))
    if derivation.assumptions:
        lines.append(Text(f"  assuming {', '.join(derivation.assumptions)}", style="dim"))
    ok = derivation.holds
    lines.append(Text(f"  checked: {_check_line(derivation)}", style="green" if ok else "bold red"))
    return Group(*lines)


def derivation_dict(derivation) -> dict:
    steps = []
    for step, verdict in zip(derivation.steps, derivation.verdicts or (None,) * len(derivation.steps)):
        steps.append({"lhs": text(step.lhs), "rhs": text(step.rhs), "lhs_latex": tex(step.lhs),
                      "rhs_latex": tex(step.rhs), "rules": list(step.rule_names),
                      "notes": list(step.notes),
                      "status": None if verdict is None else verdict.status.value})
    ref = derivation.reference_verdict
    return {"title": derivation.title, "steps": steps,
            "result": text(derivation.result), "result_latex": tex(derivation.result),
            "assumptions": list(derivation.assumptions), "notes": list(derivation.notes),
            "reference": None if derivation.reference is None else {
                "against": derivation.reference.against, "value": text(derivation.reference.value),
                "status": None if ref is None else ref.status.value},
            "holds": derivation.holds}


def many_text(result: Derivations, options):
    from rich.console import Group
    return Group(*(derivation_rich(d) for d in result.derivations))


def many_json(result: Derivations, options) -> str:
    return json_text([derivation_dict(d) for d in result.derivations])


def many_markdown(result: Derivations, options) -> str:
    return "\n".join(derivation_markdown(d) for d in result.derivations)


def many_latex(result: Derivations, options) -> str:
    if not options.standalone:
        return derivations_latex(result.derivations)
    return latex_document(result.title, derivations_latex(result.derivations, links=True),
                          command=options.command, sections=len(result.derivations),
                          appendix=checks_appendix(result.derivations))
