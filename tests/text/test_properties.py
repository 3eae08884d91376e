"""Property-based tests of the readers: any text is read or refused with an InputError (never
another exception), and random formulas written in SymPy syntax and in LaTeX read as the formula
they were made from (SymPy's own constructors are the oracle)."""

import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from derive.text import InputError, parse_claim, parse_expression
from derive.text.latex import parse_latex
from support import formulas

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(formulas())
def test_sympy_syntax_reads_the_formula_it_was_made_from(formula):
    expr, sympy_text, _ = formula
    assert parse_expression(sympy_text) == expr


@SETTINGS
@given(formulas())
def test_latex_reads_the_formula_it_was_made_from(formula):
    expr, _, latex = formula
    assert sp.simplify(parse_latex(latex) - expr) == 0


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_cleanly(text):
    for latex in (False, True):
        try:
            parse_claim(text, latex=latex)
        except InputError as err:
            assert str(err) and "\n" not in str(err)


@SETTINGS
@given(st.text(alphabet="x^*()+-/0123456789e.=!\\{}_ ", max_size=60))
def test_formula_like_text_is_read_or_refused_cleanly(text):
    for latex in (False, True):
        try:
            parse_claim(text, latex=latex)
        except InputError as err:
            assert str(err) and "\n" not in str(err)
