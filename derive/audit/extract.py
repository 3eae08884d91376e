"""Finding the equations of a Markdown or LaTeX document, with their line numbers and sections."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from derive.audit.conditions import AT
from derive.text.context import CASE as CASE_PATTERN
from derive.text.latex_packages import written_out
from derive.text.latex_tokens import DECORATIONS, group_end


@dataclass(frozen=True)
class Cell:
    """Where a formula sits in a table: the row (its own scope) and the math of its column's
    header (`a^m = \\sigma^m(z^m)` or `C`), which the cell's formula completes."""

    table: int
    row: int
    header: str | None


@dataclass(frozen=True)
class Equation:
    line: int
    latex: str
    section: str
    prose: str = ""             # the text of the sentence just before it
    display: bool = True
    level: int = 0              # depth of the heading it is under (0: before any heading)
    heading: int = 0            # position of that heading, so a new section can be told apart
    cell: Cell | None = None
    lead: str = ""              # the words just before it, across a paragraph break
    after: str = ""             # the rest of its line after it ('$C$ - the cost')
    introduction: str = ""      # what introduces the list or block it opens ('Common slips:')


@dataclass(frozen=True)
class Line:
    """One line of an aligned block: its text, whether it continues the line before ('&= ...'),
    and how many lines below the block's start it is."""

    text: str
    continues: bool
    offset: int
    case: str = ""      # a case of its indices written after it on the line ('\\quad i = j')
    said: str = ""      # the words set before it (`\\text{Let } x = y`), taken off its text
    aside: bool = False  # a reason (`\because z = ...`): the chain goes on from the line before


ENVIRONMENTS = ("equation", "equation*", "align", "align*", "aligned", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*", "split")
# every delimiter, found in one linear pass; the scan below pairs them up
TOKEN = re.compile(r"```|<!--|-->|\\\\\[|\\\\\]|\\\[|\\\]|\\\\\(|\\\\\)|\\\(|\\\)|\$\$|(?<!\\)\$"
                   r"|\\(begin|end)\{([A-Za-z]+\*?)\}|`|\n")
CLOSERS = {"$$": "$$", r"\[": r"\]", r"\(": r"\)", "\\\\[": "\\\\]", "\\\\(": "\\\\)",
           "```": "```", "<!--": "-->", "`": "`", "$": "$"}
# code in a LaTeX document: listings and verbatim text are not mathematics
CODE_ENVIRONMENTS = ("lstlisting", "verbatim", "verbatim*", "Verbatim", "minted", "comment")
NOT_MATH = ("```", "<!--", "`") + tuple(f"\\begin{{{name}}}" for name in CODE_ENVIRONMENTS)
PROSE_PREFIX = re.compile(r"^\s*(?:\\text\s*\{[^{}]*\}|\\Rightarrow|\\implies|\\therefore|\\because|\\to"
                          r"|\\quad|\\qquad|\\rightarrow|,)\s*")

REASON = re.compile(r"\\because|\\text\s*\{\s*(?:since|because|as|by)\b", re.IGNORECASE)


def extract(text: str) -> list[Equation]:
    r"""Every display or inline formula, with the line it starts on and the section it is in:
    `$...$`, `$$...$$`, `\(...\)`, `\[...\]` (and their Markdown-escaped `\\(...\\)`, `\\[...\\]`),
    and the equation environments; not inside code fences, inline code or HTML comments. Linear in
    the size of the text: each delimiter is paired by a jump to the next closer of its kind."""
    text = without_code(text)
    tokens = [(m.start(), m.end(), _kind(m)) for m in TOKEN.finditer(text)]
    where: dict[str, list[int]] = {}
    for index, (_, _, kind) in enumerate(tokens):
        where.setdefault(kind, []).append(index)
    newlines = [start for start, _, kind in tokens if kind == "\n"]
    headings = _headings(text)
    heading_starts = [pos for pos, _, _ in headings]
    cells = _cells(text)
    cell_starts = [start for start, _, _ in cells]
    out, i, previous_end = [], 0, 0
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
            # the formula's own line: `$$` or `\\begin{align}` may stand on the line before it
            line = bisect.bisect_left(newlines, start) + 1 + \
                body[:len(body) - len(body.lstrip())].count("\n")
            k = bisect.bisect_right(heading_starts, start)
            position, level, title = headings[k - 1] if k else (0, 0, "")
            c = bisect.bisect_right(cell_starts, start) - 1
            cell = cells[c][2] if c >= 0 and start < cells[c][1] else None
            out.append(Equation(line, body.strip(), title,
                                _prose(text, position, start),
                                kind not in ("$", r"\(", "\\\\("), level, position, cell,
                                " ".join(text[max(previous_end, position, start - 150):start]
                                         .split()),
                                _after(text, close_end), _introduction(text, start)))
        previous_end = close_end
        i = j + 1
    return out


HEADING = re.compile(r"^(#{1,6})\s*(.+)$|\\((?:sub)*)section\*?\{([^{}\n]*)\}"
                     r"|\\paragraph\{([^{}\n]*)\}", re.M)
# a Markdown code fence: ``` or ~~~ (three or more), indented at most three spaces
FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})", re.M)
VERB = re.compile(r"\\verb\*?(?P<mark>[^A-Za-z\s*])[^\n]*?(?P=mark)")


def without_code(text: str) -> str:
    """`text` with its code blanked (each character a space, its lines kept): Markdown fenced
    blocks as CommonMark closes them (a fence of the same character, at least as long; an
    unclosed one runs to the end) and LaTeX's `\\verb|...|`."""
    spans = [(m.start(), m.end()) for m in VERB.finditer(text)]
    position = 0
    while (opening := FENCE_OPEN.search(text, position)) is not None:
        fence = opening.group("fence")
        closing = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence))
                             + r",}[ \t]*$", re.M)
        line_end = text.find("\n", opening.end())
        found = closing.search(text, len(text) if line_end < 0 else line_end + 1)
        end = len(text) if found is None else found.end()
        spans.append((opening.start(), end))
        position = end
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for k in range(start, end):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


FENCE = re.compile(r"^\s*```", re.M)
# a sentence ends at '.', '!' or '?' (not the one of 'i.e.', 'e.g.', 'cf.', 'vs.'), a blank line
# or a list item
SENTENCE_END = re.compile(r"(?:(?<!\bi\.e)(?<!\be\.g)(?<!\bcf)(?<!\bvs)[.!?]\s|\n\s*\n"
                          r"|^\s*[-*+]\s|^\s*\d+\.\s)", re.M)


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(position, depth, title) of every Markdown heading and LaTeX sectioning command; a `#`
    line inside a code fence is a comment of the code (`# Define our function`), not a heading."""
    fences = [m.start() for m in FENCE.finditer(text)]
    out = []
    for m in HEADING.finditer(text):
        if bisect.bisect_right(fences, m.start()) % 2:
            continue   # after an odd number of fences: inside one
        if m.group(1):
            out.append((m.start(), len(m.group(1)), m.group(2).strip()))
        elif m.group(4) is not None:
            out.append((m.start(), 1 + len(m.group(3)) // 3, m.group(4).strip()))
        else:
            out.append((m.start(), 4, m.group(5).strip()))
    return out


def _after(text: str, end: int) -> str:
    """The words after a formula, to the end of its line; for a formula that ends its line (a
    display), the next line of the paragraph ('$$\\sqrt{x^2} = x$$' then 'for $x > 0$.')."""
    rest, _, following = text[end:end + 240].partition("\n")
    if rest.strip() or not following.strip() or following.lstrip().startswith(("$$", "\\[")):
        return rest[:120]
    return following.split("\n", 1)[0][:120]


LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
INTRODUCED = 40   # lines back to the line that introduces a list


def _introduction(text: str, start: int) -> str:
    """The line that introduces the list item or the block a formula opens: the last line
    before it, ending in ':' or '?', with only blank lines and the list's earlier items (and their
    indented lines) between ('Common slips:' over '- $...$'). Empty for a formula with words of
    its own before it on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    own = text[line_start:start]
    if own.strip() and not LIST_ITEM.fullmatch(own):
        return ""
    lines = text[:line_start].split("\n")[-INTRODUCED - 1:-1]
    for line in reversed(lines):
        if not line.strip() or LIST_ITEM.match(line) or line[:1].isspace():
            continue
        return " ".join(line.split()) if line.rstrip().endswith((":", "?")) else ""
    return ""


def _prose(text: str, start: int, end: int) -> str:
    """The words before a formula, back to the start of its sentence (at most 200 characters)."""
    before = text[max(start, end - 200):end]
    ends = list(SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    return " ".join(before.split())


def _cells(text: str) -> list[tuple[int, int, Cell]]:
    """(start, end, Cell) of every body cell of a table: Markdown pipe tables, and rows of cells
    separated by tabs (two or more rows with the same number of cells)."""
    out, table, rows = [], 0, []
    position = 0
    for line in text.split("\n") + [""]:
        cells = _split_row(line, position)
        if cells and (not rows or len(cells) == len(rows[0])):
            rows.append(cells)
        else:
            out += _table_cells(rows, table)
            table += 1
            rows = [cells] if cells else []
        position += len(line) + 1
    return out


def _split_row(line: str, position: int) -> list[tuple[int, int, str]]:
    """The cells of a table row (start, end, text), or [] for a line that is not one."""
    pipes = line.lstrip().startswith("|")
    if not pipes and "\t" not in line.strip():
        return []
    mark, cells, start, in_math = ("|" if pipes else "\t"), [], 0, False
    for k, ch in enumerate(line):
        if ch == "$" and (k == 0 or line[k - 1] != "\\"):
            in_math = not in_math
        elif ch == mark and not in_math:
            cells.append((position + start, position + k, line[start:k]))
            start = k + 1
    cells.append((position + start, position + len(line), line[start:]))
    if pipes:
        cells = [c for c in cells[1:] if c[2].strip() or c is not cells[-1]]
        if cells and not cells[-1][2].strip():
            cells = cells[:-1]
    cells = [c for c in cells if c[2].strip()] if not pipes else cells
    return cells if len(cells) >= 2 else []


def _table_cells(rows: list, table: int) -> list[tuple[int, int, Cell]]:
    if len(rows) < 2:
        return []
    header, body = rows[0], rows[1:]
    if body and all(re.fullmatch(r"\s*:?-{2,}:?\s*", c[2]) for c in body[0]):
        body = body[1:]   # the Markdown separator row
    math = [re.findall(r"(?<!\\)\$([^$]+)\$", c[2]) for c in header]
    heads = [m[0].strip() if len(m) == 1 else None for m in math]
    return [(start, end, Cell(table, number, heads[k]))
            for number, row in enumerate(body, 1) for k, (start, end, _) in enumerate(row)]


def _kind(match) -> str:
    if match.group(1):
        return f"\\{match.group(1)}{{{match.group(2)}}}"
    return match.group()


def _closer(kind: str) -> str | None:
    if kind.startswith("\\begin{"):
        name = kind[len("\\begin{"):-1]
        return f"\\end{{{name}}}" if name in ENVIRONMENTS + CODE_ENVIRONMENTS else None
    return CLOSERS.get(kind)


def _next(indices, after: int) -> int | None:
    k = bisect.bisect_right(indices, after)
    return indices[k] if k < len(indices) else None


# environments nested in a display (`\\[\\begin{equation} ... \\end{equation}\\]` in Jekyll notes)
INNER_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{(?:aligned|split|gathered|align|equation|gather|"
                               r"multline)\*?\}")


POINT = re.compile(r"^(?:[A-Za-z]|\\[a-z]+)\s*=\s*-?\s*\d+(?:\.\d+)?\s*[.,;]?$")
POINT_WORDS = re.compile(r"\b" + AT + r"\b")


def lines(body: str) -> list[Line]:
    """Lines of an aligned block; a line starting with '&=' or '=' continues the one before."""
    body = INNER_ENVIRONMENT.sub(" ", body)
    out, position = [], 0
    for part in _rows(body):
        newlines = body.count("\n", 0, position)
        position += len(part)
        if not part.strip() or part.startswith("\\\\"):
            continue
        offset = newlines + part[:len(part) - len(part.lstrip())].count("\n")
        first = len(out)
        for k, piece in enumerate(_formulas(part.strip())):
            stripped = _without_edge_spaces(piece)   # `\\ g(x) = 1 - x`, `f(x) = x^2\\ `
            said = []
            while PROSE_PREFIX.match(stripped):
                said.append(PROSE_PREFIX.match(stripped).group())
                stripped = PROSE_PREFIX.sub("", stripped)
            if not stripped:
                continue
            words = " ".join(said)
            if len(out) > first and POINT.match(stripped) and POINT_WORDS.search(words):
                # '\\quad \\text{for } x = -3': the point the formula before is stated at, kept
                # with it (no definition of x)
                out[-1] = replace(out[-1], text=f"{out[-1].text} \\quad {words} {stripped}")
                continue
            case = CASE.match(stripped)
            if case and len(out) > first:   # '..., \\quad i = j': the case of the formula before
                out[-1] = replace(out[-1], case=case.group(1))
                continue
            continues = k == 0 and bool(re.match(r"^&?\s*=", stripped)) and len(out) > 0
            out.append(Line(stripped, continues, offset, said=" ".join(said),
                            aside=k > 0 and any(REASON.search(w) for w in said)))
    return out


def _without_edge_spaces(text: str) -> str:
    """A piece split from a line without the spacing at its ends (`\\ ` and `~` are spaces, and a
    lone backslash is what is left of one); in one pass from each end."""
    start, end = 0, len(text)
    while start < end:
        if text[start].isspace() or text[start] == "~":
            start += 1
        elif text[start] == "\\" and start + 1 < end and text[start + 1] in " ,;:!":
            start += 2
        else:
            break
    while end > start:
        lone = text[end - 1] == "\\" and (end - 2 < start or text[end - 2] != "\\")
        if text[end - 1].isspace() or text[end - 1] == "~" or lone:
            end -= 1
        elif end - start >= 2 and text[end - 2] == "\\" and text[end - 1] in ",;:!" and (
                end - 3 < start or text[end - 3] != "\\"):
            end -= 2
        else:
            break
    return text[start:end]



def _formulas(part: str) -> list[str]:
    """The formulas of one line: split at words that join two (`\\text{ hence }`), and at a wide
    space or an arrow between two equations (`f = x y \\qquad \\frac{\\partial f}{\\partial x} = y`;
    read as one, the space would multiply its neighbours). A space beside a condition or a
    side without `=` stays."""
    out = []
    for piece in (one for pair in _column_pairs(part) for clause in _where_first(pair)
                  for one in CONNECTIVE.split(clause)):
        pieces = SEPARATOR.split(piece)
        current = pieces[0]
        for separator, following in zip(pieces[1::2], pieces[2::2]):
            # not at an arrow: `f_c(x) = c + x \\rightarrow \\frac{df}{dx} = 1` means the
            # derivative of the function just defined, whatever f was before
            if "=" in current and ("=" in following or CASE.match(following)) \
                    and not ARROW.search(separator):
                out.append(current)
                current = following
            else:
                current += separator + following
        out.append(current)
    # `x = 4, y = -3`: values of several letters, given in one formula
    return [one for piece in out for one in (piece.split(",") if VALUES.fullmatch(piece)
                                             else [piece])]


def _where_first(part: str) -> list[str]:
    """`y = f(g(x)), \\text{ where } f(x) = x^2`: the definitions after "where", then the
    formula they are for (read in that order). A condition there (`x > 0`) stays with its formula
    (which is then refused: checked without it, it could fail)."""
    pieces = WHERE.split(part, maxsplit=1)
    if len(pieces) == 2 and "=" in pieces[1] and not RELATION_SIGN.search(pieces[1]):
        return [pieces[1], pieces[0].rstrip().removesuffix(",")]
    return [part]


WHERE = re.compile(r"\\text\s*\{\s*where\s*\}")   # from its backslash: linear
RELATION_SIGN = re.compile(r"[<>]|\\(?:leq?|geq?|neq?|ne|lt|gt|in|notin|approx)(?![A-Za-z])")


def _column_pairs(part: str) -> list[str]:
    """An align row is pairs of columns, each pair one equation (`u &= x - 3 & v &= x - 1`): the
    pairs, when the row has two or more and each is an equation; else the row. An `&` inside a
    group or a nested environment (a matrix's cells) is not the row's."""
    cells, depth, start = [], 0, 0
    for m in COLUMN_MARK.finditer(part):
        token = m.group()
        if token in ("{", "\\begin"):
            depth += 1
        elif token in ("}", "\\end"):
            depth -= 1
        elif token == "&" and depth == 0:
            cells.append(part[start:m.start()])
            start = m.end()
    cells.append(part[start:])
    if len(cells) < 4:
        return [part]
    pairs = [" & ".join(cells[k:k + 2]) for k in range(0, len(cells), 2)]
    return pairs if all("=" in pair for pair in pairs) else [part]


COLUMN_MARK = re.compile(r"\\(?:begin|end)(?![A-Za-z])|\\[{}&]|[{}&]")


# (no two `\s*` side by side, which would take quadratic time on a long run of spaces)
VALUE = r"\s*\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?\s*=\s*-?\s*\d+(?:\.\d+)?"
VALUES = re.compile(rf"{VALUE}(?:\s*,{VALUE})+(?:\s*[.,;])?\s*")


# a case of two indices set after a formula on its line: `\\quad i = j`, `\\quad i \\neq j.`
CASE = re.compile(r"^\s*(?:\\text\s*\{\s*(?:for|if|when|where)\s*\}\s*)?"
                  rf"({CASE_PATTERN})(?:\s*[.,;])?\s*$")
# a wide space or an arrow, as writers set two equations apart on one line
SPACE_OR_ARROW = (r"(?:\\hspace\*?\s*\{[^{}]*\}|\\q?quad(?![A-Za-z])|\\(?:Longrightarrow|"
                  r"longrightarrow|Rightarrow|rightarrow|implies)(?![A-Za-z]))")
SEPARATOR = re.compile(rf"((?:{SPACE_OR_ARROW}\s*)+)")   # each match starts at a backslash: linear
ARROW = re.compile(r"\\(?:Longrightarrow|longrightarrow|Rightarrow|rightarrow|implies)")
# words between two formulas on one line: `z = W a + b \\text{ which makes } \\frac{dz}{da} = W`
CONNECTIVE = re.compile(r"\\text\s*\{\s*(?:which (?:makes|gives|means)|hence|thus|therefore|and|"
                        r"then|so|giving|i\.e\.,?)\s*\}")


ROW_BREAK = re.compile(r"\\\\(?:\[[^\]]*\])?|\\(?:begin|end)\{[A-Za-z]*(?:matrix|cases|array)\*?\}")


def _rows(body: str) -> list[str]:
    """The body split at its row breaks `\\\\`, except those inside a matrix or cases, with
    each break kept as a part of its own."""
    parts, start, depth = [], 0, 0
    for m in ROW_BREAK.finditer(body):
        if m.group().startswith("\\begin"):
            depth += 1
        elif m.group().startswith("\\end"):
            depth = max(0, depth - 1)
        elif depth == 0:
            parts += [body[start:m.start()], m.group()]
            start = m.end()
    return parts + [body[start:]]


# a tag after the formula: `\\rightarrow \\quad \\text{EqA1.1}`, `\\quad \\to \\mathbf{EqA1}`
TRAILING_TAG = re.compile(r"(?:\s*\\q?quad)*\s*\\(?:rightarrow|Rightarrow|to|implies)(?:\s*\\q?quad)*\s*"
                          r"(?:\\text\s*\{[^{}]*\}|\\mathbf\s*\{\s*[A-Za-z0-9.]*\s*\})\s*$"
                          # `\\quad \\text{(Prediction)}`: a label in words, after a space
                          r"|(?:\s*\\q?quad)+\s*\\text\s*\{\s*\([A-Za-z][A-Za-z -]*\)\s*\}\s*$")
# the end-of-proof marks after a formula (`... = a(1 - a). \quad \blacksquare`)
END_OF_PROOF = ("\\blacksquare", "\\square", "\\qed", "\\Box")


def _without_end_of_proof(line: str) -> str:
    """`line` without an end-of-proof mark at its end, nor the spacing before it (a scan back
    from the end: linear in the line)."""
    i = len(line.rstrip())
    mark = next((m for m in END_OF_PROOF if line.startswith(m, i - len(m))), None)
    if mark is None:
        return line
    i -= len(mark)
    while True:
        while i > 0 and line[i - 1].isspace():
            i -= 1
        space = next((q for q in ("\\qquad", "\\quad") if line.startswith(q, i - len(q))), None)
        if space is None:
            return line[:i]
        i -= len(space)


TAG_TAIL = 300   # characters at the end of a line where a tag is looked for


def _without_trailing_tag(line: str) -> str:
    """`line` without a tag after the formula (`\\Rightarrow \\text{(BP1)}`). Only the line's end
    is searched: the pattern, tried from every position of a long run of spaces, was quadratic."""
    return line[:-TAG_TAIL] + TRAILING_TAG.sub("", line[-TAG_TAIL:])

# a whole formula set in bold (as a whole, not a vector), or in a group of its own
BOLD_FORMULA = re.compile(r"^\s*(?:\\(?:mathbf|boldsymbol|bm|boxed|fbox)\s*)?\{(.*)\}\s*$", re.S)


def clean(line: str) -> str:
    """Alignment marks and leading '=' of continued lines; prose prefixes such as \\text{if, };
    a tag after the formula; braces left unmatched where a coloured or bold group spans several
    lines; an end-of-proof mark; a whole formula set in bold or in a box (`\\boxed{f'(x) = 2x}`)."""
    line = written_out(line.replace("&", " "))   # \\overset{(a)}{=}: the = it annotates
    line = DECORATIONS.sub(" ", line)   # \\displaystyle f(x) = ...: the f it defines
    line = re.sub(r"^\s*=", "", line)
    line = re.sub(r"\\(?:label|tag|nonumber|notag)\{?[^}\s]*\}?", "", line)
    line = _math_in_text(_matched_braces(line))
    bold = BOLD_FORMULA.match(line)
    if bold and "=" in bold.group(1) and _matched_braces(bold.group(1)) == bold.group(1):
        line = bold.group(1)
    line = _without_end_of_proof(_without_trailing_tag(line))
    while PROSE_PREFIX.match(line):
        line = PROSE_PREFIX.sub("", line)
    line = re.sub(r"^\s*=", "", line)
    return line.rstrip(" ,.;")


DECORATION = re.compile(r"\\(?:textcolor\s*\{[^{}]*\}|color\s*\{[^{}]*\}|framebox|fbox|boxed|"
                        r"textbf|textit|emph)|[{}\s]")


def _math_in_text(line: str) -> str:
    """`\\text{\\textcolor{green}{\\framebox{$ x $}}}`: the formula a text group only decorates
    (a box, a colour) is the formula itself."""
    out, start = [], 0
    for m in re.finditer(r"\\text\s*\{", line):
        if m.start() < start:
            continue
        end = group_end(line, m.end())
        math = end and re.fullmatch(r"([^$]*)\$([^$]+)\$([^$]*)", line[m.end():end - 1])
        if math and not DECORATION.sub("", math.group(1) + math.group(3)):
            out += [line[start:m.start()], " ", math.group(2), " "]
            start = end
    return "".join(out) + line[start:]


def _matched_braces(line: str) -> str:
    """`line` without the braces that have no partner in it (a group opened on the line before,
    or closed on the line after); escaped braces are left alone."""
    unmatched, opened = set(), []
    for m in re.finditer(r"\\[{}]|[{}]", line):
        if m.group() == "{":
            opened.append(m.start())
        elif m.group() == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(m.start())
    unmatched.update(opened)
    return "".join(c for k, c in enumerate(line) if k not in unmatched)




def without_tex_comments(text: str) -> str:
    """A .tex file without its comments ('%' to the end of the line, but not '\\%') and what
    `\\iffalse ... \\fi` hides from the typeset document, each line kept as a line."""
    return _without_iffalse(re.sub(r"(?<!\\)%.*", "", text))


IFFALSE = re.compile(r"\\iffalse(?![a-zA-Z])")
# the conditionals \fi closes (\ifthenelse is a command of its own, closed by nothing)
CONDITIONAL = re.compile(r"\\(fi|if(?!thenelse)[a-zA-Z]*)(?![a-zA-Z])")


def _without_iffalse(text: str) -> str:
    """`text` with each `\\iffalse ... \\fi` block (nested conditionals counted; unclosed: to
    the end) replaced by its line breaks."""
    pieces, i = [], 0
    while (m := IFFALSE.search(text, i)) is not None:
        depth, end = 1, len(text)
        for t in CONDITIONAL.finditer(text, m.end()):
            depth += -1 if t.group(1) == "fi" else 1
            if depth == 0:
                end = t.end()
                break
        pieces += [text[i:m.start()], "\n" * text.count("\n", m.start(), end)]
        i = end
    return "".join(pieces) + text[i:]


MACRO = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*(?:\[(\d)\])?\s*\{"
                   r"|\\def\s*\\([A-Za-z]+)\s*\{|\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z]+)\s*\}\s*\{")
MAX_EXPANSION = 20_000   # characters a formula may grow to by its macros


def macros(text: str) -> dict[str, tuple[int, str]]:
    """The document's own commands: `\\newcommand{\\deriv}[2]{\\frac{\\partial #1}{\\partial #2}}`,
    `\\def\\R{\\mathbb{R}}`, `\\DeclareMathOperator{\\tr}{tr}` (an operator name, as roman text);
    a command defined again, as last defined."""
    return {name: command for _, name, command in macro_definitions(text)}


def macro_definitions(text: str) -> list[tuple[int, str, tuple[int, str]]]:
    """(line, name, (arguments, body)) of each of the document's commands, in the text's order."""
    found = []
    for m in MACRO.finditer(text):
        body = _group(text, m.end() - 1)
        if body is None:
            continue
        line = text.count("\n", 0, m.start()) + 1
        if m.group(1):
            found.append((line, m.group(1), (int(m.group(2) or 0), body)))
        elif m.group(3):
            found.append((line, m.group(3), (0, body)))
        else:
            found.append((line, m.group(4), (0, f"\\operatorname{{{body}}}")))
    return found


def macros_at(definitions: list, line: int) -> dict[str, tuple[int, str]]:
    """The commands in force at `line`: each as last defined on or before it (`\\renewcommand`
    and a second `\\def` change what follows them only); one defined only after it, as first
    defined."""
    commands: dict = {}
    for at, name, command in definitions:
        if at <= line or name not in commands:
            commands[name] = command
    return commands


def expand(latex: str, commands: dict[str, tuple[int, str]]) -> str:
    """`latex` with the document's commands written out (a few rounds, for commands that use
    commands; never longer than MAX_EXPANSION)."""
    if not commands:
        return latex
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, commands)) + r")(?![A-Za-z])")
    for _ in range(8):
        out, position, changed = [], 0, False
        for m in pattern.finditer(latex):
            if m.start() < position:
                continue
            count, body = commands[m.group(1)]
            end, arguments = m.end(), []
            for _ in range(count):
                while end < len(latex) and latex[end].isspace():
                    end += 1
                argument = _group(latex, end) if latex[end:end + 1] == "{" else (
                    latex[end:end + 1] or None)
                if argument is None:
                    break
                arguments.append(argument)
                end += len(argument) + 2 if latex[end] == "{" else 1
            if len(arguments) != count:
                continue
            replaced = re.sub(r"#(\d)", lambda a: arguments[int(a.group(1)) - 1]
                              if 0 < int(a.group(1)) <= count else a.group(), body)
            out += [latex[position:m.start()], "{" + replaced + "}" if count else replaced + " "]
            position, changed = end, True
        latex = "".join(out) + latex[position:]
        if len(latex) > MAX_EXPANSION:
            return latex[:MAX_EXPANSION]
        if not changed:
            break
    return latex


def unexpanded(latex: str, commands: dict[str, tuple[int, str]]) -> str:
    """`latex` with what a command of no arguments stands for written as the command again
    (`\\ensuremath{g\\hskip.75pt'}` as `\\gp`), the longest first: for showing a formula as the
    document writes it."""
    written = sorted(((expand("\\" + name, commands).strip(), name)
                      for name, (count, _) in commands.items() if not count),
                     key=lambda pair: -len(pair[0]))
    for body, name in written:
        if re.fullmatch(r"[\w.]{0,2}", body):
            continue   # \def\K{3}: a 3 of the formula's own is not \K (shown as read)
        if body in latex:   # expand() set a space after it, kept only before a letter
            command = "\\" + name
            latex = re.sub(re.escape(body) + r" ?(?=[A-Za-z])", lambda _: command + " ", latex)
            latex = re.sub(re.escape(body) + " ?", lambda _: command, latex)
    return latex


def _group(text: str, start: int) -> str | None:
    """The content of the brace group that opens at `start`, or None when it is not closed."""
    if text[start:start + 1] != "{":
        return None
    depth = 0
    for k in range(start, min(len(text), start + MAX_EXPANSION)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and text[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1:k]
    return None
