"""Deciding one claim of an audit by its kind (runs inside a worker)."""

from __future__ import annotations

from dataclasses import replace

from derive.audit.records import Claim, ClaimKind
from derive.calc.steps import check_sides
from derive.engine.independence import GENERIC, varies_alone
from derive.engine.layers import check_layer_step, network
from derive.engine.links import decide_link
from derive.engine.verdict import Status, Verdict
from derive.engine.verify import decide
from derive.text import parse_assumptions


def _scalar(claim: Claim, timeout: float) -> Verdict:
    return decide(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)), timeout)


def _matrix(claim: Claim, timeout: float) -> Verdict:
    return check_sides(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)), timeout)


def _layer(claim: Claim, timeout: float) -> Verdict:
    return check_layer_step(claim.lhs, claim.rhs, output=claim.kind is ClaimKind.OUTPUT,
                            timeout=timeout)


def _read(claim: Claim, timeout: float) -> Verdict:
    """A claim read from a document. Where it depends on a function the document does not
    define (C in dC/dw), a refutation by stand-in functions says only that it fails for some C:
    it stands only for a rule about arbitrary functions, or when one side varies with a variable
    the other cannot depend on."""
    verdict = decide_link(claim.link, parse_assumptions(list(claim.assumptions)), timeout)
    if verdict.status is not Status.REFUTED or not claim.unknowns or claim.general:
        return verdict
    alone = varies_alone(claim.lhs, claim.rhs, generic=[n for n in claim.unknowns if n in GENERIC])
    if alone is not None:
        return replace(verdict, note=alone)
    names = ", ".join(claim.unknowns)
    return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="none",
                   note=f"depends on {names}, which the document does not define before it: it "
                        "fails for some choice of it, which says nothing of the one meant")


DECIDE = {ClaimKind.SCALAR: _scalar, ClaimKind.MATRIX: _matrix, ClaimKind.LAYER: _layer,
          ClaimKind.OUTPUT: _layer, ClaimKind.READ: _read}


def decide_claim(claim: Claim, timeout: float) -> Verdict:
    return DECIDE[claim.kind](claim, timeout)


def warm(claims) -> None:
    """Read the standard network's definitions before the workers are forked (they share them)."""
    if {c.kind for c in claims} & {ClaimKind.LAYER, ClaimKind.OUTPUT}:
        network()
