"""Renderers: records in, text out. `render(record, format, options)` picks the renderer from a table
keyed on the record's type and the format; nothing here prints.

Text output is a rich renderable (the terminal wraps it; tests print it to a `Console` writing to a
`StringIO`); JSON, Markdown and LaTeX are strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

FORMATS = ("text", "json", "markdown", "latex")


@dataclass(frozen=True)
class RenderOptions:
    standalone: bool = False   # LaTeX: a complete document for pdflatex
    verbose: bool = False      # audits: list the skipped equations too


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    from derive.audit.records import Report
    from derive.calc.extrema import Extrema
    from derive.nn.backprop import BackpropDocument
    from derive.render import backprop, derivations, extrema, reports, training, verdicts
    from derive.results import CheckRun, Derivations, Training

    return {
        CheckRun: {"text": verdicts.run_text, "json": verdicts.run_json,
                   "markdown": verdicts.run_markdown, "latex": verdicts.run_latex},
        Derivations: {"text": derivations.many_text, "json": derivations.many_json,
                      "markdown": derivations.many_markdown, "latex": derivations.many_latex},
        Extrema: {"text": extrema.one_text, "json": extrema.one_json,
                  "markdown": extrema.one_markdown, "latex": extrema.one_latex},
        BackpropDocument: {"text": backprop.backprop_rich, "json": backprop.backprop_json,
                           "markdown": backprop.backprop_markdown,
                           "latex": backprop.backprop_latex},
        Report: {"text": reports.report_rich, "json": reports.report_json,
                 "markdown": reports.report_markdown, "latex": reports.report_latex},
        Training: {"text": training.training_text, "json": training.training_json},
    }


def formats_for(record_type) -> tuple:
    return tuple(_table()[record_type])


def render(record, format: str = "text", options: RenderOptions = RenderOptions()):
    """`record` in `format`: a rich renderable for "text", a string otherwise."""
    try:
        renderer = _table()[type(record)][format]
    except KeyError:
        raise ValueError(f"no {format} output for {type(record).__name__}") from None
    return renderer(record, options)
