"""Backpropagation documents in every format."""

from __future__ import annotations

from derive.engine.verdict import Status
from derive.nn.backprop import BackpropDocument
from derive.render.derivations import (
    checks_appendix, derivation_dict, derivation_markdown, derivation_rich, derivations_latex)
from derive.render.document import latex_document
from derive.render.printers import json_text, tex_text
from derive.render.typeset import prose


def proof_line(proof) -> str:
    layers = ",".join(map(str, proof.layers))
    numeric = sum(e.status is Status.NUMERIC for e in proof.entries)
    how = (" (layer by layer: the output, hidden-layer and weight lemmas, each for an unknown "
           "rest of the network)" if proof.by_layers else "")
    line = (f"explicit network {layers}: {proof.proved} of {proof.total} entries of dC/dW and dC/db "
            f"proved equal to the recurrence{how}")
    if numeric:
        line += f" ({numeric} numerically)"
    failed = proof.total - proof.proved - numeric
    if failed:
        line += f"; {failed} DIFFER"
    against = ("central differences of the cost (relative to the largest entry)"
               if proof.by_layers else "the direct derivatives")
    return line + (f"; with the chosen activations at a random point the largest difference "
                   f"from {against} is {proof.numeric_error:.1e}")


def backprop_latex(document: BackpropDocument, options) -> str:
    links = options.standalone
    body = [derivations_latex(document.derivations, links=links)]
    for note in document.notes:
        body.append(r"\noindent\textbf{Note:} " + prose(note) + r"\par")
    if document.proof is not None:
        body.append(r"\section{Proof on an explicit network}" if links else
                    r"\subsection*{Proof on an explicit network}")
        body.append(r"\noindent The cost is written out as a function of every weight and bias, "
                    r"differentiated directly, and compared with the recurrence: "
                    + tex_text(proof_line(document.proof)) + r".\par")
    text_ = "\n".join(body)
    if not options.standalone:
        return text_
    return latex_document(document.title, text_, command=options.command,
                          sections=len(document.derivations) + 1,
                          appendix=checks_appendix(document.derivations))


def backprop_markdown(document: BackpropDocument, options=None) -> str:
    out = [f"## {document.title}", ""]
    out += [derivation_markdown(d) for d in document.derivations]
    out += [f"**Note:** {n}\n" for n in document.notes]
    if document.proof is not None:
        out.append("### Proof on an explicit network\n")
        out.append(proof_line(document.proof) + ".\n")
    return "\n".join(out)


def backprop_rich(document: BackpropDocument, options=None):
    from rich.console import Group
    from rich.text import Text

    parts = [Text(document.title, style="bold")]
    parts += [derivation_rich(d) for d in document.derivations]
    parts += [Text(f"note: {n}", style="yellow") for n in document.notes]
    if document.proof is not None:
        parts.append(Text(proof_line(document.proof),
                          style="green" if document.proof.holds else "bold red"))
    return Group(*parts)


def backprop_dict(document: BackpropDocument) -> dict:
    proof = document.proof
    return {
        "title": document.title,
        "holds": document.holds,
        "derivations": [derivation_dict(d) for d in document.derivations],
        "notes": list(document.notes),
        "proof": None if proof is None else {
            "layers": list(proof.layers), "proved": proof.proved, "total": proof.total,
            "entries": {e.parameter: e.status.value for e in proof.entries},
            "numeric_error": proof.numeric_error, "seconds": round(proof.seconds, 3),
            "holds": proof.holds,
        },
    }


# --------------------------------------------------------------------------------------------------


def backprop_json(document: BackpropDocument, options) -> str:
    return json_text(backprop_dict(document))
