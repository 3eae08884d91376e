"""Step and Derivation records. A derivation that prints is a derivation that was checked.

A `Step` says `lhs = rhs` by a named rule. `Derivation.check()` decides every step with the
verifier (both sides evaluated by SymPy, never trusting the step's own right side) and compares the
final result with an independent reference (`sympy.diff`, or an explicit computation).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from derive.verify import Status, Verdict, decide


@dataclass(frozen=True)
class Step:
    """`lhs = rhs`, justified by `rule` (a name such as "chain rule"), with an optional note."""

    lhs: sp.Basic
    rhs: sp.Basic
    rule: str
    note: str | None = None


@dataclass(frozen=True)
class Derivation:
    """A titled sequence of steps. After `check()`, `verdicts` holds one Verdict per step and
    `reference` the verdict of the final result against the independent computation."""

    title: str
    steps: tuple
    assumptions: tuple = ()
    reference: tuple | None = None          # (result, independent value, what it is)
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
        """Decide every step and the final result; returns the derivation with its verdicts."""
        verdicts = []
        for step in self.steps:
            lhs, rhs = step.lhs.xreplace(self.meaning), step.rhs.xreplace(self.meaning)
            if _is_matrix(lhs) or _is_matrix(rhs):
                verdicts.append(_check_matrix(Step(lhs, rhs, step.rule), assumptions, timeout))
            else:
                verdicts.append(decide(lhs, rhs, assumptions, timeout))
        reference = None
        if self.reference is not None:
            result, independent, _ = self.reference
            check = _check_matrix(Step(result, independent, "reference"), assumptions, timeout) \
                if _is_matrix(result) else decide(result, independent, assumptions, timeout)
            reference = check
        return replace(self, verdicts=tuple(verdicts), reference_verdict=reference)


def _is_matrix(x) -> bool:
    return isinstance(x, sp.MatrixBase)


def _check_matrix(step: Step, assumptions, timeout) -> Verdict:
    """Entry by entry; the worst entry's verdict stands for the whole matrix."""
    lhs, rhs = sp.Matrix(step.lhs), sp.Matrix(step.rhs)
    if lhs.shape != rhs.shape:
        return Verdict(Status.REFUTED, lhs, rhs, note=f"shapes differ: {lhs.shape} vs {rhs.shape}")
    order = [Status.REFUTED, Status.UNDECIDED, Status.NUMERIC, Status.PROVED]
    worst = None
    for a, b in zip(lhs, rhs):
        v = decide(a, b, assumptions, timeout)
        if worst is None or order.index(v.status) < order.index(worst.status):
            worst = v
    return replace(worst, lhs=lhs, rhs=rhs) if worst else Verdict(Status.PROVED, lhs, rhs)
