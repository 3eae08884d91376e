"""Names written in plain letters, as many backprop notes write them: `net_{h1}`, `out_{o1}`,
`target_{o1}`, `E_{total}`.

A run of letters is a name, never a product of letters, where only a name can stand:
- straight after a derivative's `\\partial` with a subscript (`\\partial net_j`: a derivative by
  the product n e t_j means nothing), three letters or more;
- before a subscript, four letters or more (`target_{o1}`), which read as a product would be a
  word anyway;
- as a subscript with a vowel (`E_{total}`, `y_{pred}`; not the indices of `T_{ijkl}`).
Once a formula (or, in a document, any formula of it) uses a word as a name, the word is that name
wherever it stands whole. Text inside `\\text{...}` and words already in a font are left alone.
Likewise a letter written with a number above and a subscript below a first-order `\\partial`
(`w^{2}_{11}`) has that layer's label wherever it is so written, never a power.
"""

from __future__ import annotations

import re
from typing import Iterable

from derive.text.limits import LIMITS

BELOW_PARTIAL = re.compile(r"\\partial\s*([A-Za-z]{3,})\s*_")
BEFORE_SUBSCRIPT = re.compile(r"(?<![\\A-Za-z])([A-Za-z]{4,})(?=\s*_)")
WORD_SUBSCRIPT = re.compile(r"_\s*\{\s*([A-Za-z]*[aeou][A-Za-z]*)\s*\}")
# operators written in letters: argmax_x f(x) is not the name argmax_x times f(x)
OPERATORS = frozenset({"argmax", "argmin", "arg", "max", "min", "sup", "inf", "lim", "liminf",
                       "limsup", "det", "diag", "span", "rank", "prob", "var", "cov", "mod",
                       "sum", "prod", "int", "sign", "softmax", "minimize", "maximize", "subject",
                       "grad", "nabla", "div", "curl", "hess", "hessian", "jac", "jacobian",
                       "mean", "expect"})
# groups whose letters are never rewritten: text, and a word already in a font
PROTECTED = re.compile(r"\\(?:text\w*|mathrm|operatorname|mbox|hbox|begin|end)\s*\{[^{}]*\}")


def names_in_letters(texts: Iterable[str], functions: Iterable[str] = ()) -> frozenset[str]:
    """The words that `texts` use as names (not the names of `functions`)."""
    known = set(functions)
    found = set()
    for text in texts:
        bare = PROTECTED.sub(" ", text)
        found.update(BELOW_PARTIAL.findall(bare), BEFORE_SUBSCRIPT.findall(bare))
    return frozenset(w for w in found if w not in known and w.lower() not in known
                     and w.lower() not in OPERATORS and len(w) <= LIMITS.max_name)


# a letter with a number above and a subscript, straight after the \partial of a first-order
# derivative: w^{2}_{11} is the weight w_{11} of layer 2 (a derivative by a power means nothing)
LABELLED_BELOW = re.compile(r"\\partial\s*([A-Za-z])\s*\^\s*(?:\{\s*\d+\s*\}|\d)\s*_")


def layer_numbers(texts: Iterable[str]) -> frozenset[str]:
    """The letters `texts` write with a layer's number above (`w^{2}_{11}` below a `\\partial`),
    in formulas with no higher derivative (`\\partial^2`)."""
    return frozenset(letter for text in texts if not re.search(r"\\partial\s*\^", text)
                     for letter in LABELLED_BELOW.findall(text))


def numbered(text: str, letters: frozenset[str]) -> str:
    """`text` with `w^{2}_{11}` written `w^{(2)}_{11}` for each of `letters`: the layer's label,
    as the reader takes it, never the power w_{11}^2."""
    if not letters:
        return text
    pattern = re.compile(r"(?<![\\A-Za-z])([" + "".join(sorted(letters)) +
                         r"])\s*\^\s*(?:\{\s*(\d+)\s*\}|(\d))(?=\s*_)")
    return pattern.sub(lambda m: f"{m.group(1)}^{{({m.group(2) or m.group(3)})}}", text)


def whole_word(names: Iterable[str]) -> re.Pattern | None:
    names = sorted(names)
    return re.compile(r"(?<![\\A-Za-z])(" + "|".join(map(re.escape, names)) +
                      r")(?![A-Za-z])") if names else None


def spell(text: str, names: frozenset[str]) -> str:
    """`text` with each of `names` written `\\mathrm{name}` where it stands as a whole word."""
    word = whole_word(names)
    if word is None:
        return text
    out, start = [], 0
    for group in PROTECTED.finditer(text):
        out.append(word.sub(r"\\mathrm{\1}", text[start:group.start()]))
        out.append(group.group())
        start = group.end()
    out.append(word.sub(r"\\mathrm{\1}", text[start:]))
    return "".join(out)


def without_word_subscripts(text: str) -> str:
    """`text` with its word subscripts (`E_{total}`) blanked out, for the check that refuses a
    word written where a product of letters would stand."""
    return WORD_SUBSCRIPT.sub("_{ }", text)


def unspell(text: str, names: frozenset[str]) -> str:
    """`text` with `\\mathrm{name}` written back as the document wrote it: `name`."""
    for name in names:
        text = text.replace(f"\\mathrm{{{name}}}", name)
    return text
