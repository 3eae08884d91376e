"""The command line, called in-process through main(argv)."""

import gc
import json
import subprocess
import sys

import pytest

from derive import __version__
from derive.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_examples(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--assume" in out and "--latex" in out


def test_python_dash_m_and_console_script_agree():
    result = subprocess.run([sys.executable, "-m", "derive", "check", "diff(x**2, x) = 2*x"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "PROVED" in result.stdout


def test_help_does_not_import_sympy():
    code = "import sys; from derive.cli.parser import build_parser; build_parser(); " \
           "print('sympy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_true_claim_exits_0(capsys):
    code, out, _ = run(capsys, "check", "diff(x**5, x) = 5*x**4")
    assert code == 0 and "PROVED" in out


def test_false_claim_exits_1_with_counterexample_and_correction(capsys):
    code, out, _ = run(capsys, "check", "diff(sin(x**2), x) = cos(x**2)")
    assert code == 1
    assert "REFUTED" in out and "counterexample" in out
    assert "2*x*cos(x**2)" in out and "inner derivative" in out


def test_latex_claim(capsys):
    code, out, _ = run(capsys, "check", "--latex", r"\frac{d}{dx} x^5 = 5x^4")
    assert code == 0 and "PROVED" in out


def test_assume_flag(capsys):
    assert run(capsys, "check", "sqrt(x**2) = x")[0] == 1
    code, out, _ = run(capsys, "check", "sqrt(x**2) = x", "--assume", "x > 0")
    assert code == 0 and "x > 0" in out


def test_json_has_every_field(capsys):
    code, out, _ = run(capsys, "check", "diff(x**2, x) = x", "--format", "json")
    record = json.loads(out)
    for key in ("status", "lhs", "rhs", "difference", "counterexample", "diagnosis", "correct",
                "assumptions", "method", "seconds"):
        assert key in record
    assert code == 1 and record["status"] == "REFUTED" and record["correct"] == "2*x"
    point = record["counterexample"]["point"]["x"]
    from fractions import Fraction
    x0 = Fraction(point)
    assert float(record["counterexample"]["lhs"]) == pytest.approx(float(2 * x0))  # by hand: 2x
    assert float(record["counterexample"]["rhs"]) == pytest.approx(float(x0))


def test_markdown_and_latex_formats(capsys):
    code, out, _ = run(capsys, "check", "diff(x**2, x) = x", "--format", "markdown")
    assert code == 1 and out.startswith("**✗ REFUTED**") and "$" in out
    code, out, _ = run(capsys, "check", "diff(x**2, x) = x", "--format", "latex")
    assert r"\begin{align*}" in out and r"\text{correct}" in out


def test_file_of_claims(tmp_path, capsys):
    claims = tmp_path / "claims.txt"
    claims.write_text("# textbook claims\n"
                      "diff(x**5, x) = 5*x**4\n"
                      "\n"
                      "diff(x**2, x) = x   # wrong on purpose\n"
                      "tanh(z) = 2*sigmoid(2*z) - 1\n")
    code, out, _ = run(capsys, "check", "--file", str(claims), "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in records] == [2, 4, 5]
    assert [r["status"] for r in records] == ["PROVED", "REFUTED", "PROVED"]
    assert code == 1


def test_a_function_sympy_cannot_form_is_one_invalid_line_not_the_end_of_the_file(tmp_path,
                                                                                  capsys):
    """relu(log(log(-3))): log(-3) is log 3 + i pi, whose log has no sign for max(0, .) to
    compare; SymPy's error stopped the whole file with its own message. The line is invalid and
    the others are checked."""
    claims = tmp_path / "claims.txt"
    claims.write_text("x = x\n-3 = relu(log(log(-3)))\ny = y\n")
    code, out, _ = run(capsys, "check", "--file", str(claims), "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in records] == ["PROVED", "INVALID", "PROVED"] and code == 2
    assert "cannot apply relu" in records[1]["error"]


def test_file_table_output_and_totals(tmp_path, capsys):
    claims = tmp_path / "claims.txt"
    claims.write_text("diff(x**5, x) = 5*x**4\ndiff(x**2, x) = x\n")
    code, out, _ = run(capsys, "check", "--file", str(claims), "--jobs", "2")
    assert code == 1 and "proved: 1" in out and "refuted: 1" in out


def test_unreadable_line_in_file_is_reported_and_exits_2(tmp_path, capsys):
    claims = tmp_path / "claims.txt"
    claims.write_text("diff(x**5, x) = 5*x**4\n__import__('os') = 1\n")
    code, out, _ = run(capsys, "check", "--file", str(claims), "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["status"] == "PROVED" and records[1]["status"] == "INVALID"
    assert code == 2


def test_output_file(tmp_path, capsys):
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "check", "diff(x**5, x) = 5*x**4", "--format", "json",
                       "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["status"] == "PROVED"


def test_timeout_gives_undecided_and_exit_1(capsys):
    code, out, _ = run(capsys, "check", "diff(x**x**x**x, x, 12) = 0", "--timeout", "1")
    assert code == 1 and "UNDECIDED" in out


@pytest.mark.parametrize("argv", [
    ["check", "__import__('os').system('echo hacked')"],
    ["check", "x +"],
    ["check", "10**10**10 = 1"],
    ["check", "--latex", r"\input{/etc/passwd}"],
    ["check", "x = 1", "--assume", "x >"],
    ["check"],
    ["check", "x = 1", "--file", "claims.txt"],
    ["check", "--file", "/nonexistent/claims.txt"],
    ["check", "x = 1", "--timeout", "-1"],
    ["check", "x = 1", "--format", "pdf"],
    ["frobnicate"],
    [],
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv) if argv else (main([]), *capsys.readouterr())
    assert code == 2
    if argv:
        assert err.count("\n") == 1 and err.startswith("derive: error:")
        assert "Traceback" not in err


# -- derive diff / gradient / rule / extrema ---------------------------------------------------------

def test_diff_json_steps(capsys):
    code, out, _ = run(capsys, "diff", "(x**4 + 2)*cos(x)", "--format", "json")
    (derivation,) = json.loads(out)
    assert code == 0 and derivation["holds"]
    assert derivation["steps"][0]["rules"] == ["product rule"]
    assert all(step["status"] in ("PROVED", "NUMERIC") for step in derivation["steps"])
    import sympy as sp
    from derive.text import parse_expression
    x = sp.Symbol("x", real=True)
    hand = 4 * x**3 * sp.cos(x) - (x**4 + 2) * sp.sin(x)   # product rule by hand
    assert sp.simplify(parse_expression(derivation["result"]) - hand) == 0


def test_diff_latex_input_and_markdown(capsys):
    code, out, _ = run(capsys, "diff", r"\sin(x^2)", "--latex", "--format", "markdown")
    assert code == 0 and "$$" in out and r"\begin{aligned}" in out and "chain rule" in out


def test_diff_partial_and_order(capsys):
    code, out, _ = run(capsys, "diff", "x**4*y", "--wrt", "y", "--format", "json")
    assert code == 0 and json.loads(out)[0]["result"] == "x**4"
    code, out, _ = run(capsys, "diff", "x**3", "--order", "2", "--format", "json")
    assert code == 0 and json.loads(out)[0]["result"] == "6*x"


def test_standalone_latex_to_file(tmp_path, capsys):
    target = tmp_path / "d.tex"
    code, _, _ = run(capsys, "diff", "x**5", "--format", "latex", "--standalone", "-o", str(target))
    text = target.read_text()
    assert code == 0 and text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")


def test_gradient_command(capsys):
    code, out, _ = run(capsys, "gradient", "2*x**2 + 4*y", "--format", "json")
    derivations = json.loads(out)
    assert code == 0 and derivations[-1]["result"] == "Matrix([[4*x], [4]])"


def test_rule_command(capsys):
    code, out, _ = run(capsys, "rule", "derivative", "--expr", "x**3", "--format", "json")
    (derivation,) = json.loads(out)
    assert code == 0 and derivation["holds"] and derivation["result"] == "3*x**2"  # by hand


def test_extrema_command(capsys):
    code, out, _ = run(capsys, "extrema", "x**3 - 3*x", "--format", "json")
    data = json.loads(out)
    kinds = {p["point"]["x"]: p["kind"] for p in data["critical_points"]}
    assert code == 0 and kinds == {"-1": "maximum", "1": "minimum"}  # f'' = 6x


@pytest.mark.parametrize("argv", [
    ["diff", "x*y"],                      # several variables, no --wrt
    ["diff", "x**2", "--wrt", "z"],       # unknown variable
    ["diff", "floor(x)"],                 # no derivative in closed form
    ["diff", "x +"],                      # garbage
    ["diff", "x**2", "--order", "0"],
    ["diff", "__import__('os')"],
    ["gradient", "x*y", "--vars", "x,q"],
    ["rule", "frobnicate"],
    ["rule", "power", "--expr", "x**2"],
    ["extrema", "7"],
])
def test_calculus_bad_input_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and err.startswith("derive: error:")


def test_a_verdict_says_how_the_claim_was_read(capsys):
    code, out, _ = run(capsys, "check", "--latex", r"\frac{d}{dx} x^{3} = 3x^2")
    assert code == 0 and "read as: diff(x**3, x) = 3*x**2" in out
    code, out, _ = run(capsys, "check", "diff(x**3, x) = 3*x**2")
    assert "read as" not in out  # SymPy syntax read exactly as written: nothing to add
    run(capsys, "check", "diff(x**2, x) = x", "--format", "json")
    code, out, _ = run(capsys, "check", "--latex", r"\frac{d}{dx} x^2 = x", "--format", "json")
    record = json.loads(out)
    assert record["read_as"] == "diff(x**2, x) = x"
    assert record["read_as_latex"] == r"\frac{d}{d x} x^{2} = x"


def test_audit_reads_the_macros_a_preamble_defines(capsys, tmp_path):
    # \fp and \gp are defined in the book's preamble, not in the chapter: without it the two
    # claims cannot be read; with it, (sin x^2)' = 2x cos x^2 holds and (e^{3x})' = e^{3x} is
    # refuted (it is 3 e^{3x}), by hand
    chapter = tmp_path / "chapter.tex"
    chapter.write_text("Let $f(x) = \\sin(x^2)$. Then $\\fp(x) = 2x\\cos(x^2)$.\n\n"
                       "For $g(x) = e^{3x}$ we get $\\gp(x) = e^{3x}$.\n")
    preamble = tmp_path / "macros.tex"
    preamble.write_text("% the book's commands\n\\newcommand{\\fp}{\\ensuremath{f\\,'}}\n"
                        "\\newcommand{\\primeskip}{\\hskip.75pt}\n"
                        "\\newcommand{\\gp}{\\ensuremath{g\\primeskip'}}\n")
    code, out, _ = run(capsys, "audit", str(chapter), "--format", "json")
    assert code == 0 and not [f for f in json.loads(out)["findings"] if f["status"] != "SKIPPED"]
    code, out, _ = run(capsys, "audit", str(chapter), "--macros", str(preamble), "--format",
                       "json")
    statuses = {f["line"]: f["status"] for f in json.loads(out)["findings"]
                if f["status"] != "SKIPPED"}
    assert code == 1 and statuses == {1: "PROVED", 3: "REFUTED"}
    # shown as the chapter writes it, not as what \gp stands for
    assert "\\gp(x) = e^{3x}" in [f["latex"] for f in json.loads(out)["findings"]]
    code, _, err = run(capsys, "audit", "--macros", str(preamble))
    assert code == 2 and "--macros" in err


def test_the_command_exits_without_collecting_its_objects_again():
    """Run as a command, derive freezes its objects before Python exits (the last collection
    would go through all of SymPy's); the exit handlers still run after it. Called in a
    process that goes on (a notebook, these tests), it leaves collection alone."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
            "sys.argv = ['derive', 'check', 'diff(x**2, x) = 2*x']\n"
            "from derive.cli import main\n"
            "print('code', main())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split()[-4:] == ["code", "0", "frozen", "True"], out.stderr[-300:]
    before = gc.get_freeze_count()
    assert main(["check", "diff(x**2, x) = 2*x"]) == 0 and gc.get_freeze_count() == before


def test_a_value_taken_for_an_option_gets_a_hint(capsys):
    """argparse reads '-y*log(a)' after --cost as an option: the error says how to give it."""
    code, _, err = run(capsys, "mlp", "--cost", "-y*log(a)")
    assert code == 2 and "--cost='-y*log(a)'" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "check", "x = x", "--assume")
    assert code == 2 and "goes after '='" not in err   # no value at all: no such hint


def test_a_claim_that_states_its_condition_is_told_the_assumption_to_give(capsys):
    # check's claims share one run's assumptions: the condition is refused with the flag to
    # give, and the claim with that flag holds (sqrt(x^2) = |x| = x for x > 0, by hand)
    code, _, err = run(capsys, "check", "--latex", r"\sqrt{x^2} = x, \quad x > 0")
    assert code == 2 and "--assume 'x > 0'" in err and "\n" not in err.strip()
    code, out, _ = run(capsys, "check", "--latex", r"\sqrt{x^2} = x", "--assume", "x > 0")
    assert code == 0 and "PROVED" in out
