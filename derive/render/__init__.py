"""Renderers: records in, text out. `render(record, format, options)` picks the renderer from a table
keyed on the record's type and the format; nothing here prints.

Text output is a rich renderable (the terminal wraps it; tests print it to a `Console` writing to a
`StringIO`); JSON, Markdown and LaTeX are strings.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FORMATS = ("text", "json", "markdown", "latex")


@dataclass(frozen=True)
class RenderOptions:
    standalone: bool = False   # LaTeX: a complete document for pdflatex
    verbose: bool = False      # audits: list the skipped equations too
    command: str = ""          # the command that produced the output, for a document's heading


# record type -> the module that renders it and its renderer per format; a renderer module is
# imported only when its record is shown (`derive check` need not load the backprop renderers)
RENDERERS = {
    "derive.results.CheckRun": ("derive.render.verdicts", {
        "text": "run_text", "json": "run_json", "markdown": "run_markdown", "latex": "run_latex"}),
    "derive.results.Derivations": ("derive.render.derivations", {
        "text": "many_text", "json": "many_json", "markdown": "many_markdown",
        "latex": "many_latex"}),
    "derive.calc.extrema.Extrema": ("derive.render.extrema", {
        "text": "one_text", "json": "one_json", "markdown": "one_markdown", "latex": "one_latex"}),
    "derive.nn.backprop.BackpropDocument": ("derive.render.backprop", {
        "text": "backprop_rich", "json": "backprop_json", "markdown": "backprop_markdown",
        "latex": "backprop_latex"}),
    "derive.audit.records.Report": ("derive.render.reports", {
        "text": "report_rich", "json": "report_json", "markdown": "report_markdown",
        "latex": "report_latex", "github": "report_github"}),
    "derive.results.Training": ("derive.render.training", {
        "text": "training_text", "json": "training_json"}),
}


def _key(record_type) -> str:
    return f"{record_type.__module__}.{record_type.__qualname__}"


def render(record, format: str = "text", options: RenderOptions = RenderOptions()):
    """`record` in `format`: a rich renderable for "text", a string otherwise."""
    module, renderers = RENDERERS.get(_key(type(record)), (None, {}))
    if format not in renderers:
        raise ValueError(f"no {format} output for {type(record).__name__}")
    return getattr(importlib.import_module(module), renderers[format])(record, options)


def display(record, kind: str):
    """How a record shows itself (`derive.display`): "latex" for Jupyter's `_repr_latex_` (`$$`
    blocks that MathJax and KaTeX typeset), "rich" for `__rich__`, "plain" for IPython's text.
    The module that makes them is loaded when a record is first shown."""
    return importlib.import_module("derive.render.jupyter").display(record, kind)
