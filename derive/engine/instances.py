"""Index-level, vector and layer claims, decided by instantiating them at small concrete sizes.

A claim such as `\\partial C / \\partial W^l_{jk} = a^{l-1}_k \\delta^l_j` or
`\\nabla_x x^T A x = (A + A^T) x` says something for every size, every layer and every index. It is
checked the way a careful reader checks it by hand, only exhaustively:

1. `plan` (cheap, in the caller): every layer label in l or m takes each value for which the claim's
   layers exist in a network of `DEPTH` layers (L is the last); the sizes of the arrays are found by
   unification (`engine.shapes`) and what stays free gets small distinct sizes (two patterns when
   the claim has one layer to check, a pattern a layer otherwise); free indices take every value.
   A claim whose sizes cannot agree is refused.
2. `check` (in a worker): every name gets an explicit value (`engine.environment`): independent
   numbers, or its definition from the document (`text.context`) evaluated; a derivative by a
   defined quantity treats that quantity as free, as the chain rule's notation means; an undefined
   cost C is an unknown function of the network's output. A claim with nothing to choose is
   decided symbolically, entry by entry (`engine.verify`); otherwise both sides are evaluated at
   random points with stand-ins for the unknown functions, and a difference is confirmed with twice
   the digits before it refutes.

The verdict says which layers and sizes it covered. A failure at one instance is a real
counterexample (REFUTED); agreement at every instance is evidence for the sizes tried, so the
verdict is NUMERIC, or PROVED when the claim has no size, layer or index to choose (or a sum to n
simplifies for every n). A claim read two ways (a Jacobian's layout, or repeated indices with and
without the summation convention, when the document does not say) is decided both ways; if the
readings disagree the verdict is UNDECIDED and says what each reading gives.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.environment import (
    DIGITS, POSITIVE, Environment, closure, names_in, owner, target_name)
from derive.engine.values import MAX_ENTRIES
from derive.engine.shapes import SCALAR, Shaper, ShapeError
from derive.engine.isolation import TaskTimeout, clock, time_limit
from derive.engine.kinks import Signs
from derive.engine.search import EVALUATION_ERRORS
from derive.engine.verdict import Counterexample, Status, Verdict, worst
from derive.engine.verify import NON_SMOOTH, decide_entry
from derive.text import arrays as A
from derive.text.context import Context
from derive.text.latex_tokens import GREEK
from derive.text.limits import InputError, one_line

DEPTH = 2                       # layers 1..DEPTH above the input layer 0; L is the last
SIZE_PATTERNS = ((2, 3, 4), (3, 4, 2))   # distinct widths, so a sum to the wrong bound shows
# a sum to n with nothing else sized: n = 1 to 12 (a closed form can fit a few values only)
WHOLE_PATTERNS = tuple((v, v + 1, v + 2) for v in range(1, 13))
MAX_INDEX_VALUES = 48           # free index assignments checked per instance
SAMPLES = 3                     # random points (with stand-ins for unknown functions) per instance
REDRAWS = 6                     # further points, of positive values, in place of points not real
KINK_DRAWS = 8                  # further points, until every kink met is seen on both sides


@dataclass(frozen=True)
class Instance:
    """One concrete case of a claim: its layers, sizes, definitions and index values."""

    labels: dict                  # label variable -> layer number
    lhs: sp.Basic
    rhs: sp.Basic
    definitions: tuple            # (target, value) with concrete names
    functions: dict               # name -> sp.Lambda from the document's definitions
    shapes: dict                  # array name -> (rows, columns)
    index_values: tuple           # of dicts: free index -> value
    sizes_of: dict                # size symbol (n, |k|) -> value
    cost: tuple = ()              # (name, array names it depends on) for an undefined cost
    reading: str = ""             # which reading of an ambiguous claim
    chosen: bool = False          # some size was chosen (not fixed by the claim)
    constraints: tuple = ()       # (array name, total): its entries sum to the total


@dataclass(frozen=True)
class Plan:
    lhs: sp.Basic
    rhs: sp.Basic
    instances: tuple              # of Instance
    readings: tuple = ("",)       # the readings, when the claim has more than one
    exact: bool = False           # no size, layer or index was chosen: the check is a proof
    covered: str = ""             # the layers and sizes, for the verdict
    assumptions: object = None
    general: tuple = ()           # sizes (n in a sum to n) for which a proof for every value is tried
    unknown: str = ""             # an undefined vector or matrix only one side depends on
    ordered: str = ""             # a product of layer quantities all read as numbers (W^l delta^l)


# -- planning -------------------------------------------------------------------------------------

def plan(lhs, rhs, quantities: dict, context: Context | None, assumptions=None,
         last_layer: bool = False) -> Plan:
    """The instances to check (raises ShapeError when no reading of the sizes agrees);
    `last_layer`: the claim is about the output layer, so its label is L."""
    context = context or Context()
    rewrites = {d.target: d.value for d in context.definitions if d.rewrite}
    lhs, rhs = _rewritten(lhs, rewrites), _rewritten(rhs, rewrites)
    # K = 4 given, then a sum to K: the sum runs to 4 (K is no size to choose)
    bounds = {b for side in (lhs, rhs) for total in side.atoms(sp.Sum, sp.Product)
              for limit in total.limits for b in limit[1:] if isinstance(b, sp.Symbol)}
    given = {d.target: d.value for d in context.definitions
             if not d.rewrite and d.target in bounds and d.value.is_Integer}
    lhs, rhs = lhs.xreplace(given), rhs.xreplace(given)
    constraints = tuple((t.function.base.label.name, v) for t, v in rewrites.items()
                        if isinstance(t, sp.Sum) and isinstance(t.function, sp.Indexed)
                        and len(t.limits) == 1 and t.function.indices == (t.limits[0][0],))
    variants = [("", lhs, rhs)]
    if "einstein summation" in context.conventions:
        variants = [("", _einstein(lhs), _einstein(rhs))]
    elif _implied_sums(lhs, rhs):   # read both ways: with and without the summation convention
        variants.append(("Einstein summation", _einstein(lhs), _einstein(rhs)))
    definitions = [(d.target, d.value.xreplace(rewrites)) for d in context.definitions
                   if not d.rewrite and not _is_function_definition(d.target)]
    functions = {d.target.func.__name__: sp.Lambda(d.target.args, d.value)
                 for d in context.definitions if not d.rewrite
                 and _is_function_definition(d.target)}
    label_vars = sorted({v for side in (lhs, rhs) for q in _quantities_in(side, quantities)
                         for v in (q.label.free_symbols if q.label is not None else ())
                         if v.name in ("l", "m")}, key=str)
    readings = ("numerator layout", "denominator layout") \
        if (lhs.has(A.Jacobian) or rhs.has(A.Jacobian) or any(
            v.has(A.Jacobian) for _, v in definitions)) and context.layout is None else ("",)
    layers = _label_values(label_vars, lhs, rhs, quantities)
    if last_layer:
        layers = [v for v in layers if all(v.get(x) == DEPTH for x in label_vars)]

    def build(first: tuple) -> tuple[list, list, list]:
        """(instances, errors, what each covers), with the sizes of `first` on one layer."""
        instances, errors, covered = [], [], []
        # with several layers the sizes already vary from layer to layer; each pattern shifts them
        patterns = first if len(layers) == 1 else \
            [SIZE_PATTERNS[n % len(SIZE_PATTERNS)] for n in range(len(layers))]
        for number, values in enumerate(layers):
            for (convention, left, right), layout_reading in itertools.product(variants, readings):
                reading = " and ".join(r for r in (convention, layout_reading) if r)
                layout = {"numerator layout": 0, "denominator layout": 1}.get(layout_reading,
                                                                               context.layout)
                for pattern in (patterns if len(layers) == 1 else [patterns[number]]):
                    # the convention holds in the definitions too (q = x_i B_ij x_j is a sum)
                    summed = convention or "einstein summation" in context.conventions
                    try:
                        instance = _instance(left, right, quantities, context,
                                             [(t, _einstein(v)) for t, v in definitions]
                                             if summed else definitions, functions, values,
                                             pattern, layout)
                    except ShapeError as err:
                        errors.append((reading, str(err)))
                        break
                    instances.append(replace(instance, reading=reading, constraints=constraints))
                    covered.append(_describe(values, instance))
                    if not _free_sizes(instance):
                        break   # nothing to vary: one size pattern is the whole story
        return instances, errors, covered

    instances, errors, covered = build(SIZE_PATTERNS)
    if not all(_sizes_assumed(i, assumptions) for i in instances):
        # 2 <= n <= 2, 2.5 < n < 4.5, n > 100: the sizes the assumptions allow instead
        allowed = _assumed_sizes(instances, assumptions)
        if allowed:
            instances, errors, covered = build(allowed)
        kept = [(i, c) for i, c in zip(instances, covered) if _sizes_assumed(i, assumptions)]
        if not kept:
            raise ShapeError("no size the assumptions allow could be given to the claim")
        instances, covered = [i for i, _ in kept], [c for _, c in kept]
    if not instances:
        if not errors:
            raise InputError("the claim's layers do not exist in a network: check its labels")
        raise ShapeError(errors[0][1])
    _refuse_sums_over_variables(lhs, rhs, definitions)
    good = tuple(dict.fromkeys(i.reading for i in instances))
    exact = not label_vars and all(not _free_sizes(i) for i in instances) \
        and not any(i.index_values != ({},) for i in instances) and not context.shapes
    general = ()
    if not exact and all(not i.shapes and i.index_values == ({},) for i in instances) \
            and not label_vars:
        general = tuple(sorted({s for i in instances for s in i.sizes_of
                                if not isinstance(s, A.IndexSize) and s not in given}, key=str))
    if general and len(layers) == 1:
        more, _, more_covered = build(WHOLE_PATTERNS)
        kept = [(i, c) for i, c in zip(more, more_covered) if _sizes_assumed(i, assumptions)]
        if kept:
            instances, covered = [i for i, _ in kept], [c for _, c in kept]
    cases = ", ".join(c.text for c in context.index_conditions)
    covered = "; ".join(dict.fromkeys(c for c in covered if c)) + (f" (where {cases})" if cases
                                                                 else "")
    return Plan(lhs, rhs, tuple(instances), good, exact, covered, assumptions, general,
                _one_sided(instances[0]), _ordered_numbers(lhs, rhs, quantities, label_vars))


def _sizes_assumed(instance, assumptions) -> bool:
    """Whether each size the instance gives a value (n in a sum to n) is inside the interval
    the assumptions give it (2 <= n <= 2: only n = 2)."""
    if assumptions is None:
        return True
    for symbol, value in instance.sizes_of.items():
        lo, hi = assumptions.interval(str(symbol))
        if lo is not None and (value < lo.value or (lo.strict and value == lo.value)):
            return False
        if hi is not None and (value > hi.value or (hi.strict and value == hi.value)):
            return False
    return True


def _assumed_sizes(instances: list, assumptions) -> tuple:
    """Size patterns made of the first whole numbers (at least 1) that the assumptions allow
    every size of the instances (n > 100: 101, 102, 103), or () when none is allowed."""
    lowest, highest = sp.Integer(1), None
    for symbol in {s for i in instances for s in i.sizes_of}:
        lo, hi = assumptions.interval(str(symbol))
        if lo is not None:
            lowest = max(lowest, sp.floor(lo.value) + 1 if lo.strict and lo.value.is_integer
                         else sp.ceiling(lo.value))
        if hi is not None:
            top = sp.ceiling(hi.value) - 1 if hi.strict and hi.value.is_integer \
                else sp.floor(hi.value)
            highest = top if highest is None else min(highest, top)
    values = [int(lowest) + k for k in range(3)
              if highest is None or lowest + k <= highest]
    if not values:
        return ()
    values = (values * 3)[:3]
    return (tuple(values), tuple(values[1:] + values[:1]))


def _ordered_numbers(lhs, rhs, quantities: dict, label_vars: list) -> str:
    """A product of two or more layer quantities (W^l delta^l, delta^l a^{l-1}) in a claim where
    nothing makes any of them a vector or a matrix: read as numbers, the product cannot show a
    transposition or the order of its factors, which the notation of layers usually means. The
    product as read, or ''."""
    if not label_vars or any(q.array for q in quantities.values()):
        return ""
    for side in (lhs, rhs):
        for term in sp.Add.make_args(side):
            layered = [f for f in sp.Mul.make_args(term)
                       if any(q.label is not None for q in _quantities_in(f, quantities))]
            if len(layered) >= 2:
                return str(sp.Mul(*layered))
    return ""


def _index_counts(e) -> dict:
    """How often each index letter is written in a term (x_i a_{ij} x_j: i twice, j twice): a sum
    of terms counts as its busiest term; a sum's own variable does not count."""
    if isinstance(e, (sp.Indexed, sp.KroneckerDelta)):
        counts: dict = {}
        for a in (e.indices if isinstance(e, sp.Indexed) else e.args):
            for s in a.free_symbols:
                if s.is_integer:
                    counts[s] = counts.get(s, 0) + 1
        return counts
    if isinstance(e, (sp.Derivative, A.Partial, A.Grad, A.Jacobian)):
        # da_k/dz_k is one entry's slope, not a sum over k: an index of the variable counts once
        counts = _index_counts(e.args[0])
        variables = e.variables if isinstance(e, sp.Derivative) else e.args[1:2]
        for variable in variables:
            for index, n in _index_counts(variable).items():
                counts[index] = max(counts.get(index, 0), n)
        return counts
    if isinstance(e, sp.Add):
        counts = {}
        for term in e.args:
            for index, n in _index_counts(term).items():
                counts[index] = max(counts.get(index, 0), n)
        return counts
    counts = {}
    for a in e.args:
        if isinstance(a, sp.Basic) and not isinstance(a, (sp.Tuple,)):
            for index, n in _index_counts(a).items():
                counts[index] = counts.get(index, 0) + n
    if isinstance(e, (sp.Sum, sp.Product)):
        for limit in e.limits:
            counts.pop(limit[0], None)
    return counts


def _einstein(e):
    """Sums over the indices repeated in a product, as the summation convention writes them."""
    if isinstance(e, sp.Add):
        return sp.Add(*[_einstein(t) for t in e.args])
    if isinstance(e, (A.Partial, sp.Derivative)):
        return e.func(_einstein(e.args[0]), *e.args[1:])
    if isinstance(e, sp.Mul):
        repeated = sorted((i for i, n in _index_counts(e).items() if n >= 2), key=str)
        inner = sp.Mul(*[_einstein(f) if isinstance(f, (A.Partial, sp.Derivative, sp.Add)) else f
                         for f in e.args])
        for index in repeated:
            inner = sp.Sum(inner, (index, 1, A.index_size(index)))
        return inner
    return e


def _implied_sums(lhs, rhs) -> bool:
    """An index written twice in every term that has it, on both sides, is summed by Einstein's
    convention: when the document does not say, the claim is read both ways."""
    terms = [t for side in (lhs, rhs) for t in sp.Add.make_args(side)]
    counts = [_index_counts(t) for t in terms]
    for index in {i for c in counts for i in c}:
        uses = [c[index] for c in counts if index in c]
        if uses and all(n >= 2 for n in uses):
            return True
    return False


def _rewritten(expr, rewrites: dict):
    """`expr` with the document's notation replaced by what it means: `\\sigma(z)_i = ...`
    applies to \\sigma(z)_j too (its index letters are placeholders). A function the notation
    defines must not be left with another meaning: such a use is refused."""
    for target, value in rewrites.items():
        indices = sorted((s for s in target.free_symbols if s.is_integer), key=str)
        wilds = {s: sp.Wild(f"w_{s}") for s in indices}
        pattern, meaning = target.xreplace(wilds), value.xreplace(wilds)
        expr = expr.replace(pattern, meaning) if wilds else expr.xreplace({target: value})
        for used in target.atoms(A.Map, AppliedUndef):
            head = used.args[0] if isinstance(used, A.Map) else used.func
            leftover = [m for m in expr.atoms(A.Map, AppliedUndef)
                        if (m.args[0] if isinstance(m, A.Map) else m.func) == head]
            if leftover:
                raise InputError(f"the document defines {target} only; {leftover[0]} is used "
                                 "here in another way: define it too")
    return expr


def _refuse_sums_over_variables(lhs, rhs, definitions) -> None:
    """`\\sum_w w^2` next to `dC/dw`: a sum over a letter that is also a variable of the claim
    says "over all weights", which has no index to run over."""
    exprs = [lhs, rhs] + [v for _, v in definitions]
    bound = {limit[0].name for e in exprs for s in e.atoms(sp.Sum, sp.Product) for limit in s.limits}
    free = {s.name for e in exprs for s in e.free_symbols
            if isinstance(s, sp.Symbol) and not s.is_integer}
    clash = sorted(bound & free)
    if clash:
        raise InputError(f"the sum runs over {clash[0]}, which is also a variable here: write the "
                         "sum over an index (w_i) and the variable as an entry")


def _one_sided(instance: Instance) -> str:
    """An undefined vector or matrix that only one side depends on (O in O = X W + b with O not
    defined): the claim then says what that unknown is, which is not an identity."""
    uses = {}
    for target, value in instance.definitions:
        uses.setdefault(target_name(target), set()).update(names_in(value))

    if instance.cost:
        uses.setdefault(instance.cost[0], set()).update(instance.cost[1])
    left, right = (closure(names_in(side), uses) for side in (instance.lhs, instance.rhs))
    # a name inside what is differentiated may vanish from the other side (d/db (W a + b) = 1)
    written = _names_outside_derivatives(instance.lhs) | _names_outside_derivatives(instance.rhs)
    variables = {owner(d.args[1] if not isinstance(d, sp.Derivative) else d.variables[0])
                 for side in (instance.lhs, instance.rhs)
                 for d in side.atoms(A.Grad, A.Partial, A.Jacobian, sp.Derivative)}
    defined = set(uses) | ({instance.cost[0]} if instance.cost else set())
    for name in sorted((left ^ right) & written):
        if name in instance.shapes and name not in defined and name not in variables:
            return name
    return ""


def _names_outside_derivatives(expr) -> set[str]:
    derivatives = expr.atoms(sp.Derivative, A.Partial, A.Grad, A.Jacobian)
    return names_in(expr.xreplace({d: sp.Dummy() for d in derivatives}))


def _is_function_definition(target) -> bool:
    return isinstance(target, AppliedUndef)


def _quantities_in(expr, quantities: dict):
    names = {s.name for s in expr.atoms(sp.Symbol)} | {
        i.base.label.name for i in expr.atoms(sp.Indexed)}
    return [quantities[n] for n in names if n in quantities]


def _label_values(label_vars: list, lhs, rhs, quantities: dict) -> list[dict]:
    """Each assignment of the claim's label variables for which its layers exist (0..DEPTH)."""
    fixed = {A.LABEL_VARIABLES["L"]: sp.Integer(DEPTH)}
    if not label_vars:
        return [fixed]
    labels = [q.label for side in (lhs, rhs) for q in _quantities_in(side, quantities)
              if q.label is not None]
    found = []
    for combo in itertools.product(range(1, DEPTH + 1), repeat=len(label_vars)):
        values = {**fixed, **dict(zip(label_vars, map(sp.Integer, combo)))}
        if all(0 <= int(lab.xreplace(values)) <= DEPTH for lab in labels
               if not lab.xreplace(values).free_symbols):
            found.append(values)
    return found


def _rename(expr, quantities: dict, values: dict, concrete: dict):
    """`expr` with every labelled name at its concrete layer (a^{l-1} -> a^{1})."""
    mapping = {}
    for s in expr.atoms(sp.Symbol):
        q = quantities.get(s.name)
        if q is not None and q.label is not None:
            name = q.at_layer(values)
            concrete[name] = replace(q, name=name, label=q.label.xreplace(values))
            mapping[s] = sp.Symbol(name, commutative=s.is_commutative,
                                   **({"real": True} if s.is_commutative else {}))
    for i in expr.atoms(sp.Indexed):
        q = quantities.get(i.base.label.name)
        if q is not None and q.label is not None:
            name = q.at_layer(values)
            concrete[name] = replace(q, name=name, label=q.label.xreplace(values))
            mapping[i.base] = sp.IndexedBase(name)
    for q in quantities.values():
        concrete.setdefault(q.name, q)
    return expr.xreplace(mapping) if mapping else expr


def _network_output(definitions, quantities: dict):
    """The quantity a network feeds forward (a^l when z^l uses a^{l-1}), or None."""
    schemas = {}
    for target, value in definitions:
        q = quantities.get(target_name(target))
        if q is not None and q.schema:
            schemas[q.name] = (q, value)
    for q, _ in schemas.values():
        for other, value in schemas.values():
            for used in names_in(value):
                u = quantities.get(used)
                if u is not None and u.schema and (u.letter, u.font, u.style) == (
                        q.letter, q.font, q.style) and sp.expand(q.label - u.label) == 1:
                    return q
    return None


def _instance(lhs, rhs, quantities, context, definitions, functions, values, pattern, layout):
    concrete: dict = {}
    lhs_c = _with_layout(_rename(lhs, quantities, values, concrete), layout)
    rhs_c = _with_layout(_rename(rhs, quantities, values, concrete), layout)
    output = _network_output(definitions, quantities)
    top = None
    if output is not None:
        var = next(iter(output.label.free_symbols))
        top = output.at_layer({var: sp.Integer(DEPTH)})
        concrete[top] = replace(output, name=top, label=sp.Integer(DEPTH))
    needed = _concrete_definitions(lhs_c, rhs_c, quantities, definitions, concrete, layout,
                                   extra=[top] if top else [])
    shaper = Shaper(dict(concrete), _declared(context, quantities, values), context.row_vectors,
                    denominator=layout == 1)
    for target, value in needed:
        if isinstance(target, sp.Indexed):
            shaper.shape(target)
            if shaper.shape(value) is not SCALAR:
                raise ShapeError(f"{target} is an entry but its definition is a vector")
        else:
            shaper.unify(shaper.shape(target), shaper.shape(value), f"the definition of {target}")
    shaper.sizes.claim = True
    left, right = shaper.shape(lhs_c), shaper.shape(rhs_c)
    shaper.unify(left, right, "the two sides")
    _refuse_single_values(shaper, _free_indices(lhs_c) | _free_indices(rhs_c))
    cost = _cost(lhs_c, rhs_c, needed, top)
    sizes, chosen = _assign(shaper, pattern)
    shapes = {name: (sizes[shaper.sizes.find(r)], sizes[shaper.sizes.find(c)])
              for name, (r, c) in shaper.sizes.shapes.items()}
    sizes_of = {sym: sizes[shaper.sizes.find(d)] for sym, d in shaper.sizes.bounds.items()}
    ranges = {sym: sizes[shaper.sizes.find(d)] for sym, d in shaper.sizes.indices.items()}
    for sym, value in ranges.items():
        sizes_of[A.index_size(sym)] = value
    free = sorted(_free_indices(lhs_c) | _free_indices(rhs_c), key=str)
    lhs_c, rhs_c = (_separate_bound(side, set(free)) for side in (lhs_c, rhs_c))
    combos = [{}]
    for index in free:
        combos = [{**c, index: v} for c in combos for v in range(1, ranges.get(index, 2) + 1)]
    # a claim stated for some of its indices (where j != i) is checked there only
    combos = [c for c in combos if all(condition.holds(c) for condition in
                                       context.index_conditions)]
    if not combos:
        raise ShapeError("no index values meet " + ", ".join(
            c.text for c in context.index_conditions) + " at these sizes")
    return Instance(dict(values), _interned(lhs_c), _interned(rhs_c),
                    tuple((_interned(t), _interned(v)) for t, v in needed), functions, shapes,
                    tuple(combos[:MAX_INDEX_VALUES]), sizes_of, cost, chosen=chosen)


def _refuse_single_values(shaper: Shaper, free: set) -> None:
    """A free index of the claim that the shapes leave a single value, with no size named for
    it: (x^T y)_i = x_i y_i fits only with one entry in x and y, where it says nothing."""
    sizes = shaper.sizes
    for index in sorted(free, key=str):
        d = sizes.indices.get(index)
        if d is not None and sizes.known(d) == 1 and sizes.find(d) not in sizes.names:
            raise ShapeError(f"the sizes agree only when {index} takes a single value: the "
                             "arrays it indexes would have one entry")


def _interned(expr):
    """The first of the equal expressions built for the instances of a process. The sampled
    evaluation keeps what it derives from an expression (an index bound in it) by the expression,
    and finds the one it knows without comparing two equal trees node by node."""
    try:
        return _first_of(expr)
    except TypeError:   # unhashable (a mutable matrix)
        return expr


@functools.lru_cache(maxsize=4096)
def _first_of(expr):
    return expr


def _with_layout(expr, layout):
    if layout is None:
        return expr
    return expr.replace(lambda e: isinstance(e, A.Jacobian),
                        lambda e: A.Jacobian(e.args[0], e.args[1], sp.Integer(layout)))


def _declared(context: Context, quantities: dict, values: dict) -> dict:
    """The declared shapes at concrete layers: a family declared once (W^m in R^{N^m x N^{m-1}})
    holds at every layer of the network, so W^{m+1} in a claim about layer m is N^{m+1} x N^m."""
    declared = {}
    for name, dims in context.shapes.items():
        q = quantities.get(name)
        if q is None or q.label is None:   # y in R^{N^L}: N^L is the last layer's width
            declared[name] = tuple(_rename(d, quantities, values, {})
                                   if isinstance(d, sp.Basic) else d for d in dims)
            continue
        sizes = [quantities[d.name].label for d in dims if isinstance(d, sp.Symbol)
                 and d.name in quantities and quantities[d.name].label is not None]
        labels = [q.label] + sizes
        # only sizes written per layer make the declaration hold at every layer
        variables = sorted(q.label.free_symbols, key=str)[:1] if sizes else []
        for at in [{**values, v: sp.Integer(k)} for v in variables for k in range(DEPTH + 1)] \
                + [values]:
            if any(label.xreplace(at).is_negative for label in labels):
                continue   # W^0 in R^{N^0 x N^{-1}}: no such layer
            # a size per layer (N^{m-1}) at the layer: N^1 x N^0 at m = 1
            declared[q.at_layer(at)] = tuple(
                _rename(d, quantities, at, {}) if isinstance(d, sp.Basic) else d for d in dims)
    return declared


def _concrete_definitions(lhs, rhs, quantities, definitions, concrete, layout, extra=()) -> list:
    """The definitions the claim needs, at the layers it needs them, in dependency order."""
    schemas = []
    for target, value in definitions:
        tq = quantities.get(target_name(target))
        schemas.append((target, value, tq))
    needed, seen, order = {}, set(), []
    todo = list(names_in(lhs) | names_in(rhs) | set(extra))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        q = concrete.get(name)
        matches = [(target, value, values) for target, value, tq in schemas
                   if (values := _matching_layer(tq, q, name, target)) is not None]
        # a definition for this very layer (a^L as a softmax) before one for every layer
        # (a^l = sigma(z^l)), which binds a layer variable too
        matches.sort(key=lambda match: len(match[2]))
        for target, value, values in matches:
            t = _with_layout(_rename(target, quantities, values, concrete), layout)
            v = _with_layout(_rename(value, quantities, values, concrete), layout)
            if not _labels_in_range(t, v, concrete):
                continue
            needed[name] = _own_indices(t, v, name)
            todo.extend(names_in(v) - seen)
            break
    # dependency order: a definition after those it uses
    done: set = set()

    def visit(name, trail=()):
        if name in done or name not in needed:
            return
        if name in trail:
            raise ShapeError(f"the definitions are circular through {name}")
        for used in sorted(names_in(needed[name][1])):   # the same cycle named in every run
            if used != name:
                visit(used, trail + (name,))
        done.add(name)
        order.append(needed[name])
    for name in sorted(needed):
        visit(name)
    return order


def _own_indices(target, value, name: str) -> tuple:
    """A definition's index letters are its own: k in the definition of z^{1} and k in that of
    z^{2} range over different layers, so each concrete definition gets its own index symbols."""
    # the target's indices (z_k) and the summed ones are placeholders of this definition; any
    # other index (k in L = -log p_k) is the claim's own and is kept
    placeholders = target.free_symbols | {limit[0] for e in (target, value)
                                          for total in e.atoms(sp.Sum, sp.Product)
                                          for limit in total.limits}
    indices = sorted({s for s in placeholders if isinstance(s, sp.Symbol) and s.is_integer
                      and not isinstance(s, A.IndexSize)}, key=str)
    fresh = {s: sp.Symbol(f"{s.name}@{name}", integer=True, positive=True) for s in indices}
    fresh.update({A.index_size(s): A.index_size(f) for s, f in fresh.items()})
    return target.xreplace(fresh), value.xreplace(fresh)


def _matching_layer(tq, q, name: str, target):
    """The label values under which definition target `tq` defines the concrete quantity `q`."""
    if tq is None or tq.label is None:
        return {A.LABEL_VARIABLES["L"]: sp.Integer(DEPTH)} if target_name(target) == name \
            else None
    if q is None or q.label is None or (tq.letter, tq.font, tq.style) != (q.letter, q.font, q.style):
        return None
    free = [v for v in tq.label.free_symbols if v.name in ("l", "m")]
    base = {A.LABEL_VARIABLES["L"]: sp.Integer(DEPTH)}
    if not free:
        return base if tq.label.xreplace(base) == q.label else None
    (var,) = free
    solution = _layer_solving(tq.label.xreplace(base), q.label, var)
    if solution is None or q.label < 1:
        return None   # layer 0 is the input: no layer's definition applies to it
    return {**base, var: solution}


@functools.lru_cache(maxsize=1024)
def _layer_solving(label, layer, var):
    """The one integer value of `var` at which `label` is `layer`, or None (the same few labels
    are matched for every instance of every claim). A label is l, l + 1, L - 1: linear in its
    variable, solved directly (SymPy's `solve` loads its units package on its first call in a
    process, 80 ms)."""
    difference = sp.expand(label - layer)
    slope = difference.coeff(var)
    rest = difference - slope * var
    if slope.is_Number and slope != 0 and not rest.has(var):
        solutions = [-rest / slope]
    else:
        solutions = sp.solve(sp.Eq(label, layer), var)
    return sp.Integer(solutions[0]) if len(solutions) == 1 and solutions[0].is_Integer else None


def _labels_in_range(target, value, concrete) -> bool:
    for name in names_in(target) | names_in(value):
        q = concrete.get(name)
        if q is not None and q.label is not None and q.label.is_Integer \
                and not 0 <= int(q.label) <= DEPTH and q.style != "*":
            return False
    return True


def _cost(lhs, rhs, definitions, top: str | None) -> tuple:
    """An undefined scalar that is differentiated as a whole (the C of dC/dW): the names it is a
    function of. The network's output (the last layer's activation) when there is a network, else
    the quantity furthest down the definitions among those it is differentiated by."""
    defined = {target_name(t) for t, _ in definitions}
    uses = {target_name(t): names_in(v) for t, v in definitions}
    owners_of: dict[str, set] = {}
    for e in [lhs, rhs] + [v for _, v in definitions]:
        for d in e.atoms(A.Grad, A.Partial, A.Jacobian, sp.Derivative):
            operand = d.args[0]
            if isinstance(operand, sp.Symbol) and operand.is_commutative \
                    and operand.name not in defined and not operand.is_integer:
                variable = d.args[1] if not isinstance(d, sp.Derivative) else d.variables[0]
                if owner(variable) == operand.name:
                    continue   # dx/dx (after u = x): no cost, the variable itself
                owners_of.setdefault(operand.name, set()).add(owner(variable))
    if not owners_of:
        return ()
    if len(owners_of) > 1:
        raise InputError(f"{' and '.join(sorted(owners_of))} are differentiated but not defined: "
                         "define them with --where")
    (name, owners), = owners_of.items()
    if top is not None:
        stray = sorted(o for o in owners if o is not None and o not in defined
                       and o not in closure([top], uses))
        if stray:
            raise InputError(f"{name} is a function of the network's output {top}, but is "
                             f"differentiated by {', '.join(stray)}, which is not part of the "
                             f"network; define it, e.g. --where '{stray[0]} = ...'")
        return (name, (top,))
    owners = {o for o in owners if o is not None}

    last = sorted(o for o in owners
                  if not any(o in closure(uses.get(other, ()), uses) for other in owners))
    if len(last) == 1 or (last and not any(o in defined for o in last)):
        return (name, tuple(last))
    raise InputError(f"{name} is differentiated by {', '.join(sorted(owners))} but not defined: "
                     "say what it is a function of with --where")


def _assign(shaper: Shaper, pattern: tuple) -> tuple[dict, bool]:
    """A size for every class: its own when the claim fixes it, else the next of `pattern`."""
    sizes, chosen = {}, False
    classes = sorted({shaper.sizes.find(d) for d in range(len(shaper.sizes.parent))})
    cycle = itertools.cycle(pattern)
    for c in classes:
        known = shaper.sizes.value.get(c)
        if known is None:
            known, chosen = next(cycle), True
        sizes[c] = known
    return sizes, chosen


def _free_sizes(instance: Instance) -> bool:
    return instance.chosen


def _separate_bound(expr, free: set):
    """A sum's own index renamed when the same letter is also a free index of the claim (x_i +
    sum_i y_i), so giving the free one a value leaves the sum alone."""
    def rename(total):
        limits, body = [], total.function
        for var, low, high in total.limits:
            if var in free:   # (an unstated bound |k| stays: the sum runs over k's range)
                fresh = sp.Symbol(f"{var.name}'", integer=True, positive=True)
                body = body.xreplace({var: fresh})
                var = fresh
            limits.append((var, low, high))
        return type(total)(body, *limits)
    return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)), rename)


def _free_indices(expr) -> set:
    used = set()
    for atom in expr.atoms(sp.Indexed):
        for index in atom.indices:
            used |= index.free_symbols
    for atom in expr.atoms(sp.KroneckerDelta, A.Entry):
        used |= {a for a in atom.args[(1 if isinstance(atom, A.Entry) else 0):]
                 if isinstance(a, sp.Symbol)}
    bound = {limit[0] for s in expr.atoms(sp.Sum, sp.Product) for limit in s.limits}
    return {s for s in used - bound if s.is_integer}


def _sizes_text(instance: Instance) -> str:
    """The sizes of the arrays the claim names (not those only its definitions use)."""
    named = names_in(instance.lhs) | names_in(instance.rhs)
    return ", ".join(f"{name} {r}x{c}" if c != 1 else f"{name} {r}"
                     for name, (r, c) in sorted(instance.shapes.items()) if name in named)


def _describe(values: dict, instance: Instance) -> str:
    layers = ", ".join(f"{k} = {v}" for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))
                       if str(k) != "L")
    sizes = _sizes_text(instance)
    parts = [p for p in (layers, sizes) if p]
    return " with ".join(parts) if parts else "as written"


# -- checking -------------------------------------------------------------------------------------

def check(plan_: Plan, timeout: float, diagnose: bool = True) -> Verdict:
    """Decide every instance of the plan. An exact plan (nothing chosen) is decided symbolically,
    entry by entry (`engine.verify.decide_entry`); otherwise each instance is evaluated at
    `SAMPLES` random points, each with its own concrete stand-ins for the unknown functions, in
    exact arithmetic where the functions allow it. `diagnose`: say what kind of slip a refuted
    scalar claim is (skipped when only the status matters)."""
    start = clock()
    if plan_.unknown:   # true for every value of the unknown: an identity; else it says what it is
        verdict = check(replace(plan_, unknown=""), timeout, diagnose=False)
        if verdict.status.holds:
            return replace(verdict, note=f"{verdict.note}; whatever {plan_.unknown} is"
                           if verdict.note else f"whatever {plan_.unknown} is")
        return Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="none",
                       note=f"{plan_.unknown} is not defined and only one side depends on it: the "
                            "claim says what it is rather than stating an identity; define it "
                            "with --where")
    if plan_.general and not plan_.lhs.has(sp.Indexed) and not plan_.rhs.has(sp.Indexed):
        whole = {n: sp.Symbol(n.name, integer=True, positive=True) for n in plan_.general}
        sizes = {A.index_size(limit[0]): limit[2] for side in (plan_.lhs, plan_.rhs)
                 for total in side.atoms(sp.Sum, sp.Product) for limit in total.limits}
        left, right = (side.xreplace(sizes).xreplace(whole) for side in (plan_.lhs, plan_.rhs))
        verdict = decide_entry(left, right, plan_.assumptions, timeout / 3)
        if verdict.status is Status.PROVED:
            return replace(verdict, lhs=plan_.lhs, rhs=plan_.rhs, method=verdict.method +
                           ", for every whole " + ", ".join(n.name for n in plan_.general))
        if verdict.status is Status.REFUTED and _every_range_runs(verdict.counterexample,
                                                                   (left, right)):
            # a whole n where the sides differ (its counterexample): the few sizes of the
            # instances could all agree (a closed form that fits n = 1, 2, 3 only)
            return replace(verdict, lhs=plan_.lhs, rhs=plan_.rhs)
    by_reading: dict[str, list] = {}
    for instance in plan_.instances:
        remaining = timeout - (clock() - start)
        if remaining <= 0.05:
            verdict = Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, note="time limit reached")
        else:
            try:
                if plan_.exact:
                    verdict = _decided(instance, remaining, plan_.assumptions, diagnose)
                else:   # the instances vary the point too: one sample each when several
                    samples = SAMPLES if len(plan_.instances) == 1 else 1
                    verdict = _sampled(instance, plan_.assumptions, samples)
            except ShapeError as err:   # e.g. a sum to a stated width runs past an array
                verdict = Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="instantiated",
                                  note=f"cannot evaluate {_where(instance, {}, None)}: {err}")
            except EVALUATION_ERRORS as err:   # SymPy at a sample: Max of a complex number
                verdict = Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="instantiated",
                                  note=f"cannot evaluate {_where(instance, {}, None)}: "
                                       f"{one_line(err, 120)}")
        by_reading.setdefault(instance.reading, []).append(verdict)
        if verdict.status is Status.REFUTED and len(plan_.readings) == 1:
            break
    seconds = clock() - start
    verdicts = {reading: replace(_combine(plan_, found), seconds=seconds)
                for reading, found in by_reading.items()}
    if _every_array_one_entry(plan_) or plan_.ordered:
        verdicts = {reading: _no_evidence(v, plan_.ordered) for reading, v in verdicts.items()}
    elif (alone := _a_matrix_as_a_number(plan_)) is not None:
        verdicts = {reading: _no_evidence(v, alone=alone) for reading, v in verdicts.items()}
    readable = {r: v for r, v in verdicts.items() if not _unevaluable(v)}
    if readable and len(readable) < len(verdicts):   # a reading that cannot be evaluated is none
        verdicts = readable
    if len(verdicts) == 1:
        return next(iter(verdicts.values()))
    if len({v.status for v in verdicts.values()}) == 1:
        chosen = next(iter(verdicts.values()))
        return replace(chosen, note=(chosen.note + "; " if chosen.note else "")
                       + "the same " + " and ".join(f"under the {r}" if r else "with no implied sum"
                                                    for r in verdicts))
    described = "; ".join(f"with {reading or 'no implied sum'} it is {v.status.value}" +
                          (f" ({v.note})" if v.note else "") for reading, v in verdicts.items())
    return Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="two readings",
                   note=f"ambiguous: {described}; say which with --where (a layout: "
                        "'\\text{numerator layout}' or '\\text{denominator layout}'; "
                        "'\\text{Einstein summation}')")


def _every_array_one_entry(plan_: Plan) -> bool:
    """Whether the claim names vectors or matrices and every instance made each of them a
    single entry: the sizes the claim and its definitions force (dC/dTheta = a delta^T with
    Theta a number; dC/dW^l = (a^{l-1})^T delta^l, where the definitions' other quantities
    may have more), where a transposition or an order of factors cannot show."""
    shapes = [shape for instance in plan_.instances if instance.shapes
              for own in [names_in(instance.lhs) | names_in(instance.rhs)]
              for name, shape in instance.shapes.items() if name in own]
    return bool(shapes) and all(shape == (1, 1) for shape in shapes)


def _a_matrix_as_a_number(plan_: Plan) -> str | None:
    """A name of the claim that every instance could only make one entry, or a matrix's
    uppercase letter read as a number multiplying a vector, while other vectors of the claim
    have more entries: the name whose sizes the claim fits only that way (grad_w |Xw - y|^2 =
    2X^T X w - 2y^T X fits only with w one entry, X a column; dC/da = W delta with W a number).
    What holds then says nothing of the matrix it stands for. None when there is none."""
    single, wider = None, False
    for instance in plan_.instances:
        own = names_in(instance.lhs) | names_in(instance.rhs)
        arrays = {name: shape for name, shape in instance.shapes.items() if name in own}
        wider = wider or any(shape != (1, 1) for shape in arrays.values())
        ones = {_letter(name) for name, shape in arrays.items() if shape == (1, 1)}
        array_symbols = {s for side in (instance.lhs, instance.rhs) for s in side.free_symbols
                         if getattr(s, "name", None) in instance.shapes}
        numbers = {_letter(s.name) for side in (instance.lhs, instance.rhs)
                   for product in side.atoms(sp.Mul)
                   if any(a.free_symbols & array_symbols for a in product.args)
                   for s in product.args   # (a matrix's letter as a factor: W delta)
                   if isinstance(s, sp.Symbol) and s.name not in instance.shapes
                   and (len(_letter(s.name)) == 1 and s.name[:1].isupper()
                        or _letter(s.name) in GREEK_CAPITALS)}
        found = ones | numbers   # (by letter: W^{1} at one layer is W^{2} at the next)
        single = found if single is None else single & found
    return min(single) if wider and single else None


GREEK_CAPITALS = frozenset(g for g in GREEK if g[0].isupper())


def _letter(name: str) -> str:
    """The letter of a quantity's name, without its layer or subscript (W of W^{2}_{jk})."""
    return name.split("^")[0].split("_")[0]


def _no_evidence(verdict: Verdict, ordered: str = "", alone: str = "") -> Verdict:
    """A verdict that holds at single entries only is no evidence: UNDECIDED, with the reason
    (`ordered`: the product of layer quantities that were all read as numbers; `alone`: the one
    name that could only be one number)."""
    if not verdict.status.holds:
        return verdict
    why = f"every quantity of the layers was read as a number, where their product {ordered} " \
        "cannot show a transposition or the order of its factors" if ordered else \
        f"{alone} could only be read as one number (the sizes the claim and its definitions " \
        "allow), where a transposition or the order of factors cannot show" if alone else \
        "every vector and matrix could only be given one entry (the sizes the claim and its " \
        "definitions allow), where a transposition or the order of factors cannot show"
    return replace(verdict, status=Status.UNDECIDED, method="instantiated",
                   note=why + ": declare the sizes (as in W \\in \\mathbb{R}^{m \\times n})" +
                        ("" if ordered or alone else ", or write a matrix in uppercase"))


def _every_range_runs(example, sides) -> bool:
    """Whether at the counterexample's point every sum and product of the sides runs over one
    value or more. A formula meant for n >= 3 is no identity at n = 1, where SymPy still gives
    the sum from 3 to 1 a value: a difference there refutes nothing."""
    if example is None:
        return False
    point = {s: example.point[s.name] for side in sides for s in side.free_symbols
             if isinstance(s, sp.Symbol) and s.name in example.point}
    for side in sides:
        for big in side.atoms(sp.Sum, sp.Product):
            for _, low, high in big.limits:
                runs = (high - low).xreplace(point)
                if not (runs.is_number and runs >= 0):
                    return False
    return True


def _combine(plan_: Plan, verdicts: list) -> Verdict:
    evaluated = [v for v in verdicts if not _unevaluable(v)]
    skipped = len(verdicts) - len(evaluated)
    if evaluated and skipped:   # ill-formed at some sizes (a sum past an array): say so
        verdicts = [replace(v, note=_joined_note(v.note, f"{skipped} instance(s) could not be "
                                                 "evaluated (an index past an array)"))
                    for v in evaluated]
    bad = worst(verdicts)
    heads = {m.args[0] for side in (plan_.lhs, plan_.rhs) for m in side.atoms(A.Map)}
    names = sorted({str(s) for side in (plan_.lhs, plan_.rhs) for s in side.free_symbols
                    if isinstance(s, sp.Symbol) and not s.is_integer and s not in heads
                    and not isinstance(s, A.IndexSize)} - {
        i.base.label.name for side in (plan_.lhs, plan_.rhs) for i in side.atoms(sp.Indexed)} | {
        i.base.label.name for side in (plan_.lhs, plan_.rhs) for i in side.atoms(sp.Indexed)})
    assumptions = tuple(plan_.assumptions.describe(names)) if plan_.assumptions is not None \
        else ()
    common = dict(lhs=plan_.lhs, rhs=plan_.rhs, assumptions=assumptions)
    if bad.status in (Status.REFUTED, Status.UNDECIDED):
        return replace(bad, **common)
    status = bad.status if plan_.exact else Status.NUMERIC
    note = None if plan_.exact else ("holds at every layer, size and index tried, at "
                                     "random points; not a proof for every size")
    return replace(bad, status=status, method="instantiated, compared entry by entry", note=note,
                   points=sum(v.points for v in verdicts), counterexample=None,
                   lhs_value=None, rhs_value=None, difference=None,
                   covered="" if plan_.exact else (plan_.covered or "as written"), **common)


def _unevaluable(verdict: Verdict) -> bool:
    return verdict.status is Status.UNDECIDED and (verdict.note or "").startswith("cannot evaluate")


def _joined_note(first, second: str) -> str:
    return f"{first}; {second}" if first else second


def _decided(instance: Instance, timeout: float, assumptions, diagnose: bool = True) -> Verdict:
    start = clock()
    env = Environment(instance, assumptions=assumptions)
    differentiated = any(side.has(sp.Derivative, A.Partial, A.Grad, A.Jacobian)
                         for side in (instance.lhs, instance.rhs))
    results = []
    for indices in instance.index_values:
        pairs = _entry_pairs(env.claim_value(instance.lhs, indices),
                             env.claim_value(instance.rhs, indices))
        for position, (p, q) in pairs:
            remaining = timeout - (clock() - start)
            if remaining <= 0.05:
                return Verdict(Status.UNDECIDED, instance.lhs, instance.rhs,
                               note="time limit reached")
            verdict = decide_entry(p, q, assumptions, remaining, differentiated=differentiated)
            if verdict.status is Status.REFUTED:
                where = _fails(instance, indices, position)
                if where is None and diagnose:   # a scalar claim as written: what kind of slip
                    verdict = _explained(verdict, instance, p, q, assumptions, start + timeout)
                return replace(verdict, note=where, counterexample=_with_sizes(
                    verdict.counterexample, instance))
            results.append(verdict)
    return worst(results) if results else Verdict(Status.PROVED, instance.lhs, instance.rhs,
                                                  method="identical sides")


def _with_sizes(example, instance: Instance):
    """A counterexample with the sizes the instance gave the claim's own names (n = 4 of a sum
    to n) before its point."""
    own = instance.lhs.free_symbols | instance.rhs.free_symbols
    sized = {str(k): sp.Integer(v) for k, v in instance.sizes_of.items()
             if not isinstance(k, A.IndexSize) and k in own}
    if example is None or not sized:
        return example
    return replace(example, point={**sized, **example.point})


EXPLAINED = 40          # operations in a refuted entry beyond which no diagnosis is tried
EXPLAIN_SECONDS = 2.0   # only a guard: what is diagnosed depends on the size, never on the time


def _explained(verdict: Verdict, instance: Instance, p, q, assumptions, deadline) -> Verdict:
    """The kind of slip of a refuted scalar claim, and its correct side where that reads about as
    short as the side it replaces (written with the definitions expanded, out_{o1} as the
    logistic of its weighted sum, it would not be the document's notation)."""
    from derive.engine.diagnose import explain
    if any(sp.count_ops(e) > EXPLAINED or e.has(*NON_SMOOTH) for e in (p, q)):
        return verdict   # the definitions written out at length, or |x|: no short correction
    try:   # a courtesy
        with time_limit(EXPLAIN_SECONDS):
            verdict = explain(verdict, instance.lhs, instance.rhs, p, q, assumptions,
                              min(deadline, clock() + EXPLAIN_SECONDS))
    except TaskTimeout:
        return verdict
    if verdict.correct is not None:
        replaced = instance.rhs if verdict.correct_side == "rhs" else instance.lhs
        if sp.count_ops(verdict.correct) > 2 * sp.count_ops(replaced) + 2:
            verdict = replace(verdict, correct=None)   # the side to correct is still known
    return verdict


def _sampled(instance: Instance, assumptions, samples: int = SAMPLES) -> Verdict:
    """The instance at `samples` random points, computed with DIGITS-digit numbers: REFUTED at
    the first point where an entry differs (and still differs computed again with twice the
    digits), NUMERIC when every entry agrees at every point. A point where a side is not real
    (the root or logarithm of a negative value) is no evidence: up to REDRAWS points of positive
    values are drawn in its place, and the claim holds at most where both sides are real.
    A claim with kinks (max(0, z), |x|) may hold on one side of them only, so up to KINK_DRAWS
    further points are drawn until the argument of every kink met has fallen on both sides of
    it (`engine.kinks`); a point at a kink is no evidence either way."""
    compared, taken, one_side, unreal = 0, 0, None, None
    sides, kinked = Signs(), False
    extra = range(samples, samples + KINK_DRAWS)
    for sample in [*range(samples), *extra, *range(POSITIVE, POSITIVE + REDRAWS)]:
        if taken >= samples and sides.covered():
            break
        if (sample in extra and not kinked) or (sample >= POSITIVE and taken >= samples):
            continue   # no kink to see the other side of; positive values show none
        env = Environment(instance, sample=sample, assumptions=assumptions)
        found = _at_sample(env, instance, assumptions, sample, compared)
        kinked = kinked or bool(env.kinks.seen)
        if env.kinks.near:
            continue
        if isinstance(found, Verdict):
            return found
        if isinstance(found, _NotReal):
            unreal = unreal or found.where
            one_side = one_side or found.one_side_real
        else:
            compared, taken = found, taken + 1
            sides.gather(env.kinks)
    if not taken:
        note = f"could not compare the values {unreal}: a side is not real at any of the " \
               "points tried" if unreal else ("could not compare the values: every point tried "
                                              "is at a kink (an argument of max, |.| or a step "
                                              "is 0)")
        return Verdict(Status.UNDECIDED, instance.lhs, instance.rhs, method="instantiated",
                       note=note)
    return Verdict(Status.NUMERIC, instance.lhs, instance.rhs, method="numeric", points=compared,
                   one_side_real=one_side)


@dataclass(frozen=True)
class _NotReal:
    """A point where a side of an entry is not real: where, and the point when the other is."""

    where: str
    one_side_real: dict | None


def _at_sample(env: Environment, instance: Instance, assumptions, sample: int, compared: int):
    """The instance at one point: the verdict when it is refuted there or its values cannot be
    compared; the count of entries compared so far when every entry agrees; or _NotReal."""
    for indices in instance.index_values:
        pairs = _entry_pairs(env.claim_value(instance.lhs, indices),
                             env.claim_value(instance.rhs, indices))
        for position, (p, q) in pairs:
            same = _same_number(p, q, DIGITS)
            if same is False:   # confirm with twice the digits before calling it wrong
                fine = Environment(instance, sample=sample, assumptions=assumptions,
                                   digits=2 * DIGITS)
                fine_pairs = dict(_entry_pairs(fine.claim_value(instance.lhs, indices),
                                               fine.claim_value(instance.rhs, indices)))
                same = _same_number(*fine_pairs[position], 2 * DIGITS)
                if same is False:
                    p, q = fine_pairs[position]
                    written = names_in(instance.lhs) | names_in(instance.rhs)
                    point = env.point_names()   # the claim's own names first
                    point = dict(sorted(point.items(),
                                        key=lambda kv: kv[0].split("[")[0] not in written))
                    example = _with_sizes(Counterexample(point, sp.N(p, 15), sp.N(q, 15),
                                                         functions=env.functions_used()),
                                          instance)
                    return Verdict(Status.REFUTED, instance.lhs, instance.rhs,
                                   method="numeric counterexample", counterexample=example,
                                   note=_fails(instance, indices, position),
                                   points=compared + 1)
            if same is None:
                real = [_real(p), _real(q)]
                where = _where(instance, indices, position)
                if None in real or all(real):   # not numbers, or too close to tell
                    return Verdict(Status.UNDECIDED, instance.lhs, instance.rhs,
                                   method="instantiated",
                                   note="could not compare the values " + where)
                return _NotReal(where, env.point_names() if any(real) else None)
            compared += 1
    return compared


def _real(v) -> bool | None:
    """Whether the number `v` is real and finite; None when it is no number (it has a name or an
    unknown function left in it, or cannot be evaluated)."""
    try:
        if not isinstance(v, sp.Basic) or not v.is_number or v.has(AppliedUndef, sp.Derivative,
                                                                     sp.Subs):
            return None
        value = v.evalf(15)
    except EVALUATION_ERRORS:
        return None
    return bool(value.is_Number and value.is_finite)


def _same_number(p, q, digits: int) -> bool | None:
    """True when p and q agree to 20 digits, False when they differ in the first 8, None when
    they cannot be evaluated or are too close to tell. (A derivative at a sample is a central
    difference with step 10^-STEP, exact to about 2 STEP digits; nested, to about STEP.)"""
    if not isinstance(p, sp.Basic) or not isinstance(q, sp.Basic):
        return None
    try:
        d = p - q
        if d.free_symbols or d.has(AppliedUndef, sp.Derivative, sp.Subs):
            return None
        if d.is_Rational:
            return d == 0
        value = d.evalf(digits)
        scale = 1 + abs(p.evalf(digits)) + abs(q.evalf(digits))
    except EVALUATION_ERRORS:   # a value too deep for SymPy to subtract or evaluate
        return None
    if not (value.is_Number and scale.is_Number and value.is_finite and scale.is_finite):
        return None
    if abs(value) <= sp.Float(10) ** -20 * scale:
        return True
    if abs(value) > sp.Float(10) ** -8 * scale:
        return False
    return None


def _fails(instance: Instance, indices: dict, position) -> str | None:
    """Where a claim fails (a layer, an index, sizes), or None when it has nothing to choose."""
    where = _where(instance, indices, position)
    return None if where == "as written" else f"fails {where}"


def _where(instance: Instance, indices: dict, position) -> str:
    parts = [f"{k} = {v}" for k, v in sorted(instance.labels.items(), key=lambda kv: str(kv[0]))
             if str(k) != "L"]
    parts += [f"{k} = {v}" for k, v in indices.items()]
    if position is not None:
        parts.append(f"entry ({position[0] + 1}, {position[1] + 1})")
    sizes = _sizes_text(instance)
    where = "at " + ", ".join(parts) if parts else "as written"
    return where + (f" (sizes: {sizes})" if sizes else "")


def _entry_pairs(left, right) -> list:
    lm, rm = isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase)
    if lm and left.shape == (1, 1):
        left, lm = left[0, 0], False
    if rm and right.shape == (1, 1):
        right, rm = right[0, 0], False
    if lm != rm:
        raise ShapeError("one side is a vector or matrix, the other a number")
    if not lm:
        return [(None, (left, right))]
    if left.shape != right.shape:
        raise ShapeError(f"the sides have shapes {left.shape} and {right.shape}")
    if left.rows * left.cols > MAX_ENTRIES:
        raise ShapeError("too many entries")
    return [((r, c), (left[r, c], right[r, c])) for r in range(left.rows)
            for c in range(left.cols)]

