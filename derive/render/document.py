"""The one LaTeX document template every standalone output uses."""

from __future__ import annotations

import re

from derive.render.printers import tex_text, tt_text

PREAMBLE = (
    "\\documentclass[11pt]{article}\n"
    "\\usepackage[margin=2.2cm]{geometry}\n"
    "\\usepackage{amsmath,amssymb}\n"
    "\\usepackage{graphicx}\n"
    "\\usepackage{array,longtable}\n"
    "\\usepackage[hidelinks]{hyperref}\n"
    "\\allowdisplaybreaks\n"
    "\\setlength{\\parindent}{0pt}\n"
    "\\begin{document}\n")
RAGGED = r">{{\raggedright\arraybackslash}}p{{{}}}"   # a table column whose words do not stretch
CONTENTS_FROM = 6   # sections from which a document gets a table of contents


def latex_document(title: str, body: str, title_is_latex: bool = False, command: str = "",
                   sections: int = 0, appendix: str = "") -> str:
    """A complete document for pdflatex: the title (plain words, escaped; or LaTeX already made
    safe when `title_is_latex`), the command that produced it (no date), a table of contents
    when there are CONTENTS_FROM or more sections, `body`, then `appendix`."""
    heading = title if title_is_latex else tex_text(title)
    head = []
    if title:
        head.append("\\begin{center}{\\Large\\bfseries " + heading + "\\par}")
        if command:
            head.append("\\smallskip{\\small Produced by \\texttt{" + tt_text(command)
                        + "}\\par}")
        head.append("\\end{center}")
    if sections >= CONTENTS_FROM:
        head.append("\\tableofcontents")
    tail = ("\n\\appendix\n" + appendix) if appendix else ""
    return PREAMBLE + "\n".join(head) + "\n" + body + tail + "\\end{document}\n"


def pdf_safe(words: str) -> str:
    """Words for a PDF bookmark: letters, digits and plain punctuation only."""
    return re.sub(r"[^A-Za-z0-9 ,.:;()'+=/-]", "", words.replace("^", "").replace("_", ""))
