"""Run a notebook's code cells in order, in one namespace, and save their outputs in it.

    .venv/bin/python examples/run_notebook.py [NOTEBOOK]     (default: examples/derive.ipynb)

No Jupyter is needed: each code cell is executed as IPython would, its printed text saved as a
`stream` output and the value of its last expression (unless None, or the line ends in ';') as
an `execute_result`: `text/plain` (the value's `_repr_pretty_` text, as IPython shows it, else
its repr) and, where the value has `_repr_latex_`, `text/latex`. `tests/test_notebook.py` runs the
same code and compares what it gives with what the notebook holds.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

NOTEBOOK = Path(__file__).with_name("derive.ipynb")
NONDETERMINISTIC = "nondeterministic"   # a cell tag: its outputs may differ from run to run


@dataclass
class Ran:
    """A code cell that ran: its index among the notebook's cells, its outputs, and its value."""

    index: int
    outputs: list
    value: object = None


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def _lines(text: str) -> list[str]:
    """Text as a notebook stores it: a list of lines, each but the last with its newline."""
    return text.splitlines(keepends=True)


class _Pretty:
    """The printer `_repr_pretty_` writes to (the part of IPython's that the records use)."""

    def __init__(self):
        self.parts: list[str] = []

    def text(self, text: str) -> None:
        self.parts.append(text)


def plain(value) -> str:
    if hasattr(value, "_repr_pretty_"):
        printer = _Pretty()
        value._repr_pretty_(printer, False)
        return "".join(printer.parts)
    return repr(value)


def run_cell(code: str, namespace: dict, name: str) -> tuple[str, object]:
    """Execute `code` in `namespace`: (what it printed, the value of its last expression or
    None)."""
    tree = ast.parse(code, filename=name)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) \
        and not code.rstrip().endswith(";") else None
    body = tree.body[:-1] if last is not None else tree.body
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(ast.Module(body, type_ignores=[]), name, "exec"), namespace)
        value = None if last is None else \
            eval(compile(ast.Expression(last.value), name, "eval"), namespace)
    return printed.getvalue(), value


def outputs(printed: str, value, count: int) -> list[dict]:
    out = []
    if printed:
        out.append({"name": "stdout", "output_type": "stream", "text": _lines(printed)})
    if value is not None:
        data = {"text/plain": _lines(plain(value))}
        if hasattr(value, "_repr_latex_"):
            latex = value._repr_latex_()
            if latex is not None:
                data["text/latex"] = _lines(latex)
        out.append({"data": data, "execution_count": count, "metadata": {},
                    "output_type": "execute_result"})
    return out


def execute(notebook: dict) -> list[Ran]:
    """Run every code cell in order in one namespace; an exception in a cell is raised."""
    namespace: dict = {"__name__": "__main__"}
    ran = []
    count = 0
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        count += 1
        printed, value = run_cell(source(cell), namespace, f"<cell {count}>")
        ran.append(Ran(index, outputs(printed, value, count), value))
    return ran


def load(path: Path = NOTEBOOK) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(notebook: dict) -> str:
    """The notebook as Jupyter writes it: sorted keys, an indent of one, a final newline."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else NOTEBOOK
    notebook = load(path)
    count = 0
    for ran in execute(notebook):
        count += 1
        cell = notebook["cells"][ran.index]
        cell["outputs"], cell["execution_count"] = ran.outputs, count
    path.write_text(dump(notebook), encoding="utf-8")
    sys.stdout.write(f"{path}: {count} code cells run, outputs saved\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
