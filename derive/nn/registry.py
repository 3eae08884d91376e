"""A registry of records keyed by the words the command line takes, each derived once and kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Registry(Mapping, Generic[T]):
    """name -> record for the built-in names (derived on first use, then cached), and `resolve`
    for a user's own expression, cached the same way."""

    def __init__(self, names, build: Callable[[str], T], parse: Callable[[str], T]):
        self._names = tuple(names)
        self._build, self._parse = build, parse
        self._records: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._names:
            raise KeyError(name)
        return self.resolve(name)

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def resolve(self, spec: str) -> T:
        """The record for a built-in name or a user's expression."""
        if spec not in self._records:
            make = self._build if spec in self._names else self._parse
            self._records[spec] = make(spec)
        return self._records[spec]
