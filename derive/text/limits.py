"""Bounds on user text, checked before SymPy evaluates anything, and the one error for bad text."""

from __future__ import annotations

from dataclasses import dataclass


class InputError(ValueError):
    """Text that cannot be read. The message is one line and says what to write instead."""


def one_line(err: Exception, limit: int = 160) -> str:
    """An exception's message as one line for a verdict or an error (its name when it has none)."""
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:limit]


def remembered(table: dict, size: int, key, make):
    """`make()` once per key, its InputError too (raised again each time); past `size` entries
    the oldest is forgotten. A document reads the same definitions for each of its claims."""
    if key not in table:
        try:
            table[key] = make()
        except InputError as error:
            table[key] = error
        if len(table) > size:
            table.pop(next(iter(table)))
    value = table[key]
    if isinstance(value, InputError):
        raise InputError(*value.args)
    return value


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
