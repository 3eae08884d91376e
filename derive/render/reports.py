"""Audit reports in every format. Text from a document is shown as text: escaped in LaTeX and
never read as markup by the terminal."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.audit.records import Finding, Report
from derive.engine.verdict import Status
from derive.render.document import RAGGED, latex_document, pdf_safe
from derive.render.pretty import pretty
from derive.render.printers import (
    MARKS, STYLES, WORDS, breakable, json_text, tex, tex_text, text, tt_text)
from derive.render.verdicts import corrected, evidence_lines, summary, verdict_dict


def finding_note(finding: Finding, printer=text, evidence: bool = True) -> str:
    """One line: why a claim fails (diagnosis, correction) or how it holds (formulas of the
    engine's by `printer`). Without `evidence`, a refutation's correction and point are left to
    the display and table that show them (a typeset report)."""
    if finding.verdict is None:
        return finding.skipped or ""
    verdict = _in_its_notation(finding)
    note = finding.source.note
    parts = [summary(verdict, printer)] if verdict.status is Status.REFUTED else []
    if not evidence and verdict.status is Status.REFUTED:
        parts = [verdict.diagnosis.text] if verdict.diagnosis else []
    elif finding.correction:   # in the document's notation rather than the engine's
        parts = [p for p in ([verdict.diagnosis.text] if verdict.diagnosis else [])] + [
            f"should be {finding.correction}"]
    if verdict.status is not Status.REFUTED:
        parts.append(summary(verdict, printer))
        if verdict.status.holds and (verdict.note or "").startswith(("holds with ", "holds as ")):
            parts.append(verdict.note)   # the reading under which it holds
    if verdict.status is Status.REFUTED and verdict.note:
        parts.append(verdict.note)
    if note:
        parts.append(f"({note})" if any(parts) else note)
    return "; ".join(p for p in parts if p)


def _in_its_notation(finding: Finding):
    """A document's finding says what it should be in the document's notation or not at all:
    without that correction, the engine's form of the value is left out."""
    verdict = finding.verdict
    if finding.source.curated or finding.correction or verdict.correct is None:
        return verdict
    return replace(verdict, correct=None)


def report_totals(report: Report) -> str:
    exercises = sum(f.verdict.status is Status.REFUTED and f.source.exercise
                    for f in report.checked)
    totals = ", ".join(f"{n} {k.lower()}" for k, n in report.totals.items() if n)
    return totals + (f" ({exercises} of the refuted are exercises' statements, not errors of "
                     "the text)" if exercises else "")


def report_rich(report: Report, options):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    verbose = options.verbose

    table = Table(title=Text(f"Audit of {report.title}"), header_style="bold", show_lines=False)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("section", overflow="fold", max_width=22)
    table.add_column("claim (as written)", overflow="fold")
    table.add_column("", no_wrap=True)
    table.add_column("note", overflow="fold")
    for finding in report.findings:
        if finding.verdict is None:
            if verbose:
                table.add_row(Text(finding.source.id), Text(finding.source.section),
                              Text(finding.source.latex), Text("skip", style="dim"),
                              Text(finding.skipped or ""))
            continue
        status = finding.verdict.status
        table.add_row(Text(finding.source.id), Text(finding.source.section),
                      Text(finding.source.latex), Text(MARKS[status], style=STYLES[status]),
                      Text(finding_note(finding, pretty)))
    parts = [table]
    for finding in report.refuted:
        parts.append(Text(f"\n{finding.source.id}: {finding.source.latex}", style="bold red"))
        lines = [(label, value) for label, value in evidence_lines(_in_its_notation(finding),
                                                                   pretty)
                 if label not in ("method", "assumptions")
                 and not (label == "correct" and finding.correction)]
        if finding.correction:   # after what is wrong: how it should read, in its notation
            at = next((k + 1 for k, (label, _) in enumerate(lines) if label == "diagnosis"),
                      len([1 for label, _ in lines if label in ("counterexample",
                                                                "with functions")]))
            lines.insert(at, ("should be", finding.correction))
        parts += [Text(f"  {label}: {value}") for label, value in lines]
    parts.append(Text(f"\n{report_totals(report)}", style="bold"))
    return Group(*parts)


def report_dict(report: Report) -> dict:
    findings = []
    for finding in report.findings:
        record = {"id": finding.source.id, "section": finding.source.section,
                  "line": finding.source.line or None, "latex": finding.source.latex,
                  "note": finding.source.note}
        if finding.verdict is None:
            record.update(status="SKIPPED", reason=finding.skipped)
        else:
            record.update(verdict_dict(finding.verdict))
            if finding.correction:
                record["correction"] = finding.correction
        findings.append(record)
    return {"title": report.title, "totals": report.totals, "findings": findings}


def report_markdown(report: Report, options) -> str:
    verbose = options.verbose
    out = [f"# Audit of {report.title}", "",
           "Every claim below is decided by computation; nothing is taken from a list.", "",
           "| id | section | claim (as written) | verdict | note |",
           "| --- | --- | --- | --- | --- |"]
    for finding in report.findings:
        if finding.verdict is None and not verbose:
            continue
        mark = "skipped" if finding.verdict is None else \
            f"{MARKS[finding.verdict.status]} {finding.verdict.status.value}"
        latex = finding.source.latex.replace("|", r"\vert ")
        note = finding_note(finding).replace("|", "/")
        if finding.correction:   # the correction is LaTeX: set it as math, not as words
            math = finding.correction.replace("|", r" \vert ")
            note = note.replace(f"should be {finding.correction}", f"should be ${math}$")
        out.append(f"| {finding.source.id} | {finding.source.section} | ${latex}$ | "
                   f"{mark} | {note} |")
    if report.refuted:
        out += ["", "## What does not hold", ""]
    for finding in report.refuted:
        out.append(f"### {finding.source.id}: ${finding.source.latex}$")
        out.append("")
        for label, value in evidence_lines(finding.verdict):
            if label == "correct":
                value = f"${finding.correction or corrected(finding.verdict, tex)}$"
            if label not in ("method",):
                out.append(f"- {label}: {value}")
        out.append("")
    out += ["", f"Totals: {report_totals(report)}.", ""]
    return "\n".join(out)


def report_latex(report: Report, options) -> str:
    """A table of every decided formula (each refuted one linked to its finding), then each
    finding: the formula as written, why it is wrong, the corrected formula in the document's
    notation and the counterexample as a small table."""
    links = options.standalone
    rows = [r"\begin{longtable}{@{}" + "".join(RAGGED.format(w) for w in
                                          ("1.1cm", "4.2cm", "7.4cm", "2.9cm")) + "@{}}",
            r"id & section & formula & verdict \\ \hline", r"\endhead"]
    for finding in report.findings:
        if finding.verdict is None and not options.verbose:
            continue
        mark = "skipped" if finding.verdict is None else WORDS[finding.verdict.status]
        name = tex_text(finding.source.id)
        if links and finding.verdict is not None and finding.verdict.status is Status.REFUTED:
            name = rf"\hyperlink{{finding-{_anchor(finding)}}}{{{name}}}"
        rows.append(f"{name} & {tex_text(finding.source.section)} & {_cell(finding)} & "
                    f"{tex_text(mark)} \\\\")
    rows.append(r"\end{longtable}")
    body = ["\n".join(rows), r"\noindent Totals: " + tex_text(report_totals(report)) + r".\par"]
    if report.refuted:
        body.append(r"\section{What does not hold}" if links else
                    r"\subsection*{What does not hold}")
    for finding in report.refuted:
        body.append(_finding_latex(finding, links))
    text_ = "\n".join(body) + "\n"
    if not options.standalone:
        return text_
    return latex_document("Audit of " + report.title, text_, command=options.command,
                          sections=1 + len(report.refuted))


def _cell(finding: Finding) -> str:
    """The formula in a table cell: scaled down when long (a cell is 7.4 cm)."""
    code = _formula(finding)
    if not code.startswith("$"):
        return breakable(code)
    inner = code.strip("$").replace(r"\displaystyle ", "")
    scale = min(1.0, 55 / max(1, len(inner)))
    return f"${inner}$" if scale == 1.0 else rf"\scalebox{{{max(scale, 0.35):.2f}}}{{${inner}$}}"


def _anchor(finding: Finding) -> str:
    return "".join(c for c in finding.source.id if c.isalnum()) or "x"


def _finding_latex(finding: Finding, links: bool) -> str:
    verdict = finding.verdict
    title = f"{finding.source.id} ({finding.source.section})"
    head = (rf"\subsection{{\texorpdfstring{{{tex_text(title)}}}{{{pdf_safe(title)}}}}}"
            if links else rf"\subsubsection*{{{tex_text(title)}}}")
    out = [head]
    if links:
        out.append(rf"\hypertarget{{finding-{_anchor(finding)}}}{{}}")
    out.append(r"As written:")
    out.append(r"\[ " + _display(finding) + r" \]")
    note = finding_note(finding, evidence=False)   # the correction and the point: shown below
    if note:
        out.append(r"{\raggedright Why: " + breakable(note) + r"\par}")
    if finding.correction and not finding.source.curated:
        # in the document's own notation, which is the document's text: shown, never run
        out.append(r"{\raggedright Corrected, in the document's notation: \texttt{"
                   + tt_text(finding.correction) + r"}\par}")
    else:
        fix = finding.correction or corrected(verdict, tex)
        sides = fix.split("=") if fix else []
        if len(sides) == 2 and sides[0].strip() == sides[1].strip():
            fix = None   # the engine's value says nothing the formula does not
        if fix:
            out.append(r"Corrected:")
            out.append(r"\[ " + _fitting(fix) + r" \]")
    if verdict.counterexample is not None:
        out.append(_counterexample_table(verdict.counterexample))
    return "\n".join(out)


def _display(finding: Finding) -> str:
    """The formula as displayed math (see `_formula` for what reaches the .tex)."""
    inline = _formula(finding)
    if inline.startswith("$"):
        return _fitting(inline.strip("$").replace(r"\displaystyle ", ""))
    return r"\text{" + inline + "}"


def _fitting(code: str) -> str:
    """A display that would run past the line is scaled to it (long claims as written)."""
    if len(code) < 150:
        return code
    return r"\resizebox{\linewidth}{!}{$\displaystyle " + code + "$}"


COUNTEREXAMPLE_SHOWN = 8


def _counterexample_table(ce) -> str:
    """The point and both sides' values there, as a small table."""
    cells = [(tex(sp.Symbol(str(k))) if isinstance(k, str) else tex(k), tex(v))
             for k, v in list(ce.point.items())[:COUNTEREXAMPLE_SHOWN]]
    more = len(ce.point) - COUNTEREXAMPLE_SHOWN
    rows = [r"\begin{center}\begin{tabular}{@{}ll@{}}", r"\multicolumn{2}{@{}l}{Counterexample:} \\"]
    rows += [f"${name}$ & ${value}$ \\\\" for name, value in cells]
    if more > 0:
        rows.append(f"\\multicolumn{{2}}{{@{{}}l}}{{and {more} more}} \\\\")
    rows += [r"\hline", f"left side & ${_short(ce.lhs)}$ \\\\",
             f"right side & ${_short(ce.rhs)}$ \\\\", r"\end{tabular}\end{center}"]
    return "\n".join(rows)


def _short(value) -> str:
    """A value for the table: exact when short, else 15 significant digits."""
    code = tex(value)
    if len(code) <= 40:
        return code
    try:
        return tex(sp.Float(sp.N(value, 15), 15))
    except (TypeError, ValueError):
        return r"\text{(long)}"


def _formula(finding: Finding) -> str:
    """The formula for a LaTeX report. Nothing from a user's document reaches the .tex as it was
    written (it could hold \\input or \\write18): a claim is printed again from what it was read
    as, an equation that was not read as plain text. The tutorial's curated claims are the
    package's own text, shown as the tutorial writes them."""
    if finding.source.curated:
        return r"$\displaystyle " + finding.source.latex.replace("&", "").replace("$", "") + "$"
    if finding.verdict is not None:
        return r"$\displaystyle " + tex(finding.verdict.lhs) + " = " + tex(finding.verdict.rhs) + "$"
    return r"\texttt{" + tt_text(finding.source.latex) + "}"


def report_json(report: Report, options) -> str:
    return json_text(report_dict(report))


def report_github(report: Report, options) -> str:
    """GitHub workflow commands: an `::error` at each refuted equation and a `::warning` at each
    undecided one, so a pull request shows them on the lines of the document."""
    lines = []
    for finding in report.checked:
        status = finding.verdict.status
        if status not in (Status.REFUTED, Status.UNDECIDED):
            continue
        level = "warning" if status is Status.UNDECIDED else \
            "notice" if finding.source.exercise else "error"   # 'true or false: ...' is no error
        where = [] if finding.source.curated else [f"file={_property(report.title)}"]
        if finding.source.line:
            where.append(f"line={finding.source.line}")
        where.append(f"title={_property(f'derive audit {finding.source.id}: {status.value}')}")
        message = f"{finding.source.latex} — {finding_note(finding)}"
        lines.append(f"::{level} {','.join(where)}::{_data(message)}")
    lines.append(report_totals(report))
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped, as GitHub reads them back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: also ':' and ',' escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
