"""The equalities a read claim makes (`Link`: one for A = B, two for A = B = C), each planned the
way it is decided: symbolically, at concrete sizes (`engine.instances`), or as a rounded value."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.engine.verdict import Status, Verdict
from derive.engine.verify import (
    decide_chain, decide_rounded, decide_within, decide_written, defining)
from derive.text import InputError
from derive.text import arrays as A


@dataclass(frozen=True)
class Link:
    """One equality of a claim: its sides, the instances to check when it needs concrete sizes,
    and the decimal places of a side written as a rounded number."""

    lhs: object
    rhs: object
    plan: object = None
    places: int | None = None
    decimal: str = "rhs"   # the side written with those places, or computed from rounded numbers
    interval: tuple | None = None   # what a side computed from rounded numbers stands for
    rounding: str = "either"   # a decimal is its value rounded or cut off; "round" or "cut"
                               # where the text says which


def needs_instances(lhs, rhs, context, quantities: dict) -> bool:
    """Whether the claim needs concrete sizes (arrays, entries, labels or definitions)."""
    if context is not None and (context.definitions or context.shapes):
        return True
    if any(q.schema or q.array for q in quantities.values()):
        return True
    return any(A.has_arrays(side) or _open_sums(side) for side in (lhs, rhs))


def _open_sums(expr) -> bool:
    return any(not (limit[2].is_Integer and limit[1].is_Integer)
               for s in expr.atoms(sp.Sum, sp.Product) for limit in s.limits)


def links_of(reading, assumptions, first: int = 0) -> list[Link]:
    """The links of a `text.claims.Reading` (those from its side `first` on), planned."""
    _assumptions_on_defined_names(reading.context, assumptions)
    links = []
    for k, (lhs, rhs) in enumerate(reading.links[first:], first):
        rounded = reading.rounded_places(k)
        computed = reading.computed_from_rounded(k) if rounded is None else None
        if rounded is not None:   # the other side as the number the definitions make it
            places, decimal, value = rounded
            lhs, rhs = (value, rhs) if decimal == "rhs" else (lhs, value)
            links.append(Link(lhs, rhs, places=places, decimal=decimal))
        elif computed is not None:   # = 0.8581 x 0.1419: within the rounding, or as written
            interval, decimal, value = computed
            lhs, rhs = (value, rhs) if decimal == "rhs" else (lhs, value)
            links.append(Link(lhs, rhs, decimal=decimal, interval=interval))
        elif needs_instances(lhs, rhs, reading.context, reading.quantities) \
                or reading.context.index_conditions:   # a case of its indices: at their values
            from derive.engine import instances   # arrays and indices: most claims have none
            links.append(Link(lhs, rhs, instances.plan(lhs, rhs, reading.quantities,
                                                       reading.context, assumptions)))
        else:
            links.append(Link(lhs, rhs))
    return links


def _assumptions_on_defined_names(context, assumptions) -> None:
    """An assumption on a name the definitions give (u > 0 with u = x - 1) says where the other
    variables are, which the points are not drawn to respect: a counterexample could break it.
    Refused, with what to say instead."""
    if context is None or assumptions is None:
        return
    assumed = set(assumptions.lower) | set(assumptions.upper) | set(assumptions.nonzero) \
        | set(assumptions.integer)
    for definition in context.definitions:
        target = definition.target
        name = getattr(target, "name", None) or str(getattr(getattr(target, "base", None),
                                                            "label", ""))
        if name in assumed:
            raise InputError(f"the assumption on {name} cannot be checked: the definitions give "
                             f"{name} in terms of other variables; assume what it says of those")


def decide_link(link: Link, assumptions, timeout: float, report=None,
                diagnose: bool = True) -> Verdict:
    """`diagnose`: say what kind of slip a refuted link is (not when only the status matters). A
    letter i that is no index may be the imaginary unit (e^{i pi} + 1 = 0, |e^{ix}|^2 = 1): read
    as a real number, what the link says of it decides nothing."""
    unit = any(isinstance(s, sp.Symbol) and s.name == "i" and not s.is_integer
               for side in (link.lhs, link.rhs) if isinstance(side, sp.Basic)
               for s in side.free_symbols)
    verdict = _decided_link(link, assumptions, timeout, None if unit else report, diagnose)
    if verdict.status is Status.UNDECIDED or not unit:
        return verdict
    return Verdict(Status.UNDECIDED, verdict.lhs, verdict.rhs, method="two readings",
                   assumptions=verdict.assumptions, seconds=verdict.seconds,
                   note="ambiguous: i may be the imaginary unit, or a number (as read, the claim "
                        f"is {verdict.status.value}); the imaginary unit is not supported")


def _decided_link(link: Link, assumptions, timeout: float, report, diagnose: bool) -> Verdict:
    if link.places is not None:
        return decide_rounded(link.lhs, link.rhs, link.places, link.decimal, link.rounding)
    if link.interval is not None:
        verdict = decide_within(link.lhs, link.rhs, link.interval, link.decimal)
        if verdict.status.holds:
            return verdict
    if link.plan is None:
        return decide_written(link.lhs, link.rhs, assumptions, timeout, report=report,
                              diagnose=diagnose)
    from derive.engine import instances
    return instances.check(link.plan, timeout, diagnose)


def decide_links(links, assumptions, timeout: float, report=None) -> Verdict:
    """A claim's verdict: each equality of a chain decided in its share of the time. A claim that
    defines a function (f(x) = x^2) holds for that function and fails for every other: it is
    no identity, and is not refuted as one."""
    if len(links) == 1 and links[0].plan is None and links[0].places is None \
            and links[0].interval is None:
        definition = defining(links[0].lhs, links[0].rhs, assumptions)
        if definition is not None:
            return definition
    share = timeout / len(links)
    verdicts = [decide_link(link, assumptions, share, report if len(links) == 1 else None)
                for link in links]
    return verdicts[0] if len(verdicts) == 1 else decide_chain(verdicts)
