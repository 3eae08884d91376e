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


def test_a_number_in_e_notation_is_half_a_unit_of_its_last_place_either_way():
    # 1.2176e-1 is 0.12176, to five places
    assert interval(r"0.8581 \times 1.2176e-1") == (R("0.85805") * R("0.121755"),
                                                    R("0.85815") * R("0.121765"))


def test_e_notation_without_a_point_is_ambiguous():
    # 1e-8 may be 10^-8 or 1 times e minus 8 (e^{2e-1} writes the second): refused, not guessed
    import pytest

    from derive.text import InputError, parse_latex
    for text in ("1e-8", r"e^{2e-1}"):
        with pytest.raises(InputError, match="ambiguous"):
            parse_latex(text)
    assert parse_latex("2e") == 2 * sp.E and parse_latex("4.54e-5") == R(454, 10**7)
