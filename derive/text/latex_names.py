"""Names as ML notes write them: letters, Greek letters and decorated letters, layer labels
(`a^l`, `W^{[l]}`, `a^{(2)}`: part of the name, never powers), indices (`x_i`, `W_{jk}`) and
subscripts that are part of a name (`C_{MSE}`); and the SymPy object each name stands for."""

from __future__ import annotations

import re

from dataclasses import dataclass

import sympy as sp

from derive.text import arrays as A
from derive.text.builder import FUNCTIONS, SCALAR_NAMES
from derive.text.latex_tokens import ARRAY_FONTS, FONTS, GREEK, WORD_FUNCTIONS, Tok
from derive.text.letters import OPERATORS
from derive.text.limits import LIMITS, InputError

INDEX_LETTERS = frozenset("ijk")
# letters that name layer quantities: their ^m is a label (elsewhere x^m is a power)
LAYER_LETTERS = frozenset(["a", "z", "W", "w", "b", "B", "h", "delta", "Delta", "sigma", "A",
                           "Z"])
# in a formula about vectors, these stay scalars: costs, sizes, rates and the like
SCALAR_LETTERS = SCALAR_NAMES | {"p", "q", "r", "s", "c"}


@dataclass(frozen=True)
class NameParts:
    """A name as written, before it becomes a SymPy object."""

    letter: str
    font: str = ""
    label: sp.Expr | None = None
    style: str = ""
    subscript: str = ""
    indices: tuple = ()

    @property
    def display(self) -> str:
        return A.display_name(self.letter, self.font, self.label, self.style, self.subscript)


def index_symbol(letter: str) -> sp.Symbol:
    return sp.Symbol(letter, integer=True, positive=True)


def _label_letter(text: str, letter: str, sizes=frozenset()) -> bool:
    """Whether `^text` after `letter` is a layer label: l and L always, m on layer quantities and
    on the `sizes` a document declares per layer (N in W^m in R^{N^m x N^{m-1}})."""
    return text in ("l", "L") or (text == "m" and (letter in LAYER_LETTERS or letter in sizes))


def _label_tokens(tokens: list[Tok]) -> bool:
    """A label's content: a number, or a letter with an optional step (l, l-1, L, 2, t+1)."""
    if len(tokens) == 1:
        return tokens[0].kind == "num" and "." not in tokens[0].text or (
            tokens[0].kind == "letter" and tokens[0].text in "lLmijknt")
    return len(tokens) == 3 and tokens[0].kind == "letter" and tokens[0].text in "lLmijknt" \
        and tokens[1].text in ("+", "-") and tokens[2].kind == "num"


class NameReader:
    """How the reader reads names (a mixin of `text.latex.LatexReader`)."""

    def _refuse_placeholders(self, name: str) -> None:
        """`g x` after `g(t) = t^2 w`: g written alone stands for its application g(t) (f in df/dx
        after f(x, y) = x y; \\mathcal{L} in d\\mathcal{L}/da after \\mathcal{L}(\\hat y, y) = ...).
        Followed by a factor, in a formula that writes none of its variables, it reads as g applied
        to that factor as much as g(t) times it; taken as g(t), it would bring in a variable nobody
        wrote. Refused."""
        parameters = self.b.parameters.get(name)
        following = self.peek()
        if parameters is None or self.b.applied[name].args != tuple(parameters) \
                or following is None or not (following.kind in ("letter", "num") or (
                    following.kind == "cmd" and following.text[1:] in GREEK)) \
                or any(_letter(p) in self.letters for p in parameters):
            return
        raise InputError(f"ambiguous: {name} is defined as a function of "
                         f"{', '.join(str(p) for p in parameters)}; write {name}(...) for its "
                         f"value, or {name} \\cdot ... for a product")

    def name_parts(self) -> NameParts:
        """A letter, Greek letter or font-decorated letter with its layer label and subscript:
        `x`, `x_1`, `W^l_{jk}`, `a^{[l-1]}`, `\\mathbf{W}^{(2)}`, `C_{\\mathrm{MSE}}`, `\\Delta x`."""
        font, t = "", self.next()
        if t.kind == "cmd" and t.text in FONTS:
            font = FONTS[t.text]
            if font in ("dot", "ddot"):
                raise InputError(f"{t.text}{{x}} is a derivative by time: write "
                                 "\\frac{dx}{dt} with x(t) declared, e.g. --function x")
            braced = self.at("{")
            if braced:
                self.next()
            if braced and self.peek() is not None and self.peek().text in FONTS:
                # \hat{\mathbf{y}}: the outer decoration names it; bold says it is a vector
                inner_bold = FONTS[self.peek().text] in ARRAY_FONTS
                inner = self.name_parts()
                self.expect("}")
                parts = NameParts(inner.letter, font if font != "mathrm" else inner.font)
                if inner_bold and not self.b.scalar_only:
                    self.b.arrays.add(parts.display)
                return parts
            if braced and self.word_follows():   # \mathrm{net}_j, \underline{net}_l: a name
                return self.decorated(self.word(), "" if font == "mathrm" else font)
            t = self.next()
            if braced:
                self.expect("}")
            if font == "mathrm":
                font = ""
        if t.kind == "text" and self.spelled_name(t.text):
            return self.decorated("".join(t.text.split()))   # \text{out}_{h1}
        if t.kind == "letter":
            letter = t.text
        elif t.kind == "cmd" and t.text[1:] in GREEK:
            letter = t.text[1:]
        elif t.kind == "num" and font == "mathbf" and not self.b.scalar_only:
            # the vector of ones (or of zeros): as a name its entries would be anything
            raise InputError(f"\\mathbf{{{t.text}}}, a vector of {t.text}s, is not read: write "
                             "its sum or its entries out")
        elif t.kind == "num" and font in ("mathbb", "mathbf"):
            letter = t.text
        else:
            raise InputError(f"expected a name at column {t.pos + 1}, found {t.text!r}")
        if letter == "Delta" and font == "" and self.peek() is not None \
                and self.peek().kind == "letter" and not self.peek().spaced:
            return NameParts("Delta_" + self.next().text)
        return self.decorated(letter, font)

    def decorated(self, letter: str, font: str = "") -> NameParts:
        """`letter` with the layer label and the subscript that follow it, in either order."""
        label, style, subscript, indices = None, "", "", ()
        for _ in range(2):
            if self.at("^") and label is None and self.label_follows(letter):
                self.next()
                label, style = self.label()
            elif self.at("_") and not subscript and not indices:
                self.next()
                subscript, indices = self.subscript(letter, font)
        return NameParts(letter, font, label, style, subscript, indices)

    def word_follows(self) -> bool:
        """Two or more letters and a closing brace: the word of `\\mathrm{net}`."""
        k = 0
        while self.peek(k) is not None and self.peek(k).kind == "letter":
            k += 1
        return k >= 2 and self.peek(k) is not None and self.peek(k).text == "}" and \
            self.spelled_name("".join(self.peek(j).text for j in range(k)))

    def word(self) -> str:
        """The letters up to the closing brace (after `word_follows`)."""
        letters = []
        while not self.at("}"):
            letters.append(self.next().text)
        self.next()
        return "".join(letters)

    @staticmethod
    def spelled_name(text: str) -> bool:
        """A word that can only be a name: letters, not a function's or an operator's name
        (`net`, `out`, `total`; not `exp`, `softmax` or `argmax`)."""
        word = "".join(text.split())
        return word.isalpha() and 2 <= len(word) <= LIMITS.max_name and \
            word not in WORD_FUNCTIONS and word.lower() not in FUNCTIONS \
            and word.lower() not in OPERATORS and word != "e"

    def label_follows(self, letter: str) -> bool:
        """After `^`: a layer label (l, L, l+1, [l], (2)) rather than a power or a transpose."""
        t1, t2, t3 = self.peek(1), self.peek(2), self.peek(3)
        if t1 is None:
            return False
        if t1.text in ("*", "+"):   # x^*, and w^+: the value after an update
            return True
        if t1.kind == "letter":
            return _label_letter(t1.text, letter, self.b.layer_sizes)
        if t1.text != "{" or t2 is None:
            return False
        if t2.text == "*" or (t2.text == "+" and t3 is not None and t3.text == "}"):
            return True
        if t2.text in ("[", "("):   # ^{(l)}, ^{[l-1]}, ^{(2)}: not ^{(5-1)}, a power
            closing = "]" if t2.text == "[" else ")"
            inner = []
            for t in self.tokens[self.i + 3:]:
                if t.text == closing:
                    break
                inner.append(t)
            return _label_tokens(inner)
        if t2.kind == "letter" and _label_letter(t2.text, letter, self.b.layer_sizes):
            return t3 is not None and (t3.text in ("}", "+", "-", r"\top"))
        return False

    def label(self) -> tuple:
        """The label after `^`: (value, style)."""
        if self.at("*", "+"):
            mark = self.next().text
            return sp.Symbol(mark), mark
        braced = self.at("{")
        if not braced:
            return A.LABEL_VARIABLES[self.next().text], ""
        self.next()
        style = ""
        if self.at("*", "+"):
            mark = self.next().text
            self.expect("}")
            return sp.Symbol(mark), mark
        if self.at("[", "("):
            opening = self.next().text
            style = "[]" if opening == "[" else "()"
        value = self.label_value()
        if style:
            self.expect(style[1])
        if self.at(r"\top") and self.peek(1) is not None and self.peek(1).text == "}":
            self.next()   # a^{m-1\top}: the label, then a transpose of the whole name
            self.transpose_pending = True
        self.expect("}")
        return value, style

    def label_value(self):
        t = self.next()
        if t.kind == "num":
            value = sp.Integer(int(t.text))
        elif t.kind == "letter" and t.text in A.LABEL_VARIABLES:
            value = A.LABEL_VARIABLES[t.text]
        elif t.kind == "letter" and t.text in "ijknt":
            value = sp.Symbol(t.text, integer=True)
        else:
            raise InputError(f"cannot read the label at column {t.pos + 1}: write l, l+1 or a number")
        while self.at("+", "-"):
            sign = 1 if self.next().text == "+" else -1
            step = self.next()
            if step.kind != "num":
                raise InputError(f"cannot read the label at column {step.pos + 1}")
            value += sign * int(step.text)
        return value

    def subscript(self, letter: str, font: str) -> tuple[str, tuple]:
        if letter in self.indexed_letters and not font:
            numbered = self._numbered_subscript()
            if numbered is not None:
                return "", numbered
        return self._subscript(letter, font)

    def _numbered_subscript(self):
        """`_1`, `_{12}` (two indices of one digit each, as w_{12} is w_{1,2}), `_{1,2}`."""
        if self.at("{"):
            end = self.i + 1
            digits = []
            while end < len(self.tokens) and self.tokens[end].text != "}":
                digits.append(self.tokens[end])
                end += 1
            if not digits or not all(t.kind == "num" or t.text == "," for t in digits):
                return None
            numbers = [t.text for t in digits if t.text != ","]
            if len(numbers) == 1 and len(numbers[0]) == 2 and "," not in [t.text for t in digits]:
                numbers = list(numbers[0])
            if len(numbers) > 2 or any("." in n for n in numbers):
                return None
            self.i = end + 1
            return tuple(sp.Integer(int(n)) for n in numbers)
        t = self.peek()
        if t is not None and t.kind == "num" and "." not in t.text:
            self.next()
            if len(t.text) > 1:
                self.tokens.insert(self.i, Tok("num", t.text[1:], t.pos + 1))
            return (sp.Integer(int(t.text[0])),)
        return None

    def _subscript(self, letter: str, font: str) -> tuple[str, tuple]:
        """A subscript: indices (`_j`, `_{jk}`, `_{i+1}`) or part of the name (`_1`, `_\\mathrm{MSE}`)."""
        start = self.i
        if self.at("{"):
            self.next()
            tokens = []
            depth = 0
            while not (self.at("}") and depth == 0):
                t = self.next()
                depth += (t.text == "{") - (t.text == "}")
                tokens.append(t)
            self.next()
        else:
            tokens = [self.next()]
            if tokens[0].kind in ("cmd",) and tokens[0].text in FONTS and self.at("{"):
                self.i = start
                return self.name_subscript_text(), ()
        if not tokens:
            raise InputError("empty subscript")
        indices = self._indices(tokens)
        if indices is not None:
            return "", indices
        self.i = start
        return self.name_subscript_text(), ()

    def _indices(self, tokens: list[Tok]):
        """Index expressions from the subscript's tokens, or None when it is part of a name. A
        letter a sum runs over makes the subscript indices (w_{k1} in a sum over k is an entry:
        as a name it would be the same for every k); one it cannot be read with is refused."""
        if all(t.kind == "letter" and t.text in self.index_letters or t.text == ","
               for t in tokens):
            letters = [t.text for t in tokens if t.text != ","]
            if 1 <= len(letters) <= 2:
                return tuple(index_symbol(x) for x in letters)
        if len(tokens) == 3 and tokens[0].kind == "letter" and tokens[0].text in self.index_letters \
                and tokens[1].text in ("+", "-") and tokens[2].kind == "num":
            step = int(tokens[2].text)
            return (index_symbol(tokens[0].text) + (step if tokens[1].text == "+" else -step),)
        summed = sorted({t.text for t in tokens if t.kind == "letter"} & self.bound_letters)
        if summed:
            places = [t for t in tokens if t.text != ","]
            comma = len(places) < len(tokens)   # W_{k,d}: the comma says indices
            if len(places) == 2 and all(
                    t.kind == "letter" and (comma or t.text in self.index_letters)
                    or t.kind == "num" and len(t.text) == 1 for t in places):
                return tuple(index_symbol(t.text) if t.kind == "letter" else sp.Integer(t.text)
                             for t in places)
            raise InputError(f"a subscript with {summed[0]}, which a sum runs over, is neither a "
                             "name (it would not change with the sum) nor indices: separate its "
                             "indices with a comma, e.g. W_{k,d}")
        return None

    def name_subscript_text(self) -> str:
        """A subscript that is part of a name: `1`, `{12}`, `\\mathrm{MSE}`, `\\text{out}`."""
        def piece(t: Tok) -> str:
            if t.kind in ("letter", "num"):
                return t.text
            if t.kind == "text":
                return "".join(t.text.split())
            if t.kind == "cmd" and t.text[1:] in GREEK:
                return t.text[1:]
            if t.kind == "cmd" and t.text[1:] in WORD_FUNCTIONS:
                return t.text[1:]
            if t.text == ",":
                return ""
            raise InputError(f"cannot use {t.text!r} in a subscript")
        if self.at("{"):
            self.next()
            parts, depth = [], 0
            while depth or not self.at("}"):
                t = self.next()
                depth += (t.text == "{") - (t.text == "}")
                if (t.kind == "cmd" and t.text in FONTS) or t.text in ("{", "}"):
                    continue
                if t.text == "_" and parts and parts[-1].isalpha() \
                        and parts[-1] not in self.index_letters and self._number_follows():
                    continue   # net_{o_1} is net_{o1}: a label's letter and number (not k_1,
                    #            nor w_{y_i}, an index that is an entry of y)
                parts.append(piece(t))
            self.next()
            text = "".join(parts)
        else:
            t = self.next()
            if t.kind == "cmd" and t.text in FONTS:
                self.expect("{")
                parts = []
                while not self.at("}"):
                    parts.append(piece(self.next()))
                self.next()
                text = "".join(parts)
            elif t.kind == "num" and len(t.text) > 1:
                self.tokens.insert(self.i, Tok("num", t.text[1:], t.pos + 1))
                text = t.text[0]
            else:
                text = piece(t)
        if not text:
            raise InputError("empty subscript")
        return text

    def _number_follows(self) -> bool:
        """A number next, alone or in braces (the 1 of o_1, o_{1})."""
        t = self.peek()
        if t is not None and t.text == "{":
            t, after = self.peek(1), self.peek(2)
            return t is not None and t.kind == "num" and after is not None and after.text == "}"
        return t is not None and t.kind == "num"

    def subscript_indices(self) -> tuple:
        """The indices of `softmax(z)_i`."""
        start = self.i
        tokens = [self.next()] if not self.at("{") else None
        if tokens is None:
            self.next()
            tokens = []
            while not self.at("}"):
                tokens.append(self.next())
            self.next()
        indices = self._indices(tokens)
        places = [t for t in tokens if t.text != ","]
        if indices is None and 1 <= len(places) <= 2 and all(
                t.kind == "num" and t.text.isdigit() and (len(t.text) == 1 or len(tokens) > 1)
                for t in places):   # (A x)_1, (x y^T)_{1,2}; _{12} could be either
            indices = tuple(sp.Integer(t.text) for t in places)
        if indices is None:
            self.i = start
            raise InputError(f"cannot read the index at column {self.peek().pos + 1}")
        return indices

    def is_array_name(self, parts: NameParts) -> bool:
        name = parts.display
        if self.b.scalar_only:
            return False
        if name in self.b.arrays or name in self.b.promoted or (
                parts.label is not None and not parts.indices
                and (parts.letter, parts.font, parts.style) in self.b.families):
            return True
        if name in self.b.scalars or parts.font in ("mathcal", "mathbb"):
            return False
        if parts.font in ARRAY_FONTS:
            return True
        if not self.vector_context or parts.subscript or parts.letter in SCALAR_LETTERS:
            return False
        return len(parts.letter) == 1 or parts.letter in ("delta", "Delta")

    def leaf(self, parts: NameParts):
        """The SymPy object for a name: a scalar symbol, an array, an entry or Kronecker's delta."""
        if parts.letter == "delta" and len(parts.indices) == 2 and parts.label is None \
                and not parts.font:
            return sp.KroneckerDelta(*parts.indices)
        name = parts.display
        if parts.indices:
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style,
                                       array=True))
            return sp.IndexedBase(name)[parts.indices]
        if self.is_array_name(parts):
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style,
                                       array=True))
            return A.array_symbol(name)
        if self.b.applied.get(name) is not None and self.b.defined:
            # g in dz/dg where z = f(g(x)): its value; \\mathcal{L} of \\mathcal{L}(\\hat y, y) = ...
            self._refuse_placeholders(name)
            return self.b.in_claim(self.b.applied[name])
        if parts.label is not None or parts.font:
            self.b.quantity(A.Quantity(name, parts.letter, parts.font, parts.label, parts.style,
                                       subscript=parts.subscript))
            return self.b.named_symbol(name)
        if name in self.bound_letters or name in self.used_indices:
            return index_symbol(name)   # the i of \sum_{i=1}^{n} i
        return self.b.symbol(name, function_names_ok=True, constants=False, reserved_ok=True)


def _letter(symbol) -> str:
    """The letter a name is written with (y of \\hat{y}, x of x_1, alpha of \\alpha)."""
    words = re.findall(r"[A-Za-z]+", symbol.name)
    return next((w for w in words if w not in ("hat", "bar", "tilde", "mathrm", "mathbf",
                                                "mathcal", "dot", "vec")), symbol.name)
