"""One verdict printed where colours mean nothing: the same text rich would print, without loading
rich (its import is a tenth of a one-claim run)."""

import io
import subprocess
import sys

import sympy as sp
from rich.console import Console

from derive.engine.verdict import Counterexample, Status, Verdict
from derive.render.verdicts import verdict_styled

x = sp.Symbol("x", real=True)


def rich_text(renderable) -> str:
    buffer = io.StringIO()
    Console(file=buffer, no_color=True, highlight=False, soft_wrap=True).print(renderable)
    return buffer.getvalue()


def test_plain_text_is_what_rich_prints():
    refuted = Verdict(Status.REFUTED, sp.Derivative(x**5, x), 4 * x**4,
                      method="numeric counterexample", assumptions=("x real",),
                      counterexample=Counterexample({"x": sp.Rational(1, 2)}, sp.Rational(5, 16),
                                                    sp.Rational(1, 4)))
    styled = verdict_styled(refuted, "diff(x**5, x) = 4*x**4 " + "[markup] " * 30)
    plain = styled.plain()
    assert plain == rich_text(styled)
    assert plain.startswith("✗ REFUTED  diff(x**5, x) = 4*x**4 [markup]")   # not read as markup
    assert "counterexample: x = 1/2" in plain


def test_one_claim_to_a_pipe_does_not_load_rich():
    code = ("import sys, runpy; sys.argv = ['derive', 'check', 'diff(x**3, x) = 3*x**2']\n"
            "try:\n    runpy.run_module('derive', run_name='__main__')\n"
            "except SystemExit as stop:\n"
            "    print('rich' in sys.modules, stop.code, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.startswith("✓ PROVED  diff(x**3, x) = 3*x**2\n")
    assert done.stderr.split()[-2:] == ["False", "0"]
