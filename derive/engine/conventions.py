"""Values a notation leaves to convention. The step function's value at 0 is one: SymPy's
`Heaviside(x)` is 1/2 there, while texts and libraries take 0 or 1 (the ReLU's slope at 0). A claim
with a step whose value at 0 is not given is decided with each of these values
(`engine.verify.decide_written`); one that holds with some and fails with others depends on the
convention, and says so.

SymPy cannot tell `Heaviside(x, 1/2)` from `Heaviside(x)`, so 1/2 written out is not a choice; 0 and
1 are (`Heaviside(x, 0)`).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.engine.verdict import Status, Verdict

STEP_AT_ZERO = (sp.S.Half, sp.S.Zero, sp.S.One)   # SymPy's first: its verdict is the one shown


def unset_steps(*exprs) -> bool:
    """Whether a step function in `exprs` has SymPy's value at 0, which may be a default."""
    return any(isinstance(e, sp.Basic) and any(h.args[1] == sp.S.Half
                                               for h in e.atoms(sp.Heaviside))
               for e in exprs)


def with_step_at_zero(expr, value):
    """`expr` with every step whose value at 0 is SymPy's given `value` there instead."""
    if not isinstance(expr, sp.Basic):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Heaviside) and e.args[1] == sp.S.Half,
                        lambda e: sp.Heaviside(e.args[0], value))


def combined(lhs, rhs, verdicts: list) -> Verdict:
    """One verdict from those with each value at 0 (`STEP_AT_ZERO`, in order): a claim that holds
    with some values and fails with others is UNDECIDED, with the values it holds for; one that
    cannot be decided with some value is UNDECIDED with that reason; else the first verdict when
    all agree, or the numeric one when it holds with every value, proved with some."""
    values = [str(v) for v in STEP_AT_ZERO]
    holds = [v for v, verdict in zip(values, verdicts) if verdict.status.holds]
    fails = [v for v, verdict in zip(values, verdicts) if verdict.status is Status.REFUTED]
    if holds and fails:
        return replace(verdicts[0], lhs=lhs, rhs=rhs, status=Status.UNDECIDED,
                       counterexample=None, diagnosis=None, correct=None,
                       method="step value at 0",
                       note=f"depends on the step function's value at 0: holds with Heaviside(0) "
                            f"= {' or '.join(holds)}, fails with {' or '.join(fails)} (write "
                            "Heaviside(x, 0) or Heaviside(x, 1) to choose one)")
    if len({v.status for v in verdicts}) == 1:
        return replace(verdicts[0], lhs=lhs, rhs=rhs,
                       note=_joined(verdicts[0].note, "the same with Heaviside(0) = 1/2, 0 and 1"))
    for value, verdict in zip(values, verdicts):
        if verdict.status is Status.UNDECIDED:
            return replace(verdict, lhs=lhs, rhs=rhs,
                           note=f"with Heaviside(0) = {value}: {verdict.note}")
    numeric = next(v for v in verdicts if v.status is Status.NUMERIC)
    return replace(numeric, lhs=lhs, rhs=rhs,
                   note=_joined(numeric.note, "holds with Heaviside(0) = 1/2, 0 and 1"))


def _joined(note: str | None, more: str) -> str:
    return f"{note}; {more}" if note else more
