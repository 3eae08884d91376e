"""The vocabulary of vectors, matrices, indices and layer labels that the LaTeX reader builds.

A name that stands for a vector or matrix is a non-commutative `sp.Symbol`, so products keep their
order; the operations on such names are the unevaluated functions below, given a meaning only when
`engine.instances` fixes the sizes (no shape is known while reading: `W a` is a matrix product only
once W and a have sizes). A derivative by an entry or an array is a `Partial`, evaluated there too.

Every name the reader makes is described by a `Quantity` (its letter, font, layer label and whether
it is an array), so the checker never parses a symbol's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

import derive.text.subs  # noqa: F401 - SymPy's Subs compared by what it states

GREEK_LETTERS = frozenset(
    ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "
     "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega ell").split())
# the letters a layer label is written with; a label in them is a schema over every layer
LABEL_VARIABLES = {name: sp.Symbol(name, integer=True) for name in ("l", "L", "m")}


@dataclass(frozen=True)
class Quantity:
    """A name as the document writes it: `\\mathbf{W}^{(1)}`, `a^{l-1}`, `x`.

    `label` is the layer label (an integer, or an expression in the label variables l, L, m) and
    `style` how it was bracketed ('' for a^l, '[]' for a^{[l]}, '()' for a^{(l)}); `array` is True
    for vectors and matrices (entries of an array are `sp.Indexed` of its `name`)."""

    name: str
    letter: str
    font: str = ""
    label: sp.Expr | None = None
    style: str = ""
    array: bool = False
    subscript: str = ""   # part of the name: w^{(2)}_{11} and w^{(2)}_{21} are two quantities

    @property
    def schema(self) -> bool:
        """True when the label is a variable (a^l holds for every layer l)."""
        return self.label is not None and bool(self.label.free_symbols)

    def at_layer(self, values: dict) -> str:
        """The name of this quantity in one concrete layer (a^{l-1} at l = 2 is a^{1})."""
        if self.label is None:
            return self.name
        label = self.label.xreplace(values)
        return display_name(self.letter, self.font, label, self.style, self.subscript)


def display_name(letter: str, font: str, label=None, style: str = "", subscript: str = "") -> str:
    """The name as LaTeX writes it: `\\mathbf{W}^{(1)}`, `a^{l-1}`, `C_{MSE}`."""
    if font == "mathbf":
        font = ""   # bold only says "vector": \mathbf{y} and its entries y_k are one quantity
    if letter in GREEK_LETTERS and (font or label is not None):
        letter = f"\\{letter}"   # a composite name is LaTeX: \delta^{l}; a lone delta is a Symbol
    base = f"\\{font}{{{letter}}}" if font else letter
    if subscript:
        base += f"_{subscript}" if len(subscript) == 1 or not (font or label is not None) \
            else f"_{{{subscript}}}"
    if label is None:
        return base
    text = sp.sstr(label).replace(" ", "")
    if len(style) == 2:   # [l], (l); the style of x^* is the star itself
        text = style[0] + text + style[1]
    return f"{base}^{{{text}}}"


def array_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, commutative=False)


def is_array(expr) -> bool:
    """True when `expr` is (or contains, outside a scalar-valued operation) a vector or matrix."""
    if isinstance(expr, ScalarOf):
        return False
    if isinstance(expr, sp.Symbol):
        return not expr.is_commutative
    if isinstance(expr, ArrayOp):
        return True
    if isinstance(expr, (sp.Indexed, sp.Derivative)):
        return False
    if isinstance(expr, (sp.Sum, sp.Product)):
        return is_array(expr.function)
    return any(is_array(a) for a in expr.args if isinstance(a, sp.Basic))


def row_times(expr) -> bool:
    """A product that starts with a transposed array (a^T x, x^T A x): a number where its sizes
    make it 1 x 1, which the shapes check says (`engine.shapes`)."""
    factors = [f for f in expr.args if not f.is_commutative] if isinstance(expr, sp.Mul) else []
    return len(factors) >= 2 and isinstance(factors[0], Transposed)


def has_arrays(expr) -> bool:
    """True when anything in `expr` needs concrete sizes: arrays, entries, labels, Partials."""
    return bool(expr.atoms(sp.Indexed, ArrayOp, ScalarOf)) or any(
        not s.is_commutative for s in expr.atoms(sp.Symbol))


class _Printed:
    """LaTeX of an operation from its `_tex`; SymPy asks for a power of a function by passing
    `exp` (phi(x)^{-1} in a fraction's denominator), which wraps the whole operation."""

    def _latex(self, printer, exp=None):
        if not hasattr(self, "_tex"):
            return printer._print_Function(self, exp=exp)
        body = self._tex(printer)
        return body if exp is None else f"\\left({body}\\right)^{{{exp}}}"


class ArrayOp(_Printed, sp.Function):
    """An operation whose value is a vector or matrix."""

    is_commutative = False


class Transposed(ArrayOp):
    nargs = 1

    def _tex(self, printer):
        return f"{_wrapped(printer, self.args[0])}^{{\\top}}"


class Hadamard(ArrayOp):
    """Elementwise product, `\\odot` or `\\circ`."""

    nargs = 2

    def _tex(self, printer):
        return " \\odot ".join(_wrapped(printer, a) for a in self.args)


class Outer(ArrayOp):
    """`u \\otimes v` for vectors: u v^T."""

    nargs = 2

    def _tex(self, printer):
        return " \\otimes ".join(_wrapped(printer, a) for a in self.args)


class CDot(ArrayOp):
    """`u \\cdot v`: the dot product when both are vectors of one size, else a matrix product."""

    nargs = 2

    def _tex(self, printer):
        return " \\cdot ".join(_wrapped(printer, a) for a in self.args)


class Map(ArrayOp):
    """A scalar function applied entry by entry: Map(name, x, order) is the order-th derivative of
    the function `name` (a vocabulary name or an unknown function) at each entry of x."""

    nargs = 3

    def _tex(self, printer):
        name, arg, order = self.args
        named = {"sigmoid": "\\sigma", "relu": "\\operatorname{ReLU}"}
        head = named.get(str(name)) or (f"\\{name}" if str(name) in ("tanh", "exp", "log", "sin",
                                                                      "cos")
                                        else printer._print(name))
        return f"{head}{chr(39) * int(order)}\\left({printer._print(arg)}\\right)"

    def _sympystr(self, printer):
        name, arg, order = self.args
        head = f"{name}{chr(39) * int(order)}"
        return f"{head}({printer._print(arg)})"


class Grad(ArrayOp):
    """The gradient of a scalar f with respect to an array X, laid out like X (`\\nabla_X f`,
    `\\partial f / \\partial W`)."""

    nargs = 2

    def _tex(self, printer):
        return f"\\nabla_{{{printer._print(self.args[1])}}} {_wrapped(printer, self.args[0])}"

    def _sympystr(self, printer):
        return f"grad({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class Jacobian(ArrayOp):
    """d F / d X for arrays F and X: entry (i, j) is dF_i/dX_j (numerator layout, layout 0) or
    its transpose (denominator layout, layout 1)."""

    nargs = 3


class Softmax(ArrayOp):
    nargs = 1

    def _tex(self, printer):
        return f"\\operatorname{{softmax}}\\left({printer._print(self.args[0])}\\right)"


class MatrixLiteral(ArrayOp):
    """`\\begin{pmatrix} ... \\end{pmatrix}`: MatrixLiteral(rows, columns, *entries)."""


class Inverted(ArrayOp):
    nargs = 1

    def _tex(self, printer):
        return f"{_wrapped(printer, self.args[0])}^{{-1}}"


class ScalarOf(_Printed, sp.Function):
    """An operation on arrays whose value is a scalar."""

    is_real = True


class NormOf(ScalarOf):
    """The Euclidean (Frobenius) norm."""

    nargs = 1
    is_nonnegative = True

    def _tex(self, printer):
        return f"\\left\\|{printer._print(self.args[0])}\\right\\|"

    def _sympystr(self, printer):
        return f"norm({printer._print(self.args[0])})"


class TraceOf(ScalarOf):
    nargs = 1

    def _tex(self, printer):
        return f"\\operatorname{{tr}}\\left({printer._print(self.args[0])}\\right)"


class Entry(ScalarOf):
    """Entry(X, i) or Entry(X, i, j): an entry of an array expression, `softmax(z)_i`."""

    def _tex(self, printer):
        index = ",".join(printer._print(a) for a in self.args[1:])
        return f"\\left({printer._print(self.args[0])}\\right)_{{{index}}}"


class Partial(ScalarOf):
    """d F / d V for a scalar F and an entry V of an array (`\\partial C / \\partial W_{jk}`)."""

    nargs = 2

    def _tex(self, printer):
        f, v = (printer._print(a) for a in self.args)
        return f"\\frac{{\\partial {f}}}{{\\partial {v}}}"

    def _sympystr(self, printer):
        return f"diff({printer._print(self.args[0])}, {printer._print(self.args[1])})"


class IndexSize(sp.Symbol):
    """The unstated number of values of an index, as in `\\sum_k` with no bounds."""


def index_size(index: sp.Symbol) -> IndexSize:
    return IndexSize(f"|{index}|", integer=True, positive=True)


def _wrapped(printer, expr) -> str:
    text = printer._print(expr)
    return text if isinstance(expr, (sp.Symbol, sp.Indexed)) else f"\\left({text}\\right)"
