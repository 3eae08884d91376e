"""The verdict on one claim and its parts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sympy as sp


class Status(str, enum.Enum):
    PROVED = "PROVED"
    REFUTED = "REFUTED"
    NUMERIC = "NUMERIC"
    UNDECIDED = "UNDECIDED"

    @property
    def holds(self) -> bool:
        return self in (Status.PROVED, Status.NUMERIC)


@dataclass(frozen=True)
class Counterexample:
    """A point where the two sides differ, with both values (and any functions substituted)."""

    point: dict             # variable name -> exact value
    lhs: sp.Expr            # value of the left side there
    rhs: sp.Expr            # value of the right side there
    functions: dict = field(default_factory=dict)  # unknown function name -> concrete Lambda
    gap: sp.Expr | None = None  # lhs - rhs there, evaluated directly at high precision


class Mistake(str, enum.Enum):
    """The kinds of mistake a refuted claim is diagnosed as."""

    SIGN = "off by a sign"
    FACTOR = "off by a constant factor"
    CONSTANT = "off by an additive constant"
    INNER_DERIVATIVE = "missing the inner derivative"
    MISSING_FACTOR = "missing a factor"


@dataclass(frozen=True)
class Diagnosis:
    """What kind of mistake, and by how much: the factor (claimed / true), the constant (claimed -
    true), the inner derivative du/dx with its `inner` u, or the missing factor (true / claimed)."""

    mistake: Mistake
    amount: sp.Expr | None = None
    inner: sp.Expr | None = None
    variable: str | None = None
    claimed_side: str = "the claimed side"   # what the claim's wrong side is called
    true_side: str = "the true value"

    @property
    def text(self) -> str:
        if self.mistake is Mistake.FACTOR:
            return f"{self.mistake.value}: {self.claimed_side} is {self.amount} times {self.true_side}"
        if self.mistake is Mistake.CONSTANT:
            return f"{self.mistake.value}: {self.claimed_side} is {self.true_side} plus {self.amount}"
        if self.mistake is Mistake.INNER_DERIVATIVE:
            return f"{self.mistake.value}: d/d{self.variable} ({self.inner}) = {self.amount}"
        if self.mistake is Mistake.MISSING_FACTOR:
            return f"{self.mistake.value} of {self.amount}"
        return self.mistake.value


@dataclass(frozen=True)
class Verdict:
    """The decision on one claim and its evidence.

    `lhs`/`rhs` are the sides as stated; `lhs_value`/`rhs_value` after evaluating derivatives and
    limits; `difference` is the simplest form found of their difference. `correct` is the value the
    stated non-derivative side should have (`correct_side` says which side that is). `points` is the
    number of points the numeric search compared; `search_complete` is False when it stopped at the
    time limit; `one_side_real` is a point where one side is real and the other is not (the claim
    holds at most where both are); `kink` is a point where the sides differ only because a claimed
    derivative does not exist there. `covered` names the layers and sizes at which a vector or
    index claim was instantiated.
    """

    status: Status
    lhs: sp.Expr
    rhs: sp.Expr
    lhs_value: sp.Expr | None = None
    rhs_value: sp.Expr | None = None
    difference: sp.Expr | None = None
    method: str = ""
    counterexample: Counterexample | None = None
    assumptions: tuple = ()
    diagnosis: Diagnosis | None = None
    correct: sp.Expr | None = None
    correct_side: str | None = None
    note: str | None = None
    points: int = 0
    seconds: float = 0.0
    search_complete: bool = True
    one_side_real: dict | None = None
    kink: dict | None = None
    covered: str = ""   # for a claim checked by instantiating it: the layers and sizes covered


# worst first: the verdict of a set of checks is its worst member's
SEVERITY = (Status.REFUTED, Status.UNDECIDED, Status.NUMERIC, Status.PROVED)


def worst(verdicts) -> Verdict:
    """The least favourable of several verdicts (REFUTED before UNDECIDED before NUMERIC)."""
    return min(verdicts, key=lambda v: SEVERITY.index(v.status))
