"""The records of an explicit-network proof, and how one entry is compared: shared by the direct
proof (`nn.network`) and the proof by layers (`nn.layered`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.verdict import Status
from derive.engine.verify import decide


@dataclass(frozen=True)
class Entry:
    """One weight or bias: is dC/d(parameter), computed directly, equal to the recurrence's?"""

    parameter: str
    status: Status


@dataclass(frozen=True)
class NetworkProof:
    layers: tuple
    entries: tuple           # of Entry
    numeric_error: float     # max |direct - recurrence| with the chosen activation, one random point
    seconds: float
    by_layers: bool = False  # proved by the layer lemmas (`nn.layered`), not as one expression

    @property
    def proved(self) -> int:
        return sum(e.status is Status.PROVED for e in self.entries)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def holds(self) -> bool:
        return all(e.status.holds for e in self.entries) and self.numeric_error < 1e-9


def gap_size(gap) -> float:
    """|gap| of a numeric check (complex where an activation is, z^z below 0), infinite when it
    is not a number: a NaN compares below everything in `max`, and would pass for agreement."""
    size = float(abs(gap))
    return size if math.isfinite(size) else math.inf


def entry_status(direct, recurrence) -> Status:
    """Equal as rational functions of the activation atoms (sigma(z), sigma'(z)), or numerically."""
    difference = direct - recurrence
    atoms = list(difference.atoms(AppliedUndef) | difference.atoms(sp.Subs))
    names = {e: sp.Symbol(f"_u{n}", real=True) for n, e in enumerate(atoms)}
    flat = difference.xreplace(names)
    if sp.cancel(sp.together(flat)) == 0 or sp.expand(flat) == 0:   # (a softmax's: cancel)
        return Status.PROVED
    return decide(direct, recurrence, timeout=10.0, diagnose=False).status
