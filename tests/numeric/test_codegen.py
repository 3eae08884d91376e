"""`derive codegen`: the generated NumPy module, imported as written, against its own finite
differences, the compiled network (`MLP`) and the hand-written backprop (`reference`)."""

import ast
import functools
import importlib.util
import shlex
import sys

import numpy as np
import pytest

from derive.cli import main
from derive.cli.parser import build_parser
from derive.numeric import reference
from derive.numeric.codegen import generate
from derive.numeric.gradcheck import finite_differences, random_problem, relative_difference
from derive.numeric.mlp import MLP

# name -> (layers, hidden, output, cost, the hand-written formulas of the same functions)
CASES = {
    "sigmoid": ((2, 3, 1), "sigmoid", None, None, ("sigmoid", "sigmoid", "cross-entropy")),
    "tanh-sigmoid": ((3, 4, 2), "tanh", "sigmoid", "squared-error",
                     ("tanh", "sigmoid", "squared-error")),
    "relu-identity": ((2, 3, 1), "relu", "identity", None, ("relu", "identity", "squared-error")),
    # a user's expression: the softplus, which the hand-written code has by name
    "user-softplus": ((2, 3, 1), "log(1 + exp(z))", None, None,
                      ("softplus", "softplus", "squared-error")),
    # a user's expression with no slope in terms of a (computed from z, in the hidden layer and
    # for delta^L), and a squared denominator in that slope: a power printed without its
    # parentheses shows here
    "user-rational": ((2, 3, 2), "1/(1 + z**2)", None, None, None),
    # outputs that couple the units: the delta is a Jacobian-vector product
    "tanh-softmax": ((3, 4, 3), "tanh", "softmax", None,
                     ("tanh", "softmax", "categorical-cross-entropy")),
    "relu-log-softmax": ((2, 3, 3), "relu", "log-softmax", None, ("relu", "log-softmax", "nll")),
}
VECTOR = ("softmax", "log-softmax")
PUBLIC = ("sigma_hidden", "sigma_hidden_slope", "sigma_output", "sigma_output_slope", "cost",
          "output_delta", "init", "forward", "loss", "gradients", "train_step")


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _case(name, folder):
    layers, hidden, output, cost, _ = CASES[name]
    generated = generate(layers, hidden, output, cost)
    path = folder / f"net_{name.replace('-', '_')}.py"
    path.write_text(generated.source, encoding="utf-8")
    return generated, _load(path, f"generated_{name.replace('-', '_')}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("codegen")


def _problem(layers, cost, seed=4):
    """Weights and data where every layer's weight gradient is mostly non-zero (with a dead ReLU
    layer every gradient would be 0 and agree without proving anything)."""
    rng = np.random.default_rng(seed)
    for _ in range(50):
        params, X, Y = random_problem(layers, cost, rng)
        grads = reference.gradients([(W.copy(), b.copy()) for W, b in params], X.T, Y.T,
                                    "relu", "identity", "squared-error")
        if all(np.count_nonzero(gW) > gW.size // 2 for gW, _ in grads):
            return params, X, Y
    raise AssertionError("no live problem")


def _copy(params):
    return [(W.copy(), b.copy()) for W, b in params]


# one test per network, so that parallel workers do not each generate every module
@pytest.mark.parametrize("name", CASES)
def test_generated_network(name, folder):
    generated, net = _case(name, folder)
    layers, hidden, _, _, by_hand = CASES[name]

    # only numpy, and the functions a reader looks for, in the tutorial's shapes
    tree = ast.parse(generated.source)
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    assert set(imported) <= {"numpy", "math"} and "numpy" in imported
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "open", "getattr"}
    wanted = [f for f in PUBLIC
              if not (generated.output_activation in VECTOR and f == "sigma_output_slope")]
    assert all(callable(getattr(net, f, None)) for f in wanted)
    initial = net.init(0)
    assert [(W.shape, b.shape) for W, b in initial] == [((o, i), (o,))
                                                        for i, o in zip(layers, layers[1:])]
    assert net.forward(initial, np.zeros((5, layers[0]))).shape == (5, layers[-1])

    # gradients: finite differences of its own loss, the compiled network, the hand-written code
    params, X, Y = _problem(layers, generated.cost)
    grads = net.gradients(_copy(params), X, Y)
    assert [(gW.shape, gb.shape) for gW, gb in grads] == [(W.shape, b.shape) for W, b in params]
    assert all(np.count_nonzero(gW) for gW, _ in grads)
    numeric = finite_differences(lambda ps: net.loss(ps, X, Y), _copy(params))
    assert relative_difference(grads, numeric) < 1e-6
    model = MLP(hidden_layer_sizes=layers[1:-1], activation=hidden,
                output_activation=generated.output_activation, cost=generated.cost)
    model.coefs_ = [W.copy() for W, _ in params]
    model.intercepts_ = [b.copy() for _, b in params]
    assert relative_difference(grads, model.gradients(X, Y)) < 1e-10
    assert net.loss(params, X, Y) == pytest.approx(model.loss(X, Y), rel=1e-12)
    if by_hand is not None:
        hand = reference.gradients(_copy(params), X.T, Y.T, *by_hand)
        assert relative_difference(grads, hand) < 1e-10
        assert net.loss(params, X, Y) == pytest.approx(reference.loss(params, X.T, Y.T, *by_hand),
                                                       rel=1e-12)

    # a small step of gradient descent lowers the loss, and leaves the given weights alone
    kept = _copy(params)
    stepped = net.train_step(params, X, Y, 0.05)
    assert net.loss(stepped, X, Y) < net.loss(params, X, Y)
    assert all(np.array_equal(W, W0) and np.array_equal(b, b0)
               for (W, b), (W0, b0) in zip(params, kept))

    # large |z| (about 800): finite, without overflow, invalid-value or divide warnings
    big = [(np.sign(W) * 200.0, b) for W, b in params]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = net.loss(big, X, Y)
        grads = net.gradients(big, X, Y)
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for pair in grads for g in pair)


def test_the_module_runs_with_numpy_alone(folder, tmp_path):
    """In a fresh interpreter that cannot import derive or sympy."""
    import subprocess
    generated, _ = _case("relu-identity", folder)
    (tmp_path / "net.py").write_text(generated.source, encoding="utf-8")
    script = ("import sys; sys.modules['derive'] = sys.modules['sympy'] = None; import net; "
              "p = net.init(1); X = [[0, 0], [1, 0], [0, 1], [1, 1]]; Y = [0, 1, 1, 0]; "
              "print(net.loss(net.train_step(p, X, Y, 0.05), X, Y) < net.loss(p, X, Y))")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_docstring_names_the_command_that_writes_the_same_module(folder):
    generated, net = _case("relu-identity", folder)   # its cost is the default one
    doc = " ".join(net.__doc__.split())
    command = doc.split("`")[1]
    assert command.startswith("derive codegen ") and "--cost squared-error" in command
    args = build_parser().parse_args(shlex.split(command)[1:])
    again = generate(tuple(int(n) for n in args.layers.split(",")), args.activation,
                     args.output_activation, args.cost)
    assert again.source == generated.source


@pytest.mark.parametrize("hostile", [
    'z\n"""\nimport os',
    'z + 0*0  # """ ; import os',
    "z\\\n+ 0*0 # '''\\ import os",
    "exp(z)\u2028import os",
])
def test_a_hostile_name_is_refused_or_injects_nothing(hostile):
    try:
        generated = generate((2, 2, 1), hostile, "identity", "squared-error")
    except ValueError as err:
        assert "\n" not in str(err)
        return
    tree = ast.parse(generated.source)
    assert [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names] \
        == ["numpy"]
    assert "import os" not in generated.source and "os." not in generated.source
    assert generated.source.count('"""') == 2 + 2 * sum(
        isinstance(n, ast.FunctionDef) and ast.get_docstring(n) is not None
        for n in ast.walk(tree))


@pytest.mark.parametrize("spec,message", [
    ("f(z)", "unknown function"), ("1/(1 + exp(-beta*z))", "free parameters"),
    ("gamma(z)", "NumPy")])
def test_formulas_a_numpy_module_cannot_compute_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        generate((2, 2, 1), spec, "identity", "squared-error")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_module(tmp_path, capsys):
    target = tmp_path / "net.py"
    code, out, err = run(capsys, "codegen", "-o", str(target))
    assert code == 0 and out == ""
    assert err.strip() == f"wrote {target}"
    net = _load(target, "generated_cli_default")
    params = net.init(0)
    assert [W.shape for W, _ in params] == [(2, 2), (1, 2)]     # the default layers 2,2,1
    assert "--activation sigmoid" in " ".join(net.__doc__.split())


def test_cli_prints_the_module_without_o(capsys):
    code, out, _ = run(capsys, "codegen", "--layers", "2,3,1", "--activation", "relu",
                       "--output-activation", "identity")
    assert code == 0
    assert out == generate((2, 3, 1), "relu", "identity", None).source


@pytest.mark.parametrize("argv", [("--activation", "foo(z"), ("--layers", "2"),
                                  ("--activation", "tanh", "--cost", "cross-entropy")])
def test_cli_bad_input_is_one_line_and_exit_2(capsys, argv):
    code, out, err = run(capsys, "codegen", *argv)
    assert code == 2 and out == ""
    assert err.startswith("derive: error: ") and err.count("\n") == 1


def test_a_slope_in_a_that_numpy_cannot_compute_is_written_in_z(tmp_path):
    """For a = z + e^z, sigma'(a) = 1 + e^(a - W(e^a)) needs LambertW, which NumPy lacks: the
    module computes sigma'(z) = 1 + e^z from z instead (by hand), and says why."""
    generated = generate((2, 2, 1), "z + exp(z)", "sigmoid", "cross-entropy")
    path = tmp_path / "net_lambert.py"
    path.write_text(generated.source, encoding="utf-8")
    module = _load(path, "net_lambert")
    z = np.array([-2.0, 0.0, 1.5])
    assert np.allclose(module.sigma_hidden_slope(z), 1 + np.exp(z))
    assert "needs a function NumPy lacks" in generated.source
