"""LaTeX as tokens: the commands the reader knows, and the slips it refuses before reading.

Spacing commands (`\\,`, `\\;`, `\\quad`, `\\hspace{..}`) never change a reading; they only mark the
next token as `spaced`, which ends the argument of `\\sin x`. Function names written without a
backslash (`sin x`, `tanh(z)`, `softmax(z)`) are read as the function, as a human reader would.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.text.latex_packages import written_out
from derive.text.letters import (
    layer_numbers, names_in_letters, numbered, spell, without_word_subscripts)
from derive.text.limits import LIMITS, InputError, remembered
from derive.text.unicode import normalize

# the other names the inverse hyperbolic functions are written with (ISO's ar-, the older arc-
# and arg-): each has one real principal value, on which every book agrees
INVERSE_HYPERBOLIC = {
    f"{prefix}{name}": f"a{name}" for name in ("sinh", "cosh", "tanh", "coth", "sech", "csch")
    for prefix in ("arc", "ar", "arg")}
# inverse functions whose values books choose differently: refused by name, with the way out
BRANCHES = {
    "arccot": "its values for x < 0 lie in (\\pi/2, \\pi) in some books and in (-\\pi/2, 0) in "
              "others; write \\frac{\\pi}{2} - \\arctan x or \\arctan(1/x)",
    "arcsec": "its values for x < -1 lie in (\\pi/2, \\pi) in some books and in (\\pi, 3\\pi/2) in "
              "others; write \\arccos(1/x)",
    "arccsc": "its values for x < -1 lie in (-\\pi/2, 0) in some books and in (\\pi, 3\\pi/2) in "
              "others; write \\arcsin(1/x)",
}
# function names as words: with or without a backslash they mean the function
WORD_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "coth": "coth", "exp": "exp", "ln": "log", "log": "log", "max": "Max",
    "min": "Min", "sgn": "sign", "sign": "sign", "sigmoid": "sigmoid", "logistic": "sigmoid",
    "relu": "relu", "ReLU": "relu", "softplus": "softplus", "sqrt": "sqrt", "abs": "Abs",
    "softmax": "softmax", "tr": "trace", "trace": "trace", "Tr": "trace", **INVERSE_HYPERBOLIC,
}
TOKEN_RE = re.compile(r"""
    (?P<text>\\(?:text|textrm|textit|textbf|textsf|mbox|hbox)\s*\{[^{}]*\}) |
    (?P<hspace>\\(?:hspace|vspace|phantom|hphantom|vphantom)\*?\s*\{[^{}]*\}
        | \\(?:hskip|kern|mkern|mskip)\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*(?:pt|em|ex|mu|bp|cm|mm|in|sp|pc)) |
    (?P<cmd>\\[A-Za-z]+|\\[,;:!\s{}|%\\.>]) |
    (?P<num>(?:[0-9]*\.[0-9]+)(?:[eE][-+]?[0-9]+(?![0-9A-Za-z.]))?|[0-9]+(?:\.[0-9]+)?) |
    (?P<word>(?<![A-Za-z])(?:""" + "|".join(sorted(WORD_FUNCTIONS, key=len, reverse=True)) + r""")
        (?![A-Za-z])) |
    (?P<letter>[A-Za-z]) |
    (?P<sym>[-+*/^_=(){}\[\]|',!<>&;.]) |
    (?P<ws>\s+|~)
""", re.VERBOSE)

SKIP = {r"\left", r"\right", r"\bigl", r"\bigr", r"\big", r"\Big", r"\Bigl", r"\Bigr", r"\bigg",
        r"\Bigg", r"\biggl", r"\biggr", r"\Biggl", r"\Biggr", r"\middle", r"\displaystyle",
        r"\textstyle", r"\scriptstyle", r"\scriptscriptstyle", r"\limits", r"\nolimits", r"\nonumber", r"\notag"}
SPACING = {r"\,", r"\;", r"\:", r"\!", r"\>", "\\ ", r"\quad", r"\qquad", r"\enspace",
           r"\thinspace", r"\medspace", r"\thickspace"}
ALIASES = {r"\triangledown": r"\nabla", r"\boxed": "", r"\cdot": "·", r"\times": "*", r"\ast": "*", r"\div": "/", r"\dfrac": r"\frac",
           r"\tfrac": r"\frac", r"\lvert": "|", r"\rvert": "|", r"\vert": "|", r"\|": "‖",
           r"\Vert": "‖", r"\lVert": "‖", r"\rVert": "‖", r"\lbrace": r"\{", r"\rbrace": r"\}",
           r"\rightarrow": r"\to", r"\prime": "'", r"\operatorname": r"\mathrm",
           r"\mathit": r"\mathrm", r"\rm": r"\mathrm", r"\intercal": r"\top",
           r"\le": "<=", r"\leq": "<=", r"\ge": ">=", r"\geq": ">=", r"\ne": r"\neq",
           r"\lt": "<", r"\gt": ">", r"\boldsymbol": r"\mathbf", r"\bm": r"\mathbf",
           r"\bf": r"\mathbf", r"\mathsf": r"\mathbf", r"\vec": r"\mathbf", r"\pmb": r"\mathbf",
           r"\varepsilon": r"\epsilon", r"\varphi": r"\phi", r"\vartheta": r"\theta"}
FUNCTION_COMMANDS = {"\\" + word: name for word, name in WORD_FUNCTIONS.items()
                     if word.isalpha() and word.islower() and word not in (
                         "sigmoid", "logistic", "relu", "softplus", "sqrt", "abs", "softmax",
                         "sign", "trace", "tr")}
INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh",
           "tanh": "atanh"}
GREEK = frozenset(
    ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "
     "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega Pi Upsilon "
     "ell").split())
CONSTANT_COMMANDS = {r"\pi": sp.pi, r"\infty": sp.oo}
# brackets that are functions: \lfloor x \rfloor, \lceil x \rceil (each with its closing one)
BRACKETS = {r"\lfloor": ("floor", r"\rfloor"), r"\lceil": ("ceiling", r"\rceil")}
# Letters read as functions when followed by '(' (others are multiplied); more with --function.
FUNCTION_LETTERS = frozenset("fghFGH")
FONTS = {r"\mathbf": "mathbf", r"\mathcal": "mathcal", r"\hat": "hat", r"\tilde": "tilde",
         r"\bar": "bar", r"\overline": "bar", r"\widehat": "hat", r"\widetilde": "tilde",
         r"\underline": "underline",
         r"\dot": "dot", r"\ddot": "ddot", r"\mathbb": "mathbb", r"\mathrm": "mathrm"}
# fonts that name vectors and matrices
ARRAY_FONTS = frozenset({"mathbf"})
RELATIONS = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "<=": sp.LessThan,
             ">=": sp.GreaterThan, r"\neq": sp.Unequality, "=": sp.Eq}

KNOWN_COMMANDS = {r"\frac", r"\sqrt", r"\lim", r"\to", r"\partial", r"\top", r"\{", r"\}", r"\\",
                  r"\sum", r"\prod", r"\nabla", r"\odot", r"\circ", r"\otimes", r"\begin", r"\end",
                  r"\in", r"\neq", r"\mid", r"\binom", *FUNCTION_COMMANDS, *CONSTANT_COMMANDS,
                  *FONTS, *BRACKETS, *(close for _, close in BRACKETS.values())}
WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}")
# a letter (or two) written straight before digits, as code names variables: A2, dZ2, W1
CODE_NAME = re.compile(r"(?<![\\A-Za-z^_{])([A-Za-z]{1,3})([0-9]+)")
# 4.54e-5 is a number (the tokens read it); 1e-8, with no point, is ambiguous
SCIENTIFIC_BEFORE = re.compile(r"[0-9]*\.[0-9]+$")
E_NOTATION = re.compile(r"(?<![0-9.A-Za-z\\^_])([0-9]+)[eE]([-+][0-9]+)(?![0-9A-Za-z.])")
SIGNS = re.compile(r"\\(?:approx|leftarrow|gets|coloneqq|equiv|propto|sim|mapsto|Rightarrow|"
                   r"implies|iff|forall|exists)(?![A-Za-z])|:=")


class Tok:
    """A token; `spaced` when the writer put a spacing command (\\, \\; \\quad) before it."""

    __slots__ = ("kind", "text", "pos", "spaced")

    def __init__(self, kind, text, pos, spaced=False):
        self.kind, self.text, self.pos, self.spaced = kind, text, pos, spaced

    def __repr__(self):
        return f"{self.kind}:{self.text}"


OPERATOR_D = re.compile(r"(?<![A-Za-z\\])D_\s*(?:\{\s*[a-z]\s*\}|[a-z])\s*"
                        r"(?:[A-Za-z(]|\\(?!cdot|times|,|;|quad)[A-Za-z])")


TOKENIZED = 2048   # texts whose tokens are kept: a document's definitions are read again and again
_tokenized: dict = {}


def tokenize(text: str) -> list[Tok]:
    """The tokens of a formula (a new list each time; the tokens themselves are never changed)."""
    return list(remembered(_tokenized, TOKENIZED, text, lambda: _tokens(text)))


def _tokens(text: str) -> list[Tok]:
    if len(text) > LIMITS.max_chars:
        raise InputError(f"formula too long ({len(text)} characters, limit {LIMITS.max_chars})")
    text = _unwrapped(written_out(strip_math_delimiters(normalize(text, latex=True))))
    if OPERATOR_D.search(text):   # D_x f: the derivative of f by x, or D_x times f?
        raise InputError("ambiguous: D_x followed by a name could be the derivative operator or "
                         "a product; write \\frac{\\partial f}{\\partial x} or D_x \\cdot f")
    # names in letters (net_j below a \partial) and layer numbers (w^{2}_{11}): `text.letters`
    text = numbered(spell(text, names_in_letters([text], WORD_FUNCTIONS)), layer_numbers([text]))
    tokens, pos, spaced = [], 0, False
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise InputError(f"unexpected character {text[pos]!r} at column {pos + 1}")
        pos = m.end()
        kind, value = m.lastgroup, m.group()
        if kind == "ws":
            continue
        if kind == "hspace" or (kind == "cmd" and value in SPACING):
            spaced = True
            continue
        if kind == "cmd":
            if value in SKIP:
                if value in (r"\left", r"\right") and text.startswith(".", pos):
                    pos += 1   # \left. and \right. are invisible delimiters
                continue
            value = ALIASES.get(value, value)
            if not value:
                continue   # \boxed{x} is x
            if value in ("*", "/", "|", "'", "·", "‖", "<=", ">=", "<", ">"):
                kind = "sym"
        elif kind == "word":
            kind, value = "cmd", "\\" + value
        elif kind == "text":
            value = value[value.index("{") + 1:-1].strip()
        elif kind == "sym" and value == "|" and tokens and tokens[-1].text == "|" \
                and tokens[-1].pos == m.start() - 1:
            tokens[-1] = Tok("sym", "‖", tokens[-1].pos, tokens[-1].spaced)   # ||x|| is a norm
            continue
        tokens.append(Tok(kind, value, m.start(), spaced))
        spaced = False
    while tokens and tokens[-1].text in (".", ",", ";", r"\\"):   # the sentence's full stop
        tokens.pop()
    sign = SIGNS.search(text)
    if sign:
        raise InputError(f"'{sign.group()}' is not an equality: an approximation, an assignment "
                         "or a definition is not checked as an identity")
    for t in tokens:
        if t.kind == "cmd" and t.text not in KNOWN_COMMANDS and t.text[1:] not in GREEK \
                and t.text[1:] not in WORD_FUNCTIONS:
            raise InputError(f"unknown or unsupported LaTeX command {t.text}")
    _refuse_slips(without_word_subscripts(text))
    return _leibniz_slashes(_unbraced_arguments(_without_empty_scripts(tokens)))


def _without_empty_scripts(tokens: list[Tok]) -> list[Tok]:
    """`d^{} f` (a macro's empty order, `\\dd{}{f}{x}`): an empty superscript or subscript is
    typeset as nothing, and read as nothing."""
    out, n = [], 0
    while n < len(tokens):
        if tokens[n].text in ("^", "_") and n + 2 < len(tokens) and \
                tokens[n + 1].text == "{" and tokens[n + 2].text == "}":
            n += 3
            continue
        out.append(tokens[n])
        n += 1
    return out


def _unbraced_arguments(tokens: list[Tok]) -> list[Tok]:
    """`g{\\left(x \\right)}`, `\\operatorname{g}{\\left(x \\right)}`, `g^{2}{\\left(x \\right)}`,
    `\\log{\\left(x \\right)}^{2}`: a function applied as SymPy typesets it. Braces around nothing
    but a parenthesized group, right after a name or a function's command, are typeset as nothing,
    and read as nothing: `\\log{(x)}^2` is `\\log(x)^2` (never after a command's argument: the
    `{(b)}` of `\\frac{a}{(b)}` stays)."""
    partner = _partners(tokens)
    dropped: set[int] = set()
    for n, t in enumerate(tokens):
        close = partner.get(n + 1) if t.text == "{" and n + 1 < len(tokens) \
            and tokens[n + 1].text == "(" else None
        if close is not None and partner.get(n) == close + 1 and n > 0 \
                and _after_name(tokens, n - 1, partner):
            dropped |= {n, close + 1}
    return [t for n, t in enumerate(tokens) if n not in dropped] if dropped else tokens


def _partners(tokens: list[Tok]) -> dict[int, int]:
    """Each `(` and `{` with the index of the token that closes it, and each `}` with the index
    of the `{` it closes (one pass: a formula of any length is scanned once)."""
    partner, open_ = {}, {"(": [], "{": []}
    for n, t in enumerate(tokens):
        if t.text in open_:
            open_[t.text].append(n)
        elif t.text in (")", "}") and open_["(" if t.text == ")" else "{"]:
            start = open_["(" if t.text == ")" else "{"].pop()
            partner[start] = n
            if t.text == "}":
                partner[n] = start
    return partner


def _after_name(tokens: list[Tok], n: int, partner: dict) -> bool:
    """Whether the token at n ends a name or is a function's command (`\\log`, which takes no
    braced argument): a letter, a Greek letter, or a group that is a name's own (`\\mathrm{..}`, a
    subscript or a superscript)."""
    t = tokens[n]
    if t.kind == "letter" or (t.kind == "cmd" and (t.text[1:] in GREEK
                                                   or t.text in FUNCTION_COMMANDS)):
        return True
    opening = partner.get(n) if t.text == "}" else None
    return opening is not None and opening > 0 and tokens[opening - 1].text in (
        r"\mathrm", "_", "^")


def _unwrapped(text: str) -> str:
    """`\\ensuremath{f'}(x)`: the group \\ensuremath wraps is written in place (a macro of a
    preamble, `\\newcommand{\\fp}{\\ensuremath{f'}}`, leaves it in the formula)."""
    for _ in range(8):   # nested ones, a level a round
        out, position = [], 0
        for m in ENSUREMATH.finditer(text):
            if m.start() < position:
                continue
            end = group_end(text, m.end())
            if end is None:
                break   # not closed: left as written, and refused by name
            out += [text[position:m.start()], text[m.end():end - 1]]
            position = end
        if not out:
            return text
        text = "".join(out) + text[position:]
    return text


ENSUREMATH = re.compile(r"\\ensuremath\s*\{")


def group_end(text: str, start: int) -> int | None:
    """Just past the `}` that closes a group opened right before `start`; None if it is not
    closed in `text`."""
    depth, end = 1, start
    while end < len(text) and depth:
        depth += (text[end] == "{") - (text[end] == "}")
        end += 1
    return None if depth else end


def _leibniz_slashes(tokens: list[Tok]) -> list[Tok]:
    """`dy/dx` and `\\partial C / \\partial w` as plain text writes them: the fraction
    \\frac{dy}{dx}, never d times y over d times x."""
    out, n = [], 0
    while n < len(tokens):
        t = tokens[n]
        starts = t.text in ("d", r"\partial") and (not out or out[-1].kind not in ("letter", "num"))
        if starts:
            top = _name_chunk(tokens, n + 1)
            if top and top < len(tokens) and tokens[top].text == "/" and top + 1 < len(tokens) \
                    and tokens[top + 1].text == t.text:
                bottom = _name_chunk(tokens, top + 2)
                if bottom:
                    opening, closing = Tok("sym", "{", t.pos), Tok("sym", "}", t.pos)
                    out += [Tok("cmd", r"\frac", t.pos), opening, *tokens[n:top], closing,
                            opening, *tokens[top + 1:bottom], closing]
                    n = bottom
                    continue
        out.append(t)
        n += 1
    return out


def _name_chunk(tokens: list[Tok], n: int) -> int | None:
    """The end of a name starting at n (a letter or Greek letter with ^ and _ parts), or None."""
    if n >= len(tokens):
        return None
    t = tokens[n]
    if not (t.kind == "letter" or (t.kind == "cmd" and t.text[1:] in GREEK)):
        return None
    n += 1
    while n < len(tokens) and tokens[n].text in ("^", "_"):
        n += 1
        if n < len(tokens) and tokens[n].text == "{":
            depth = 0
            while n < len(tokens):
                depth += (tokens[n].text == "{") - (tokens[n].text == "}")
                n += 1
                if depth == 0:
                    break
        else:
            n += 1
    return n


ALIGNMENTS = re.compile(r"\\(?:begin|end)\s*\{(?:aligned|align\*?|split|eqnarray\*?|gathered|"
                        r"equation\*?|gather\*?|alignedat)\}(?:\{\d+\})?")
DECORATIONS = re.compile(r"\\(?:large|Large|LARGE|huge|Huge|small|normalsize|scriptsize|tiny|"
                         r"footnotesize|displaystyle|textstyle|scriptstyle|scriptscriptstyle)"
                         r"(?![A-Za-z])|\\(?:text)?color\s*\{[A-Za-z!0-9]*\}|"
                         r"\\label\s*\{[^{}]*\}|\\tag\*?\s*\{[^{}]*\}")


def strip_math_delimiters(text: str) -> str:
    text = DECORATIONS.sub(" ", ALIGNMENTS.sub(" ", text)).replace(r"\newline", r"\\")
    s = text.strip()
    for open_, close in (("$$", "$$"), ("$", "$"), (r"\[", r"\]"), (r"\(", r"\)")):
        if s.startswith(open_) and s.endswith(close) and len(s) >= len(open_) + len(close):
            return s[len(open_):len(s) - len(close)]
    return s


def _refuse_slips(text: str) -> None:
    body = re.sub(r"\\[A-Za-z]+\*?(\{[A-Za-z ]*\})?", " ", text)  # commands and their word args
    body = TOKEN_RE.sub(lambda m: " " if m.lastgroup == "word" else m.group(), body)
    word = WORD.search(body)
    if word:
        raise InputError(f"'{word.group()}' looks like a word, not a product of {len(word.group())} "
                         "variables; separate factors with spaces or \\cdot")
    ambiguous = E_NOTATION.search(body)
    if ambiguous:   # 1e-8 without a point: 10^-8, or 1 times e minus 8
        raise InputError(f"ambiguous: '{ambiguous.group()}' may be {ambiguous.group(1)} \\times "
                         f"10^{{{ambiguous.group(2)}}} or {ambiguous.group(1)} e "
                         f"{ambiguous.group(2)[0]} {ambiguous.group(2)[1:]}: write which")
    code_name = next((m for m in CODE_NAME.finditer(body) if not (
        m.group(1) in ("e", "E") and SCIENTIFIC_BEFORE.search(body, 0, m.start()))), None)
    if code_name:
        letter, digits = code_name.group(1), code_name.group(2)
        raise InputError(f"'{code_name.group()}' reads as {letter} times {digits}, but looks like a "
                         f"name; write {letter}_{{{digits}}} for a name or {digits}{letter} for a "
                         "product")


def unexpected(t: Tok) -> str:
    if t.text in ("&", r"\\"):
        return "alignment ('&' or '\\\\') is not a formula: check one line at a time"
    if t.text in RELATIONS or t.text in (r"\neq", r"\in"):
        return f"'{t.text}' is not an equation: only identities LHS = RHS are checked"
    if t.kind == "text":
        return f"text '{t.text}' inside the formula: check the formula alone"
    return f"unexpected {t.text!r} at column {t.pos + 1}"
