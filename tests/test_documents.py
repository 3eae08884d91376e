"""The published documents in derivations/: reproducible, complete, and every .tex compiles."""

import pytest

from support import ROOT, compile_latex, latex_problems, needs_pdflatex


def test_committed_documents_are_up_to_date(exported):
    directory = ROOT / "derivations"
    committed = {p.name for p in directory.iterdir() if p.is_file()}
    assert committed == set(exported), "run `make derivations`"
    stale = [name for name, text in exported.items()
             if (directory / name).read_text(encoding="utf-8") != text]
    assert not stale, f"stale documents (run `make derivations`): {stale}"


def test_every_published_backprop_document_holds(published):
    for pair, document in published.backprops.items():
        assert document.holds, pair
        # every weight and bias of the explicit network: 2*2 + 2 + outputs*2 + outputs
        outputs = 3 if document.output in ("softmax", "log-softmax") else 1
        assert document.proof.layers == (2, 2, outputs), pair
        assert document.proof.proved == 6 + 3 * outputs, pair


def test_documents_cover_every_pair_and_topic(exported):
    for act in ("sigmoid", "tanh", "relu"):
        for cost in ("squared-error", "cross-entropy"):
            assert f"backprop-{act}-{cost}.md" in exported
            assert f"backprop-{act}-{cost}.tex" in exported
    for cost in ("categorical-cross-entropy", "nll"):   # softmax and log-softmax outputs
        assert f"backprop-relu-{cost}.tex" in exported
    for name in ("calculus-rules", "extrema", "tutorial-audit", "cancelling-pairs"):
        assert f"{name}.md" in exported and f"{name}.tex" in exported
    index = exported["README.md"]
    assert all(name in index for name in exported if name != "README.md")


@needs_pdflatex
@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "derivations").glob("*.tex")))
def test_every_committed_tex_compiles(name, tmp_path):
    source = (ROOT / "derivations" / name).read_text(encoding="utf-8")
    result = compile_latex(source, tmp_path, passes=2)
    assert result.returncode == 0, (name, result.stdout[-2000:])
    assert latex_problems(tmp_path) == [], name


def test_the_typeset_audit_shows_each_refutations_evidence_once(exported):
    # the point is in the counterexample table and the correction in its display: the "Why"
    # line gives the kind of slip, not the point again nor the engine's Python syntax (x**2)
    why = [line for line in exported["tutorial-audit.tex"].splitlines() if "Why:" in line]
    assert why and not any("differs at" in line or "should be" in line or "*\\allowbreak{}*"
                           in line for line in why)
    assert any("off by a sign" in line for line in why)
