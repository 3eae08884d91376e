"""Audit reports in every format. Text from a document is shown as text: escaped in LaTeX and
never read as markup by the terminal."""

from __future__ import annotations

from dataclasses import replace

from derive.audit.records import Finding, Report
from derive.engine.verdict import Status
from derive.render.document import latex_document
from derive.render.printers import MARKS, STYLES, WORDS, json_text, tex, tex_text
from derive.render.verdicts import corrected, evidence_lines, summary, verdict_dict


def finding_note(finding: Finding) -> str:
    """One line: why a claim fails (diagnosis, correction) or how it holds."""
    if finding.verdict is None:
        return finding.skipped or ""
    verdict = _in_its_notation(finding)
    note = finding.source.note
    parts = [summary(verdict)] if verdict.status is Status.REFUTED else []
    if finding.correction:   # in the document's notation rather than the engine's
        parts = [p for p in ([verdict.diagnosis.text] if verdict.diagnosis else [])] + [
            f"should be {finding.correction}"]
    if verdict.status is not Status.REFUTED:
        parts.append(summary(verdict))
        if verdict.status.holds and (verdict.note or "").startswith(("holds with ", "holds as ")):
            parts.append(verdict.note)   # the reading under which it holds
    if verdict.status is Status.REFUTED and verdict.note:
        parts.append(verdict.note)
    if note:
        parts.append(f"({note})")
    return "; ".join(p for p in parts if p)


def _in_its_notation(finding: Finding):
    """A document's finding says what it should be in the document's notation or not at all:
    without that correction, the engine's form of the value is left out."""
    verdict = finding.verdict
    if finding.source.curated or finding.correction or verdict.correct is None:
        return verdict
    return replace(verdict, correct=None)


def report_totals(report: Report) -> str:
    return ", ".join(f"{n} {k.lower()}" for k, n in report.totals.items() if n)


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
                      Text(finding_note(finding)))
    parts = [table]
    for finding in report.refuted:
        parts.append(Text(f"\n{finding.source.id}: {finding.source.latex}", style="bold red"))
        for label, value in evidence_lines(_in_its_notation(finding)):
            if label == "correct" and finding.correction:
                label, value = "should be", finding.correction
            if label not in ("method", "assumptions"):
                parts.append(Text(f"  {label}: {value}"))
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
    verbose = options.verbose
    rows = [r"\begin{itemize}"]
    for finding in report.findings:
        if finding.verdict is None and not verbose:
            continue
        mark = "skipped" if finding.verdict is None else WORDS[finding.verdict.status]
        rows.append(r"\item \textbf{" + tex_text(finding.source.id) + "} ("
                    + tex_text(finding.source.section) + "): " + _formula(finding)
                    + r" --- \emph{" + mark + "}.")
        note = finding_note(finding)
        if note and finding.verdict is not None and finding.verdict.status is Status.REFUTED:
            rows.append(r"\\ " + tex_text(note))
            if finding.verdict.correct is not None:
                rows.append(r"\\ Correct: $" + corrected(finding.verdict, tex) + "$")
    rows.append(r"\end{itemize}")
    rows.append(r"\noindent Totals: " + tex_text(report_totals(report)) + r".\par")
    body = "\n".join(rows) + "\n"
    return latex_document("Audit of " + report.title, body) if options.standalone else body


def _formula(finding: Finding) -> str:
    """The formula for a LaTeX report. Nothing from a user's document reaches the .tex as it was
    written (it could hold \\input or \\write18): a claim is printed again from what it was read
    as, an equation that was not read as plain text. The tutorial's curated claims are the
    package's own text, shown as the tutorial writes them."""
    if finding.source.curated:
        return r"$\displaystyle " + finding.source.latex.replace("&", "").replace("$", "") + "$"
    if finding.verdict is not None:
        return r"$\displaystyle " + tex(finding.verdict.lhs) + " = " + tex(finding.verdict.rhs) + "$"
    return r"\texttt{" + tex_text(finding.source.latex) + "}"


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
        level = "error" if status is Status.REFUTED else "warning"
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
