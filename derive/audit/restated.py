"""A formula the document states twice with opposite signs, the first time as it holds.

`\\frac{\\partial E}{\\partial w_5} = \\delta \\cdot out_{h1}` holds, and a few lines later the same
left side is `-\\delta \\cdot out_{h1}`, where delta is defined as a derivative: a writer who has
just got it right is most likely switching to the other sign convention of that quantity (error
terms and gradients are written with either sign), which the formulas do not state. The later
formula is then not refuted: it is undecided, with the reason. Without such a quantity there is
no convention to switch (`= target - out` after `= -(target - out)` is a slip) and it stays
refuted.
"""

from __future__ import annotations

import sympy as sp

from derive.audit.forms import DERIVATIVES
from derive.engine.verdict import Status, Verdict


def restated(claims: list, verdicts: dict) -> dict:
    """`verdicts` (claim position -> Verdict, claims in document order) with each refuted claim
    that negates an earlier claim of the same left side that holds made UNDECIDED."""
    out = dict(verdicts)
    held: dict = {}   # left side -> the claims with it that hold, in order
    for k, claim in enumerate(claims):
        verdict = verdicts.get(k)
        if verdict is None or not isinstance(claim.lhs, sp.Basic):
            continue
        if verdict.status.holds:
            held.setdefault(claim.lhs, []).append(claim)
        elif verdict.status is Status.REFUTED and _with_a_convention(claim):
            earlier = next((e for e in reversed(held.get(claim.lhs, ())) if _negated(e, claim)),
                           None)
            if earlier is not None:   # refuted where the earlier one holds: they differ in sign
                out[k] = Verdict(Status.UNDECIDED, verdict.lhs, verdict.rhs, method="none",
                                 assumptions=verdict.assumptions,
                                 note=f"line {earlier.source.line} states the same with the "
                                      "opposite sign, and that holds: this line may take a "
                                      "quantity with the other sign convention, which the "
                                      "formulas do not state")
    return out


def _with_a_convention(claim) -> bool:
    """Whether the claim's right side uses a quantity the document defines as a derivative."""
    plan = getattr(claim.link, "plan", None)
    if plan is None or not isinstance(claim.rhs, sp.Basic):
        return False
    used = {str(s) for s in claim.rhs.free_symbols} | {
        str(i.base) for i in claim.rhs.atoms(sp.Indexed)}
    return any(str(target) in used or str(getattr(target, "base", "")) in used
               for instance in plan.instances[:1] for target, value in instance.definitions
               if isinstance(value, sp.Basic) and value.has(*DERIVATIVES))


def _negated(earlier, later) -> bool:
    """Right sides that are each other's negatives (as read)."""
    try:
        return sp.expand(earlier.rhs + later.rhs) == 0 and earlier.rhs != 0
    except (TypeError, ValueError, AttributeError):
        return False
