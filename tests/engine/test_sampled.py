"""An expression evaluated at a sample with its indices given as values (`engine.sampled`) has the
value it has with the indices written into it: where writing them in makes SymPy build 0 or 1
(delta_ik at i != k, x_i - x_k at i = k, a power to delta_ik), the parts it drops are never
evaluated, so one that has no value there cannot stop the claim. The values expected are worked
by hand from the sampled entries."""

import pytest
import sympy as sp

from derive.engine.environment import Environment
from derive.engine.instances import Instance
from derive.engine.shapes import ShapeError

i, k = sp.symbols("i k", integer=True, positive=True)
x, y = sp.IndexedBase("x"), sp.IndexedBase("y")


@pytest.fixture
def env():
    """x in R^2 and y in R^1 at a sample: y_7 has no value."""
    instance = Instance(labels={}, lhs=sp.Integer(0), rhs=sp.Integer(0), definitions=(),
                        functions={}, shapes={"x": (2, 1), "y": (1, 1)}, index_values=({},),
                        sizes_of={})
    return Environment(instance, sample=0)


def entries(env):
    value = env.name_value("x")
    return value[0], value[1]


def test_a_delta_that_is_0_leaves_its_other_factors_unevaluated(env):
    expr = sp.KroneckerDelta(i, k) * y[7]
    assert env.value(expr, {i: 1, k: 2}) == 0
    with pytest.raises(ShapeError, match="out of range"):   # where it is not 0, y_7 is read
        env.value(expr, {i: 1, k: 1})


def test_a_difference_that_cancels_leaves_its_other_factors_unevaluated(env):
    assert env.value((x[i] - x[k]) * y[7], {i: 2, k: 2}) == 0


def test_a_power_to_a_delta_that_is_0_is_1(env):
    assert env.value(y[7] ** sp.KroneckerDelta(i, k), {i: 1, k: 2}) == 1


def test_0_times_an_infinite_factor_is_not_0(env):
    # delta_12 = 0, and 1/(i - k) at i = k is complex infinity: written in at once, SymPy makes
    # the product nan, which no comparison takes for a value
    expr = sp.KroneckerDelta(i, 2) / (i - k) * x[1]
    assert expr.xreplace({i: 1, k: 1}) is sp.nan
    assert env.value(expr, {i: 1, k: 1}) is sp.nan


def test_the_entries_and_sums_take_the_values_given(env):
    x1, x2 = entries(env)
    assert env.value(x[i] * x[k], {i: 1, k: 2}) == x1 * x2
    assert env.value(x[k + 1], {k: 1}) == x2
    # a sum over the letter of a given index runs over its own range, as written in
    assert env.value(sp.Sum(x[i], (i, 1, 2)) * x[i], {i: 1}) == (x1 + x2) * x1
    assert env.value(sp.Sum(sp.KroneckerDelta(i, k) * x[k], (k, 1, 2)), {i: 2}) == x2
