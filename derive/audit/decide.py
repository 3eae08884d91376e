"""Deciding one claim of an audit by its kind (runs inside a worker)."""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp

from derive.audit.records import Claim, ClaimKind
from derive.calc.steps import check_sides
from derive.engine.correction import correct_value, evaluated
from derive.engine.independence import GENERIC, varies_alone
from derive.engine.isolation import TaskTimeout, time_limit
from derive.engine.layers import check_layer_step, network
from derive.engine.links import decide_link, links_of
from derive.engine.verdict import Status, Verdict
from derive.engine.verify import decide_written
from derive.text import InputError, parse_assumptions
from derive.text.claims import read_claim


def _scalar(claim: Claim, timeout: float) -> Verdict:
    return decide_written(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)),
                          timeout)


def _matrix(claim: Claim, timeout: float) -> Verdict:
    return check_sides(claim.lhs, claim.rhs, parse_assumptions(list(claim.assumptions)), timeout)


def _layer(claim: Claim, timeout: float) -> Verdict:
    return check_layer_step(claim.lhs, claim.rhs, output=claim.kind is ClaimKind.OUTPUT,
                            timeout=timeout)


def _read(claim: Claim, timeout: float) -> Verdict:
    """A claim read from a document (`_as_read`). One whose left side is a name nothing gives
    (`_named_here`) names a value: it is not refuted. Read with one unit per layer, where each of
    its vectors is one number, it is refuted when it fails there (a width of 1 is one of every
    width), but what holds for one unit need not hold for more (W z = W^T z): never a proof."""
    verdict = _as_read(claim, timeout)
    named = _named_here(claim)
    if named is not None and verdict.status is Status.REFUTED:
        return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="none",
                       note=f"{named} is not defined before it and only its left side has it: "
                            f"the formula says what {named} is rather than stating an identity")
    if claim.units and verdict.status.holds:
        return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="one unit per layer",
                       note="holds with one unit per layer, which says nothing of wider "
                            "layers")
    return verdict


def _named_here(claim: Claim) -> str | None:
    """The name a claim's left side is alone, when no definition gives it and the right side
    does not have it ('or, $\\delta^L = y - t$' in a derivation whose definition of delta could
    not be read): the line names a value, it does not state an identity. Else None."""
    lhs = claim.lhs
    if not isinstance(lhs, sp.Symbol) or lhs in claim.rhs.free_symbols:
        return None
    plan = getattr(claim.link, "plan", None)
    letter = re.split(r"[\^_\[{]", str(lhs))[0]   # (a layer's label may be put in: delta^{2})
    defined = {re.split(r"[\^_\[{]", str(target))[0]
               for instance in (plan.instances if plan is not None else ())
               for target, _ in instance.definitions}
    return None if letter in defined else str(lhs)


def _as_read(claim: Claim, timeout: float) -> Verdict:
    """A claim read from a document, refuted only when every plausible reading of it fails.
    Where it depends on a function the document does not define (C in dC/dw), a refutation by
    stand-in functions says only that it fails for some C: it stands for a rule about arbitrary
    functions, or when one side varies with a variable the other cannot depend on. A refutation
    that may rest on notation (`doubts`) is not a finding either."""
    assumptions = parse_assumptions(list(claim.assumptions))
    share = timeout / (1 + len(claim.readings))
    # a refutation by stand-ins for functions the document leaves undefined is not a finding
    # (unless one side varies alone): what kind of slip it would be is then not asked
    generic = [n for n in claim.unknowns if n in GENERIC]
    alone = varies_alone(claim.lhs, claim.rhs, generic=generic) \
        if claim.unknowns and not claim.general else None
    stands = not claim.doubts and not (claim.unknowns and not claim.general and alone is None)
    # (with a point the document gives, the claim is decided there too: diagnosed when it fails)
    verdict = decide_link(claim.link, assumptions, share, diagnose=stands and not claim.points)
    if verdict.status is not Status.REFUTED:
        return verdict
    for alternative in claim.readings:
        try:
            reading = read_claim(alternative.text, latex=True, where=alternative.where)
            other = decide_link(links_of(reading, assumptions)[0], assumptions, share,
                                diagnose=False)
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            continue
        if other.status.holds and not alternative.settles:   # notation against its usual sense
            return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="two readings",
                           note=f"ambiguous: fails as written, holds {alternative.label}")
        if other.status.holds:
            return replace(other, lhs=claim.lhs, rhs=claim.rhs,
                           note=f"holds {alternative.label}; as first read it fails")
    if claim.unknowns and not claim.general:
        if alone is None:
            names = ", ".join(claim.unknowns)
            return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="none",
                           note=f"depends on {names}, which the document does not define before "
                                "it: it fails for some choice of it, which says nothing of the "
                                "one meant")
        verdict = replace(verdict, note=alone)
    if claim.doubts:
        return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="none",
                       note="fails as read, but " + "; ".join(claim.doubts))
    if claim.points:
        verdict = _at_the_point(claim, verdict)
        if verdict.status is Status.REFUTED:   # it fails there too: what kind of slip it is
            diagnosed = decide_link(claim.link, assumptions, share)
            verdict = replace(diagnosed, note=verdict.note) if diagnosed.status is \
                Status.REFUTED else verdict
        return verdict
    return _with_correction(claim, verdict)


def _at_the_point(claim: Claim, verdict: Verdict, seconds: float = 1.0) -> Verdict:
    """A claim that differentiates by a variable the document gave a value (a = 2, then
    dd/da = 1/(2 ln 2)) fails for every a: it may state the derivative's value at the given
    point. It stands refuted only when it fails there too; it holds when it holds there."""
    values = {}
    for text in claim.points:
        try:
            target, value = read_claim(text, latex=True).sides
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            return _undecided_at_point(claim)
        values[target] = value
    plan = getattr(claim.link, "plan", None)
    instance = plan.instances[0] if plan is not None and len(plan.instances) == 1 else None
    if instance is None or instance.shapes or instance.index_values != ({},):
        return _undecided_at_point(claim)
    try:
        with time_limit(seconds):
            at = [evaluated(side, instance.definitions, values)
                  for side in (instance.lhs, instance.rhs)]
    except (TaskTimeout, ValueError, TypeError, NotImplementedError, RecursionError):
        return _undecided_at_point(claim)
    if any(v is None for v in at):
        return _undecided_at_point(claim)
    gap = sp.N(at[0] - at[1], 30)
    if not gap.is_number:
        return _undecided_at_point(claim)
    point = ", ".join(claim.points)
    if abs(gap) < sp.Float(10) ** -20 * (1 + abs(sp.N(at[0], 30))):
        return Verdict(Status.PROVED, claim.lhs, claim.rhs, method="evaluated at the point "
                       "the document gives", note=f"holds at {point}, the values the document "
                       "gives; as a statement for every value it fails")
    return replace(verdict, note=f"fails at {point} too (the values the document gives)")


def _undecided_at_point(claim: Claim) -> Verdict:
    return Verdict(Status.UNDECIDED, claim.lhs, claim.rhs, method="none",
                   note=f"fails as a statement for every value, but {', '.join(claim.points)} "
                        "is given before it: it may state the derivative's value there")


def _with_correction(claim: Claim, verdict: Verdict, seconds: float = 1.0) -> Verdict:
    """A refuted claim about numbers the document defines gets the value its left side should
    have, in the names its right side uses (da/dz with a = 1/(1 + e^z): a (a - 1), not an
    expression in e^z), in place of the engine's form of it. Only where the claim keeps its names
    (no layer, size or index chosen), and within `seconds`."""
    plan = getattr(claim.link, "plan", None)
    if verdict.status is not Status.REFUTED or plan is None or len(plan.instances) != 1:
        return verdict
    instance = plan.instances[0]
    renamed = {str(x) for x in instance.lhs.free_symbols | instance.rhs.free_symbols} != {
        str(x) for x in plan.lhs.free_symbols | plan.rhs.free_symbols}   # a^L became a^{2}
    if renamed or instance.shapes or instance.index_values != ({},) or instance.functions \
            or not instance.definitions:
        return verdict
    try:
        with time_limit(seconds):
            value = correct_value(instance.lhs, instance.rhs, instance.definitions)
    except (TaskTimeout, ValueError, TypeError, NotImplementedError, RecursionError):
        return verdict
    if value is None:
        return verdict
    return replace(verdict, correct=value, correct_side="rhs")


DECIDE = {ClaimKind.SCALAR: _scalar, ClaimKind.MATRIX: _matrix, ClaimKind.LAYER: _layer,
          ClaimKind.OUTPUT: _layer, ClaimKind.READ: _read}


def decide_claim(claim: Claim, timeout: float) -> Verdict:
    return DECIDE[claim.kind](claim, timeout)


def warm(claims) -> None:
    """Read the standard network's definitions before the workers are forked (they share them)."""
    if {c.kind for c in claims} & {ClaimKind.LAYER, ClaimKind.OUTPUT}:
        network()
