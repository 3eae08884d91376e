"""The interval a side stands for when it is arithmetic on rounded numbers.

A worked example writes `\\sigma(1.8)(1 - \\sigma(1.8)) = 0.8581 \\times 0.1419`: the right side is
computed from values rounded to four places, and stands for every value those numbers could have
been rounded from. Each decimal with p places is the interval of half a unit in its last place
around it (a whole number is exact), and the arithmetic is carried out on the intervals exactly,
in rationals. Only numbers, + - * / (with \\times, \\cdot and \\frac), whole powers and brackets
are read; anything else, or a side with no decimal, has no interval; nor has one whose numbers
are so coarse that it stands for more than half a percent either way (0.3 x 1.1).
"""

from __future__ import annotations

import sympy as sp

Interval = tuple   # (lowest, highest), exact rationals

TIMES = {"*", "·", "/"}
WIDEST = sp.Rational(1, 200)   # the half-width, relative to the value, of an interval worth using


def computed_interval(tokens: list) -> Interval | None:
    """The interval of a side written as arithmetic on at least two numbers, one of them a
    decimal (`tokens` as `latex_tokens.tokenize` gives them), or None."""
    numbers = [t for t in tokens if t.kind == "num"]
    if len(numbers) < 2 or not any("." in t.text for t in numbers):
        return None
    reader = _Reader(tokens)
    try:
        value = reader.sum()
    except (ValueError, IndexError, ZeroDivisionError):
        return None
    if reader.i != len(tokens):
        return None
    low, high = value
    return value if (high - low) / 2 <= WIDEST * max(abs(low), abs(high)) else None


class _Reader:
    def __init__(self, tokens: list):
        self.tokens, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.i].text if self.i < len(self.tokens) else None

    def take(self, text: str) -> None:
        if self.peek() != text:
            raise ValueError(text)
        self.i += 1

    def sum(self) -> Interval:
        value = self.product()
        while self.peek() in ("+", "-"):
            sign = self.peek()
            self.i += 1
            other = self.product()
            value = _add(value, other if sign == "+" else _negated(other))
        return value

    def product(self) -> Interval:
        value = self.factor()
        while self.peek() in TIMES:
            operator = self.peek()
            self.i += 1
            other = self.factor()
            value = _multiplied(value, _inverted(other) if operator == "/" else other)
        return value

    def factor(self) -> Interval:
        value = self.atom()
        if self.peek() == "^":   # 0.4621^2: a whole power
            self.i += 1
            braced = self.peek() == "{"
            if braced:
                self.i += 1
            power = self.tokens[self.i].text
            if not power.isdigit() or int(power) > 20:
                raise ValueError(power)
            self.i += 1
            if braced:
                self.take("}")
            ends = [end ** int(power) for end in value]
            low = 0 if int(power) % 2 == 0 and value[0] <= 0 <= value[1] else min(ends)
            value = low, max(ends)
        return value

    def atom(self) -> Interval:
        token = self.tokens[self.i]
        if token.text == "-":
            self.i += 1
            return _negated(self.atom())
        if token.kind == "num":
            self.i += 1
            return _rounded(token.text)
        if token.text == r"\frac":
            self.i += 1
            numerator, denominator = self.braced(), self.braced()
            return _multiplied(numerator, _inverted(denominator))
        if token.text in ("(", "{"):
            return self.braced(token.text)
        raise ValueError(token.text)

    def braced(self, opening: str = "{") -> Interval:
        closing = {"(": ")", "{": "}"}[opening]
        self.take(opening)
        value = self.sum()
        self.take(closing)
        return value


def _rounded(text: str) -> Interval:
    """A number as written: exact when whole, else half a unit either way of its last place
    (4.54e-5: of 10^-7)."""
    mantissa, _, exponent = text.lower().partition("e")
    value = sp.Rational(mantissa) * sp.Integer(10) ** int(exponent or 0)
    if "." not in mantissa:
        return value, value
    half = sp.Rational(1, 2) * sp.Integer(10) ** (int(exponent or 0) - len(mantissa.partition(".")[2]))
    return value - half, value + half


def _add(a: Interval, b: Interval) -> Interval:
    return a[0] + b[0], a[1] + b[1]


def _negated(a: Interval) -> Interval:
    return -a[1], -a[0]


def _multiplied(a: Interval, b: Interval) -> Interval:
    ends = [x * y for x in a for y in b]
    return min(ends), max(ends)


def _inverted(a: Interval) -> Interval:
    if a[0] <= 0 <= a[1]:
        raise ZeroDivisionError("an interval around 0")
    return 1 / a[1], 1 / a[0]
