"""The forms an equation of a document takes, told from its two sides as read: a name being
defined, an update of a name, letters written side by side as one name, values of a worked
example; and what a claim depends on that the document leaves open (undefined functions, a
derivative by a variable the differentiated quantity is not said to depend on)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.audit.scope import base_name
from derive.engine.environment import closure, names_in, owner
from derive.text import arrays as A
from derive.text.builder import FUNCTIONS

DERIVATIVES = (sp.Derivative, A.Partial, A.Grad, A.Jacobian)
OPERATORS = DERIVATIVES + (sp.Limit, sp.Sum, sp.Product, sp.Integral, AppliedUndef, A.Map)
NAME_WITH_MARK = re.compile(r"^\s*\\?[A-Za-z]+\s*(?:\^\s*(?:\{[^{}]*\}|\w)"
                            r"|_\s*(?:\{[^{}]*\}|\w))+\s*$")
FUNCTION_ENTRY = re.compile(r"\)\s*_")


def split_sides(latex: str) -> list[str]:
    """The sides of `a = b = c`, split at the `=` signs outside braces and brackets."""
    sides, depth, start = [], 0, 0
    for k, ch in enumerate(latex):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == "=" and depth <= 0 and latex[k - 1:k] not in ("<", ">", "!", ":", "\\"):
            sides.append(latex[start:k].strip())
            start = k + 1
    sides.append(latex[start:].strip())
    return [s for s in sides if s] if sides[0] or len(sides) == 1 else sides[1:]


# an operator that applies to what follows it: a derivative with nothing above the bar but d
# (\frac{d}{dx}, \frac{\partial^2}{\partial x^2}), a sum or a product with its limits
OPERATOR = re.compile(r"\\[dt]?frac\s*\{\s*(?:d|\\partial|\\mathrm\{d\})(?:\^\{?\d\}?)?\s*\}"
                      r"\s*\{[^{}]*\}"
                      r"|\\(?:sum|prod)(?:\s*[_^]\s*(?:\{[^{}]*\}|\w)){0,2}")


@dataclass(frozen=True)
class OverTheWhole:
    """A formula with the operator that starts a side taken over the whole sum after it."""

    text: str
    operator: str   # as the document writes it: \frac{d}{dx}, \sum_{k=1}^{n}


def over_the_whole_side(latex: str) -> OverTheWhole | None:
    """`\\frac{d}{dx} x^2 + 3x = 2x + 3` or `\\sum_{k=1}^{n} 2k - 1 = n^2`: the operator that
    starts a side (a derivative, a sum or a product), taken over the whole sum that follows it
    (`\\frac{d}{dx}\\left(x^2 + 3x\\right)`), as a writer who leaves out the parentheses may
    mean it; None when no side starts with an operator before a sum outside brackets."""
    out, position, operator = [], 0, ""
    for m in OPERATOR.finditer(latex):
        before = latex[:m.start()].rstrip()
        if before and not before.endswith(("=", "&")):
            continue
        depth, end, summed = 0, m.end(), False
        while end < len(latex):
            ch = latex[end]
            if ch in "{([":
                depth += 1
            elif ch in "})]":
                depth -= 1
            elif depth == 0 and (ch in "=&" or latex.startswith("\\\\", end)):
                break
            elif depth == 0 and ch in "+-" and latex[m.end():end].strip():
                summed = True
            end += 1
        if summed and depth == 0:
            out += [latex[position:m.end()], r"\left(", latex[m.end():end].rstrip(), r"\right) "]
            position, operator = end, operator or m.group().strip()
    return OverTheWhole("".join(out) + latex[position:], operator) if operator else None


def definable(expr) -> bool:
    """A name, an entry or a function of plain variables (or of a named vector, entry by entry):
    what a definition can define."""
    if isinstance(expr, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
        return not isinstance(expr, A.IndexSize)
    if isinstance(expr, A.Map) and isinstance(expr.args[1], sp.Symbol) and expr.args[2] == 0:
        return str(expr.args[0]) not in FUNCTIONS
    return isinstance(expr, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in expr.args) \
        and len(set(expr.args)) == len(expr.args)


def spelled_name(lhs, rhs) -> bool:
    """`OA`, `slope`: letters side by side, none of them used on the other side, read as a name."""
    return letters(lhs) and not (lhs.free_symbols & getattr(rhs, "free_symbols", set()))


def is_step(lhs, rhs) -> bool:
    """`W = W - \\lambda G`, `x_{i+1} = x_i + \\alpha v_i`, `v = \\beta v + (1 - \\beta) g`: the new
    value is made of the old one and a step."""
    if not isinstance(rhs, sp.Add):
        return False
    if isinstance(lhs, sp.Indexed) and any(i.base == lhs.base and i != lhs
                                           for i in rhs.atoms(sp.Indexed)):
        return True

    def holds_old(term) -> bool:
        if term == lhs:
            return True
        factors = set(term.args) if isinstance(term, sp.Mul) else {term}
        return (set(lhs.args) if isinstance(lhs, sp.Mul) else {lhs}) <= factors

    return any(holds_old(term) for term in rhs.args)


def letters(expr) -> bool:
    """Letters side by side (`V\\delta W`): a name written in letters, when it names something."""
    return isinstance(expr, sp.Mul) and all(isinstance(f, sp.Symbol) for f in expr.args)


def name_read_as_power(lhs, left: str, rhs=None, right: str = "") -> bool:
    """`z^{(O)}`, `a^{(n_l)}`: one name with a mark that the reader took for a power; and
    `E^p = -\\sum_k y_k^{(p)} \\ln \\hat{p}_k^{(p)}`, where the right side writes the letter only as
    a mark of its names: the error of sample p, not a power of E."""
    if not NAME_WITH_MARK.match(left) or isinstance(lhs, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
        return False
    if "(" in left:
        return True
    if not (isinstance(lhs, sp.Pow) and isinstance(lhs.exp, sp.Symbol)
            and isinstance(rhs, sp.Basic)):
        return False
    letter = lhs.exp
    # the right side's y_k^{(p)} is read as a power too: the letter is a mark where it is only
    # ever an exponent there, written at least once in parentheses
    marks = rhs.replace(lambda e: isinstance(e, sp.Pow) and e.exp == letter, lambda e: e.base)
    return letter in rhs.free_symbols and letter not in marks.free_symbols and bool(
        re.search(r"\^\s*\{\s*\(\s*" + re.escape(letter.name) + r"\s*\)\s*\}", right))


def values_of_an_example(lhs, rhs, left: str, given=frozenset()) -> bool:
    """`\\hat{y}_0 - y_0 = 0.659 - 1`, `e = c d`, `a^{0} = x`: the left side shares nothing with
    the right and holds no derivative, sum or function: it names values or a quantity (a
    worked example, Euler's e used as a letter, a label read as a power), it states no identity.
    A formula of letters the document has all given numbers (`given`) is their value instead."""
    if not isinstance(lhs, sp.Basic) or not isinstance(rhs, sp.Basic) or lhs.has(*OPERATORS) \
            or lhs.atoms(sp.Function):
        return False   # sin^2 x + cos^2 x = 1 is an identity
    if not isinstance(lhs, sp.Symbol) and lhs.free_symbols \
            and {str(s) for s in lhs.free_symbols} <= given:
        return False   # \epsilon^2 = 0.0000000000001 after \epsilon = 0.0000001
    if lhs.is_Number:
        return bool(NAME_WITH_MARK.match(left))   # a^{0} read as a power: 1
    if lhs.free_symbols & rhs.free_symbols:
        return False
    return bool(lhs.free_symbols) or lhs.has(sp.E, sp.pi)


DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+")


def value_in_an_example(lhs, rhs, left: str, right: str, given=frozenset()) -> bool:
    """`\\sigma(net_{h1}) = 0.593269992`, `w_5 - \\eta \\frac{\\partial E}{\\partial w_5} = 0.4 - 0.5
    \\cdot 0.082`: a formula of variables set equal to a number worked out with decimals states
    its value at the worked example's numbers, not an identity. (The variable a derivative is
    taken by does not count: d/dx (0.5 x) = 0.5 is an identity.) Where the document has given
    every one of its letters a number (`given`: \\epsilon = 0.0000001, then \\epsilon^2 = ...),
    it is that value, to check as written."""
    for constant, text, formula in ((rhs, right, lhs), (lhs, left, rhs)):
        if isinstance(constant, sp.Basic) and isinstance(formula, sp.Basic) \
                and not constant.free_symbols and DECIMAL.search(text):
            taken_by = {v for d in formula.atoms(*DERIVATIVES)
                        for v in (d.variables if isinstance(d, sp.Derivative) else d.args[1:2])}
            free = formula.free_symbols - taken_by
            if formula.atoms(AppliedUndef) or (free and not {str(s) for s in free} <= given):
                return True   # (net_o1 in d net_o1 / d w_5 is a quantity of w_5)
    return False


def names_entries(lhs, rhs) -> bool:
    """`\\begin{bmatrix} out_1 \\\\ out_2 \\end{bmatrix} = \\sigma(...)`: a vector of names not used
    on the right gives those names their values, entry by entry; it states no identity."""
    if not isinstance(lhs, A.MatrixLiteral) or not isinstance(rhs, sp.Basic):
        return False
    entries = lhs.args[2:]
    return all(isinstance(e, (sp.Symbol, sp.Indexed)) for e in entries) and not (
        lhs.free_symbols & rhs.free_symbols)


# `\\sigma(x)`: a function of the vocabulary (read as its formula) at its arguments, as a side
FUNCTION_AT = re.compile(r"^\s*(\\(?:sigma|varphi|phi|psi))\s*\((.*)\)\s*$")


def composite_by_outer_name(lhs, rhs, left: str = "", right: str = "") -> bool:
    """`f(x) = f(g(x))`, `J(w) = J(u)`, `\\sigma(x) = \\sigma(u(x))`: the right side is the left
    side's function at an argument made of another function or another name, so the text calls
    the composite by its outer function's name (notation, not an identity; `\\cos x = \\cos(-x)`,
    of the same variable, stays a claim). \\sigma is read as its formula: it is recognised in the
    text as written (`left`, `right`)."""
    if isinstance(lhs, AppliedUndef) and isinstance(rhs, AppliedUndef) and lhs.func == rhs.func \
            and lhs.args != rhs.args and all(isinstance(a, sp.Symbol) for a in lhs.args):
        return any(a.has(AppliedUndef) or not a.free_symbols <= set(lhs.args) for a in rhs.args)
    one, other = FUNCTION_AT.match(left), FUNCTION_AT.match(right)
    if not (one and other and one.group(1) == other.group(1)
            and _balanced(one.group(2)) and _balanced(other.group(2))):
        return False
    variables = {v.strip() for v in one.group(2).split(",")}
    inside = other.group(2)
    return all(re.fullmatch(r"[A-Za-z]", v) for v in variables) and "".join(inside.split()) \
        not in variables and ("(" in inside or not set(re.findall(r"[A-Za-z]", inside)) <= variables)


def _balanced(text: str) -> bool:
    """Whether every parenthesis in `text` closes inside it (`x) g(x` does not)."""
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


def property_of_one_name(lhs, rhs, context) -> tuple:
    """`A^\\top = A` (a symmetric matrix), `A^2 = A`: one side a lone matrix the document does not
    define, the other made of that matrix alone: as an identity it may be refuted, but the text
    may state a property of that matrix (a doubt, `doubts`). Of a number, such an equation is a
    claim (`\\sqrt{x^2} = x` is a common mistake)."""
    defined = {name_of(d.target) for d in context.definitions}
    for one, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(one, sp.Symbol) and one.name not in defined and isinstance(other, sp.Basic) \
                and other != one and names_in(other) == {one.name} \
                and (A.is_array(one) or A.has_arrays(other)):
            return (f"it is an equation in {one.name} alone: it may state a property of "
                    f"{one.name} (such as symmetry) or an equation to solve",)
    return ()


def value_at_a_point(lhs, rhs) -> bool:
    """`f(x_0) = c_0`: a function at a marked point (a subscripted name) set equal to what does not
    depend on it gives its value there; it does not define f for every argument (`f(x) = k`, the
    constant function, does)."""
    return isinstance(lhs, AppliedUndef) and isinstance(rhs, sp.Basic) and all(
        isinstance(a, sp.Symbol) and "_" in a.name for a in lhs.args) and not (
        rhs.free_symbols & set(lhs.args))


def names_the_other_side(lhs, rhs) -> bool:
    """`\\frac{dy}{dx} = m`, `\\frac{\\partial \\tilde y}{\\partial a} = I_2`: the right side is a
    lone name the left side does not use, so (when the document has not defined that name) the
    formula names what the left side is (a slope m, an identity matrix I_2): it states no identity
    that holds for every value of that name."""
    if not isinstance(rhs, (sp.Symbol, sp.Indexed)) or not isinstance(lhs, sp.Basic) \
            or isinstance(lhs, (sp.Symbol, sp.Indexed)) or lhs.is_Number:
        return False
    return name_of(rhs) not in names_in(lhs)


def constraint(lhs, rhs) -> bool:
    """`\\sum_k y_k = 1`: the entries of a vector sum to a constant."""
    return isinstance(lhs, sp.Sum) and isinstance(lhs.function, sp.Indexed) \
        and isinstance(rhs, sp.Basic) and rhs.is_Number


def entry_of_a_function(left: str) -> bool:
    """`\\sigma(\\vec z)_i = ...`: an entry of a function's value, which defines the function (not
    a derivative of one, `\\frac{\\partial \\phi(z)_i}{\\partial z_j}`, which is a claim)."""
    return bool(FUNCTION_ENTRY.search(left)) and not re.search(
        r"\\(?:frac|dfrac|tfrac|partial|nabla)|\bd\s*\\?[A-Za-z]*\s*/", left)


def name_of(expr) -> str:
    if isinstance(expr, sp.Indexed):
        return expr.base.label.name
    if isinstance(expr, A.Map):
        return str(expr.args[0])
    if isinstance(expr, AppliedUndef):
        return expr.func.__name__
    return getattr(expr, "name", str(expr))


def mentions(expr, target) -> bool:
    """Whether `expr` uses the quantity `target` defines (W in W - eta dC/dW)."""
    if not isinstance(expr, sp.Basic):
        return False
    name = name_of(target)
    if isinstance(target, (AppliedUndef, A.Map)):
        return any(f.func.__name__ == name for f in expr.atoms(AppliedUndef)) or any(
            str(m.args[0]) == name for m in expr.atoms(A.Map))
    return name in names_in(expr)


def network_notation(lhs, rhs, left: str) -> bool:
    """A layer's notation (labels, vectors, entries) holds to the end of the document; a
    function or letter of an example holds to the end of its section."""
    if isinstance(lhs, (sp.Indexed, sp.MatrixSymbol)) or A.has_arrays(rhs) or A.is_array(rhs):
        return True
    return bool(re.search(r"\^\{?[\[(]?[lLmk]|_\{?[ijk]", left))


def unknowns(lhs, rhs, context) -> set[str]:
    """The functions the claim depends on that the document has not defined: undefined functions
    (g in g(h)) and quantities it differentiates (C in dC/dw)."""
    defined = {name_of(d.target) for d in context.definitions}
    names = set()
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        names |= {f.func.__name__ for f in side.atoms(AppliedUndef)}
        names |= {str(m.args[0]) for m in side.atoms(A.Map) if str(m.args[0]) not in FUNCTIONS}
        for d in side.atoms(*DERIVATIVES):
            inner = d.expr if isinstance(d, sp.Derivative) else d.args[0]
            if isinstance(inner, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
                names.add(name_of(inner))   # C in dC/dW: a quantity the claim says nothing of
    schemas = {base_name(n) for n in defined if "^" in n}   # a^{m} defines a^{L} too
    return {n for n in names if n not in defined and base_name(n) is not None
            and not n.startswith("_") and not ("^" in n and base_name(n) in schemas)}


def says_what_a_function_is(lhs, rhs) -> bool:
    """`f(x + \\epsilon) = g(x + \\epsilon) + h(x + \\epsilon)` in a proof of the sum rule: one
    side is a function the other side does not use, so the formula says what that function is
    (here g + h), as the text's own proof supposes; it is no rule about any f, g and h. So does
    a side free of unknown functions set against one with them (`2 g(x) 3x^2 = 2x^3 3x^2`)."""
    for one, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(one, AppliedUndef) and isinstance(other, sp.Basic) \
                and one.func not in {f.func for f in other.atoms(AppliedUndef)}:
            return True
        # 2 g(x) 3x^2 = 2x^3 3x^2 in an example under a rule: the side without g says what g is
        if isinstance(one, sp.Basic) and isinstance(other, sp.Basic) \
                and one.atoms(AppliedUndef) and not other.atoms(AppliedUndef):
            return True
    return False


def doubts(lhs, rhs, context) -> list[str]:
    """Why a refutation may rest on notation rather than on the mathematics: a derivative by a
    variable that the differentiated quantity does not depend on as the document defines it,
    while it uses another of the same letter (dL/dz_c next to z_j; nabla_a C with C of a^L), or
    while the quantity is defined without it (dC/dw with C defined from a^L only)."""
    def family(name: str) -> str:   # a^{m} and a^{L}: one quantity at two layers
        return f"{base_name(name)}^" if "^" in name and base_name(name) else name

    def families(names) -> set:
        return {family(n) for n in names}

    uses: dict[str, set] = {}
    for d in context.definitions:
        uses.setdefault(family(name_of(d.target)), set()).update(families(
            names_in(d.value)) if isinstance(d.value, sp.Basic) else ())
    found = []
    everything = closure(families(set().union(*(names_in(s) for s in (lhs, rhs)
                                                 if isinstance(s, sp.Basic)))), uses)
    indexed = families(i.base.label.name for s in (lhs, rhs) if isinstance(s, sp.Basic)
                       for i in s.atoms(sp.Indexed))
    indexed |= families(i.base.label.name for d in context.definitions
                        if isinstance(d.value, sp.Basic) for i in d.value.atoms(sp.Indexed))
    for name in sorted(everything - indexed):
        kin = sorted(n for n in indexed if n != name and base_name(n) == base_name(name))
        if kin and "_" in name:
            found.append(f"{name} is written beside the entries of {kin[0]}: if it is one of "
                         "them, the claim reads otherwise")
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for d in sorted(side.atoms(*DERIVATIVES), key=str):   # the same order in every run
            inner = d.expr if isinstance(d, sp.Derivative) else d.args[0]
            variables = d.variables if isinstance(d, sp.Derivative) else d.args[1:2]
            reach = closure(families(names_in(inner) | {name_of(f)
                                                         for f in inner.atoms(AppliedUndef)}),
                            uses)
            for variable in variables:
                name = owner(variable)
                if name is None or family(name) in reach:
                    continue
                letter = base_name(name)
                kin = sorted(n for n in reach if n != name and base_name(n) == letter)
                if kin:
                    found.append(f"it differentiates by {name} but uses {kin[0]}: the same "
                                 "quantity in the document's notation?")
                elif isinstance(inner, (sp.Symbol, sp.Indexed, AppliedUndef)) \
                        and family(name_of(inner)) in uses:
                    found.append(f"{name_of(inner)} is defined without {name}: how it depends "
                                 f"on {name} is not stated")
    return list(dict.fromkeys(found))
