"""The one LaTeX document template every standalone output uses."""

from __future__ import annotations

from derive.render.printers import tex_text

PREAMBLE = ("\\documentclass[11pt]{article}\n\\usepackage{amsmath,amssymb}\n\\allowdisplaybreaks\n"
            "\\begin{document}\n")


def latex_document(title: str, body: str, title_is_latex: bool = False) -> str:
    """A complete document for pdflatex: `title` (plain words, escaped; or LaTeX already made
    safe when `title_is_latex`) as an unnumbered section, then `body`."""
    heading = title if title_is_latex else tex_text(title)
    return PREAMBLE + (f"\\section*{{{heading}}}\n" if title else "") + body + "\\end{document}\n"
