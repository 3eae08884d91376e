"""Typesetting for pdflatex: prose with its mathematics set, equations that fit the line, and
documents that compile without an overfull box or a warning."""

import pytest
import sympy as sp

from derive.cli import main
from derive.render.typeset import LINE, prose, rows, width
from support import compile_latex, latex_problems, needs_pdflatex


@pytest.mark.parametrize("words, latex", [
    ("chain rule, additive form: W_ij reaches C through every z_k",
     "chain rule, additive form: $W_{ij}$ reaches $C$ through every $z_k$"),
    ("cancel: sigma'(z) = a*(1 - a) is the denominator of dC/da",
     r"cancel: $\sigma '(z) = a\,(1 - a)$ is the denominator of $\frac{\partial C}{\partial a}$"),
    ("hidden layers: delta^m from delta^(m+1)", r"hidden layers: $\delta ^m$ from $\delta ^{m+1}$"),
    ("sum collapses: only k = i survives", "sum collapses: only $k = i$ survives"),
    ("the cost's and the activation's derivatives", "the cost's and the activation's derivatives"),
    ("in terms of the output a", "in terms of the output $a$"),
    ("(the listing) takes a step", "(the listing) takes a step"),
])
def test_prose_sets_the_mathematics_and_leaves_the_words(words, latex):
    assert prose(words) == latex


@pytest.mark.parametrize("hostile", [r"\input{/etc/passwd} x^2", r"a \write18{rm} = b",
                                     "50% of $x$ & #1", "x \\\\ y"])
def test_prose_never_lets_a_command_through(hostile):
    out = prose(hostile)
    assert r"\input" not in out and r"\write" not in out and "\\\\" not in out
    assert "%" not in out.replace(r"\%", "") and "#" not in out.replace(r"\#", "")


def test_a_long_side_is_broken_at_its_terms():
    x = sp.Symbol("x")
    long = sum(sp.Symbol(f"w_{k}") * sp.exp(k * x) / (1 + x ** k) for k in range(1, 13))
    assert width(long) > 2 * LINE
    lines = rows(sp.Symbol("y"), long)
    assert len(lines) >= 3 and lines[0].startswith("y &= ")
    assert all(line.startswith(r"&\quad ") for line in lines[1:])
    assert sum(line.count("w_{") for line in lines) == 12    # every term once


@needs_pdflatex
def test_standalone_outputs_compile_without_a_warning(tmp_path, capsys):
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n$$\\input{/etc/hostname} = 1$$\n\n"
                     "$$\\frac{d}{dx} \\sin(x) = -\\cos(x)$$\n\n"
                     "$$\\frac{d}{dx} (x^2 + 1)^{5} = 10 x (x^2 + 1)^4$$\n")
    # the documents of derivations/ are compiled in tests/test_documents.py; here, a user's
    # document with a command in it and a long claim
    commands = {"audit": ["audit", str(notes), "--verbose"]}
    for name, argv in commands.items():
        code = main([*argv, "--format", "latex", "--standalone"])
        source = capsys.readouterr().out
        assert code in (0, 1), name
        result = compile_latex(source, tmp_path, name, passes=2)   # bookmarks settle in two
        assert result.returncode == 0, (name, result.stdout[-1500:])
        assert latex_problems(tmp_path, name) == [], name
        assert r"\input{" not in source and "Produced by" in source


def test_a_long_heading_is_cut_at_a_space():
    from derive.render.derivations import HEADING_LIMIT, heading
    title = "d/dx of " + " + ".join(f"x^{k}*exp({k}*x)" for k in range(1, 30))
    out = heading(title)
    assert out.endswith(" ...}") and "exp(29" not in out
    assert len(title) > HEADING_LIMIT and out.startswith(r"\subsection*{$\frac{d}{dx}$ of $")


@needs_pdflatex
def test_a_term_wider_than_the_line_is_broken_at_its_factors(tmp_path):
    from derive.calc.steps import Derivation, Step
    from derive.render.derivations import derivation_latex
    from derive.render.document import latex_document
    xs = sp.symbols("x_1:30")
    huge = sp.Mul(*[sp.cos(v) for v in xs], evaluate=False)      # one term, 29 factors
    lines = rows(sp.Symbol("y"), huge + sp.Symbol("z"))
    assert len(lines) >= 3 and sum(line.count(r"\cos") for line in lines) == 29
    doc = latex_document("t", derivation_latex(Derivation("t", (Step(sp.Symbol("y"),
                                                                     huge + sp.Symbol("z")),)),
                                               links=True))
    assert compile_latex(doc, tmp_path, passes=2).returncode == 0
    assert latex_problems(tmp_path) == []


@pytest.mark.parametrize("operation", ["map", "norm", "partial", "transposed", "jacobian"])
def test_a_power_of_an_array_operation_is_set_with_its_exponent(operation):
    """SymPy sets phi(x)^{-1} by passing the exponent to the function's own printer; an array
    operation's printer once refused it, and the whole report was lost to an internal error."""
    from derive.render.printers import tex
    from derive.text import arrays as A
    x, y = sp.symbols("x y")
    made = {"map": A.Map(sp.Symbol("phi"), x, sp.Integer(0)), "norm": A.NormOf(x),
            "partial": A.Partial(x, y), "transposed": A.Transposed(x),
            "jacobian": A.Jacobian(x, y, sp.Integer(0))}[operation]
    for exponent in (-1, 2):
        out = tex(made ** exponent)
        assert out.count("{") == out.count("}")
        # a scalar's reciprocal is a fraction; a matrix's stays a power
        assert f"^{{{exponent}}}" in out or (exponent == -1 and out.startswith("\\frac{1}{"))


def test_a_document_with_a_function_in_a_denominator_is_reported_in_every_format(tmp_path,
                                                                                  capsys):
    notes = tmp_path / "notes.md"
    notes.write_text("Let $\\phi(z) = \\frac{1}{1 + e^{-z}}$.\n\n$$\\begin{align}\n"
                     "g &= -\\sum_{i=1}^n \\left[ \\frac{y_i}{\\phi(w^T x_i)} + "
                     "\\frac{1 - y_i}{1 - \\phi(w^T x_i)} \\right] x_i \\\\\n"
                     "&= - \\sum_{i=1}^n \\left[ y_i - \\phi(w^T x_i) \\right] x_i\n"
                     "\\end{align}$$\n")
    for form in ("json", "latex", "markdown", "text"):
        assert main(["audit", str(notes), "--format", form]) in (0, 1)
        assert "internal error" not in capsys.readouterr().err


def test_partials_of_a_function_of_several_variables_print_with_subscripts():
    from derive.render.printers import tex, text
    x, y = sp.symbols("x y", real=True)
    f = sp.Function("f", real=True)
    assert text(sp.Derivative(f(x, y), x, y)) == "diff(f(x, y), x, y)"   # which reads back
    assert tex(sp.Derivative(f(x, y), x, y)) == r"f_{xy}\left(x, y\right)"
    at = sp.Subs(sp.Derivative(f(x, y), x, x), (x, y), (-1, 2))
    assert text(at) == "f_xx(-1, 2)" and tex(at) == r"f_{xx}\left(-1, 2\right)"
    assert "Subs" in text(sp.Subs(sp.Derivative(f(x, y), x), (y,), (2,)))   # x left free: not f_x
