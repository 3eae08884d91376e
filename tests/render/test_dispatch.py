"""The dispatch table names real record types and real renderers, and refuses what it lacks."""

import importlib

import pytest

from derive.render import RENDERERS, render


@pytest.mark.parametrize("record", sorted(RENDERERS))
def test_every_entry_names_a_record_and_its_renderers(record):
    module_name, _, class_name = record.rpartition(".")
    assert isinstance(getattr(importlib.import_module(module_name), class_name), type)
    module, renderers = RENDERERS[record]
    assert "text" in renderers and "json" in renderers
    for function in renderers.values():
        assert callable(getattr(importlib.import_module(module), function))


def test_an_unknown_record_or_format_is_a_clear_error():
    from derive.results import Training
    with pytest.raises(ValueError, match="no markdown output for Training"):
        render(Training.__new__(Training), "markdown")
    with pytest.raises(ValueError, match="no text output for int"):
        render(3, "text")


def test_rules_are_numbered_under_the_equations_not_beside_them():
    import sympy as sp

    from derive.calc.steps import Derivation, Step
    from derive.render.derivations import derivation_latex
    x = sp.Symbol("x")
    rule = "chain rule, additive form: W_ij reaches C through every z_k"
    latex = derivation_latex(Derivation("d", (Step(x, x, "power rule"), Step(x, 2 * x, rule))))
    equations, legend = latex.split(r"\end{align*}")
    assert r"\tag*{(1)}" in equations and r"\tag*{(2)}" in equations
    assert "reaches" not in equations and r"\parbox" not in latex
    assert "(2)~chain rule, additive form: $W_{ij}$ reaches $C$ through every $z_k$" in legend
    # a fragment needs nothing beyond amsmath: no link, no PDF-string command
    assert r"\hyperlink" not in latex and r"\texorpdfstring" not in latex
