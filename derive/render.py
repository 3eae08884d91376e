"""Renderers: records in, text out (plain/rich, Markdown, LaTeX, JSON). Nothing here prints."""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from derive.verify import Status, Verdict

MARKS = {Status.PROVED: "✓", Status.NUMERIC: "≈", Status.REFUTED: "✗", Status.UNDECIDED: "?"}
STYLES = {Status.PROVED: "bold green", Status.NUMERIC: "green", Status.REFUTED: "bold red",
          Status.UNDECIDED: "yellow"}
SIGNIFICANT = 15  # digits shown for numeric values (they are computed to 30 or more)


# --------------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------------

def _prime_form(expr):
    """(f, order, argument) when `expr` is the derivative of an unknown one-argument function
    evaluated at some argument: f'(x), f''(x), or f'(g(x)) (SymPy writes Derivative(f(g), g), or
    Subs(Derivative(f(t), t), t, u) for a general u)."""
    if isinstance(expr, sp.Subs) and len(expr.variables) == 1:
        inner = _prime_form(expr.expr)
        if inner and inner[2] == expr.variables[0]:
            return inner[0], inner[1], expr.point[0]
        return None
    if not isinstance(expr, sp.Derivative) or not isinstance(expr.expr, AppliedUndef):
        return None
    f = expr.expr
    if len(f.args) != 1 or len(set(expr.variables)) != 1 or expr.variables[0] != f.args[0]:
        return None
    return f.func, len(expr.variables), f.args[0]


class _PrimeNotation:
    """Printer mixin: f'(u) for derivatives of unknown functions (however SymPy stores them)."""

    parentheses = ("(", ")")

    def _prime(self, expr):
        prime = _prime_form(expr)
        if prime is None:
            return None
        f, order, arg = prime
        left, right = self.parentheses
        return f"{self._print(f)}{chr(39) * order}{left}{self._print(arg)}{right}"

    def _print_Derivative(self, expr):
        return self._prime(expr) or self._plain_derivative(expr)

    def _print_Subs(self, expr):
        return self._prime(expr) or super()._print_Subs(expr)

    def _print_Float(self, expr):
        return super()._print_Float(sp.Float(expr, SIGNIFICANT))


_TEXT_NAMES = {"\\partial ": "∂", "\\sigma": "σ", "\\delta": "δ", "\\,": " ", "{": "", "}": ""}


class TextPrinter(_PrimeNotation, StrPrinter):
    """SymPy's str printer, with f'(x) and diff(expr, x) (which the parser reads back); names
    written in LaTeX for the documents (\\partial C/\\partial W^{m}) are shown plainly."""

    def _print_Symbol(self, expr):
        name = expr.name
        for tex_, plain_ in _TEXT_NAMES.items():
            name = name.replace(tex_, plain_)
        return name

    _print_MatrixSymbol = _print_Symbol

    def _plain_derivative(self, expr):
        spec = ", ".join(self._print(v) if n == 1 else f"{self._print(v)}, {n}"
                         for v, n in expr.variable_count)
        return f"diff({self._print(expr.expr)}, {spec})"


class TexPrinter(_PrimeNotation, LatexPrinter):
    """SymPy's LaTeX printer, with f'(x)."""

    parentheses = (r"\left(", r"\right)")

    def _plain_derivative(self, expr):
        if len(expr.variables) == 1 and isinstance(expr.expr, (sp.Symbol, sp.Indexed)) \
                and isinstance(expr.variables[0], sp.Indexed):  # index level: dC/dW_ij
            return (f"\\frac{{\\partial {self._print(expr.expr)}}}"
                    f"{{\\partial {self._print(expr.variables[0])}}}")
        return LatexPrinter._print_Derivative(self, expr)


def text(expr) -> str:
    return TextPrinter({"order": "none"}).doprint(expr) if isinstance(expr, sp.Basic) else str(expr)


def tex(expr) -> str:
    return TexPrinter().doprint(expr) if isinstance(expr, sp.Basic) else str(expr)


# --------------------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------------------

def _digits_to_tell_apart(a, b) -> int:
    """Significant digits needed so two printed values visibly differ (at least 15)."""
    import math
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError, OverflowError):
        return SIGNIFICANT
    scale, gap = max(abs(a), abs(b)), abs(a - b)
    if gap == 0 and scale > 0:
        return 30
    if scale == 0 or gap == 0:
        return SIGNIFICANT
    return max(SIGNIFICANT, min(30, int(math.ceil(-math.log10(gap / scale))) + 3))


def _values(ce, printer) -> str:
    n = _digits_to_tell_apart(ce.lhs, ce.rhs)
    left, right = (sp.Float(v, n) if isinstance(v, sp.Float) else v for v in (ce.lhs, ce.rhs))
    shown = f"left side = {sp.sstr(left) if printer is text else printer(left)}, " \
            f"right side = {sp.sstr(right) if printer is text else printer(right)}"
    if ce.gap is not None and n > SIGNIFICANT:
        shown += f" (left - right = {printer(ce.gap)})"
    return shown


def _point(ce, printer) -> str:
    return ", ".join(f"{k} = {printer(v)}" for k, v in ce.point.items()) or "(no variables)"


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
        "diagnosis": verdict.diagnosis,
        "correct": None if verdict.correct is None else text(verdict.correct),
        "correct_side": verdict.correct_side,
        "correct_latex": None if verdict.correct is None else tex(verdict.correct),
        "assumptions": list(verdict.assumptions),
        "note": verdict.note,
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
        lines.append(("diagnosis", verdict.diagnosis))
    fix = corrected(verdict, printer)
    if fix:
        lines.append(("correct", fix))
    if verdict.note:
        lines.append(("note", verdict.note))
    how = verdict.method or "none"
    if verdict.status is Status.NUMERIC:
        how = f"numeric, {verdict.points} points"
    lines.append(("method", how))
    lines.append(("assumptions", "; ".join(verdict.assumptions) or "none"))
    return lines


def verdict_rich(verdict: Verdict, claim: str):
    """A rich renderable for one verdict."""
    from rich.console import Group
    from rich.text import Text

    head = Text()
    head.append(f"{MARKS[verdict.status]} {verdict.status.value}", style=STYLES[verdict.status])
    head.append(f"  {claim}")
    body = [head]
    for label, value in evidence_lines(verdict):
        line = Text("  ")
        line.append(f"{label}: ", style="dim" if label in ("method", "assumptions") else "bold")
        line.append(value)
        body.append(line)
    return Group(*body)


def verdicts_table(rows):
    """A rich table for many verdicts: rows of (line, claim, Verdict | error message)."""
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    table.add_column("line", justify="right", style="dim")
    table.add_column("claim", overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("evidence", overflow="fold")
    for line, claim, verdict in rows:
        if isinstance(verdict, str):
            table.add_row(str(line), claim, "[yellow]INVALID[/]", verdict)
            continue
        evidence = summary(verdict)
        mark = f"[{STYLES[verdict.status]}]{MARKS[verdict.status]} {verdict.status.value}[/]"
        table.add_row(str(line), claim, mark, evidence)
    return table


def summary(verdict: Verdict) -> str:
    """The one-line reason for a verdict, for tables."""
    if verdict.status is Status.PROVED:
        return verdict.method
    if verdict.status is Status.NUMERIC:
        return f"no counterexample at {verdict.points} points"
    if verdict.status is Status.UNDECIDED:
        return verdict.note or "undecided"
    parts = [verdict.diagnosis] if verdict.diagnosis else []
    if verdict.correct is not None:
        parts.append(f"should be {text(verdict.correct)}")
    elif verdict.counterexample is not None:
        parts.append(f"differs at {_point(verdict.counterexample, text)}")
    return "; ".join(parts)


def totals(verdicts) -> dict:
    """Counts per status; an error message (a line that could not be read) counts as INVALID."""
    counts = dict.fromkeys([s.value for s in Status] + ["INVALID"], 0)
    for v in verdicts:
        counts["INVALID" if isinstance(v, str) else v.status.value] += 1
    return counts


def verdict_markdown(verdict: Verdict, claim: str) -> str:
    out = [f"**{MARKS[verdict.status]} {verdict.status.value}**: "
           f"${tex(verdict.lhs)} = {tex(verdict.rhs)}$", ""]
    for label, value in evidence_lines(verdict):
        if label == "correct":
            value = f"${corrected(verdict, tex)}$"
        out.append(f"- {label}: {value}")
    return "\n".join(out) + "\n"


def verdict_latex(verdict: Verdict, claim: str) -> str:
    mark = {Status.PROVED: "holds (proved)", Status.NUMERIC: "holds numerically",
            Status.REFUTED: "does not hold", Status.UNDECIDED: "undecided"}[verdict.status]
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
# Derivations
# --------------------------------------------------------------------------------------------------

_TEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%",
                "$": r"\$", "#": r"\#", "{": r"\{", "}": r"\}", "~": r"\~{}",
                "∂": r"$\partial$", "∇": r"$\nabla$", "≠": r"$\neq$", "→": r"$\to$",
                "≈": r"$\approx$", "✓": "", "✗": ""}


def tex_text(s: str) -> str:
    """Plain words for `\\text{}` or a paragraph: LaTeX specials escaped, symbols as math."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in s)


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
    line = f"{good} of {total} steps hold ({proved} proved symbolically"
    line += f", {good - proved} numerically)" if good > proved else ")"
    if derivation.reference_verdict is not None:
        what = derivation.reference[2]
        line += f"; result {'equals' if derivation.reference_verdict.status.holds else 'DIFFERS FROM'} {what}"
    return line


def derivation_latex(derivation) -> str:
    """One `align*` block, a step a line, the rule as `\\text{}` at the right."""
    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        rule = tex_text(step.rule)
        if verdict is not None and not verdict.status.holds:
            rule += " (does not check)"
        left = "" if lhs is None else tex(lhs)
        rows.append(f"  {left} &= {tex(rhs)} && \\text{{{rule}}}")
    out = [f"% {derivation.title}", r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    notes = list(dict.fromkeys(s.note for s in derivation.steps if s.note))
    for note in notes + list(derivation.assumptions and
                             ["assuming " + ", ".join(derivation.assumptions)]):
        out.append(r"\noindent\textit{" + tex_text(note) + r"}\par")
    out.append(r"\noindent\textit{Checked: " + tex_text(_check_line(derivation)) + r".}\par")
    return "\n".join(out) + "\n"


def derivations_latex(derivations, standalone: bool = False, title: str = "") -> str:
    body = []
    for d in derivations:
        body.append(r"\subsection*{" + tex_text(d.title) + "}")
        body.append(derivation_latex(d))
    text_ = "\n".join(body)
    if not standalone:
        return text_
    return ("\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n"
            "\\allowdisplaybreaks\n\\begin{document}\n"
            + (f"\\section*{{{tex_text(title)}}}\n" if title else "")
            + text_ + "\\end{document}\n")


def derivation_markdown(derivation) -> str:
    rows = []
    for lhs, rhs, step, verdict in _step_rows(derivation):
        rule = tex_text(step.rule).replace("$", "")
        mark = "" if verdict is None or verdict.status.holds else r"\ \text{(does not check)}"
        left = "" if lhs is None else tex(lhs)
        rows.append(f"{left} &= {tex(rhs)} && \\text{{{rule}}}{mark}")
    out = [f"### {derivation.title}", "", "$$", r"\begin{aligned}", " \\\\\n".join(rows),
           r"\end{aligned}", "$$", ""]
    for note in dict.fromkeys(s.note for s in derivation.steps if s.note):
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
        line.append(f"   [{step.rule}]", style="cyan")
        if verdict is not None:
            line.append(f" {MARKS[verdict.status]}", style=STYLES[verdict.status])
        lines.append(line)
        if step.note:
            lines.append(Text(f"      ({step.note})", style="dim"))
    ok = derivation.holds
    lines.append(Text(f"  checked: {_check_line(derivation)}", style="green" if ok else "bold red"))
    return Group(*lines)


def derivation_dict(derivation) -> dict:
    steps = []
    for step, verdict in zip(derivation.steps, derivation.verdicts or (None,) * len(derivation.steps)):
        steps.append({"lhs": text(step.lhs), "rhs": text(step.rhs), "lhs_latex": tex(step.lhs),
                      "rhs_latex": tex(step.rhs), "rule": step.rule, "note": step.note,
                      "status": None if verdict is None else verdict.status.value})
    ref = derivation.reference_verdict
    return {"title": derivation.title, "steps": steps,
            "result": text(derivation.result), "result_latex": tex(derivation.result),
            "assumptions": list(derivation.assumptions),
            "reference": None if derivation.reference is None else {
                "against": derivation.reference[2], "value": text(derivation.reference[1]),
                "status": None if ref is None else ref.status.value},
            "holds": derivation.holds}


# --------------------------------------------------------------------------------------------------
# Extrema
# --------------------------------------------------------------------------------------------------

def _point_text(point, printer=text) -> str:
    return "(" + ", ".join(f"{k} = {printer(v)}" for k, v in point.items()) + ")"


def extrema_rich(result):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"critical points of f = {text(result.expr)}", style="bold underline")
    table = Table(header_style="bold")
    table.add_column("point")
    table.add_column("f")
    table.add_column("kind", style="bold")
    table.add_column("test", overflow="fold")
    for p in result.points:
        table.add_row(_point_text(p.point), text(p.value), p.kind, p.test)
    parts = [head, Text("gradient = 0: " + ", ".join(f"{text(g)} = 0" for g in result.gradient))]
    parts.append(table if result.points else Text("no critical point over the reals"))
    parts.append(Text(f"global minimum: {result.global_min}"))
    parts.append(Text(f"global maximum: {result.global_max}"))
    parts += [Text(f"note: {n}", style="dim") for n in result.notes]
    return Group(*parts)


def extrema_dict(result) -> dict:
    return {
        "expr": text(result.expr),
        "variables": [str(v) for v in result.variables],
        "gradient": [text(g) for g in result.gradient],
        "hessian": [[text(e) for e in row] for row in result.hessian.tolist()],
        "critical_points": [{
            "point": {str(k): text(v) for k, v in p.point.items()},
            "value": text(p.value), "kind": p.kind, "test": p.test, "exact": p.exact,
            "details": {k: ([text(e) for e in v] if isinstance(v, (list, tuple)) else text(v))
                        for k, v in p.details.items()},
        } for p in result.points],
        "global_minimum": result.global_min,
        "global_maximum": result.global_max,
        "notes": list(result.notes),
        "derivations": [derivation_dict(d) for d in result.derivations],
    }


def extrema_latex(result) -> str:
    rows = [r"\begin{tabular}{llll}", r"point & $f$ & kind & test \\ \hline"]
    for p in result.points:
        point = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in p.point.items())
        rows.append(f"${point}$ & ${tex(p.value)}$ & {tex_text(p.kind)} & "
                    f"\\parbox[t]{{7cm}}{{{tex_text(p.test)}}} \\\\")
    rows.append(r"\end{tabular}")
    rows.append(r"\par\noindent Global minimum: " + tex_text(result.global_min) + r"\par")
    rows.append(r"\noindent Global maximum: " + tex_text(result.global_max) + r"\par")
    rows += [r"\noindent\textit{" + tex_text(n) + r"}\par" for n in result.notes]
    return "\n".join(rows) + "\n"


def extrema_markdown(result) -> str:
    out = [f"### Critical points of $f = {tex(result.expr)}$", "",
           "| point | f | kind | test |", "| --- | --- | --- | --- |"]
    for p in result.points:
        point = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in p.point.items())
        out.append(f"| ${point}$ | ${tex(p.value)}$ | {p.kind} | {p.test} |")
    out += ["", f"- global minimum: {result.global_min}",
            f"- global maximum: {result.global_max}"]
    out += [f"- note: {n}" for n in result.notes]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------
# Backprop documents
# --------------------------------------------------------------------------------------------------

def proof_line(proof) -> str:
    layers = ",".join(map(str, proof.layers))
    numeric = sum(s is Status.NUMERIC for _, s in proof.entries)
    line = (f"explicit network {layers}: {proof.proved} of {proof.total} entries of dC/dW and dC/db "
            f"proved equal to the recurrence")
    if numeric:
        line += f" ({numeric} numerically)"
    failed = proof.total - proof.proved - numeric
    if failed:
        line += f"; {failed} DIFFER"
    return line + (f"; with the chosen activations at a random point the largest difference is "
                   f"{proof.numeric_error:.1e}")


def backprop_latex(document, standalone: bool = False) -> str:
    body = [derivations_latex(document.derivations)]
    for note in document.notes:
        body.append(r"\noindent\textbf{Note:} " + tex_text(note) + r"\par")
    if document.proof is not None:
        body.append(r"\subsection*{Proof on an explicit network}")
        body.append(r"\noindent The cost is written out as a function of every weight and bias, "
                    r"differentiated directly, and compared with the recurrence: "
                    + tex_text(proof_line(document.proof)) + r".\par")
    text_ = "\n".join(body)
    if not standalone:
        return text_
    return ("\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n\\allowdisplaybreaks\n"
            "\\begin{document}\n\\section*{" + tex_text(document.title) + "}\n" + text_
            + "\\end{document}\n")


def backprop_markdown(document) -> str:
    out = [f"## {document.title}", ""]
    out += [derivation_markdown(d) for d in document.derivations]
    out += [f"**Note:** {n}\n" for n in document.notes]
    if document.proof is not None:
        out.append("### Proof on an explicit network\n")
        out.append(proof_line(document.proof) + ".\n")
    return "\n".join(out)


def backprop_rich(document):
    from rich.console import Group
    from rich.text import Text

    parts = [Text(document.title, style="bold")]
    parts += [derivation_rich(d) for d in document.derivations]
    parts += [Text(f"note: {n}", style="yellow") for n in document.notes]
    if document.proof is not None:
        parts.append(Text(proof_line(document.proof),
                          style="green" if document.proof.holds else "bold red"))
    return Group(*parts)


def backprop_dict(document) -> dict:
    proof = document.proof
    return {
        "title": document.title,
        "holds": document.holds,
        "derivations": [derivation_dict(d) for d in document.derivations],
        "notes": list(document.notes),
        "proof": None if proof is None else {
            "layers": list(proof.layers), "proved": proof.proved, "total": proof.total,
            "entries": {name: status.value for name, status in proof.entries},
            "numeric_error": proof.numeric_error, "seconds": round(proof.seconds, 3),
            "holds": proof.holds,
        },
    }


# --------------------------------------------------------------------------------------------------
# Trained networks
# --------------------------------------------------------------------------------------------------

def mlp_rich(result: dict):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"{result['data']}: layers {','.join(map(str, result['layers']))}, "
                f"{result['activation']} (output {result['output_activation']}), "
                f"{result['cost']}, {result['epochs']} epochs, lr {result['learning_rate']:g}"
                + (f", momentum {result['momentum']:g}" if result["momentum"] else ""),
                style="bold")
    table = Table(header_style="bold")
    for column in ("Input", "Output", "Quantized", "Target"):
        table.add_column(column, justify="right")
    rows = result["predictions"]
    for row in rows[:8]:
        table.add_row(str([int(v) if float(v).is_integer() else round(v, 3) for v in row["input"]]),
                      f"{row['output']:.4f}", str(row["quantized"]), f"{row['target']:g}")
    if len(rows) > 8:
        table.add_row("...", "", "", "")
    check = result["cross_check"]
    verdict = "[bold green]pass[/]" if check["passed"] else "[bold red]FAIL[/]"
    lines = [head, table,
             Text(f"accuracy {result['accuracy']:.3f}, final loss {result['final_loss']:.4g}")]
    if result["restarts"] > 1:
        lines.append(Text(f"solved from {result['solved']} of {result['restarts']} random starts; "
                          f"kept start {result['best_restart']} (lowest loss)"))
    elif not result["solved"]:
        lines.append(Text("not solved from this random start: gradient descent stopped in a local "
                          "minimum, as the tutorial warns; try --restarts 10 (or another --seed)",
                          style="yellow"))
    summary = Text.from_markup(
        f"cross-check at the trained weights: compiled vs hand-written "
        f"{check['compiled_vs_hand_written']:.1e} (<= 1e-12), compiled vs finite differences "
        f"{check['compiled_vs_finite_differences']:.1e} (<= 1e-6), hand-written vs finite "
        f"differences {check['hand_written_vs_finite_differences']:.1e} (<= 1e-6): {verdict}")
    return Group(*lines, summary)


# --------------------------------------------------------------------------------------------------
# Audit reports
# --------------------------------------------------------------------------------------------------

def _where(finding) -> str:
    claim = finding.claim
    return getattr(claim, "id", "")


def finding_note(finding) -> str:
    """One line: why a claim fails (diagnosis, correction) or how it holds."""
    if finding.verdict is None:
        return finding.skipped or ""
    verdict = finding.verdict
    note = getattr(finding.claim, "note", None)
    parts = [summary(verdict)] if verdict.status is Status.REFUTED else []
    if verdict.status is not Status.REFUTED:
        parts.append(summary(verdict))
    if verdict.status is Status.REFUTED and verdict.note:
        parts.append(verdict.note)
    if note:
        parts.append(f"({note})")
    return "; ".join(p for p in parts if p)


def report_totals(report) -> str:
    return ", ".join(f"{n} {k.lower()}" for k, n in report.totals.items() if n)


def report_rich(report, verbose: bool = False):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Audit of {report.title}", header_style="bold", show_lines=False)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("section", overflow="fold", max_width=22)
    table.add_column("claim (as written)", overflow="fold")
    table.add_column("", no_wrap=True)
    table.add_column("note", overflow="fold")
    for finding in report.findings:
        if finding.verdict is None:
            if verbose:
                table.add_row(_where(finding), getattr(finding.claim, "section", ""),
                              finding.claim.latex, "[dim]skip[/]", finding.skipped)
            continue
        status = finding.verdict.status
        table.add_row(_where(finding), getattr(finding.claim, "section", ""), finding.claim.latex,
                      f"[{STYLES[status]}]{MARKS[status]}[/]", finding_note(finding))
    parts = [table]
    for finding in report.refuted:
        parts.append(Text(f"\n{_where(finding)}: {finding.claim.latex}", style="bold red"))
        for label, value in evidence_lines(finding.verdict):
            if label not in ("method", "assumptions"):
                parts.append(Text(f"  {label}: {value}"))
    parts.append(Text(f"\n{report_totals(report)}", style="bold"))
    return Group(*parts)


def report_dict(report) -> dict:
    findings = []
    for finding in report.findings:
        record = {"id": _where(finding), "section": getattr(finding.claim, "section", ""),
                  "line": getattr(finding.claim, "line", None), "latex": finding.claim.latex,
                  "note": getattr(finding.claim, "note", None)}
        if finding.verdict is None:
            record.update(status="SKIPPED", reason=finding.skipped)
        else:
            record.update(verdict_dict(finding.verdict))
        findings.append(record)
    return {"title": report.title, "totals": report.totals, "findings": findings}


def report_markdown(report, verbose: bool = False) -> str:
    out = [f"# Audit of {report.title}", "",
           "Every claim below is decided by computation; nothing is taken from a list.", "",
           "| id | section | claim (as written) | verdict | note |",
           "| --- | --- | --- | --- | --- |"]
    for finding in report.findings:
        if finding.verdict is None and not verbose:
            continue
        mark = "skipped" if finding.verdict is None else \
            f"{MARKS[finding.verdict.status]} {finding.verdict.status.value}"
        latex = finding.claim.latex.replace("|", r"\vert ")
        note = finding_note(finding).replace("|", "/")
        out.append(f"| {_where(finding)} | {getattr(finding.claim, 'section', '')} | ${latex}$ | "
                   f"{mark} | {note} |")
    if report.refuted:
        out += ["", "## What does not hold", ""]
    for finding in report.refuted:
        out.append(f"### {_where(finding)}: ${finding.claim.latex}$")
        out.append("")
        for label, value in evidence_lines(finding.verdict):
            if label == "correct":
                value = f"${corrected(finding.verdict, tex)}$"
            if label not in ("method",):
                out.append(f"- {label}: {value}")
        out.append("")
    out += ["", f"Totals: {report_totals(report)}.", ""]
    return "\n".join(out)


def report_latex(report, standalone: bool = False, verbose: bool = False) -> str:
    rows = [r"\begin{itemize}"]
    for finding in report.findings:
        if finding.verdict is None and not verbose:
            continue
        mark = "skipped" if finding.verdict is None else {
            Status.PROVED: "holds (proved)", Status.NUMERIC: "holds numerically",
            Status.REFUTED: "does not hold", Status.UNDECIDED: "undecided"}[finding.verdict.status]
        rows.append(r"\item \textbf{" + tex_text(_where(finding)) + "} ("
                    + tex_text(getattr(finding.claim, "section", "")) + r"): $\displaystyle "
                    + _display(finding.claim.latex) + r"$ --- \emph{" + mark + "}.")
        note = finding_note(finding)
        if note and finding.verdict is not None and finding.verdict.status is Status.REFUTED:
            rows.append(r"\\ " + tex_text(note))
            if finding.verdict.correct is not None:
                rows.append(r"\\ Correct: $" + corrected(finding.verdict, tex) + "$")
    rows.append(r"\end{itemize}")
    rows.append(r"\noindent Totals: " + tex_text(report_totals(report)) + r".\par")
    body = "\n".join(rows) + "\n"
    if not standalone:
        return body
    return ("\\documentclass[11pt]{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
            "\\section*{Audit of " + tex_text(report.title) + "}\n" + body + "\\end{document}\n")


def _display(latex: str) -> str:
    """A tutorial formula made safe inside $...$: no alignment marks, no display delimiters."""
    return latex.replace("&", "").replace("$", "")
