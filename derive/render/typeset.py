"""Typesetting for pdflatex: derivations that fit the page, prose with its mathematics set as
mathematics, and the appendix of the checks performed.

* `prose(words)`: a rule name, heading or note written in the project's plain notation ("dC/dW^m",
  "delta^m = dC/dz^m", "sigma'(z) in terms of the output a") as LaTeX text whose mathematical words
  are set in math mode (`\\frac{\\partial C}{\\partial W^m}`, `\\delta^m`, `\\sigma'(z)`). Everything
  that is not recognised is escaped as text, so user words can never become LaTeX commands.
* `derivation_block`: a derivation as one `align*`, each step tagged with a number linked to its
  rule, which is listed under the equations (rules never compete with equations for the line);
  a side too wide for the line is broken at its top-level terms, then its factors, and only as a
  last resort scaled down.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.render.printers import tex, tex_text

LINE = 80.0          # the width of a displayed line, in the units of `width` (about 5.6 pt each)
GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
         "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi",
         "Omega")
FUNCTIONS = ("exp", "log", "ln", "max", "min", "sin", "cos", "tan", "tanh", "sqrt", "lim", "det")
_WORDS = {"sum": r"\sum", "prod": r"\prod", "oo": r"\infty"}


# -- prose: words with their mathematics ---------------------------------------------------------

_MATH_CHARS = re.compile(r"[\^_=/()'<>+*|]|^\d|^[-+]$|^[-+][A-Za-z0-9]")
_ARTICLE = {"a", "A", "I"}


def _is_math(token: str, before: str | None, after: str | None) -> bool:
    core = token.strip(".,;:")
    if not core or core.lower() in ("e.g", "i.e") or re.search(r"[A-Za-z]'s$", core):
        return False
    if core in GREEK:
        return True
    bare = core.strip("()")
    if re.fullmatch(r"[A-Za-z]{2,}", bare) and bare not in GREEK:
        return False   # a word in parentheses: "(the" ... "listing)"
    if _MATH_CHARS.search(core):
        return True
    if re.fullmatch(r"[A-Za-z]", core):
        if core in _ARTICLE:   # "a" is a word unless an operator or a formula stands beside it
            near = [t for t in (before, after) if t]
            return any(re.fullmatch(r"[=+\-*/<>]+|[-+]?\d.*", t) for t in near) or after is None
        return True
    return False


def prose(words: str) -> str:
    """`words` as LaTeX text with the mathematical tokens set in math mode."""
    tokens = words.split()
    out, span = [], []

    def flush():
        if span:
            out.append("$" + _math(" ".join(span)) + "$")
            span.clear()
    for k, token in enumerate(tokens):
        before = tokens[k - 1] if k else None
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        if not _is_math(token, before, after):
            flush()
            out.append(tex_text(token))
            continue
        depth = " ".join(span).count("(") - " ".join(span).count(")")
        core, tail = _split_tail(token, depth)
        span.append(core)
        if tail:
            flush()
            out[-1] += tex_text(tail)
    flush()
    return " ".join(out)


def _split_tail(token: str, depth: int) -> tuple[str, str]:
    """A token's closing punctuation (", " ":" ";" a final ".") kept out of the math, and a
    closing parenthesis that no open one in the formula so far matches."""
    tail = ""
    while token and token[-1] in ",;:." and not token.endswith("..."):
        tail = token[-1] + tail
        token = token[:-1]
    while token.endswith(")") and token.count(")") > token.count("(") + depth:
        tail = ")" + tail
        token = token[:-1]
    return token, tail


_SAFE_MATH = re.compile(r"[A-Za-z0-9 _^=/()'<>+\-*|,.\[\]!]*")


def _math(span: str) -> str:
    """One span of plain notation as LaTeX math; characters outside the notation are escaped."""
    if not _SAFE_MATH.fullmatch(span):
        return r"\text{" + tex_text(span) + "}"
    s = span
    s = s.replace("||", r"\|").replace("<-", r"\leftarrow ").replace("->", r"\to ")
    s = s.replace(">=", r"\geq ").replace("<=", r"\leq ").replace("!=", r"\neq ")
    # derivatives: dC/dW^m, d/dz, da_i/dz_j, dC_lambda/dW (d and a name, slash, d and a name)
    name = r"[A-Za-z]+(?:[_^](?:\([^()]*\)|[A-Za-z0-9+\-]+))*'?"
    s = re.sub(rf"\bd({name})?/d({name})",
               lambda m: _derivative(m.group(1), m.group(2)), s)
    s = re.sub(r"\^\(([^()]*)\)", r"^{\1}", s)
    s = re.sub(r"_\(([^()]*)\)", r"_{\1}", s)
    s = re.sub(r"\^T\b", r"^{\\top}", s)
    s = re.sub(r"([_^])([A-Za-z0-9]{2,})", r"\1{\2}", s)
    s = re.sub(r"(\^(?:\{[^{}]*\}|\w))(?=\^)", r"\1{}", s)     # A^{m-1}^T: a second superscript
    s = re.sub(r"(?<![\\A-Za-z])(" + "|".join(GREEK) + r")(?![A-Za-z])", r"\\\1 ", s)
    s = re.sub(r"(?<![\\A-Za-z])(" + "|".join(FUNCTIONS) + r")(?=\()", r"\\\1", s)
    s = re.sub(r"(?<![\\A-Za-z])(sum|prod|oo)(?![A-Za-z])", lambda m: _WORDS[m.group(1)] + " ", s)
    s = s.replace("*", r"\,")
    return re.sub(r" +", " ", s).strip()


def _derivative(top: str | None, bottom: str) -> str:
    """d/dz, dC/dW^m: the partial sign for a cost or an indexed name, the straight d for a
    function of one variable."""
    top_tex = _math(top) if top else ""
    bottom_tex = _math(bottom)
    partial = top is None or top[0] in "CEJL" or any(c in (top + bottom) for c in "_^")
    d = r"\partial " if partial and top is not None else "d"
    if top is None:
        return rf"\frac{{d}}{{d{bottom_tex}}}"
    return rf"\frac{{{d}{top_tex}}}{{{d}{bottom_tex}}}"


# -- how wide a formula is -----------------------------------------------------------------------

def width(expr) -> float:
    """An estimate of the printed width of `expr`, in units of about one italic letter."""
    if not isinstance(expr, sp.Basic):
        return len(str(expr)) * 0.6
    if isinstance(expr, (sp.Symbol, sp.MatrixSymbol)):
        return _name_width(expr.name)
    if isinstance(expr, sp.Indexed):
        return _name_width(str(expr.base.label)) + 0.7 * sum(width(i) for i in expr.indices)
    if isinstance(expr, sp.Integer):
        return len(str(expr))
    if isinstance(expr, sp.Rational):
        return max(len(str(expr.p)), len(str(expr.q))) + 1
    if isinstance(expr, sp.Float):
        return 16
    if isinstance(expr, sp.Add):
        return sum(width(t) for t in expr.args) + 2.6 * (len(expr.args) - 1)
    if isinstance(expr, sp.Mul):
        numerator, denominator = sp.fraction(expr)
        if denominator != 1:
            return max(width(numerator), width(denominator)) + 1.5
        return sum(width(f) + (2 if isinstance(f, sp.Add) else 0.3) for f in expr.args)
    if isinstance(expr, sp.Pow):
        if expr.exp == sp.Rational(1, 2):
            return width(expr.base) + 2
        if expr.exp.is_negative:
            return width(1 / expr) + 1.5
        return width(expr.base) + (2 if isinstance(expr.base, sp.Add) else 0) \
            + 0.7 * width(expr.exp)
    if isinstance(expr, sp.Derivative):
        return max(width(expr.expr), sum(width(v) for v in expr.variables)) + 3
    if isinstance(expr, (sp.Sum, sp.Product)):
        bounds = max((0.7 * (width(lim[0]) + width(lim[1])) for lim in expr.limits), default=2)
        return max(2.5, bounds, 0.7 * width(expr.limits[0][2])) + width(expr.function) + 1
    if isinstance(expr, sp.MatrixBase):
        return sum(max((width(expr[r, c]) for r in range(expr.rows)), default=1) + 2
                   for c in range(expr.cols)) + 2
    if isinstance(expr, sp.Limit):
        return width(expr.args[0]) + 6
    if expr.args:
        name = type(expr).__name__
        return min(len(name), 6) + 2 + sum(width(a) for a in expr.args) + 1.5 * (len(expr.args) - 1)
    return len(tex(expr)) * 0.5


def _name_width(name: str) -> float:
    plain = re.sub(r"\\[A-Za-z]+", "x", name)
    plain = re.sub(r"[{}\\ ]", "", plain)
    mark = re.search(r"[_^]", plain)
    return len(plain) if mark is None else mark.start() + 0.7 * len(plain[mark.start() + 1:])


# -- a derivation that fits the page -------------------------------------------------------------

def rows(lhs, rhs, scale: bool = False) -> list[str]:
    """The align* rows of one step `lhs = rhs` (lhs None: the step continues the last line).
    `scale`: a part still too wide after breaking is scaled down (needs graphicx, which a
    standalone document loads; a fragment leaves it as it is)."""
    out = []
    room = LINE
    if lhs is not None:
        wide = width(lhs)
        if wide > 0.4 * LINE or wide + width(rhs) > LINE and wide > 0.25 * LINE:
            out.append("& " + _fit(tex(lhs), wide, LINE, scale))   # its own line, at the "="
        else:
            room = LINE - wide
            out.append(tex(lhs) + " &= ")
    if not out or out[-1].startswith("& "):
        out.append("&= ")
    pieces = _pieces(rhs, room - 3, scale)
    out[-1] += pieces[0]
    out += [r"&\quad " + piece for piece in pieces[1:]]
    return out


def _pieces(expr, room: float, scale: bool) -> list[str]:
    """`expr` as lines that each fit `room`: its terms, then a term's factors, then scaled."""
    if width(expr) <= room:
        return [tex(expr)]
    if isinstance(expr, sp.Add):
        lines, current, used = [], [], 0.0
        for k, term in enumerate(_ordered_terms(expr)):
            sign, shown = ("-", -term) if _negative(term) else ("+", term)
            lead = sign + " " if (k or sign == "-") else ""
            w = width(shown) + 2.6
            if current and used + w > room:
                lines.append(" ".join(current))
                current, used = [], 0.0
            if w > room:    # one term wider than the line: its own lines, by its factors
                parts = _pieces(shown, room - 2.6, scale)   # a term is a product, never a sum
                lines += [lead + parts[0]] + parts[1:]
                continue
            current.append(lead + _factor_tex(shown))
            used += w
        if current:
            lines.append(" ".join(current))
        return lines
    if isinstance(expr, sp.Mul) and sp.fraction(expr)[1] == 1 and len(expr.args) > 1:
        lines, current, used = [], [], 0.0
        for factor in expr.args:
            w = width(factor) + 2
            if current and used + w > room:
                lines.append(" ".join(current))
                current, used = [r"\cdot"], 1.0
            current.append(_factor_tex(factor) if w <= room else
                           _fit(_factor_tex(factor), w, room, scale))
            used += w
        lines.append(" ".join(current))
        return lines
    return [_fit(tex(expr), width(expr), room, scale)]


def _ordered_terms(expr: sp.Add):
    """The terms in the order SymPy's LaTeX printer shows them."""
    return list(sp.Add.make_args(expr)) if not hasattr(expr, "as_ordered_terms") else \
        expr.as_ordered_terms()


def _negative(term) -> bool:
    return term.could_extract_minus_sign()


def _factor_tex(expr) -> str:
    code = tex(expr)
    return rf"\left({code}\right)" if isinstance(expr, sp.Add) else code


def _fit(code: str, wide: float, room: float = LINE, scale: bool = True) -> str:
    """A formula that would still overflow is scaled to the line (a last resort)."""
    if wide <= room or not scale:
        return code
    scale = max(0.45, room / wide)
    return rf"\scalebox{{{scale:.2f}}}{{$\displaystyle {code}$}}"
