"""Finding the equations of a Markdown or LaTeX document, with their line numbers and sections."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Equation:
    line: int
    latex: str
    section: str


@dataclass(frozen=True)
class Line:
    """One line of an aligned block: its text, whether it continues the line before ('&= ...'),
    and how many lines below the block's start it is."""

    text: str
    continues: bool
    offset: int


MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{(align\*?|aligned|equation\*?|gather\*?)\}"
                  r"(.+?)\\end\{\3\}|(?<![\\$])\$([^$\n]+?)\$", re.S)
PROSE_PREFIX = re.compile(r"^\s*(?:\\text\{[^{}]*\}|\\Rightarrow|\\implies|\\therefore|\\to"
                          r"|\\quad|\\qquad|\\rightarrow|,)\s*")


def extract(text: str) -> list[Equation]:
    """Every display or inline formula, with the line it starts on and the section it is in."""
    code = _code_spans(text)
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^#+\s*(.+)$", text, re.M)]
    out = []
    for m in MATH.finditer(text):
        if any(start <= m.start() < end for start, end in code):
            continue
        body = next(g for g in (m.group(1), m.group(2), m.group(4), m.group(5)) if g is not None)
        section = next((t for pos, t in reversed(headings) if pos <= m.start()), "")
        out.append(Equation(text.count("\n", 0, m.start()) + 1, body.strip(), section))
    return out


def _code_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"```.*?```|`[^`\n]*`", text, re.S)]


INNER_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{(?:aligned|split|gathered|align\*?)\}")


def lines(body: str) -> list[Line]:
    """Lines of an aligned block; a line starting with '&=' or '=' continues the one before."""
    body = INNER_ENVIRONMENT.sub(" ", body)
    out, position = [], 0
    for part in re.split(r"(\\\\(?:\[[^\]]*\])?)", body):
        newlines = body.count("\n", 0, position)
        position += len(part)
        if not part.strip() or part.startswith("\\\\"):
            continue
        stripped = part.strip()
        while PROSE_PREFIX.match(stripped):
            stripped = PROSE_PREFIX.sub("", stripped)
        continues = bool(re.match(r"^&?\s*=", stripped)) and len(out) > 0
        out.append(Line(stripped, continues,
                        newlines + part[:len(part) - len(part.lstrip())].count("\n")))
    return out


def clean(line: str) -> str:
    """Alignment marks and leading '=' of continued lines; prose prefixes such as \\text{if, }."""
    line = line.replace("&", " ")
    line = re.sub(r"^\s*=", "", line)
    line = re.sub(r"\\(?:label|tag|nonumber|notag)\{?[^}\s]*\}?", "", line)
    while PROSE_PREFIX.match(line):
        line = PROSE_PREFIX.sub("", line)
    return line.rstrip(" ,.;")




def without_tex_comments(text: str) -> str:
    """A .tex file without its comments ('%' to the end of the line, but not '\\%')."""
    return re.sub(r"(?<!\\)%.*", "", text)
