"""Printers: expressions as SymPy syntax (text) and LaTeX, and words made safe for LaTeX."""

from __future__ import annotations

import re

import json
import math
import sys

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from derive.engine.verdict import Status

MARKS = {Status.PROVED: "✓", Status.NUMERIC: "≈", Status.REFUTED: "✗", Status.UNDECIDED: "?"}
STYLES = {Status.PROVED: "bold green", Status.NUMERIC: "green", Status.REFUTED: "bold red",
          Status.UNDECIDED: "yellow"}
WORDS = {Status.PROVED: "holds (proved)", Status.NUMERIC: "holds numerically",
         Status.REFUTED: "does not hold", Status.UNDECIDED: "undecided"}
SIGNIFICANT = 15  # digits shown for numeric values (they are computed to 30 or more)
# exact results can have up to twice the parser's 10 000-digit bound (2**9999 * 2**9999); Python
# refuses to print integers past 4300 digits by default
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(max(sys.get_int_max_str_digits(), 50_000))


def _prime_form(expr):
    """(f, order, argument) when `expr` is the derivative of an unknown one-argument function
    evaluated at some argument: f'(x), f''(x), or f'(g(x)) (SymPy writes Derivative(f(g), g), or
    Subs(Derivative(f(t), t), t, u) for a general u)."""
    if isinstance(expr, sp.Subs) and len(expr.variables) == 1:
        inner = _prime_form(expr.expr)
        if inner and inner[2] == expr.variables[0]:
            return inner[0], inner[1], expr.point[0]
        return None
    if not isinstance(expr, sp.Derivative) or not isinstance(expr.expr, AppliedUndef):
        return None
    f = expr.expr
    if len(f.args) != 1 or len(set(expr.variables)) != 1 or expr.variables[0] != f.args[0]:
        return None
    return f.func, len(expr.variables), f.args[0]


def _subscript_form(expr):
    """(f, the letters of the variables, the arguments) when `expr` is a partial derivative of an
    unknown function of several one-letter variables by them, as f_{xy}(x, y) writes it, or such
    a derivative at a point (f_{xx}(-1, 2))."""
    point = None
    if isinstance(expr, sp.Subs):
        at, point, expr = expr.variables, tuple(expr.point), expr.expr
    if not isinstance(expr, sp.Derivative) or not isinstance(expr.expr, AppliedUndef):
        return None
    f = expr.expr
    if len(f.args) < 2 or not all(isinstance(a, sp.Symbol) and len(a.name) == 1 for a in f.args) \
            or not all(v in f.args for v in expr.variables):
        return None
    if point is not None and tuple(at) != tuple(f.args):
        return None
    return f.func, "".join(v.name for v in expr.variables), point or f.args


class _PrimeNotation:
    """Printer mixin: f'(u) for derivatives of unknown functions (however SymPy stores them), and
    f_{xy}(x, y) for partial derivatives of one of several variables."""

    parentheses = ("(", ")")
    subscript = "_{}"

    def _prime(self, expr):
        prime = _prime_form(expr)
        if prime is None:
            return self._partial_subscript(expr)
        f, order, arg = prime
        left, right = self.parentheses
        return f"{self._print(f)}{chr(39) * order}{left}{self._print(arg)}{right}"

    def _partial_subscript(self, expr):
        form = _subscript_form(expr)
        if form is None:
            return None
        f, letters, args = form
        left, right = self.parentheses
        return (f"{self._print(f)}{self.subscript.format(letters)}{left}"
                f"{', '.join(self._print(a) for a in args)}{right}")

    def _print_Derivative(self, expr):
        return self._prime(expr) or self._plain_derivative(expr)

    def _print_Subs(self, expr):
        return self._prime(expr) or super()._print_Subs(expr)

    def _print_Float(self, expr):
        return super()._print_Float(sp.Float(expr, SIGNIFICANT))


_TEXT_NAMES = {"\\partial ": "∂", "\\sigma": "σ", "\\delta": "δ", "\\,": " ", "{": "", "}": ""}


_GREEK = {name: chr(code) for name, code in (
    ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948), ("epsilon", 949),
    ("zeta", 950), ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955),
    ("mu", 956), ("nu", 957), ("xi", 958), ("rho", 961), ("sigma", 963), ("tau", 964),
    ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968), ("omega", 969), ("Gamma", 915),
    ("Delta", 916), ("Theta", 920), ("Lambda", 923), ("Xi", 926), ("Sigma", 931), ("Phi", 934),
    ("Psi", 936), ("Omega", 937), ("ell", 8467))}


class TextPrinter(_PrimeNotation, StrPrinter):
    """SymPy's str printer, with f'(x) and diff(expr, x) (which the parser reads back); names
    written in LaTeX for the documents (\\partial C/\\partial W^{m}) are shown plainly."""

    def _partial_subscript(self, expr):
        # diff(f(x, y), x, y) reads back; a derivative at a point has no such form: f_xx(-1, 2)
        return super()._partial_subscript(expr) if isinstance(expr, sp.Subs) else None

    def _print_Symbol(self, expr):
        name = expr.name
        # a label or subscript of more than one character keeps its braces: a^{l-1}, W^{(2)}
        name = re.sub(r"([\^_])\{([^{}]{2,})\}", lambda m: m.group(1) + "\0" + m.group(2) + "\1",
                      name)
        name = re.sub(r"\\(mathbf|mathcal|mathbb|hat|tilde|bar|dot|ddot|underline)\{([^{}]*)\}",
                      lambda m: "\\" + m.group(1) + "\0" + m.group(2) + "\1", name)
        for tex_, plain_ in _TEXT_NAMES.items():
            name = name.replace(tex_, plain_)
        name = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(0)), name)
        return name.replace("\0", "{").replace("\1", "}")

    _print_MatrixSymbol = _print_Symbol

    def _print_Indexed(self, expr):
        return (self._print_Symbol(sp.Symbol(str(expr.base.label))) + "["
                + ", ".join(self._print(i) for i in expr.indices) + "]")

    def _plain_derivative(self, expr):
        spec = ", ".join(self._print(v) if n == 1 else f"{self._print(v)}, {n}"
                         for v, n in expr.variable_count)
        return f"diff({self._print(expr.expr)}, {spec})"


class TexPrinter(_PrimeNotation, LatexPrinter):
    """SymPy's LaTeX printer, with f'(x)."""

    parentheses = (r"\left(", r"\right)")
    subscript = "_{{{}}}"

    def _plain_derivative(self, expr):
        if len(expr.variables) == 1 and isinstance(expr.expr, (sp.Symbol, sp.Indexed)) \
                and isinstance(expr.variables[0], sp.Indexed):  # index level: dC/dW_ij
            return (f"\\frac{{\\partial {self._print(expr.expr)}}}"
                    f"{{\\partial {self._print(expr.variables[0])}}}")
        return LatexPrinter._print_Derivative(self, expr)


def text(expr) -> str:
    return TextPrinter({"order": "none"}).doprint(expr) if isinstance(expr, sp.Basic) else str(expr)


def tex(expr) -> str:
    return TexPrinter().doprint(expr) if isinstance(expr, sp.Basic) else str(expr)


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%",
                "$": r"\$", "#": r"\#", "{": r"\{", "}": r"\}", "~": r"\~{}",
                "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
                "∂": r"$\partial$", "∇": r"$\nabla$", "≠": r"$\neq$", "→": r"$\to$",
                "≈": r"$\approx$", "✓": "", "✗": ""}


def tex_text(s: str) -> str:
    """Plain words for `\\text{}` or a paragraph: LaTeX specials escaped, symbols as math."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in s)


def tt_text(s: str) -> str:
    """Words for `\\texttt{}`: the typewriter font has every ASCII sign at its own code, so
    the specials are written as their codes (no font substitution, nothing read as markup)."""
    return "".join(f"{{\\char{ord(ch)}}}" if ch in "\\{}$&#^_%~<>|" else _TEX_ESCAPES.get(ch, ch)
                   for ch in s)


def breakable(s: str) -> str:
    """`tex_text`, with places to break a line after operators and commas: a long formula
    written in words then wraps instead of running off the page."""
    out = tex_text(s)
    for mark in ("*", "+", "/", ",", "(", "="):
        out = out.replace(mark, mark + r"\allowbreak{}")
    return out


POINT_SHOWN = 10   # values of a point shown in text; JSON has them all


def point_words(point: dict, printer=text) -> str:
    """x = 1/2, y = -1 (the values by `printer`); an empty point is '(no variables)'; a point of
    many variables (an instantiated network) shows its first values and how many more there are."""
    words = [f"{k} = {printer(v)}" for k, v in point.items()]
    if len(words) > POINT_SHOWN:
        words = words[:POINT_SHOWN] + [f"... ({len(words) - POINT_SHOWN} more)"]
    return ", ".join(words) or "(no variables)"


def json_text(record) -> str:
    """JSON with no NaN or infinity in it (they are not JSON): a non-finite number is null."""
    return json.dumps(_finite(record), ensure_ascii=False, allow_nan=False)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
