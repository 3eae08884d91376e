"""Values kept by an instance's environment at a sample are used again only while what they were
computed from stands still. Expected values worked by hand from the sampled entries."""

import sympy as sp

from derive.engine.environment import Environment
from derive.engine.instances import Instance
from derive.text import arrays as A

x = sp.IndexedBase("x")
w, t = sp.symbols("w t", real=True)
g = sp.Function("g")


def test_a_derivative_through_a_function_of_the_document_moves_with_the_names_in_its_formula():
    # g(t) = w t^2: dg(x_1)/dx_1 = 2 w x_1, and its derivative by w is 2 x_1. The first, known
    # at the point, must not stand for itself while w moves (w is in g's formula, not in g(x_1))
    instance = Instance(labels={}, lhs=sp.Integer(0), rhs=sp.Integer(0), definitions=(),
                        functions={"g": sp.Lambda((t,), w * t**2)}, shapes={"x": (2, 1)},
                        index_values=({},), sizes_of={})
    env = Environment(instance, sample=0)
    inner = A.Partial(g(x[1]), x[1])
    x1, w_ = env.name_value("x")[0], env.name_value("w")
    assert abs(env.value(inner, {}) - 2 * w_ * x1) < 1e-50
    assert abs(env.value(A.Partial(inner, w), {}) - 2 * x1) < 1e-50


def test_a_value_defined_through_a_function_of_the_document_moves_with_the_names_in_its_formula():
    # y = g(x_1) with g(t) = w t^2: y = w x_1^2 and dy/dw = x_1^2. The value of y, known at the
    # point once y has been evaluated, must not stand for itself while w moves
    y = sp.Symbol("y", real=True)
    instance = Instance(labels={}, lhs=sp.Integer(0), rhs=sp.Integer(0),
                        definitions=((y, g(x[1])),),
                        functions={"g": sp.Lambda((t,), w * t**2)}, shapes={"x": (2, 1)},
                        index_values=({},), sizes_of={})
    env = Environment(instance, sample=0)
    x1, w_ = env.name_value("x")[0], env.name_value("w")
    assert abs(env.value(y, {}) - w_ * x1**2) < 1e-50
    assert abs(env.value(A.Partial(y, w), {}) - x1**2) < 1e-50


def test_a_value_found_while_one_name_moves_is_kept_for_the_point_when_it_does_not_depend_on_it():
    # a central difference by W moves W alone: u = 3 v, which does not use W, is found once (in
    # the first moved copy) and is the point's value too; z = W u moves with W
    W, u, v, z = (sp.Symbol(n, real=True) for n in "Wuvz")
    instance = Instance(labels={}, lhs=sp.Integer(0), rhs=sp.Integer(0),
                        definitions=((u, 3 * v), (z, W * u)), functions={}, shapes={},
                        index_values=({},), sizes_of={})
    env = Environment(instance, sample=1)
    W_, v_ = env.name_value("W"), env.name_value("v")
    assert abs(env.value(A.Partial(z, W), {}) - 3 * v_) < 1e-50   # dz/dW = u = 3 v
    assert "u" in env.cache and "z" not in env.cache
    assert abs(env.cache["u"] - 3 * v_) < 1e-100
    assert abs(env.value(z, {}) - 3 * W_ * v_) < 1e-50


def _max_at(value) -> Environment:
    """s = max(0, x) at a sample where x is `value`."""
    s, x_ = sp.Symbol("s", real=True), sp.Symbol("x", real=True)
    instance = Instance(labels={}, lhs=sp.Integer(0), rhs=sp.Integer(0),
                        definitions=((s, sp.Max(0, x_)),), functions={}, shapes={},
                        index_values=({},), sizes_of={})
    env = Environment(instance, sample=0)
    env.points[x_] = sp.Integer(value)
    return env


def test_the_side_of_a_kink_a_sample_falls_on_is_recorded():
    # max(0, x) at x = -2: the argument of the kink, 0 - x, is 2 (one side); at x = 3, -3
    left, right = _max_at(-2), _max_at(3)
    s = sp.Symbol("s", real=True)
    assert left.value(s, {}) == 0 and abs(right.value(s, {}) - 3) < 1e-50
    assert list(left.kinks.seen.values()) == [{1}] and list(right.kinks.seen.values()) == [{-1}]
    assert not left.kinks.near and not right.kinks.near


def test_a_derivative_across_a_kink_marks_its_point():
    # d max(0, x)/dx at x = 0: the central difference steps to either side of the kink (its
    # value, 1/2, is no slope of max); max(0, x) itself at 0 is 0, with nothing moved across
    s, x_ = sp.Symbol("s", real=True), sp.Symbol("x", real=True)
    at = _max_at(0)
    assert at.value(s, {}) == 0 and not at.kinks.near
    assert abs(at.value(A.Partial(s, x_), {}) - sp.Rational(1, 2)) < 1e-50
    assert at.kinks.near
    beside = _max_at(-2)
    assert beside.value(A.Partial(s, x_), {}) == 0 and not beside.kinks.near
