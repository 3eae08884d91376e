"""What a document has said before a formula: its definitions and declarations (`--where`).

A definition is written as the document writes it, in the claim's notation:

* `J = L + s`, `z^{l} = W^{l} a^{l-1} + b^{l}`, `\\delta^{l} = \\frac{\\partial C}{\\partial z^{l}}`
  (a label in l, L or m makes a schema that holds in every layer), `z_j = \\sum_k w_{jk} x_k + b_j`
  (entry by entry);
* `\\sigma(z) = \\frac{1}{1 + e^{-z}}`, `\\ell(o, y) = \\frac{1}{2}(o - y)^2`: a function;
* `\\mathbf{W} \\in \\mathbb{R}^{h \\times d}`: a vector or matrix and its sizes;
* `\\phi \\text{ is a function}`: an unknown function (of any argument);
* `\\text{row vectors}`, `\\text{numerator layout}`, `\\text{denominator layout}`: conventions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.builder import Builder
from derive.text.limits import InputError

SHAPE = re.compile(r"^(?P<name>.+?)\\in\s*\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*(?P<dims>\{(?:[^{}]|\{[^{}]*\})*\}|\w))?\s*$")
# a size that differs from layer to layer, written with the layer's label: N^m, N^{m-1}, n^{[l]}
LAYER_SIZE = re.compile(r"^\s*(?P<letter>[A-Za-z])\s*\^\s*(?:[lmL]|\{\s*[\[(]?\s*[lmL]\s*"
                        r"(?:[+-]\s*\d+\s*)?[\])]?\s*\})\s*$")
IS_FUNCTION = re.compile(r"^(?P<name>.+?)\s*\\text\s*\{\s*is an?( unknown)? function\s*\}\s*$")
CONVENTION = re.compile(r"^\\text\s*\{\s*(?P<what>[A-Za-z ]+?)\s*\}\s*$")
FUNCTION_DEFINITION = re.compile(r"^\s*(?P<name>\\?[A-Za-z]+(?:\^\{[^{}]*\}|\^[A-Za-z0-9])?)\s*\(")
# a case of two index letters, `j \neq i` or `i = j`: the claim is checked where it holds (`w = h`
# between other letters is a definition)
CASE_LETTERS = "ijklmn"
CASE = rf"([{CASE_LETTERS}])\s*(\\neq|\\ne(?![a-z])|\\not\s*=|!=|≠|=)\s*([{CASE_LETTERS}])"
INDEX_CONDITION = re.compile(rf"^\s*{CASE}\s*$")
CONVENTIONS = ("row vectors", "column vectors", "numerator layout", "denominator layout",
               "einstein summation")
MAX_DEFINITIONS = 64


@dataclass(frozen=True)
class Definition:
    """`target = value`: target is a name, an array, an entry (x_j) or a function application."""

    target: sp.Basic
    value: sp.Basic
    text: str
    rewrite: bool = False   # notation: the target, wherever it is written, means the value


@dataclass(frozen=True)
class IndexCondition:
    """A condition on two of a claim's free indices (`where j \\neq i`): the claim is checked
    only at the index values where it holds."""

    first: str
    second: str
    equal: bool          # i = j; else i != j

    @property
    def text(self) -> str:
        return f"{self.first} {'=' if self.equal else '!='} {self.second}"

    def about(self, lhs, rhs) -> bool:
        """Whether both its letters are free indices of the claim (else it is about something
        else, and the claim is read as written)."""
        indices = {s.name for side in (lhs, rhs) for s in side.free_symbols
                   if isinstance(s, sp.Symbol) and s.is_integer}
        return self.first != self.second and {self.first, self.second} <= indices

    def holds(self, values: dict) -> bool:
        """At index values {index symbol: number} (where one of its letters is not free, as in a
        reading that sums over it, it says nothing)."""
        named = {str(k): v for k, v in values.items()}
        if self.first not in named or self.second not in named:
            return True
        return (named[self.first] == named[self.second]) == self.equal


@dataclass(frozen=True)
class Context:
    """A document's definitions and declarations, read with the claim's Builder."""

    definitions: tuple = ()                  # of Definition
    shapes: dict = field(default_factory=dict)   # name -> (rows, columns) as SymPy integers/symbols
    conventions: frozenset = frozenset()
    texts: tuple = ()
    index_conditions: tuple = ()             # of IndexCondition: where the claim is stated

    @property
    def row_vectors(self) -> bool:
        return "row vectors" in self.conventions

    @property
    def layout(self) -> int | None:
        """0 numerator layout, 1 denominator layout, None when the document does not say."""
        if "numerator layout" in self.conventions:
            return 0
        if "denominator layout" in self.conventions:
            return 1
        return None


def read_context(texts, builder: Builder, latex: bool = True) -> Context:
    """Read `--where` texts into a `Context`, teaching `builder` which names are functions,
    vectors and defined quantities, so the claim read next uses the same names."""
    from derive.text.latex import LatexReader, NameParts

    texts = [t.strip() for t in texts if t.strip()]
    if len(texts) > MAX_DEFINITIONS:
        raise InputError(f"too many definitions (limit {MAX_DEFINITIONS})")
    if texts and not latex:
        raise InputError("--where takes LaTeX: use it with --latex")
    definitions, shapes, conventions, conditions = [], {}, set(), []
    for text in texts:   # first the declarations, so every definition reads its names right
        convention = CONVENTION.match(text)
        condition = INDEX_CONDITION.match(text)
        if condition:
            conditions.append(index_condition(condition))
            continue
        function = IS_FUNCTION.match(text)
        shape = SHAPE.match(text)
        if convention:
            what = " ".join(convention.group("what").lower().split())
            if what not in CONVENTIONS:
                raise InputError(f"unknown convention '{what}': use one of {', '.join(CONVENTIONS)}")
            conventions.add(what)
        elif function:
            reader = LatexReader(function.group("name"), builder)
            parts: NameParts = reader.name_parts()
            builder.trust_function(parts.display)
        elif shape:
            reader = LatexReader(shape.group("name"), builder)
            parts = reader.name_parts()
            if reader.peek() is not None:
                raise InputError(f"cannot read the name in '{text}'")
            dims = _dims(shape.group("dims"), builder)
            builder.arrays.add(parts.display)
            builder.quantity(A.Quantity(parts.display, parts.letter, parts.font, parts.label,
                                        parts.style, array=True, subscript=parts.subscript))
            shapes[parts.display] = dims
        else:
            head = FUNCTION_DEFINITION.match(text)
            if head and "=" in text:
                builder.trust_function(head.group("name").lstrip("\\"))
    if "row vectors" in conventions and "column vectors" in conventions:
        raise InputError("row vectors and column vectors at once")
    builder.vector_context = builder.vector_context or bool(shapes)
    for text in texts:
        if _declaration(text):
            continue
        definitions.append(_definition(text, builder))
    return Context(tuple(definitions), shapes, frozenset(conventions), tuple(texts),
                   tuple(conditions))


def plain_definition(text: str) -> bool:
    """Whether `text` teaches the builder nothing before the definitions are read (it is no
    declaration, convention or case of indices, and no function's definition, which makes the
    function's name one before every definition is read): a context with it last is then the
    context before it, extended by it (`extended`)."""
    text = text.strip()
    return bool(text) and not _declaration(text) and not (
        FUNCTION_DEFINITION.match(text) and "=" in text)


def extended(context: Context, texts, builder: Builder) -> Context:
    """`read_context` of `context.texts` and then `texts`, each a `plain_definition`, from the
    context of the texts before them and `builder` as reading those left it."""
    texts = [t.strip() for t in texts]
    if len(context.texts) + len(texts) > MAX_DEFINITIONS:
        raise InputError(f"too many definitions (limit {MAX_DEFINITIONS})")
    definitions = context.definitions + tuple(_definition(text, builder) for text in texts)
    return replace(context, definitions=definitions, texts=context.texts + tuple(texts))


def _declaration(text: str) -> bool:
    return bool(CONVENTION.match(text) or IS_FUNCTION.match(text) or SHAPE.match(text)
                or INDEX_CONDITION.match(text))


def _definition(text: str, builder: Builder) -> Definition:
    """The definition `text`, read with what `builder` knows (and teaching it the name)."""
    from derive.text.latex import LatexReader

    applied = dict(builder.applied)
    sides = LatexReader(text, builder).sides()
    if len(sides) != 2:
        raise InputError(f"a definition is NAME = EXPRESSION: '{text}'")
    target, value = sides
    assumed = [a.name for a in getattr(target, "args", ()) if isinstance(target, AppliedUndef)
               and isinstance(a, sp.Symbol) and a != sp.Symbol(a.name, real=True)]
    if assumed:   # f(t) = sqrt(t^2) with t > 0 assumed: the formula for every t
        builder.applied = applied   # (as read the first time, f would be applied twice)
        with builder.plain(assumed):
            target, value = LatexReader(text, builder).sides()
    if not _definable(target) or _alias(target, value):
        # notation: '\\nabla_a C = \\frac{\\partial C}{\\partial a^L}', 'a = a^{L}'
        if _alias(target, value):   # u = x: du/dx is then dx/dx, u no unknown function of x
            builder.defined.add(target.name)
        if isinstance(target, A.Map):   # f(x) = x^T x: \\nabla_x f is of that formula
            builder.of_arrays[str(target.args[0])] = target
        return Definition(target, value, text, rewrite=True)
    name = _target_name(target)
    heads = {m.args[0] for m in value.atoms(A.Map)}   # the function of sigma(z) entrywise
    used = {s.name for s in value.free_symbols
            if isinstance(s, sp.Symbol) and s not in heads} | {
        str(i.base.label) for i in value.atoms(sp.Indexed)}
    if isinstance(target, sp.core.function.AppliedUndef):   # f(x) = ... f(...) ...
        used |= {f.func.__name__ for f in value.atoms(sp.core.function.AppliedUndef)}
        if all(isinstance(a, sp.Symbol) for a in target.args):
            builder.parameters[name] = target.args   # f_x is then its partial by x
    if name in used:   # (f = f(u, v) only says what f depends on)
        raise InputError(f"{name} is defined in terms of itself: '{text}' is a recurrence or "
                         "an update, not a definition")
    builder.defined.add(name)
    if A.is_array(value) and not A.is_array(target) and not isinstance(target, sp.Indexed):
        if builder.strict:
            raise InputError(f"{name} is defined as a vector or matrix but read as a number")
        builder.promoted.add(name)   # a^l = sigma(z^l) with z^l a vector: a^l is one too
    if A.is_array(value) or A.is_array(target):
        builder.arrays.add(name)
    else:
        builder.scalars.add(name)
    return Definition(target, value, text)


def index_condition(match: re.Match) -> IndexCondition:
    """The condition an `INDEX_CONDITION` match states."""
    return IndexCondition(match.group(1), match.group(3), match.group(2) == "=")


def _alias(target, value) -> bool:
    """`a = a^{L}`: one name for another, not a quantity of its own."""
    return isinstance(target, sp.Symbol) and isinstance(value, sp.Symbol)


def _dims(text: str | None, builder: Builder) -> tuple:
    from derive.text.latex import parse_latex

    if text is None:
        return (sp.Integer(1), sp.Integer(1))
    inner = text[1:-1] if text.startswith("{") else text
    parts = re.split(r"\\times|\\cdot|,|\*|×", inner)
    if len(parts) > 2:
        raise InputError("only vectors and matrices (two sizes) are supported")
    dims = [_layer_size(p, builder) if LAYER_SIZE.match(p) else parse_latex(p, Builder())
            for p in parts]
    for d in dims:
        if not (d.is_Integer and d > 0 or d.is_Symbol):
            raise InputError(f"a size is a positive whole number or a letter, not {d}")
    if len(dims) == 1:
        return (dims[0], sp.Integer(1))
    return tuple(dims)


def _layer_size(text: str, builder: Builder) -> sp.Symbol:
    """`N^{m-1}`: the width of layer m - 1, a name with a label (so a sum to N^m in a claim is a
    sum to the width of the claim's layer m, never a power of N)."""
    from derive.text.latex import LatexReader

    builder.layer_sizes.add(LAYER_SIZE.match(text).group("letter"))
    reader = LatexReader(text, builder)
    parts = reader.name_parts()
    if reader.peek() is not None or parts.label is None:
        raise InputError(f"cannot read the size {text.strip()}")
    builder.scalars.add(parts.display)
    builder.quantity(A.Quantity(parts.display, parts.letter, parts.font, parts.label,
                                parts.style, subscript=parts.subscript))
    return builder.named_symbol(parts.display)


def _definable(target) -> bool:
    if isinstance(target, (sp.Symbol, sp.Indexed)):
        return True
    from sympy.core.function import AppliedUndef
    return isinstance(target, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in target.args)


def _target_name(target) -> str:
    if isinstance(target, sp.Indexed):
        return str(target.base.label)
    if isinstance(target, sp.Symbol):
        return target.name
    return target.func.__name__
