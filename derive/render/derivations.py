"""Derivations in every format: a step a line, the rule named at the right, the check's result."""

from __future__ import annotations

from derive.calc.steps import Derivation, Step
from derive.engine.verdict import Status
from derive.render.document import latex_document
from derive.render.printers import MARKS, STYLES, json_text, tex, tex_text, text
from derive.results import Derivations


def _rule(step: Step) -> str:
    return "; ".join(step.rule_names)


def _notes(derivation: Derivation) -> list:
    """Each step's notes (joined), then the derivation's own, each once, in order."""
    return list(dict.fromkeys([*("; ".join(s.notes) for s in derivation.steps if s.notes),
                               *derivation.notes]))





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


def derivation_latex(derivation) -> str:
    """One `align*` block, a step a line, the rule as `\\text{}` at the right."""
    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        rule = tex_text(_rule(step))
        if verdict is not None and not verdict.status.holds:
            rule += " (does not check)"
        left = "" if lhs is None else tex(lhs)
        rows.append(f"  {left} &= {tex(rhs)} && {_note_cell(rule)}")
    out = [f"% {derivation.title}", r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    for note in _notes(derivation) + list(derivation.assumptions and
                             ["assuming " + ", ".join(derivation.assumptions)]):
        out.append(r"\noindent\textit{" + tex_text(note) + r"}\par")
    out.append(r"\noindent\textit{Checked: " + tex_text(_check_line(derivation)) + r".}\par")
    return "\n".join(out) + "\n"


NOTE_WIDTH = "4.6cm"  # a long rule note wraps in a column this wide instead of running off the page


def _note_cell(rule: str) -> str:
    if len(rule) <= 40:
        return f"\\text{{{rule}}}"
    return f"\\text{{\\parbox[t]{{{NOTE_WIDTH}}}{{\\raggedright\\small {rule}}}}}"


def derivations_latex(derivations) -> str:
    body = []
    for d in derivations:
        body.append(r"\subsection*{" + tex_text(d.title) + "}")
        body.append(derivation_latex(d))
    return "\n".join(body)


def derivation_markdown(derivation) -> str:
    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        rule = tex_text(_rule(step)).replace("$", "")
        mark = "" if verdict is None or verdict.status.holds else r"\ \text{(does not check)}"
        left = "" if lhs is None else tex(lhs)
        rows.append(f"{left} &= {tex(rhs)} && \\text{{{rule}}}{mark}")
    out = [f"### {derivation.title}", "", "$$", r"\begin{aligned}", " \\\\\n".join(rows),
           r"\end{aligned}", "$$", ""]
    for note in _notes(derivation):
        out.append(f"*{note}*  ")
    if derivation.assumptions:
        out.append(f"*assuming {', '.join(derivation.assumptions)}*  ")
    out.append(f"Checked: {_check_line(derivation)}.")
    return "\n".join(out) + "\n"


def derivation_rich(derivation):
    from rich.console import Group
    from rich.text import Text

    lines = [Text(derivation.title, style="bold underline")]
    for lhs, rhs, step, verdict in _step_rows(derivation):
        if lhs is not None:
            lines.append(Text("  " + text(lhs)))
        line = Text("    = " + text(rhs))
        line.append(f"   [{_rule(step)}]", style="cyan")
        if verdict is not None:
            line.append(f" {MARKS[verdict.status]}", style=STYLES[verdict.status])
        lines.append(line)
        if step.notes:
            lines.append(Text(f"      ({'; '.join(step.notes)})", style="dim"))
    for note in derivation.notes:
        lines.append(Text(f"  note: {note}", style="dim"))
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
    body = derivations_latex(result.derivations)
    return latex_document(result.title, body) if options.standalone else body
