"""Index-level, vector and layer claims, decided by instantiating them at small concrete sizes.

A claim such as `\\partial C / \\partial W^l_{jk} = a^{l-1}_k \\delta^l_j` or
`\\nabla_x x^T A x = (A + A^T) x` says something for every size, every layer and every index. It is
checked the way a careful reader checks it by hand, only exhaustively:

1. `plan` (cheap, in the caller): every layer label in l or m takes each value for which the claim's
   layers exist in a network of `DEPTH` layers (L is the last); the sizes of the arrays are found by
   unification (`engine.shapes`) and what stays free gets small distinct sizes, twice (two size
   patterns); free indices take every value. A claim whose sizes cannot agree is refused.
2. `check` (in a worker): every name gets an explicit value: a matrix of independent real symbols,
   or its definition from the document (`text.context`), evaluated; a derivative by a defined
   quantity treats that quantity as free, as the chain rule's notation means; an undefined cost C
   is an unknown function of the network's output. Both sides are compared entry by entry with
   `engine.verify.decide`.

The verdict says which layers and sizes it covered. A failure at one instance is a real
counterexample (REFUTED); agreement at every instance is evidence for the sizes tried, so the
verdict is NUMERIC, or PROVED when the claim has no size, layer or index to choose. A claim read two
ways (a Jacobian's layout, when the document does not say) is decided both ways; if the readings
disagree the verdict is UNDECIDED and says what each reading gives.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.search import sample_values
from derive.engine.shapes import SCALAR, Shaper, ShapeError
from derive.engine.verdict import Counterexample, Status, Verdict, worst
from derive.text import arrays as A
from derive.text.builder import FUNCTIONS
from derive.text.context import Context
from derive.text.limits import InputError

DEPTH = 2                       # layers 1..DEPTH above the input layer 0; L is the last
SIZE_PATTERNS = ((2, 3, 4), (3, 4, 2))   # distinct widths, so a sum to the wrong bound shows
MAX_INDEX_VALUES = 48           # free index assignments checked per instance
MAX_ENTRIES = 400
SAMPLES = 3                     # random points (with stand-ins for unknown functions) per instance
DIGITS = 120                    # working precision of a sampled evaluation
_COMPILED: dict = {}            # (function, arity, order, sample, digits) -> compiled stand-in
STEP = 30                       # derivatives at a sample: central differences with step 10^-STEP


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


def needs_instances(lhs, rhs, context: Context | None, quantities: dict) -> bool:
    """Whether the claim needs concrete sizes (arrays, entries, labels or definitions)."""
    if context is not None and (context.definitions or context.shapes):
        return True
    if any(q.schema or q.array for q in quantities.values()):
        return True
    return any(A.has_arrays(side) or _open_sums(side) for side in (lhs, rhs))


def _open_sums(expr) -> bool:
    return any(not (limit[2].is_Integer and limit[1].is_Integer)
               for s in expr.atoms(sp.Sum, sp.Product) for limit in s.limits)


# -- planning -------------------------------------------------------------------------------------

def plan(lhs, rhs, quantities: dict, context: Context | None, assumptions=None,
         last_layer: bool = False) -> Plan:
    """The instances to check (raises ShapeError when no reading of the sizes agrees);
    `last_layer`: the claim is about the output layer, so its label is L."""
    context = context or Context()
    rewrites = {d.target: d.value for d in context.definitions if d.rewrite}
    lhs, rhs = _rewritten(lhs, rewrites), _rewritten(rhs, rewrites)
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
    instances, errors, covered = [], [], []
    layers = _label_values(label_vars, lhs, rhs, quantities)
    if last_layer:
        layers = [v for v in layers if all(v.get(x) == DEPTH for x in label_vars)]
    # with several layers the sizes already vary from layer to layer; each pattern shifts them
    patterns = SIZE_PATTERNS if len(layers) == 1 else \
        [SIZE_PATTERNS[n % len(SIZE_PATTERNS)] for n in range(len(layers))]
    for number, values in enumerate(layers):
        for (convention, left, right), layout_reading in itertools.product(variants, readings):
            reading = " and ".join(r for r in (convention, layout_reading) if r)
            layout = {"numerator layout": 0, "denominator layout": 1}.get(layout_reading,
                                                                           context.layout)
            for pattern in (SIZE_PATTERNS if len(layers) == 1 else [patterns[number]]):
                try:
                    instance = _instance(left, right, quantities, context, definitions, functions,
                                         values, pattern, layout)
                except ShapeError as err:
                    errors.append((reading, str(err)))
                    break
                instances.append(replace(instance, reading=reading, constraints=constraints))
                covered.append(_describe(values, instance))
                if not _free_sizes(instance):
                    break   # nothing to vary: one size pattern is the whole story
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
                                if not isinstance(s, A.IndexSize)}, key=str))
    return Plan(lhs, rhs, tuple(instances), good, exact,
                "; ".join(dict.fromkeys(c for c in covered if c)), assumptions, general,
                _one_sided(instances[0]))


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
        uses.setdefault(_target_name(target), set()).update(_names_in(value))

    if instance.cost:
        uses.setdefault(instance.cost[0], set()).update(instance.cost[1])
    left, right = (_closure(_names_in(side), uses) for side in (instance.lhs, instance.rhs))
    # a name inside what is differentiated may vanish from the other side (d/db (W a + b) = 1)
    written = _names_outside_derivatives(instance.lhs) | _names_outside_derivatives(instance.rhs)
    variables = {_owner(d.args[1] if not isinstance(d, sp.Derivative) else d.variables[0])
                 for side in (instance.lhs, instance.rhs)
                 for d in side.atoms(A.Grad, A.Partial, A.Jacobian, sp.Derivative)}
    defined = set(uses) | ({instance.cost[0]} if instance.cost else set())
    for name in sorted((left ^ right) & written):
        if name in instance.shapes and name not in defined and name not in variables:
            return name
    return ""


def _names_outside_derivatives(expr) -> set[str]:
    derivatives = expr.atoms(sp.Derivative, A.Partial, A.Grad, A.Jacobian)
    return _names_in(expr.xreplace({d: sp.Dummy() for d in derivatives}))


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
        q = quantities.get(_target_name(target))
        if q is not None and q.schema:
            schemas[q.name] = (q, value)
    for q, _ in schemas.values():
        for other, value in schemas.values():
            for used in _names_in(value):
                u = quantities.get(used)
                if u is not None and u.schema and (u.letter, u.font, u.style) == (
                        q.letter, q.font, q.style) and sp.simplify(q.label - u.label) == 1:
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
    shaper = Shaper(dict(concrete), _declared(context, quantities, values), context.row_vectors)
    for target, value in needed:
        if isinstance(target, sp.Indexed):
            shaper.shape(target)
            if shaper.shape(value) is not SCALAR:
                raise ShapeError(f"{target} is an entry but its definition is a vector")
        else:
            shaper.unify(shaper.shape(target), shaper.shape(value), f"the definition of {target}")
    left, right = shaper.shape(lhs_c), shaper.shape(rhs_c)
    shaper.unify(left, right, "the two sides")
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
    return Instance(dict(values), lhs_c, rhs_c, tuple(needed), functions, shapes,
                    tuple(combos[:MAX_INDEX_VALUES]), sizes_of, cost, chosen=chosen)


def _with_layout(expr, layout):
    if layout is None:
        return expr
    return expr.replace(lambda e: isinstance(e, A.Jacobian),
                        lambda e: A.Jacobian(e.args[0], e.args[1], sp.Integer(layout)))


def _declared(context: Context, quantities: dict, values: dict) -> dict:
    declared = {}
    for name, dims in context.shapes.items():
        q = quantities.get(name)
        declared[q.at_layer(values) if q is not None else name] = dims
    return declared


def _names_in(expr) -> set[str]:
    return {s.name for s in expr.atoms(sp.Symbol) if not isinstance(s, A.IndexSize)} | {
        i.base.label.name for i in expr.atoms(sp.Indexed)}


def _concrete_definitions(lhs, rhs, quantities, definitions, concrete, layout, extra=()) -> list:
    """The definitions the claim needs, at the layers it needs them, in dependency order."""
    schemas = []
    for target, value in definitions:
        tq = quantities.get(_target_name(target))
        schemas.append((target, value, tq))
    needed, seen, order = {}, set(), []
    todo = list(_names_in(lhs) | _names_in(rhs) | set(extra))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        q = concrete.get(name)
        for target, value, tq in schemas:
            values = _matching_layer(tq, q, name, target)
            if values is None:
                continue
            t = _with_layout(_rename(target, quantities, values, concrete), layout)
            v = _with_layout(_rename(value, quantities, values, concrete), layout)
            if not _labels_in_range(t, v, concrete):
                continue
            needed[name] = _own_indices(t, v, name)
            todo.extend(_names_in(v) - seen)
            break
    # dependency order: a definition after those it uses
    done: set = set()

    def visit(name, trail=()):
        if name in done or name not in needed:
            return
        if name in trail:
            raise ShapeError(f"the definitions are circular through {name}")
        for used in _names_in(needed[name][1]):
            if used != name:
                visit(used, trail + (name,))
        done.add(name)
        order.append(needed[name])
    for name in sorted(needed):
        visit(name)
    return order


def _target_name(target) -> str:
    if isinstance(target, sp.Indexed):
        return target.base.label.name
    return target.name


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
        return {A.LABEL_VARIABLES["L"]: sp.Integer(DEPTH)} if _target_name(target) == name \
            else None
    if q is None or q.label is None or (tq.letter, tq.font, tq.style) != (q.letter, q.font, q.style):
        return None
    free = [v for v in tq.label.free_symbols if v.name in ("l", "m")]
    base = {A.LABEL_VARIABLES["L"]: sp.Integer(DEPTH)}
    if not free:
        return base if tq.label.xreplace(base) == q.label else None
    (var,) = free
    solution = sp.solve(sp.Eq(tq.label.xreplace(base), q.label), var)
    if len(solution) != 1 or not solution[0].is_Integer or q.label < 1:
        return None   # layer 0 is the input: no layer's definition applies to it
    return {**base, var: sp.Integer(solution[0])}


def _labels_in_range(target, value, concrete) -> bool:
    for name in _names_in(target) | _names_in(value):
        q = concrete.get(name)
        if q is not None and q.label is not None and q.label.is_Integer \
                and not 0 <= int(q.label) <= DEPTH and q.style != "*":
            return False
    return True


def _cost(lhs, rhs, definitions, top: str | None) -> tuple:
    """An undefined scalar that is differentiated as a whole (the C of dC/dW): the names it is a
    function of. The network's output (the last layer's activation) when there is a network, else
    the quantity furthest down the definitions among those it is differentiated by."""
    defined = {_target_name(t) for t, _ in definitions}
    uses = {_target_name(t): _names_in(v) for t, v in definitions}
    owners_of: dict[str, set] = {}
    for e in [lhs, rhs] + [v for _, v in definitions]:
        for d in e.atoms(A.Grad, A.Partial, A.Jacobian, sp.Derivative):
            operand = d.args[0]
            if isinstance(operand, sp.Symbol) and operand.is_commutative \
                    and operand.name not in defined and not operand.is_integer:
                variable = d.args[1] if not isinstance(d, sp.Derivative) else d.variables[0]
                owners_of.setdefault(operand.name, set()).add(_owner(variable))
    if not owners_of:
        return ()
    if len(owners_of) > 1:
        raise InputError(f"{' and '.join(sorted(owners_of))} are differentiated but not defined: "
                         "define them with --where")
    (name, owners), = owners_of.items()
    if top is not None:
        stray = sorted(o for o in owners if o is not None and o not in defined
                       and o not in _closure([top], uses))
        if stray:
            raise InputError(f"{name} is a function of the network's output {top}, but is "
                             f"differentiated by {', '.join(stray)}, which is not part of the "
                             f"network; define it, e.g. --where '{stray[0]} = ...'")
        return (name, (top,))
    owners = {o for o in owners if o is not None}

    last = sorted(o for o in owners
                  if not any(o in _closure(uses.get(other, ()), uses) for other in owners))
    if len(last) == 1 or (last and not any(o in defined for o in last)):
        return (name, tuple(last))
    raise InputError(f"{name} is differentiated by {', '.join(sorted(owners))} but not defined: "
                     "say what it is a function of with --where")


def _closure(start, graph: dict) -> set:
    """`start` and everything reachable from it in `graph` (name -> names)."""
    found, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(graph.get(name, ()))
    return found


def _owner(variable) -> str | None:
    if isinstance(variable, sp.Indexed):
        return variable.base.label.name
    if isinstance(variable, sp.Symbol):
        return variable.name
    return None


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


def _bind_free(expr, var, value):
    """`expr` with the index `var` given `value` where it is free: a sum that runs over a letter
    of the same name keeps its own (sum_i inside a claim about x_i)."""
    if not any(limit[0] == var for total in expr.atoms(sp.Sum, sp.Product)
               for limit in total.limits):
        return expr.xreplace({var: value})

    def put(e):
        if e == var:
            return value
        if isinstance(e, (sp.Sum, sp.Product)) and any(limit[0] == var for limit in e.limits):
            return e
        if not e.args or isinstance(e, A.IndexSize):
            return e
        return e.func(*[put(a) for a in e.args])
    return put(expr)


def _separate_bound(expr, free: set):
    """A sum's own index renamed when the same letter is also a free index of the claim (x_i +
    sum_i y_i), so giving the free one a value leaves the sum alone."""
    def rename(total):
        limits, body = [], total.function
        for var, low, high in total.limits:
            if var in free:
                fresh = sp.Symbol(f"{var.name}'", integer=True, positive=True)
                body = body.xreplace({var: fresh})
                high = A.index_size(fresh) if isinstance(high, A.IndexSize) else high
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
    named = _names_in(instance.lhs) | _names_in(instance.rhs)
    return ", ".join(f"{name} {r}x{c}" if c != 1 else f"{name} {r}"
                     for name, (r, c) in sorted(instance.shapes.items()) if name in named)


def _describe(values: dict, instance: Instance) -> str:
    layers = ", ".join(f"{k} = {v}" for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))
                       if str(k) != "L")
    sizes = _sizes_text(instance)
    parts = [p for p in (layers, sizes) if p]
    return " with ".join(parts) if parts else "as written"


# -- checking -------------------------------------------------------------------------------------

def check(plan_: Plan, timeout: float, decide) -> Verdict:
    """Decide every instance of the plan. An exact plan (nothing chosen) is decided symbolically,
    entry by entry, with `decide(lhs, rhs, seconds)`; otherwise each instance is evaluated at
    `SAMPLES` random points, each with its own concrete stand-ins for the unknown functions, in
    exact arithmetic where the functions allow it."""
    start = time.monotonic()
    if plan_.unknown:
        return Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="none",
                       note=f"{plan_.unknown} is not defined and only one side depends on it: the "
                            "claim says what it is rather than stating an identity; define it "
                            "with --where")
    if plan_.general and not plan_.lhs.has(sp.Indexed) and not plan_.rhs.has(sp.Indexed):
        whole = {n: sp.Symbol(n.name, integer=True, positive=True) for n in plan_.general}
        sizes = {A.index_size(limit[0]): limit[2] for side in (plan_.lhs, plan_.rhs)
                 for total in side.atoms(sp.Sum, sp.Product) for limit in total.limits}
        verdict = decide(plan_.lhs.xreplace(sizes).xreplace(whole),
                         plan_.rhs.xreplace(sizes).xreplace(whole), timeout / 3)
        if verdict.status is Status.PROVED:
            return replace(verdict, lhs=plan_.lhs, rhs=plan_.rhs, method=verdict.method +
                           ", for every whole " + ", ".join(n.name for n in plan_.general))
    by_reading: dict[str, list] = {}
    for instance in plan_.instances:
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0.05:
            verdict = Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, note="time limit reached")
        else:
            try:
                if plan_.exact:
                    verdict = _decided(instance, remaining, decide)
                else:   # the instances vary the point too: one sample each when several
                    samples = SAMPLES if len(plan_.instances) == 1 else 1
                    verdict = _sampled(instance, plan_.assumptions, samples)
            except ShapeError as err:   # e.g. a sum to a stated width runs past an array
                verdict = Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="instantiated",
                                  note=f"cannot evaluate {_where(instance, {}, None)}: {err}")
        by_reading.setdefault(instance.reading, []).append(verdict)
        if verdict.status is Status.REFUTED and len(plan_.readings) == 1:
            break
    seconds = time.monotonic() - start
    verdicts = {reading: replace(_combine(plan_, found), seconds=seconds)
                for reading, found in by_reading.items()}
    readable = {r: v for r, v in verdicts.items() if not _unevaluable(v)}
    if readable and len(readable) < len(verdicts):   # a reading that cannot be evaluated is none
        verdicts = readable
    if len(verdicts) == 1:
        return next(iter(verdicts.values()))
    if len({v.status for v in verdicts.values()}) == 1:
        chosen = next(iter(verdicts.values()))
        return replace(chosen, note=(chosen.note + "; " if chosen.note else "")
                       + f"the same under the {' and the '.join(verdicts)}")
    described = "; ".join(f"with {reading or 'no implied sum'} it is {v.status.value}" +
                          (f" ({v.note})" if v.note else "") for reading, v in verdicts.items())
    return Verdict(Status.UNDECIDED, plan_.lhs, plan_.rhs, method="two readings",
                   note=f"ambiguous: {described}; say which with --where (a layout: "
                        "'\\text{numerator layout}' or '\\text{denominator layout}'; "
                        "'\\text{Einstein summation}')")


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


def _decided(instance: Instance, timeout: float, decide) -> Verdict:
    start = time.monotonic()
    env = Environment(instance)
    results = []
    for indices in instance.index_values:
        pairs = _entry_pairs(env.claim_value(instance.lhs, indices),
                             env.claim_value(instance.rhs, indices))
        for position, (p, q) in pairs:
            remaining = timeout - (time.monotonic() - start)
            if remaining <= 0.05:
                return Verdict(Status.UNDECIDED, instance.lhs, instance.rhs,
                               note="time limit reached")
            verdict = decide(p, q, remaining)
            if verdict.status is Status.REFUTED:
                return replace(verdict, note=f"fails {_where(instance, indices, position)}")
            results.append(verdict)
    return worst(results) if results else Verdict(Status.PROVED, instance.lhs, instance.rhs,
                                                  method="identical sides")


def _sampled(instance: Instance, assumptions, samples: int = SAMPLES) -> Verdict:
    """The instance at SAMPLES random points, computed with DIGITS-digit numbers: REFUTED at the
    first point where an entry differs (and still differs computed again with twice the digits),
    NUMERIC when every entry agrees at every point."""
    compared = 0
    for sample in range(samples):
        env = Environment(instance, sample=sample, assumptions=assumptions)
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
                        written = _names_in(instance.lhs) | _names_in(instance.rhs)
                        point = env.point_names()   # the claim's own names first
                        point = dict(sorted(point.items(),
                                            key=lambda kv: kv[0].split("[")[0] not in written))
                        example = Counterexample(point, sp.N(p, 15), sp.N(q, 15),
                                                 functions=env.functions_used())
                        return Verdict(Status.REFUTED, instance.lhs, instance.rhs,
                                       method="numeric counterexample", counterexample=example,
                                       note=f"fails {_where(instance, indices, position)}",
                                       points=compared + 1)
                if same is None:
                    return Verdict(Status.UNDECIDED, instance.lhs, instance.rhs,
                                   method="instantiated", note="could not compare the values "
                                   + _where(instance, indices, position))
                compared += 1
    return Verdict(Status.NUMERIC, instance.lhs, instance.rhs, method="numeric", points=compared)


def _same_number(p, q, digits: int) -> bool | None:
    """True when p and q agree to 20 digits, False when they differ in the first 8, None when
    they cannot be evaluated or are too close to tell. (A derivative at a sample is a central
    difference with step 10^-STEP, exact to about 2 STEP digits; nested, to about STEP.)"""
    if not isinstance(p, sp.Basic) or not isinstance(q, sp.Basic):
        return None
    d = p - q
    if d.free_symbols or d.has(AppliedUndef, sp.Derivative, sp.Subs):
        return None
    if d.is_Rational:
        return d == 0
    value = d.evalf(digits)
    scale = 1 + abs(p.evalf(digits)) + abs(q.evalf(digits))
    if not (value.is_Number and scale.is_Number and value.is_finite and scale.is_finite):
        return None
    if abs(value) <= sp.Float(10) ** -20 * scale:
        return True
    if abs(value) > sp.Float(10) ** -8 * scale:
        return False
    return None


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


class Environment:
    """Explicit values of every name in one instance.

    Symbolic (no `sample`): independent names are matrices of real symbols and unknown functions
    stay unknown. Sampled: independent names take random exact values and unknown functions are
    replaced by concrete ones (family `sample`); only the variables of the derivatives being taken
    (`symbolic`) stay symbols. `free` maps a defined name to fresh variables while something is
    differentiated by it, as the chain rule's notation means."""

    def __init__(self, instance: Instance, sample: int | None = None, assumptions=None,
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
        if root is None:
            self.points: dict = {}
            self.used_functions: dict = {}
            self.arrays: dict = {}      # independent arrays at the sample, built once
        self.definitions = {}
        for target, value in instance.definitions:
            self.definitions.setdefault(_target_name(target), []).append((target, value))

    def child(self, symbolic=frozenset(), free=None) -> "Environment":
        """An environment where `free` names take other values (or `symbolic` entries are
        variables); what does not depend on them keeps this environment's values."""
        env = Environment(self.instance, self.sample, self.assumptions,
                          self.symbolic | symbolic, {**self.free, **(free or {})}, self.root,
                          self.digits)
        if not symbolic:
            changed = self.root.dependents(set(free or ()))
            env.cache = {k: v for k, v in self.cache.items()
                         if isinstance(k, str) and k not in changed}
        return env

    def dependents(self, names: set) -> set:
        """`names` and every name computed from them (through the definitions and the cost)."""
        graph = self.__dict__.setdefault("_users", None)
        if graph is None:
            graph = {}
            for used, user in [(u, _target_name(t)) for t, v in self.instance.definitions
                               for u in _names_in(v)] + \
                    [(u, self.instance.cost[0]) for u in (self.instance.cost[1]
                                                           if self.instance.cost else ())]:
                graph.setdefault(used, set()).add(user)
            self._users = graph
        return _closure(names, graph)

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
        return {str(k): v for k, v in sorted(self.root.points.items(), key=lambda kv: str(kv[0]))}

    def functions_used(self) -> dict:
        return dict(self.root.used_functions)

    def function(self, name: str, arity: int):
        """The unknown function `name`: itself, or its concrete stand-in in this sample."""
        if self.sample is None:
            return sp.Function(name, real=True)
        used = self.root.used_functions
        if name not in used:
            used[name] = _stand_in(name, arity, self.sample)
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
            value = sp.Matrix(rows, cols, lambda r, c: self.number(sp.Symbol(
                f"{name}[{r + 1}]" if cols == 1 else f"{name}[{r + 1},{c + 1}]", real=True)))
            for constrained, total in self.instance.constraints:
                if constrained == name and cols == 1:   # the entries sum to the total
                    value[rows - 1] = _scalar(self._eval(total)) - sum(value[:rows - 1])
            return value
        return self.number(sp.Symbol(name, real=True))

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
            return sp.Matrix(rows, cols, lambda r, c: entries[(r, c)] if (r, c) in entries
                             else self.number(sp.Symbol(f"{name}[{r + 1},{c + 1}]", real=True)))
        raise ShapeError(f"cannot use the definition of {name}")

    # -- expressions ----------------------------------------------------------------------------
    def value(self, e, indices: dict):
        """The explicit value of `e` (a number-valued expression or a Matrix)."""
        for index, number in indices.items():
            e = _bind_free(e, index, number)
        return self._eval(e)

    def claim_value(self, e, indices: dict):
        """A side of the claim at the given values of its free indices; a definition that uses
        one of them (L = -log p_k, with the claim's k) takes the same value."""
        if indices != self.root.__dict__.get("claim_indices"):
            stale = self.dependents(self._index_users())
            self.cache = {k: v for k, v in self.cache.items()
                          if isinstance(k, str) and k not in stale}
            self.root.claim_indices = dict(indices)
        return self.value(e, indices)

    def _claim_indices(self) -> dict:
        return self.root.__dict__.get("claim_indices") or {}

    def _index_users(self) -> set:
        """Names whose definitions use a free index of the claim (not one of their own)."""
        return {_target_name(t) for t, v in self.instance.definitions
                if any(s.is_integer and "@" not in s.name and not isinstance(s, A.IndexSize)
                       for s in v.free_symbols if isinstance(s, sp.Symbol))}

    def _eval(self, e):
        if isinstance(e, A.IndexSize):
            return sp.Integer(self.instance.sizes_of.get(e, 1))
        if isinstance(e, sp.Symbol):
            if e in self.instance.sizes_of:
                return sp.Integer(self.instance.sizes_of[e])
            if e.is_commutative and not self._known_name(e.name):
                return e if isinstance(e, sp.Dummy) or e.is_integer else self.number(e)
            return self.name_value(e.name)
        if isinstance(e, sp.Indexed):
            base = self.name_value(e.base.label.name)
            if not all(i.is_Integer for i in e.indices):
                raise ShapeError(f"the index of {e} has no value")
            if not isinstance(base, sp.MatrixBase):
                raise ShapeError(f"{e.base.label} is not a vector or matrix")
            idx = [int(i) - 1 for i in e.indices]
            if not all(0 <= k < n for k, n in zip(idx, base.shape if len(idx) == 2
                                                  else (len(base),))):
                raise ShapeError(f"the index of {e} is out of range")
            return base[idx[0]] if len(idx) == 1 else base[idx[0], idx[1]]
        if isinstance(e, (sp.Number, sp.NumberSymbol)) or e in (sp.true, sp.false):
            return e
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._big(e)
        if isinstance(e, sp.Add):
            return _add([self._eval(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return _multiply([self._eval(a) for a in e.args])
        if isinstance(e, sp.Pow):
            return _scalar(self._eval(e.base)) ** _scalar(self._eval(e.exp))
        if isinstance(e, (A.Grad, A.Partial, A.Jacobian)):
            if e not in self.cache:
                self.cache[e] = self._array_op(e)
            return self.cache[e]
        if isinstance(e, (A.ArrayOp, A.ScalarOf)):
            return self._array_op(e)
        if isinstance(e, sp.Derivative):
            return self._derivative(e)
        if isinstance(e, sp.Subs):
            inner = self._eval(e.expr)
            points = [_scalar(self._eval(p)) for p in e.point]
            return _apply(inner, lambda x: x.subs(dict(zip(e.variables, points)),
                                                  simultaneous=True).doit())
        if isinstance(e, AppliedUndef):
            args = [_scalar(self._eval(a)) for a in e.args]
            name = e.func.__name__
            if name in self.instance.functions:
                return self.instance.functions[name](*args)
            if self.sample is not None and all(isinstance(a, sp.Float) for a in args):
                return self.compiled(name, len(args))(*args)
            return self.function(name, len(args))(*args)
        if isinstance(e, sp.Piecewise):
            return sp.Piecewise(*[(_scalar(self._eval(v)), self._eval(c)) for v, c in e.args])
        if isinstance(e, (sp.Function, sp.core.relational.Relational,
                          sp.logic.boolalg.BooleanFunction)):
            return e.func(*[_scalar(self._eval(a)) for a in e.args])
        if not e.args:
            return e
        return e.func(*[self._eval(a) for a in e.args])

    def _known_name(self, name: str) -> bool:
        return name in self.definitions or name in self.free or name in self.instance.shapes or (
            bool(self.instance.cost) and name == self.instance.cost[0])

    def _big(self, e):
        body, limits = e.function, e.limits
        (var, low, high), rest = limits[0], limits[1:]
        low, high = (_scalar(self._eval(bound)) for bound in (low, high))
        if not (low.is_Integer and high.is_Integer):
            raise ShapeError(f"the bounds of the sum over {var} have no value")
        low, high = int(low), int(high)
        if high - low > MAX_ENTRIES:
            raise ShapeError("a sum over too many values")
        inner = type(e)(body, *rest) if rest else body
        terms = [self._eval(_bind_free(inner, var, sp.Integer(v))) for v in range(low, high + 1)]
        if isinstance(e, sp.Sum):
            return _add(terms) if terms else sp.Integer(0)
        return sp.Mul(*[_scalar(t) for t in terms]) if terms else sp.Integer(1)

    def _array_op(self, e):
        if isinstance(e, A.Transposed):
            v = self._eval(e.args[0])
            return v.T if isinstance(v, sp.MatrixBase) else v
        if isinstance(e, A.Inverted):
            return _matrix(self._eval(e.args[0])).inv()
        if isinstance(e, A.Hadamard):
            a, b = (self._eval(x) for x in e.args)
            if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
                if a.shape != b.shape:
                    raise ShapeError(f"an elementwise product of {a.shape} and {b.shape}")
                return a.multiply_elementwise(b)
            return _multiply([a, b])
        if isinstance(e, A.Outer):
            a, b = (_matrix(self._eval(x)) for x in e.args)
            return a * b.T
        if isinstance(e, A.CDot):
            a, b = (self._eval(x) for x in e.args)
            if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) \
                    and a.cols == 1 and b.cols == 1 and a.rows == b.rows:
                return (a.T * b)[0, 0]
            return _multiply([a, b])
        if isinstance(e, A.Map):
            name, arg, order = e.args
            return _apply(self._eval(arg), lambda x: self._function(str(name), x, int(order)))
        if isinstance(e, A.Softmax):
            exps = _matrix(self._eval(e.args[0])).applyfunc(sp.exp)
            total = sum(exps)
            return exps.applyfunc(lambda t: t / total)
        if isinstance(e, A.MatrixLiteral):
            rows, cols = int(e.args[0]), int(e.args[1])
            return sp.Matrix(rows, cols, [_scalar(self._eval(x)) for x in e.args[2:]])
        if isinstance(e, A.NormOf):
            v = self._eval(e.args[0])
            if isinstance(v, sp.MatrixBase):
                return sp.sqrt(sum(x**2 for x in v))
            return sp.Abs(v)
        if isinstance(e, A.TraceOf):
            return _matrix(self._eval(e.args[0])).trace()
        if isinstance(e, A.Entry):
            v = _matrix(self._eval(e.args[0]))
            return v[_position(v, sp.IndexedBase("entry")[tuple(_scalar(self._eval(i))
                                                                 for i in e.args[1:])])]
        if isinstance(e, A.Grad):
            return self._differentiate(e.args[0], e.args[1])
        if isinstance(e, A.Partial):
            return self._differentiate(e.args[0], e.args[1])
        if isinstance(e, A.Jacobian):
            f, x, layout = e.args
            jac = self._jacobian(f, x)
            return jac if int(layout) == 0 else jac.T
        raise ShapeError(f"cannot evaluate {type(e).__name__}")

    def _function(self, name: str, x, order: int):
        if self.sample is not None and isinstance(x, sp.Float) \
                and name not in self.instance.functions:
            # a vocabulary function or a stand-in, at a number: compiled once, run in mpmath
            return self.compiled(name, 1, order)(x)
        t = sp.Dummy("t", real=True)
        if name in self.instance.functions:
            body = self.instance.functions[name](t)
        elif name in FUNCTIONS:
            body = FUNCTIONS[name][2](t)
        else:
            body = self.function(name, 1)(t)
        if order == 0:
            return body.xreplace({t: x})
        return sp.diff(body, t, order).subs(t, x)

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
        name = _owner(v)
        if name is None:
            raise ShapeError(f"cannot differentiate by {v}")
        defined = name in self.definitions or name in self.free or (
            self.instance.cost and name == self.instance.cost[0])
        if not defined:
            symbols = _entry_symbols(name, self.instance.shapes.get(name))
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
            return whole[_position(whole, v)]
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
                values.append(_scalar_or_matrix(env._eval(f)))
            plus, minus = values
            results.append(_apply(plus - minus, lambda x: x / (2 * h)))
        return results

    def _differentiate(self, f, v):
        if self.sample is not None:
            name = _owner(v)
            whole = self.name_value(name)
            if isinstance(v, sp.Indexed):
                position = _position(whole, v)
                return _scalar(self._difference(f, name, [position], whole)[0])
            if isinstance(whole, sp.MatrixBase):
                cells = [(r, c) for r in range(whole.rows) for c in range(whole.cols)]
                found = self._difference(f, name, cells, whole)
                return sp.Matrix(whole.rows, whole.cols, [_scalar(x) for x in found])
            return _scalar(self._difference(f, name, [None], whole)[0])
        env, whole, back = self._variable(v)
        value = _scalar(env._eval(f))
        variable = self._pick(whole, v)
        if isinstance(variable, sp.MatrixBase):
            result = variable.applyfunc(lambda x: sp.diff(value, x))
        else:
            result = sp.diff(value, variable)
        return _apply(result, lambda x: _put_back(x, back)) if back else result

    def _jacobian(self, f, x):
        if self.sample is not None:
            name = _owner(x)
            whole = self.name_value(name)
            cells = list(range(len(whole))) if isinstance(whole, sp.MatrixBase) else [None]
            columns = [_matrix(c) for c in self._difference(f, name, cells, whole)]
            return sp.Matrix.hstack(*[col.reshape(len(col), 1) for col in columns])
        env, whole, back = self._variable(x)
        value = _matrix(env._eval(f))
        variables = list(self._pick(whole, x)) if isinstance(whole, sp.MatrixBase) else [whole]
        jac = sp.Matrix(len(value), len(variables),
                        lambda r, c: sp.diff(value[r], variables[c]))
        return jac.applyfunc(lambda x: _put_back(x, back)) if back else jac

    def _derivative(self, e):
        names = all((isinstance(v, sp.Symbol) and not isinstance(v, sp.Dummy) and not v.is_integer)
                    or isinstance(v, sp.Indexed) for v, _ in e.variable_count)
        if names and (self.sample is not None or any(
                isinstance(v, sp.Indexed) for v, _ in e.variable_count)):
            # d/dW_ij as the chain rule's notation means it (W_ij defined: held free)
            result = e.expr
            for variable, count in e.variable_count:
                for _ in range(count):
                    result = A.Partial(result, variable)
            return self._eval(result)
        result = e.expr
        evaluated = False
        for variable, count in e.variable_count:
            if isinstance(variable, sp.Symbol) and not isinstance(variable, sp.Dummy) \
                    and not variable.is_integer:
                env, whole, back = self._variable(variable)
                value = _scalar(env._eval(result) if not evaluated else result)
                result = sp.diff(value, whole, count)
                result = _put_back(result, back) if back else result
            else:
                value = _scalar(self._eval(result)) if not evaluated else result
                result = sp.diff(value, variable, count)
            evaluated = True
        return result


def _mpmath_function(variables, body, digits: int):
    """`body` (an expression the program built, never user text) as a function of SymPy Floats
    computed by mpmath at `digits` digits."""
    import mpmath

    numeric = sp.lambdify(variables, body, "mpmath")

    def call(*values):
        with mpmath.workdps(digits):
            result = numeric(*[mpmath.mpf(v._mpf_) for v in values])
            if isinstance(result, mpmath.mpc):   # log of a negative number: a complex value
                return sp.Float(str(result.real), digits) + sp.I * sp.Float(str(result.imag),
                                                                            digits)
            return sp.Float(str(result), digits)
    return call


def _scalar_or_matrix(v):
    return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def _entry_symbols(name: str, shape) -> list:
    if shape is None:
        return [sp.Symbol(name, real=True)]
    rows, cols = shape
    return [sp.Symbol(f"{name}[{r + 1}]" if cols == 1 else f"{name}[{r + 1},{c + 1}]", real=True)
            for r in range(rows) for c in range(cols)]


def _sample_value(symbol: sp.Symbol, sample: int, assumptions):
    """A random exact value for `symbol` in sample `sample` (in its assumed domain)."""
    rng = random.Random(f"{sample}:{symbol.name}")
    if assumptions is not None:
        lo, hi = assumptions.interval(symbol.name)
        if lo is not None or hi is not None or symbol.name in assumptions.integer:
            pool = sample_values(symbol, assumptions, rng)
            if pool:
                return rng.choice(pool[:12])
    numerator = rng.choice([n for n in range(-9, 10) if n])
    return sp.Rational(numerator, rng.randint(2, 7))


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


def _position(whole, v: sp.Indexed):
    """Where the entry v of the array `whole` is (checked to be inside it)."""
    if not isinstance(whole, sp.MatrixBase):
        raise ShapeError(f"{v.base.label} is not a vector or matrix")
    if not all(i.is_Integer for i in v.indices):
        raise ShapeError(f"the index of {v} has no value")
    idx = [int(i) - 1 for i in v.indices]
    limits = (len(whole),) if len(idx) == 1 else whole.shape
    if len(idx) > 2 or not all(0 <= k < n for k, n in zip(idx, limits)):
        raise ShapeError(f"the index of {v} is out of range")
    return idx[0] if len(idx) == 1 else (idx[0], idx[1])


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


def _out_of_range(e):
    raise ShapeError(f"{e.base.label} has one index but is a matrix")


def _scalar(v):
    if isinstance(v, sp.MatrixBase):
        if v.shape == (1, 1):
            return v[0, 0]
        raise ShapeError("a vector where a number is needed")
    return v


def _matrix(v):
    return v if isinstance(v, sp.MatrixBase) else sp.Matrix([[v]])


def _apply(v, f):
    return v.applyfunc(f) if isinstance(v, sp.MatrixBase) else f(v)


def _add(values: list):
    matrices = [v for v in values if isinstance(v, sp.MatrixBase) and v.shape != (1, 1)]
    if not matrices:
        return sp.Add(*[_scalar(v) for v in values])
    total = sp.zeros(*matrices[0].shape)
    for v in values:
        if not isinstance(v, sp.MatrixBase) or v.shape != matrices[0].shape:
            raise ShapeError("a sum of a vector and a number")
        total += v
    return total


def _multiply(values: list):
    result = sp.Integer(1)
    for v in values:
        if isinstance(v, sp.MatrixBase) and v.shape == (1, 1):
            v = v[0, 0]
        if isinstance(result, sp.MatrixBase) and isinstance(v, sp.MatrixBase):
            if result.cols != v.rows:
                raise ShapeError(f"a product of a {result.rows}x{result.cols} and a "
                                 f"{v.rows}x{v.cols} matrix")
            result = result * v
        elif isinstance(result, sp.MatrixBase) or isinstance(v, sp.MatrixBase):
            result = result * v if isinstance(result, sp.MatrixBase) else v * result
        else:
            result = result * v
    return result
