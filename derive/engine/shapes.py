"""The sizes of the vectors and matrices in a claim, found by unification.

Every array name gets two unknown sizes (rows, columns); a vector is a column (one column) unless
the document uses row vectors. Each operation ties sizes together: `A B` ties A's columns to B's
rows, `u + v` and `u \\odot v` tie both sizes, `x_j` ties the index j to x's rows, `\\sum_j` with
bound n ties j to n. What is left free gets small distinct sizes when the claim is instantiated.
A claim whose sizes cannot agree is refused with the reason, never refuted.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.limits import InputError

SCALAR = None


class ShapeError(InputError):
    """The sizes of a claim cannot agree."""


class Sizes:
    """Union-find over size variables; a class may be fixed to a whole number."""

    def __init__(self):
        self.parent: list[int] = []
        self.value: dict[int, int] = {}
        self.shapes: dict[str, tuple[int, int]] = {}    # array name -> (rows, columns)
        self.indices: dict[sp.Symbol, int] = {}         # index symbol -> its size variable
        self.bounds: dict[sp.Symbol, int] = {}          # size symbol (n in sum to n) -> variable
        self.names: dict[int, sp.Symbol] = {}            # class -> the size symbol it is named by
        # while a claim's own sides are shaped: a size the text names (n in W in R^{m x n}) is
        # never set to 1 just so that the claim fits (dL/dz a with a in R^n only fits for n = 1)
        self.claim = False

    def new(self, value: int | None = None) -> int:
        self.parent.append(len(self.parent))
        d = len(self.parent) - 1
        if value is not None:
            self.value[d] = value
        return d

    def find(self, d: int) -> int:
        while self.parent[d] != d:
            self.parent[d] = self.parent[self.parent[d]]
            d = self.parent[d]
        return d

    def known(self, d: int) -> int | None:
        return self.value.get(self.find(d))

    def union(self, a: int, b: int, why: str) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        va, vb = self.value.get(a), self.value.get(b)
        if va is not None and vb is not None and va != vb:
            raise ShapeError(f"the sizes do not match: {why} ({va} against {vb})")
        na, nb = self.names.get(a), self.names.get(b)
        if na is not None and nb is not None and na != nb:
            # two sizes the text names apart (N^m, N^{m-1}) are not made equal to fit the claim
            raise ShapeError(f"the sizes agree only when {na} = {nb}: {why}")
        if self.claim and (na is None) != (nb is None) and 1 in (va, vb) \
                and (va if na is not None else vb) is None:
            raise ShapeError(f"the sizes agree only when {na if na is not None else nb} = 1: {why}")
        self.parent[b] = a
        if va is None and vb is not None:
            self.value[a] = vb
        if na is None and nb is not None:
            self.names[a] = nb

    def index(self, symbol) -> int:
        if symbol not in self.indices:
            self.indices[symbol] = self.new()
        return self.indices[symbol]

    def bound(self, symbol) -> int:
        if symbol not in self.bounds:
            self.bounds[symbol] = self.new()
            self.names[self.bounds[symbol]] = symbol
        return self.bounds[symbol]


class Shaper:
    """Infers the shape of every subexpression: None for a number, (rows, columns) for an array."""

    def __init__(self, quantities: dict, declared: dict, row_vectors: bool = False,
                 denominator: bool = False):
        self.quantities = quantities
        self.denominator = denominator   # the text says: denominator layout
        self.declared = declared
        self.declared_sizes = {d for dims in declared.values() for d in dims
                               if isinstance(d, sp.Symbol)}
        self.row_vectors = row_vectors
        self.sizes = Sizes()
        self.by_letter: dict[int, str] = {}   # the column of a name read as a vector by its letter
        self.ranges: dict = {}   # an index a sum or product runs over -> its bounds as written

    def shape_of_name(self, name: str, rank: int | None = None) -> tuple[int, int]:
        s = self.sizes
        if name not in s.shapes:
            shape = (s.new(), s.new())
            declared = self.declared.get(name)
            if declared is not None:
                for d, size in zip(shape, declared):
                    self._tie(d, size, name)
            elif rank == 1 or (rank is None and self._vector_name(name)):
                s.union(shape[0 if self.row_vectors else 1], s.new(1), f"{name} is a vector")
                if rank is None and not self.row_vectors:   # by its lowercase letter alone
                    self.by_letter[shape[1]] = name
            s.shapes[name] = shape
        return s.shapes[name]

    def _tie(self, d: int, size, name: str) -> None:
        if isinstance(size, sp.Integer) or isinstance(size, int):
            self.sizes.union(d, self.sizes.new(int(size)), f"the size of {name}")
        else:
            self.sizes.union(d, self.sizes.bound(size), f"the size of {name}")

    def _vector_name(self, name: str) -> bool:
        q = self.quantities.get(name)
        letter = q.letter if q is not None else name
        return letter[:1].islower() or letter in ("delta", "Delta")

    def unify(self, a, b, why: str) -> None:
        if a is SCALAR and b is SCALAR:
            return
        if a is SCALAR or b is SCALAR:
            array = a if b is SCALAR else b
            for d in array:   # a number against an array: only a 1 x 1 array will do
                self.sizes.union(d, self.sizes.new(1), why)
            return
        self.sizes.union(a[0], b[0], why)
        self.sizes.union(a[1], b[1], why)

    def is_one_by_one(self, shape) -> bool:
        """A scalar, or a product of arrays known to be 1 x 1 (a^T x, x^T A x): a number."""
        return shape is SCALAR or (self.sizes.known(shape[0]) == 1 and self.sizes.known(shape[1]) == 1)

    def shape(self, e):
        """The shape of `e`, tying sizes on the way."""
        if isinstance(e, sp.Symbol):
            return SCALAR if e.is_commutative else self.shape_of_name(e.name)
        if isinstance(e, sp.Indexed):
            name = str(e.base.label)
            shape = self.shape_of_name(name, rank=len(e.indices))
            if len(e.indices) == 1:
                axes = [shape[1] if self.row_vectors else shape[0]]
                other = shape[0] if self.row_vectors else shape[1]
                self.sizes.union(other, self.sizes.new(1), f"{name} has one index")
            elif len(e.indices) == 2:
                axes = list(shape)
            else:
                raise ShapeError(f"{name} has {len(e.indices)} indices: only vectors and matrices")
            for axis, index in zip(axes, e.indices):
                for symbol in index.free_symbols:
                    self.sizes.union(axis, self.sizes.index(symbol), f"the index {symbol} of {name}")
            return SCALAR
        if isinstance(e, sp.KroneckerDelta):
            symbols = [a for a in e.args if isinstance(a, sp.Symbol)]
            if len(symbols) == 2:
                self.sizes.union(self.sizes.index(symbols[0]), self.sizes.index(symbols[1]),
                                 "the indices of Kronecker's delta")
            return SCALAR
        if isinstance(e, (sp.Sum, sp.Product)):
            for var, low, high in e.limits:
                if isinstance(high, A.IndexSize):
                    continue
                tied = isinstance(high, sp.Symbol) or (high.is_Integer and low == 1)
                if tied and self.ranges.setdefault(var, high) != high:
                    # \sum_{k=1}^{n} k = 5 + \prod_{k=1}^{3} 1: an index's range is its size,
                    # one for the letter, so n would be 3
                    raise ShapeError(f"the index {var} runs over two ranges: write another letter "
                                     "for one of them")
                if isinstance(high, sp.Symbol) and high in self.declared_sizes:
                    self.sizes.bound(high)   # a stated width: the sum runs to it, as written
                elif isinstance(high, sp.Symbol):
                    self.sizes.union(self.sizes.index(var), self.sizes.bound(high),
                                     f"the range of {var}")
                elif high.is_Integer and low == 1:
                    self.sizes.union(self.sizes.index(var), self.sizes.new(int(high)),
                                     f"the range of {var}")
            if self.shape(e.function) is not SCALAR:
                raise ShapeError("a sum of vectors over an index is not supported")
            return SCALAR
        if isinstance(e, sp.Add):
            shapes = [self.shape(a) for a in e.args]
            arrays = [s for s in shapes if s is not SCALAR]
            if not arrays:
                return SCALAR
            for s in shapes:
                self.unify(arrays[0], s, "the terms of a sum")
            return arrays[0]
        if isinstance(e, sp.Mul):
            return self.product([self.shape(a) for a in e.args])
        if isinstance(e, sp.Pow):
            if self.shape(e.base) is not SCALAR and not self.is_one_by_one(self.shape(e.base)):
                raise ShapeError("a power of a vector or matrix")
            self.shape(e.exp)
            return SCALAR
        if isinstance(e, A.Transposed):
            s = self.shape(e.args[0])
            return SCALAR if s is SCALAR else (s[1], s[0])
        if isinstance(e, A.Inverted):
            s = self.shape(e.args[0])
            self.sizes.union(s[0], s[1], "an inverse needs a square matrix")
            return s
        if isinstance(e, A.Hadamard):
            a, b = (self.shape(x) for x in e.args)
            self.unify(a, b, "an elementwise product")
            return a
        if isinstance(e, A.Outer):
            a, b = (self.shape(x) for x in e.args)
            if a is SCALAR or b is SCALAR:
                raise ShapeError("an outer product of numbers")
            self.sizes.union(a[1], self.sizes.new(1), "an outer product needs vectors")
            self.sizes.union(b[1], self.sizes.new(1), "an outer product needs vectors")
            return (a[0], b[0])
        if isinstance(e, A.CDot):
            a, b = (self.shape(x) for x in e.args)
            if a is not SCALAR and b is not SCALAR and self.sizes.known(a[1]) == 1 \
                    and self.sizes.known(b[1]) == 1:
                self.sizes.union(a[0], b[0], "a dot product")
                return SCALAR
            return self.product([a, b])
        if isinstance(e, (A.Map, A.Softmax)):
            inner = e.args[1] if isinstance(e, A.Map) else e.args[0]
            return self.shape(inner)
        if isinstance(e, A.Grad):
            f, x = (self.shape(a) for a in e.args)
            if self.denominator and f is not SCALAR and not self.is_one_by_one(f) \
                    and x is not SCALAR:
                # in a text that says it uses the denominator layout, the gradient of a vector
                # (A x, or the row x^T A) is its Jacobian in that layout, a column per entry of
                # f: grad_x A x = A^T, grad_x x^T A = A
                row = self.sizes.known(f[0]) == 1
                if not row:
                    self.sizes.union(f[1], self.sizes.new(1), "a gradient of a vector")
                self.sizes.union(x[1], self.sizes.new(1), "a gradient by a vector")
                return (x[0], f[1] if row else f[0])
            if f is not SCALAR and not self.is_one_by_one(f):
                self.unify(f, SCALAR, "a gradient is of a number")
            return x
        if isinstance(e, A.Jacobian):
            f, x = (self.shape(a) for a in e.args[:2])
            if f is SCALAR or x is SCALAR:
                raise ShapeError("a Jacobian of numbers")
            self.sizes.union(f[1], self.sizes.new(1), "a Jacobian of a vector")
            self.sizes.union(x[1], self.sizes.new(1), "a Jacobian by a vector")
            return (f[0], x[0]) if int(e.args[2]) == 0 else (x[0], f[0])
        if isinstance(e, A.MatrixLiteral):
            rows, cols = int(e.args[0]), int(e.args[1])
            for entry in e.args[2:]:
                if self.shape(entry) is not SCALAR:
                    raise ShapeError("a matrix of blocks")
            return (self.sizes.new(rows), self.sizes.new(cols))
        if isinstance(e, A.NormOf):
            self.shape(e.args[0])
            return SCALAR
        if isinstance(e, A.TraceOf):
            s = self.shape(e.args[0])
            self.sizes.union(s[0], s[1], "a trace needs a square matrix")
            return SCALAR
        if isinstance(e, A.Entry):
            s = self.shape(e.args[0])
            if s is SCALAR:
                raise ShapeError("an index on a number")
            axes = [s[0]] if len(e.args) == 2 else [s[0], s[1]]
            if len(e.args) == 2:
                self.sizes.union(s[1], self.sizes.new(1), "one index on a vector")
            for axis, index in zip(axes, e.args[1:]):
                for symbol in index.free_symbols:
                    self.sizes.union(axis, self.sizes.index(symbol), f"the index {symbol}")
            return SCALAR
        if isinstance(e, A.Partial):
            f, v = (self.shape(a) for a in e.args)
            if v is not SCALAR:
                raise ShapeError("a partial derivative by an array, not an entry of it")
            if f is not SCALAR and not all(self.sizes.known(d) == 1 for d in f):
                raise ShapeError("the derivative of a vector by a scalar entry: write it entry by "
                                 "entry")   # a 1 x 1 product (x^T A x) is a number
            return SCALAR
        if isinstance(e, sp.Derivative):
            for variable in e.variables:   # d/dW_ij: i and j index W, like any entry
                self.shape(variable)
            return self.shape(e.expr)
        if isinstance(e, sp.Subs):
            return self.shape(e.args[0])
        if isinstance(e, (sp.Piecewise, AppliedUndef, sp.Function, sp.core.relational.Relational,
                          sp.logic.boolalg.BooleanFunction)):
            for a in e.args:
                if isinstance(a, sp.Basic) and not self.is_one_by_one(self.shape(a)):
                    raise ShapeError(f"{type(e).__name__} of a vector: write it entry by entry")
            return SCALAR
        for a in e.args:
            if isinstance(a, sp.Basic):
                self.shape(a)
        return SCALAR

    def _not_a_vector_by_its_letter(self, left, right) -> None:
        """`w a`, with w read as a column vector by its lowercase letter alone, fits only when a
        has one row: every size would be 1, where a missing transpose cannot show. Nielsen's
        w^l is a matrix: refused, with the way to say so."""
        rows = self.sizes.find(right[0])
        if self.sizes.value.get(rows) is not None or rows in self.sizes.names:
            return   # x y^T: a row on the right, an outer product; or a size the text names
        for column, name in self.by_letter.items():
            if self.sizes.find(column) == self.sizes.find(left[1]):
                raise ShapeError(f"{name}, written in lowercase, is read as a vector, and a "
                                 "vector times a vector fits only when the second has one entry: "
                                 f"if {name} is a matrix, declare its size (as in w^{{l}} \\in "
                                 "\\mathbb{R}^{m \\times n}) or write it in uppercase")

    def product(self, shapes: list):
        """A product's shape: numbers commute out; arrays multiply in order (a 1 x 1 array is a
        number)."""
        result = SCALAR
        for s in shapes:
            if s is SCALAR or self.is_one_by_one(s):
                continue
            if result is SCALAR or self.is_one_by_one(result):
                result = s
                continue
            self._not_a_vector_by_its_letter(result, s)
            self.sizes.union(result[1], s[0], "a matrix product (columns of the left factor "
                                              "against rows of the right)")
            result = (result[0], s[1])
        return result
