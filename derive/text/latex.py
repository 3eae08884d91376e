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
  ambiguous and refused with advice (`--function u` or `u \\cdot (x)`), never guessed;
* an upright word before an argument (`\\operatorname{arsinh} x`, `\\mathrm{Var}(X)`,
  `\\text{GELU} z`) is a function, with or without parentheses: one the reader knows, one declared
  with `--function`, or an unknown function refused by name; never a name times its argument.

What stays ambiguous or is not mathematics (`\\input`, `\\def`, an alignment) is an error with a
one-line message.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.builder import FUNCTIONS, Builder
from derive.text.intervals import computed_interval
from derive.text.latex_calculus import CalculusReader
from derive.text.latex_names import INDEX_LETTERS, NameParts, NameReader
from derive.text.latex_structures import MATRICES, StructureReader
from derive.text.latex_tokens import (
    ARRAY_FONTS, BRACKETS, BRANCHES, CONSTANT_COMMANDS, FONTS, FUNCTION_COMMANDS, FUNCTION_LETTERS,
    GREEK, INVERSE, WORD_FUNCTIONS, Tok, tokenize, unexpected)
from derive.text.limits import LIMITS, InputError

# Greek letters that the field applies as functions: the activation phi(z), a loss ell(y, y_hat)
GREEK_FUNCTIONS = frozenset(["phi", "psi", "ell", "sigma"])
VECTOR_SIGNS = {r"\top", r"\odot", r"\otimes", r"\nabla", "‖"}
CONDITION_WORDS = ("for", "if", "when", "where", "whenever", "with", "provided")


# what a function the text defines reads as alone (applied to its definition's variable)
DEFINED_APPLIED = (AppliedUndef, A.Map)


class LatexReader(NameReader, CalculusReader, StructureReader):
    """Recursive descent over tokens; each method returns a SymPy object."""

    def __init__(self, text: str, builder: Builder):
        self.tokens = tokenize(text)
        # the letters and commands the whole formula is written with (a sub-reader keeps them)
        self.letters = frozenset(t.text if t.kind == "letter" else t.text[1:]
                                 for t in self.tokens if t.kind in ("letter", "cmd"))
        self.i = 0
        self.b = builder
        self.abs_depth = 0
        self.norm_depth = 0
        self.depth = 0
        self.leibniz: dict = {}   # lone letters differentiated Leibniz-style -> their variables
        self.transpose_pending = False   # a^{m-1\top}: the label read, the transpose to apply
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

    def at(self, *texts) -> bool:   # asked a million times reading a corpus: peek inlined
        return self.i < len(self.tokens) and self.tokens[self.i].text in texts

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
        places = []   # the decimals written in each side, apart: 1/3 = 3/10 = 0.3 has one, last
        intervals = []   # 0.8581 x 0.1419: what a side computed from rounded numbers stands for

        def side():
            self.b.places.clear()
            first = self.i
            value = self.expr()
            written = dict(self.b.places)
            tokens = self.tokens[first:self.i]
            scientific = SCIENTIFIC.fullmatch(_unwrapped("".join(t.text for t in tokens)))
            if scientific and isinstance(value, sp.Rational):   # 4.54 x 10^{-5}: to 10^-7
                written[abs(value)] = len(scientific.group(1)) - int(scientific.group(2))
            places.append(written)
            intervals.append(computed_interval(tokens) if scientific is None else None)
            return value
        sides = [side()]
        while True:
            self.skip_alignment()
            if self.at("="):
                self.next()
                self.skip_alignment()
                sides.append(side())
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
            raise InputError(unexpected(t))
        self.b.side_places, self.b.side_intervals = places, intervals
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
            elif self.at(r"\odot", r"\otimes", r"\circ"):
                sign = self.next().text
                op = A.Outer if sign == r"\otimes" else A.Hadamard
                right = self.factor()
                if sign == r"\circ" and not (self.vector_context or A.is_array(value)
                                              or A.is_array(right)):
                    raise InputError("ambiguous: \\circ between numbers is a composition "
                                     "(f \\circ g) or a product; write f(g(x)), or \\odot for "
                                     "an entrywise product")
                if self.b.units:
                    value = self.b.mul(value, right)
                    continue
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
                                  r"\odot", r"\otimes", r"\circ", r"\rfloor", r"\rceil") \
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
        if self.transpose_pending:
            self.transpose_pending = False
            if not self.b.units:
                if not A.is_array(value):
                    self.b.promote(value)
                value = A.Transposed(value)
        while True:
            if self.at("^"):
                self.next()
                if self.at("T", r"\top") or self.at_seq("{", "T", "}") or \
                        self.at_seq("{", r"\top", "}"):
                    self.i += 1 if self.at("T", r"\top") else 3
                    if self.b.units:
                        continue   # a number is its own transpose
                    if not A.is_array(value):
                        self.b.promote(value)   # W in W^T is a matrix
                    value = A.Transposed(value)
                    continue
                exponent = self.argument()
                if A.is_array(value) and not A.row_times(value):   # (a^T x)^2: a number
                    if exponent == -1:
                        value = A.Inverted(value)
                        continue
                    raise InputError("a power of a vector or matrix is ambiguous (entrywise or "
                                     "matrix power?): write x \\odot x or A A")
                value = self.b.pow(value, exponent)
                self.no_second_superscript()
            elif self.at("!"):
                self.next()
                value = self.b.call("factorial", [value])
            elif self.at("'"):
                raise InputError("a prime needs a function and its argument: write f'(x)")
            elif self.at("_") and (A.is_array(value) or (
                    not self.b.units and isinstance(value, (sp.Add, sp.Mul))
                    and value.free_symbols)):
                self.next()
                if not A.is_array(value):
                    self.b.promote(value)   # (W a)_j: an entry of the vector W a
                value = A.Entry(value, *self.subscript_indices())
            else:
                return value

    def no_second_superscript(self) -> None:
        """TeX refuses x^2^3 (a double superscript), and x^{2^3} and {x^2}^3 differ; a transpose
        after a power (x^2^T) is left to the caller."""
        if self.at("^") and not any(self.at_seq("^", *t) for t in (
                ("T",), (r"\top",), ("{", "T"), ("{", r"\top"))):
            raise InputError("a double superscript: write x^{2^3} or {x^2}^3")

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
        if t.kind == "num" and len(t.text) > 1 and t.text.isdigit():
            # \frac12 and x^23 in TeX take one digit; keep the rest as the next token
            self.tokens[self.i] = Tok("num", t.text[1:], t.pos + 1)
            return self.b.integer(t.text[0])
        if t.kind in ("num", "letter") or t.kind == "cmd" and (
                t.text in CONSTANT_COMMANDS or t.text[1:] in GREEK or t.text in FONTS):
            value = self.primary(bare=True)
            if self.at("(") and (isinstance(value, DEFINED_APPLIED) or (
                    isinstance(value, sp.Symbol) and value.name in self.function_letters)):
                # \sqrt \phi(t) with phi a function (defined, declared or f, g, h): TeX takes phi
                # alone; the writer may mean phi(t)
                name = value.args[0] if isinstance(value, A.Map) else \
                    value if isinstance(value, sp.Symbol) else value.func
                raise InputError(f"ambiguous: {name}(...) after \\sqrt, \\frac or ^ "
                                 "without braces: TeX applies the command to the name alone; "
                                 "put the function and its argument in braces")
            return value
        raise InputError(unexpected(t))

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
            return self.b.integer(t.text) if t.text.isdigit() else self.b.decimal(t.text)
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
        raise InputError(unexpected(t))

    # -- names applied as functions ------------------------------------------------------------

    def named(self, bare: bool):
        """A name, and what follows it: e, a function application, or the name alone."""
        t = self.peek()
        if t.text == "e" and not self.b.e_is_named \
                and not (self.peek(1) and self.peek(1).text in ("_", "'")):
            self.next()
            if self.at("^"):
                self.next()
                power = self.b.call("exp", [self.argument()])
                self.no_second_superscript()
                return power
            return sp.E
        if t.text == r"\mathbb":
            return self.blackboard()
        if t.text == r"\mathrm" and not self._single_letter_group():
            return self.roman(bare)
        parts = self.name_parts()
        if parts.letter in GREEK_FUNCTIONS and self.at_seq("^", "{", "-", "1", "}", "("):
            raise InputError(f"{parts.display}^{{-1}} is the inverse function of "
                             f"{parts.display}: write it out")   # \sigma^{-1}(p), never p/sigma
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
        if parts.letter in GREEK_FUNCTIONS and not (parts.subscript or parts.indices) \
                and parts.label is None and self.at("^") and not bare:
            mark = self.i   # \sigma^2(z): the square of sigma(z), as \sin^2 z is (a layer's
            self.next()     # function has a letter or brackets: \sigma^{l}, \sigma^{[2]})
            power = self.argument()
            if isinstance(power, sp.Integer) and power > 1 and self.at("(") \
                    and self.function_power(parts, mark - 1):
                return self.b.pow(self.applied(parts, 0), power)
            self.i = mark
        primes = self.primes()
        if primes and self.at("_") and not parts.subscript and not parts.indices:
            self.next()   # \sigma'_{\mathrm{tanh}}(z): the prime before the subscript
            parts = NameParts(parts.letter, parts.font, parts.label, parts.style,
                              self.name_subscript_text())
        partial = None if primes else self.subscript_partial(parts, bare)
        if partial is not None:
            return partial
        if parts.indices and not bare and self.at("(") and not primes and (
                parts.letter in self.function_letters or self.lone_name_in_parentheses()):
            # g_i(s_i): the i-th function at s_i, or g_i times s_i (a(1 - a) stays a product)
            shown = f"{parts.display}_{{{','.join(str(i) for i in parts.indices)}}}"
            raise InputError(f"ambiguous: {shown}(...) could be a function {shown} at (...) or a "
                             f"product; write {shown} \\cdot (...) for a product")
        if parts.display in ("E", "P", "V") and not bare and self.at("["):
            raise InputError(f"ambiguous: {parts.display}[...] could be an expectation, a "
                             f"probability or a product; write {parts.display} \\cdot (...) "
                             "for a product")
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
        return self.applied(parts, primes)

    def applied(self, parts: NameParts, primes: int):
        """The name `parts` applied to the arguments in parentheses that follow (with `primes`,
        its derivative)."""
        if parts.letter in ("sigma", "phi") and parts.subscript.lower() in FUNCTIONS:
            # \sigma_{\mathrm{ReLU}}(z): the function named in the subscript
            return self.apply(parts.subscript.lower(), self.call_arguments(), primes)
        name = parts.display
        if not primes and parts.letter in GREEK_FUNCTIONS and self.bare_inside(
                f"\\{parts.letter}"):
            if name in self.b.declared_functions:   # (sigma defined: its head stands for it)
                raise InputError(f"ambiguous: {name}(1 - {name}) could be {name} times (1 - "
                                 f"{name}) or {name} at 1 - {name}: write {name}(z)(1 - {name}(z))")
            return self.leaf(parts)   # \sigma(1 - \sigma): sigma times (1 - sigma)
        if name == "sigma" and name not in self.b.declared_functions:
            return self.apply("sigmoid", self.call_arguments(), primes)
        if parts.letter in GREEK_FUNCTIONS or name in self.function_letters \
                or self.at_call_with_commas():
            if name not in self.function_letters:
                self.b.trust_function(name)
            return self.apply(name, self.call_arguments(), primes)
        return self.application(name, primes, parts)

    def lone_name_in_parentheses(self, greek: bool = False) -> bool:
        """`(x)`, `(x_i)`, `(z^{l-1})`: one name alone in the parentheses that follow, as a
        function's argument is written (a product's factor is rarely a bare name); with `greek`,
        a Greek letter's too (`(\\theta)`)."""
        k = 1
        first = self.peek(k)
        if first is None or not (first.kind == "letter" or (
                greek and first.kind == "cmd" and first.text[1:] in GREEK)):
            return False
        k += 1
        while self.peek(k) is not None and self.peek(k).text in ("_", "^"):
            k += 1   # a subscript or superscript: one token, or a braced group
            depth = 0
            while self.peek(k) is not None:
                depth += (self.peek(k).text == "{") - (self.peek(k).text == "}")
                k += 1
                if depth == 0:
                    break
        return self.peek(k) is not None and self.peek(k).text == ")"

    def function_power(self, parts: NameParts, at: int) -> bool:
        """Whether `\\sigma^2(...)` here is the square of the function at (...): the claim
        applies the letter elsewhere (sigma(x) - sigma^2(x)) or declares it a function; it is a
        product where the letter stands alone elsewhere or is defined (sigma^2(x) = x sigma^2,
        after sigma = 2), and where the words give neither, sigma^2(t) is refused: a square of
        the function, or a variance as a function of t?"""
        if parts.display in self.b.declared_functions:
            return True
        if parts.display in self.b.defined:
            return False
        command, applied, alone = f"\\{parts.letter}", False, False
        for k, t in enumerate(self.tokens):
            if t.text != command or k == at:   # (another place than this one, at `at`)
                continue
            after = k + 1
            while after < len(self.tokens) and self.tokens[after].text in ("^", "_"):
                after = self.script_end(after + 1)
            following = self.tokens[after].text if after < len(self.tokens) else ""
            applied = applied or following in ("(", "'") and after == k + 1
            alone = alone or following not in ("(", "'")
        if applied:
            return True
        if alone or not self.lone_name_in_parentheses(greek=True):
            return False   # sigma^2 (1 - p): a product
        raise InputError(f"ambiguous: {parts.display}^n(...) could be the power of the "
                         f"function {parts.display} there, or {parts.display}^n times (...) "
                         f"(a variance as a function of t): write {parts.display}(t)^n or "
                         f"{parts.display}^n \\cdot (t)")

    def bare_inside(self, command: str, start: int | None = None) -> bool:
        """The parentheses that follow (at `start`, else here) have `command` alone in them, not
        applied to anything (`\\sigma(1 - \\sigma)`): a name multiplying what it is written in,
        not a function."""
        depth, start = 0, self.i if start is None else start
        for k, t in enumerate(self.tokens[start:]):
            depth += t.text in ("(", "{", "[")
            depth -= t.text in (")", "}", "]")
            if depth == 0:
                return False
            after = self.tokens[start + k + 1] if start + k + 1 < len(self.tokens) else None
            if t.text == command and depth == 1 and not (
                    after and after.text in ("(", "^", "_", "'")):
                return True   # (not in a group: sigma(x/sigma) is sigma at x/sigma)
        return False

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

    def subscript_partial(self, parts: NameParts, bare: bool):
        """`f_x`, `f_{xy}(1, 2)`: a partial derivative (by x, then y) of a function of several
        variables defined with named parameters (f(x, y) = ...), when every letter of the
        subscript is one of them; None otherwise (f_1, w_x of a name that is no such function)."""
        parameters = tuple(map(self.b.in_claim, self.b.parameters.get(parts.letter, ())))
        if len(parameters) < 2 or parts.font or parts.label is not None or parts.style \
                or parts.indices or not parts.subscript:
            return None
        names = [p.name for p in parameters]
        if any(letter not in names for letter in parts.subscript):
            return None
        function = self.b.unknown_function(parts.letter)
        derivative = sp.Derivative(function(*parameters),
                                   *[parameters[names.index(letter)] for letter in parts.subscript])
        if bare or not self.at("("):
            return derivative
        args = self.call_arguments()
        if len(args) != len(parameters):
            raise InputError(f"{parts.letter} is defined with {len(parameters)} argument(s) and "
                             f"{parts.display} is used with {len(args)}")
        return derivative if tuple(args) == tuple(parameters) else sp.Subs(derivative, parameters,
                                                                           args)

    def application(self, name: str, primes: int, parts: NameParts):
        """`f(x)`, `f'(x)`, `a(1-a)`: a function only when the name is one."""
        if name not in self.function_letters:
            # Gamma(x + 1) and zeta(2) are the gamma and zeta functions as often as products
            # J(\theta), not a^{l-1} (\delta^l)^T: a bare letter before a Greek one
            bare = parts.label is None and not parts.subscript and not parts.indices
            if self.lone_name_in_parentheses(greek=bare) or primes or name in ("Gamma", "zeta"):
                raise InputError(f"ambiguous: {name}(...) could be a function or a product; "
                                 f"write {name} \\cdot (...) for a product, or declare the "
                                 f"function with --function {name}")
            # a(1-a) is a product: the group is the next factor, so a(b)^2 squares only (b)
            return self.leaf(parts)
        return self.apply(name, self.call_arguments(), primes)

    def apply(self, name: str, args: list, primes: int = 0):
        """A function (vocabulary or unknown) or its `primes`-th derivative at `args`; entry by
        entry when the argument is a vector or matrix."""
        if name == "sigmoid" and primes:
            self.b.sigmoid_at.add(tuple(args))   # sigma'(z): the sigmoid at z, differentiated
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
        while self.at(",", ";"):   # J(W, b; x, y): parameters, then data, all arguments
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
        """`\\text{softmax}(z)`, `\\text{MSE}`: a function word, or a name where no argument
        follows it."""
        t = self.next()
        word = "".join(t.text.split())
        if word in WORD_FUNCTIONS:
            return self.function(WORD_FUNCTIONS[word])
        if word in self.b.declared_functions:
            return self.function(word)
        if word.isalpha() and word.isupper() and len(word) <= LIMITS.max_name:
            if self.upright_applied():
                raise unknown_upright(word, r"\text")
            return self.b.named_symbol(word)   # an acronym: MSE, BCE
        if self.spelled_name(word) and self.at("_"):
            return self.leaf(self.decorated(word))   # \text{out}_{h1}: a name in letters
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
        if c in BRACKETS:
            self.next()
            value = self.expr()
            name, close = BRACKETS[c]
            self.expect(close)
            return self.b.call(name, [value])
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
        """`\\mathrm{d}`, `\\mathrm{e}`, `\\operatorname{ReLU}(z)`, `\\operatorname{arsinh} x`; a name
        (`\\mathrm{MSE}`, `\\mathrm{net}_j`) only where no argument follows it."""
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
                power = self.b.call("exp", [self.argument()])
                self.no_second_superscript()
                return power
            return sp.E
        if word in WORD_FUNCTIONS:
            return self.function(WORD_FUNCTIONS[word])
        if word.lower() in FUNCTIONS:
            return self.function(word.lower())
        if word.isalpha() and self.spelled_name(word) and self.at("_", "^"):
            parts = self.decorated(word)   # \mathrm{net}_j: a name in letters, indexed
            if parts.subscript or parts.indices or parts.label is not None:
                return self.leaf(parts)
        if word in self.b.declared_functions:
            return self.function(word)   # \operatorname{GELU} x with --function GELU
        if word.isalpha() and not self.upright_applied():
            return self.b.named_symbol(word)
        raise unknown_upright(word, r"\mathrm")

    def upright_applied(self) -> bool:
        """Whether an argument, a prime or a power and then an argument follows an upright word:
        the place of a function (`\\operatorname{Var} X`, `\\mathrm{GELU}(x)`,
        `\\operatorname{Si}^2 x`). Such a word is never read as a name times its argument."""
        mark = self.i
        if self.at("^") and not self.at_seq("^", "{", "'"):
            self.i = self.script_end(self.i + 1)
        applied = self.at("'") or self.at_seq("^", "{", "'") or self.starts_factor()
        self.i = mark
        return applied

    def script_end(self, n: int) -> int:
        """Just past the superscript starting at token n: one token, or a braced group."""
        if n >= len(self.tokens) or self.tokens[n].text != "{":
            return n + 1
        depth = 0
        while n < len(self.tokens):
            depth += (self.tokens[n].text == "{") - (self.tokens[n].text == "}")
            n += 1
            if depth == 0:
                break
        return n

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
            elif power == -1:   # \cot^{-1} x: arccot in some books, 1/cot x in others
                raise InputError(f"\\{name}^{{-1}} is ambiguous (its inverse function, or 1 over "
                                 f"it?): write \\frac{{1}}{{\\{name} x}} for the reciprocal")
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
        if A.is_array(value) and not all(A.row_times(a) for a in value.args if A.is_array(a)):
            raise InputError("a power of a vector function is ambiguous: write it out")
        return self.b.pow(value, power)

    def simple_argument(self):
        """The argument of `\\sin 2x`: numbers, letters and their powers up to the next operator,
        function or spacing command, so `\\sin x \\cos x` is a product of two functions and
        `\\cos x \\, e^{\\sin x}` is cos(x) times e^{sin x}."""
        value = self.argument_factor()
        while True:
            t = self.peek()
            if t is None or t.spaced or not (
                    t.kind in ("num", "letter") or t.text in CONSTANT_COMMANDS
                    or (t.kind == "cmd" and (t.text[1:] in GREEK or t.text in FONTS))) \
                    or self._names_a_function():
                return value
            value = self.b.mul(value, self.argument_factor())

    def _names_a_function(self) -> bool:
        """Whether the next tokens name a function as `\\cos` does: an upright word
        (`\\operatorname{sign}(x)`, `\\mathrm{ReLU}(x)`), or a function letter applied to
        parentheses (`\\sigma(x)`, `f(x)`): `\\cos x \\operatorname{sign}(x)` is a product."""
        t, after = self.peek(), self.peek(1)
        if t.text == r"\mathrm" and after is not None and after.text == "{":
            first, second = self.peek(2), self.peek(3)   # a word, not \mathrm{d} or \mathrm{e}
            return first is not None and (first.kind == "cmd" or first.kind == "letter" and (
                second is not None and second.kind == "letter"))
        applied = after is not None and after.text == "("
        return applied and (t.kind == "letter" and t.text in self.function_letters
                            or t.kind == "cmd" and t.text[1:] in GREEK_FUNCTIONS)

    def argument_factor(self):
        """One factor of `\\log p(x)`'s argument: a function applied to its parentheses is all
        of it (log of p(x)); a name that is no function leaves the parentheses ambiguous. A
        function the text defines reads alone as applied to the variable of its definition: with
        parentheses after it, it is applied to them (`\\ln g(x)` is ln(g(x)), not ln(g(t)) x)."""
        mark = self.i
        value = self.postfix(self.primary(bare=True))
        if not self.at("(") or not isinstance(value, (sp.Symbol, sp.Indexed, *DEFINED_APPLIED)):
            return value
        self.i = mark
        value = self.postfix(self.primary())
        if self.at("("):
            raise InputError(f"ambiguous: {value}(...) in the argument of a function written "
                             "without parentheses could be a function or a product; put the "
                             "argument in parentheses")
        return value


def unknown_upright(word: str, command: str) -> InputError:
    """The error for an upright word applied as a function the reader does not know (with or
    without parentheses: `\\operatorname{arccot} x` is no product arccot times x)."""
    hint = BRANCHES.get(word)
    return InputError(f"unknown function {command}{{{word}}}" + (f": {hint}" if hint else ""))


# a number in scientific notation, as tokenized and unwrapped: 4.54 \times 10^{-5}, 9.5367 \cdot
# 10^7, (4.54 \times {10}^{(-5)})
SCIENTIFIC = re.compile(r"-?\d+\.(\d+)[*·]10\^\(?([-+]?\d+)\)?")


def _unwrapped(text: str) -> str:
    """`text` without its braces, and without parentheses around the whole."""
    text = text.replace("{", "").replace("}", "")
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def parse_latex_sides(text: str, builder: Builder | None = None) -> list:
    """Parse LaTeX `A = B` (or `A = B = C`) into its sides."""
    builder = builder or Builder()
    sides = LatexReader(text, builder).sides()
    if builder.leibniz_conflict:   # read to the end first, so a chain y -> u -> x can be found
        raise InputError(builder.leibniz_conflict)
    for name, uses in builder.leibniz.items():   # dy/dx dx/dy: x(y) is y(x)'s inverse
        inverse = sorted(v for use in uses for v in use
                         if any(name in other for other in builder.leibniz.get(v, ())))
        if inverse:
            raise InputError(f"{name} is differentiated by {inverse[0]} and {inverse[0]} by "
                             f"{name}: inverse functions are not read")
    return _as_functions(sides, builder)


def _sigma_for_the_sigmoid(sides: list, builder: Builder) -> bool:
    """Whether sigma written alone stands for the sigmoid at the one argument it is applied at:
    not where sigma is defined, declared a function, assumed (a number: sigma > 0), or written in
    the sigmoid's argument (sigma(x/sigma)), a denominator (x^2/(2 sigma^2)) or beside the
    sigmoid in a product (sigma sigma(x)): a scale or a deviation there, as likely."""
    assumed = builder.assumptions
    if len(builder.sigmoid_at) != 1 or "sigma" in builder.defined | builder.declared_functions \
            or "sigma" in builder.parameters or "sigma" in {
                *assumed.lower, *assumed.upper, *assumed.integer, *assumed.nonzero}:
        return False
    (at,) = builder.sigmoid_at
    if any("sigma" in {str(s) for s in a.free_symbols} for a in at):
        return False
    for side in sides:
        alone = [s for s in getattr(side, "free_symbols", ()) if str(s) == "sigma"]
        for node in sp.preorder_traversal(side) if alone else ():
            if isinstance(node, sp.Pow) and node.exp.is_negative and node.base.has(*alone):
                return False
            if isinstance(node, sp.Mul) and set(node.args) & set(alone) and node.has(sp.exp):
                return False
    return True


def _as_functions(sides: list, builder: Builder) -> list:
    """The sides with each letter differentiated Leibniz-style (y in dy/dx, sigma in
    d sigma/dz) read as that function wherever it is written alone: in dy/dx = y(1 - y) or
    d(xy)/dx = y + x dy/dx, y is y(x), as implicit differentiation reads it. So is sigma where
    the claim and its definitions apply the sigmoid at one argument only: sigma'(z) = sigma(1 -
    sigma) and d/dx sigma(2x) = 2 sigma(1 - sigma) write sigma for the sigmoid there."""
    chains = builder.found_chains()
    values = {}
    if _sigma_for_the_sigmoid(sides, builder):
        values["sigma"] = builder.call("sigmoid", list(next(iter(builder.sigmoid_at))))
    for name, uses in builder.leibniz.items():
        if len(uses) != 1 or name in chains:
            continue
        variables = [builder.symbol(v) for v in next(iter(uses))]
        values[name] = builder.call("sigmoid", variables[:1]) if name == "sigma" else \
            builder.unknown_function(name, constants=False)(*variables)
    if not values:
        return sides
    derivatives = [d for side in sides if isinstance(side, sp.Basic)
                   for d in side.atoms(sp.Derivative, sp.Subs)]
    differentiated = {v for d in derivatives for v in d.variables}
    # (C alone in dC/dz_i, with C(w) in dC/dw: C is differentiated by other variables there)
    otherwise = {s.name for d in derivatives for s in d.expr.free_symbols
                 if s.name in values and {str(v) for v in d.variables}
                 - {str(v) for v in values[s.name].free_symbols}}
    otherwise |= {s.name for side in sides if isinstance(side, sp.Basic)
                  for op in side.atoms(A.ArrayOp, A.ScalarOf) for s in op.free_symbols}
    bare = {s: values[s.name] for side in sides if isinstance(side, sp.Basic)
            for s in side.free_symbols if isinstance(s, sp.Symbol) and s.name in values
            and s not in differentiated and s.name not in otherwise}
    return [side.xreplace(bare) if isinstance(side, sp.Basic) and bare else side
            for side in sides]


def parse_latex(text: str, builder: Builder | None = None):
    """Parse one LaTeX expression."""
    sides = parse_latex_sides(text, builder)
    if len(sides) != 1:
        raise InputError("expected an expression, got an equation")
    return sides[0]
