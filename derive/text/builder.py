"""The Builder: the only place SymPy objects are made from user text.

`sympify`, `parse_expr` and `lambdify` all reach `eval`/`exec`, and a restricted namespace does not
make them safe. Both readers (SymPy syntax and LaTeX) only parse, and hand the pieces to `Builder`,
which bounds every size (literal digits, exponents, factorial arguments, nesting, node count)
*before* SymPy evaluates anything, so both notations obey the same limits and the same vocabulary.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import re

import sympy as sp

import derive.text.subs  # noqa: F401 - SymPy's Subs compared by what it states
from derive.text.assumptions import Assumptions
from derive.text.limits import LIMITS, InputError, one_line

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# A call of a name outside the vocabulary is an unknown function only when it looks like one:
# a single letter, optionally numbered (f, g, h, F, f1, g_2). `sinn(x)` is a typo, not a function.
UNKNOWN_FUNCTION_RE = re.compile(r"[A-Za-z](_?[0-9]+)?\Z")

def _logistic(z):
    return 1 / (1 + sp.exp(-z))


def _heaviside(x, h0=None):
    """The step function. Its value at 0 is a convention (`engine.conventions`): a claim about
    Heaviside(x) is decided with each value in use, but Heaviside(0) itself has no value until
    one is chosen."""
    if h0 is None and isinstance(x, sp.Basic) and x.is_zero:
        raise InputError("Heaviside(0) is a convention (SymPy takes 1/2, others 0 or 1): write "
                         "Heaviside(0, 0), Heaviside(0, 1/2) or Heaviside(0, 1)")
    return sp.Heaviside(x) if h0 is None else sp.Heaviside(x, h0)


def _log(x, base=None):
    return sp.log(x) if base is None else sp.log(x, base)


# name -> (min args, max args, constructor, bounded) ; `bounded` marks functions whose numeric
# arguments must stay small because SymPy evaluates them exactly (factorial(10**8) never returns).
FUNCTIONS = {
    **{n: (1, 1, getattr(sp, n), False) for n in (
        "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot",
        "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth",
        "asech", "acsch",
        "exp", "sqrt", "cbrt", "sign", "floor", "ceiling", "erf")},
    "arcsin": (1, 1, sp.asin, False), "arccos": (1, 1, sp.acos, False),
    "arctan": (1, 1, sp.atan, False), "atan2": (2, 2, sp.atan2, False),
    "log": (1, 2, _log, False), "ln": (1, 1, sp.log, False),
    "Abs": (1, 1, sp.Abs, False), "abs": (1, 1, sp.Abs, False),
    "Max": (1, 16, sp.Max, False), "max": (1, 16, sp.Max, False),
    "Min": (1, 16, sp.Min, False), "min": (1, 16, sp.Min, False),
    "root": (2, 2, sp.root, False),
    "Heaviside": (1, 2, _heaviside, False), "heaviside": (1, 2, _heaviside, False),
    "sigmoid": (1, 1, _logistic, False), "logistic": (1, 1, _logistic, False),
    "relu": (1, 1, lambda z: sp.Max(0, z), False),
    "softplus": (1, 1, lambda z: sp.log(1 + sp.exp(z)), False),
    "factorial": (1, 1, sp.factorial, True), "binomial": (2, 2, sp.binomial, True),
    "gamma": (1, 1, sp.gamma, True),
}
SPECIAL_FORMS = ("diff", "Derivative", "limit", "Limit")
CONSTANTS = {"pi": sp.pi, "E": sp.E, "e": sp.E, "oo": sp.oo, "inf": sp.oo}
# names that stay numbers beside vectors: costs, sizes, rates
SCALAR_NAMES = frozenset(["C", "J", "L", "E", "R", "ell", "n", "m", "N", "M", "d", "t", "T",
                          "eta", "lambda", "alpha", "beta", "gamma", "mu", "epsilon", "tau", "rho",
                          "kappa", "nu", "omega", "pi", "e", "\\mathcal{L}",
                          "\\mathcal{C}", "\\mathcal{J}"])
RESERVED = {"I", "j", "nan", "zoo", "None", "True", "False", "S", "N", "Q", "O"}


def check_name(name: str) -> None:
    if name.startswith("_") or "__" in name:
        raise InputError(f"name {name!r} is not allowed (no leading underscore or '__')")
    if not NAME_RE.match(name):  # \lambda is a fine variable: names never reach Python code
        raise InputError(f"{name!r} is not a variable name")
    if len(name) > LIMITS.max_name:
        raise InputError(f"name {name[:20]!r}... too long (limit {LIMITS.max_name} characters)")
    if name in RESERVED:
        raise InputError(f"name {name!r} is reserved; variables are real, choose another name")


def _digits(n: sp.Rational) -> float:
    """Decimal digits in the larger of numerator and denominator of a rational (past 4000
    digits, from its bits, within one: Python will not write so long an integer by default)."""
    def digits(k: int) -> float:
        return len(str(k)) if k.bit_length() < 14_000 else k.bit_length() * 0.30103
    return max(digits(abs(int(n.p))) if n.p else 1, digits(int(n.q)))


class Builder:
    """Makes SymPy objects from already-checked pieces, refusing anything too big to evaluate."""

    def __init__(self, assumptions: Assumptions | None = None, functions=frozenset()):
        self.assumptions = assumptions or Assumptions()
        self.declared_functions = frozenset(functions)
        self._symbols: dict[str, sp.Symbol] = {}
        self._unknown: dict[str, sp.FunctionClass] = {}
        # what the LaTeX reader learns about names (and what a document's definitions declare)
        self.quantities: dict = {}       # display name -> text.arrays.Quantity
        self.arrays: set[str] = set()    # names declared or defined as vectors and matrices
        self.scalars: set[str] = set()   # names defined as scalars
        self.defined: set[str] = set()   # names with a definition
        self.vector_context = False
        self.applied: dict = {}          # unknown function -> its one application (g -> g(x))
        self.sigmoid_at: set = set()     # what the sigmoid is applied at
        self.places: dict = {}           # decimal literal -> the decimal places it was written with
        self.side_places: list = []      # `places` of each side of the last formula read
        self.side_intervals: list = []   # the interval of each side computed from rounded numbers
        self.promoted: set[str] = set()  # names read as numbers that turn out to be arrays
        self.families: set[tuple] = set()  # (letter, font, style) of labelled arrays: W^l, W^{l+1}
        self.layer_sizes: set[str] = set()  # letters declared as a size per layer: N in N^{m-1}
        self.units = False               # one unit per layer: every quantity a number, ^T and
        #                                  \odot of numbers are the number and the product
        self.leibniz: dict = {}          # y in dy/dx -> the variables it is differentiated by
        self.chains: dict = {}           # y -> (u,), u -> (x,): y(u(x)) in dy/dx = dy/du du/dx
        self.partials: set = set()       # (z, x) for each \partial z / \partial x of two names
        self.parameters: dict = {}       # f -> (x, y): a function defined as f(x, y) = ...
        self.of_arrays: dict = {}        # f -> f(x) as written: a function of a vector defined
        self.leibniz_conflict: str | None = None   # y by x here and by u there, not yet a chain
        self.strict = True               # False while a first reading learns which names are arrays
        self.scalar_only = False         # reading a function's definition: its arguments are numbers
        self.e_is_named = False          # a definition names e (e = y - \hat{y}): e^2 is its square

    def trust_function(self, name: str) -> None:
        """Accept `name` as an unknown function: a Greek letter or labelled name the reader saw
        applied as one (\\phi(z), \\sigma^{[l]}(z))."""
        self.declared_functions = self.declared_functions | {name}

    def quantity(self, quantity) -> None:
        """Record a name the reader made (a labelled, decorated or array name)."""
        known = self.quantities.setdefault(quantity.name, quantity)
        if known.array != quantity.array:
            if self.strict:
                raise InputError(f"{quantity.name} is used both as a vector or matrix and as a "
                                 "number")
            self.promoted.add(quantity.name)
        elif quantity.array:
            self.promoted.add(quantity.name)
        if quantity.array and quantity.label is not None:
            self.families.add((quantity.letter, quantity.font, quantity.style))

    def chain_value(self, name: str):
        """y(u(x)) for y in the chain y -> u -> x."""
        inner = [self.chain_value(v) if v in self.chains else self.symbol(v)
                 for v in self.chains[name]]
        return self.unknown_function(name, constants=False)(*inner)

    def found_chains(self) -> dict:
        """From the Leibniz derivatives read: each letter differentiated by several variables,
        one of which is itself differentiated by the others (y by x and u, u by x): y -> u. Empty
        when the derivatives do not make such a chain."""
        chains = {}
        for name, uses in self.leibniz.items():
            variables = {v for use in uses for v in use}
            inner = sorted(v for v in variables if v in self.leibniz)
            if len(uses) < 2 or len(inner) != 1:
                continue
            below = {v for use in self.leibniz[inner[0]] for v in use}
            if variables - {inner[0]} <= below and not below & ({inner[0], name} | set(chains)):
                chains[name] = (inner[0],)
                chains.setdefault(inner[0], tuple(sorted(below)))
        if any(v in chains for name, inner in chains.items() for v in inner
               if chains.get(v) and name in chains[v]):
            return {}   # y of u and u of y: no chain
        return chains

    def promote(self, expr) -> None:
        """A name written where only an array fits (W in W^T, b in W a + b): an array, unless the
        document defined it as a number (or the claim is read with one unit per layer)."""
        if self.units:
            return
        for s in expr.atoms(sp.Symbol) if isinstance(expr, sp.Basic) else ():
            if s.is_commutative and s.name not in self.scalars and not s.name.startswith("|") \
                    and s.name not in SCALAR_NAMES and s.name.split("^")[0].split("_")[0] \
                    not in SCALAR_NAMES:
                self.promoted.add(s.name)
                q = self.quantities.get(s.name)
                if q is not None and q.label is not None:
                    self.families.add((q.letter, q.font, q.style))

    def named_symbol(self, name: str) -> sp.Symbol:
        """A scalar named as a document writes it (`a^{l}`, `\\hat{y}`, `MSE`): such names are
        only ever symbol names, never code, so only their length is bounded."""
        if len(name) > 4 * LIMITS.max_name:
            raise InputError(f"name {name[:20]!r}... too long")
        if name not in self._symbols:
            self._symbols[name] = self.assumptions.symbol(name)
        return self._symbols[name]

    # -- leaves ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def plain(self, names):
        """Read with `names` as real variables whatever is assumed of them: the variables of a
        function's definition stand for any value it is applied at (f(t) = sqrt(t^2) with t > 0
        assumed is |t|, not t, at f(-1))."""
        kept = {name: self._symbols.get(name) for name in names}
        self._symbols.update({name: sp.Symbol(name, real=True) for name in names})
        try:
            yield
        finally:
            for name, symbol in kept.items():
                if symbol is None:
                    self._symbols.pop(name, None)
                else:
                    self._symbols[name] = symbol

    def in_claim(self, expr):
        """`expr`, read from a definition (whose variables are plain, `plain`), with each of its
        variables as the claim has it: f_x after f(x, y) = x^2 y is by the x that 'x > 0' is
        assumed of, not by another x."""
        swap = {s: self._symbols.get(s.name) or self.assumptions.symbol(s.name)
                for s in expr.free_symbols if type(s) is sp.Symbol
                and self.assumptions.symbol(s.name) != sp.Symbol(s.name, real=True)}
        return expr.xreplace(swap)

    def symbol(self, name: str, function_names_ok: bool = False,
               constants: bool = True, reserved_ok: bool = False) -> sp.Symbol:
        """The variable `name` (or the constant: pi, e, E, oo). LaTeX passes constants=False for
        letters, whose constants come from commands (\\pi, \\infty) and e^{...}."""
        if constants and name in CONSTANTS:
            return CONSTANTS[name]
        if not function_names_ok and (name in FUNCTIONS or name in SPECIAL_FORMS):
            raise InputError(f"{name} is a function: call it, e.g. {name}(x)")
        if not (reserved_ok and name in RESERVED):   # in LaTeX, j, N and I are only letters
            check_name(name)
        if name not in self._symbols:
            self._symbols[name] = self.assumptions.symbol(name)
        return self._symbols[name]

    def integer(self, text: str) -> sp.Integer:
        digits = text.replace("_", "")
        if not digits.isdigit():   # 0x0, 0o7, 0b1: Python's numbers in other bases
            base = {"x": 16, "o": 8, "b": 2}[digits[1].lower()]
            raise InputError(f"{text} is a number in base {base} to Python: write "
                             f"0*{text[1:]} for a product, or the number in decimal")
        if len(digits) > LIMITS.max_int_digits:
            raise InputError(f"number with {len(digits)} digits is too long "
                             f"(limit {LIMITS.max_int_digits})")
        return sp.Integer(int(digits))

    def decimal(self, text: str) -> sp.Rational:
        """A decimal literal as the exact rational it denotes (0.1 is 1/10, not a float)."""
        clean = text.replace("_", "")
        m = re.fullmatch(r"(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?", clean)
        if not m or not (m.group(1) or m.group(2)):
            raise InputError(f"cannot read number {text!r}")
        if len(m.group(1) + m.group(2)) > LIMITS.max_int_digits:
            raise InputError(f"number {text[:20]!r}... has too many digits")
        exponent = m.group(3)
        if exponent and (len(exponent) > 6 or abs(int(exponent)) > LIMITS.max_decimal_exponent):
            raise InputError(f"exponent of {text[:30]!r} is too large "
                             f"(limit 1e±{LIMITS.max_decimal_exponent})")
        value = sp.Rational(clean)
        if "." in clean and m.group(2):   # 4.54e-5: rounded to 10^-7
            places = len(m.group(2)) - int(m.group(3) or 0)
            self.places[value] = max(self.places.get(value, places), places)
        return value

    def constant(self, node: ast.AST, text: str) -> sp.Rational:
        """A signed numeric literal or a fraction of two (used by assumptions)."""
        sign = 1
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign = -sign if isinstance(node.op, ast.USub) else sign
            node = node.operand
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            literal = ast.get_source_segment(text, node) or repr(node.value)
            value = self.integer(literal) if type(node.value) is int else self.decimal(literal)
            return sign * value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):   # a fraction: 1/2
            numerator, denominator = self.constant(node.left, text), self.constant(node.right, text)
            if denominator == 0:
                raise InputError(f"cannot read {text!r}: division by zero")
            return sign * numerator / denominator
        raise InputError(f"cannot read {text!r}: expected a number")

    # -- operations ------------------------------------------------------------------------------
    def add(self, a, b):
        return self._checked(a + b)

    def sub(self, a, b):
        return self._checked(a - b)

    def mul(self, a, b):
        return self._checked(a * b)

    def div(self, a, b):
        if b == 0:
            raise InputError("division by zero")
        return self._checked(a / b)

    def neg(self, a):
        return -a

    def pow(self, base, exponent):
        if exponent.is_Number:
            if exponent.is_Rational and abs(exponent) > LIMITS.max_exponent:
                raise InputError(f"exponent {_short(exponent)} is too large "
                                 f"(limit {LIMITS.max_exponent})")
            if base.is_Rational and exponent.is_Rational and abs(base) not in (0, 1):
                if _digits(base) * abs(float(exponent)) > LIMITS.max_result_digits:
                    raise InputError(f"{_short(base)}**{_short(exponent)} is too large to evaluate")
        if base == 0 and exponent.is_Number and exponent.is_negative:
            raise InputError("division by zero (0 raised to a negative power)")
        return self._checked(sp.Pow(base, exponent))

    def call(self, name: str, args: list):
        """Apply a function from the vocabulary, or an unknown function f, g, h, ..."""
        if name == "sigmoid" and not any(a.atoms(sp.Dummy) for a in args):
            self.sigmoid_at.add(tuple(args))   # (not the stand-in of a prime)
        if name in FUNCTIONS:
            lo, hi, make, bounded = FUNCTIONS[name]
            if not lo <= len(args) <= hi:
                expected = lo if lo == hi else f"{lo} to {hi}"
                raise InputError(f"{name} takes {expected} argument(s), got {len(args)}")
            if bounded:
                for arg in args:
                    if arg.is_Number and abs(arg) > LIMITS.max_combinatorial:
                        raise InputError(f"{name}({_short(arg)}) is too large to evaluate "
                                         f"(limit {LIMITS.max_combinatorial})")
            try:
                value = _trusted_value(make, args)
            except InputError:
                raise
            except (ValueError, TypeError) as err:   # Max of a complex number: not comparable
                raise InputError(f"cannot apply {name} to "
                                 f"{', '.join(_short(a) for a in args)}: {one_line(err)}") from None
            return self._checked(value)
        return self.unknown_function(name)(*args)

    def unknown_function(self, name: str, constants: bool = True) -> sp.FunctionClass:
        if (constants and name in CONSTANTS) or name in RESERVED:
            raise InputError(f"{name} is not a function")
        if not (UNKNOWN_FUNCTION_RE.match(name) or name in self.declared_functions):
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"unknown function {name!r}{hint}; unknown functions are single "
                             "letters such as f, g, h")
        if name not in self.declared_functions:
            check_name(name)
        elif len(name) > 4 * LIMITS.max_name:
            raise InputError(f"name {name[:20]!r}... too long")
        if name not in self._unknown:
            self._unknown[name] = sp.Function(name, real=True)
        return self._unknown[name]

    def derivative(self, expr, variables: list):
        """`diff(expr, x)`, `diff(expr, x, 2)`, `diff(expr, x, y)`; left unevaluated on purpose."""
        if not variables:
            free = sorted(expr.free_symbols, key=str)
            if len(free) != 1:
                raise InputError("say which variable to differentiate by, e.g. diff(f, x)")
            variables = free
        spec, order_total = [], 0
        for item in variables:
            if isinstance(item, sp.Symbol):
                spec.append([item, 1])
            elif item.is_Integer and spec and 0 < item <= LIMITS.max_order:
                spec[-1][1] = int(item)
            else:
                raise InputError(f"diff needs variables (and optional orders 1..{LIMITS.max_order})"
                                 f", got {_short(item)}")
        order_total = sum(n for _, n in spec)
        if order_total > LIMITS.max_order:
            raise InputError(f"derivative of order {order_total} is too high "
                             f"(limit {LIMITS.max_order})")
        return sp.Derivative(expr, *[(v, n) for v, n in spec])

    def limit(self, expr, variable, point, side: str = "+-"):
        """The limit as `variable` tends to `point`: from both sides (as lim_{h -> 0} means; a
        limit the sides disagree on does not exist), or from one (`side` '+' or '-')."""
        if not isinstance(variable, sp.Symbol):
            raise InputError("limit(expr, h, 0): the second argument must be a variable")
        if point.free_symbols - {variable} != point.free_symbols and point.has(variable):
            raise InputError("the limit point must not contain the limit variable")
        if point.has(sp.oo, -sp.oo):
            side = "-" if point == sp.oo else "+"   # at infinity there is one side only
        return sp.Limit(expr, variable, point, dir=side)

    @staticmethod
    def _checked(expr):
        if expr.has(sp.zoo, sp.nan):
            raise InputError("the expression is undefined (division by zero or 0/0)")
        if expr.is_Rational and _digits(expr) > LIMITS.max_result_digits:
            # 1000!^26: each factor is bounded, the product too
            raise InputError(f"a number of more than {LIMITS.max_result_digits} digits")
        return expr


def _trusted_value(make, args):
    """`make(*args)`, unless SymPy misjudges the constant it makes: its `is_zero` is wrong for some
    constants, depending on the hash seed (SymPy issue #23086: acos(7823207/7823209) "is zero", so
    sin of it evaluates to 0, and so does any product with it). Such a constant is replaced by its
    value to 110 digits, which no later simplification can mistake for zero."""
    value = make(*args)
    if value.free_symbols or any(a.free_symbols for a in args) or value.has(sp.oo, -sp.oo, sp.zoo):
        return value
    try:
        if value.is_Number and isinstance(make, sp.FunctionClass):
            honest = make(*args, evaluate=False).evalf(110)
            if honest.is_Number and abs(honest - value) > sp.Float(10) ** -40 * (1 + abs(value)):
                return sp.Float(honest, 110)
        elif not value.is_Number and value.is_zero:
            honest = value.evalf(110)
            if honest.is_Number and honest != 0 and getattr(honest, "_prec", 999) > 20:
                return sp.Float(honest, 110)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        pass
    return value


def _short(x) -> str:
    s = str(x)
    return s if len(s) <= 24 else s[:12] + "..." + s[-6:]

