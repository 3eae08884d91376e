"""Helpers shared by the tests (imported as `support`; `pythonpath` in pyproject.toml)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None, reason="pdflatex not installed (Debian: texlive-latex-base; .ci/run "
    "installs it)")


def compile_latex(source: str, folder: Path, name: str = "doc") -> subprocess.CompletedProcess:
    (folder / f"{name}.tex").write_text(source, encoding="utf-8")
    return subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                          cwd=folder, capture_output=True, text=True, timeout=180)
