"""A name a document gives a function's value, learned from its own equations.

`\\frac{\\partial E}{\\partial y_k} \\frac{\\partial y_k}{\\partial h_k} = \\frac{\\partial E}{\\partial g(h_k)}
\\frac{\\partial g(h_k)}{\\partial h_k}` is the same text on both sides but for `y_k` where the other
side has `g(h_k)`: the document calls g(h_k) y_k. A later derivative by that value,
`\\frac{\\partial}{\\partial g(h_k)}`, is then a derivative by y_k, which the reader can take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.text import InputError
from derive.text.latex_tokens import Tok, tokenize


@dataclass(frozen=True)
class Alias:
    name: str    # y_k, as written
    call: str    # g(h_k), as written


def _name_end(tokens: list[Tok], i: int) -> int | None:
    """The end of a name at `i`: a letter with an optional one-token or braced subscript."""
    if i >= len(tokens) or tokens[i].kind != "letter":
        return None
    if i + 1 < len(tokens) and tokens[i + 1].text == "_":
        if i + 2 < len(tokens) and tokens[i + 2].kind in ("letter", "num"):
            return i + 3
        return None   # a braced subscript: not taken (h_{k+1} is not a plain name)
    return i + 1


def _call_end(tokens: list[Tok], i: int) -> int | None:
    """The end of a one-letter function applied at `i`: g(...), its parentheses balanced."""
    if i + 1 >= len(tokens) or tokens[i].kind != "letter" or tokens[i + 1].text != "(":
        return None
    depth = 0
    for k in range(i + 1, len(tokens)):
        depth += tokens[k].text == "("
        depth -= tokens[k].text == ")"
        if depth == 0:
            return k + 1
    return None


def _text(tokens: list[Tok]) -> str:
    return "".join(t.text for t in tokens)


def learned(left: str, right: str) -> Alias | None:
    """The alias two sides state when they are the same but for one name on one side written as
    one function's value on the other, every time it differs (and at least once)."""
    try:
        a, b = tokenize(left), tokenize(right)
    except InputError:
        return None
    found = None
    i = j = 0
    while i < len(a) and j < len(b):
        if (a[i].kind, a[i].text) == (b[j].kind, b[j].text):
            i, j = i + 1, j + 1
            continue
        for names, calls, flip in ((a, b, False), (b, a, True)):
            p, q = (j, i) if flip else (i, j)
            name_end, call_end = _name_end(names, p), _call_end(calls, q)
            if name_end is None or call_end is None:
                continue
            alias = Alias(_text(names[p:name_end]), _text(calls[q:call_end]))
            if names[p].text in {t.text for t in calls[q + 1:call_end]}:
                return None   # y = g(y): an equation about y, not a name for a value
            if found not in (None, alias):
                return None   # two different names for values: no one reading
            found = alias
            i, j = (call_end, name_end) if flip else (name_end, call_end)
            break
        else:
            return None
    return found if i == len(a) and j == len(b) else None


def by_value(text: str, aliases: list[Alias]) -> str:
    """`text` with each derivative by an aliased value (`{\\partial g(h_k)}` under the fraction
    bar) written as the derivative by its name (`{\\partial y_k}`)."""
    for alias in aliases:
        call = r"\s*".join(re.escape(t.text) for t in tokenize(alias.call))
        # under the fraction bar only (after the numerator's closing brace): a numerator
        # \partial g(h_k) is g differentiated, which the reader takes as written
        text = re.sub(r"(\}\s*)\{\s*\\partial\s*" + call + r"\s*\}",
                      lambda m: m.group(1) + r"{\partial " + alias.name + "}", text)
    return text
