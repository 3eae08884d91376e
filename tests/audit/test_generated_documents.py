"""Documents made of definitions and claims whose truth SymPy knows: each example lets u and y be
formulas, and claims derivatives of them, true (SymPy's `diff`) or wrong (doubled, or x added).
The formulas are written as SymPy's LaTeX printer writes them (`\\log{\\left(x \\right)}^{2}`,
`\\sqrt{u^{2} + 1}`). No true claim may be refuted, no wrong one may hold, and each example's
claims are read with its own definitions of u and y."""

import sympy as sp

from derive import api

x, w, u = sp.symbols("x w u", real=True)
FIRST = [x**2 * w, sp.sin(w * x), sp.exp(x) + w, x / (1 + w**2), w * x + x**3,
         sp.log(1 + x**2) * w]
SECOND = [u**3 + x, u * x, sp.cos(u) * w, u**2 / (1 + x**2), sp.exp(u) - x * u,
          sp.sqrt(1 + u**2)]
KINDS = {   # the claim's left side, and its value from u and y written out
    "dy/dx": (r"\frac{dy}{dx}", lambda first, second: sp.diff(second.xreplace({u: first}), x)),
    "dy/du": (r"\frac{\partial y}{\partial u}", lambda first, second: sp.diff(second, u)),
    "dy/dw": (r"\frac{\partial y}{\partial w}",
              lambda first, second: sp.diff(second.xreplace({u: first}), w)),
    "du/dx": (r"\frac{du}{dx}", lambda first, second: sp.diff(first, x)),
}
WRONG = {None: lambda e: e, "doubled": lambda e: 2 * e, "x added": lambda e: e + x}


def example(number: int, first, second, wrongs) -> tuple[list, list]:
    lines = [f"## Example {number}", "", f"Let $u = {sp.latex(first)}$ and $y = {sp.latex(second)}$.",
             ""]
    expected = []
    for (kind, (left, value)), wrong in zip(KINDS.items(), wrongs):
        rhs = WRONG[wrong](value(first, second))
        lines += ["Then", "", f"${left} = {sp.latex(rhs)}$", ""]
        # y = cos(u) w with u = e^x + w: the partial by w with u held (cos u) and the one through
        # u too differ, and the text does not say which: refused as ambiguous
        ambiguous = kind == "dy/dw" and w in second.free_symbols
        expected.append((len(lines) - 1, kind, "ambiguous" if ambiguous else wrong))
    return lines, expected


def test_claims_about_definitions_are_decided_as_sympy_knows_them():
    documents, expectations = [], []
    for d in range(3):   # every formula once; each example after the first redefines u and y
        lines, expected = [], []
        for e in range(2):
            k = 2 * d + e
            more, found = example(e + 1, FIRST[k], SECOND[k],
                                  [(None, "doubled", None, "x added"),
                                   ("x added", None, "doubled", None)][(k + e) % 2])
            expected += [(line + len(lines), kind, wrong) for line, kind, wrong in found]
            lines += more
        documents.append(api.Document("\n".join(lines), f"generated {d}"))
        expectations.append(expected)
    reports = api.audit_texts(documents, timeout=5, jobs=2)
    for report, expected in zip(reports, expectations):
        by_line = {f.source.line: f for f in report.findings if f.verdict is not None}
        skipped = {f.source.line: f.skipped for f in report.findings if f.skipped}
        for line, kind, wrong in expected:
            if wrong == "ambiguous":
                assert "ambiguous" in skipped.get(line, ""), (report.title, line, kind)
                continue
            assert line in by_line, (report.title, line, kind)
            status = by_line[line].verdict.status
            if wrong is None:
                assert status.holds, (report.title, line, kind, by_line[line].verdict)
            else:
                assert not status.holds, (report.title, line, kind, wrong)
