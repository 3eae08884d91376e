"""Critical points and their classification in every format; the tests' words are written here."""

from __future__ import annotations

from derive.calc.extrema import CriticalPoint, Extrema, GlobalExtremum, GlobalKind, Kind, Test
from derive.render.derivations import derivation_dict, derivation_markdown, derivations_latex
from derive.render.document import RAGGED, latex_document
from derive.render.pretty import pretty
from derive.render.printers import breakable, json_text, point_words, tex, tex_text, text

LOOKS = {Kind.MINIMUM: "f is larger at every probed nearby point: it looks like a minimum (numeric)",
         Kind.MAXIMUM: "f is smaller at every probed nearby point: it looks like a maximum (numeric)",
         Kind.SADDLE: "f is both larger and smaller nearby: it looks like a saddle (numeric)"}


def point_text(point, printer=text) -> str:
    return "(" + point_words(point, printer) + ")"


def test_text(p: CriticalPoint, printer=str) -> str:
    """Which test decided, with the values it used (by `printer`), in words."""
    d = p.details
    if p.test is Test.SECOND_DERIVATIVE:
        return "second-derivative test: f''(c) = " + printer(d["f''"])
    if p.test is Test.HIGHER_ORDER:
        parity = "odd" if d["order"] % 2 else "even"
        return (f"second-derivative test fails (f''(c) = 0); first non-zero derivative has order "
                f"{d['order']} ({parity}), value {printer(d['f^(k)'])}")
    if p.test is Test.ALL_DERIVATIVES_ZERO:
        return f"every derivative up to order {d['order']} is 0 at the point"
    if p.test is Test.DISCRIMINANT:
        disc, r = printer(d["rt - s^2"]), printer(d["r"])
        if p.kind is Kind.SADDLE:
            words = f"rt - s^2 = {disc} < 0"
        elif p.kind in (Kind.MINIMUM, Kind.MAXIMUM):
            words = f"rt - s^2 = {disc} > 0 and r = {r} {'>' if p.kind is Kind.MINIMUM else '<'} 0"
        else:
            words = "rt - s^2 = 0: the second-derivative test fails"
    else:
        words = {Kind.MINIMUM: "Hessian positive definite (all eigenvalues > 0)",
                 Kind.MAXIMUM: "Hessian negative definite (all eigenvalues < 0)",
                 Kind.SADDLE: "Hessian indefinite (eigenvalues of both signs)"}.get(
                     p.kind, "Hessian singular without a sign change")
    return words + (f"; {LOOKS[p.probe]}" if p.probe is not None else "")


def no_points_text(result: Extrema) -> str:
    """What to say in place of the table: none at all, or none apart from the continua."""
    if result.continua:
        return "no isolated critical point over the reals (a continuum of them: see the notes)"
    return "no critical point over the reals"


def global_text(g: GlobalExtremum, word: str, printer=str) -> str:
    if g.kind is GlobalKind.ATTAINED:
        return f"global {word} {printer(g.value)} at {point_text(g.point, printer)} ({g.reason})"
    if g.kind is GlobalKind.UNBOUNDED:
        return f"none: {g.reason}"
    if g.kind is GlobalKind.NOT_ATTAINED:
        return f"none attained ({g.reason})"
    return f"local only ({g.reason})"


def extrema_rich(result: Extrema):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"critical points of f = {pretty(result.expr)}", style="bold underline")
    table = Table(header_style="bold")
    table.add_column("point")
    table.add_column("f")
    table.add_column("kind", style="bold")
    table.add_column("test", overflow="fold")
    for p in result.points:
        table.add_row(point_text(p.point, pretty), pretty(p.value), p.kind.value,
                      test_text(p, pretty))
    parts = [head, Text("gradient = 0: " + ", ".join(f"{pretty(g)} = 0" for g in result.gradient))]
    parts.append(table if result.points else Text(no_points_text(result)))
    parts.append(Text(f"global minimum: {global_text(result.global_min, 'minimum', pretty)}"))
    parts.append(Text(f"global maximum: {global_text(result.global_max, 'maximum', pretty)}"))
    parts += [Text(f"note: {n}", style="dim") for n in result.notes]
    return Group(*parts)


def extrema_dict(result: Extrema) -> dict:
    def global_dict(g: GlobalExtremum, word: str) -> dict:
        return {"kind": g.kind.value, "value": None if g.value is None else text(g.value),
                "point": None if g.point is None else {str(k): text(v) for k, v in g.point.items()},
                "reason": g.reason, "text": global_text(g, word)}

    return {
        "expr": text(result.expr),
        "variables": [str(v) for v in result.variables],
        "gradient": [text(g) for g in result.gradient],
        "hessian": [[text(e) for e in row] for row in result.hessian.tolist()],
        "critical_points": [{
            "point": {str(k): text(v) for k, v in p.point.items()},
            "value": text(p.value), "kind": p.kind.value, "test": p.test.value,
            "test_text": test_text(p), "exact": p.exact,
            "probe": None if p.probe is None else p.probe.value,
            "details": {k: ([text(e) for e in v] if isinstance(v, (list, tuple)) else text(v))
                        for k, v in p.details.items()},
        } for p in result.points],
        "global_minimum": global_dict(result.global_min, "minimum"),
        "global_maximum": global_dict(result.global_max, "maximum"),
        "continua": [{str(k): text(v) for k, v in family.items()} for family in result.continua],
        "notes": list(result.notes),
        "derivations": [derivation_dict(d) for d in result.derivations],
    }


def extrema_latex(result: Extrema) -> str:
    rows = [r"\begin{tabular}{@{}lll" + RAGGED.format("8cm") + "@{}}",
            r"point & $f$ & kind & test \\ \hline"]
    for p in result.points:
        point = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in p.point.items())
        rows.append(f"${point}$ & ${tex(p.value)}$ & {tex_text(p.kind.value)} & "
                    f"{breakable(test_text(p))} \\\\")
    rows.append(r"\end{tabular}")
    rows.append(r"\par\noindent Global minimum: "
                + tex_text(global_text(result.global_min, "minimum")) + r"\par")
    rows.append(r"\noindent Global maximum: "
                + tex_text(global_text(result.global_max, "maximum")) + r"\par")
    rows += [r"\noindent\textit{" + tex_text(n) + r"}\par" for n in result.notes]
    return "\n".join(rows) + "\n"


def extrema_markdown(result: Extrema) -> str:
    out = [f"### Critical points of $f = {tex(result.expr)}$", "",
           "| point | f | kind | test |", "| --- | --- | --- | --- |"]
    for p in result.points:
        point = ", ".join(f"{tex(k)} = {tex(v)}" for k, v in p.point.items())
        out.append(f"| ${point}$ | ${tex(p.value)}$ | {p.kind.value} | {test_text(p)} |")
    out += ["", f"- global minimum: {global_text(result.global_min, 'minimum')}",
            f"- global maximum: {global_text(result.global_max, 'maximum')}"]
    out += [f"- note: {n}" for n in result.notes]
    return "\n".join(out) + "\n"


def one_text(result: Extrema, options):
    return extrema_rich(result)


def one_json(result: Extrema, options) -> str:
    return json_text(extrema_dict(result))


def one_markdown(result: Extrema, options) -> str:
    return extrema_markdown(result) + "\n" + "\n".join(derivation_markdown(d)
                                                       for d in result.derivations)


def one_latex(result: Extrema, options) -> str:
    body = extrema_latex(result) + derivations_latex(result.derivations)
    if not options.standalone:
        return body
    return latex_document("Extrema of $" + tex(result.expr) + "$", body, title_is_latex=True)
