"""A reader for the LaTeX of textbooks, lecture notes and blog posts about ML calculus.

SymPy's own LaTeX parser needs an exact ANTLR runtime and reads textbook notation literally
(`a(1-a)` as a function call, `e` as a variable, `a^l` as a power). This reader is a recursive
descent parser that knows the conventions of the field and builds SymPy objects through
`text.builder.Builder`, so the same size limits and vocabulary apply as for SymPy syntax:

* `e` is Euler's number, `\\ln` and `\\log` are natural logarithms, `\\log_b` has base b;
  `sin x`, `tanh(z)`, `softmax(z)` without a backslash are the functions;
* `\\sigma(z)` is the logistic function, `f'(x)`, `f^{(n)}(x)`, `\\frac{dg}{dx}(x)` and
  `\\partial_x f` are derivatives, `\\left. ... \\right|_{x=a}` evaluates at a point;
* a superscript that labels a layer (`a^l`, `z^L`, `W^{l+1}`, `a^{[l]}`, `W^{(2)}`) is part of the
  name, never a power: a power of a labelled quantity is written `(a^l)^2`;
* a subscript of index letters (`x_i`, `W_{jk}`, `\\delta^l_j`) is an entry of a vector or matrix,
  `\\delta_{ij}` is Kronecker's delta, `\\sum` and `\\prod` with or without bounds are sums and
  products over an index;
* bold names (`\\mathbf`, `\\bm`, `\\boldsymbol`, `\\vec`, `\\mathsf`) and names next to `^\\top`,
  `\\odot`, `\\nabla` or a norm are vectors and matrices (`text.arrays`), sized only when checked;
* `a(1-a)` is a product; f, g, h are functions. A letter applied to a lone variable, `u(x)`, is
  ambiguous and refused with advice (`--function u` or `u \\cdot (x)`), never guessed.

What stays ambiguous or is not mathematics (`\\input`, `\\def`, an alignment) is an error with a
one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.builder import FUNCTIONS, SCALAR_NAMES, Builder
from derive.text.latex_tokens import (
    ARRAY_FONTS, CONSTANT_COMMANDS, FONTS, FUNCTION_COMMANDS, FUNCTION_LETTERS, GREEK, INVERSE,
    RELATIONS, WORD_FUNCTIONS, Tok, tokenize)
from derive.text.limits import LIMITS, InputError

INDEX_LETTERS = frozenset("ijk")
# letters that name layer quantities: their ^m is a label (elsewhere x^m is a power)
LAYER_LETTERS = frozenset(["a", "z", "W", "w", "b", "B", "h", "delta", "Delta", "sigma", "A",
                           "Z"])
# in a formula about vectors, these stay scalars: costs, sizes, rates and the like
SCALAR_LETTERS = SCALAR_NAMES | {"p", "q", "r", "s", "c"}
# Greek letters that the field applies as functions: the activation phi(z), a loss ell(y, y_hat)
GREEK_FUNCTIONS = frozenset(["phi", "psi", "ell", "sigma"])
VECTOR_SIGNS = {r"\top", r"\odot", r"\otimes", r"\nabla", "‖"}
CONDITION_WORDS = ("for", "if", "when", "where", "whenever", "with", "provided")


@dataclass(frozen=True)
class NameParts:
    """A name as written, before it becomes a SymPy object."""

    letter: str
    font: str = ""
    label: sp.Expr | None = None
    style: str = ""
    subscript: str = ""
    indices: tuple = ()

    @property
    def display(self) -> str:
        return A.display_name(self.letter, self.font, self.label, self.style, self.subscript)


class LatexReader:
    """Recursive descent over tokens; each method returns a SymPy object."""

    def __init__(self, text: str, builder: Builder):
        self.tokens = tokenize(text)
        self.i = 0
        self.b = builder
        self.abs_depth = 0
        self.norm_depth = 0
        self.depth = 0
        self.leibniz: dict = {}   # lone letters differentiated Leibniz-style -> their variables
        primed = {t.text for t, nxt in zip(self.tokens, self.tokens[1:])
                  if t.kind == "letter" and nxt.text == "'"}
        self.function_letters = FUNCTION_LETTERS | builder.declared_functions | primed
        self.bound_letters = self._bound_letters()
        self.index_letters = INDEX_LETTERS | self.bound_letters
        self.indexed_letters = self._indexed_letters()
        self.vector_context = builder.vector_context or any(
            t.text in VECTOR_SIGNS or (t.text == r"\begin" and self._environment_at(n) in MATRICES)
            or (t.text == "^" and n + 1 < len(self.tokens) and self.tokens[n + 1].text == "T")
            or (t.kind == "cmd" and FONTS.get(t.text) in ARRAY_FONTS)
            for n, t in enumerate(self.tokens))

    def _bound_letters(self) -> set:
        """Letters bound by a sum or product (`\\sum_{n=1}`, `\\sum_j`): indices in this formula."""
        bound = set()
        for n, t in enumerate(self.tokens[:-2]):
            if t.text not in (r"\sum", r"\prod"):
                continue
            rest = self.tokens[n + 1:n + 12]
            for m, u in enumerate(rest[:-1]):
                if u.text == "_":
                    group = rest[m + 1:]
                    if group and group[0].text == "{":
                        for v in group[1:]:
                            if v.text in ("}", "=", r"\neq"):
                                break
                            if v.kind == "letter":
                                bound.add(v.text)
                    elif group and group[0].kind == "letter":
                        bound.add(group[0].text)
                    break
        return bound

    def _indexed_letters(self) -> set:
        """Letters written with an index subscript somewhere (x_i, w_{jk}): their numbered
        subscripts (x_1, w_{12}) are entries too, so x_1 is the x_i at i = 1. The index letters
        so used are recorded too: a lone i in a condition (i = j) is that index."""
        found = set()
        self.used_indices = set()
        for n, t in enumerate(self.tokens[:-2]):
            if self.tokens[n + 1].text == "_" and (t.kind == "letter" or t.text[1:] in GREEK):
                after = self.tokens[n + 2]
                inner = [after]
                if after.text == "{":
                    inner = []
                    for u in self.tokens[n + 3:]:
                        if u.text == "}":
                            break
                        inner.append(u)
                letters = [u.text for u in inner if u.kind == "letter"]
                if letters and all(x in self.index_letters for x in letters) and all(
                        u.kind == "letter" or u.text in (",", "+", "-") or u.kind == "num"
                        for u in inner):
                    self.used_indices.update(letters)
                    if t.kind == "letter":
                        found.add(t.text)
        return found

    def _environment_at(self, n: int) -> str:
        parts = self.tokens[n + 1:n + 4]
        if len(parts) == 3 and parts[0].text == "{" and parts[2].text == "}":
            return parts[1].text
        return ""

    # -- token helpers ---------------------------------------------------------------------------
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, *texts) -> bool:
        t = self.peek()
        return t is not None and t.text in texts

    def at_seq(self, *texts) -> bool:
        return all(self.peek(k) is not None and self.peek(k).text == s for k, s in enumerate(texts))

    def next(self) -> Tok:
        t = self.peek()
        if t is None:
            raise InputError("the formula ends too early (incomplete input)")
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        t = self.peek()
        if t is None:
            raise InputError(f"the formula ends too early: expected {text!r}")
        if t.text != text:
            raise InputError(f"expected {text!r} at column {t.pos + 1}, found {t.text!r}")
        self.i += 1

    def nest(self):
        self.depth += 1
        if self.depth > LIMITS.max_depth:
            raise InputError(f"formula nested too deeply (limit {LIMITS.max_depth})")

    def sub_reader(self, tokens: list[Tok]) -> "LatexReader":
        sub = LatexReader.__new__(LatexReader)
        sub.__dict__.update(self.__dict__)
        sub.tokens, sub.i, sub.abs_depth, sub.norm_depth = tokens, 0, 0, 0
        return sub

    # -- grammar ---------------------------------------------------------------------------------
    def sides(self) -> list:
        """The sides of `A = B` or of a chain `A = B = C`, also written over aligned lines
        (`A &= B \\\\ &= C`): each line after the first continues the chain with '='."""
        if not self.tokens:
            raise InputError("empty formula")
        self.skip_alignment()
        sides = [self.expr()]
        while True:
            self.skip_alignment()
            if self.at("="):
                self.next()
                self.skip_alignment()
                sides.append(self.expr())
            elif self.at(r"\\") and self.abs_depth == 0:
                self.next()
                if self.at("[") and self.peek(1) is not None and self.peek(1).kind == "num":
                    while not self.at("]"):   # \\[1.6em]: vertical space
                        self.next()
                    self.next()
                self.skip_alignment()
                if not self.at("="):
                    raise InputError("several formulas on several lines: check one at a time")
            else:
                break
        self.trailing_text()
        t = self.peek()
        if t is not None:
            raise InputError(_unexpected(t))
        return sides

    def skip_alignment(self) -> None:
        """`&` where an aligned line puts it: before '=' (or another '&', or a line break)."""
        while self.at("&") and (self.peek(1) is None or self.peek(1).text in ("=", "&", r"\\")):
            self.next()

    def trailing_text(self) -> None:
        """A remark after the formula (`\\quad \\text{(logistic)}`) is not part of it; a condition
        (`\\text{for } x > 0`) or a second formula (`\\text{and} ...`) is refused with advice."""
        while self.at(","):
            self.next()
        t = self.peek()
        if t is None or t.kind != "text":
            return
        words = t.text.lower().split()
        if words and words[0] in CONDITION_WORDS:
            raise InputError(f"the formula holds under a condition ('{t.text} ...'): give it with "
                             "--assume, e.g. --assume 'x > 0'")
        if words and words[0] in ("and", "or", "so", "thus", "hence", "then"):
            raise InputError(f"two formulas joined by '{t.text}': check one at a time")
        self.next()
        if self.peek() is not None and self.peek().kind != "text":
            raise InputError(f"text '{t.text}' inside the formula: check the formula alone")
        while self.peek() is not None and self.peek().kind == "text":
            self.next()

    def expr(self):
        self.nest()
        if self.at("+", "-"):
            sign = self.next().text
            value = self.term()
            value = self.b.neg(value) if sign == "-" else value
        else:
            value = self.term()
        terms = [value]
        while self.at("+", "-"):
            op = self.next().text
            rhs = self.term()
            terms.append(rhs)
            value = self.b.add(value, rhs) if op == "+" else self.b.sub(value, rhs)
        if any(A.is_array(t) for t in terms):   # b in W a + b is a vector too
            for t in terms:
                if isinstance(t, sp.Symbol) or (isinstance(t, sp.Mul) and not A.is_array(t)
                                                and len(t.atoms(sp.Symbol)) == 1):
                    self.b.promote(t)
        if self.at_seq("|", "_") and self.abs_depth == 0:
            self.next()
            value = self.evaluated_at(value)
        self.depth -= 1
        return value

    def product(self):
        """Factors written side by side (or with *), as the operand of \\nabla_x: it ends at
        \\odot and \\cdot, so \\nabla_a C \\odot \\sigma'(z) is (\\nabla_a C) \\odot \\sigma'(z)."""
        value = self.factor()
        while self.at("*") or self.starts_factor():
            if self.at("*"):
                self.next()
            value = self.b.mul(value, self.factor())
        return value

    def term(self):
        value = self.factor()
        while True:
            if self.at("*"):
                self.next()
                value = self.b.mul(value, self.factor())
            elif self.at("·"):
                self.next()
                right = self.factor()
                both = A.is_array(value) and A.is_array(right)
                value = A.CDot(value, right) if both else self.b.mul(value, right)
            elif self.at(r"\odot", r"\otimes"):
                op = A.Hadamard if self.next().text == r"\odot" else A.Outer
                right = self.factor()
                for side in (value, right):
                    if not A.is_array(side):
                        self.b.promote(side)
                value = op(value, right)
            elif self.at("/"):
                self.next()
                value = self.b.div(value, self.factor())
            elif self.starts_factor():
                value = self.b.mul(value, self.factor())
            else:
                return value

    def starts_factor(self) -> bool:
        t = self.peek()
        if t is None:
            return False
        if t.kind in ("num", "letter"):
            return True
        if t.kind == "cmd":
            return t.text not in (r"\to", r"\}", r"\\", r"\in", r"\end", r"\neq", r"\mid",
                                  r"\odot", r"\otimes") \
                and not t.text.startswith(r"\end")
        if t.text == "|":
            return self.abs_depth == 0 and not self.at_seq("|", "_")
        if t.text == "‖":
            return self.norm_depth == 0
        return t.text in ("(", "[", "{")

    def factor(self):
        if self.at("-"):
            self.next()
            return self.b.neg(self.factor())
        if self.at("+"):
            self.next()
            return self.factor()
        return self.postfix(self.primary())

    def postfix(self, value):
        while True:
            if self.at("^"):
                self.next()
                if self.at("T", r"\top") or self.at_seq("{", "T", "}") or \
                        self.at_seq("{", r"\top", "}"):
                    self.i += 1 if self.at("T", r"\top") else 3
                    if not A.is_array(value):
                        self.b.promote(value)   # W in W^T is a matrix
                    value = A.Transposed(value)
                    continue
                exponent = self.argument()
                if A.is_array(value):
                    if exponent == -1:
                        value = A.Inverted(value)
                        continue
                    raise InputError("a power of a vector or matrix is ambiguous (entrywise or "
                                     "matrix power?): write x \\odot x or A A")
                value = self.b.pow(value, exponent)
            elif self.at("!"):
                self.next()
                value = self.b.call("factorial", [value])
            elif self.at("'"):
                raise InputError("a prime needs a function and its argument: write f'(x)")
            elif self.at("_") and A.is_array(value):
                self.next()
                value = A.Entry(value, *self.subscript_indices())
            else:
                return value

    def evaluated_at(self, value):
        """`\\left. f(x) \\right|_{x=a}`: the value at x = a."""
        self.expect("_")
        if self.at("{"):
            self.next()
            stop = "}"
        else:
            stop = None
        variable = self.leaf(self.name_parts())
        self.expect("=")
        point = self.expr() if stop else self.primary(bare=True)
        if stop:
            self.expect("}")
        return sp.Subs(value, variable, point) if value.has(sp.Derivative) \
            else value.xreplace({variable: point})

    def argument(self):
        """A `{group}` or a single token, as after `^`, `\\frac` or `\\sqrt`."""
        t = self.peek()
        if t is None:
            raise InputError("the formula ends too early (incomplete input)")
        if t.text == "{":
            return self.group()
        if t.text == "-":  # lenient: x^-1
            self.next()
            return self.b.neg(self.argument())
        if t.kind == "num" and len(t.text) > 1 and "." not in t.text:
            # \frac12 and x^23 in TeX take one digit; keep the rest as the next token
            self.tokens[self.i] = Tok("num", t.text[1:], t.pos + 1)
            return self.b.integer(t.text[0])
        if t.kind in ("num", "letter"):
            return self.primary(bare=True)
        if t.kind == "cmd" and (t.text in CONSTANT_COMMANDS or t.text[1:] in GREEK
                                or t.text in FONTS):
            return self.primary(bare=True)
        raise InputError(_unexpected(t))

    def group(self):
        self.expect("{")
        if self.at("}"):
            raise InputError("empty group {}")
        value = self.expr()
        self.expect("}")
        return value

    def primary(self, bare: bool = False):
        t = self.peek()
        if t is None:
            raise InputError("the formula ends too early (incomplete input)")
        if t.kind == "num":
            self.next()
            return self.b.decimal(t.text) if "." in t.text else self.b.integer(t.text)
        if t.kind == "letter" or (t.kind == "cmd" and (t.text[1:] in GREEK or t.text in FONTS)):
            return self.named(bare)
        if t.text in ("(", "["):
            close = ")" if self.next().text == "(" else "]"
            value = self.expr()
            self.expect(close)
            return value
        if t.text == "{":
            return self.group()
        if t.text == "|":
            self.next()
            self.abs_depth += 1
            value = self.expr()
            self.abs_depth -= 1
            self.expect("|")
            return A.NormOf(value) if A.is_array(value) else self.b.call("Abs", [value])
        if t.text == "‖":
            return self.norm()
        if t.kind == "text":
            return self.text_name(bare)
        if t.kind == "cmd":
            return self.command(bare)
        raise InputError(_unexpected(t))

    def norm(self):
        """`\\|x\\|`, `\\|x\\|_2`, `\\|W\\|_F`: the Euclidean (Frobenius) norm."""
        self.next()
        self.norm_depth += 1
        value = self.expr()
        self.norm_depth -= 1
        self.expect("‖")
        if self.at("_"):
            self.next()
            kind = self.next().text if not self.at("{") else None
            if kind is None:
                self.next()
                kind = self.next().text
                self.expect("}")
            if kind not in ("2", "F"):
                raise InputError(f"only the 2-norm and the Frobenius norm are known, not ‖·‖_{kind}")
        return A.NormOf(value) if A.is_array(value) else self.b.call("Abs", [value])

    # -- names -----------------------------------------------------------------------------------
    def name_parts(self) -> NameParts:
        """A letter, Greek letter or font-decorated letter with its layer label and subscript:
        `x`, `x_1`, `W^l_{jk}`, `a^{[l-1]}`, `\\mathbf{W}^{(2)}`, `C_{\\mathrm{MSE}}`, `\\Delta x`."""
        font, t = "", self.next()
        if t.kind == "cmd" and t.text in FONTS:
            font = FONTS[t.text]
            if font in ("dot", "ddot"):
                raise InputError(f"{t.text}{{x}} is a derivative by time: write "
                                 "\\frac{dx}{dt} with x(t) declared, e.g. --function x")
            braced = self.at("{")
            if braced:
                self.next()
            if braced and self.peek() is not None and self.peek().text in FONTS:
                # \hat{\mathbf{y}}: the outer decoration names it; bold says it is a vector
                inner_bold = FONTS[self.peek().text] in ARRAY_FONTS
                inner = self.name_parts()
                self.expect("}")
                parts = NameParts(inner.letter, font if font != "mathrm" else inner.font)
                if inner_bold and not self.b.scalar_only:
                    self.b.arrays.add(parts.display)
                return parts
            t = self.next()
            if braced:
                self.expect("}")
            if font == "mathrm":
                font = ""
        if t.kind == "letter":
            letter = t.text
        elif t.kind == "cmd" and t.text[1:] in GREEK:
            letter = t.text[1:]
        elif t.kind == "num" and font in ("mathbb", "mathbf"):
            letter = t.text
        else:
            raise InputError(f"expected a name at column {t.pos + 1}, found {t.text!r}")
        if letter == "Delta" and font == "" and self.peek() is not None \
                and self.peek().kind == "letter" and not self.peek().spaced:
            return NameParts("Delta_" + self.next().text)
        label, style, subscript, indices = None, "", "", ()
        for _ in range(2):
            if self.at("^") and label is None and self.label_follows(letter):
                self.next()
                label, style = self.label()
            elif self.at("_") and not subscript and not indices:
                self.next()
                subscript, indices = self.subscript(letter, font)
        return NameParts(letter, font, label, style, subscript, indices)

    def label_follows(self, letter: str) -> bool:
        """After `^`: a layer label (l, L, l+1, [l], (2)) rather than a power or a transpose."""
        t1, t2, t3 = self.peek(1), self.peek(2), self.peek(3)
        if t1 is None:
            return False
        if t1.text == "*":
            return True
        if t1.kind == "letter":
            return _label_letter(t1.text, letter)
        if t1.text != "{" or t2 is None:
            return False
        if t2.text == "*":
            return True
        if t2.text in ("[", "("):   # ^{(l)}, ^{[l-1]}, ^{(2)}: not ^{(5-1)}, a power
            closing = "]" if t2.text == "[" else ")"
            inner = []
            for t in self.tokens[self.i + 3:]:
                if t.text == closing:
                    break
                inner.append(t)
            return _label_tokens(inner)
        if t2.kind == "letter" and _label_letter(t2.text, letter):
            return t3 is not None and (t3.text == "}" or t3.text in ("+", "-"))
        return False

    def label(self) -> tuple:
        """The label after `^`: (value, style)."""
        if self.at("*"):
            self.next()
            return sp.Symbol("*"), "*"
        braced = self.at("{")
        if not braced:
            return A.LABEL_VARIABLES[self.next().text], ""
        self.next()
        style = ""
        if self.at("*"):
            self.next()
            self.expect("}")
            return sp.Symbol("*"), "*"
        if self.at("[", "("):
            opening = self.next().text
            style = "[]" if opening == "[" else "()"
        value = self.label_value()
        if style:
            self.expect(style[1])
        self.expect("}")
        return value, style

    def label_value(self):
        t = self.next()
        if t.kind == "num":
            value = sp.Integer(int(t.text))
        elif t.kind == "letter" and t.text in A.LABEL_VARIABLES:
            value = A.LABEL_VARIABLES[t.text]
        elif t.kind == "letter" and t.text in "ijknt":
            value = sp.Symbol(t.text, integer=True)
        else:
            raise InputError(f"cannot read the label at column {t.pos + 1}: write l, l+1 or a number")
        while self.at("+", "-"):
            sign = 1 if self.next().text == "+" else -1
            step = self.next()
            if step.kind != "num":
                raise InputError(f"cannot read the label at column {step.pos + 1}")
            value += sign * int(step.text)
        return value

    def subscript(self, letter: str, font: str) -> tuple[str, tuple]:
        if letter in self.indexed_letters and not font:
            numbered = self._numbered_subscript()
            if numbered is not None:
                return "", numbered
        return self._subscript(letter, font)

    def _numbered_subscript(self):
        """`_1`, `_{12}` (two indices of one digit each, as w_{12} is w_{1,2}), `_{1,2}`."""
        if self.at("{"):
            end = self.i + 1
            digits = []
            while end < len(self.tokens) and self.tokens[end].text != "}":
                digits.append(self.tokens[end])
                end += 1
            if not digits or not all(t.kind == "num" or t.text == "," for t in digits):
                return None
            numbers = [t.text for t in digits if t.text != ","]
            if len(numbers) == 1 and len(numbers[0]) == 2 and "," not in [t.text for t in digits]:
                numbers = list(numbers[0])
            if len(numbers) > 2 or any("." in n for n in numbers):
                return None
            self.i = end + 1
            return tuple(sp.Integer(int(n)) for n in numbers)
        t = self.peek()
        if t is not None and t.kind == "num" and "." not in t.text:
            self.next()
            if len(t.text) > 1:
                self.tokens.insert(self.i, Tok("num", t.text[1:], t.pos + 1))
            return (sp.Integer(int(t.text[0])),)
        return None

    def _subscript(self, letter: str, font: str) -> tuple[str, tuple]:
        """A subscript: indices (`_j`, `_{jk}`, `_{i+1}`) or part of the name (`_1`, `_\\mathrm{MSE}`)."""
        start = self.i
        if self.at("{"):
            self.next()
            tokens = []
            depth = 0
            while not (self.at("}") and depth == 0):
                t = self.next()
                depth += (t.text == "{") - (t.text == "}")
                tokens.append(t)
            self.next()
        else:
            tokens = [self.next()]
            if tokens[0].kind in ("cmd",) and tokens[0].text in FONTS and self.at("{"):
                self.i = start
                return self.name_subscript_text(), ()
        if not tokens:
            raise InputError("empty subscript")
        indices = self._indices(tokens)
        if indices is not None:
            return "", indices
        self.i = start
        return self.name_subscript_text(), ()

    def _indices(self, tokens: list[Tok]):
        """Index expressions from the subscript's tokens, or None when it is part of a name."""
        if all(t.kind == "letter" and t.text in self.index_letters or t.text == ","
               for t in tokens):
            letters = [t.text for t in tokens if t.text != ","]
            if 1 <= len(letters) <= 2:
                return tuple(index_symbol(x) for x in letters)
        if len(tokens) == 3 and tokens[0].kind == "letter" and tokens[0].text in self.index_letters \
                and tokens[1].text in ("+", "-") and tokens[2].kind == "num":
            step = int(tokens[2].text)
            return (index_symbol(tokens[0].text) + (step if tokens[1].text == "+" else -step),)
        return None

    def name_subscript_text(self) -> str:
        """A subscript that is part of a name: `1`, `{12}`, `\\mathrm{MSE}`, `\\text{out}`."""
        def piece(t: Tok) -> str:
            if t.kind in ("letter", "num"):
                return t.text
            if t.kind == "text":
                return "".join(t.text.split())
            if t.kind == "cmd" and t.text[1:] in GREEK:
                return t.text[1:]
            if t.kind == "cmd" and t.text[1:] in WORD_FUNCTIONS:
                return t.text[1:]
            if t.text == ",":
                return ""
            raise InputError(f"cannot use {t.text!r} in a subscript")
        if self.at("{"):
            self.next()
            parts, depth = [], 0
            while depth or not self.at("}"):
                t = self.next()
                depth += (t.text == "{") - (t.text == "}")
                if (t.kind == "cmd" and t.text in FONTS) or t.text in ("{", "}"):
                    continue
                parts.append(piece(t))
            self.next()
            text = "".join(parts)
        else:
            t = self.next()
            if t.kind == "cmd" and t.text in FONTS:
                self.expect("{")
                parts = []
                while not self.at("}"):
                    parts.append(piece(self.next()))
                self.next()
                text = "".join(parts)
            elif t.kind == "num" and len(t.text) > 1:
                self.tokens.insert(self.i, Tok("num", t.text[1:], t.pos + 1))
                text = t.text[0]
            else:
                text = piece(t)
        if not text:
            raise InputError("empty subscript")
        return text

    def subscript_indices(self) -> tuple:
        """The indices of `softmax(z)_i`."""
        start = self.i
        tokens = [self.next()] if not self.at("{") else None
        if tokens is None:
            self.next()
            tokens = []
            while not self.at("}"):
                tokens.append(self.next())
            self.next()
        indices = self._indices(tokens)
        if indices is None:
            self.i = start
            raise InputError(f"cannot read the index at column {self.peek().pos + 1}")
        return indices

    def is_array_name(self, parts: NameParts) -> bool:
        name = parts.display
        if self.b.scalar_only:
            return False
        if name in self.b.arrays or name in self.b.promoted or (
                parts.label is not None and not parts.indices
                and (parts.letter, parts.font, parts.style) in self.b.families):
            return True
        if name in self.b.scalars or parts.font in ("mathcal", "mathbb"):
            return False
        if parts.font in ARRAY_FONTS:
            return True
        if not self.vector_context or parts.subscript or parts.letter in SCALAR_LETTERS:
            return False
        return len(parts.letter) == 1 or parts.letter in ("delta", "Delta")

    def leaf(self, parts: NameParts):
        """The SymPy object for a name: a scalar symbol, an array, an entry or Kronecker's delta."""
        if parts.letter == "delta" and len(parts.indices) == 2 and parts.label is None \
                and not parts.font:
            return sp.KroneckerDelta(*parts.indices)
        name = parts.display
        if parts.indices:
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style,
                                       array=True))
            return sp.IndexedBase(name)[parts.indices]
        if self.is_array_name(parts):
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style,
                                       array=True))
            return A.array_symbol(name)
        if parts.label is not None or parts.font:
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style))
            return self.b.named_symbol(name)
        if name in self.bound_letters or name in self.used_indices:
            return index_symbol(name)   # the i of \sum_{i=1}^{n} i
        if self.b.applied.get(name) is not None and self.b.defined:
            return self.b.applied[name]   # g in dz/dg where z = f(g(x)): its value
        return self.b.symbol(name, function_names_ok=True, constants=False, reserved_ok=True)

    def named(self, bare: bool):
        """A name, and what follows it: e, a function application, or the name alone."""
        t = self.peek()
        if t.text == "e" and not (self.peek(1) and self.peek(1).text in ("_", "'")):
            self.next()
            if self.at("^"):
                self.next()
                return self.b.call("exp", [self.argument()])
            return sp.E
        if t.text == r"\mathbb":
            return self.blackboard()
        if t.text == r"\mathrm" and not self._single_letter_group():
            return self.roman(bare)
        parts = self.name_parts()
        if parts.display in self.function_letters and self.at("^") and not bare \
                and not self.at_seq("^", "{", "'") and not self.at_seq("^", "{", "("):
            mark = self.i   # g^2(x): the square of g(x), as \sin^2 x is
            self.next()
            power = self.argument()
            if self.at("(") and power == -1:
                raise InputError(f"{parts.display}^{{-1}} is the inverse function of "
                                 f"{parts.display}, which is not known: write it out")
            if self.at("("):
                return self.b.pow(self.apply(parts.display, self.call_arguments()), power)
            self.i = mark
        primes = self.primes()
        if primes and self.at("_") and not parts.subscript and not parts.indices:
            self.next()   # \sigma'_{\mathrm{tanh}}(z): the prime before the subscript
            parts = NameParts(parts.letter, parts.font, parts.label, parts.style,
                              self.name_subscript_text())
        if bare or not self.at("(") or parts.indices:
            if primes:
                raise InputError(f"write {parts.display}{chr(39) * primes}(x): a derivative "
                                 "needs its argument")
            return self.leaf(parts)
        if parts.style == "()" and parts.letter in self.function_letters:
            order = parts.label   # f^{(2)}(x): the second derivative
            if not (order.is_Integer and 0 < order <= LIMITS.max_order):
                raise InputError(f"derivative order must be a whole number 1..{LIMITS.max_order}")
            return self.apply(parts.letter, self.call_arguments(), int(order))
        if parts.letter in ("sigma", "phi") and parts.subscript.lower() in FUNCTIONS:
            # \sigma_{\mathrm{ReLU}}(z): the function named in the subscript
            return self.apply(parts.subscript.lower(), self.call_arguments(), primes)
        name = parts.display
        if name == "sigma" and name not in self.b.declared_functions:
            return self.apply("sigmoid", self.call_arguments(), primes)
        if parts.letter in GREEK_FUNCTIONS or name in self.function_letters \
                or self.at_call_with_commas():
            if name not in self.function_letters:
                self.b.trust_function(name)
            return self.apply(name, self.call_arguments(), primes)
        return self.application(name, primes, parts)

    def at_call_with_commas(self) -> bool:
        """`(a, b)` follows: arguments of a function, never a factor."""
        depth = 0
        for t in self.tokens[self.i:]:
            depth += t.text in ("(", "{", "[")
            depth -= t.text in (")", "}", "]")
            if depth == 0:
                return False
            if depth == 1 and t.text == ",":
                return True
        return False

    def _single_letter_group(self) -> bool:
        return self.at_seq(r"\mathrm", "{") and self.peek(2) is not None \
            and self.peek(2).kind == "letter" and self.peek(3) is not None \
            and self.peek(3).text == "}" and self.peek(2).text != "e"

    def primes(self) -> int:
        n = 0
        while self.at("'"):
            self.next()
            n += 1
        if self.at_seq("^", "{", "'"):
            self.next(), self.next()
            while self.at("'"):
                self.next()
                n += 1
            self.expect("}")
        return n

    def application(self, name: str, primes: int, parts: NameParts):
        """`f(x)`, `f'(x)`, `a(1-a)`: a function only when the name is one."""
        if name not in self.function_letters:
            lone = (self.peek(1) is not None and self.peek(1).kind == "letter"
                    and self.peek(2) is not None and self.peek(2).text == ")")
            if lone or primes:
                raise InputError(f"ambiguous: {name}(...) could be a function or a product; "
                                 f"write {name} \\cdot (...) for a product, or declare the "
                                 f"function with --function {name}")
            # a(1-a) is a product: the group is the next factor, so a(b)^2 squares only (b)
            return self.leaf(parts)
        return self.apply(name, self.call_arguments(), primes)

    def apply(self, name: str, args: list, primes: int = 0):
        """A function (vocabulary or unknown) or its `primes`-th derivative at `args`; entry by
        entry when the argument is a vector or matrix."""
        if name in self.b.definitions_of_functions:
            name = name   # a function the document defines: kept by name, given its meaning later
        if len(args) == 1 and A.is_array(args[0]):
            if name == "softmax" and not primes:
                return A.Softmax(args[0])
            if name not in FUNCTIONS:
                self.b.unknown_function(name)
            return A.Map(sp.Symbol(name), args[0], sp.Integer(primes))
        if name == "softmax" and len(args) == 1 and not primes:
            self.b.promote(args[0])   # softmax takes a vector: z in softmax(z) is one
            return A.Softmax(args[0])
        if name == "trace":
            raise InputError("a trace takes a matrix")
        if name in FUNCTIONS:
            return self.apply_derivative(lambda *v: self.b.call(name, list(v)), args, primes)
        function = self.b.unknown_function(name)
        if not primes and all(isinstance(a, sp.Symbol) for a in args):
            known = self.b.applied.setdefault(name, function(*args))
            if known != function(*args):
                self.b.applied[name] = None   # applied to different arguments: no one meaning
        return self.apply_derivative(lambda *v: function(*v), args, primes)

    def call_arguments(self, open_="(", close=")") -> list:
        self.expect(open_)
        args = [self.expr()]
        while self.at(","):
            self.next()
            args.append(self.expr())
        self.expect(close)
        return args

    def apply_derivative(self, make, args: list, primes: int):
        """`make(*args)`, or its `primes`-th derivative evaluated at `args` (f'(u))."""
        if not primes:
            return make(*args)
        if len(args) != 1:
            raise InputError("a prime means the derivative of a function of one variable")
        t = sp.Dummy("t", real=True)
        derivative = sp.Derivative(make(t), (t, primes))
        if isinstance(args[0], (sp.Indexed, AppliedUndef)):
            # sigma'(z_k) is sigma' at z_k, not a derivative by the entry z_k
            return sp.Subs(derivative, t, args[0])
        return derivative.subs(t, args[0]) if args[0] != t else derivative

    def text_name(self, bare: bool):
        """`\\text{softmax}(z)`, `\\text{MSE}`: a function word, or a name."""
        t = self.next()
        word = "".join(t.text.split())
        if word in WORD_FUNCTIONS:
            return self.function(WORD_FUNCTIONS[word])
        if word.isalpha() and word.isupper() and len(word) <= LIMITS.max_name:
            return self.b.named_symbol(word)   # an acronym: MSE, BCE
        raise InputError(f"text '{t.text}' inside the formula: check the formula alone")

    # -- commands --------------------------------------------------------------------------------
    def command(self, bare: bool):
        t = self.peek()
        c = t.text
        if c in CONSTANT_COMMANDS:
            self.next()
            return CONSTANT_COMMANDS[c]
        if c == r"\frac":
            self.next()
            return self.fraction()
        if c == r"\binom":
            self.next()
            n = self.argument()
            return self.b.call("binomial", [n, self.argument()])
        if c == r"\sqrt":
            self.next()
            index = None
            if self.at("["):
                self.next()
                index = self.expr()
                self.expect("]")
            radicand = self.argument()
            return self.b.call("sqrt", [radicand]) if index is None else \
                self.b.call("root", [radicand, index])
        if c == r"\lim":
            self.next()
            return self.limit()
        if c in (r"\sum", r"\prod"):
            self.next()
            return self.big_operator(sp.Sum if c == r"\sum" else sp.Product)
        if c == r"\nabla":
            self.next()
            return self.gradient()
        if c == r"\partial":
            self.next()
            return self.partial_subscript()
        if c == r"\begin":
            return self.environment()
        if c in FUNCTION_COMMANDS or c[1:] in WORD_FUNCTIONS:
            self.next()
            return self.function(FUNCTION_COMMANDS.get(c) or WORD_FUNCTIONS[c[1:]])
        if c == r"\top":
            raise InputError("a transpose needs a vector or matrix before it: x^\\top")
        raise InputError(f"unknown or unsupported LaTeX command {c}")

    def roman(self, bare: bool):
        """`\\mathrm{d}`, `\\mathrm{e}`, `\\operatorname{ReLU}(z)`."""
        self.next()
        self.expect("{")
        word = ""
        while not self.at("}"):
            t = self.next()
            if t.kind == "letter":
                word += t.text
            elif t.kind == "cmd" and t.text[1:] in WORD_FUNCTIONS:
                word += t.text[1:]
            else:
                raise InputError(f"cannot use {t.text!r} inside \\mathrm{{...}}")
        self.next()
        if word == "e":
            if self.at("^"):
                self.next()
                return self.b.call("exp", [self.argument()])
            return sp.E
        if word in WORD_FUNCTIONS:
            return self.function(WORD_FUNCTIONS[word])
        if word.lower() in FUNCTIONS:
            return self.function(word.lower())
        if word.isalpha() and not self.at("("):
            return self.b.named_symbol(word)
        raise InputError(f"unknown function \\mathrm{{{word}}}")

    def blackboard(self):
        """`\\mathbb{1}(x > 0)`, `\\mathbb{1}_{x > 0}`, `\\mathbb{I}\\{...\\}`: an indicator."""
        self.next()
        self.expect("{")
        what = self.next().text
        self.expect("}")
        if what not in ("1", "I"):
            raise InputError(f"\\mathbb{{{what}}} is a set, not a number: a claim about "
                             "membership is not an identity")
        if self.at("_"):
            self.next()
            condition = self.braced_condition("{", "}")
        elif self.at("("):
            condition = self.braced_condition("(", ")")
        elif self.at(r"\{"):
            condition = self.braced_condition(r"\{", r"\}")
        else:
            raise InputError("an indicator needs its condition: \\mathbb{1}(x > 0)")
        return sp.Piecewise((1, condition), (0, True))

    def braced_condition(self, open_: str, close: str):
        self.expect(open_)
        condition = self.condition()
        self.expect(close)
        return condition

    def condition(self):
        """`x > 0`, `0 < x < 1`, `x \\neq 0`, `i = j`: a relation (chains are conjunctions)."""
        terms = [self.expr()]
        ops = []
        while self.at(*RELATIONS):
            ops.append(self.next().text)
            terms.append(self.expr())
        if not ops:
            raise InputError("expected a condition such as x > 0")
        parts = [RELATIONS[op](left, right) for left, op, right in zip(terms, ops, terms[1:])]
        return sp.And(*parts)

    def function(self, name: str):
        """`\\sin x`, `\\sin(x)`, `\\sin^2 x`, `\\sin^{-1} x`, `\\log_2 x`, `\\max(0, z)`."""
        power = base = None
        if name == "log" and self.at("_"):
            self.next()
            base = self.argument()
        if self.at("^") and not self.at_seq("^", "{", "'"):
            self.next()
            power = self.argument()
            if power == -1 and name in INVERSE:
                name, power = INVERSE[name], None
        primes = self.primes()
        if self.at("(") or self.at(r"\{") or self.at("["):
            close = {"(": ")", r"\{": r"\}", "[": "]"}[self.peek().text]
            args = self.call_arguments(self.peek().text, close)
        elif name in ("Max", "Min"):
            raise InputError(f"write \\{name[:3].lower()}(a, b) with parentheses")
        else:
            args = [self.simple_argument()]
        if name == "trace":
            if len(args) != 1 or not A.is_array(args[0]):
                raise InputError("a trace takes a matrix")
            value = A.TraceOf(args[0])
        else:
            if base is not None:
                args = args + [base]
            value = self.apply(name, args, primes)
        if power is None:
            return value
        if A.is_array(value):
            raise InputError("a power of a vector function is ambiguous: write it out")
        return self.b.pow(value, power)

    def simple_argument(self):
        """The argument of `\\sin 2x`: numbers, letters and their powers up to the next operator,
        function or spacing command, so `\\sin x \\cos x` is a product of two functions and
        `\\cos x \\, e^{\\sin x}` is cos(x) times e^{sin x}."""
        value = self.postfix(self.primary(bare=True))
        while True:
            t = self.peek()
            if t is None or t.spaced or not (
                    t.kind in ("num", "letter") or t.text in CONSTANT_COMMANDS
                    or (t.kind == "cmd" and (t.text[1:] in GREEK or t.text in FONTS))):
                return value
            value = self.b.mul(value, self.postfix(self.primary(bare=True)))

    def big_operator(self, kind):
        """`\\sum_{i=1}^{n} x_i`, `\\sum^n_{i=1}`, `\\sum_j`, `\\sum_{k \\neq i}`, `\\sum_{i,j}`,
        `\\prod_{i=1}^n`: the operand is the rest of the product; without bounds an index runs
        over all its values."""
        high = self._upper_bound() if self.at("^") else None
        self.expect("_")
        braced = self.at("{")
        if braced:
            self.next()
        variables = [self._bound_variable()]
        while braced and self.at(","):   # \sum_{i,j}: a sum over each
            self.next()
            variables.append(self._bound_variable())
        low = sp.Integer(1)
        excluded = None
        if braced and self.at("=") and len(variables) == 1:
            self.next()
            low = self.expr()
        elif braced and self.at(r"\neq") and len(variables) == 1:
            self.next()
            excluded = index_symbol(self.name_parts().letter)
        if braced:
            self.expect("}")
        if high is None and self.at("^"):
            high = self._upper_bound()
        if high is not None and len(variables) > 1:
            raise InputError("one upper bound for several indices: write a sum for each")
        body = self.term()
        if excluded is not None:
            body = body * (1 - sp.KroneckerDelta(variables[0], excluded))
        for variable in reversed(variables):
            body = kind(body, (variable, low, high if high is not None
                               else A.index_size(variable)))
        return body

    def _bound_variable(self):
        parts = self.name_parts()
        if parts.label is not None or parts.font or parts.subscript or parts.indices:
            raise InputError("a sum runs over a plain index letter: \\sum_{i=1}^{n}")
        return index_symbol(parts.letter)

    def _upper_bound(self):
        self.expect("^")
        was, self.b.scalar_only = self.b.scalar_only, True   # a bound is a number
        t = self.peek()
        if t is not None and t.kind == "letter":   # \sum^K_{k=1}: K alone, the _ is the sum's
            self.next()
            high = self.leaf(NameParts(t.text))
        else:
            high = self.argument()
        self.b.scalar_only = was
        return high

    def gradient(self):
        """`\\nabla_{\\mathbf x} f`, `\\nabla_a C`, `\\nabla f(x, y)`."""
        if self.at("_"):
            variable = self.subscript_variable()
            operand = self.product()
            if A.is_array(variable):   # a gradient is of a scalar: x^T A x is one
                return A.Grad(operand, variable)
            return self.derivative_of(operand, [variable])
        operand = self.factor()
        if isinstance(operand, sp.core.function.AppliedUndef) and all(
                isinstance(a, sp.Symbol) for a in operand.args):
            entries = [sp.Derivative(operand, v) for v in operand.args]
            return A.MatrixLiteral(len(entries), 1, *entries)
        raise InputError("say what the gradient is taken with respect to: \\nabla_{w} C")

    def partial_subscript(self):
        """`\\partial_x f`, `\\partial_{x} f(x, y)`."""
        if not self.at("_"):
            raise InputError(r"\partial outside a fraction: write \frac{\partial f}{\partial x}")
        variable = self.subscript_variable()
        return self.derivative_of(self.term(), [variable])

    def subscript_variable(self):
        """The variable in `\\nabla_x`, `\\partial_{x}`: after '_', braced or not."""
        self.expect("_")
        if not self.at("{"):
            return self.leaf(self.name_parts())
        self.next()
        variable = self.leaf(self.name_parts())
        self.expect("}")
        return variable

    def derivative_of(self, operand, variables: list):
        """d operand / d variables: SymPy's Derivative for scalar variables, else the array forms."""
        if all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables) \
                and not A.has_arrays(operand):
            return self.b.derivative(operand, variables)
        if all(isinstance(v, AppliedUndef) for v in variables) and not A.has_arrays(operand):
            return sp.Derivative(operand, *variables)   # dz/dg, g = g(x): by the function's value
        if len(variables) != 1:
            raise InputError("a second derivative by an entry or an array is not supported")
        (variable,) = variables
        if A.is_array(variable):
            if A.is_array(operand):
                return A.Jacobian(operand, variable, sp.Integer(0))
            return A.Grad(operand, variable)
        if A.is_array(operand):
            raise InputError("the derivative of a vector by a scalar entry: write it entry by entry")
        return A.Partial(operand, variable)

    def environment(self):
        """`pmatrix`, `bmatrix`, `vmatrix` (a determinant is refused) and `cases`."""
        self.expect(r"\begin")
        self.expect("{")
        name = ""
        while not self.at("}"):
            name += self.next().text
        self.next()
        if name == "cases":
            return self.cases()
        if name not in MATRICES:
            raise InputError(f"the environment {name} is not a formula: check one line at a time")
        rows, row = [], [self.expr()]
        while not self.at(r"\end"):
            if self.at("&"):
                self.next()
                row.append(self.expr())
            elif self.at(r"\\"):
                self.next()
                rows.append(row)
                row = [self.expr()]
            else:
                raise InputError(_unexpected(self.peek()) if self.peek() else "unclosed matrix")
        rows.append(row)
        self.end(name)
        if len({len(r) for r in rows}) != 1:
            raise InputError("the rows of the matrix have different lengths")
        if any(A.is_array(e) for r in rows for e in r):
            raise InputError("a matrix of blocks is not supported: write its entries")
        return A.MatrixLiteral(len(rows), len(rows[0]), *[e for r in rows for e in r])

    def cases(self):
        """`\\begin{cases} z & z > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`: a piecewise function."""
        pieces = []
        while not self.at(r"\end"):
            value = self.expr()
            self.expect("&")
            if self.peek() is not None and self.peek().kind == "text":
                words = self.next().text.lower().replace(",", " ").split()
                if words and words[0] in ("otherwise", "else", "elsewhere"):
                    condition = sp.true
                elif self.at(r"\\", r"\end"):
                    raise InputError(f"cannot read the condition '{' '.join(words)}'")
                else:
                    condition = self.condition()
            else:
                condition = self.condition()
            pieces.append((value, condition))
            if self.at(r"\\"):
                self.next()
        self.end("cases")
        if not pieces:
            raise InputError("an empty cases environment")
        return sp.Piecewise(*pieces)

    def end(self, name: str) -> None:
        self.expect(r"\end")
        self.expect("{")
        found = ""
        while not self.at("}"):
            found += self.next().text
        self.next()
        if found != name:
            raise InputError(f"\\begin{{{name}}} ends with \\end{{{found}}}")

    # -- derivatives -----------------------------------------------------------------------------
    def fraction(self):
        derivative = self.derivative_fraction()
        if derivative is not None:
            return derivative
        numerator = self.argument()
        return self.b.div(numerator, self.argument())

    def derivative_fraction(self):
        """`\\frac{d}{dx} ...`, `\\frac{dy}{dx}`, `\\frac{\\partial^2 f}{\\partial x^2}`,
        `\\frac{\\partial C}{\\partial W^l_{jk}}`; None if the fraction is an ordinary one."""
        start = self.i
        if not self.at("{"):
            return None
        self.next()
        if not (self.at("d", r"\partial") or self._at_roman_d()):
            self.i = start
            return None
        mark = self.differential()
        order = 1
        if self.at("^"):
            self.next()
            order = self._order(self.argument())
        numerator_start = self.i
        depth = 0
        while not (self.at("}") and depth == 0):
            t = self.next()
            depth += t.text == "{"
            depth -= t.text == "}"
        numerator_tokens = self.tokens[numerator_start:self.i]
        self.next()
        variables = self.differential_variables(mark, order)
        if variables is None:
            self.i = start
            return None
        if numerator_tokens:
            operand = self.numerator_operand(numerator_tokens, variables)
        else:
            operand = self.term()
        derivative = self.derivative_of(operand, variables)
        lone = len(numerator_tokens) == 1 and (numerator_tokens[0].kind == "letter"
                                               or numerator_tokens[0].text == r"\sigma")
        if lone and self.at("(") and not self.peek().spaced and isinstance(derivative,
                                                                         sp.Derivative):
            # \frac{dg}{dx}(x), \frac{dg}{dh}(h(x)): the derivative evaluated there, as books
            # write it; not a product with (x)
            unique = list(dict.fromkeys(variables))
            args = self.call_arguments()
            if len(args) != len(unique):
                raise InputError(f"the derivative is by {len(unique)} variable(s) but is evaluated "
                                 f"at {len(args)} value(s)")
            return derivative.subs(dict(zip(unique, args)), simultaneous=True)
        return derivative

    def _at_roman_d(self) -> bool:
        return (self.at(r"\mathrm") and self.peek(1) is not None and self.peek(1).text == "{"
                and self.peek(2) is not None and self.peek(2).text == "d"
                and self.peek(3) is not None and self.peek(3).text == "}")

    def differential(self) -> str:
        if self._at_roman_d():
            for _ in range(4):
                self.next()
            return "d"
        return self.next().text

    @staticmethod
    def _order(value) -> int:
        if not (value.is_Integer and 0 < value <= LIMITS.max_order):
            raise InputError(f"derivative order must be a whole number 1..{LIMITS.max_order}")
        return int(value)

    def differential_variables(self, mark: str, order: int):
        """Read `{dx}`, `{dx^2}`, `{\\partial x \\partial y}`, `{\\partial W^l_{jk}}` into variables."""
        if not self.at("{"):
            return None
        self.next()
        variables = []
        while not self.at("}"):
            if self.at("d", r"\partial") or self._at_roman_d():
                if self.differential() != mark:
                    raise InputError("mixed d and \\partial in one derivative")
            elif not variables:
                return None
            t = self.peek()
            if t is None or not (t.kind == "letter" or (t.kind == "cmd" and (
                    t.text[1:] in GREEK or t.text in FONTS))):
                return None
            variable = self.leaf(self.name_parts())
            count = 1
            if self.at("^") and not self.at_seq("^", "{", r"\top"):
                self.next()
                count = self._order(self.argument())
            variables.extend([variable] * count)
        self.next()
        if not variables:
            return None
        if len(variables) != order:
            raise InputError(f"derivative of order {order} but {len(variables)} variable(s) "
                             "below the fraction bar")
        return variables

    def numerator_operand(self, tokens: list[Tok], variables: list):
        """The y in dy/dx: an expression, a quantity, or a lone letter meaning an unknown function
        of x."""
        if len(tokens) == 1 and (tokens[0].kind == "letter" or tokens[0].text == r"\sigma"):
            name = tokens[0].text.lstrip("\\")
            if name in {str(v) for v in variables}:
                return self.b.symbol(name, constants=False)
            if name in self.b.defined or name in self.b.arrays or self.b.defined:
                return self.sub_reader(tokens).expr()   # given its meaning by the definitions
            if not all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables):
                return self.sub_reader(tokens).expr()   # C in dC/dW_jk: given meaning when checked
            seen = self.leibniz.setdefault(name, tuple(variables))
            if seen != tuple(variables):
                raise InputError(f"{name} is differentiated by {', '.join(map(str, seen))} and by "
                                 f"{', '.join(map(str, variables))}: how {name} depends on them is "
                                 f"not stated; write it out, e.g. {name}(h(w))")
            if name == "sigma":
                return self.b.call("sigmoid", list(dict.fromkeys(variables))[:1])
            return self.b.unknown_function(name, constants=False)(*dict.fromkeys(variables))
        sub = self.sub_reader(tokens)
        if tokens[0].kind == "letter" or tokens[0].text in FONTS or tokens[0].text[1:] in GREEK:
            parts = sub.name_parts()
            plain = all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables)
            if sub.peek() is None and plain and not parts.indices and not self.b.defined and parts.display not in self.b.arrays \
                    and parts.display not in {str(v) for v in variables}:
                name = parts.display   # d\mathcal{L}/d\hat{y}: an unknown function of y-hat
                self.b.trust_function(name)
                return self.b.unknown_function(name, constants=False)(*dict.fromkeys(variables))
            sub.i = 0
        value = sub.expr()
        if sub.peek() is not None:
            raise InputError(_unexpected(sub.peek()))
        return value

    def limit(self):
        r"""`\lim_{h \to 0} EXPR`: the operand is the rest of the product."""
        self.expect("_")
        self.expect("{")
        variable = self.leaf(self.name_parts())
        self.expect(r"\to")
        point = self.expr()
        self.expect("}")
        return self.b.limit(self.term(), variable, point)


MATRICES = ("pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix")


def index_symbol(letter: str) -> sp.Symbol:
    return sp.Symbol(letter, integer=True, positive=True)


def _label_letter(text: str, letter: str) -> bool:
    """Whether `^text` after `letter` is a layer label: l and L always, m on layer quantities."""
    return text in ("l", "L") or (text == "m" and letter in LAYER_LETTERS)


def _label_tokens(tokens: list[Tok]) -> bool:
    """A label's content: a number, or a letter with an optional step (l, l-1, L, 2, t+1)."""
    if len(tokens) == 1:
        return tokens[0].kind == "num" and "." not in tokens[0].text or (
            tokens[0].kind == "letter" and tokens[0].text in "lLmijknt")
    return len(tokens) == 3 and tokens[0].kind == "letter" and tokens[0].text in "lLmijknt" \
        and tokens[1].text in ("+", "-") and tokens[2].kind == "num"


def _unexpected(t: Tok) -> str:
    if t.text in ("&", r"\\"):
        return "alignment ('&' or '\\\\') is not a formula: check one line at a time"
    if t.text in RELATIONS or t.text in (r"\neq", r"\in"):
        return f"'{t.text}' is not an equation: only identities LHS = RHS are checked"
    if t.kind == "text":
        return f"text '{t.text}' inside the formula: check the formula alone"
    return f"unexpected {t.text!r} at column {t.pos + 1}"


def parse_latex_sides(text: str, builder: Builder | None = None) -> list:
    """Parse LaTeX `A = B` (or `A = B = C`) into its sides."""
    return LatexReader(text, builder or Builder()).sides()


def parse_latex(text: str, builder: Builder | None = None):
    """Parse one LaTeX expression."""
    sides = parse_latex_sides(text, builder)
    if len(sides) != 1:
        raise InputError("expected an expression, got an equation")
    return sides[0]
