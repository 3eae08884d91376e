"""Commands of common LaTeX packages, written out in the commands the reader knows.

* physics: `\\pdv{f}{x}` is `\\frac{\\partial f}{\\partial x}`, `\\pdv[2]{f}{x}` the second
  derivative, `\\pdv{f}{x}{y}` the mixed one, `\\pdv{x}` the operator; `\\dv` the same with d;
* amsmath: a relation with a note set over or under it (`\\overset{(a)}{=}`,
  `\\stackrel{\\text{def}}{=}`, `\\underset{x \\to 0}{\\approx}`) is the relation.

A command whose arguments do not fit is left as written, and the reader refuses it by name.
"""

from __future__ import annotations

import re

COMMAND = re.compile(r"\\(pdv|dv|overset|stackrel|underset)(?![A-Za-z])")
RELATION = re.compile(r"\s*(?:=|<|>|\\(?:leq?|geq?|neq?|approx|equiv|sim|simeq|to|rightarrow|"
                      r"Rightarrow|implies|iff|propto)(?![A-Za-z]))\s*$")
MAX_DEPTH = 20   # nested commands beyond this are left to the reader's refusal


def written_out(text: str, depth: int = 0) -> str:
    """`text` with the package commands written out; linear in its length (each command's
    groups are found in a table of matching braces, and only a replaced command's groups are
    read again, to a bounded depth)."""
    if depth > MAX_DEPTH or "\\" not in text:
        return text
    braces = _matching_braces(text)
    out, position = [], 0
    for m in COMMAND.finditer(text):
        if m.start() < position:
            continue
        found = _arguments(text, m.end(), 3 if m.group(1) == "pdv" else 2, braces)
        if found is None:
            continue
        order, groups, end = found
        replacement = _replacement(m.group(1), order, groups, depth)
        if replacement is None:
            continue
        out += [text[position:m.start()], replacement]
        position = end
    return "".join(out) + text[position:]


def _replacement(name: str, order: str | None, groups: list[str], depth: int) -> str | None:
    if name in ("pdv", "dv"):
        if len(groups) == 3 and (order or name == "dv"):
            return None   # no such form: the command stays, and the reader refuses it
        # only a command written out has its groups read again: each is read once
        groups = [written_out(g, depth + 1) for g in groups]
        d = r"\partial" if name == "pdv" else "d"
        power = f"^{{{order}}}" if order else ""
        if len(groups) == 1:
            return f"\\frac{{{d}{power}}}{{{d} {groups[0]}{power}}}"
        if len(groups) == 2:
            return f"\\frac{{{d}{power} {groups[0]}}}{{{d} {groups[1]}{power}}}"
        return f"\\frac{{{d}^{{2}} {groups[0]}}}{{{d} {groups[1]} {d} {groups[2]}}}"
    if len(groups) >= 2 and RELATION.match(groups[1]) and order is None:
        return f" {groups[1].strip()} "
    return None


def _arguments(text: str, start: int, most: int, braces: dict):
    """(the optional [order], up to `most` braced groups, the end) of a command's arguments."""
    i = _skip_spaces(text, start)
    order = None
    if i < len(text) and text[i] == "[":
        close = text.find("]", i)
        if close < 0 or not re.fullmatch(r"\s*\d\s*", text[i + 1:close]):
            return None
        order, i = text[i + 1:close].strip(), close + 1
    groups = []
    while len(groups) < most:
        j = _skip_spaces(text, i)
        group = _group(text, j, braces)
        if group is None:
            break
        groups.append(group[0])
        i = group[1]
    return (order, groups, i) if groups else None


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i


def _group(text: str, i: int, braces: dict):
    """(content, end) of the braced group at i, or None."""
    if i >= len(text) or text[i] != "{" or i not in braces:
        return None
    return text[i + 1:braces[i]], braces[i] + 1


def _matching_braces(text: str) -> dict:
    """Each unescaped `{` that is closed: the position of its `}` (one pass)."""
    stack, braces = [], {}
    for k, ch in enumerate(text):
        if ch in "{}" and (k == 0 or text[k - 1] != "\\"):
            if ch == "{":
                stack.append(k)
            elif stack:
                braces[stack.pop()] = k
    return braces
