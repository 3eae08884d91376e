"""A copy of a document with a note under each refuted formula, as a reviewer would leave it."""

from __future__ import annotations

from derive.audit.records import Report


def annotated(text: str, report: Report, notes: dict, tex: bool = False) -> str:
    """`text` with `notes[finding]` (one line each) after the paragraph of each refuted formula:
    a block quote in Markdown, a comment in LaTeX. `notes` is keyed by the finding's id."""
    lines = text.split("\n")
    after: dict[int, list[str]] = {}
    for finding in report.refuted:
        line = finding.source.line
        if not 1 <= line <= len(lines):
            continue
        end = line - 1
        while end + 1 < len(lines) and lines[end + 1].strip():
            end += 1   # the end of the formula's paragraph, so the note does not split a block
        note = " ".join(notes[finding.source.id].split())   # one line: a comment stays one
        after.setdefault(end, []).append(f"% derive: {note}" if tex else f"> **derive:** {note}")
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        if number in after:
            out += ([] if tex else [""]) + after[number]
    return "\n".join(out)
