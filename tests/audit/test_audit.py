"""Audits of the tutorial (curated claims and the file itself) and of Markdown notes."""

import inspect
import json
import os
from pathlib import Path

import pytest

from derive import api
from derive.audit import tutorial
from derive.audit.document import read_document
from derive.cli import main
from derive.engine.verdict import Mistake, Status

ROOT = Path(__file__).resolve().parents[2]
# The tutorial's text is not part of the project (only its formulas are encoded); the file audit
# test reads it from DERIVE_TUTORIAL or from the shared folder beside the checkout.
TUTORIAL = Path(os.environ.get("DERIVE_TUTORIAL",
                               ROOT.parent / "shared" / "tutorial" / "backprop-tutorial.md"))


@pytest.fixture(scope="module")
def report(tutorial_report):
    return tutorial_report


def by_latex(report, fragment):
    return next(f for f in report.findings if fragment in f.source.latex)


def test_claims_cover_every_section_in_order():
    claims = tutorial.claims()
    assert len(claims) >= 40
    sections = list(dict.fromkeys(c.source.section.split(" (")[0] for c in claims))
    for expected in ("Vectors", "Differentiation", "Power rule", "Product rule", "Gradient",
                     "Chain rule", "Backpropagation in general", "Backpropagation in practice",
                     "Example: sigmoid network", "Gradient descent", "MLP algorithm"):
        assert expected in sections
    assert all(c.source.latex and c.source.section for c in claims)


def test_no_verdict_is_stored_in_the_package():
    source = inspect.getsource(tutorial)
    assert "REFUTED" not in source and "PROVED" not in source and "Status" not in source
    fields = set(tutorial.Claim.__dataclass_fields__) | set(tutorial.Source.__dataclass_fields__)
    assert {"source", "lhs", "rhs", "latex", "note"} <= fields
    assert not any(word in field for field in fields
                   for word in ("verdict", "status", "holds", "refuted", "expected"))
    for claim in tutorial.claims():
        assert not any(word in (claim.source.note or "").lower()
                       for word in ("wrong", "mistake", "error", "incorrect", "should be"))


# Each expectation below was worked out by hand from the tutorial's text.
REFUTED_BY_HAND = [
    # the table's sigmoid 1/(1+e^z) has derivative -e^z/(1+e^z)^2 = -a(1-a), not a(1-a)
    (r"a = \frac{1}{1+e^{z}},\ \frac{\partial a}{\partial z}", Mistake.SIGN),
    # d/da 1/2 (y-a)^2 = a - y, the table says y - a
    (r"\frac{\partial C}{\partial a} = y - a", Mistake.SIGN),
    # moving along +grad f increases f: slope +|f'|^2 where a descent step has -|f'|^2
    (r"x_{i+1} = x_i + \alpha v_i", Mistake.SIGN),
    # d/dy_k 1/2 sum (t_k - y_k)^2 = y_k - t_k
    (r"= t_k - y_k", Mistake.SIGN),
    # f = f g forces g = 1
    (r"f(x) = f(x) \cdot g(x)", None),
    # sum_{l=1}^{N^m} misses inputs when N^(m-1) > N^m: at j = 3 the true value is a_3, the sum's 0
    (r"\sum_{l=1}^{N^m} W_{il}^m a_l^{m-1} + b_i^m \right)$", None),
]


@pytest.mark.parametrize("fragment,diagnosis", REFUTED_BY_HAND)
def test_the_tutorials_mistakes_are_found(report, fragment, diagnosis):
    finding = next(f for f in report.findings if f.source.latex.endswith(fragment.rstrip("$"))
                   or fragment in f.source.latex)
    assert finding.verdict.status is Status.REFUTED
    if diagnosis:
        assert finding.verdict.diagnosis.mistake is diagnosis


HOLDS_BY_HAND = [
    r"f'(x) = 4x^3 \cos x - x^4 \sin x - 2 \sin x",          # expand (x^4+2)(-sin x)
    r"\frac{\partial(x^4 y)}{\partial x} = 4x^3 y",
    r"\frac{\partial C}{\partial W_{ij}^m} = \frac{\partial C}{\partial z_i^m} a_j^{m-1}",
    r"\frac{\partial C}{\partial a} = \frac{a - y}{a(1 - a)}",  # cross-entropy: -y/a+(1-y)/(1-a)
    r"\delta_{hj} = \left[ \sum_k w_{jk} \delta_k \right] a_j(1 - a_j)",
]


@pytest.mark.parametrize("fragment", HOLDS_BY_HAND)
def test_correct_statements_hold(report, fragment):
    finding = next(f for f in report.findings if fragment in f.source.latex)
    assert finding.verdict.status.holds


def test_relu_convention_is_not_reported_as_a_mistake(report):
    finding = by_latex(report, r"a = \max(0, z)")
    claim = next(c for c in tutorial.claims() if c.source.id == finding.source.id)
    assert finding.verdict.status.holds and "z != 0" in claim.assumptions


@pytest.mark.skipif(not TUTORIAL.is_file(), reason=f"the tutorial's text is not at {TUTORIAL} "
                    "(set DERIVE_TUTORIAL to its path)")
def test_auditing_the_tutorial_file_agrees_with_the_curated_audit(report):
    """The curated encoding as a regression test of the general reader: the file audit flags
    nothing that the curated audit finds true, and it finds at least the curated mistakes it
    can read today."""
    file_report = api.audit_text(TUTORIAL.read_text(), "file", timeout=20, jobs=2)
    curated_refuted = {f.source.id for f in report.refuted}
    assert set(CURATED_LINES) == curated_refuted   # every curated mistake has its line, by hand
    flagged_lines = {f.source.line for f in file_report.refuted}
    mistaken_lines = set().union(*CURATED_LINES.values())
    assert flagged_lines <= mistaken_lines, "a refutation on a line the curated audit finds true"
    found = {k for k, lines in CURATED_LINES.items() if lines & flagged_lines}
    assert found >= {"T03", "T07", "T08", "T17", "T31", "T34", "T37", "T39", "T43", "T47"}
    # at one unit per layer a fix for the scalars need not fix the vectors: no correction there
    assert all(f.correction is None for f in file_report.refuted
               if "one unit per layer" in (f.source.note or ""))
    skipped = [f for f in file_report.findings if f.verdict is None]
    assert len(skipped) > 0 and all(f.skipped for f in skipped)


# each statement the curated audit refutes, and the lines of the tutorial's file it is on (by
# hand; a derivation's lines together)
CURATED_LINES = {"T03": {73}, "T07": {97}, "T08": {99}, "T17": {256, 257, 258},
                 "T31": {316}, "T34": {323}, "T37": {355, 356, 357}, "T39": {363, 364},
                 "T43": {534}, "T47": {563}, "T48": {567}, "T49": {595}, "T51": {605}}


NOTES = r"""# Notes

The power rule, $\frac{d}{dx} x^3 = 3x^2$, and the exponential: $\frac{d}{dx} e^{2x} = e^{2x}$.

$$\begin{aligned}
f(x) &= x^2 \sin x \\
f'(x) &= 2x \sin x + x^2 \cos x \\
&= x (2 \sin x + x \cos x) \\
&= 2x \sin x
\end{aligned}$$

A chain: $\sin^2 x + \cos^2 x = 1 = \cosh^2 x - \sinh^2 x$.

Not claims: $\nabla f$, $\text{hello}$, $a^m(1 - a^m)$, and code `$x = 1$`.
"""


def test_markdown_notes_are_checked_line_by_line():
    report = api.audit_text(NOTES, "notes", timeout=10)
    skipped = [f for f in report.findings if f.verdict is None]
    status = {f.source.id: f.verdict.status for f in report.checked}
    assert len(status) == len(report.checked)  # ids are unique, two equations on line 3 too
    assert status["L3"] is Status.PROVED        # d/dx x^3 = 3x^2
    assert status["L3/2"] is Status.REFUTED     # d/dx e^(2x) = e^(2x): the factor 2 is missing
    refuted = {f.source.latex for f in report.refuted}
    assert r"\frac{d}{dx} e^{2x} = e^{2x}" in refuted          # misses the factor 2
    assert any(t.endswith(r"&= 2x \sin x") for t in refuted)    # drops x^2 cos x
    # the aligned derivation: each line against the one before, with its own line number
    aligned = sorted((f.source.line, f.verdict.status) for f in report.checked
                     if 6 <= f.source.line <= 9)
    assert aligned == [(7, Status.PROVED), (8, Status.PROVED), (9, Status.REFUTED)]
    # the chain is checked link by link
    chain = [f for f in report.checked if f.source.line == 12]
    assert len(chain) == 2 and all(f.verdict.status.holds for f in chain)
    reasons = " ".join(f.skipped for f in skipped)
    assert "definition of f" in reasons and "not an equation" in reasons
    assert not any("x = 1" in f.source.latex for f in skipped)  # code is not math


@pytest.mark.parametrize("text", ["$$\\input{x}$$", "$" * 1000, "$$" + "(" * 500 + "$$",
                                  "$$x = $$", "$$=$$", "\\begin{align} & \\\\ \\end{align}",
                                  "$$\\frac{d}{dx} \\frac{d}{dx} \\frac{d}{dx}$$", "\x00$x=1$",
                                  "\\begin{align}l(x^*) \\\\ &= C_x\\end{align}"])
def test_hostile_documents_never_crash(text):
    claims, skipped = read_document(text)
    assert isinstance(claims, list) and isinstance(skipped, list)
    assert all(f.skipped for f in skipped)


def test_audit_command(capsys, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES)
    code = main(["audit", str(notes), "--format", "json", "--jobs", "2"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["totals"]["REFUTED"] == 2
    assert {f["status"] for f in data["findings"]} >= {"PROVED", "REFUTED", "SKIPPED"}
    code = main(["audit", str(notes), "--verbose"])
    out = capsys.readouterr().out
    assert code == 1 and "skip" in out and "off by a constant factor" in out
    assert main(["audit", str(tmp_path / "missing.md")]) == 2


def test_audit_of_the_tutorial_command(capsys, monkeypatch, tutorial_report):
    # the audit itself is made once per run (conftest); this checks the command around it
    monkeypatch.setattr(api, "audit_tutorial", lambda timeout, jobs, progress: tutorial_report)
    code = main(["audit", "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("# Audit of the tutorial's claims")
    assert "## What does not hold" in out and "Totals:" in out


def test_github_annotations_point_at_the_wrong_lines():
    from derive.render import render
    report = api.audit_text(NOTES, "my notes, v2: draft.md", timeout=10)
    lines = render(report, "github").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == len(report.refuted) >= 2
    # the file name is escaped as a property (',' and ':'), the line is the equation's own line
    assert all(line.startswith("::error file=my notes%2C v2%3A draft.md,line=") for line in errors)
    e2x = next(f for f in report.refuted if "e^{2x}" in f.source.latex)
    assert any(f"line={e2x.source.line}," in line and "e^{2x}" in line for line in errors)
    # a message can never start a second workflow command: no raw newline, '%' escaped
    injected = api.audit_text("$$x = 1 \\\\%\n$$\n$$\\frac{d}{dx} x^2 = x$$\n", "n.md", timeout=10)
    assert all("\n" not in line and "::" not in line.split("::", 2)[-1]
               for line in render(injected, "github").splitlines()[:-1])


def test_several_files_as_a_linter_and_the_pre_commit_hook(capsys, tmp_path):
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("# fine\n\n$$\\frac{d}{dx} x^3 = 3x^2$$\n")
    bad.write_text("# slip\n\n$$\\frac{d}{dx} e^{2x} = e^{2x}$$\n")
    assert main(["audit", str(good)]) == 0
    capsys.readouterr()
    # each file its own report; the worst decides the exit code, as pre-commit expects
    assert main(["audit", str(good), str(bad), "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert f"file={bad}," in out.replace("%2C", ",") and f"file={good}" not in out
    assert main(["audit", str(good), str(bad), "-o", str(tmp_path / "r.txt")]) == 2
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: derive-audit" in hook and "entry: derive audit" in hook
    assert "types_or: [markdown, tex]" in hook


def test_several_documents_at_once_get_the_reports_each_gets_alone():
    # one pool for all of them (as `derive audit a.md b.tex` runs): the same findings as one by
    # one, each in its own document's order and notation; a claim both make gets its verdict twice
    notes = "$$\\frac{d}{dx} x^3 = 3x^2$$\n\nLet $y = e^{2x}$. Then $\\frac{dy}{dx} = e^{2x}$.\n"
    tex = "\\begin{equation}\n\\frac{d}{dx} x^3 = 3x^2\n\\end{equation}\n% $\\frac{d}{dx} x = 2$\n"
    together = api.audit_texts([api.Document(notes, "a.md"), api.Document(tex, "b.tex", True)],
                               timeout=10, jobs=2)
    alone = [api.audit_text(notes, "a.md", timeout=10, jobs=1),
             api.audit_text(tex, "b.tex", tex=True, timeout=10, jobs=1)]

    def summary(report):
        return [(f.source.id, f.source.line, f.skipped,
                 f.verdict.status if f.verdict else None) for f in report.findings]
    assert [r.title for r in together] == ["a.md", "b.tex"]
    assert [summary(r) for r in together] == [summary(r) for r in alone]
    assert [len(r.refuted) for r in together] == [1, 0]   # e^{2x} has slope 2e^{2x}; % is a comment
    assert all(r.findings[0].verdict.status.holds for r in together)


def test_what_iffalse_hides_is_not_audited_and_lines_keep_their_numbers():
    """\\iffalse ... \\fi hides a block from the typeset document (a draft, an old version), as
    '%' does a line: a wrong formula there is no finding, and the next one keeps its line."""
    tex = ("\\iffalse\n$$ 1 = 3 $$\n\\ifx\\a\\b $$ 2 = 5 $$ \\fi\n\\fi\n"
           "$$ \\frac{d}{dx} x^2 = 3x $$\n")
    report = api.audit_text(tex, "draft.tex", tex=True, timeout=10, jobs=1)
    assert [(f.source.line, f.verdict.status) for f in report.findings] == [(5, Status.REFUTED)]
