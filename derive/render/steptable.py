"""A derivation's steps on the terminal: the equations in one column, the rules in the next, the
marks in a third, sized to the console so that a long equation wraps in its own column."""

from __future__ import annotations

from dataclasses import dataclass

INDENT = 2          # the table under its title
GAP = 2             # between columns
EQUALS = "  = "     # before a step's right side; its wrapped lines stay under the right side
RULE_SHARE = 0.4    # of a console too narrow for the table, the most the rules may take
MIN_RULE = 16       # the narrowest the rules' column gets


@dataclass(frozen=True)
class StepRow:
    """One line of a derivation: a left side on its own (`equals` False), or `= rhs` with the
    rule that justifies it and the check's mark (text and rich style)."""

    formula: str
    equals: bool = True
    rule: str = ""
    mark: str = ""
    mark_style: str = ""


@dataclass(frozen=True)
class StepTable:
    """A rich renderable: the rows as a borderless table whose lines end without padding."""

    rows: tuple

    def natural_width(self) -> int:
        from rich.cells import cell_len
        if not self.rows:
            return INDENT
        return INDENT + 2 * GAP + sum(max(cell_len(part(r)) for r in self.rows) for part in (
            lambda r: (EQUALS if r.equals else "") + r.formula, lambda r: r.rule,
            lambda r: r.mark))

    def table(self, width: int):
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        from rich.cells import cell_len

        narrow = self.natural_width() > width
        equations = max((cell_len((EQUALS if r.equals else "") + r.formula) for r in self.rows),
                        default=0)
        marks = max((cell_len(r.mark) for r in self.rows), default=0)
        room = width - INDENT - equations - 2 * GAP - marks   # for the rules, equations whole
        table = Table(box=None, show_header=False, expand=False, padding=(0, 0, 0, GAP),
                      pad_edge=False)
        if narrow and room >= MIN_RULE:   # the rules wrap; every equation stays on one line
            table.add_column("equation", no_wrap=True, min_width=equations)
            table.add_column("rule", style="cyan", overflow="fold", max_width=room)
        else:
            table.add_column("equation", overflow="fold")
            table.add_column("rule", style="cyan", overflow="fold",
                             max_width=max(MIN_RULE, int(width * RULE_SHARE)) if narrow else None)
        table.add_column("mark", no_wrap=True)
        for row in self.rows:
            if not row.equals:
                table.add_row(Text(row.formula), None, None)
                continue
            if room >= MIN_RULE:   # on one line: no need to hang its wrapped lines
                equation = Text(EQUALS + row.formula, no_wrap=True)
            else:
                equation = Table.grid()
                equation.add_column(no_wrap=True)
                equation.add_column(overflow="fold")
                equation.add_row(EQUALS, Text(row.formula))
            table.add_row(equation, Text(row.rule), Text(row.mark, style=row.mark_style))
        return Padding(table, (0, 0, 0, INDENT))

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        for line in console.render_lines(self.table(options.max_width), options, pad=False):
            yield from _trimmed(line)
            yield Segment.line()


def _trimmed(line: list) -> list:
    """The segments of a line without the spaces that pad it to the table's width."""
    from rich.segment import Segment
    line = list(line)
    while line and not line[-1].text.strip():
        line.pop()
    if line:
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return line
