"""`derive audit`: the whole tutorial (goals: median < 3 s, peak memory < 300 MB), and a Markdown
file of 500 generated equations with --jobs 1 and --jobs 2. Run by hand: `make bench`."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from common import DERIVE, median_run, row


def generated_notes(n: int = 500, seed: int = 0) -> str:
    """n equations of the kinds notes contain: derivatives (some wrong), identities, chains."""
    rng = random.Random(seed)
    functions = [r"\sin", r"\cos", r"\tanh", r"\exp", r"\ln"]
    lines = ["# Generated notes", ""]
    for k in range(n):
        p = rng.randint(2, 9)
        kind = k % 5
        if kind == 0:
            right = f"{p}x^{{{p - 1}}}" if rng.random() < 0.8 else f"{p - 1}x^{{{p - 1}}}"
            lines.append(f"$$\\frac{{d}}{{dx}} x^{{{p}}} = {right}$$")
        elif kind == 1:
            f = rng.choice(functions)
            derivative = {r"\sin": rf"{p}\cos({p}x)", r"\cos": rf"-{p}\sin({p}x)",
                          r"\tanh": rf"{p}(1 - \tanh^2({p}x))", r"\exp": rf"{p}\exp({p}x)",
                          r"\ln": r"\frac{1}{x}"}[f]
            lines.append(f"$$\\frac{{d}}{{dx}} {f}({p}x) = {derivative}$$")
        elif kind == 2:
            lines.append(f"$\\sigma(-z) = 1 - \\sigma(z)$ and $(x + {p})^2 = x^2 + {2 * p}x + "
                         f"{p * p if rng.random() < 0.9 else p}$")
        elif kind == 3:
            lines.append(f"$$\\begin{{aligned}} g(x) &= x^{p} \\sin x \\\\ g'(x) &= {p}x^{{{p - 1}}}"
                         f" \\sin x + x^{p} \\cos x \\end{{aligned}}$$")
        else:
            lines.append("$\\tanh(z) = 2\\sigma(2z) - 1 = \\frac{e^z - e^{-z}}{e^z + e^{-z}}$")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    print(row("command", "median s", "peak RSS MB", "goal"))
    print(row("---", "---", "---", "---"))
    t, mem, code = median_run(DERIVE + ["audit"], 5)
    print(row("`derive audit` (the tutorial, 51 claims)", f"{t:.2f}", f"{mem:.0f}",
              "< 3 s, < 300 MB"))
    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder) / "notes.md"
        notes.write_text(generated_notes())
        for jobs in (1, 2):
            t, mem, code = median_run(DERIVE + ["audit", str(notes), "--jobs", str(jobs),
                                                "--format", "json"], 3)
            print(row(f"`derive audit notes.md --jobs {jobs}` (500 equations)", f"{t:.2f}",
                      f"{mem:.0f}", ""))


if __name__ == "__main__":
    main()
