"""Short text whose spans carry a rich style: one verdict of `derive check`.

Printed where colours mean nothing (a pipe, a file), it is its plain text, and `rich` is never
loaded; in a terminal, or inside a larger rich renderable, `__rich__` gives the styled lines.
"""

from __future__ import annotations

from dataclasses import dataclass

Span = tuple[str, str | None]      # text and its rich style (None: the line's own)


@dataclass(frozen=True)
class Styled:
    lines: tuple[tuple[Span, ...], ...]

    def plain(self) -> str:
        return "".join("".join(text for text, _ in line) + "\n" for line in self.lines)

    def __rich__(self):
        from rich.console import Group
        from rich.text import Text

        out = []
        for line in self.lines:
            text = Text()
            for span, style in line:
                text.append(span, style=style)
            out.append(text)
        return Group(*out)
