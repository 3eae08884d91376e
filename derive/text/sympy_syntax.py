"""SymPy syntax, read through Python's `ast` (which only parses) against an allowlist.

Every node of the tree is checked (numbers, names, arithmetic, calls of known functions); the SymPy
objects are built by `Builder`. Assumptions (`x > 0`, `0 < p < 1`, `n integer`) are read the same way.
"""

from __future__ import annotations

import ast
import re

import sympy as sp

from derive.text.assumptions import ASSUMPTION_WORDS, Assumptions, Bound
from derive.text.builder import Builder, check_name
from derive.text.limits import LIMITS, InputError
from derive.text.unicode import normalize

_WORD_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s+(?:is\s+)?(integer|nonzero|real|"
                      + "|".join(ASSUMPTION_WORDS) + r")\s*\Z")


def parse_assumptions(texts) -> Assumptions:
    """Read `--assume` texts: `x > 0`, `0 < x < 1`, `x != 0`, `n integer`, `x positive`."""
    lower, upper, integer, nonzero = {}, {}, set(), set()
    builder = Builder()
    for text in (normalize(t).strip() for t in texts):  # literals are read back by their offsets
        if len(text) > 200:
            raise InputError("assumption too long (limit 200 characters)")
        word = _WORD_RE.match(text)
        if word:
            name, what = word.groups()
            check_name(name)
            if what == "integer":
                integer.add(name)
            elif what == "nonzero":
                nonzero.add(name)
            elif what in ASSUMPTION_WORDS:
                side, bound = ASSUMPTION_WORDS[what]
                (lower if side == "lower" else upper)[name] = bound
            continue
        tree = python_tree(text, what="assumption")
        node = tree.body
        if not isinstance(node, ast.Compare):
            raise InputError(f"cannot read assumption {text!r}: write e.g. 'x > 0', '0 < x < 1', "
                             "'x != 0' or 'n integer'")
        terms = [node.left, *node.comparators]
        for left, op, right in zip(terms, node.ops, terms[1:]):
            if isinstance(left, ast.Name) and not isinstance(right, ast.Name):
                name, value, kind = name_of(left), builder.constant(right, text), type(op)
            elif isinstance(right, ast.Name) and not isinstance(left, ast.Name):
                name, value = name_of(right), builder.constant(left, text)
                kind = _FLIP.get(type(op))
            else:
                raise InputError(f"cannot read assumption {text!r}: compare one variable with a number")
            check_name(name)
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


_SINGLE_EQ = re.compile(r"(?<![=<>!])=(?!=)")
# f'(x), sigmoid''(z): a derivative of a function, written with primes (ʹ keeps it a Python name)
_PRIMED = re.compile(r"\b([A-Za-z][A-Za-z0-9_]*)('+)\s*(?=\()")
PRIME = "ʹ"


def _primes_as_names(text: str) -> str:
    return _PRIMED.sub(lambda m: m.group(1) + PRIME * len(m.group(2)), text)


KEYWORD_NAME = re.compile(r"(?<![\w.])lambda(?!\w)")
KEPT_NAME = "lambd_"   # what the parse calls it (as long: literals are read by offset)


def name_of(node: ast.Name) -> str:
    """A name as written: lambda for the name the parse gave it."""
    return "lambda" if node.id == KEPT_NAME else node.id


def python_tree(text: str, what: str = "claim") -> ast.Expression:
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
    try:   # (lambda, a Greek letter, is a Python keyword: read as a name)
        tree = ast.parse(KEYWORD_NAME.sub(KEPT_NAME, text.strip()), mode="eval")
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
        return self.b.symbol(name_of(node))

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
        if name.endswith(PRIME):
            return self._primed(name.rstrip(PRIME), len(name) - len(name.rstrip(PRIME)), args)
        if name in ("diff", "Derivative"):
            if not args:
                raise InputError("diff needs an expression, e.g. diff(x**5, x)")
            return self.b.derivative(args[0], args[1:])
        if name in ("limit", "Limit"):
            if len(args) != 3:
                raise InputError("limit takes three arguments: limit(expr, h, 0)")
            return self.b.limit(*args)
        return self.b.call(name, args)


    def _primed(self, name: str, order: int, args: list):
        """f'(u): the order-th derivative of f, at u."""
        if len(args) != 1:
            raise InputError(f"{name}{chr(39) * order}(...) takes one argument")
        if order > LIMITS.max_order:
            raise InputError(f"derivative of order {order} is too high (limit {LIMITS.max_order})")
        t = sp.Dummy("t", real=True)
        inner = self.b.call(name, [t])
        derivative = sp.Derivative(inner, (t, order))
        if not inner.has(sp.core.function.AppliedUndef):
            derivative = derivative.doit()
        return derivative.subs(t, args[0])


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
    text = normalize(text).strip()  # literals are read back by their offsets in the text
    b = builder or Builder(assumptions)
    tree = python_tree(_primes_as_names(text).replace("^", "**"), what="expression")
    if isinstance(tree.body, ast.Compare):
        raise InputError("expected an expression, got an equation")
    return _SympySyntax(text.replace("^", "**"), b).build(tree.body)


def parse_sides(text: str, assumptions: Assumptions | None = None,
                builder: Builder | None = None) -> list:
    """Parse `A = B` (or `A == B`, or a chain `A = B = C`) in SymPy syntax into its sides."""
    text = normalize(text).strip()  # literals are read back by their offsets in the text
    b = builder or Builder(assumptions)
    source = _SINGLE_EQ.sub("==", _primes_as_names(text).replace("^", "**"))
    tree = python_tree(source)
    node = tree.body
    if not isinstance(node, ast.Compare):
        if "==" in source:
            raise InputError(_refusal(node))
        raise InputError("a claim needs '=': write LHS = RHS, e.g. diff(x**5, x) = 5*x**4")
    if not all(isinstance(op, ast.Eq) for op in node.ops):
        raise InputError("only equations can be checked: use '=' between the sides")
    walker = _SympySyntax(source, b)
    return [walker.build(side) for side in (node.left, *node.comparators)]

