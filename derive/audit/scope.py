"""What a careful reader of a document keeps in mind at each formula: the definitions in force.

A definition binds a name until it is redefined, or until the text moves on: a function or a
plain letter defined in an example (`f(x) = x^5`, `u = x^2`) ends with its section; what a table
row says ends with the row; the notation of a network (`z^l = W^l a^{l-1} + b^l`, sizes) holds to
the end. Each claim is read with the definitions it mentions, directly or through other
definitions, in the form `derive check --where` takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.audit.extract import Equation

TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]")
DECORATIONS = {r"\mathbf", r"\boldsymbol", r"\bm", r"\vec", r"\hat", r"\bar", r"\tilde",
               r"\mathcal", r"\mathrm", r"\operatorname", r"\mathit", r"\widehat", r"\overline",
               r"\left", r"\right", r"\mathbb", r"\text"}
MAX_IN_FORCE = 48   # definitions a claim is read with (the most recent that it mentions)


def base_name(target: str) -> str | None:
    """The letter or command a target is written with: z for z_k^m, \\sigma for \\sigma^m(z)."""
    for token in TOKEN.findall(target):
        if token not in DECORATIONS:
            return token
    return None


def key_of(target: str) -> str:
    """One key for a quantity however it is indexed: z^m and z_k^m, \\sigma(z) and \\sigma(x)."""
    target = re.sub(r"\\left|\\right|\s", "", target)
    target = re.sub(r"\(.*$", "", target)
    target = re.sub(r"([\^_])\{([A-Za-z0-9])\}", r"\1\2", target)   # z^{l} is z^l
    # z^{l-1} is z^l one layer down: defining it again redefines the family (not z^L, the last)
    target = re.sub(r"\^\{([a-z])[-+]\d\}", r"^\1", target)
    whole = re.sub(r"_\{[ijkl]{1,3}\}|_[ijkl](?![A-Za-z])", "", target)
    return whole + (ENTRY if whole != target else "")


ENTRY = " (entries)"   # the key of an entry-by-entry definition (z_k = ...) of a quantity


@dataclass(frozen=True)
class Binding:
    key: str
    name: str           # base name, for telling which claims mention it
    text: str           # `target = value` (or a declaration), as derive check --where takes it
    local: bool         # ends with its section
    level: int          # depth of the heading it was made under
    heading: int        # position of that heading
    row: tuple | None   # the table row it belongs to
    derived: bool       # its value is a derivative: later statements about it are results
    value: bool = False  # it gives a letter a number (a worked example's point)
    listed: bool = False  # written as another option right after the one it replaced


LISTED = re.compile(r"\s*(?:,|or|and|,\s*(?:or|and))?\s*", re.I)


class Scope:
    def __init__(self):
        self.bindings: dict[str, Binding] = {}
        self.replaced: dict[str, list] = {}   # a key's earlier definitions in its section
        self.used: set[str] = set()   # the definitions (texts) a claim was read with
        self.aliases: dict = {}   # audit.aliases.Alias -> (level, heading) it was learned under
        self.heading = 0

    def enter(self, equation: Equation) -> None:
        """Forget what the document has moved away from before reading `equation`."""
        row = (equation.cell.table, equation.cell.row) if equation.cell else None
        moved = equation.heading != self.heading
        self.heading = equation.heading
        for key, b in list(self.bindings.items()):
            if b.row is not None and b.row != row:
                del self.bindings[key]
            elif moved and b.local and equation.level <= b.level and equation.heading > b.heading:
                del self.bindings[key]
        for alias, (level, heading) in list(self.aliases.items()):
            if moved and equation.level <= level and equation.heading > heading:
                del self.aliases[alias]   # a new section: the names of the last one are gone

    def learn(self, alias, equation: Equation) -> None:
        """A name the document gives a function's value (`audit.aliases`), for its section."""
        self.aliases[alias] = (equation.level, equation.heading)

    def bind(self, target: str, text: str, equation: Equation, local: bool,
             derived: bool = False, declaration: bool = False, value: bool = False) -> None:
        name = base_name(target)
        if name is None:
            return
        key = key_of(target) + (" \\in" if declaration else "")
        old = self.bindings.pop(key, None)   # a redefinition comes last
        if old is not None and old.heading == equation.heading and old.text != text:
            # restated in its section: an earlier one may still be meant (g(s) = tanh(s), then
            # g(s) = sigma(s): options listed one after the other)
            earlier = [b for b in self.replaced.get(key, []) if b.text != text]
            self.replaced[key] = earlier + [old]
        else:
            self.replaced.pop(key, None)
        row = (equation.cell.table, equation.cell.row) if equation.cell else None
        # '$g(s) = \tanh(s)$, $g(s) = \sigma(s)$' or '... or $...$': options, where 'Let $f(x) =
        # x^2$. Now let $f(x) = x^3$' replaces
        between = equation.prose.rpartition("$")[2]
        listed = old is not None and LISTED.fullmatch(between) is not None
        self.bindings[key] = Binding(key, name, text, local, equation.level, equation.heading,
                                     row, derived, value, listed)

    def binding(self, target: str) -> Binding | None:
        return self.bindings.get(key_of(target))

    def values(self) -> dict[str, Binding]:
        """The letters given a number (a = 2), by name."""
        return {b.key: b for b in self.bindings.values() if b.value}

    def earlier(self, where: list[str]) -> list[tuple[str, str, bool]]:
        """(definition in `where`, one it replaced in the same section, whether that one is an
        option beside it), each earlier one, first first: a name defined again where the text has
        not moved on may be meant as defined before (the later form a restatement, right or
        wrong), and is another option when listed right after it before any claim uses the
        first (g(s) = tanh(s), g(s) = sigma(s)); otherwise ('Now let f(x) = x^3'), or once a
        claim has used the first, the later one replaces it."""
        current = {b.text: b for b in self.bindings.values()}
        return [(text, old.text, current[text].listed and old.text not in self.used)
                for text in where if text in current
                for old in self.replaced.get(current[text].key, [])]

    def use(self, where) -> None:
        """A claim is read with the definitions `where`."""
        self.used.update(where)

    def forget(self, target: str) -> None:
        self.bindings.pop(key_of(target), None)

    def where(self, latex: str, units: bool = False, without=()) -> list[str]:
        """The definitions `latex` mentions, directly or through other definitions, oldest first;
        of a quantity defined both whole and entry by entry, the later form (with `units`, one
        unit per layer: the whole form, whose entry is the quantity itself). The keys in
        `without` are left out (a value given to a variable the claim differentiates by)."""
        mentioned = set(TOKEN.findall(latex))
        chosen: dict[str, Binding] = {}
        grew = True
        while grew:
            grew = False
            for key, b in self.bindings.items():
                if key not in chosen and key not in without and b.name in mentioned:
                    chosen[key] = b
                    mentioned |= set(TOKEN.findall(b.text))
                    grew = True
        keys = list(chosen)
        for key in keys:
            if key.endswith(ENTRY) and key.removesuffix(ENTRY) in chosen:
                older = min(key, key.removesuffix(ENTRY), key=list(self.bindings).index)
                chosen.pop(key if units else older, None)
            elif key.endswith(ENTRY) and units:
                chosen.pop(key)
        order = [b.text for key, b in self.bindings.items() if key in chosen]
        return order[-MAX_IN_FORCE:]
