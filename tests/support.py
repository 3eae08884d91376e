"""Helpers shared by the tests (imported as `support`; `pythonpath` in pyproject.toml)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None, reason="pdflatex not installed (Debian: texlive-latex-base; .ci/run "
    "installs it)")


def compile_latex(source: str, folder: Path, name: str = "doc",
                  passes: int = 1) -> subprocess.CompletedProcess:
    """pdflatex on `source`; two passes settle the contents and the links."""
    (folder / f"{name}.tex").write_text(source, encoding="utf-8")
    for _ in range(passes):
        result = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                                 f"{name}.tex"], cwd=folder, capture_output=True, text=True,
                                timeout=180)
        if result.returncode:
            break
    return result


def latex_problems(folder: Path, name: str = "doc") -> list[str]:
    """What a clean log has none of: overfull and underfull boxes, warnings."""
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    return [line for line in log.splitlines()
            if line.startswith(("Overfull", "Underfull")) or "Warning:" in line]


x, y = sp.symbols("x y", real=True)


def formulas(depth: int = 3):
    """(expression, SymPy syntax, LaTeX) triples built together."""
    leaves = st.sampled_from([(x, "x", "x"), (y, "y", "y"), (sp.Integer(2), "2", "2"),
                              (sp.Integer(3), "3", "3"), (sp.Rational(1, 2), "(1/2)",
                                                           r"\frac{1}{2}"), (sp.E, "e", "e")])
    if depth == 0:
        return leaves

    def combine(pair, op):
        (a, sa, la), (b, sb, lb) = pair
        if op == "+":
            return a + b, f"({sa} + {sb})", f"\\left({la} + {lb}\\right)"
        if op == "-":
            return a - b, f"({sa} - {sb})", f"\\left({la} - {lb}\\right)"
        if op == "*":
            return a * b, f"({sa})*({sb})", f"\\left({la}\\right) \\cdot \\left({lb}\\right)"
        return a ** 2, f"({sa})**2", f"\\left({la}\\right)^{{2}}"

    def apply(item, name):
        a, sa, la = item
        function = {"sin": sp.sin, "cos": sp.cos, "exp": sp.exp, "tanh": sp.tanh}[name]
        return function(a), f"{name}({sa})", f"\\{name}\\left({la}\\right)"

    smaller = formulas(depth - 1)
    return st.one_of(
        leaves,
        st.builds(combine, st.tuples(smaller, smaller), st.sampled_from("+-*^")),
        st.builds(apply, smaller, st.sampled_from(["sin", "cos", "exp", "tanh"])))
