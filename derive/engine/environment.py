"""Explicit values of the names of one instance of a claim (`engine.instances`): an array of
independent numbers, a definition evaluated, an unknown function replaced by a concrete stand-in,
and derivatives as the chain rule's notation means them (by a defined quantity: that quantity held
free). Symbolic without a sample; at a sample, numbers at `DIGITS` digits, with derivatives as
central differences of step 10^-STEP and the stand-ins compiled once and run in mpmath.
"""

from __future__ import annotations

import functools
import random
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import BooleanAtom

from derive.engine import values as V
from derive.engine.evaluate import relu_convention
from derive.engine.kinks import KINKED, Signs, crossing_values, crossings, curved_kink_at
from derive.engine.missing_limits import one_sided_slopes
from derive.engine.sampled import evaluator
from derive.engine.search import sample_values
from derive.engine.shapes import ShapeError
from derive.text import arrays as A
from derive.text.builder import FUNCTIONS
from derive.text.limits import LIMITS

DIGITS = 120                    # working precision of a sampled evaluation
STEP = 30                       # derivatives at a sample: central differences with step 10^-STEP
POSITIVE = 1000                 # samples numbered from here draw every free value positive
MEMO = 100_000                  # values kept per compiled function at a sample
_COMPILED: dict = {}            # (function, arity, order, sample, digits) -> compiled stand-in
# functions SymPy evaluates exactly as it builds them (x! at 10^99 never returns): those the
# reader already bounds in what it reads
COMBINATORIAL = tuple(make for _, _, make, bounded in FUNCTIONS.values() if bounded)


def names_in(expr) -> frozenset[str]:
    """The names `expr` uses (symbols, and arrays by their entries); the same expressions are
    asked about again and again while a document is read: kept."""
    try:
        return _names_in(expr)
    except TypeError:   # unhashable (a mutable matrix)
        return _names_in.__wrapped__(expr)


@functools.lru_cache(maxsize=8192)
def _names_in(expr) -> frozenset[str]:
    return frozenset({s.name for s in expr.atoms(sp.Symbol) if not isinstance(s, A.IndexSize)} | {
        i.base.label.name for i in expr.atoms(sp.Indexed)})


def target_name(target) -> str:
    if isinstance(target, sp.Indexed):
        return target.base.label.name
    return target.name


def closure(start, graph: dict) -> set:
    """`start` and everything reachable from it in `graph` (name -> names)."""
    found, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(graph.get(name, ()))
    return found


def _diff(value, *variables):
    """`sp.diff`, with the convention at a kink of max or min (`engine.evaluate`)."""
    return relu_convention(sp.diff(value, *variables), value)


def _exact(point) -> bool:
    """Whether `point` is an exact real number (0, pi, sqrt(2)), not a sample's Float."""
    return point.is_number and point.is_real and not point.has(sp.Float)


def _no_curved_kink_at(body, variable, point, name: str) -> None:
    """Raises ShapeError where the function `name` (`body` in `variable`) has a kink of max or min
    along a curve at an exact `point` (max(0, x^3 - x) at 0) and the slopes on its two sides
    differ: the convention of the slope on the left is for the activations' linear kinks."""
    if _exact(point) and curved_kink_at(body, variable, point):
        slopes = one_sided_slopes(body, variable, point)
        if slopes is not None:
            raise ShapeError(f"the derivative of {name} at {point} does not exist (a kink): from "
                             f"the left it is {slopes[0]}, from the right {slopes[1]}")


def _no_kink_at(derivative, variable, point, what: str = "") -> None:
    """Raises ShapeError where `derivative` (of a function of `variable`) is taken at an exact
    `point` (0, pi, sqrt(2): not at a sample) on a kink of |.| (a sign there) and its limits
    from the two sides differ: the derivative of |x| at 0 does not exist (SymPy's sign(0) = 0 is
    no slope)."""
    if not isinstance(derivative, sp.Expr) or not _exact(point) or not any(
            sp.simplify(s.args[0].xreplace({variable: point})) == 0
            for s in derivative.atoms(sp.sign)):
        return
    try:
        left, right = (sp.limit(derivative, variable, point, side) for side in ("-", "+"))
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        return
    if left.is_number and right.is_number and (left - right).is_zero is False:
        what = what or f"by {variable} at {variable} = {point}"
        raise ShapeError(f"the derivative {what} does not exist (a kink): from the left it is "
                         f"{left}, from the right {right}")


def owner(variable) -> str | None:
    if isinstance(variable, sp.Indexed):
        return variable.base.label.name
    if isinstance(variable, sp.Symbol):
        return variable.name
    return None


class Environment:
    """Explicit values of every name in one instance.

    Symbolic (no `sample`): independent names are matrices of real symbols and unknown functions
    stay unknown. Sampled: independent names take random exact values and unknown functions are
    replaced by concrete ones (family `sample`); only the variables of the derivatives being taken
    (`symbolic`) stay symbols. `free` maps a defined name to fresh variables while something is
    differentiated by it, as the chain rule's notation means."""

    def __init__(self, instance, sample: int | None = None, assumptions=None,
                 symbolic: frozenset = frozenset(), free: dict | None = None, root=None,
                 digits: int = DIGITS):
        self.instance = instance
        self.sample = sample
        self.digits = digits
        self.assumptions = assumptions
        self.symbolic = symbolic
        self.free = free or {}
        self.root = root or self
        self.cache: dict = {}
        # (the environment this one is a child of, the names whose values differ there): a value
        # found here for any other name is that environment's too (`_lend`)
        self.lender: tuple | None = None
        if root is None:
            self.named_symbols: dict | None = None   # the claim's own symbols, by name
            self.points: dict = {}
            self.constrained: dict = {}   # an entry set by a constraint -> its value there
            self.used_functions: dict = {}
            self.arrays: dict = {}      # independent arrays at the sample, built once
            self.kinks = Signs()        # the sides of their kinks the arguments fell on
        self.definitions = {}
        for target, value in instance.definitions:
            self.definitions.setdefault(target_name(target), []).append((target, value))

    def child(self, symbolic=frozenset(), free=None) -> "Environment":
        """An environment where `free` names take other values (or `symbolic` entries are
        variables); what does not depend on them keeps this environment's values."""
        env = Environment(self.instance, self.sample, self.assumptions,
                          self.symbolic | symbolic, {**self.free, **(free or {})}, self.root,
                          self.digits)
        if not symbolic:
            changed = self.root.dependents(set(free or ()))
            env.cache = self._kept(changed)
            env.lender = (self, changed)
        return env

    def _kept(self, changed: set) -> dict:
        """The values known here that do not depend on the names `changed`."""
        return {k: v for k, v in self.cache.items() if self._unchanged(k, changed)}

    def _unchanged(self, key, changed: set) -> bool:
        """Whether the value kept under `key` (a name's, or a derivative's by its expression)
        does not depend on the names `changed`: no name it is written with, or reads through the
        document's functions, has changed."""
        return key not in changed if isinstance(key, str) else changed.isdisjoint(self._uses(key))

    def _lend(self, key, value) -> None:
        """A value found here that does not depend on what this child changed is the same in the
        environment it is a child of, and so on up: kept there too, so that the next child (the
        other side of a central difference, the next entry moved) does not find it again."""
        env = self
        while env.lender is not None and env._unchanged(key, env.lender[1]):
            env = env.lender[0]
            env.cache.setdefault(key, value)

    def _uses(self, e) -> frozenset:
        """The names `e` is written with, and those in the formulas of the document's functions
        it applies (the names those are computed from are in `dependents`)."""
        known = self.root.__dict__.setdefault("_uses_of", {})
        if e not in known:
            names, seen = set(names_in(e)), set()
            todo = [f.func.__name__ for f in e.atoms(AppliedUndef)]
            while todo:
                name = todo.pop()
                if name in self.instance.functions and name not in seen:
                    seen.add(name)
                    function = self.instance.functions[name]
                    names |= names_in(function.expr)
                    todo.extend(_functions_called(function))
            known[e] = frozenset(names)
        return known[e]

    def dependents(self, names: set) -> set:
        """`names` and every name computed from them (through the definitions and the cost)."""
        graph = self.__dict__.setdefault("_users", None)
        if graph is None:
            graph = {}
            # a name used through a function's formula (w in f(t) = w t^2, y = f(x)) counts
            for used, user in [(u, target_name(t)) for t, v in self.instance.definitions
                               for u in self._uses(v)] + \
                    [(u, self.instance.cost[0]) for u in (self.instance.cost[1]
                                                           if self.instance.cost else ())]:
                graph.setdefault(used, set()).add(user)
            self._users = graph
        return closure(names, graph)

    # -- the sample ------------------------------------------------------------------------------
    def number(self, symbol: sp.Symbol):
        """The sampled value of an independent symbol (the symbol itself while it is a variable
        of a derivative, or when nothing is sampled)."""
        if self.sample is None or symbol.name in self.symbolic:
            return symbol
        points = self.root.points
        if symbol not in points:
            points[symbol] = _sample_value(symbol, self.sample, self.assumptions)
        return sp.Float(points[symbol], self.digits)

    def point_names(self) -> dict:
        """The point, by name: each entry a constraint sets (sum_k y_k = 1) with its value."""
        points = {**self.root.points, **self.root.constrained}
        return {str(k): v for k, v in sorted(points.items(), key=lambda kv: str(kv[0]))}

    def functions_used(self) -> dict:
        return dict(self.root.used_functions)

    def function(self, name: str, arity: int):
        """The unknown function `name`: itself, or its concrete stand-in in this sample."""
        if self.sample is None:
            return sp.Function(name, real=True)
        used = self.root.used_functions
        if name not in used:
            used[name] = _stand_in(name, arity, self.sample)
        elif len(used[name].variables) != arity:   # C(w) here, C of the entries z_i there
            raise ShapeError(f"{name} is a function of {len(used[name].variables)} and of "
                             f"{arity} arguments: how it depends on them is not stated")
        return used[name]

    def constant(self, c):
        return sp.Float(c, self.digits) if self.sample is not None and c.is_Rational else c

    # -- names ----------------------------------------------------------------------------------
    def independent(self, name: str):
        if self.sample is not None and not self.symbolic:
            arrays = self.root.arrays
            if name not in arrays:
                arrays[name] = self._independent(name)
            return arrays[name]
        return self._independent(name)

    def _independent(self, name: str):
        if name in self.instance.shapes:
            rows, cols = self.instance.shapes[name]
            symbols = _entry_symbols(name, (rows, cols))
            value = sp.Matrix(rows, cols, [self.number(s) for s in symbols])
            for constrained, total in self.instance.constraints:
                if constrained == name and cols == 1:   # the entries sum to the total
                    value[rows - 1] = V.scalar(self.evaluated(total)) - sum(value[:rows - 1])
                    self.root.constrained[symbols[rows - 1]] = sp.nsimplify(
                        sp.N(value[rows - 1], 15), rational=True)
            return value
        return self.number(self.symbol(name))

    def symbol(self, name: str) -> sp.Symbol:
        """The symbol of an independent scalar `name`: the claim's own (z > 0 read into the
        claim makes its z positive: a real z would be another symbol, never differentiated),
        else one with the assumptions."""
        root = self.root
        if root.named_symbols is None:
            root.named_symbols = _symbols_of(self.instance)
        found = root.named_symbols.get(name)
        if found is not None:
            return found
        return self.assumptions.symbol(name) if self.assumptions is not None \
            else sp.Symbol(name, real=True)

    def name_value(self, name: str):
        if name in self.free:
            return self.free[name]
        if name in self.cache:
            return self.cache[name]
        if name in self.definitions:
            value = self._defined(name)
        elif self.instance.cost and name == self.instance.cost[0]:
            inputs = []
            for array in self.instance.cost[1]:
                v = self.name_value(array)
                inputs.extend(list(v) if isinstance(v, sp.MatrixBase) else [v])
            if self.sample is not None and all(isinstance(v, sp.Float) for v in inputs):
                value = self.compiled(name, len(inputs))(*inputs)
            else:
                value = self.function(name, len(inputs))(*inputs)
        else:
            value = self.independent(name)
        self.cache[name] = value
        self._lend(name, value)
        return value

    def _defined(self, name: str):
        rows, cols = self.instance.shapes.get(name, (1, 1))
        entries = {}
        whole = None
        for target, value in self.definitions[name]:
            if isinstance(target, sp.Indexed):
                for r in range(rows):
                    for c in range(cols):
                        idx = (r + 1,) if len(target.indices) == 1 else (r + 1, c + 1)
                        binding = _bind(target.indices, idx)
                        if binding is None:
                            continue
                        entries[(r, c)] = self.value(value, {**self._claim_indices(), **binding})
            else:
                whole = self.value(value, self._claim_indices())
        if whole is not None:
            return whole
        if name in self.instance.shapes:
            return sp.Matrix(rows, cols, [
                entries[(r, c)] if (r, c) in entries
                else self.number(sp.Symbol(f"{name}[{r + 1},{c + 1}]", real=True))
                for r in range(rows) for c in range(cols)])
        raise ShapeError(f"cannot use the definition of {name}")

    # -- expressions ----------------------------------------------------------------------------
    def value(self, e, indices: dict):
        """The explicit value of `e` (a number-valued expression or a Matrix) at the values of
        its free indices, by `e` made once into Python functions (`engine.sampled`): the value
        `evaluated` gives `e` with the indices written in."""
        return evaluator(e)(self, {k: sp.Integer(v) for k, v in indices.items()})

    def claim_value(self, e, indices: dict):
        """A side of the claim at the given values of its free indices; a definition that uses
        one of them (L = -log p_k, with the claim's k) takes the same value."""
        if indices != self.root.__dict__.get("claim_indices"):
            stale = self.dependents(self._index_users())
            self.cache = self._kept(stale)
            self.root.claim_indices = dict(indices)
        return self.value(e, indices)

    def _claim_indices(self) -> dict:
        return self.root.__dict__.get("claim_indices") or {}

    def _index_users(self) -> set:
        """Names whose definitions use a free index of the claim (not one of their own)."""
        root = self.root
        if "_users_of_indices" not in root.__dict__:
            root._users_of_indices = {
                target_name(t) for t, v in self.instance.definitions
                if any(s.is_integer and "@" not in s.name and not isinstance(s, A.IndexSize)
                       for s in v.free_symbols if isinstance(s, sp.Symbol))}
        return root._users_of_indices

    def evaluated(self, e):
        """The explicit value of `e`, its free indices already written in."""
        if isinstance(e, A.IndexSize):
            if e not in self.instance.sizes_of:   # never a guess: a sum cut short is wrong
                raise ShapeError(f"the range of {str(e)[1:-1]} is not known")
            return sp.Integer(self.instance.sizes_of[e])
        if isinstance(e, sp.Symbol):
            if e in self.instance.sizes_of:
                return sp.Integer(self.instance.sizes_of[e])
            if e.is_commutative and not self._known_name(e.name):
                return e if isinstance(e, sp.Dummy) or e.is_integer else self.number(e)
            return self.name_value(e.name)
        if isinstance(e, sp.Indexed):
            base = self.name_value(e.base.label.name)
            return base[V.position(base, e)]
        if isinstance(e, (sp.Number, sp.NumberSymbol, BooleanAtom)):
            return e
        if isinstance(e, (sp.Sum, sp.Product)):
            return evaluator(e)(self, {})
        if isinstance(e, sp.Add):
            return V.add([self.evaluated(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return V.multiply([self.evaluated(a) for a in e.args])
        if isinstance(e, sp.Pow):
            return V.scalar(self.evaluated(e.base)) ** V.scalar(self.evaluated(e.exp))
        if isinstance(e, (A.Grad, A.Partial, A.Jacobian)):
            if e not in self.cache:
                self.cache[e] = self._array_op(e)
                self._lend(e, self.cache[e])
            return self.cache[e]
        if isinstance(e, (A.ArrayOp, A.ScalarOf)):
            return self._array_op(e)
        if isinstance(e, sp.Derivative):
            return self._derivative(e)
        if isinstance(e, sp.Limit):   # its variable is its own, whatever value the name has
            expr, variable, point, side = e.args
            inner = self.child(free={variable.name: variable}).evaluated(expr) \
                if isinstance(variable, sp.Symbol) else self.evaluated(expr)
            return sp.Limit(V.scalar(inner), variable, V.scalar(self.evaluated(point)),
                            dir=str(side))
        if isinstance(e, sp.Subs):
            inner = self.evaluated(e.expr)
            points = [V.scalar(self.evaluated(p)) for p in e.point]
            if isinstance(e.expr, sp.Derivative) and len(points) == 1:
                function = e.expr.expr
                _no_kink_at(inner, e.variables[0], points[0],
                            f"of {function.func.__name__} at {points[0]}"
                            if isinstance(function, AppliedUndef) else "")
                defined = self.instance.functions.get(function.func.__name__) \
                    if isinstance(function, AppliedUndef) else None
                if defined is not None and len(defined.variables) == 1:   # f'(0), f = max(...)
                    _no_curved_kink_at(defined.expr, defined.variables[0], points[0],
                                       function.func.__name__)
            return V.apply(inner, lambda x: x.subs(dict(zip(e.variables, points)),
                                                   simultaneous=True).doit())
        if isinstance(e, AppliedUndef):
            return self.applied_undefined(e, [V.scalar(self.evaluated(a)) for a in e.args])
        if isinstance(e, sp.Piecewise):
            if self.sample is not None:
                self.meet_kinks(e, [V.scalar(self.evaluated(c)) for c in crossings(e)])
            return sp.Piecewise(*[(V.scalar(self.evaluated(v)), self.evaluated(c))
                                  for v, c in e.args])
        if isinstance(e, (sp.Function, sp.core.relational.Relational,
                          sp.logic.boolalg.BooleanFunction)):
            args = [V.scalar(self.evaluated(a)) for a in e.args]
            if isinstance(e, KINKED) and self.sample is not None:
                self.meet_kinks(e, crossing_values(e, args))
            return e.func(*args)
        if not e.args:
            return e
        args = [self.evaluated(a) for a in e.args]
        if isinstance(e, KINKED) and self.sample is not None:   # max and min
            self.meet_kinks(e, crossing_values(e, [V.scalar(a) for a in args]))
        return e.func(*args)

    def meet_kinks(self, site, values) -> None:
        """At a sample: the arguments `values` of the kinks met at `site` (`engine.kinks`)."""
        if self.sample is not None:
            self.root.kinks.meet(site, values)

    def applied_undefined(self, e, args: list, site=None):
        """The unknown function applied in `e` at the values `args` of its arguments: the
        document's definition of it, or a stand-in. `site`: where it is applied, for the kinks
        of its formula (`e` itself when its indices are written in)."""
        name = e.func.__name__
        if name in self.definitions and name not in self.instance.functions:
            # f = u^2 (a quantity), then f'(x): no function f is defined to stand in for
            raise ShapeError(f"{name} is defined as a quantity and used as a function "
                             f"{name}(...)")
        if name in self.instance.functions:
            function = self.instance.functions[name]
            value = _applied(name, function, args)
            site = e if site is None else site
            with self.root.kinks.within(site):
                if self.sample is not None and crossings(function.expr):
                    at = dict(zip(function.variables, args))
                    self.meet_kinks(site, [V.scalar(self.evaluated(c.xreplace(at)))
                                           for c in crossings(function.expr)])
                # f(x) = g(x) k(h(x)) with k defined too: k's definition inside f's formula;
                # and f(t) = w t^2: the value of w
                uses = _functions_called(function) & set(self.instance.functions)
                return self.evaluated(value) if uses or _names_besides(function) else value
        if self.sample is not None and all(isinstance(a, sp.Float) for a in args):
            return self.compiled(name, len(args))(*args)
        return self.function(name, len(args))(*args)

    def _known_name(self, name: str) -> bool:
        return name in self.definitions or name in self.free or name in self.instance.shapes or (
            bool(self.instance.cost) and name == self.instance.cost[0])

    def _array_op(self, e):
        if isinstance(e, A.Transposed):
            v = self.evaluated(e.args[0])
            return v.T if isinstance(v, sp.MatrixBase) else v
        if isinstance(e, A.Inverted):
            return V.matrix(self.evaluated(e.args[0])).inv()
        if isinstance(e, A.Hadamard):
            a, b = (self.evaluated(x) for x in e.args)
            if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
                if a.shape != b.shape:
                    raise ShapeError(f"an elementwise product of {a.shape} and {b.shape}")
                return a.multiply_elementwise(b)
            return V.multiply([a, b])
        if isinstance(e, A.Outer):
            a, b = (V.matrix(self.evaluated(x)) for x in e.args)
            return a * b.T
        if isinstance(e, A.CDot):
            a, b = (self.evaluated(x) for x in e.args)
            if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) \
                    and a.cols == 1 and b.cols == 1 and a.rows == b.rows:
                return (a.T * b)[0, 0]
            return V.multiply([a, b])
        if isinstance(e, A.Map):
            name, arg, order = e.args
            value = self.evaluated(arg)
            if not isinstance(value, sp.MatrixBase):
                return self._function(str(name), value, int(order), (e, 0))
            return sp.Matrix(value.rows, value.cols, [
                self._function(str(name), x, int(order), (e, k)) for k, x in enumerate(value)])
        if isinstance(e, A.Softmax):
            exps = V.matrix(self.evaluated(e.args[0])).applyfunc(sp.exp)
            total = sum(exps)
            return exps.applyfunc(lambda t: t / total)
        if isinstance(e, A.MatrixLiteral):
            rows, cols = int(e.args[0]), int(e.args[1])
            return sp.Matrix(rows, cols, [V.scalar(self.evaluated(x)) for x in e.args[2:]])
        if isinstance(e, A.NormOf):
            v = self.evaluated(e.args[0])
            if isinstance(v, sp.MatrixBase):
                return sp.sqrt(sum(x**2 for x in v))
            return sp.Abs(v)
        if isinstance(e, A.TraceOf):
            return V.matrix(self.evaluated(e.args[0])).trace()
        if isinstance(e, A.Entry):
            v = V.matrix(self.evaluated(e.args[0]))
            return v[V.position(v, sp.IndexedBase("entry")[tuple(V.scalar(self.evaluated(i))
                                                                 for i in e.args[1:])])]
        if isinstance(e, A.Grad):
            value = _scalar_or_matrix(self.evaluated(e.args[0]))
            if isinstance(value, sp.MatrixBase) and value.shape != (1, 1):
                return self._jacobian(e.args[0], e.args[1]).T   # of a vector: see Shaper.shape
            return self._differentiate(e.args[0], e.args[1])
        if isinstance(e, A.Partial):
            return self._differentiate(e.args[0], e.args[1])
        if isinstance(e, A.Jacobian):
            f, x, layout = e.args
            jac = self._jacobian(f, x)
            return jac if int(layout) == 0 else jac.T
        raise ShapeError(f"cannot evaluate {type(e).__name__}")

    def _function(self, name: str, x, order: int, site=None):
        """The `order`-th derivative of the scalar function `name` at `x`, the entry `site` of an
        array it is applied to (where the kinks of its formula are met)."""
        if self.sample is not None and isinstance(x, sp.Float) \
                and name not in self.instance.functions:
            # a vocabulary function or a stand-in, at a number: compiled once, run in mpmath
            if name in FUNCTIONS:
                self.meet_kinks(site, [c.xreplace({_T: x}) for c in _vocabulary_crossings(name)])
            return self.compiled(name, 1, order)(x)
        t = sp.Dummy("t", real=True)
        if name in self.instance.functions:
            body = V.scalar(self.evaluated(_applied(name, self.instance.functions[name], [t])))
        elif name in FUNCTIONS:
            body = FUNCTIONS[name][2](t)
        else:
            body = self.function(name, 1)(t)
        if self.sample is not None:
            self.meet_kinks(site, [c.xreplace({t: x}) for c in crossings(body)])
        if order == 0:
            return body.xreplace({t: x})
        if order == 1:
            _no_curved_kink_at(body, t, x, name)
        derivative = _diff(body, t, order)
        _no_kink_at(derivative, t, x, f"of {name} at {x}")
        return derivative.subs(t, x)

    def compiled(self, name: str, arity: int, order: int = 0):
        """A function of the program's own making (a stand-in or the vocabulary's), as a Python
        function of `digits`-digit numbers."""
        key = (name, arity, order, self.sample, self.digits)
        cache = _COMPILED
        if name not in FUNCTIONS:
            self.function(name, arity)   # recorded, for a counterexample to show
        if key not in cache:
            t = sp.symbols(f"t1:{arity + 1}", real=True)
            body = FUNCTIONS[name][2](t[0]) if name in FUNCTIONS else self.function(name, arity)(*t)
            if order:
                body = sp.diff(body, t[0], order)
            cache[key] = _mpmath_function(t, body, self.digits)
        return cache[key]

    # -- derivatives ----------------------------------------------------------------------------
    def _variable(self, v):
        """(environment in which v is a variable, that variable, the values to put back)."""
        name = owner(v)
        if name is None:
            raise ShapeError(f"cannot differentiate by {v}")
        defined = name in self.definitions or name in self.free or (
            self.instance.cost and name == self.instance.cost[0])
        if not defined:
            shape = self.instance.shapes.get(name)
            symbols = [self.symbol(name)] if shape is None else _entry_symbols(name, shape)
            env = self.child(symbolic=frozenset(str(s) for s in symbols))
            variable = env.independent(name)
            back = {s: self.number(s) for s in symbols} if self.sample is not None else None
            return env, variable, back
        actual = self.name_value(name)
        if isinstance(actual, sp.MatrixBase):
            fresh = sp.Matrix(actual.rows, actual.cols,
                              lambda r, c: sp.Dummy(f"{name}_{r + 1}{c + 1}", real=True))
            back = dict(zip(list(fresh), list(actual)))
        else:
            fresh = sp.Dummy(name, real=True)
            back = {fresh: actual}
        return self.child(free={name: fresh}), fresh, back

    def _pick(self, whole, v):
        if isinstance(v, sp.Indexed):
            return whole[V.position(whole, v)]
        return whole

    def _difference(self, f, name: str, positions: list, owner_value):
        """Central differences of f by the entries `positions` of `name` at this sample."""
        h = sp.Float(10, self.digits) ** -STEP
        results = []
        for position in positions:
            values = []
            for sign in (1, -1):
                moved = owner_value.copy() if isinstance(owner_value, sp.MatrixBase) \
                    else owner_value
                if isinstance(moved, sp.MatrixBase):
                    moved[position] = moved[position] + sign * h
                else:
                    moved = moved + sign * h
                env = self.child(free={name: moved})
                values.append(_scalar_or_matrix(env.evaluated(f)))
            plus, minus = values
            results.append(V.apply(plus - minus, lambda x: x / (2 * h)))
        return results

    def _differentiate(self, f, v):
        if self.sample is not None:
            name = owner(v)
            whole = self.name_value(name)
            if isinstance(v, sp.Indexed):
                position = V.position(whole, v)
                return V.scalar(self._difference(f, name, [position], whole)[0])
            if isinstance(whole, sp.MatrixBase):
                cells = [(r, c) for r in range(whole.rows) for c in range(whole.cols)]
                found = self._difference(f, name, cells, whole)
                return sp.Matrix(whole.rows, whole.cols, [V.scalar(x) for x in found])
            return V.scalar(self._difference(f, name, [None], whole)[0])
        env, whole, back = self._variable(v)
        value = V.scalar(env.evaluated(f))
        variable = self._pick(whole, v)
        if isinstance(variable, sp.MatrixBase):
            result = variable.applyfunc(lambda x: _diff(value, x))
        else:
            result = _diff(value, variable)
        return V.apply(result, lambda x: _put_back(x, back)) if back else result

    def _jacobian(self, f, x):
        if self.sample is not None:
            name = owner(x)
            whole = self.name_value(name)
            cells = list(range(len(whole))) if isinstance(whole, sp.MatrixBase) else [None]
            columns = [V.matrix(c) for c in self._difference(f, name, cells, whole)]
            return sp.Matrix.hstack(*[col.reshape(len(col), 1) for col in columns])
        env, whole, back = self._variable(x)
        value = V.matrix(env.evaluated(f))
        variables = list(self._pick(whole, x)) if isinstance(whole, sp.MatrixBase) else [whole]
        jac = sp.Matrix(len(value), len(variables),
                        lambda r, c: _diff(value[r], variables[c]))
        return jac.applyfunc(lambda x: _put_back(x, back)) if back else jac

    def _derivative(self, e):
        variables = {v for v, _ in e.variable_count}
        for v in variables:
            if isinstance(v, AppliedUndef) and v.func.__name__ in self.instance.functions:
                # d/du with u(x) = x^2 defined: the chain rule's du held free, which writing
                # u's formula in first would lose (dy/du was 0)
                raise ShapeError(f"a derivative by {v.func.__name__}, defined as a function "
                                 f"{v}: write {v.func.__name__} = ... to differentiate by it")
        for applied in e.expr.atoms(AppliedUndef):
            function = self.instance.functions.get(applied.func.__name__)
            if function is not None and variables & set(applied.args) \
                    and variables & (function.expr.free_symbols - set(function.variables)):
                # f(x) = x^2 + x_0, then f'(x_0): f's own x_0 would move with the point
                caught = sorted(map(str, variables & function.expr.free_symbols))[0]
                raise ShapeError(f"{applied.func.__name__} is defined with {caught} in its "
                                 f"formula and differentiated at {caught}: whether {caught} "
                                 "moves with the point is not said")
        names = all((isinstance(v, sp.Symbol) and not isinstance(v, sp.Dummy) and not v.is_integer)
                    or isinstance(v, sp.Indexed) for v, _ in e.variable_count)
        if names and (self.sample is not None or any(
                isinstance(v, sp.Indexed) for v, _ in e.variable_count)):
            # d/dW_ij as the chain rule's notation means it (W_ij defined: held free)
            result = e.expr
            for variable, count in e.variable_count:
                for _ in range(count):
                    result = A.Partial(result, variable)
            return self.evaluated(result)
        if len(e.variable_count) > 1 and all(
                isinstance(v, sp.Symbol) and not isinstance(v, sp.Dummy) and not v.is_integer
                for v, _ in e.variable_count):
            return self._mixed(e)
        result = e.expr
        evaluated = False
        for variable, count in e.variable_count:
            if isinstance(variable, sp.Symbol) and not isinstance(variable, sp.Dummy) \
                    and not variable.is_integer:
                env, whole, back = self._variable(variable)
                value = V.scalar(env.evaluated(result) if not evaluated else result)
                result = _diff(value, whole, count)
                result = _put_back(result, back) if back else result
            else:
                value = V.scalar(self.evaluated(result)) if not evaluated else result
                result = _diff(value, variable, count)
            evaluated = True
        return result

    def _mixed(self, e):
        """d^2 f / dx dy by names the document may define (x = 2ut): every one of them held
        free at once while f is differentiated, their values put back after (one at a time,
        the first put back would leave nothing of y to differentiate by)."""
        free, symbolic, back = {}, set(), {}
        for variable, _ in e.variable_count:
            name = variable.name
            if name in self.definitions or name in self.free or (
                    self.instance.cost and name == self.instance.cost[0]):
                actual = self.name_value(name)
                if isinstance(actual, sp.MatrixBase):
                    raise ShapeError(f"a second derivative by the vector {name}")
                fresh = sp.Dummy(name, real=True)
                free[name], back[fresh] = fresh, actual
            elif name not in self.instance.shapes:
                symbolic.add(name)
        env = self.child(symbolic=frozenset(symbolic), free=free)
        value = V.scalar(env.evaluated(e.expr))
        for variable, count in e.variable_count:
            value = sp.diff(value, free.get(variable.name, env.number(variable)), count)
        return _put_back(value, back) if back else value


_T = sp.Dummy("t", real=True)


@functools.lru_cache(maxsize=256)
def _vocabulary_crossings(name: str) -> tuple:
    """Where the vocabulary's function `name` has its kinks (relu at 0), in the variable _T."""
    return crossings(FUNCTIONS[name][2](_T))


@functools.lru_cache(maxsize=1024)
def _functions_called(function: sp.Lambda) -> frozenset:
    """The names of the unknown functions a definition's formula applies."""
    return frozenset(f.func.__name__ for f in function.expr.atoms(AppliedUndef))


@functools.lru_cache(maxsize=1024)
def _names_besides(function: sp.Lambda) -> bool:
    """Whether a definition's formula uses a name besides its arguments (w in f(t) = w t^2)."""
    return bool(function.expr.free_symbols - set(function.variables))


def _applied(name: str, function: sp.Lambda, args):
    """The document's function `name` at `args`, which must be as many as it was defined with
    (f(x + h) after f(x, y) = x y says nothing about f of one argument)."""
    if len(args) != len(function.variables):
        raise ShapeError(f"{name} is defined with {len(function.variables)} argument(s) and used "
                         f"with {len(args)}")
    if function.expr.has(*COMBINATORIAL) and any(
            isinstance(a, sp.Integer) and abs(a) > LIMITS.max_combinatorial for a in args):
        # f(x) = x! at 10^99: SymPy would compute the factorial as it builds it, and never return
        big = max((a for a in args if isinstance(a, sp.Integer)), key=abs)
        raise ShapeError(f"{name} at a number of {len(str(abs(big)))} digits is too large to "
                         f"evaluate (limit {LIMITS.max_combinatorial})")
    return function(*args)


def _mpmath_function(variables, body, digits: int):
    """`body` (an expression the program built, never user text) as a function of SymPy Floats
    computed by mpmath at `digits` digits."""
    import mpmath

    numeric = sp.lambdify(variables, body, "mpmath")
    # a sampled network asks for the same values many times (each central difference moves one
    # entry, and the rest of the network keeps its values): nine calls in ten in the index level
    known: dict = {}

    def call(*values):
        key = tuple(v._mpf_ for v in values)
        if key in known:
            return known[key]
        with mpmath.workdps(digits):
            result = numeric(*[mpmath.mpf(v) for v in key])
            if isinstance(result, mpmath.mpc):   # log of a negative number: a complex value
                value = _float(result.real, digits) + sp.I * _float(result.imag, digits)
            else:
                value = _float(result, digits)
        if len(known) >= MEMO:
            known.clear()
        known[key] = value
        return value
    return call


def _float(number, digits: int) -> sp.Float:
    """An mpmath number (or a whole number) as a SymPy Float of `digits` digits, bit for bit,
    without printing it; 0 too is a Float."""
    import mpmath
    value = mpmath.mpf(number)
    if not value:
        return sp.Float(0, digits)
    return sp.Float._new(value._mpf_, mpmath.libmp.dps_to_prec(digits))


def _scalar_or_matrix(v):
    return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def _symbols_of(instance) -> dict:
    """The plain symbols of a claim's instance and of its definitions, by name."""
    found = {}
    for e in (instance.lhs, instance.rhs, *(v for _, v in instance.definitions)):
        if isinstance(e, sp.Basic):
            found.update((s.name, s) for s in e.free_symbols
                         if type(s) is sp.Symbol and s.is_commutative)
    return found


def _entry_symbols(name: str, shape: tuple) -> list:
    rows, cols = shape
    return [sp.Symbol(f"{name}[{r + 1}]" if cols == 1 else f"{name}[{r + 1},{c + 1}]", real=True)
            for r in range(rows) for c in range(cols)]


def _sample_value(symbol: sp.Symbol, sample: int, assumptions):
    """A random exact value for `symbol` in sample `sample` (in its assumed domain; positive
    from sample POSITIVE on, where the roots and logarithms of a formula's variables are real)."""
    rng = random.Random(f"{sample}:{symbol.name}")
    if assumptions is not None:
        lo, hi = assumptions.interval(symbol.name)
        if lo is not None or hi is not None or symbol.name in assumptions.integer:
            pool = sample_values(symbol, assumptions, rng)
            if pool:
                return rng.choice(pool[:12])
    numerator = rng.choice([n for n in range(-9, 10) if n])
    value = sp.Rational(numerator, rng.randint(2, 7))
    return abs(value) if sample >= POSITIVE else value


def _stand_in(name: str, arity: int, sample: int) -> sp.Lambda:
    """A concrete smooth function for the unknown `name` in sample `sample`, with its own random
    coefficients per argument. Each grows at most linearly, so stand-ins composed through the
    layers of a network keep moderate values."""
    t = sp.symbols(f"t1:{arity + 1}", real=True)
    rng = random.Random(f"{sample}:{name}:{arity}")
    c = [sp.Rational(rng.randint(1, 9), rng.randint(2, 9)) * rng.choice([1, -1])
         for _ in range(3 * arity + 2)]
    shapes = [
        lambda v: (sp.sin(v), v**2 / (1 + v**2), v),
        lambda v: (sp.atan(v), sp.exp(-v**2 / 4), v),
        lambda v: (sp.cos(2 * v), v / (2 + v**2), v),
    ][sample % 3]
    body = sum(c[k] * f1 + c[arity + k] * f2 + c[2 * arity + k] * f3 / 3
               for k, v in enumerate(t) for f1, f2, f3 in [shapes(v)])
    return sp.Lambda(t, body + c[-1] * sp.sin(t[0] * t[-1] / 2) + c[-2])


def _put_back(expr, back: dict):
    """`expr` with the free variables of a derivative replaced by the values they stand for (an
    unknown function's derivative at them becomes a Subs, as the chain rule writes it)."""
    if not any(isinstance(d, sp.Derivative) for d in expr.atoms(sp.Derivative)):
        return expr.xreplace(back)
    return expr.subs(back, simultaneous=True)


def _bind(pattern: tuple, values: tuple) -> dict | None:
    binding = {}
    for p, v in zip(pattern, values):
        if p.is_Integer:
            if int(p) != v:
                return None
        elif isinstance(p, sp.Symbol):
            binding[p] = sp.Integer(v)
        else:
            return None
    return binding


