"""The document corpus (`tests/corpus/documents/*.json`) as documents again: each record's formulas
at their line numbers, in their delimiters, with no prose (the sources' prose is not ours to copy).
Shared by the corpus test and `benchmarks/documents.py`."""

from __future__ import annotations

import json
from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parent / "documents"
DELIMITERS = {"$": ("$", "$"), "$$": ("$$", "$$"), "\\[": ("\\[", "\\]"), "\\(": ("\\(", "\\)")}


def records() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(DOCUMENTS.glob("*.json"))]


def rebuilt(record: dict) -> str:
    """The document's formulas, each on its own line number (several on a line side by side; a
    definition after a formula on its line, judged so by hand, joined to it by "where", as the
    sources say: 'y = f(g(x)), where f(x) = x^3'; a condition after "if", the least of the words
    around it)."""
    by_line: dict[int, list[str]] = {}
    for formula in record["formulas"]:
        opening, closing = DELIMITERS.get(formula["delimiter"], (
            f"\\begin{{{formula['delimiter']}}}", f"\\end{{{formula['delimiter']}}}"))
        body = " ".join(formula["latex"].split())
        joined = "if " if formula["kind"] == "condition" else "where " \
            if formula["kind"] == "definition" and formula["line"] in by_line else ""
        by_line.setdefault(formula["line"], []).append(f"{joined}{opening}{body}{closing}")
    last = max(by_line)
    return "\n".join(" ".join(by_line.get(n, [])) for n in range(1, last + 1)) + "\n"


def document(record: dict):
    """The record as a document to audit (`api.Document`): rebuilt, with the commands its source
    defines outside the file (`macros`: our definitions, from their meaning in the source)."""
    from derive import api
    return api.Document(rebuilt(record), record["slug"], record["source"]["format"] == "latex",
                        record.get("macros", ""))


def judged(record: dict) -> dict[int, set[str]]:
    """Line -> the verdicts the formulas on it were judged with (holds, wrong, ambiguous)."""
    out: dict[int, set[str]] = {}
    for formula in record["formulas"]:
        out.setdefault(formula["line"], set()).add(formula["verdict"] or formula["kind"])
    return out


def step_from_a_wrong_line(record: dict, line: int) -> bool:
    """A line that continues a derivation ('= ...') whose line before is judged wrong: the step
    between them is indeed not an equality (the mistake is silently undone there)."""
    formulas = record["formulas"]
    for k, formula in enumerate(formulas):
        if formula["line"] == line and formula["latex"].lstrip().lstrip("&").lstrip() \
                .startswith("=") and k:
            return formulas[k - 1]["verdict"] == "wrong"
    return False
