"""The records of an audit: where each equation is, the claims read from it, the findings and
the report."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sympy as sp

from derive.display import Displayed
from derive.engine.verdict import Status, Verdict


@dataclass(frozen=True)
class Source:
    """Where an equation is, and how it is written there."""

    id: str                 # T01 for the tutorial's claims, L12.3 for line 12, third link
    line: int               # 0 when the claim is curated rather than read from a file
    section: str
    latex: str              # as written
    note: str | None = None  # how the text was read, where that needs saying
    curated: bool = False   # the package's own text (the tutorial's claims), not a user's file
    exercise: bool = False  # an exercise's statement ('true or false: ...'): decided, not flagged


class ClaimKind(str, enum.Enum):
    SCALAR = "scalar"       # an identity, decided by the verifier as it is
    MATRIX = "matrix"       # decided entry by entry
    LAYER = "layer"         # index level, about a layer m: checked in a concrete network
    OUTPUT = "output"       # index level, about the output layer
    READ = "read"           # read from a document: decided as `link` says, with its unknowns


@dataclass(frozen=True)
class Alternative:
    """Another plausible reading of a document's formula, read and decided only when the first
    reading fails: what it assumes, the claim's text and the definitions it is read with."""

    label: str
    text: str
    where: tuple
    settles: bool = True   # when it holds, the claim holds; else it is only undecided


@dataclass(frozen=True)
class Claim:
    source: Source
    lhs: sp.Basic
    rhs: sp.Basic
    assumptions: tuple = ()   # e.g. ("x > 0",)
    kind: ClaimKind = ClaimKind.SCALAR
    link: object = None       # READ: the `engine.links.Link` to decide
    unknowns: tuple = ()      # READ: functions the document does not define (C in dC/dw)
    general: bool = False     # READ: the unknowns are arbitrary functions (a rule about any f, g)
    readings: tuple = ()      # READ: other plausible readings (Alternative)
    doubts: tuple = ()        # READ: why a refutation may rest on notation (dL/dz_c beside z_j)
    written: tuple = ()       # READ: the two sides as the document writes them (LaTeX)
    points: tuple = ()        # READ: values given before it to variables it differentiates by
    units: bool = False       # READ: read with one unit per layer (its vectors could not be)


@dataclass(frozen=True)
class Finding:
    """A decided claim (`verdict`), or an equation that was not checked (`skipped`, the reason)."""

    source: Source
    verdict: Verdict | None = None
    skipped: str | None = None
    correction: str | None = None   # the formula as it should be, in the document's notation


@dataclass(frozen=True)
class Report(Displayed):
    title: str
    findings: tuple

    @property
    def checked(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict is not None]

    def count(self, status: Status) -> int:
        return sum(f.verdict.status is status for f in self.checked)

    @property
    def refuted(self) -> list[Finding]:
        return [f for f in self.checked if f.verdict.status is Status.REFUTED
                and not f.source.exercise]

    @property
    def undecided(self) -> list[Finding]:
        return [f for f in self.checked if f.verdict.status is Status.UNDECIDED]

    @property
    def totals(self) -> dict:
        counts = {s.value: self.count(s) for s in Status}
        counts["SKIPPED"] = sum(f.verdict is None for f in self.findings)
        return counts
