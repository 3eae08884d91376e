"""What a hostile or unlucky user meets: a clear one-line error with exit code 2 or a verdict, never
a hang, a traceback, a destroyed file or a document's text obeyed."""

import json
import os
import time

import pytest

from derive.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [
    ["check", "--timeout", "nan", "x = x"], ["check", "--timeout", "-1", "x = x"],
    ["mlp", "--lr", "nan"], ["mlp", "--lr", "inf"], ["mlp", "--lr", "0"],
    ["mlp", "--batch-size", "0"], ["mlp", "--batch-size", "-3"],
    ["mlp", "--momentum", "1"], ["mlp", "--momentum", "-0.5"],
    ["mlp", "--epochs", "1000000000"], ["mlp", "--layers", "2,4096,4096,1"],
    ["mlp", "--activation", "f(z)", "--output-activation", "sigmoid", "--epochs", "5"],
])
def test_out_of_range_settings_are_refused_in_one_line(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_a_fifo_or_a_device_is_not_read(capsys, tmp_path):
    fifo = tmp_path / "claims"
    os.mkfifo(fifo)  # no writer: opening it for reading would block forever
    code, _, err = run(capsys, "check", "--file", str(fifo))
    assert code == 2 and "not a regular file" in err
    assert run(capsys, "audit", "/dev/zero")[0] == 2


def test_a_bom_at_the_start_of_a_claims_file_is_accepted(capsys, tmp_path):
    claims = tmp_path / "claims.txt"
    claims.write_text("\ufeffdiff(x**2, x) = 2*x\n", encoding="utf-8")
    assert run(capsys, "check", "--file", str(claims))[0] == 0


def test_a_failed_run_leaves_an_existing_output_file_alone(capsys, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep me")
    assert run(capsys, "check", "x = ", "-o", str(target))[0] == 2
    assert target.read_text() == "keep me"
    assert run(capsys, "check", "x = x", "-o", str(target))[0] == 0
    assert "PROVED" in target.read_text() and not list(tmp_path.glob(".derive-*"))


def test_an_output_that_is_a_pipe_or_a_link_stays_what_it_is(capsys, tmp_path):
    # -o /dev/stdout, -o /dev/null, -o a FIFO: written to, never replaced by a file renamed over
    # it (as root, `-o /dev/null` used to leave a regular file in /dev); a link keeps pointing at
    # the file it names, which is written, with its permissions
    import stat
    import threading
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    assert run(capsys, "check", "x = x", "-o", str(fifo))[0] == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and "PROVED" in received[0]
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    real.chmod(0o644)
    link.symlink_to(real)
    assert run(capsys, "check", "x = x", "-o", str(link))[0] == 0
    assert link.is_symlink() and "PROVED" in real.read_text()
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o644
    code, _, err = run(capsys, "check", "x = x", "-o", str(tmp_path))
    assert code == 2 and "Is a directory" in err


def test_the_audited_document_is_never_overwritten(capsys, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("$x^2 = x \\cdot x$\n")
    code, _, err = run(capsys, "audit", str(notes), "-o", str(notes))
    assert code == 2 and "overwrite the input" in err
    assert notes.read_text() == "$x^2 = x \\cdot x$\n"


EVIL = ("# Notes\n\n$$\\input{/etc/hostname} = 1$$\n\n"
        "$$x^2 = x \\tag{\\immediate\\write18{touch pwned}}$$\n\n$\\frac{d}{dx} x^3 = 3x^2$\n"
        "$$y = \x1b[2J 1$$\n")


def test_nothing_from_a_document_reaches_a_tex_file_or_the_terminal_raw(capsys, tmp_path):
    notes = tmp_path / "evil.md"
    notes.write_text(EVIL)
    code, out, _ = run(capsys, "audit", str(notes), "--format", "latex", "--standalone",
                       "--verbose")
    assert "\\input{" not in out and "\\write18{" not in out and "\\immediate" not in out
    assert "\\frac{d}{d x} x^{3} = 3 x^{2}" in out  # a claim: printed again from its reading
    code, out, _ = run(capsys, "audit", str(notes), "--verbose")
    assert "\x1b" not in out and "\\x1b" in out


def test_definitions_that_explode_are_skipped_not_run_forever(capsys, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("$f(x) = x!$ and then $f(10^{99}) = 1$, while $\\frac{d}{dx} x^2 = 2x$.\n")
    start = time.monotonic()
    code, out, _ = run(capsys, "audit", str(notes), "--format", "json", "--timeout", "1")
    findings = {f["latex"]: f for f in json.loads(out)["findings"]}
    assert findings["f(10^{99}) = 1"]["status"] in ("SKIPPED", "UNDECIDED")   # never a verdict
    assert findings[r"\frac{d}{dx} x^2 = 2x"]["status"] == "PROVED"
    assert time.monotonic() - start < 60  # a hang guard, not a speed target


def test_equation_extraction_is_linear():
    from derive.audit.extract import extract
    start = time.monotonic()
    assert extract("\\[ x " * 100_000) == []  # never closed: no equation
    assert time.monotonic() - start < 30  # a hang guard: quadratic scanning took minutes


def test_markdown_escaped_delimiters_comments_and_prices():
    from derive.audit.extract import extract
    text = ("\\\\( a = b \\\\) <!-- $c = d$ --> costs $5 and $10\n"
            "\\begin{multline} e = f \\end{multline}\n```\n$g = h$\n```\n")
    assert [e.latex for e in extract(text)] == ["a = b", "e = f"]


def test_training_has_a_deadline(capsys):
    code, _, err = run(capsys, "mlp", "--epochs", "1000000", "--timeout", "1")
    assert code == 2 and "time limit" in err


def test_json_never_holds_nan():
    from derive.render.printers import json_text
    assert json.loads(json_text({"loss": float("nan"), "x": [float("inf"), 1.5]})) == \
        {"loss": None, "x": [None, 1.5]}


def test_a_heavy_activation_is_bounded_by_the_time_limit(capsys):
    # deriving this activation (its inverse, its form in a) takes far longer than 2 s
    start = time.monotonic()
    code, _, err = run(capsys, "backprop", "--activation",
                       "tanh(z**5)*log(1 + exp(z**7))/(1 + z**2) + asinh(z**3)", "--timeout", "2",
                       "--layers", "none")
    assert code == 2 and "time limit of 2 s" in err
    assert time.monotonic() - start < 30  # a hang guard: the limit starts with the work


def test_a_defined_factorial_at_a_huge_number_is_refused_not_computed(capsys):
    # SymPy computes x! as it builds it: f(x) = x! at 10^99 would spin until the pool's kill
    code, out, _ = run(capsys, "check", "--latex", "f(10^{99}) = 1", "--where", "f(x) = x!",
                       "--timeout", "5")
    assert code == 1 and "UNDECIDED" in out and "too large to evaluate" in out
    code, out, _ = run(capsys, "check", "--latex", "f(5) = 120", "--where", "f(x) = x!")
    assert code == 0 and "PROVED" in out   # 5! = 120


def test_a_formula_with_a_long_run_of_spaces_is_read_in_linear_time():
    from derive.audit.extract import clean
    start = time.monotonic()
    assert clean(" " * 200_000 + "x = 1") == " " * 200_000 + "x = 1"
    assert clean("a = b" + " \\quad" * 20_000 + " \\blacksquare") == "a = b"
    assert time.monotonic() - start < 30   # a hang guard: a tag pattern took 160 s on the first
