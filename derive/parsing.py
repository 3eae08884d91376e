"""Safe parsing of user text into SymPy.

`sympify`, `parse_expr` and `lambdify` all reach `eval`/`exec`, and a restricted namespace does not
make them safe. User text here goes through Python's `ast` module (which only parses), the tree is
checked against an allowlist, and the SymPy objects are built by `Builder`, which bounds every size
(literal digits, exponents, factorial arguments, nesting, node count) *before* SymPy evaluates
anything. The LaTeX reader (`derive.latex`) builds through the same `Builder`, so both notations obey
the same limits and the same vocabulary.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import re
from dataclasses import dataclass, field

import sympy as sp


class InputError(ValueError):
    """Text that cannot be read. The message is one line and says what to write instead."""


@dataclass(frozen=True)
class Limits:
    """Bounds applied before SymPy evaluates anything (all refusals are instant)."""

    max_chars: int = 4000
    max_depth: int = 64
    max_nodes: int = 2000
    max_int_digits: int = 100
    max_decimal_exponent: int = 400
    max_exponent: int = 10_000
    max_result_digits: int = 10_000
    max_combinatorial: int = 1000
    max_order: int = 20
    max_name: int = 32


LIMITS = Limits()

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# A call of a name outside the vocabulary is an unknown function only when it looks like one:
# a single letter, optionally numbered (f, g, h, F, f1, g_2). `sinn(x)` is a typo, not a function.
UNKNOWN_FUNCTION_RE = re.compile(r"[A-Za-z](_?[0-9]+)?\Z")


# --------------------------------------------------------------------------------------------------
# Assumptions
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bound:
    value: sp.Rational
    strict: bool


@dataclass(frozen=True)
class Assumptions:
    """What the user assumed about variables. Every variable is real unless stated otherwise.

    `lower`/`upper` hold interval bounds, `integer` and `nonzero` hold names. `texts` keeps the user's
    own wording for the verdict.
    """

    lower: dict = field(default_factory=dict)
    upper: dict = field(default_factory=dict)
    integer: frozenset = frozenset()
    nonzero: frozenset = frozenset()
    texts: tuple = ()

    def symbol(self, name: str) -> sp.Symbol:
        """The SymPy symbol for `name`, carrying every assumption SymPy can express."""
        kw = {"real": True}
        lo, hi = self.lower.get(name), self.upper.get(name)
        if name in self.integer:
            kw["integer"] = True
        if lo is not None and (lo.value > 0 or (lo.value == 0 and lo.strict)):
            kw["positive"] = True
        elif lo is not None and lo.value == 0:
            kw["nonnegative"] = True
        if hi is not None and (hi.value < 0 or (hi.value == 0 and hi.strict)):
            kw["negative"] = True
        elif hi is not None and hi.value == 0:
            kw["nonpositive"] = True
        if name in self.nonzero:
            kw["nonzero"] = True
        return sp.Symbol(name, **kw)

    def interval(self, name: str) -> tuple[Bound | None, Bound | None]:
        return self.lower.get(name), self.upper.get(name)

    def describe(self, names) -> list[str]:
        """The assumptions in force for `names`, user wording first, then the default 'real'."""
        stated = list(self.texts)
        mentioned = set(self.lower) | set(self.upper) | self.integer | self.nonzero
        defaults = sorted(n for n in names if n not in mentioned)
        if defaults:
            stated.append(", ".join(defaults) + " real")
        return stated


ASSUMPTION_WORDS = {
    "positive": ("lower", Bound(sp.Integer(0), True)),
    "negative": ("upper", Bound(sp.Integer(0), True)),
    "nonnegative": ("lower", Bound(sp.Integer(0), False)),
    "nonpositive": ("upper", Bound(sp.Integer(0), False)),
}
_WORD_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s+(?:is\s+)?(integer|nonzero|real|"
                      + "|".join(ASSUMPTION_WORDS) + r")\s*\Z")


def parse_assumptions(texts) -> Assumptions:
    """Read `--assume` texts: `x > 0`, `0 < x < 1`, `x != 0`, `n integer`, `x positive`."""
    lower, upper, integer, nonzero = {}, {}, set(), set()
    builder = Builder()
    for text in texts:
        if len(text) > 200:
            raise InputError("assumption too long (limit 200 characters)")
        word = _WORD_RE.match(text)
        if word:
            name, what = word.groups()
            _check_name(name)
            if what == "integer":
                integer.add(name)
            elif what == "nonzero":
                nonzero.add(name)
            elif what in ASSUMPTION_WORDS:
                side, bound = ASSUMPTION_WORDS[what]
                (lower if side == "lower" else upper)[name] = bound
            continue
        tree = _parse_python(text, what="assumption")
        node = tree.body
        if not isinstance(node, ast.Compare):
            raise InputError(f"cannot read assumption {text!r}: write e.g. 'x > 0', '0 < x < 1', "
                             "'x != 0' or 'n integer'")
        terms = [node.left, *node.comparators]
        for left, op, right in zip(terms, node.ops, terms[1:]):
            if isinstance(left, ast.Name) and not isinstance(right, ast.Name):
                name, value, kind = left.id, builder.constant(right, text), type(op)
            elif isinstance(right, ast.Name) and not isinstance(left, ast.Name):
                name, value, kind = right.id, builder.constant(left, text), _FLIP.get(type(op))
            else:
                raise InputError(f"cannot read assumption {text!r}: compare one variable with a number")
            _check_name(name)
            if kind in (ast.Gt, ast.GtE):
                lower[name] = Bound(value, kind is ast.Gt)
            elif kind in (ast.Lt, ast.LtE):
                upper[name] = Bound(value, kind is ast.Lt)
            elif kind is ast.NotEq and value == 0:
                nonzero.add(name)
            else:
                raise InputError(f"cannot read assumption {text!r}: use <, <=, >, >= or != 0")
        for name in set(lower) & set(upper):
            lo, hi = lower[name], upper[name]
            if lo.value > hi.value or (lo.value == hi.value and (lo.strict or hi.strict)):
                raise InputError(f"assumptions on {name} leave no possible value")
    return Assumptions(lower, upper, frozenset(integer), frozenset(nonzero), tuple(texts))


_FLIP = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE, ast.NotEq: ast.NotEq}


# --------------------------------------------------------------------------------------------------
# The builder: the only place SymPy objects are made from user text
# --------------------------------------------------------------------------------------------------

def _logistic(z):
    return 1 / (1 + sp.exp(-z))


def _heaviside(x, h0=None):
    return sp.Heaviside(x) if h0 is None else sp.Heaviside(x, h0)


def _log(x, base=None):
    return sp.log(x) if base is None else sp.log(x, base)


# name -> (min args, max args, constructor, bounded) ; `bounded` marks functions whose numeric
# arguments must stay small because SymPy evaluates them exactly (factorial(10**8) never returns).
FUNCTIONS = {
    **{n: (1, 1, getattr(sp, n), False) for n in (
        "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot",
        "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh",
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
RESERVED = {"I", "j", "nan", "zoo", "None", "True", "False", "lambda", "S", "N", "Q", "O"}


def _check_name(name: str) -> None:
    if name.startswith("_") or "__" in name:
        raise InputError(f"name {name!r} is not allowed (no leading underscore or '__')")
    if not NAME_RE.match(name) or keyword.iskeyword(name):
        raise InputError(f"{name!r} is not a variable name")
    if len(name) > LIMITS.max_name:
        raise InputError(f"name {name[:20]!r}... too long (limit {LIMITS.max_name} characters)")
    if name in RESERVED:
        raise InputError(f"name {name!r} is reserved; variables are real, choose another name")


def _digits(n: sp.Rational) -> float:
    """Decimal digits in the larger of numerator and denominator of a rational."""
    p, q = abs(int(n.p)), int(n.q)
    return max(len(str(p)) if p else 1, len(str(q)))


class Builder:
    """Makes SymPy objects from already-checked pieces, refusing anything too big to evaluate."""

    def __init__(self, assumptions: Assumptions | None = None, functions=frozenset()):
        self.assumptions = assumptions or Assumptions()
        self.declared_functions = frozenset(functions)
        self._symbols: dict[str, sp.Symbol] = {}
        self._unknown: dict[str, sp.FunctionClass] = {}

    # -- leaves ----------------------------------------------------------------------------------
    def symbol(self, name: str, function_names_ok: bool = False,
               constants: bool = True) -> sp.Symbol:
        """The variable `name` (or the constant: pi, e, E, oo). LaTeX passes constants=False for
        letters, whose constants come from commands (\\pi, \\infty) and e^{...}."""
        if constants and name in CONSTANTS:
            return CONSTANTS[name]
        if not function_names_ok and (name in FUNCTIONS or name in SPECIAL_FORMS):
            raise InputError(f"{name} is a function: call it, e.g. {name}(x)")
        _check_name(name)
        if name not in self._symbols:
            self._symbols[name] = self.assumptions.symbol(name)
        return self._symbols[name]

    def integer(self, text: str) -> sp.Integer:
        digits = text.replace("_", "")
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
        return sp.Rational(clean)

    def constant(self, node: ast.AST, text: str) -> sp.Rational:
        """A signed numeric literal (used by assumptions)."""
        sign = 1
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign = -sign if isinstance(node.op, ast.USub) else sign
            node = node.operand
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            literal = ast.get_source_segment(text, node) or repr(node.value)
            value = self.integer(literal) if type(node.value) is int else self.decimal(literal)
            return sign * value
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
            return self._checked(make(*args))
        return self.unknown_function(name)(*args)

    def unknown_function(self, name: str, constants: bool = True) -> sp.FunctionClass:
        if (constants and name in CONSTANTS) or name in RESERVED:
            raise InputError(f"{name} is not a function")
        if not (UNKNOWN_FUNCTION_RE.match(name) or name in self.declared_functions):
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"unknown function {name!r}{hint}; unknown functions are single "
                             "letters such as f, g, h")
        _check_name(name)
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

    def limit(self, expr, variable, point):
        if not isinstance(variable, sp.Symbol):
            raise InputError("limit(expr, h, 0): the second argument must be a variable")
        if point.free_symbols - {variable} != point.free_symbols and point.has(variable):
            raise InputError("the limit point must not contain the limit variable")
        return sp.Limit(expr, variable, point)

    @staticmethod
    def _checked(expr):
        if expr.has(sp.zoo, sp.nan):
            raise InputError("the expression is undefined (division by zero or 0/0)")
        return expr


def _short(x) -> str:
    s = str(x)
    return s if len(s) <= 24 else s[:12] + "..." + s[-6:]


# --------------------------------------------------------------------------------------------------
# SymPy syntax
# --------------------------------------------------------------------------------------------------

_SINGLE_EQ = re.compile(r"(?<![=<>!])=(?!=)")


def _parse_python(text: str, what: str = "claim") -> ast.Expression:
    """`ast.parse` with the size bounds checked first. Parsing never executes anything."""
    if len(text) > LIMITS.max_chars:
        raise InputError(f"{what} too long ({len(text)} characters, limit {LIMITS.max_chars})")
    if "\x00" in text:
        raise InputError(f"{what} contains a NUL character")
    depth = peak = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        peak = max(peak, depth)
    if peak > LIMITS.max_depth:
        raise InputError(f"{what} nested too deeply ({peak} levels, limit {LIMITS.max_depth})")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        where = f" at column {err.offset}" if err.offset else ""
        raise InputError(f"cannot read {what}{where}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError) as err:
        raise InputError(f"cannot read {what}: {type(err).__name__}") from None
    _check_shape(tree, what)
    return tree


def _check_shape(tree: ast.AST, what: str) -> None:
    """Refuse deep or huge trees before building anything (iterative: no recursion to exhaust)."""
    stack, count = [(tree, 0)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > LIMITS.max_depth:
            raise InputError(f"{what} nested too deeply (limit {LIMITS.max_depth})")
        if count > LIMITS.max_nodes:
            raise InputError(f"{what} too large (limit {LIMITS.max_nodes} nodes)")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


class _SympySyntax:
    """Walks a checked `ast` tree and builds SymPy objects through a `Builder`."""

    def __init__(self, text: str, builder: Builder):
        self.text, self.b = text, builder

    def build(self, node):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise InputError(_refusal(node))
        return method(node)

    def _Constant(self, node):
        value = node.value
        if type(value) is int:
            return self.b.integer(ast.get_source_segment(self.text, node) or str(value))
        if type(value) is float:
            return self.b.decimal(ast.get_source_segment(self.text, node) or repr(value))
        raise InputError(_refusal(node))

    def _Name(self, node):
        return self.b.symbol(node.id)

    def _UnaryOp(self, node):
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return self.b.neg(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise InputError(_refusal(node))

    def _BinOp(self, node):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise InputError(_refusal(node))
        return getattr(self.b, op)(self.build(node.left), self.build(node.right))

    def _Call(self, node):
        if not isinstance(node.func, ast.Name):
            raise InputError(_refusal(node.func))
        if node.keywords:
            raise InputError(f"keyword arguments are not allowed in {node.func.id}(...)")
        name = node.func.id
        if name.startswith("_") or "__" in name:
            raise InputError(f"name {name!r} is not allowed")
        args = [self.build(a) for a in node.args]
        if name in ("diff", "Derivative"):
            if not args:
                raise InputError("diff needs an expression, e.g. diff(x**5, x)")
            return self.b.derivative(args[0], args[1:])
        if name in ("limit", "Limit"):
            if len(args) != 3:
                raise InputError("limit takes three arguments: limit(expr, h, 0)")
            return self.b.limit(*args)
        return self.b.call(name, args)


def _refusal(node) -> str:
    kinds = {
        ast.Attribute: "attribute access ('.')", ast.Subscript: "subscripts ('[...]')",
        ast.Lambda: "lambda", ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions",
        ast.SetComp: "comprehensions", ast.DictComp: "comprehensions", ast.List: "lists",
        ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets", ast.Starred: "'*' unpacking",
        ast.BoolOp: "'and'/'or'", ast.IfExp: "'if' expressions", ast.NamedExpr: "':='",
        ast.JoinedStr: "strings", ast.Await: "await", ast.Yield: "yield",
    }
    what = kinds.get(type(node))
    if what is None and isinstance(node, ast.Constant):
        what = f"{type(node.value).__name__} literals"
    if what is None and isinstance(node, ast.BinOp):
        what = f"the operator {type(node.op).__name__}"
    if what is None and isinstance(node, ast.UnaryOp):
        what = f"the operator {type(node.op).__name__}"
    if what is None and isinstance(node, ast.Compare):
        what = "comparisons inside an expression"
    return f"{what or type(node).__name__} not allowed: use numbers, variables, + - * / ^ and functions"


def parse_expression(text: str, assumptions: Assumptions | None = None,
                     builder: Builder | None = None):
    """Parse one expression in SymPy syntax (`^` means power)."""
    b = builder or Builder(assumptions)
    tree = _parse_python(text.replace("^", "**"), what="expression")
    if isinstance(tree.body, ast.Compare):
        raise InputError("expected an expression, got an equation")
    return _SympySyntax(text.replace("^", "**"), b).build(tree.body)


def parse_sides(text: str, assumptions: Assumptions | None = None,
                builder: Builder | None = None) -> list:
    """Parse `A = B` (or `A == B`, or a chain `A = B = C`) in SymPy syntax into its sides."""
    b = builder or Builder(assumptions)
    source = _SINGLE_EQ.sub("==", text.replace("^", "**"))
    tree = _parse_python(source)
    node = tree.body
    if not isinstance(node, ast.Compare):
        if "==" in source:
            raise InputError(_refusal(node))
        raise InputError("a claim needs '=': write LHS = RHS, e.g. diff(x**5, x) = 5*x**4")
    if not all(isinstance(op, ast.Eq) for op in node.ops):
        raise InputError("only equations can be checked: use '=' between the sides")
    walker = _SympySyntax(source, b)
    return [walker.build(side) for side in (node.left, *node.comparators)]


def parse_claim(text: str, assumptions: Assumptions | None = None, latex: bool = False,
                functions=()) -> tuple:
    """Parse a claim `LHS = RHS` into its two sides, in SymPy syntax or LaTeX."""
    builder = Builder(assumptions, functions)
    if latex:
        from derive.latex import parse_latex_sides
        sides = parse_latex_sides(text, builder)
    else:
        sides = parse_sides(text, builder=builder)
    if len(sides) != 2:
        raise InputError(f"a claim has two sides, got {len(sides)}: check one '=' at a time")
    return sides[0], sides[1]
