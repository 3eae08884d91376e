"""Derivatives, gradients, limits, sums and products as textbooks write them: `\\frac{d}{dx}`,
`\\frac{\\partial C}{\\partial W^l_{jk}}`, `\\nabla_x`, `\\partial_x`, `\\lim_{h \\to 0}`,
`\\sum_{i=1}^{n}`, `\\prod`."""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.text import arrays as A
from derive.text.latex_names import NameParts, index_symbol
from derive.text.latex_tokens import FONTS, GREEK, Tok, unexpected
from derive.text.limits import LIMITS, InputError


ONE_SIDE = ((["^", "+"], "+"), (["^", "-"], "-"), (["^", "{", "+", "}"], "+"),
            (["^", "{", "-", "}"], "-"))


class CalculusReader:
    """How the reader reads derivatives, limits and big operators (a mixin of `LatexReader`)."""

    def gradient(self):
        """`\\nabla_{\\mathbf x} f`, `\\nabla_a C`, `\\nabla f(x, y)`."""
        if self.at("_"):
            variable = self.subscript_variable()
            operand = self.product()
            defined = self.b.of_arrays.get(getattr(operand, "name", None))
            if isinstance(operand, sp.Symbol) and defined is not None \
                    and defined.args[1] == variable:
                operand = defined   # \\nabla_x f with f(x) = x^T x defined: of that formula
            if A.is_array(variable):   # a gradient is of a scalar: x^T A x is one
                return A.Grad(operand, variable)
            return self.derivative_of(operand, [variable])
        operand = self.factor()
        if isinstance(operand, sp.core.function.AppliedUndef) and all(
                isinstance(a, sp.Symbol) for a in operand.args):
            entries = [sp.Derivative(operand, v) for v in operand.args]
            return A.MatrixLiteral(len(entries), 1, *entries)
        raise InputError("say what the gradient is taken with respect to: \\nabla_{w} C")

    def partial_subscript(self):
        """`\\partial_x f`, `\\partial_{x} f(x, y)`."""
        if not self.at("_"):
            raise InputError(r"\partial outside a fraction: write \frac{\partial f}{\partial x}")
        variable = self.subscript_variable()
        return self.derivative_of(self.term(), [variable])

    def subscript_variable(self):
        """The variable in `\\nabla_x`, `\\partial_{x}`: after '_', braced or not."""
        self.expect("_")
        if not self.at("{"):
            return self.leaf(self.name_parts())
        self.next()
        variable = self.leaf(self.name_parts())
        self.expect("}")
        return variable

    def derivative_of(self, operand, variables: list):
        """d operand / d variables: SymPy's Derivative for scalar variables, else the array forms."""
        if all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables) \
                and not A.has_arrays(operand):
            _refuse_entries_without_their_vector(operand, variables)
            return self.b.derivative(operand, variables)
        if all(isinstance(v, AppliedUndef) for v in variables) and not A.has_arrays(operand):
            return sp.Derivative(operand, *variables)   # dz/dg, g = g(x): by the function's value
        if len(variables) != 1:
            raise InputError("a second derivative by an entry or an array is not supported")
        (variable,) = variables
        if A.is_array(variable):
            if A.is_array(operand):
                return A.Jacobian(operand, variable, sp.Integer(0))
            return A.Grad(operand, variable)
        if A.is_array(operand) and not operand.has(A.Transposed):
            raise InputError("the derivative of a vector by a scalar entry: write it entry by entry")
        return A.Partial(operand, variable)   # x^T A x by x_i: a number, if its shape is 1 x 1

    def fraction(self):
        derivative = self.derivative_fraction()
        if derivative is not None:
            return derivative
        numerator = self.argument()
        return self.b.div(numerator, self.argument())

    def derivative_fraction(self):
        """`\\frac{d}{dx} ...`, `\\frac{dy}{dx}`, `\\frac{\\partial^2 f}{\\partial x^2}`,
        `\\frac{\\partial C}{\\partial W^l_{jk}}`; None if the fraction is an ordinary one."""
        start = self.i
        if not self.at("{"):
            return None
        self.next()
        if not (self.at("d", r"\partial") or self._at_roman_d()):
            self.i = start
            return None
        mark = self.differential()
        order = 1
        if self.at("^"):
            self.next()
            order = self._order(self.argument())
        numerator_start = self.i
        depth = 0
        while not (self.at("}") and depth == 0):
            t = self.next()
            depth += t.text == "{"
            depth -= t.text == "}"
        numerator_tokens = self.tokens[numerator_start:self.i]
        self.next()
        variables = self.differential_variables(mark, order)
        if variables is None:
            self.i = start
            return None
        lone = len(numerator_tokens) == 1 and (numerator_tokens[0].kind == "letter"
                                               or numerator_tokens[0].text == r"\sigma")
        if not (lone and self.at("(")):   # \frac{dg}{dh}(h(x)) is g' at h(x)
            for v in variables:
                self._refuse_a_function_as_variable(str(v))
        if mark != "d" and lone and len(variables) == 1 and isinstance(variables[0], sp.Symbol):
            self.b.partials.add((numerator_tokens[0].text.lstrip("\\"), variables[0].name))
        chained = self.chained_derivative(numerator_tokens, variables)
        if chained is not None:
            return chained
        if numerator_tokens:
            operand = self.numerator_operand(numerator_tokens, variables)
        else:
            operand = self.term()
        derivative = self.derivative_of(operand, variables)
        if lone and self.at("(") and not self.peek().spaced and isinstance(
                derivative, sp.Derivative) and not self._group_is_a_factor():
            # \frac{dg}{dx}(x), \frac{dg}{dh}(h(x)): the derivative evaluated there, as books
            # write it; not a product with (x)
            unique = list(dict.fromkeys(variables))
            args = self.call_arguments()
            if len(args) != len(unique):
                raise InputError(f"the derivative is by {len(unique)} variable(s) but is evaluated "
                                 f"at {len(args)} value(s)")
            return derivative.subs(dict(zip(unique, args)), simultaneous=True)
        return derivative

    def _group_is_a_factor(self) -> bool:
        """Whether the parenthesized group ahead is a factor, not the point a derivative is
        evaluated at: it holds a derivative, or is raised to a power (`\\frac{d^2y}{du^2}
        \\left(\\frac{du}{dx}\\right)^2`, the second-order chain rule)."""
        depth, k = 0, self.i
        while k < len(self.tokens):
            depth += self.tokens[k].text == "("
            depth -= self.tokens[k].text == ")"
            k += 1
            if depth == 0:
                break
        inside = self.tokens[self.i + 1:k - 1]
        texts = [t.text for t in inside]
        derivative = r"\partial" in texts or "'" in texts or any(
            t.text == r"\frac" and k2 + 2 < len(inside) and inside[k2 + 1].text == "{"
            and inside[k2 + 2].text in ("d", r"\mathrm", r"\partial")
            for k2, t in enumerate(inside))
        return derivative or (k < len(self.tokens) and self.tokens[k].text == "^")

    def _at_roman_d(self) -> bool:
        return (self.at(r"\mathrm") and self.peek(1) is not None and self.peek(1).text == "{"
                and self.peek(2) is not None and self.peek(2).text == "d"
                and self.peek(3) is not None and self.peek(3).text == "}")

    def differential(self) -> str:
        if self._at_roman_d():
            for _ in range(4):
                self.next()
            return "d"
        return self.next().text

    @staticmethod
    def _order(value) -> int:
        if not (value.is_Integer and 0 < value <= LIMITS.max_order):
            raise InputError(f"derivative order must be a whole number 1..{LIMITS.max_order}")
        return int(value)

    def differential_variables(self, mark: str, order: int):
        """Read `{dx}`, `{dx^2}`, `{\\partial x \\partial y}`, `{\\partial W^l_{jk}}` into variables."""
        if not self.at("{"):
            return None
        self.next()
        variables = []
        while not self.at("}"):
            if self.at("d", r"\partial") or self._at_roman_d():
                if self.differential() != mark:
                    raise InputError("mixed d and \\partial in one derivative")
            elif not variables:
                return None
            t = self.peek()
            if t is None or not (t.kind == "letter" or (t.kind == "cmd" and (
                    t.text[1:] in GREEK or t.text in FONTS)) or (
                    t.kind == "text" and self.spelled_name(t.text))):
                return None
            variable = self.leaf(self.name_parts())
            count = 1
            if self.at("^") and not self.at_seq("^", "{", r"\top"):
                self.next()
                count = self._order(self.argument())
            variables.extend([variable] * count)
        self.next()
        if not variables:
            return None
        if len(variables) != order:
            raise InputError(f"derivative of order {order} but {len(variables)} variable(s) "
                             "below the fraction bar")
        return variables

    def _refuse_a_function_as_variable(self, name: str):
        """`\\frac{df}{dg}` with g a function (g(x) = 3x + 1, or g(x) in the formula): by the
        value of g, as the chain rule means it, which this reader does not take (by a letter g it
        would be 0)."""
        applied = name in self.function_letters and any(
            t.text == name and nxt.text == "(" for t, nxt in zip(self.tokens, self.tokens[1:]))
        if applied or name in self.b.declared_functions:
            raise InputError(f"a derivative by the function {name}: write its value as a name "
                             f"(u = {name}(x)) and differentiate by u")

    def chained_derivative(self, tokens: list[Tok], variables: list):
        """`dy/du` in `dy/dx = dy/du du/dx`: y is y(u) and u is u(x), as the chain rule reads
        them (`Builder.chains`), so dy/dx is the derivative of y(u(x)) and dy/du is y' at u(x)."""
        chains = self.b.chains
        if not chains or len(tokens) != 1 or tokens[0].text not in chains:
            return None
        by = [self.b.chain_value(str(v)) if str(v) in chains else v for v in variables]
        return sp.Derivative(self.b.chain_value(tokens[0].text), *by)

    def numerator_operand(self, tokens: list[Tok], variables: list):
        """The y in dy/dx: an expression, a quantity, or a lone letter meaning an unknown function
        of x."""
        if len(tokens) == 1 and (tokens[0].kind == "letter" or tokens[0].text == r"\sigma"):
            name = tokens[0].text.lstrip("\\")
            if name in {str(v) for v in variables}:
                return self.b.symbol(name, constants=False)
            if name == "sigma" and self.b.defined and \
                    name not in self.b.defined | self.b.declared_functions:
                # d sigma/dw beside z = w x + b: sigma(w), or sigma(z) by the chain rule?
                raise InputError(r"ambiguous: \sigma differentiated by "
                                 f"{', '.join(map(str, variables))} where the definitions give "
                                 r"other names: write the sigmoid's argument, \sigma(z), or "
                                 r"define a = \sigma(z)")
            if name in self.b.defined or name in self.b.arrays or self.b.defined:
                return self.sub_reader(tokens).expr()   # given its meaning by the definitions
            if not all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables):
                return self.sub_reader(tokens).expr()   # C in dC/dW_jk: given meaning when checked
            seen = self.leibniz.setdefault(name, tuple(variables))
            self.b.leibniz.setdefault(name, set()).add(tuple(str(v) for v in variables))
            if seen != tuple(variables) and self.b.leibniz_conflict is None:
                self.b.leibniz_conflict = (
                    f"{name} is differentiated by {', '.join(map(str, seen))} and by "
                    f"{', '.join(map(str, variables))}: how {name} depends on them is not stated; "
                    f"write it out, e.g. {name}(h(w))")
            if name == "sigma":
                return self.b.call("sigmoid", list(dict.fromkeys(variables))[:1])
            return self.b.unknown_function(name, constants=False)(*dict.fromkeys(variables))
        sub = self.sub_reader(tokens)
        if tokens[0].kind == "letter" or tokens[0].text in FONTS or tokens[0].text[1:] in GREEK:
            parts = sub.name_parts()
            plain = all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables)
            if sub.peek() is None and plain and not parts.indices and not self.b.defined and parts.display not in self.b.arrays \
                    and parts.display not in {str(v) for v in variables}:
                name = parts.display   # d\mathcal{L}/d\hat{y}: an unknown function of y-hat
                self.b.trust_function(name)
                return self.b.unknown_function(name, constants=False)(*dict.fromkeys(variables))
            sub.i = 0
        value = sub.expr()
        if sub.peek() is not None:
            raise InputError(unexpected(sub.peek()))
        return value

    def limit(self):
        r"""`\lim_{h \to 0} EXPR`: the operand is the rest of the product."""
        self.expect("_")
        self.expect("{")
        variable = self.leaf(self.name_parts())
        self.expect(r"\to")
        end, depth = self.i, 0   # the subscript's closing brace
        while end < len(self.tokens) and (self.tokens[end].text != "}" or depth):
            depth += (self.tokens[end].text == "{") - (self.tokens[end].text == "}")
            end += 1
        point_tokens, side = self.tokens[self.i:end], "+-"
        for mark, which in ONE_SIDE:   # 0^+, 0^{-}: a limit from one side
            if [t.text for t in point_tokens[-len(mark):]] == mark and len(point_tokens) > len(mark):
                point_tokens, side = point_tokens[:-len(mark)], which
                break
        sub = self.sub_reader(point_tokens)
        point = sub.expr()
        if sub.peek() is not None:
            raise InputError(unexpected(sub.peek()))
        self.i = end
        self.expect("}")
        operand = self.term()
        if self.at("+") or self.at("-"):
            self._refuse_a_free_limit_variable(str(variable))
        return self.b.limit(operand, variable, point, side)

    def _refuse_a_free_limit_variable(self, name: str):
        """`\\lim_{h \\to 0} 2x + h`: the limit's operand is its term, and the h after it would
        be free; the writer surely meant the whole sum, but said otherwise: ambiguous."""
        depth = 0
        for t in self.tokens[self.i:]:
            depth += (t.text in "({[") - (t.text in ")}]")
            if depth < 0 or (depth == 0 and t.text in ("=", "<", ">", "<=", ">=", r"\neq")):
                return
            if t.kind == "letter" and t.text == name:
                raise InputError(f"ambiguous: {name} appears after the limit's term as well; "
                                 f"write \\lim_{{{name} \\to ...}} (...) around all of it")

    def big_operator(self, kind):
        """`\\sum_{i=1}^{n} x_i`, `\\sum^n_{i=1}`, `\\sum_j`, `\\sum_{k \\neq i}`, `\\sum_{i,j}`,
        `\\prod_{i=1}^n`: the operand is the rest of the product; without bounds an index runs
        over all its values."""
        high = self._upper_bound() if self.at("^") else None
        self.expect("_")
        braced = self.at("{")
        if braced:
            self.next()
        variables = [self._bound_variable()]
        while braced and self.at(","):   # \sum_{i,j}: a sum over each
            self.next()
            variables.append(self._bound_variable())
        low = sp.Integer(1)
        excluded = None
        if braced and self.at("=") and len(variables) == 1:
            self.next()
            low = self.expr()
        elif braced and self.at(r"\neq") and len(variables) == 1:
            self.next()
            excluded = index_symbol(self.name_parts().letter)
        if braced:
            self.expect("}")
        if high is None and self.at("^"):
            high = self._upper_bound()
        if high is not None and len(variables) > 1:
            raise InputError("one upper bound for several indices: write a sum for each")
        if kind is sp.Product and high is not None and (high - low).is_Number \
                and high - low > LIMITS.max_combinatorial:   # prod_{k=1}^{20000} k: 20000!
            raise InputError(f"a product of more than {LIMITS.max_combinatorial} factors")
        body = self.term()
        if kind is sp.Product and isinstance(body, sp.Mul) and any(
                isinstance(f, (sp.Sum, sp.Product)) and not f.free_symbols & set(variables)
                for f in body.args):
            # \prod_k k \prod_k 2: n! 2^n as two products, n! 2^(n^2) with the second inside
            raise InputError("ambiguous: a sum or product after \\prod_{...} and its factor: "
                             "inside the product, or multiplied by it? put parentheses around "
                             "each")
        if excluded is not None:   # the excluded term is 0 in a sum, 1 in a product
            keep = 1 - sp.KroneckerDelta(variables[0], excluded)
            body = body ** keep if kind is sp.Product else body * keep
        for variable in reversed(variables):
            body = kind(body, (variable, low, high if high is not None
                               else A.index_size(variable)))
        return body

    def _bound_variable(self):
        parts = self.name_parts()
        if parts.label is not None or parts.font or parts.subscript or parts.indices:
            raise InputError("a sum runs over a plain index letter: \\sum_{i=1}^{n}")
        return index_symbol(parts.letter)

    def _upper_bound(self):
        self.expect("^")
        was, self.b.scalar_only = self.b.scalar_only, True   # a bound is a number
        t = self.peek()
        if t is not None and t.kind == "letter":   # \sum^K_{k=1}: K alone, the _ is the sum's
            self.next()
            high = self.leaf(NameParts(t.text))
        else:
            high = self.argument()
        self.b.scalar_only = was
        return high


def _refuse_entries_without_their_vector(operand, variables: list) -> None:
    """d/dz of a formula of z_1 and z_2 that has no z: 0 if they are other names, the gradient
    if they are z's entries, as ML notes write them. Which is meant is not said: refused."""
    if not isinstance(operand, sp.Basic):
        return
    names = {str(s) for s in operand.free_symbols} | {
        str(e.base) for e in operand.atoms(sp.Indexed)}
    for v in variables:
        entries = sorted(n for n in names if n.startswith(f"{v.name}_"))
        if entries and v.name not in {str(s) for s in operand.free_symbols}:
            raise InputError(f"ambiguous: {', '.join(entries)} could be entries of {v.name} or "
                             f"other names, so the derivative by {v.name} could be a gradient "
                             f"or 0: differentiate by an entry ({entries[0]}), or write "
                             f"{v.name} in the formula")
