"""Write a network's forward pass, backward pass and training step as a standalone NumPy module.

The formulas are the ones `MLP` lambdifies (`derive.numeric.compile`): each activation and its
slope (in terms of a where the derivation found that form), the cost, dC/da, the cost of z and the
simplified output delta, in their checked overflow-safe forms. Here SymPy's NumPy printer writes
them out as Python source instead, next to comments that cite the derivation each came from, so
the module needs only NumPy and can be read, copied and changed.

The user's text never becomes code: the code is SymPy's printing of parsed expressions, and every
printed formula is checked to be an expression of NumPy calls, numbers and the function's own
arguments before it is used. Names and formulas shown in comments and the docstring pass through
`_text`: one line, a small set of characters.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
from dataclasses import dataclass

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from derive.nn.activations import Activation, a, z
from derive.nn.costs import Cost, y
from derive.numeric.compile import (ELL, WherePrinter, cost_of_z, explicit, numeric_activation,
                                    simplified_delta, vector_cost, verified_stable)

WIDTH = 100
TEXT_LIMIT = 240    # characters of a name or formula shown in a comment
_UNSAFE = re.compile(r"[^A-Za-z0-9 _+\-*/^().,:;=<>!'\[\]]")


@dataclass(frozen=True)
class Generated:
    """The module's source and the network it computes (the cost resolved to its name)."""

    source: str
    layers: tuple[int, ...]
    activation: str
    output_activation: str
    cost: str


@dataclass(frozen=True)
class Section:
    """Function definitions, and the calls the network's code makes to them."""

    source: str
    slope_call: str = ""     # sigma'(z^m) of a hidden layer, from acts[m] or zs[m - 1]
    delta_call: str = ""     # delta^L from zs[-1], acts[-1] and Y
    loss_call: str = ""      # the cost per output and sample, from zs[-1], acts[-1] and Y


class _SourcePrinter(WherePrinter):
    """Max and Min as nested numpy.maximum/minimum: SymPy's functools.reduce needs an import.
    And x**2 as written: it reads better than x*x, and NumPy squares an array as fast."""

    def _print_Pow(self, expr, rational=False):
        if expr.exp == 2:
            return NumPyPrinter._print_Pow(self, expr, rational=rational)
        return super()._print_Pow(expr, rational=rational)

    def _print_Max(self, expr):
        return self._nested("numpy.maximum", expr.args)

    def _print_Min(self, expr):
        return self._nested("numpy.minimum", expr.args)

    def _nested(self, function: str, args) -> str:
        code = self._print(args[-1])
        for arg in reversed(args[:-1]):
            code = f"{function}({self._print(arg)}, {code})"
        return code


def _printer() -> _SourcePrinter:
    return _SourcePrinter({"fully_qualified_modules": True, "inline": True,
                           "allow_unknown_functions": False, "strict": True})


def generate(layers: tuple[int, ...], activation: str, output_activation: str | None = None,
             cost: str | None = None) -> Generated:
    """The module for a network of `layers` sizes with these activations and cost (None: the
    default for the output). Bad input raises ValueError with a one-line message."""
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import compatible, cost as make_cost, default_cost
    from derive.nn.softmax import output_activation as make_output

    layers = tuple(int(n) for n in layers)
    if len(layers) < 2 or min(layers) < 1:
        raise ValueError("a network needs at least two layer sizes, each at least 1")
    hidden = make_activation(activation)
    output = make_output(output_activation) if output_activation else hidden
    vector = getattr(output, "vector", False)
    if vector and layers[-1] < 2:
        raise ValueError(f"{output.name} shares its value between the outputs: the network "
                         "needs 2 or more")
    chosen = make_cost(cost or default_cost(output))
    problem = compatible(output, chosen)
    if problem:
        raise ValueError(problem.reason)
    for act in (hidden,) if vector else (hidden, output):
        numeric_activation(act)
    explicit("cost", chosen.name, chosen.expr)
    hidden_part = _activation_section("hidden", hidden, "hidden layers")
    output_part = _output_section(output, chosen)
    source = "\n\n".join([_docstring(layers, hidden, output, chosen), "import numpy",
                          f"LAYERS = {layers!r}"]) + "\n\n\n" + "\n\n\n".join(
        [hidden_part.source, output_part.source, _network(hidden_part, output_part)]) + "\n"
    _check_module(source)
    return Generated(source, layers, hidden.name, output.name, chosen.name)


# -- the parts of the module ---------------------------------------------------------------------

def _docstring(layers, hidden: Activation, output: Activation, cost: Cost) -> str:
    names = [_name(hidden), _name(output), _name(cost)]
    options = ["--layers", ",".join(map(str, layers)), "--activation", names[0],
               "--output-activation", names[1], "--cost", names[2]]
    command = "derive codegen " + " ".join(shlex.quote(o) for o in options)
    derivation = "derive backprop " + " ".join(shlex.quote(o) for o in options[2:])
    net = "-".join(map(str, layers))
    about = (f"Hidden layers: {names[0]}; output layer: {names[1]}; cost: "
             f"{names[2]} per output unit, summed over the outputs and averaged over the "
             "samples. Written by `" + command + "` from the formulas derive derived and checked; `"
             + derivation + " --format markdown` shows every step. Needs only NumPy.")
    shapes = ("Shapes as in the tutorial: W^m is (N^m, N^(m-1)) and b^m is (N^m,); X is "
              "(n_samples, n_features) and Y is (n_samples, n_outputs). Inside, a batch is laid "
              "out as columns, one per sample.")
    lines = [f'"""A {net} network in NumPy: forward pass, backward pass and a training step.', ""]
    lines += _wrap(about) + [""] + _wrap(shapes) + ['"""']
    return "\n".join(lines)


def _name(record) -> str:
    """The name as the command line takes it. A name with any character outside the safe set
    (a comment, a line break, a quote) is shown as the formula SymPy read from it, which names the
    same activation or cost: the user's text itself then appears nowhere in the module."""
    name = record.name
    return name if _text(name) == name and "'" not in name else _text(record.expr)


def _title(title: str, *records) -> str:
    """A derivation's title, the records' names in it shown as `_name` shows them."""
    for record in records:
        title = title.replace(record.name, _name(record))
    return title


def _activation_section(role: str, act: Activation, where: str) -> Section:
    """sigma_<role>(z) and sigma_<role>_slope(a or z)."""
    title = _title(act.derivation.title, act)
    forward, how = verified_stable(act.expr)
    notes = [f"activation {_name(act)}: sigma(z) = {_plain(act.expr)}"]
    if how:
        notes.append(f"computed in an overflow-safe form, {how} equal to it by derive")
    functions = [_function(f"sigma_{role}", (z,), forward,
                           f"a = sigma(z) for the {where}.", notes)]
    derivative = f"sigma'(z) = {_plain(act.derivative)}, differentiated step by step " \
                 f"(derivation: {title})"
    in_a = None
    if act.derivative_in_a is not None:
        try:
            in_a = _function(f"sigma_{role}_slope", (a,), act.derivative_in_a,
                             f"sigma'(z) for the {where}, from the output a = sigma(z).",
                             [derivative, (f"in terms of a = sigma(z), verified by derive: "
                                           f"{_plain(act.derivative_in_a)}")])
        except ValueError:   # z + e^z: sigma'(a) needs LambertW, which NumPy lacks
            pass
    if in_a is not None:
        functions.append(in_a)
        argument = "acts[m]"
    else:
        slope, how = verified_stable(act.derivative)
        why = "no form in terms of a = sigma(z) was found" if act.derivative_in_a is None else \
            "its form in terms of a = sigma(z) needs a function NumPy lacks"
        functions.append(_function(
            f"sigma_{role}_slope", (z,), slope, f"sigma'(z) for the {where}, from z.",
            [derivative, f"{why}: computed from z"]
            + ([f"in an overflow-safe form, {how} equal to it by derive"] if how else [])))
        argument = "zs[m - 1]"
    heading = _heading(f"{where}: {_name(act)}")
    return Section("\n\n\n".join([heading + "\n\n" + functions[0], functions[1]]),
                   slope_call=f"sigma_{role}_slope({argument})")


def _output_section(output, cost: Cost) -> Section:
    """The output layer's activation, the cost, and delta^L: for each unit alone, or for an
    activation whose outputs depend on every z (softmax, log-softmax)."""
    if getattr(output, "vector", False):
        return _vector_output(output, cost)
    return _elementwise_output(output, cost)


def _vector_output(output, cost: Cost) -> Section:
    from derive.nn.softmax import output_layer
    forms = vector_cost(cost, output)
    derivation = output_layer(output, cost)
    if not derivation.holds:
        raise ValueError(f"the output layer {output.name} with {_name(cost)} does not check")
    result = "log_p" if output.name == "log-softmax" else "numpy.exp(log_p)"
    functions = [
        "\n".join([
            "def log_softmax(z):",
            '    """log p for each column of z, through the shifted exponents: finite for any z."""',
            *_comment("softmax computed stably: e^(z_i - c) / sum_l e^(z_l - c) is the softmax "
                      "for any c (derived and checked by derive); c = max_l z_l keeps every "
                      "exponent <= 0"),
            "    shifted = z - z.max(axis=0)",
            "    return shifted - numpy.log(numpy.sum(numpy.exp(shifted), axis=0))"]),
        "\n".join([
            "def sigma_output(z):",
            f'    """The output layer: {output.name} of each column of z."""',
            *_comment(f"activation {output.name}: a_i = {_plain(output.expr)}"),
            "    log_p = log_softmax(z)",
            f"    return {result}"]),
        _function("cost", (a, y), cost.expr, "C(a, y) for one output unit.",
                  [f"cost {_name(cost)}: C(a, y) = {_plain(cost.expr)}"]),
        _function("cost_of_log_p", (ELL, y), forms.in_log_p,
                  "C for one output unit from its log-probability ell = log p.",
                  [f"cost {_name(cost)} with log a written as ell: a probability that "
                   "underflows to 0 costs nothing infinite"]),
    ]
    parts = (("delta_diagonal", forms.diagonal, "the i = j term"),
             ("delta_outside", forms.outside, "the factor outside the sum over i"),
             ("delta_inside", forms.inside, "the term summed over the outputs i"))
    for name, expr, what in parts:
        functions.append(_function(name, (a, y), expr, f"delta^L: {what}.", []))
    reasons = "; ".join(name for step in derivation.steps[1:] for name in step.rule_names)
    functions.append("\n".join([
        "def output_delta(a, y):",
        '    """delta^L = dC/dz^L, one column per sample: the Jacobian-vector product collapsed."""',
        *_comment(f"{_title(derivation.title, output, cost)}: delta_j = "
                  f"{_plain(derivation.steps[2].rhs)} (derived and checked by derive: "
                  f"{reasons})"),
        "    return delta_diagonal(a, y) + delta_outside(a, y) * numpy.sum(delta_inside(a, y), "
        "axis=0)"]))
    heading = _heading(f"output layer: {output.name}")
    return Section(heading + "\n\n" + "\n\n\n".join(functions),
                   delta_call="output_delta(acts[-1], Y)",
                   loss_call="cost_of_log_p(log_softmax(zs[-1]), Y)")


def _elementwise_output(output: Activation, cost: Cost) -> Section:
    part = _activation_section("output", output, "output layer")
    functions = [
        _function("cost", (a, y), cost.expr, "C(a, y) for one output unit.",
                  [f"cost {_name(cost)}: C(a, y) = {_plain(cost.expr)}"]),
        _function("cost_gradient", (a, y), cost.gradient, "dC/da for one output unit.",
                  [(f"dC/da = {_plain(cost.gradient)}, differentiated step by step "
                    f"(derivation: {_title(cost.derivation.title, cost)})")]),
    ]
    composed, how = cost_of_z(cost, output)
    loss_call = "cost(acts[-1], Y)"
    if composed is not None:
        functions.append(_function(
            "cost_of_z", (z, y), composed,
            "C(sigma(z), y), from z: a saturated output a does not reach C's singularities.",
            [f"C(sigma(z), y) with sigma = {_name(output)}"]
            + ([f"in an overflow-safe form, {how} equal to it by derive"] if how else [])))
        loss_call = "cost_of_z(zs[-1], Y)"
    derivation = simplified_delta(output, cost)
    if derivation is not None:
        reasons = "".join(f"; {name}" for step in derivation.steps[1:] for name in step.rule_names)
        functions.append(_function(
            "output_delta", (a, y), derivation.result, "delta^L = dC/dz^L at the output layer.",
            [(f"{_title(derivation.title, output, cost)}: delta^L = dC/da * sigma'(z) = "
              f"{_plain(derivation.result)} (derived and checked by derive{reasons})")]))
        delta_call = "output_delta(acts[-1], Y)"
    else:
        slope_argument = "a" if output.derivative_in_a is not None else "z"
        arguments = "a, y" if slope_argument == "a" else "a, y, z"
        functions.append("\n".join([
            f"def output_delta({arguments}):",
            '    """delta^L = dC/dz^L at the output layer."""',
            *_comment(f"output layer: {_name(output)} with {_name(cost)}: delta^L = dC/da * "
                      "sigma'(z), the chain rule (derived by derive; no simpler form)"),
            f"    return cost_gradient(a, y) * sigma_output_slope({slope_argument})"]))
        delta_call = "output_delta(acts[-1], Y" + (", zs[-1])" if slope_argument == "z" else ")")
    return Section("\n\n\n".join([part.source, *functions]), delta_call=delta_call,
                   loss_call=loss_call)


def _network(hidden: Section, output: Section) -> str:
    """init, layers, forward, loss, gradients and train_step, with the calls the sections give."""
    return NETWORK.format(heading=_heading("the network"), slope=hidden.slope_call,
                          delta=output.delta_call, loss=output.loss_call)


NETWORK = '''\
{heading}

def init(rng=None):
    """Standard normal weights and biases, as the tutorial's network: [(W^1, b^1), ...]."""
    rng = numpy.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out))
            for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:])]


def layers(params, X):
    """(zs, acts): z^1..z^L and a^0..a^L, one column per sample."""
    acts, zs = [numpy.asarray(X, dtype=float).T], []
    for m, (W, b) in enumerate(params, 1):
        # z^m = W^m a^(m-1) + b^m and a^m = sigma(z^m): the network's definition
        zs.append(W @ acts[-1] + b[:, None])
        acts.append(sigma_output(zs[-1]) if m == len(params) else sigma_hidden(zs[-1]))
    return zs, acts


def forward(params, X):
    """The network's output for X (n_samples, n_features): (n_samples, n_outputs)."""
    return layers(params, X)[1][-1].T


def _targets(Y):
    """Y as columns, one per sample (a 1-d Y is one output)."""
    Y = numpy.asarray(Y, dtype=float)
    return (Y.reshape(-1, 1) if Y.ndim == 1 else Y).T


def loss(params, X, Y):
    """The cost summed over the outputs and averaged over the samples."""
    zs, acts = layers(params, X)
    Y = _targets(Y)
    return float(numpy.mean(numpy.sum({loss}, axis=0)))


def gradients(params, X, Y):
    """[(dC/dW^m, dC/db^m)] for m = 1..L by backpropagation, shaped as W^m and b^m."""
    zs, acts = layers(params, X)
    Y = _targets(Y)
    n = Y.shape[1]
    delta = {delta}
    grads = [None] * len(params)
    for m in range(len(params) - 1, -1, -1):
        # params[m] is (W^(m+1), b^(m+1)); delta holds delta^(m+1), acts[m] is a^m.
        # dC/dW = delta (a^m)^T and dC/db = delta, averaged over the samples (derive backprop:
        # "weights: dC/dW^m" and "biases: dC/db^m", checked in a concrete network)
        grads[m] = (delta @ acts[m].T / n, delta.mean(axis=1))
        if m:
            # hidden layers: delta^m = (W^(m+1)^T delta^(m+1)) o sigma'(z^m) (derive backprop:
            # "hidden layers: delta^m from delta^(m+1)")
            delta = (params[m][0].T @ delta) * {slope}
    return grads


def train_step(params, X, Y, learning_rate):
    """One step of gradient descent from params: the new [(W^m, b^m)]."""
    # W <- W - learning_rate dC/dW lowers C to first order (derive backprop: "gradient descent
    # and momentum")
    return [(W - learning_rate * dW, b - learning_rate * db)
            for (W, b), (dW, db) in zip(params, gradients(params, X, Y))]'''


# -- formulas as code ------------------------------------------------------------------------------

def _function(name: str, args: tuple, expr, doc: str, notes: list[str]) -> str:
    """`def name(args)` computing `expr`: common subexpressions as locals, then the return."""
    names = [str(arg) for arg in args]
    lines = [f"def {name}({', '.join(names)}):", f'    """{_text(doc)}"""']
    for note in notes:
        lines += _comment(note)
    lines += ["    " + line for line in _body(expr, args, name)]
    return "\n".join(lines)


def _body(expr, args: tuple, name: str) -> list[str]:
    if not expr.free_symbols & set(args):
        value = complex(expr)
        if value.imag or value.real != value.real or abs(value.real) == float("inf"):
            raise ValueError(f"{name} is not a finite real number: {_text(expr)}")
        return [f"return numpy.full(numpy.shape({args[0]}), {value.real!r})"]
    printer = _printer()
    replacements, (reduced,) = sp.cse(expr, symbols=sp.numbered_symbols("t"))
    known = {str(arg) for arg in args}
    lines = []
    for symbol, value in replacements:
        lines.append(f"{symbol} = {_code(printer, value, known, name)}")
        known.add(str(symbol))
    return lines + [f"return {_code(printer, reduced, known, name)}"]


def _code(printer, expr, names: set, where: str) -> str:
    """One printed expression, checked: NumPy functions and constants, numbers, `names`."""
    try:
        code = printer.doprint(expr)
    except (NotImplementedError, TypeError, ValueError):   # a function NumPy lacks (strict)
        code = None
    if code is None or not _numpy_expression(code, names):
        raise ValueError(f"{where}: {_text(expr)} cannot be written with NumPy functions alone")
    return code


_OPERATORS = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Tuple,
              ast.List, ast.keyword, ast.Load, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _numpy_expression(code: str, names: set) -> bool:
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            ok = isinstance(node.func, ast.Attribute) or (
                isinstance(node.func, ast.Name) and node.func.id == "abs")
        elif isinstance(node, ast.Attribute):
            ok = isinstance(node.value, ast.Name) and node.value.id == "numpy" \
                and not node.attr.startswith("_")
        elif isinstance(node, ast.Name):
            ok = node.id in names or node.id in ("numpy", "abs")
        elif isinstance(node, ast.Constant):
            ok = isinstance(node.value, (bool, int, float))
        else:
            ok = isinstance(node, _OPERATORS)
        if not ok:
            return False
    return True


def _check_module(source: str) -> None:
    """The whole module parses, and it imports numpy and nothing else."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ValueError(f"the generated module does not parse: {_text(err.msg)}") from None
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    if imported != {"numpy"} or any(isinstance(n, ast.ImportFrom) for n in ast.walk(tree)):
        raise ValueError("the generated module imports more than numpy")


# -- text in comments and the docstring -----------------------------------------------------------

def _text(value) -> str:
    """One line of safe characters: no line break, quote or backslash can end a comment or the
    docstring early."""
    line = _UNSAFE.sub("?", " ".join(str(value).split()))
    return line if len(line) <= TEXT_LIMIT else line[:TEXT_LIMIT - 3] + "..."


def _plain(expr) -> str:
    return str(expr).replace("**", "^")


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, break_on_hyphens=False)


def _comment(note: str) -> list[str]:
    return textwrap.wrap(_text(note), WIDTH, initial_indent="    # ", subsequent_indent="    # ",
                         break_on_hyphens=False)


def _heading(title: str) -> str:
    head = f"# -- {_text(title)} "
    return head + "-" * max(3, WIDTH - len(head))
