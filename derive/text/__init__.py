"""Reading user text into SymPy: SymPy syntax, LaTeX and assumptions, through one bounded Builder.

Names are loaded on first use, so `from derive.text import InputError` does not import SymPy.
"""

import importlib

_HOMES = {
    "Assumptions": "derive.text.assumptions",
    "InputError": "derive.text.limits",
    "parse_assumptions": "derive.text.sympy_syntax",
    "parse_expression": "derive.text.sympy_syntax",
    "parse_claim": "derive.text.claims",
    "parse_latex": "derive.text.latex",
}

__all__ = sorted(_HOMES)


def __getattr__(name):
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'derive.text' has no attribute {name!r}")
