"""A condition on a formula's indices stated in the words after it: `... = -a_j a_i, where
$j \\neq i$`. The formula says nothing where the condition fails, so it is checked only at the
index values where it holds (`text.context.Context.index_conditions`)."""

from __future__ import annotations

import re

from derive.text.context import CASE, IndexCondition, index_condition

MATH = r"(?:\$|\\\\?\()"        # $...$, \(...\) or Markdown's escaped \\(...\\)
END = r"(?:\$|\\\\?\))"
AFTER = re.compile(r"^\s*[,.;:]?\s*\(?\s*(?:where|for|if|when|whenever|provided(?: that)?)\s+"
                   + MATH + r"\s*" + CASE + r"\s*" + END)


def condition_after(after: str) -> IndexCondition | None:
    """The index condition the words right after a formula state, if any."""
    m = AFTER.match(after)
    return index_condition(m) if m is not None else None
