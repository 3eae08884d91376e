"""Finding the equations of a Markdown or LaTeX document, with their line numbers and sections."""

from __future__ import annotations

import bisect
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


ENVIRONMENTS = ("equation", "equation*", "align", "align*", "aligned", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*", "split")
# every delimiter, found in one linear pass; the scan below pairs them up
TOKEN = re.compile(r"```|<!--|-->|\\\\\[|\\\\\]|\\\[|\\\]|\\\\\(|\\\\\)|\\\(|\\\)|\$\$|(?<!\\)\$"
                   r"|\\(begin|end)\{([A-Za-z]+\*?)\}|`|\n")
CLOSERS = {"$$": "$$", r"\[": r"\]", r"\(": r"\)", "\\\\[": "\\\\]", "\\\\(": "\\\\)",
           "```": "```", "<!--": "-->", "`": "`", "$": "$"}
NOT_MATH = ("```", "<!--", "`")
PROSE_PREFIX = re.compile(r"^\s*(?:\\text\{[^{}]*\}|\\Rightarrow|\\implies|\\therefore|\\to"
                          r"|\\quad|\\qquad|\\rightarrow|,)\s*")


def extract(text: str) -> list[Equation]:
    r"""Every display or inline formula, with the line it starts on and the section it is in:
    `$...$`, `$$...$$`, `\(...\)`, `\[...\]` (and their Markdown-escaped `\\(...\\)`, `\\[...\\]`),
    and the equation environments; not inside code fences, inline code or HTML comments. Linear in
    the size of the text: each delimiter is paired by a jump to the next closer of its kind."""
    tokens = [(m.start(), m.end(), _kind(m)) for m in TOKEN.finditer(text)]
    where: dict[str, list[int]] = {}
    for index, (_, _, kind) in enumerate(tokens):
        where.setdefault(kind, []).append(index)
    newlines = [start for start, _, kind in tokens if kind == "\n"]
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^#+\s*(.+)$", text, re.M)]
    heading_starts = [pos for pos, _ in headings]
    out, i = [], 0
    while i < len(tokens):
        start, end, kind = tokens[i]
        closer = _closer(kind)
        if closer is None:
            i += 1
            continue
        j = _next(where.get(closer, ()), i)
        if j is None:  # never closed: nothing of this kind later can close either
            i += 1
            continue
        close_start, close_end, _ = tokens[j]
        body = text[end:close_start]
        if kind in ("$", "`") and ("\n" in body or not body.strip()):
            i += 1  # inline math and inline code stay on one line
            continue
        if kind == "$" and (body[0].isspace() or body[-1].isspace()
                            or text[close_end:close_end + 1].isdigit()):
            i += 1  # as pandoc reads it: "costs $5 and $10" holds no formula
            continue
        if kind not in NOT_MATH and body.strip():
            line = bisect.bisect_left(newlines, start) + 1
            k = bisect.bisect_right(heading_starts, start)
            out.append(Equation(line, body.strip(), headings[k - 1][1] if k else ""))
        i = j + 1
    return out


def _kind(match) -> str:
    if match.group(1):
        return f"\\{match.group(1)}{{{match.group(2)}}}"
    return match.group()


def _closer(kind: str) -> str | None:
    if kind.startswith("\\begin{"):
        name = kind[len("\\begin{"):-1]
        return f"\\end{{{name}}}" if name in ENVIRONMENTS else None
    return CLOSERS.get(kind)


def _next(indices, after: int) -> int | None:
    k = bisect.bisect_right(indices, after)
    return indices[k] if k < len(indices) else None


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
