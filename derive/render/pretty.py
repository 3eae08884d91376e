"""Expressions as a reader writes them, in Unicode: ∂C/∂W^m_ij, Σ_{k=1}^{N^m}, δ_ik, (W^{m+1})ᵀ,
⊙, e^(-z), √x, x². For the terminal only: JSON and `derive check` read SymPy syntax (`text()`).

Juxtaposition is multiplication and binds tighter than `/`, which only ever has a single unit
or a parenthesised group on its right; Σ, ∏, ∫, lim and d/dx reach to the end of their factor, so
they are parenthesised wherever something follows them in a product."""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.precedence import PRECEDENCE, precedence

from derive.render.printers import TextPrinter

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_GREEK_WORDS = {name: chr(code) for name, code in (
    ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948), ("epsilon", 949),
    ("zeta", 950), ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955),
    ("mu", 956), ("nu", 957), ("xi", 958), ("pi", 960), ("rho", 961), ("sigma", 963),
    ("tau", 964), ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968), ("omega", 969),
    ("varepsilon", 949), ("varphi", 966), ("Gamma", 915), ("Delta", 916), ("Theta", 920),
    ("Lambda", 923), ("Xi", 926), ("Pi", 928), ("Sigma", 931), ("Phi", 934), ("Psi", 936),
    ("Omega", 937))}
_COMMANDS = {**_GREEK_WORDS, "ell": "ℓ", "partial": "∂", "nabla": "∇", "infty": "∞"}
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307",
            "ddot": "\u0308", "vec": "\u20d7", "underline": "\u0332"}
_BOLD = {**{chr(65 + n): chr(0x1D400 + n) for n in range(26)},
         **{chr(97 + n): chr(0x1D41A + n) for n in range(26)},
         **{str(n): chr(0x1D7CE + n) for n in range(10)}}
_SCRIPT = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "𝒜ℬ𝒞𝒟ℰℱ𝒢ℋℐ𝒥𝒦ℒℳ𝒩𝒪𝒫𝒬ℛ𝒮𝒯𝒰𝒱𝒲𝒳𝒴𝒵"))
_TOKEN = re.compile(r"[^\W_\d]+")          # a run of letters (Greek words are whole runs)
_WORD = re.compile(r"[^\W_]+'*")            # a name a script or power needs no brackets for
_OPERATORS = (sp.Sum, sp.Product, sp.Integral, sp.Limit)
_CALLS = (sp.Function, sp.Abs, sp.Max, sp.Min)   # printed as name(...) or |...|: closed
_RELATIONS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def pretty(expr) -> str:
    """`expr` in compact Unicode notation (a string is returned as it is)."""
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return PrettyPrinter().doprint(expr)
    return str(expr)


def name(raw: str) -> str:
    """A symbol's name as a reader writes it: LaTeX commands and Greek words as letters, layer
    labels and subscripts braced only when they are more than a word (W^m+1 -> W^{m+1})."""
    s = re.sub(r"([A-Za-z])\^\{([^{}]*?)\s*\\,\s*T\}", r"(\1^{\2})ᵀ", raw)   # W^{m+1\,T}
    s = re.sub(r"\\(?:mathrm|text|operatorname|mathit|boldsymbol)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\mathbf\{([^{}]*)\}", lambda m: "".join(_BOLD.get(c, c) for c in m.group(1)), s)
    s = re.sub(r"\\mathcal\{([^{}]*)\}",
               lambda m: "".join(_SCRIPT.get(c, c) for c in m.group(1)), s)
    s = re.sub(r"\\(hat|bar|tilde|dot|ddot|vec|underline)\{([^{}]*)\}",
               lambda m: m.group(2) + _ACCENTS[m.group(1)], s)
    s = re.sub(r"\\([A-Za-z]+) ?", lambda m: _COMMANDS.get(m.group(1), m.group(0)), s)
    s = s.replace("\\,", " ").replace("\\;", " ")
    s = _TOKEN.sub(lambda m: _GREEK_WORDS.get(m.group(0), m.group(0)), s)
    s = re.sub(r"([\^_])\{([^{}]*)\}", lambda m: m.group(1) + "\0" + m.group(2) + "\1", s)
    s = re.sub(r"([\^_])([^\W_]+(?:[+\-,][^\W_]+)*)",
               lambda m: m.group(1) + "\0" + m.group(2) + "\1", s)
    return re.sub("\0([^\0\1]*)\1", lambda m: script(m.group(1)), s)


def script(content: str) -> str:
    """A super- or subscript: bare when it is one word (m, ij, new), braced otherwise."""
    return content if _WORD.fullmatch(content) else "{" + content + "}"


def _is_word(expr) -> bool:
    """A name or a whole number, which a power, a root or a script takes without brackets."""
    return isinstance(expr, (sp.Symbol, sp.MatrixSymbol, sp.NumberSymbol)) or expr is sp.I \
        or (expr.is_Integer and expr >= 0)


def _is_fraction(expr) -> bool:
    """A product printed with a `/`."""
    if isinstance(expr, sp.Rational):
        return expr.q != 1
    if expr.is_Pow:
        return expr.exp.is_Rational and expr.exp.is_negative and expr.is_commutative
    return isinstance(expr, sp.Mul) and any(
        (f.is_Pow and f.exp.is_number and f.exp.is_negative and f.is_commutative)
        or (isinstance(f, sp.Rational) and f.q != 1) for f in expr.args)


class PrettyPrinter(TextPrinter):
    """The compact notation; see `pretty`."""

    printmethod = "_pretty"   # not `_sympystr`, with which Indexed would print itself as a[i]

    # -- names -----------------------------------------------------------------------------------

    def _print_Symbol(self, expr):
        return name(expr.name)

    _print_Dummy = _print_Symbol
    _print_MatrixSymbol = _print_Symbol

    def _print_UndefinedFunction(self, expr):
        return name(expr.__name__)

    def _print_Function(self, expr):
        head = name(expr.func.__name__) if isinstance(expr, AppliedUndef) else expr.func.__name__
        return f"{head}({', '.join(self._print(a) for a in expr.args)})"

    def _subscripted(self, base: str, indices) -> str:
        shown = [self._print(i) for i in indices]
        if len(shown) > 1 and all(isinstance(i, sp.Symbol) and len(s) == 1
                                  for i, s in zip(indices, shown)):
            sub = "".join(shown)
        else:
            sub = shown[0] if len(shown) == 1 and _is_word(indices[0]) \
                and _WORD.fullmatch(shown[0]) else "{" + ",".join(shown) + "}"
        if re.search(r"_[^{]*$|_\{[^}]*\}$", base):   # already subscripted: x_1 -> (x_1)_i
            base = f"({base})"
        return f"{base}_{sub}"

    def _print_Indexed(self, expr):
        return self._subscripted(name(str(expr.base.label)), expr.indices)

    def _print_IndexedBase(self, expr):
        return name(str(expr.label))

    def _print_MatrixElement(self, expr):
        return self._subscripted(self._print(expr.parent), (expr.i, expr.j))

    def _print_KroneckerDelta(self, expr):
        return self._subscripted("δ", expr.args)

    # -- numbers and constants -------------------------------------------------------------------

    def _print_Rational(self, expr):
        return str(expr.p) if expr.q == 1 else f"{expr.p}/{expr.q}"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "π"

    def _print_ImaginaryUnit(self, expr):
        return "i"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "-∞"

    def _print_ComplexInfinity(self, expr):
        return "∞̃"

    def _print_NaN(self, expr):
        return "NaN"

    def _print_EulerGamma(self, expr):
        return "γ"

    # -- arithmetic ------------------------------------------------------------------------------

    def _print_Add(self, expr, order=None):
        return self._join_terms([self._print(t) for t in self._as_ordered_terms(expr, order=order)])

    @staticmethod
    def _join_terms(terms) -> str:
        """Terms with + and -, a positive one first (1 - η λ rather than -η λ + 1)."""
        first = next((n for n, t in enumerate(terms) if not t.startswith("-")), 0)
        terms = [terms[first]] + terms[:first] + terms[first + 1:]
        out = terms[0]
        for term in terms[1:]:
            out += f" - {term[1:]}" if term.startswith("-") else f" + {term}"
        return out

    def _factors(self, expr):
        """(sign, numerator factors, denominator factors) of a commutative product."""
        c, e = expr.as_coeff_Mul()
        sign = "-" if c.is_negative else ""
        rest = ([] if not isinstance(e, sp.Mul) else list(e.args)
                if self.order in ("old", "none") else list(e.as_ordered_factors())) or [e]
        top, bottom = [], []
        for item in [abs(c)] + rest:
            if item.is_commutative and item.is_Pow and item.exp.is_number \
                    and item.exp.is_negative and item.exp.is_Rational:
                bottom.append(sp.Pow(item.base, -item.exp, evaluate=False)
                              if item.exp != -1 else item.base)
            elif isinstance(item, sp.Rational) and item.q != 1:
                if item.p != 1:
                    top.append(sp.Integer(item.p))
                bottom.append(sp.Integer(item.q))
            elif item != 1:
                top.append(item)
        return sign, top, bottom

    def _print_Mul(self, expr):
        sign, top, bottom = self._factors(expr)
        over = bool(bottom)
        upper = self._product(top, over) if top else "1"
        if not over:
            return sign + upper
        if len(bottom) == 1:
            lower = self._print(bottom[0])
            if self._needs_brackets_below(bottom[0]):
                lower = f"({lower})"
        else:
            lower = "(" + self._product(bottom, True) + ")"
        return f"{sign}{upper}/{lower}"

    def _needs_brackets_below(self, item) -> bool:
        """A single factor under `/`: a word, a power, a function call need none."""
        return (precedence(item) <= PRECEDENCE["Mul"] or _is_fraction(item)
                or self._is_operator(item) or self._is_quotient_like(item)
                or self._print(item).startswith("-"))

    def _product(self, factors, over: bool) -> str:
        """Factors side by side: `2x`, `a (1 - a)`, `2·3`; a factor that reaches to the right
        (Σ, d/dx) is bracketed unless it is the last one."""
        out = ""
        for n, item in enumerate(factors):
            shown = self._print(item)
            last = n == len(factors) - 1
            if (precedence(item) < PRECEDENCE["Mul"] and not (n == 0 and item.is_Number)) \
                    or (n > 0 and shown.startswith("-")) \
                    or (self._is_operator(item) and (not last or over)) \
                    or (over and self._is_quotient_like(item)) \
                    or (isinstance(item, sp.Mul) and (_is_fraction(item) or not last)):
                shown = f"({shown})"
            if n == 0:
                out = shown
            elif factors[n - 1].is_Number and not isinstance(factors[n - 1], sp.Float) \
                    and not isinstance(item, (sp.Derivative, sp.Subs)):
                tight = shown[0] in "(√|" or (shown[0].isalpha() and not shown[1:2].isalpha())
                out += ("·" if shown[0].isdigit() else "" if tight else " ") + shown
            else:
                out += " " + shown
        return out

    def _is_operator(self, expr) -> bool:
        """Printed as an operator reaching to the right: Σ, ∏, ∫, lim, d/dx (...)."""
        if isinstance(expr, _OPERATORS):
            return True
        return isinstance(expr, sp.Derivative) and self._prime(expr) is None \
            and not self._fraction_form(expr)

    def _is_quotient_like(self, expr) -> bool:
        """Printed with a `/` of its own: ∂C/∂x, or a name such as ∂C/∂W^m."""
        if isinstance(expr, sp.Derivative):
            return self._prime(expr) is None and self._fraction_form(expr)
        return isinstance(expr, (sp.Symbol, sp.MatrixSymbol)) and "/" in self._print(expr)

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.as_base_exp()
        if not expr.is_commutative:
            return super()._print_Pow(expr)
        if exp.is_Rational and exp.is_negative:
            return self._print_Mul(sp.Mul(expr, evaluate=False))
        roots = {sp.Rational(1, 2): "√", sp.Rational(1, 3): "∛", sp.Rational(1, 4): "∜"}
        if exp in roots:
            return roots[exp] + self._word_or_bracketed(base)
        return self._powered(base, exp)

    def _powered(self, base, exp) -> str:
        if isinstance(base, _CALLS + (sp.MatrixBase,)) and not isinstance(base, sp.exp):
            return self._print(base) + self._exponent(exp)
        return self._word_or_bracketed(base) + self._exponent(exp)

    def _word_or_bracketed(self, expr) -> str:
        shown = self._print(expr)
        return shown if _is_word(expr) and _WORD.fullmatch(shown) else f"({shown})"

    def _exponent(self, exp) -> str:
        if exp.is_Integer and exp > 1:
            return str(exp).translate(_SUPERSCRIPTS)
        return "^" + self._word_or_bracketed(exp)

    def _print_exp(self, expr):
        return "e" + self._exponent(expr.args[0]) if expr.args[0] != 1 else "e"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Max(self, expr):
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Heaviside(self, expr):
        x, *rest = expr.args
        return f"H({self._print(x)})" if not rest or rest[0] == 0 else \
            f"H({self._print(x)}, {self._print(rest[0])})"

    # -- calculus --------------------------------------------------------------------------------

    def _fraction_form(self, expr) -> bool:
        """∂C/∂x when the differentiated thing is a name (or an unknown function of names)."""
        f = expr.expr
        return isinstance(f, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)) or (
            isinstance(f, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in f.args))

    def _plain_derivative(self, expr):
        counts = list(expr.variable_count)
        order = sum(int(n) for _, n in counts)
        f = expr.expr
        ordinary = len(counts) == 1 and isinstance(counts[0][0], sp.Symbol) \
            and f.free_symbols <= {counts[0][0]}
        d = "d" if ordinary else "∂"
        power = str(order).translate(_SUPERSCRIPTS) if order > 1 else ""
        below = "".join(d + self._variable(v, n) for v, n in reversed(counts))
        if self._fraction_form(expr):
            top = name(f.func.__name__) if isinstance(f, AppliedUndef) else self._print(f)
            return f"{d}{power}{top}/{below}"
        body = self._print(f)
        if not (isinstance(f, _CALLS + (sp.Atom, sp.Indexed))
                or (isinstance(f, sp.Pow) and _is_word(f.base))) \
                or body.startswith("-"):
            body = f"({body})"
        return f"{d}{power}/{below} {body}"

    def _variable(self, v, n) -> str:
        if n == 1:
            return self._print(v)
        return self._word_or_bracketed(v) + str(n).translate(_SUPERSCRIPTS)

    def _partial_subscript(self, expr):
        return None   # a partial at a point in this printer's notation: (∂C/∂x)(f(t), g(t))

    def _print_Subs(self, expr):
        prime = self._prime(expr)
        if prime:
            return prime
        f = expr.expr
        if isinstance(f, sp.Derivative) and isinstance(f.expr, AppliedUndef) \
                and tuple(f.expr.args) == tuple(expr.variables):   # (∂C/∂s1)(z1(w), z2(w))
            return f"({self._print(f)})({', '.join(self._print(p) for p in expr.point)})"
        at = ", ".join(f"{self._print(v)}={self._print(p)}"
                       for v, p in zip(expr.variables, expr.point))
        return f"{self._word_or_bracketed(expr.expr)}|_{{{at}}}"

    def _body(self, f, linear: bool = True) -> str:
        """An operator's argument: bracketed when a sum, a fraction over a bracket, or (for a
        product, which negation does not pass through) negative."""
        shown = self._print(f)
        if precedence(f) < PRECEDENCE["Mul"] and not (linear and shown.startswith("-")
                                                      and not isinstance(f, sp.Add)):
            return f"({shown})"
        if _is_fraction(f) and shown.startswith("("):
            return f"({shown})"
        return shown

    def _bounds(self, limit) -> str:
        v, *ends = limit
        if len(ends) != 2:
            return "_" + self._script(v)
        return f"_{{{self._print(v)}={self._print(ends[0])}}}^" + self._script(ends[1])

    def _script(self, expr) -> str:
        shown = self._print(expr)
        return shown if _is_word(expr) and _WORD.fullmatch(shown) or shown == "∞" \
            else "{" + shown + "}"

    def _print_Sum(self, expr):
        heads = [f"Σ{self._bounds(lim)}" for lim in reversed(expr.limits)]
        return " ".join(heads) + " " + self._body(expr.function)

    def _print_Product(self, expr):
        heads = [f"∏{self._bounds(lim)}" for lim in reversed(expr.limits)]
        return " ".join(heads) + " " + self._body(expr.function, linear=False)

    def _print_Integral(self, expr):
        heads, tails = [], []
        for v, *ends in reversed(expr.limits):
            if len(ends) == 2:
                heads.append(f"∫_{self._script(ends[0])}^{self._script(ends[1])}")
            else:
                heads.append("∫")
        for v, *_ in expr.limits:
            tails.append("d" + self._print(v))
        return "".join(heads) + " " + self._body(expr.function) + " " + " ".join(tails)

    def _print_Limit(self, expr):
        f, v, point, direction = expr.args
        side = {"+": "⁺", "-": "⁻"}.get(str(direction), "") if point.is_finite else ""
        return f"lim_{{{self._print(v)}→{self._print(point)}{side}}} " + self._body(f)

    # -- logic -----------------------------------------------------------------------------------

    def _print_Relational(self, expr):
        return f"{self._print(expr.lhs)} {_RELATIONS.get(expr.rel_op, expr.rel_op)} " \
            f"{self._print(expr.rhs)}"

    def _print_And(self, expr):
        return " and ".join(self._logic_part(a) for a in expr.args)

    def _print_Or(self, expr):
        return " or ".join(self._logic_part(a) for a in expr.args)

    def _print_Not(self, expr):
        return "not " + self._logic_part(expr.args[0])

    def _logic_part(self, expr) -> str:
        shown = self._print(expr)
        return f"({shown})" if isinstance(expr, (sp.And, sp.Or)) else shown

    def _print_BooleanTrue(self, expr):
        return "true"

    def _print_BooleanFalse(self, expr):
        return "false"

    def _print_Piecewise(self, expr):
        cases = [f"{self._print(e)} if {self._print(c)}" if c is not sp.true
                 else f"{self._print(e)} otherwise" for e, c in expr.args]
        return "{" + "; ".join(cases) + "}"

    # -- matrices --------------------------------------------------------------------------------

    def _print_MatrixBase(self, expr):
        rows = [", ".join(self._print(e) for e in expr.row(r)) for r in range(expr.rows)]
        return "[" + "; ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase
    _print_ImmutableSparseMatrix = _print_MutableSparseMatrix = _print_MatrixBase

    def _print_Transpose(self, expr):
        return self._postfix(expr.arg, "ᵀ")

    def _print_Adjoint(self, expr):
        return self._postfix(expr.arg, "†")

    def _print_Inverse(self, expr):
        return self._postfix(expr.arg, "⁻¹")

    def _print_MatPow(self, expr):
        return self._powered(expr.base, expr.exp)

    def _postfix(self, arg, mark: str) -> str:
        return self._word_or_bracketed(arg) + mark

    def _print_MatAdd(self, expr):
        return self._join_terms([self._print(t) for t in expr.args])

    def _print_MatMul(self, expr):
        factors = [a for a in expr.args if getattr(a, "is_Matrix", False)]
        c = sp.Mul(*[a for a in expr.args if not getattr(a, "is_Matrix", False)])
        sign = ""
        if c.as_coeff_Mul()[0].is_negative:
            c, sign = -c, "-"
        parts = []
        if c != 1:
            shown = self._print(c)
            wrap = precedence(c) < PRECEDENCE["Mul"] or _is_fraction(c) or self._is_operator(c)
            parts.append(f"({shown})" if wrap else shown)
        for n, f in enumerate(factors):
            shown = self._print(f)
            if isinstance(f, (sp.MatAdd, sp.HadamardProduct, sp.Add)) or shown.startswith("-") \
                    or (self._is_operator(f) and n < len(factors) - 1):
                shown = f"({shown})"
            parts.append(shown)
        return sign + " ".join(parts)

    def _print_HadamardProduct(self, expr):
        parts = []
        for f in expr.args:
            shown = self._print(f)
            if isinstance(f, (sp.MatAdd, sp.MatMul, sp.Add, sp.Mul)) or shown.startswith("-"):
                shown = f"({shown})"
            parts.append(shown)
        return " ⊙ ".join(parts)

    def _print_Identity(self, expr):
        return "I"

    def _print_ZeroMatrix(self, expr):
        return "0"

    def _print_OneMatrix(self, expr):
        return "𝟏"
