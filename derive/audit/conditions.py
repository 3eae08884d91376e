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
# the words that state a condition, and the roman text LaTeX writes them in
IF = r"(?:where|for|if|when|whenever|provided(?: that)?)"
AT = r"(?:for|at|when|where|if)"   # before a point: '\text{for } x = -3'
_UPRIGHT = r"\\(?:text|textrm|mathrm|mbox)\s*\{\s*"
AFTER = re.compile(r"^\s*[,.;:]?\s*\(?\s*" + IF + r"\s+" + MATH + r"\s*" + CASE + r"\s*" + END)


def condition_after(after: str) -> IndexCondition | None:
    """The index condition the words right after a formula state, if any."""
    m = AFTER.match(after)
    return index_condition(m) if m is not None else None


# -- a condition on a variable written inside the formula, after it ------------------------------
# `\frac{d}{dx} \ln x = \frac{1}{x}, \quad x > 0` or `... \quad \text{for } 0 < x < 1`: the formula
# is claimed where the condition holds, so it is checked under it (as with --assume)

_WORDS = _UPRIGHT + r"(?:" + IF + r"|with)\s*\}"
_FOR_ALL = _UPRIGHT + r"for\s+(?:all|every|any)\s*\}"
# what sets a condition off from its formula: a comma, a space command, words
_SEPARATOR = re.compile(rf"(?P<all>{_FOR_ALL})|(?P<words>{_WORDS})|,|;|~|\\[,;:! ]"
                        r"|\\q?quad(?![A-Za-z])")
_VARIABLE = (r"(?:[A-Za-z]|\\(?:" + "|".join(sorted(GREEK, key=len, reverse=True))
             + r"))(?![A-Za-z])")
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


# where a sentence starts: the text's start, a full stop, or the end of a display (\] or $$)
SENTENCE_START = r"(?:^|[.;:]\s+|(?:\\\]|\$\$)\s*)"
# ... or a clause: '..., and for $z < 0$ we have'
CLAUSE_START = r"(?:^|[.;:]\s+|,\s*(?:(?:and|but|while|whereas)\s+)?|(?:\\\]|\$\$)\s*)"
_IN_MATH = MATH + r"(?P<condition>[^$]*?)" + END
_WORDED = (r"(?P<word>" + IF + r"|as long as|only (?:for|if|when)|unless|except (?:when|for|if))"
           r"\s+(?:all\s+|every\s+|any\s+)?" + _IN_MATH)
STATED_AFTER = re.compile(r"^\s*[,;:]?\s*\(?\s*" + _WORDED, re.IGNORECASE)
# 'If $x > 0$, then', 'For $x > 0$ we also get': the condition, then a few words
# (also 'With $u > 0$ and $v > 0$ we have', 'Assuming $u < 0$, $v < 0$:'; a list of conditions)
STATED_BEFORE = re.compile(CLAUSE_START + _WORDED.replace(
    "(?P<word>", "(?P<word>with|assuming(?: that)?|given(?: that)?|") + r"(?P<rest>(?:\s*,?\s*"
    r"(?:and|or)\s+" + MATH + r"[^$]*?" + END + r"|\s*,\s*" + MATH + r"[^$]*?" + END + r")*)\s*,?"
    # (a few words after it, among them a formula naming something: 'For $w > 0$ the penalty
    # $\lambda |w|$ has derivative')
    r"\s*(?:(?:[A-Za-z]+|" + MATH + r"[^$=<>]*?" + END + r")\s+){0,5}[A-Za-z]*\s*[:,]?\s*$",
    re.IGNORECASE)

SIGNS = {"positive": "> 0", "negative": "< 0", "nonnegative": ">= 0", "non-negative": ">= 0",
         "nonpositive": "<= 0", "non-positive": "<= 0", "nonzero": "!= 0", "non-zero": "!= 0"}
SIGNED_AFTER = re.compile(r"^\s*[,;:]?\s*\(?\s*(?:for|where|when|if)\s+(?:all\s+|every\s+|any\s+)?"
                          r"(?P<sign>" + "|".join(SIGNS) + r")\s+" + _IN_MATH, re.IGNORECASE)
# 'For negative $x$, ...', 'When $x$ is positive, ...': a sign stated before the formula
_CLOSING = r"\s*,?\s*(?:[A-Za-z]+\s+){0,4}[A-Za-z]*\s*[:,]?\s*$"
SIGNED_BEFORE = re.compile(CLAUSE_START + r"(?:for|when|if)\s+(?:all\s+|every\s+|any\s+)?"
                           r"(?P<sign>" + "|".join(SIGNS) + r")\s+(?:real\s+)?" + _IN_MATH
                           + _CLOSING, re.IGNORECASE)
IS_SIGNED_BEFORE = re.compile(CLAUSE_START + r"(?:for|when|if|whenever|since|as)\s+" + _IN_MATH
                              + r"\s+is\s+(?P<sign>" + "|".join(SIGNS) + r")" + _CLOSING,
                              re.IGNORECASE)
# what restricts a formula in words this reader does not take ('for symmetric $A$', 'when $x$ is
# small', 'to first order'): the formula is then not checked
RESTRICTING = re.compile(r"(?<![A-Za-z])(?:(?:for|if|when|whenever|where|provided|assuming|"
                         r"as long as)(?![A-Za-z])[^.;!?]{0,40}?(?<![A-Za-z])(?:symmetric|"
                         r"orthogonal|invertible|non-?singular|positive[- ](?:semi-?)?definite|"
                         r"diagonal|unitary|positive|negative|non-?negative|non-?positive|small|"
                         r"large|greater than|less than|larger than|smaller than|close to)|"
                         r"(?:on|in) the (?:unit )?interval|half-line|to (?:first|second|leading) "
                         r"order|near zero|asymptotic(?:ally)?|in the limit|otherwise|else|"
                         r"(?:holds|is true|applies) only|if and only if|exactly when|"
                         r"\bas\s+" + MATH + r"[^$]*\\to|\\notin|\bon\s+" + MATH + r"\s*[\[(]|"
                         # 'with $x > 0$ excluded', 'with $x > 0$ in the first case'
                         + END + r"\s+(?:is\s+|are\s+)?(?:excluded|impossible|ruled out)|"
                         r"in the (?:first|second|other) case|in the (?:first|second)\b)"
                         r"(?![A-Za-z])", re.IGNORECASE)
# 'Assume $x > 0$.': a condition for the formulas after it on its line
ASSUMING = re.compile(SENTENCE_START + r"(?:assume|assuming|suppose|let)(?:\s+that)?\s*$",
                      re.IGNORECASE)
# 'For $x \in (0, 1)$, $A$ and $B$.': a condition that opens the sentence holds for all of it
STATED_AT_START = re.compile(r"^(?P<word>for|if|when|whenever)\s+(?:all\s+|every\s+|any\s+)?"
                             + _IN_MATH + r"\s*,", re.IGNORECASE)
CLAUSE_ENDS = re.compile(r";|\.\s|\b(?:hence|so|thus|therefore|but|whereas|while|in general|"
                         r"everywhere|for (?:every|all|any)|always)\b", re.IGNORECASE)
# words after a stated condition that take it back ('with $x > 0$ excluded', 'given $x < 0$ is
# impossible', 'with $x > 0$ in the first case')
TAKEN_BACK = re.compile(r"\b(?:excluded|excluding|impossible|ruled out|removed|aside|in the "
                        r"(?:first|second|other)|otherwise|no longer)\b", re.IGNORECASE)
# x \in (0, 1), x \in [0, \infty): an interval
_INTERVAL = re.compile(rf"\s*(?P<name>{_VARIABLE})\s*\\in\s*(?:\\left)?\s*(?P<open>[(\[])\s*"
                       rf"(?P<low>{_NUMBER}|-\s*\\infty)\s*,\s*(?P<high>{_NUMBER}|\+?\s*\\infty)\s*"
                       rf"(?:\\right)?\s*(?P<close>[)\]])\s*")
_MORE = re.compile(r"^\s*(?:,?\s*(?P<joiner>and|or)\s+|,\s*)" + _IN_MATH, re.IGNORECASE)
_A_RELATION = re.compile(r"<|>|\\(?:leq?|geq?|neq?|leqslant|geqslant|in)(?![A-Za-z])")
_NEGATED = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}


@dataclass(frozen=True)
class Condition:
    """A condition the words around a formula state: its --assume texts, or why it cannot be
    taken (`unread`: the formula is then not checked rather than checked everywhere)."""

    assumptions: tuple = ()
    unread: str | None = None


# '\quad \text{for } x = -3' after a formula: a claim at one point, which --assume cannot give
AT_A_POINT = re.compile(_UPRIGHT + AT + r"\s*\}\s*" + _VARIABLE + r"\s*=\s*" + _NUMBER
                        + r"\s*[.,;]?\s*$")


def without_separators(text: str) -> str:
    """`text` without the commas and spaces (`\\quad`, `\\,`) at its end."""
    end = len(text)
    while end:
        if text[end - 1] in " \t\n,;~":
            end -= 1
            continue
        mark = next((m for m in ("\\qquad", "\\quad", "\\,", "\\;", "\\:")
                     if text.startswith(m, end - len(m))), None)
        if mark is None:
            break
        end -= len(mark)
    return text[:end]


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


def stated_after(after: str) -> Condition | None:
    """The condition on the variables the words right after a formula state ('... for $x > 0$',
    'unless $x < 0$', 'for $x > 0$ and $y < 0$', 'for positive $x$'), or None when they state
    none."""
    signed = SIGNED_AFTER.match(after)
    if signed is not None:
        return _signed(signed)
    m = STATED_AFTER.match(after)
    if m is None:
        return None
    conditions, joiners = [m.group("condition")], []
    _joined(after[m.end():], conditions, joiners)
    return _read_condition(m.group("word").lower(), conditions, joiners)


def _signed(signed: re.Match) -> Condition:
    """The condition 'positive $x$' (or '$x$ is positive') states."""
    name = _CONDITION.fullmatch(signed.group("condition").strip())
    if name is None or not name.group("alone") or name.group("real"):
        return Condition(unread=f"'{signed.group(0).strip()}'")
    return Condition((f"{_name(name.group('alone'))} {SIGNS[signed.group('sign').lower()]}",))


def restricted(prose: str, after: str) -> Condition | None:
    """A restriction the words around a formula state that is not read ('for symmetric $A$',
    'to first order', 'on the interval $(0, 1)$', 'for positive inputs'): the formula is not
    checked (None when there is none). `prose`: its sentence before it; `after`: its line after
    it, to the sentence's end."""
    words = prose + " " + re.split(r"(?<=[.!?])\s", after, maxsplit=1)[0]
    found = RESTRICTING.search(words)
    return None if found is None else Condition(unread=f"'{found.group(0).strip()}'")


def assumed(prose: str, latex: str) -> Condition | None:
    """The condition a formula is when the words before it assume it ('Assume $x > 0$.',
    'Suppose that $0 < x < 1$'): it holds for the formulas after it on its line. Else None."""
    if ASSUMING.search(prose) is None:
        return None
    return _read_condition("if", [latex], [])


# 'f(z) = \max(\alpha z, z) with $0 < \alpha < 1$': the range of a parameter, which holds for what
# the section says of it after
INTRODUCING = re.compile(r"(?:\bwith|\bwhere|\bfor some|\bfor a fixed|\blet|\bassume|\band|"
                         r"\buses?)(?:\s+(?:a|an|the|some|fixed|factor|rate|parameter|constant|"
                         r"coefficient|slope|scale|step|size))*\s*$", re.IGNORECASE)
GREEK_NAME = re.compile(r"\\(" + "|".join(sorted(GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")


def parameter_range(prose: str, latex: str) -> tuple[str, Condition] | None:
    """(the parameter, its range) when the formula bounds one Greek letter (a parameter such as
    alpha, lambda, eta) and the words introduce it ('with $0 < \alpha < 1$'); else None."""
    if INTRODUCING.search(prose) is None or "=" in latex.replace("<=", "").replace(">=", ""):
        return None
    names = set(GREEK_NAME.findall(latex))
    if len(names) != 1 or re.search(r"(?<!\\)\b[A-Za-z]\b", GREEK_NAME.sub(" ", latex)):
        return None   # (a Roman letter too: a variable's condition, not a parameter's)
    condition = _read_condition("if", [latex], [])
    if condition is None or condition.unread is not None:
        return None
    return names.pop(), condition


def _simple(text: str) -> bool:
    """A condition on names alone (`v > 0`, `0 < x < 1`, `x \\in (0, 1)`), not a statement about
    an expression (`\\sigma(x) > 1/2`, `x^2 > 0`)."""
    m = _CONDITION.fullmatch(text.strip())
    return _INTERVAL.fullmatch(text) is not None or (
        m is not None and bool(m.group("names") or m.group("between")))


def _joined(rest: str, conditions: list, joiners: list) -> None:
    """The conditions joined on after the first ('and $y < 0$', 'or $x = 0$'); a formula joined
    by 'and' is the next claim, not a condition ('for $x < 0$ and $\\sqrt{x^2} = x$ for ...')."""
    while (more := _MORE.match(rest)) is not None:
        joiner = (more.group("joiner") or "and").lower()   # (a comma lists one more,
        if joiner != "or" and not (_A_RELATION.search(more.group("condition"))   # a condition
                                   and "=" not in more.group("condition")) or (   # on a name)
                more.group("joiner") is None and not _simple(more.group("condition"))):
            break
        joiners.append(joiner)
        conditions.append(more.group("condition"))
        rest = rest[more.end():]


def stated_before(prose: str) -> Condition | None:
    """The condition the words right before a formula state ('If $x > 0$, then', 'For $x < 0$
    we have', 'For negative $x$,', 'When $x$ is positive,'), or None."""
    for signed in (SIGNED_BEFORE.search(prose), IS_SIGNED_BEFORE.search(prose)):
        if signed is not None:
            return _signed(signed)
    m = STATED_BEFORE.search(prose)
    if m is None:
        start = STATED_AT_START.match(prose)
        if start is None or CLAUSE_ENDS.search(prose[start.end():]):
            return None   # 'For $z > 0$, $h'(z) = 1$; hence ...': the condition's clause is over
        return _read_condition(start.group("word").lower(), [start.group("condition")], [])
    after = prose[m.start("rest"):]
    if TAKEN_BACK.search(after):   # 'with $x > 0$ excluded': some condition, not this one
        return Condition(unread=f"'{m.group(0).strip()}'")
    if CLAUSE_ENDS.search(after):
        return None   # 'with $x > 0$, ... and in general $...$': the condition's clause is over
    conditions, joiners = [m.group("condition")], []
    _joined(m.group("rest"), conditions, joiners)
    return _read_condition(m.group("word").lower(), conditions, joiners)


def _read_condition(word: str, conditions: list, joiners: list) -> Condition | None:
    if not any(_A_RELATION.search(c) for c in conditions):
        return None   # 'where $W$ is the weight matrix': no condition
    if any(re.fullmatch(r"\s*" + CASE + r"\s*", c) for c in conditions):
        return None   # 'where $j \\neq i$': a case of the indices (`condition_after`)
    written = " and ".join(c.strip() for c in conditions)
    if "or" in joiners:
        return Condition(unread=f"'{written}' joined by 'or'")
    negated = word.startswith(("unless", "except"))
    assumptions = []
    for text in conditions:
        interval = _INTERVAL.fullmatch(text)
        if interval is not None and not negated:
            assumptions += _between(interval)
            continue
        m = _CONDITION.fullmatch(text.strip())
        if m is None:
            return Condition(unread=f"'{text.strip()}'") if _A_RELATION.search(text) else None
        if m.group("alone"):
            continue   # x \in \mathbb{R}
        if negated:
            if len(conditions) > 1 or not m.group("names") or "," in m.group("names") \
                    or _ORDER[m.group("r")] not in _NEGATED:
                return Condition(unread=f"'{written}' after '{word}'")
            assumptions.append(f"{_name(m.group('names'))} {_NEGATED[_ORDER[m.group('r')]]} "
                               f"{_number(m.group('bound'))}")
        else:
            assumptions += _assumptions(m)
    return Condition(tuple(assumptions))


def _between(interval: re.Match) -> list:
    """The --assume texts of `x \\in (a, b)`: a bound for each finite end."""
    name, out = _name(interval.group("name")), []
    if "infty" not in interval.group("low"):
        out.append(f"{name} {'>' if interval.group('open') == '(' else '>='} "
                   f"{_number(interval.group('low'))}")
    if "infty" not in interval.group("high"):
        out.append(f"{name} {'<' if interval.group('close') == ')' else '<='} "
                   f"{_number(interval.group('high'))}")
    return out


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
