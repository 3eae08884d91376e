"""A reader for the LaTeX of textbooks and lecture notes.

SymPy's own LaTeX parser needs an exact ANTLR runtime and reads textbook notation literally
(`a(1-a)` as a function call, `e` as a variable). This reader is a small recursive-descent parser
that knows the conventions of the field and builds SymPy objects through `text.builder.Builder`, so the
same size limits and vocabulary apply as for SymPy syntax:

* `e` is Euler's number, `\\ln` and `\\log` are natural logarithms, `\\log_b` has base b;
* `\\sigma(z)` is the logistic function, `f'(x)` is a derivative of an unknown function;
* `\\frac{d}{dx}`, `\\frac{dy}{dx}`, `\\frac{\\partial f}{\\partial x}`, `\\frac{d^2}{dx^2}` are
  derivatives, `\\lim_{h \\to 0}` is a limit;
* `a(1-a)` is a product; f, g, h are functions. A letter applied to a lone variable, `u(x)`, is
  ambiguous and refused with advice (`--function u` or `u \\cdot (x)`), never guessed.

Anything else (`\\input`, `\\def`, `\\text`, matrices) is an error with a one-line message.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.text.builder import FUNCTIONS, Builder
from derive.text.limits import LIMITS, InputError
from derive.text.unicode import normalize

TOKEN_RE = re.compile(r"""
    (?P<cmd>\\[A-Za-z]+|\\[,;:!\s{}|%\\.]) |
    (?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+) |
    (?P<letter>[A-Za-z]) |
    (?P<sym>[-+*/^_=(){}\[\]|',!<>&]) |
    (?P<ws>\s+|~)
""", re.VERBOSE)

SKIP = {r"\left", r"\right", r"\bigl", r"\bigr", r"\big", r"\Big", r"\Bigl", r"\Bigr", r"\bigg",
        r"\Bigg", r"\biggl", r"\biggr", r"\Biggl", r"\Biggr", r"\,", r"\;", r"\:", r"\!", "\\ ",
        r"\quad", r"\qquad", r"\displaystyle", r"\limits"}
ALIASES = {r"\cdot": "*", r"\times": "*", r"\ast": "*", r"\div": "/", r"\dfrac": r"\frac",
           r"\tfrac": r"\frac", r"\lvert": "|", r"\rvert": "|", r"\vert": "|", r"\|": "|",
           r"\lbrace": r"\{", r"\rbrace": r"\}", r"\to": r"\to", r"\rightarrow": r"\to",
           r"\prime": "'", r"\mathrm": r"\mathrm", r"\operatorname": r"\mathrm",
           r"\mathit": r"\mathrm", r"\rm": r"\mathrm"}
FUNCTION_COMMANDS = {
    r"\sin": "sin", r"\cos": "cos", r"\tan": "tan", r"\cot": "cot", r"\sec": "sec",
    r"\csc": "csc", r"\arcsin": "asin", r"\arccos": "acos", r"\arctan": "atan", r"\sinh": "sinh",
    r"\cosh": "cosh", r"\tanh": "tanh", r"\coth": "coth", r"\exp": "exp", r"\ln": "log",
    r"\log": "log", r"\max": "Max", r"\min": "Min", r"\sgn": "sign",
}
INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh",
           "tanh": "atanh"}
GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
         "nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma "
         "Phi Psi Omega").split()
CONSTANT_COMMANDS = {r"\pi": sp.pi, r"\infty": sp.oo}
# Letters read as functions when followed by '(' (others are multiplied); more with --function.
FUNCTION_LETTERS = frozenset("fghFGH")
# Words written without a backslash that are certainly a slip, not a product of letters.
BARE_WORDS = ("sin", "cos", "tan", "exp", "log", "ln", "tanh", "sinh", "cosh", "max", "min",
              "sqrt", "sigma", "frac", "lim")


KNOWN_COMMANDS = {r"\frac", r"\sqrt", r"\mathrm", r"\lim", r"\to", r"\partial", r"\top",
                  r"\intercal", r"\{", r"\}", r"\\", *FUNCTION_COMMANDS, *CONSTANT_COMMANDS}


SPACING = {r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad"}


class Tok:
    """A token; `spaced` when the writer put a spacing command (\\, \\; \\quad) before it."""

    __slots__ = ("kind", "text", "pos", "spaced")

    def __init__(self, kind, text, pos, spaced=False):
        self.kind, self.text, self.pos, self.spaced = kind, text, pos, spaced

    def __repr__(self):
        return f"{self.kind}:{self.text}"


def tokenize(text: str) -> list[Tok]:
    if len(text) > LIMITS.max_chars:
        raise InputError(f"formula too long ({len(text)} characters, limit {LIMITS.max_chars})")
    text = _strip_math_delimiters(normalize(text, latex=True))
    tokens, pos, spaced = [], 0, False
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise InputError(f"unexpected character {text[pos]!r} at column {pos + 1}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group()
        if kind == "cmd":
            if value in SKIP:
                spaced = spaced or value in SPACING
                continue
            value = ALIASES.get(value, value)
            if value in ("*", "/", "|", "'"):
                kind = "sym"
        tokens.append(Tok(kind, value, m.start(), spaced))
        spaced = False
    for t in tokens:
        if t.kind == "cmd" and t.text not in KNOWN_COMMANDS and t.text[1:] not in GREEK:
            raise InputError(f"unknown or unsupported LaTeX command {t.text}")
    _refuse_bare_words(text)
    return tokens


def _strip_math_delimiters(text: str) -> str:
    s = text.strip()
    for open_, close in (("$$", "$$"), ("$", "$"), (r"\[", r"\]"), (r"\(", r"\)")):
        if s.startswith(open_) and s.endswith(close) and len(s) >= len(open_) + len(close):
            return s[len(open_):len(s) - len(close)]
    return s.replace(r"\left.", "").replace(r"\right.", "")


# superscripts that label a layer in backprop texts, never powers: ^m, ^L, ^l, ^{l+1}, ^{m-1},
# and the bracketed or parenthesised labels ^{[l]}, ^{[2]}, ^{(l)} (in calculus ^{(n)} is the n-th
# derivative: not a power either)
LAYER_LABEL = re.compile(r"\^\s*(?:\{\s*)?(?:[mLl]\s*[-+]\s*\d|[mLl](?![A-Za-z])"
                         r"|\[\s*(?:[A-Za-z]|\d+)(?:\s*[-+]\s*\d+)?\s*\]|\(\s*(?:[A-Za-z]|\d+)\s*\))")
WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}")
# a letter (or two) written straight before digits, as code names variables: A2, dZ2, W1
CODE_NAME = re.compile(r"(?<![\\A-Za-z^_{])([A-Za-z]{1,3})([0-9]+)")


def _refuse_bare_words(text: str) -> None:
    for word in sorted(BARE_WORDS, key=len, reverse=True):
        if re.search(rf"(?<![\\A-Za-z_{{]){word}", text):
            raise InputError(f"'{word}' without a backslash reads as a product of letters; "
                             f"write \\{word}")
    body = re.sub(r"\\[A-Za-z]+\*?(\{[A-Za-z]*\})?", " ", text)  # commands and their word args
    word = WORD.search(body)
    if word:
        raise InputError(f"'{word.group()}' looks like a word, not a product of {len(word.group())} "
                         "variables; separate factors with spaces or \\cdot")
    code_name = CODE_NAME.search(body)
    if code_name:
        letter, digits = code_name.group(1), code_name.group(2)
        raise InputError(f"'{code_name.group()}' reads as {letter} times {digits}, but looks like a "
                         f"name; write {letter}_{{{digits}}} for a name or {digits}{letter} for a "
                         "product")
    label = LAYER_LABEL.search(text)
    if label:
        raise InputError(f"'{label.group().strip()}' reads as a label (a layer index in backprop "
                         "notation, or a derivative's order), not a power; write a power with "
                         "parentheses, (a)^{2}")


class LatexReader:
    """Recursive descent over tokens; each method returns a SymPy object."""

    def __init__(self, text: str, builder: Builder):
        self.tokens = tokenize(text)
        self.i = 0
        self.b = builder
        self.abs_depth = 0
        self.depth = 0
        self.leibniz: dict = {}   # lone letters differentiated Leibniz-style -> their variables
        primed = {t.text for t, nxt in zip(self.tokens, self.tokens[1:])
                  if t.kind == "letter" and nxt.text == "'"}
        self.function_letters = FUNCTION_LETTERS | builder.declared_functions | primed

    # -- token helpers ---------------------------------------------------------------------------
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def at(self, *texts) -> bool:
        t = self.peek()
        return t is not None and t.text in texts

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

    # -- grammar ---------------------------------------------------------------------------------
    def sides(self) -> list:
        if not self.tokens:
            raise InputError("empty formula")
        sides = [self.expr()]
        while self.at("="):
            self.next()
            sides.append(self.expr())
        t = self.peek()
        if t is not None:
            raise InputError(_unexpected(t))
        return sides

    def expr(self):
        self.nest()
        if self.at("+", "-"):
            sign = self.next().text
            value = self.term()
            value = self.b.neg(value) if sign == "-" else value
        else:
            value = self.term()
        while self.at("+", "-"):
            op = self.next().text
            rhs = self.term()
            value = self.b.add(value, rhs) if op == "+" else self.b.sub(value, rhs)
        self.depth -= 1
        return value

    def term(self):
        value = self.factor()
        while True:
            if self.at("*"):
                self.next()
                value = self.b.mul(value, self.factor())
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
            return t.text not in (r"\to", r"\}", r"\\") and not t.text.startswith(r"\end")
        if t.text == "|":
            return self.abs_depth == 0
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
                value = self.b.pow(value, self.argument())
            elif self.at("!"):
                self.next()
                value = self.b.call("factorial", [value])
            elif self.at("'"):
                raise InputError("a prime needs a function and its argument: write f'(x)")
            else:
                return value

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
                                or t.text in (r"\top", r"\intercal")):
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
        if t.kind == "letter":
            return self.letter(bare)
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
            return self.b.call("Abs", [value])
        if t.kind == "cmd":
            return self.command(bare)
        raise InputError(_unexpected(t))

    # -- names, functions, derivatives -----------------------------------------------------------
    def name(self) -> str:
        """A letter or Greek command with an optional subscript: x, x_1, W_{ij}, \\Delta x."""
        t = self.next()
        base = t.text[1:] if t.kind == "cmd" else t.text
        if base == "Delta" and self.peek() is not None and self.peek().kind == "letter":
            return "Delta_" + self.next().text
        if self.at("_"):
            self.next()
            sub = self.subscript_text()
            return f"{base}_{sub}"
        return base

    def subscript_text(self) -> str:
        if self.at("{"):
            self.next()
            parts = []
            while not self.at("}"):
                t = self.next()
                if t.kind not in ("letter", "num") and t.text != ",":
                    raise InputError(f"cannot use {t.text!r} in a subscript")
                parts.append(t.text if t.text != "," else "")
            self.next()
            if not parts:
                raise InputError("empty subscript")
            return "".join(parts)
        t = self.next()
        if t.kind == "num":
            if len(t.text) > 1:
                self.tokens.insert(self.i, Tok("num", t.text[1:], t.pos + 1))
            return t.text[0]
        if t.kind == "letter":
            return t.text
        raise InputError(f"cannot use {t.text!r} as a subscript")

    def letter(self, bare: bool):
        if self.peek().text == "e" and not (self.peek(1) and self.peek(1).text in ("_", "'")):
            self.next()
            if self.at("^"):
                self.next()
                return self.b.call("exp", [self.argument()])
            return sp.E
        name = self.name()
        primes = self.primes()
        if not bare and self.at("("):
            return self.application(name, primes)
        if primes:
            raise InputError(f"write {name}{chr(39) * primes}(x): a derivative needs its argument")
        return self.b.symbol(name, function_names_ok=True, constants=False)

    def primes(self) -> int:
        n = 0
        while self.at("'"):
            self.next()
            n += 1
        if self.at("^") and self.peek(1) is not None and self.peek(1).text == "{" \
                and self.peek(2) is not None and self.peek(2).text == "'":
            self.next(), self.next()
            while self.at("'"):
                self.next()
                n += 1
            self.expect("}")
        return n

    def application(self, name: str, primes: int):
        """`f(x)`, `f'(x)`, `a(1-a)`: a function only when the name is one."""
        if name not in self.function_letters:
            lone = (self.peek(1) is not None and self.peek(1).kind == "letter"
                    and self.peek(2) is not None and self.peek(2).text == ")")
            if lone or primes:
                raise InputError(f"ambiguous: {name}(...) could be a function or a product; "
                                 f"write {name} \\cdot (...) for a product, or declare the "
                                 f"function with --function {name}")
            self.next()
            inner = self.expr()
            self.expect(")")
            return self.b.mul(self.b.symbol(name), inner)
        args = self.call_arguments()
        function = self.b.unknown_function(name)
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
        return derivative.subs(t, args[0]) if args[0] != t else derivative

    def command(self, bare: bool):
        t = self.peek()
        c = t.text
        if c in CONSTANT_COMMANDS:
            self.next()
            return CONSTANT_COMMANDS[c]
        if c == r"\frac":
            self.next()
            return self.fraction()
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
        if c == r"\mathrm":
            return self.roman(bare)
        if c == r"\lim":
            self.next()
            return self.limit()
        if c in FUNCTION_COMMANDS:
            self.next()
            return self.function(FUNCTION_COMMANDS[c])
        if c == r"\sigma" and self.peek(1) is not None and self.peek(1).text in ("(", "'"):
            self.next()
            primes = self.primes()
            args = self.call_arguments()
            return self.apply_derivative(lambda z: self.b.call("sigmoid", [z]), args, primes)
        if c[1:] in GREEK:
            name = self.name()
            if not bare and self.at("(") and self.peek(1) is not None \
                    and self.peek(1).kind in ("letter", "cmd") and self.peek(2) is not None \
                    and self.peek(2).text == ")":
                raise InputError(f"ambiguous: \\{name}(...) could be a function or a product; "
                                 f"write \\{name} \\cdot (...) for a product")
            return self.b.symbol(name, function_names_ok=True)
        if c == r"\partial":
            raise InputError(r"\partial outside a fraction: write \frac{\partial f}{\partial x}")
        if c in (r"\top", r"\intercal"):
            raise InputError("matrix transposes are not scalar formulas; check entries instead")
        raise InputError(f"unknown or unsupported LaTeX command {c}")

    def roman(self, bare: bool):
        """`\\mathrm{d}`, `\\mathrm{e}`, `\\operatorname{ReLU}(z)`."""
        self.next()
        self.expect("{")
        word = ""
        while not self.at("}"):
            t = self.next()
            if t.kind != "letter":
                raise InputError(f"cannot use {t.text!r} inside \\mathrm{{...}}")
            word += t.text
        self.next()
        if word == "e":
            if self.at("^"):
                self.next()
                return self.b.call("exp", [self.argument()])
            return sp.E
        if len(word) == 1:
            self.tokens.insert(self.i, Tok("letter", word, -1))
            return self.letter(bare)
        lowered = word.lower()
        if lowered in FUNCTIONS:
            return self.function(lowered)
        raise InputError(f"unknown function \\mathrm{{{word}}}")

    def function(self, name: str):
        """`\\sin x`, `\\sin(x)`, `\\sin^2 x`, `\\sin^{-1} x`, `\\log_2 x`, `\\max(0, z)`."""
        power = base = None
        if name == "log" and self.at("_"):
            self.next()
            base = self.argument()
        if self.at("^"):
            self.next()
            power = self.argument()
            if power == -1 and name in INVERSE:
                name, power = INVERSE[name], None
        primes = self.primes()
        if self.at("(") or self.at(r"\{"):
            close = ")" if self.at("(") else r"\}"
            args = self.call_arguments(self.peek().text, close)
        elif name in ("Max", "Min"):
            raise InputError(f"write \\{name[:3].lower()}(a, b) with parentheses")
        else:
            args = [self.simple_argument()]
        if base is not None:
            args = args + [base]
        value = self.apply_derivative(lambda *v: self.b.call(name, list(v)), args, primes)
        return value if power is None else self.b.pow(value, power)

    def simple_argument(self):
        """The argument of `\\sin 2x`: numbers, letters and their powers up to the next operator,
        function or spacing command, so `\\sin x \\cos x` is a product of two functions and
        `\\cos x \\, e^{\\sin x}` is cos(x) times e^{sin x}."""
        value = self.postfix(self.primary(bare=True))
        while True:
            t = self.peek()
            if t is None or t.spaced or not (
                    t.kind in ("num", "letter") or t.text in CONSTANT_COMMANDS
                    or (t.kind == "cmd" and t.text[1:] in GREEK)):
                return value
            value = self.b.mul(value, self.postfix(self.primary(bare=True)))

    def fraction(self):
        derivative = self.derivative_fraction()
        if derivative is not None:
            return derivative
        numerator = self.argument()
        return self.b.div(numerator, self.argument())

    def derivative_fraction(self):
        """`\\frac{d}{dx} ...`, `\\frac{dy}{dx}`, `\\frac{\\partial^2 f}{\\partial x^2}`; None if
        the fraction is an ordinary one."""
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
        derivative = self.b.derivative(operand, variables)
        lone = len(numerator_tokens) == 1 and (numerator_tokens[0].kind == "letter"
                                               or numerator_tokens[0].text == r"\sigma")
        if lone and self.at("(") and not self.peek().spaced:
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
        """Read `{dx}`, `{dx^2}`, `{\\partial x \\partial y}`, `{\\partial xy}` into variables."""
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
            if t is None or not (t.kind == "letter" or (t.kind == "cmd" and t.text[1:] in GREEK)):
                return None
            variable = self.b.symbol(self.name(), function_names_ok=True)
            count = 1
            if self.at("^"):
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
        """The y in dy/dx: an expression, or a lone name meaning an unknown function of x."""
        if len(tokens) == 1 and tokens[0].kind == "letter" or \
                len(tokens) == 1 and tokens[0].text == r"\sigma":
            name = tokens[0].text.lstrip("\\")
            if name in {str(v) for v in variables}:
                return self.b.symbol(name, constants=False)
            seen = self.leibniz.setdefault(name, tuple(variables))
            if seen != tuple(variables):
                raise InputError(f"{name} is differentiated by {', '.join(map(str, seen))} and by "
                                 f"{', '.join(map(str, variables))}: how {name} depends on them is "
                                 f"not stated; write it out, e.g. {name}(h(w))")
            if name == "sigma":
                return self.b.call("sigmoid", list(dict.fromkeys(variables))[:1])
            return self.b.unknown_function(name, constants=False)(*dict.fromkeys(variables))
        sub = LatexReader.__new__(LatexReader)
        sub.tokens, sub.i, sub.b, sub.abs_depth, sub.depth = tokens, 0, self.b, 0, self.depth
        sub.function_letters, sub.leibniz = self.function_letters, self.leibniz
        value = sub.expr()
        if sub.peek() is not None:
            raise InputError(_unexpected(sub.peek()))
        return value

    def limit(self):
        r"""`\lim_{h \to 0} EXPR`: the operand is the rest of the product."""
        self.expect("_")
        self.expect("{")
        variable = self.b.symbol(self.name(), function_names_ok=True)
        self.expect(r"\to")
        point = self.expr()
        self.expect("}")
        return self.b.limit(self.term(), variable, point)


def _unexpected(t: Tok) -> str:
    if t.text in ("&", r"\\"):
        return "alignment ('&' or '\\\\') is not a formula: check one line at a time"
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
