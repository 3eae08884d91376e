"""Step and Derivation records. A derivation that prints is a derivation that was checked.

A `Step` says `lhs = rhs` by one or more named rules (typed records: the differentiation rules of
`calc.rules`, or a `Reason` written out for a hand-made derivation). `Derivation.check()` decides
every step with the verifier (both sides evaluated by SymPy, never trusting the step's own right
side) and compares the final result with an independent `Reference` (`sympy.diff`, or an explicit
computation).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from derive.display import Displayed
from derive.engine.verdict import Status, Verdict, worst
from derive.engine.verify import decide
from derive.text import parse_assumptions


class Rule:
    """What justifies a step: a `name` (a reader's words, e.g. "chain rule") and an optional
    `note` (a side condition or convention)."""

    name: str = ""
    note: str | None = None


@dataclass(frozen=True)
class Reason(Rule):
    """A justification written out by hand, for derivations that are not mechanical."""

    name: str
    note: str | None = None


@dataclass(frozen=True)
class Step:
    """`lhs = rhs`, justified by `rules` (a tuple of Rule records; a plain string is read as one
    `Reason`), with an optional note."""

    lhs: sp.Basic
    rhs: sp.Basic
    rules: tuple = ()
    note: str | None = None

    def __post_init__(self):
        if isinstance(self.rules, str):
            object.__setattr__(self, "rules", (Reason(self.rules),))
        elif isinstance(self.rules, Rule):
            object.__setattr__(self, "rules", (self.rules,))

    @property
    def rule_names(self) -> tuple:
        """The names of the rules, each once, in order."""
        return tuple(dict.fromkeys(r.name for r in self.rules))

    @property
    def notes(self) -> tuple:
        """The rules' notes and the step's own, each once."""
        return tuple(dict.fromkeys([r.note for r in self.rules if r.note]
                                   + ([self.note] if self.note else [])))


@dataclass(frozen=True)
class Reference:
    """The independent computation a derivation's result is compared with."""

    result: sp.Basic        # what the derivation arrived at
    value: sp.Basic         # the independent value
    against: str            # what computed it, e.g. "sympy.diff"


@dataclass(frozen=True)
class Derivation(Displayed):
    """A titled sequence of steps. After `check()`, `verdicts` holds one Verdict per step and
    `reference_verdict` the verdict of the final result against the independent computation."""

    title: str
    steps: tuple
    assumptions: tuple = ()
    reference: Reference | None = None
    verdicts: tuple = ()
    reference_verdict: Verdict | None = None
    notes: tuple = field(default=())
    # display symbol -> what it stands for, substituted before checking (e.g. a -> sigma(z), so a
    # step can show a(1 - a) and still be checked as a statement about z)
    meaning: dict = field(default_factory=dict)

    @property
    def result(self):
        return self.steps[-1].rhs if self.steps else None

    @property
    def checked(self) -> bool:
        return bool(self.verdicts) or not self.steps

    @property
    def holds(self) -> bool:
        """Every step and the reference hold (PROVED or NUMERIC)."""
        verdicts = list(self.verdicts) + ([self.reference_verdict] if self.reference_verdict else [])
        return self.checked and all(v.status.holds for v in verdicts)

    def failures(self) -> list[tuple[int, Step, Verdict]]:
        return [(k, s, v) for k, (s, v) in enumerate(zip(self.steps, self.verdicts), 1)
                if not v.status.holds]

    def check(self, assumptions=None, timeout: float = 5.0) -> "Derivation":
        """Decide every step and the final result (under the derivation's own assumptions unless
        others are given); returns the derivation with its verdicts."""
        if assumptions is None and self.assumptions:
            assumptions = parse_assumptions(list(self.assumptions))
        verdicts = tuple(check_sides(step.lhs.xreplace(self.meaning), step.rhs.xreplace(self.meaning),
                                     assumptions, timeout) for step in self.steps)
        reference = None
        if self.reference is not None:
            reference = check_sides(self.reference.result, self.reference.value, assumptions,
                                    timeout)
        return replace(self, verdicts=verdicts, reference_verdict=reference)


def check_sides(lhs, rhs, assumptions=None, timeout: float = 5.0) -> Verdict:
    """Decide `lhs = rhs`; matrices entry by entry, the worst entry's verdict standing for the
    whole."""
    explicit = [isinstance(side, sp.MatrixBase) or (isinstance(side, sp.MatrixExpr)
                                                   and not side.atoms(sp.MatrixSymbol))
                for side in (lhs, rhs)]
    if not any(explicit):   # (a sum or product of explicit matrices is explicit too)
        return decide(lhs, rhs, assumptions, timeout)
    lhs, rhs = (sp.Matrix(_multiplied(side)) for side in (lhs, rhs))
    if lhs.shape != rhs.shape:
        return Verdict(Status.REFUTED, lhs, rhs, note=f"shapes differ: {lhs.shape} vs {rhs.shape}")
    entries = [decide(a, b, assumptions, timeout) for a, b in zip(lhs, rhs)]
    return replace(worst(entries), lhs=lhs, rhs=rhs) if entries else Verdict(Status.PROVED, lhs, rhs)


def _multiplied(side):
    """An expression of explicit matrices multiplied out as matrices (SymPy's entry-wise
    `as_explicit` builds a symbolic sum per entry and evaluates it, many times slower)."""
    if isinstance(side, sp.MatrixExpr) and not isinstance(side, sp.MatrixBase):
        return side.doit()
    return side
