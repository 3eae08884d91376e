"""The Python API a notebook uses (`from derive import check, differentiate, backprop, audit`),
the records' displays (`_repr_latex_`, `__rich__`, IPython's text), and the example notebook
examples/derive.ipynb: it runs, its records typeset, and the outputs it holds are what it gives
now (run `.venv/bin/python examples/run_notebook.py` to save them again)."""

import importlib.util
import io
import re
import subprocess
import sys

import pytest

from math_subset import problems, text_problems
from support import ROOT

RUNNER = ROOT / "examples" / "run_notebook.py"
STALE = "examples/derive.ipynb is stale: run .venv/bin/python examples/run_notebook.py"


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebook", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_notebook", module)   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runner():
    return _runner()


@pytest.fixture(scope="module")
def notebook(runner):
    return runner.load()


def _blocks(latex: str) -> list[str]:
    return re.findall(r"\$\$\n(.*?)\n\$\$", latex, re.S)


def assert_display_math(latex: str, derivations: int = 0) -> None:
    """`$$` blocks and nothing else, each in the subset GitHub's MathJax and KaTeX typeset."""
    assert latex.startswith("$$\n") and latex.endswith("\n$$"), latex[:80]
    blocks = _blocks(latex)
    assert "\n".join(f"$$\n{b}\n$$" for b in blocks) == latex, "text outside the $$ blocks"
    for block in blocks:
        found = problems(block) + text_problems(block)
        assert not found, f"{found} in\n{block[:500]}"
    for pdflatex in (r"\begin{align*}", r"\parbox", r"\subsection", r"\section", r"\label"):
        assert pdflatex not in latex
    assert latex.count(r"\begin{aligned}") >= derivations


# -- the notebook ----------------------------------------------------------------------------------

def _first_difference(saved: list, fresh: list) -> str:
    import difflib
    for a, b in zip(saved, fresh):
        if a != b:
            left = "".join(a.get("text", ()) or sum(a.get("data", {}).values(), []))
            right = "".join(b.get("text", ()) or sum(b.get("data", {}).values(), []))
            return "\n".join(list(difflib.unified_diff(left.splitlines(), right.splitlines(),
                                                       "saved", "now", lineterm=""))[:30])
    return f"{len(saved)} outputs saved, {len(fresh)} now"


def test_the_example_notebook(runner, notebook, published):
    """Every code cell runs in order in one namespace; each has its outputs saved, and they are
    what it gives now; every record it shows typesets as display math. (One test, so that the
    notebook runs once, whichever worker runs it.) It runs once the published documents are made
    (`published`): its backprop cell is one of them, and reads their derivations from this run's
    cache of derived results, as a user's second call would, instead of deriving them again
    beside the process that makes them."""
    from derive.audit.records import Report
    from derive.nn.backprop import BackpropDocument
    from derive.results import CheckRun, Derivations

    ran = runner.execute(notebook)
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(ran) == len(code) >= 6
    for count, (cell, cell_run) in enumerate(zip(code, ran), 1):
        assert cell["outputs"], f"code cell {count} has no saved outputs: {STALE}"
        assert cell["execution_count"] == count, STALE
        if runner.NONDETERMINISTIC not in cell["metadata"].get("tags", ()):
            assert cell["outputs"] == cell_run.outputs, \
                f"code cell {count}: {STALE}\n" + _first_difference(cell["outputs"],
                                                                    cell_run.outputs)
    values = [r.value for r in ran]
    assert {CheckRun, Derivations, BackpropDocument, Report} <= {type(v) for v in values}
    for value in values:
        if hasattr(value, "_repr_latex_"):
            assert_display_math(value._repr_latex_(), len(getattr(value, "derivations", ())))
    results = [o for r in ran for o in r.outputs if o["output_type"] == "execute_result"]
    assert sum("text/latex" in o["data"] for o in results) >= 6
    latex = "".join(line for o in results for line in o["data"].get("text/latex", ()))
    assert r"\textbf{PROVED}" in latex and r"\textbf{REFUTED}" in latex


def test_the_notebook_is_valid_nbformat_4(notebook):
    assert notebook["nbformat"] == 4 and notebook["nbformat_minor"] >= 5
    ids = [cell["id"] for cell in notebook["cells"]]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", i) for i in ids)
    for cell in notebook["cells"]:
        assert cell["cell_type"] in ("code", "markdown") and isinstance(cell["source"], list)
        for output in cell.get("outputs", ()):
            assert output["output_type"] in ("stream", "execute_result")


def test_the_runner_saves_what_it_ran(runner, tmp_path):
    """`run_notebook.py FILE` writes the outputs into FILE (here a copy with two small cells)."""
    notebook = {"cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["from derive import differentiate\n", "print('hello')\n",
                    "differentiate('x**2')"]},
        {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["x = 1;"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "small.ipynb"
    path.write_text(runner.dump(notebook))
    done = subprocess.run([sys.executable, str(RUNNER), str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second = runner.load(path)["cells"]
    stream, result = first["outputs"]
    assert stream == {"name": "stdout", "output_type": "stream", "text": ["hello\n"]}
    assert result["execution_count"] == first["execution_count"] == 1
    assert "d/dx" in "".join(result["data"]["text/plain"])
    assert "".join(result["data"]["text/latex"]).startswith("$$")
    assert second["outputs"] == [] and second["execution_count"] == 2


# -- the functions ---------------------------------------------------------------------------------

def test_importing_derive_stays_cheap_and_exposes_the_functions():
    code = ("import sys, derive\n"
            "from derive import check, differentiate, backprop, audit\n"
            "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, 'heavy import'\n"
            "from derive import MLP\n"
            "import derive.audit.records\n"
            "from derive import audit as again\n"
            "assert again is audit and callable(audit) and derive.audit is audit\n"
            "assert derive.check is check\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_check_returns_a_run_and_refutes_a_wrong_claim():
    from derive import check
    from derive.engine.verdict import Status
    from derive.results import Checked, CheckRun, Unreadable

    run = check("diff(sin(x**2), x) = cos(x**2)")
    assert isinstance(run, CheckRun) and len(run.results) == 1
    assert run.results[0].verdict.status is Status.REFUTED and not run.all_hold
    assert_display_math(run._repr_latex_())

    run = check(["sqrt(x**2) = x", r"x +* 1"], assume="x > 0", jobs=2)
    assert isinstance(run.results[0], Checked) and run.results[0].verdict.status.holds
    assert isinstance(run.results[1], Unreadable) and run.results[1].line == 2

    run = check(r"\frac{\partial C}{\partial a} = a - y", latex=True,
                where=[r"C = \frac{1}{2}(y - a)^2"])
    assert run.all_hold


def test_differentiate_returns_checked_derivations():
    from derive import differentiate
    from derive.results import Derivations

    result = differentiate("x*y**2", wrt="y", order=2)
    assert isinstance(result, Derivations) and result.derivations
    assert all(d.holds for d in result.derivations)
    assert_display_math(result._repr_latex_(), len(result.derivations))
    assert_display_math(result.derivations[0]._repr_latex_(), 1)


def test_audit_reads_text_a_file_or_a_path(tmp_path):
    from derive import audit
    from derive.audit.records import Report

    text = "# Notes\n\n$$\\frac{d}{dx} \\sin(x) = -\\cos(x)$$\n"
    report = audit(text, jobs=1)
    assert isinstance(report, Report) and len(report.refuted) == 1
    assert_display_math(report._repr_latex_())
    path = tmp_path / "notes.md"
    path.write_text(text)
    assert [f.verdict.status for f in audit(str(path), jobs=1).checked] == \
        [f.verdict.status for f in report.checked]
    assert audit(path, jobs=1).title == str(path)   # a pathlib.Path
    tex = tmp_path / "notes.tex"
    tex.write_text("\\begin{equation}\\frac{d}{dx} x^3 = 3x^2\\end{equation}\n")
    assert audit(tex, jobs=1).checked[0].verdict.status.holds


def test_backprop_passes_its_arguments_to_the_use_case(monkeypatch):
    """(The notebook makes a real document; here only what reaches `api.backprop`.)"""
    from derive import api, backprop

    calls = []
    monkeypatch.setattr(api, "backprop", lambda *args: calls.append(args) or "document")
    assert backprop("relu", "softmax", "categorical-cross-entropy", layers=(2, 3, 3)) == "document"
    assert backprop(layers="none") == "document"
    assert backprop("tanh", layers=[4, 2, 1], force=True, timeout=10, jobs=1) == "document"
    assert [call[:5] for call in calls] == [
        ("relu", "softmax", "categorical-cross-entropy", "2,3,3", False),
        ("sigmoid", None, None, "none", False), ("tanh", None, None, "4,2,1", True)]
    assert calls[0][5:] == (api.BACKPROP_TIMEOUT, 2) and calls[2][5:] == (10, 1)


@pytest.mark.parametrize("call", [
    "check(3)", "check([])", "check('   ')", "check('x = = 1')", "check('x = 1', timeout='5')",
    "check('x = 1', timeout=-1)", "check('x = 1', assume='x >> 0')", "check(['x = 1', 2])",
    "differentiate('x*y')", "differentiate('x', order=1.5)", "differentiate('x', order=0)",
    "differentiate('x', wrt='y')", "differentiate(None)", "differentiate('sin(')",
    "backprop('nosuch')", "backprop(layers=(2, 'a'))", "backprop(layers=(2,))",
    "backprop(layers='2,x')", "backprop('relu', 'softmax', layers=(2, 2, 1))",
    "backprop('sigmoid', 'identity', 'cross-entropy')", "backprop(cost=3)",
    "audit('missing.md')", "audit(42)", "audit('', tex=True)", "audit('notes.md\\n', jobs=0)",
])
def test_bad_input_is_one_line_input_error(call):
    from derive import audit, backprop, check, differentiate
    from derive.text import InputError

    with pytest.raises(InputError) as raised:
        eval(call, {"check": check, "differentiate": differentiate, "backprop": backprop,
                    "audit": audit})
    assert isinstance(raised.value, ValueError)
    message = str(raised.value)
    assert message and "\n" not in message, message
    # raised from the function the notebook called, not from the frames of the work below it
    frames = [f.name for f in raised.traceback]
    assert frames[-1] == "wrapper", frames


# -- the displays ----------------------------------------------------------------------------------

class Printer:
    """The part of IPython's pretty printer `_repr_pretty_` uses."""

    def __init__(self):
        self.parts = []

    def text(self, text):
        self.parts.append(text)


def test_every_record_shows_itself_in_rich_and_as_plain_text():
    from rich.console import Console

    from derive import api, check, differentiate
    from derive.display import Displayed, RichDisplayed
    from derive.results import Training

    extrema = api.extrema("x**3 - 3*x")
    derivations = differentiate("x**3")
    for record in (check("diff(x**2, x) = 2*x"), derivations, derivations.derivations[0],
                   extrema):
        assert isinstance(record, Displayed)
        console = Console(file=io.StringIO(), width=100, color_system=None)
        console.print(record)
        shown = console.file.getvalue()
        assert shown.strip() and "Displayed" not in shown and "object at" not in shown

        printer = Printer()
        record._repr_pretty_(printer, False)
        plain = "".join(printer.parts)
        assert plain.strip() and not plain.startswith(type(record).__name__ + "(")
    assert_display_math(extrema._repr_latex_(), len(extrema.derivations))
    assert issubclass(Training, RichDisplayed) and not hasattr(Training, "_repr_latex_")


def test_training_shows_itself_as_text():
    from derive.numeric.gradcheck import CrossCheck
    from derive.results import Prediction, Training

    check = CrossCheck((2, 2, 1), "sigmoid", "sigmoid", "cross-entropy", 1e-15, 1e-9, 1e-9)
    training = Training("xor", (2, 2, 1), "sigmoid", "sigmoid", "cross-entropy", 10, 1.0, 0.0, 0,
                        1, 1, 0, 0.01, 1.0, (Prediction((0.0, 1.0), 0.98, 1, 1),), check,
                        (0.7, 0.01))
    assert training.__rich__() is not None
    printer = Printer()
    training._repr_pretty_(printer, False)
    assert "xor: layers 2,2,1" in "".join(printer.parts)


def test_words_are_safe_in_math():
    from derive.render.jupyter import words

    assert words("d/dx of (x^4 + 2)") == r"\text{d/dx of (x}^{\text{4}}\text{ + 2)}"
    assert words("A^(m-1)^T") == r"\text{A}^{\text{m-1}}{}^{\text{T}}"
    shown = words(r"z_k {a} $5 100% #1 a&b ~ \x σ∂ ✓")
    assert not text_problems(shown) and not problems(shown), shown
    assert r"\sigma" in shown and r"\partial" in shown and r"\checkmark" in shown
