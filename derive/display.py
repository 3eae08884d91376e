"""Records that show themselves: in Jupyter as typeset mathematics, in a rich console as text.

The records `derive.api` returns inherit `Displayed` (or `RichDisplayed`, for a record with no
mathematics to typeset). The methods load `derive.render` only when a record is shown, so no
record module imports a renderer when it is imported, and nothing here imports a record.
"""

from __future__ import annotations


class RichDisplayed:
    """`__rich__` (a rich console, `rich.print`) and IPython's plain text (`_repr_pretty_`)."""

    __slots__ = ()

    def __rich__(self):
        from derive.render import display
        return display(self, "rich")

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """What IPython shows as text: the rich text, plain, instead of the record's fields."""
        from derive.render import display
        printer.text(type(self).__name__ + "(...)" if cycle else display(self, "plain"))


class Displayed(RichDisplayed):
    """A record with mathematics: also `_repr_latex_`, which Jupyter typesets with MathJax."""

    __slots__ = ()

    def _repr_latex_(self) -> str | None:
        """`$$` blocks (titles and words in `\\text{}`, each derivation an `aligned` block) that
        MathJax and KaTeX typeset; no pdflatex document markup. None when there is nothing."""
        from derive.render import display
        return display(self, "latex")
