"""Bounds on user text, checked before SymPy evaluates anything, and the one error for bad text."""

from __future__ import annotations

from dataclasses import dataclass


class InputError(ValueError):
    """Text that cannot be read. The message is one line and says what to write instead."""


@dataclass(frozen=True)
class Limits:
    """Bounds applied before SymPy evaluates anything (all refusals are instant)."""

    max_chars: int = 4000
    max_depth: int = 64
    max_nodes: int = 2000
    max_int_digits: int = 100
    max_decimal_exponent: int = 400
    max_exponent: int = 10_000
    max_result_digits: int = 10_000
    max_combinatorial: int = 1000
    max_order: int = 20
    max_name: int = 32


LIMITS = Limits()
