"""What a side computed from rounded numbers stands for (`text.intervals`), by hand."""

import sympy as sp

from derive.text.intervals import computed_interval
from derive.text.latex_tokens import tokenize

R = sp.Rational


def interval(latex: str):
    return computed_interval(tokenize(latex))


def test_each_decimal_is_half_a_unit_either_way_and_the_arithmetic_is_exact():
    # 0.8581 x 0.1419: from 0.85805 x 0.14185 to 0.85815 x 0.14195
    assert interval(r"0.8581 \times 0.1419") == (R("0.85805") * R("0.14185"),
                                                 R("0.85815") * R("0.14195"))
    # 1 - 0.4621^2: 1 is exact, the square of 0.46205 .. 0.46215 is subtracted
    assert interval(r"1 - 0.4621^2") == (1 - R("0.46215") ** 2, 1 - R("0.46205") ** 2)
    # a quotient and a bracket: 1 / (2.000 + 0.500) with 2.000 and 0.500 to three places
    assert interval(r"\frac{1}{2.000 + 0.500}") == (1 / R("2.501"), 1 / R("2.499"))


def test_a_side_that_is_not_arithmetic_on_rounded_numbers_has_none():
    assert interval(r"0.8581") is None                  # one number: a rounded value itself
    assert interval(r"2 \times 3") is None              # no decimal: exact
    assert interval(r"x \times 0.8581") is None         # a name
    assert interval(r"\sqrt{0.25} \times 2.0") is None   # a function
    assert interval(r"0.3 \times 1.1") is None          # too coarse: 0.2625 .. 0.4025
    assert interval(r"1.0000 / (0.0001 - 0.0001)") is None   # divided by an interval around 0
