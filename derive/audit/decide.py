"""Deciding one claim of an audit by its kind (runs inside a worker)."""

from __future__ import annotations

from derive.audit.records import Claim, ClaimKind
from derive.calc.steps import check_sides
from derive.engine.layers import check_layer_step, network
from derive.engine.verdict import Verdict
from derive.engine.verify import decide
from derive.text import parse_assumptions


def _scalar(claim: Claim, timeout: float) -> Verdict:
    return decide(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)), timeout)


def _matrix(claim: Claim, timeout: float) -> Verdict:
    return check_sides(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)), timeout)


def _layer(claim: Claim, timeout: float) -> Verdict:
    return check_layer_step(claim.lhs, claim.rhs, output=claim.kind is ClaimKind.OUTPUT,
                            timeout=timeout)


DECIDE = {ClaimKind.SCALAR: _scalar, ClaimKind.MATRIX: _matrix, ClaimKind.LAYER: _layer,
          ClaimKind.OUTPUT: _layer}


def decide_claim(claim: Claim, timeout: float) -> Verdict:
    return DECIDE[claim.kind](claim, timeout)


def warm(claims) -> None:
    """Read the standard network's definitions before the workers are forked (they share them)."""
    if {c.kind for c in claims} & {ClaimKind.LAYER, ClaimKind.OUTPUT}:
        network()
