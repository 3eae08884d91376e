"""A condition on a formula's indices stated in the words after it: `... = -a_j a_i, where
$j \\neq i$`. The formula says nothing where the condition fails, so it is checked only at the
index values where it holds (`text.context.Context.index_conditions`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.text.context import CASE, IndexCondition, index_condition
from derive.text.latex_tokens import GREEK

MATH = r"(?:\$|\\\\?\()"        # $...$, \(...\) or Markdown's escaped \\(...\\)
END = r"(?:\$|\\\\?\))"
AFTER = re.compile(r"^\s*[,.;:]?\s*\(?\s*(?:where|for|if|when|whenever|provided(?: that)?)\s+"
                   + MATH + r"\s*" + CASE + r"\s*" + END)


def condition_after(after: str) -> IndexCondition | None:
    """The index condition the words right after a formula state, if any."""
    m = AFTER.match(after)
    return index_condition(m) if m is not None else None


# -- a condition on a variable written inside the formula, after it ------------------------------
# `\frac{d}{dx} \ln x = \frac{1}{x}, \quad x > 0` or `... \quad \text{for } 0 < x < 1`: the formula
# is claimed where the condition holds, so it is checked under it (as with --assume)

_WORDS = (r"\\(?:text|textrm|mathrm|mbox)\s*\{\s*(?:where|for|if|when|whenever|provided(?: that)?"
          r"|with)\s*\}")
_FOR_ALL = r"\\(?:text|textrm|mathrm|mbox)\s*\{\s*for\s+(?:all|every|any)\s*\}"
# what sets a condition off from its formula: a comma, a space command, words
_SEPARATOR = re.compile(rf"(?P<all>{_FOR_ALL})|(?P<words>{_WORDS})|,|;|~|\\[,;:! ]"
                        r"|\\q?quad(?![A-Za-z])")
_VARIABLE = r"(?:[A-Za-z]|\\(?:" + "|".join(sorted(GREEK, key=len, reverse=True)) + r"))(?![A-Za-z])"
_NUMBER = (r"(?:-\s*)?(?:\d+(?:\.\d+)?|\\frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}"
           r"|\\frac\s*\d\s*\d|\d+\s*/\s*\d+)")
_ORDER = {"<": "<", ">": ">", r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=", r"\ge": ">=",
          r"\geq": ">=", r"\geqslant": ">=", r"\ne": "!=", r"\neq": "!="}
_RELATION = r"(?:<|>|\\(?:leqslant|geqslant|leq|geq|le|ge|neq|ne)(?![A-Za-z]))"
_REAL = r"\\in\s*\\mathbb\s*(?:\{\s*R\s*\}|R)"
_CONDITION = re.compile(
    rf"(?P<low>{_NUMBER})\s*(?P<r1>{_RELATION})\s*(?P<between>{_VARIABLE})\s*(?P<r2>{_RELATION})"
    rf"\s*(?P<high>{_NUMBER})"
    rf"|(?P<names>{_VARIABLE}(?:\s*,\s*{_VARIABLE})*)\s*(?P<r>{_RELATION})\s*(?P<bound>{_NUMBER})"
    rf"|(?P<alone>{_VARIABLE})(?P<real>\s*{_REAL})?")


STATED_AFTER = re.compile(r"^\s*[,;:]?\s*\(?\s*(?:where|for|if|when|whenever|provided(?: that)?)"
                          r"\s+(?:all\s+|every\s+|any\s+)?" + MATH + r"(?P<condition>[^$]*?)" + END)


@dataclass(frozen=True)
class Stated:
    """A formula with the condition written after it: the formula alone, and the condition as
    `--assume` texts (none for `x \\in \\mathbb{R}` or 'for all x')."""

    formula: str
    assumptions: tuple


def condition_inside(latex: str) -> Stated | None:
    """The condition a formula states after itself on its variables, set off by a comma, a
    `\\quad` or words (`\\text{for }`), perhaps in parentheses (`\\quad (x, y > 0)`), or None.
    Only a comparison with numbers is taken."""
    text = latex.rstrip(" \t.,;")
    separators = [m for m in _SEPARATOR.finditer(text)
                  if not (text.endswith(")") and m.start() > text.rfind("("))]
    # the condition starts after the last separator, or after the last one that is no comma
    # ('\quad x, y > 0'); in parentheses, after the parenthesis
    for last in dict.fromkeys([*[m for m in separators if m.group() != ","][-1:],
                               *separators[-1:]]):
        tail = text[last.end():].strip()
        if tail.startswith("(") and tail.endswith(")") and "(" not in tail[1:]:
            tail = tail[1:-1].strip()
        m = _CONDITION.fullmatch(tail)
        if m is not None:
            break
    else:
        return None
    first = last   # the run of separators before the condition ('\,\quad', ', \text{for }')
    for before in reversed(separators[:separators.index(last)]):
        if text[before.end():first.start()].strip():
            break
        first = before
    formula = text[:first.start()].rstrip()
    if "=" not in formula:
        return None
    if m.group("alone") and not (last.group("all") or m.group("real")):
        return None   # a name alone after the formula is no condition
    return Stated(formula, _assumptions(m))


def assumptions_after(after: str) -> tuple | None:
    """The condition on the variables the words right after a formula state ('... for $x > 0$'),
    as --assume texts, or None."""
    m = STATED_AFTER.match(after)
    if m is None:
        return None
    condition = _CONDITION.fullmatch(m.group("condition").strip())
    if condition is None or condition.group("alone"):
        return None
    return _assumptions(condition)


def _assumptions(m: re.Match) -> tuple:
    """The --assume texts of a `_CONDITION` match."""
    if m.group("between"):
        return (f"{_number(m.group('low'))} {_ORDER[m.group('r1')]} {_name(m.group('between'))} "
                f"{_ORDER[m.group('r2')]} {_number(m.group('high'))}",)
    if m.group("names"):
        bound = f"{_ORDER[m.group('r')]} {_number(m.group('bound'))}"
        return tuple(f"{_name(n.strip())} {bound}" for n in m.group("names").split(","))
    return ()


def _name(latex: str) -> str:
    return latex.lstrip("\\")


def _number(latex: str) -> str:
    """A number as `--assume` reads it: \\frac{1}{2} as 1/2."""
    compact = re.sub(r"\s+", "", latex)
    fraction = re.fullmatch(r"(-?)\\frac\{?(\d+)\}?\{?(\d+)\}?", compact)
    return f"{fraction.group(1)}{fraction.group(2)}/{fraction.group(3)}" if fraction else compact
