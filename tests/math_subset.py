"""The LaTeX that both GitHub's Markdown math (MathJax 3 with its TeX and AMS packages) and KaTeX
typeset, and the checks a piece of math must pass to be in it (imported as `math_subset`).

The allow-list holds what derive's Markdown and notebook output use and common commands of the
same kind, each listed by KaTeX's "Supported Functions" and defined by MathJax 3's base or ams
package. Inside `\\text{}` MathJax (without its textmacros extension, which GitHub does not load)
processes no command but `\\$`, `\\{`, `\\}` and `\\\\`: `\\text{a\\_b}` shows `a\\_b`.
"""

from __future__ import annotations

import re

COMMANDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi
Pi Sigma Upsilon Phi Psi Omega
ell partial nabla infty imath jmath hbar emptyset varnothing prime
sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan exp log ln lg max min sup inf
lim limsup liminf det gcd arg deg dim ker Pr operatorname
sum prod int iint oint coprod bigcup bigcap bigoplus bigotimes bigodot
frac dfrac tfrac binom dbinom tbinom sqrt
left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr
langle rangle lvert rvert lVert rVert vert Vert lfloor rfloor lceil rceil lbrace rbrace backslash
hat widehat bar overline underline tilde widetilde vec dot ddot check breve acute grave
mathbf mathrm mathit mathcal mathbb mathsf mathtt mathfrak boldsymbol
text textbf textit textrm mbox
overbrace underbrace overset underset stackrel boxed
cdot times div pm mp ast star circ bullet odot otimes oplus ominus setminus cup cap wedge vee
neg lnot land lor leq le geq ge neq ne approx sim simeq cong equiv propto ll gg subset subseteq
supset supseteq in notin ni mid parallel perp not
to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto implies iff gets
longrightarrow longleftarrow Longrightarrow uparrow downarrow
forall exists therefore because top bot checkmark
quad qquad limits nolimits displaystyle textstyle scriptstyle
ldots cdots vdots ddots dots colon substack begin end hline
""".split())

# one-character commands: spacing, the row break, and the escaped specials
SYMBOLS = frozenset(r"\ , ; : ! { } | _ # % & $".split(" ")) | {" "}

ENVIRONMENTS = frozenset("aligned alignedat gathered array matrix pmatrix bmatrix Bmatrix vmatrix "
                         "Vmatrix smallmatrix cases".split())

# commands whose argument is text, and what MathJax processes inside it
TEXT_COMMANDS = frozenset({"text", "textbf", "textit", "textrm", "mbox"})
TEXT_ESCAPES = frozenset({"$", "{", "}", "\\"})

# what pdflatex documents use and Markdown math must not: with the reason
REFUSED = {"parbox": "\\parbox is pdflatex layout, not math",
           "label": "\\label has nothing to refer to it in Markdown",
           "tag": "\\tag numbers an equation in a pdflatex document",
           "section": "a sectioning command", "subsection": "a sectioning command",
           "hyperlink": "a pdflatex link", "hypertarget": "a pdflatex link"}
REFUSED_ENVIRONMENTS = {"align": "align needs amsmath's display mode: write aligned inside $$",
                        "align*": "align* needs amsmath's display mode: write aligned inside $$",
                        "equation": "equation is a pdflatex display", "eqnarray": "eqnarray"}

MAX_BLOCK = 5120   # MathJax's buffer: a longer block fails once a macro in it expands


def tokens(math: str):
    """(kind, value, position): ('command', name) for \\name or \\x, ('char', c) otherwise."""
    i = 0
    while i < len(math):
        if math[i] == "\\":
            match = re.compile(r"[A-Za-z]+\*?|.", re.S).match(math, i + 1)
            name = match.group() if match else ""
            if name.endswith("*") and name[:-1] not in ("operatorname",):
                name = name[:-1]          # \\* is not a command a name takes a star from
            yield "command", name, i
            i += 1 + len(name)
        else:
            yield "char", math[i], i
            i += 1


def _group(math: str, start: int) -> tuple[str, int] | None:
    """The braced group opening at `start` (after spaces): (its content, the end)."""
    while start < len(math) and math[start] == " ":
        start += 1
    if start >= len(math) or math[start] != "{":
        return None
    depth = 0
    for kind, value, at in tokens(math[start:]):
        if kind == "char" and value == "{":
            depth += 1
        elif kind == "char" and value == "}":
            depth -= 1
            if depth == 0:
                return math[start + 1:start + at], start + at + 1
    return None


def problems(math: str) -> list[str]:
    """What in `math` (the content of $...$ or $$...$$) is outside the subset, one line each; the
    words inside `\\text{}` are left to `text_problems`."""
    found = []
    depth = 0
    environments = []
    skip = 0   # the end of a `\\text{}` argument being passed over
    for kind, value, at in tokens(math):
        if at < skip:
            continue
        if kind == "char":
            depth += {"{": 1, "}": -1}.get(value, 0)
            if depth < 0:
                found.append(f"a closing brace without its opening one at {at}")
                depth = 0
            continue
        if value in ("begin", "end"):
            group = _group(math, at + len(value) + 1)
            name = group[0] if group else ""
            if name in REFUSED_ENVIRONMENTS:
                found.append(f"\\{value}{{{name}}}: {REFUSED_ENVIRONMENTS[name]}")
            elif name not in ENVIRONMENTS:
                found.append(f"\\{value}{{{name}}}: an environment outside the subset")
            if value == "begin":
                environments.append(name)
            elif not environments or environments.pop() != name:
                found.append(f"\\end{{{name}}} does not close the environment open there")
            if group:
                skip = group[1]
        elif value in REFUSED:
            found.append(f"\\{value}: {REFUSED[value]}")
        elif len(value) > 1 or value.isalpha():
            if value not in COMMANDS:
                found.append(f"\\{value}: a command outside the subset")
        elif value not in SYMBOLS:
            found.append(f"\\{value}: a one-character command outside the subset")
        if value in TEXT_COMMANDS:
            group = _group(math, at + len(value) + 1)
            if group is None:
                found.append(f"\\{value} without a braced argument")
            else:
                skip = group[1]
                found += [f"\\{name} in \\{value}{{}}: {REFUSED[name]}"
                          for name in text_escapes(group[0]) if name in REFUSED]
    if depth:
        found.append(f"{depth} unclosed brace(s)")
    if environments:
        found.append(f"\\begin{{{environments[-1]}}} is never closed")
    if len(math) > MAX_BLOCK:
        found.append(f"{len(math)} characters: longer than MathJax's buffer ({MAX_BLOCK})")
    return found


def text_problems(math: str) -> list[str]:
    """The commands inside `\\text{}` (and the like) that MathJax does not process: it shows
    them as written (`\\text{a\\_b}` reads a\\_b)."""
    found = []
    for kind, value, at in tokens(math):
        if kind == "command" and value in TEXT_COMMANDS:
            group = _group(math, at + len(value) + 1)
            if group:
                found += [f"\\{escape} in \\{value}{{{group[0]}}}"
                          for escape in text_escapes(group[0])]
    return found


def text_escapes(text: str) -> list[str]:
    """The commands in a `\\text{}` argument that MathJax does not process."""
    return [value for kind, value, _ in tokens(text)
            if kind == "command" and value not in TEXT_ESCAPES]


# -- Markdown --------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\$)")


def math_of(markdown: str) -> tuple[list[tuple[int, str]], str]:
    """([(line, math)] for every `$$...$$` block and inline `$...$` math of a Markdown document,
    the prose left when math and code are taken out). GitHub's rules, as far as derive's
    documents need them: code (fenced or in backticks) holds no math."""
    def blank(match):   # keep the line numbers
        return "\n" * match.group().count("\n")

    text = _FENCE.sub(blank, markdown)
    text = _CODE_SPAN.sub(blank, text)
    found = []
    for pattern in (_DISPLAY, _INLINE):
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
        text = pattern.sub(blank, text)
    return sorted(found), text


def prose_commands(prose: str) -> list[str]:
    """LaTeX commands written in prose, where GitHub shows them as typed (\\frac{d}{dx})."""
    return sorted(set(re.findall(r"\\[A-Za-z]+", prose)))


def markdown_problems(markdown: str, check=problems) -> list[str]:
    """`check`'s problems with every piece of math in a document, as 'line N: ...'."""
    found = []
    pieces, _ = math_of(markdown)
    for line, math in pieces:
        found += [f"line {line}: {problem}" for problem in check(math)]
    return found
