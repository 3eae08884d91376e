"""An update rule read as what it is meant to be: a step of gradient descent.

`w \\leftarrow w - \\eta \\frac{\\partial C}{\\partial w}`, `W^m = W^m - \\lambda \\frac{\\partial
C}{\\partial W^m}`, or `x_{i+1} = x_i + \\alpha v_i` with `v_i = \\nabla f(x_i)`: the new value is
the old one plus a step c G, where c is a product of step sizes (positive) and numbers, and G is
a gradient of some F with respect to the parameter. To first order the step changes F by
c |G|^2, so in a text about descent the sign of c decides: minus descends, plus climbs. A step
that is not a multiple of a gradient (the document does not say what it descends) is not judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.environment import names_in
from derive.engine.verdict import Status, Verdict
from derive.text import arrays as A

DERIVATIVES = (sp.Derivative, A.Partial, A.Grad)

STEP_SIZES = {"alpha", "eta", "lambda", "gamma", "epsilon", "varepsilon", "mu", "rho", "lr",
              "tau"}
DESCENT_WORDS = re.compile(r"descent|descend|minimi[sz]|decreas|reduc|lower", re.I)
ASCENT_WORDS = re.compile(r"ascent|ascend|maximi[sz]|climb", re.I)
GRADIENT_TEXT = re.compile(r"\\nabla|\\frac\s*\{\s*\\partial|\\partial\s*\S+\s*/\s*\\partial")
ARROW = re.compile(r"\\leftarrow|\\gets|←|:=|\\coloneqq")


@dataclass(frozen=True)
class Step:
    old: sp.Basic          # the parameter's old value
    coefficient: sp.Basic  # the product of step sizes and numbers
    gradient: sp.Basic     # what the step is a multiple of


def split_update(text: str) -> tuple[str, str] | None:
    """The target and the new value of `w \\leftarrow w - ...` or `w := ...`."""
    parts = ARROW.split(text, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else None


def step_of(target, value) -> Step | None:
    """`value` as old + coefficient * gradient, or None when it is not of that form."""
    if not isinstance(value, sp.Add):
        return None
    olds = [t for t in value.args if t == target or (
        isinstance(target, sp.Indexed) and isinstance(t, sp.Indexed) and t.base == target.base)]
    if len(olds) != 1:
        return None
    rest = value - olds[0]
    if isinstance(rest, sp.Add):
        return None   # momentum and other several-term steps are not judged
    factors = rest.args if isinstance(rest, sp.Mul) else (rest,)
    sizes = [f for f in factors
             if f.is_Number or (isinstance(f, sp.Symbol) and f.name in STEP_SIZES)]
    others = [f for f in factors if f not in sizes]
    if len(others) != 1 or not any(isinstance(f, sp.Symbol) for f in sizes):
        return None   # (dC/dw)^2, |dC/dw| or w dC/dw: no multiple of the gradient
    (gradient,) = others
    if isinstance(gradient, DERIVATIVES) and gradient.args[0].could_extract_minus_sign():
        # d(-C)/dw = -dC/dw: the sign belongs to the step
        gradient = type(gradient)(-gradient.args[0], *gradient.args[1:])
        sizes.append(sp.Integer(-1))
    elif not isinstance(gradient, (*DERIVATIVES, sp.Symbol, sp.Indexed)):
        return None   # a name (v_i = grad f(x_i)) or a derivative, nothing else
    return Step(olds[0], sp.Mul(*sizes), gradient)


def judge(step: Step, is_gradient: bool, descent: bool, lhs, rhs, corrected: str,
          negated: bool = False) -> Verdict | None:
    """The verdict on a descent step, or None when it cannot be judged; `negated`: the text
    minimizes the negative of something ('the loss L = -l', 'the negative log-likelihood'), so a
    step up a gradient may be a step down another's."""
    if not is_gradient or not descent:
        return None
    sign = sp.sign(step.coefficient.subs({s: 1 for s in step.coefficient.free_symbols}))
    if sign < 0:
        return Verdict(Status.PROVED, lhs, rhs, method="a descent step: to first order it "
                       "changes what it descends by -(step size) |gradient|^2")
    if negated:
        return None
    return Verdict(Status.REFUTED, lhs, rhs, method="a step up the gradient",
                   note=f"in a text about descent this step climbs: to first order it changes "
                        f"what it descends by +(step size) |gradient|^2; should be {corrected}")


def climbing_corrected(left: str, right: str, arrow: str) -> str:
    """The rule with its step subtracted: `x_{i+1} = x_i - \\alpha v_i`."""
    fixed = re.sub(r"\+", "-", right, count=1) if "+" in right else right
    return f"{left} {arrow} {fixed}"


NEGATED = re.compile(r"negative|=\s*-\s*\\?[A-Za-z]", re.I)   # an objective that is minus another


def is_negated(*texts: str) -> bool:
    """Whether the words say that what is descended is the negative of something."""
    return any(NEGATED.search(t) for t in texts)


def descended_names(step: Step, parameter: str | None) -> set:
    """The names and functions the step takes the gradient of (not its parameter)."""
    return (names_in(step.gradient) | {f.func.__name__ for f in
                                       step.gradient.atoms(AppliedUndef)}) - {parameter}


def is_descent(*texts: str) -> bool:
    """Whether the text around a step is about descent, and not about ascent ('to maximize the
    reward we climb instead')."""
    return any(DESCENT_WORDS.search(t) for t in texts) \
        and not any(ASCENT_WORDS.search(t) for t in texts)


def names_a_gradient(text: str, parameter: str | None) -> bool:
    """Whether a definition as written (`\\nabla f(x_i)`) is a gradient taken at the parameter."""
    return bool(GRADIENT_TEXT.search(text)) and parameter is not None and bool(
        re.search(rf"(?<![A-Za-z\\]){re.escape(parameter)}(?![A-Za-z])", text))
