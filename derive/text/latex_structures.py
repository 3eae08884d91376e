"""Structures inside a formula: matrices (`pmatrix`, `bmatrix`), `cases`, norms `\\|x\\|`,
indicators `\\mathbb{1}(x > 0)` and the relations of their conditions."""

from __future__ import annotations

import sympy as sp

from derive.text import arrays as A
from derive.text.latex_tokens import RELATIONS, unexpected
from derive.text.limits import InputError

MATRICES = ("pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix")


class StructureReader:
    """How the reader reads matrices, cases, norms and indicators (a mixin of `LatexReader`)."""

    def norm(self):
        """`\\|x\\|`, `\\|x\\|_2`, `\\|W\\|_F`: the Euclidean (Frobenius) norm."""
        self.next()
        self.norm_depth += 1
        value = self.expr()
        self.norm_depth -= 1
        self.expect("‖")
        if self.at("_"):
            self.next()
            kind = self.next().text if not self.at("{") else None
            if kind is None:
                self.next()
                kind = self.next().text
                self.expect("}")
            if kind not in ("2", "F"):
                raise InputError(f"only the 2-norm and the Frobenius norm are known, not ‖·‖_{kind}")
        return A.NormOf(value) if A.is_array(value) else self.b.call("Abs", [value])

    def environment(self):
        """`pmatrix`, `bmatrix`, `vmatrix` (a determinant is refused) and `cases`."""
        name = self._environment_name(r"\begin")
        if name == "cases":
            return self.cases()
        if name not in MATRICES:
            raise InputError(f"the environment {name} is not a formula: check one line at a time")
        rows, row = [], [self.expr()]
        while not self.at(r"\end"):
            if self.at("&"):
                self.next()
                row.append(self.expr())
            elif self.at(r"\\"):
                self.next()
                rows.append(row)
                row = [self.expr()]
            else:
                raise InputError(unexpected(self.peek()) if self.peek() else "unclosed matrix")
        rows.append(row)
        self.end(name)
        if len({len(r) for r in rows}) != 1:
            raise InputError("the rows of the matrix have different lengths")
        if any(A.is_array(e) for r in rows for e in r):
            raise InputError("a matrix of blocks is not supported: write its entries")
        return A.MatrixLiteral(len(rows), len(rows[0]), *[e for r in rows for e in r])

    def cases(self):
        """`\\begin{cases} z & z > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`: a piecewise function."""
        pieces = []
        while not self.at(r"\end"):
            value = self.expr()
            self.expect("&")
            if self.peek() is not None and self.peek().kind == "text":
                words = self.next().text.lower().replace(",", " ").split()
                if words and words[0] in ("otherwise", "else", "elsewhere"):
                    condition = sp.true
                elif self.at(r"\\", r"\end"):
                    raise InputError(f"cannot read the condition '{' '.join(words)}'")
                else:
                    condition = self.condition()
            else:
                condition = self.condition()
            pieces.append((value, condition))
            if self.at(r"\\"):
                self.next()
        self.end("cases")
        if not pieces:
            raise InputError("an empty cases environment")
        return sp.Piecewise(*pieces)

    def end(self, name: str) -> None:
        found = self._environment_name(r"\end")
        if found != name:
            raise InputError(f"\\begin{{{name}}} ends with \\end{{{found}}}")

    def blackboard(self):
        """`\\mathbb{1}(x > 0)`, `\\mathbb{1}_{x > 0}`, `\\mathbb{I}\\{...\\}`: an indicator."""
        self.next()
        self.expect("{")
        what = self.next().text
        self.expect("}")
        if what not in ("1", "I"):
            raise InputError(f"\\mathbb{{{what}}} is a set, not a number: a claim about "
                             "membership is not an identity")
        if self.at("_"):
            self.next()
            condition = self.braced_condition("{", "}")
        elif self.at("("):
            condition = self.braced_condition("(", ")")
        elif self.at(r"\{"):
            condition = self.braced_condition(r"\{", r"\}")
        else:
            raise InputError("an indicator needs its condition: \\mathbb{1}(x > 0)")
        return sp.Piecewise((1, condition), (0, True))

    def braced_condition(self, open_: str, close: str):
        self.expect(open_)
        condition = self.condition()
        self.expect(close)
        return condition

    def condition(self):
        """`x > 0`, `0 < x < 1`, `x \\neq 0`, `i = j`: a relation (chains are conjunctions)."""
        terms = [self.expr()]
        ops = []
        while self.at(*RELATIONS):
            ops.append(self.next().text)
            terms.append(self.expr())
        if not ops:
            raise InputError("expected a condition such as x > 0")
        parts = [RELATIONS[op](left, right) for left, op, right in zip(terms, ops, terms[1:])]
        return sp.And(*parts)

    def _environment_name(self, command: str) -> str:
        """The NAME of `\\begin{NAME}` or `\\end{NAME}`."""
        self.expect(command)
        self.expect("{")
        name = ""
        while not self.at("}"):
            name += self.next().text
        self.next()
        return name
