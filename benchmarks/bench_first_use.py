"""What a user waits for the first time (an empty cache of derived results), in CPU seconds of the
process and its workers, median of the runs: a user activation's record, whose forms in terms of
its output are looked for and checked, and refuted claims about unknown functions, each with its
diagnosis. With `--against REV` the same commands run by that earlier version, each run of one
version followed by a run of the other. Run by hand: `python bench_first_use.py --against REV`."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench_speed import FLOOR, alternately, cold_cpu, earlier_version
from common import DERIVE, ROOT, row

# rules about unknown functions with a slip each: the outer derivative, a sign, a factor, a term
SLIPS = [
    "diff(f(g(x)), x) = f(g(x))*diff(g(x), x)",
    "diff(f(x)*g(x), x) = f(x)*diff(g(x), x) - g(x)*diff(f(x), x)",
    "diff(f(x)/g(x), x) = (diff(f(x), x)*g(x) + f(x)*diff(g(x), x))/g(x)**2",
    "diff(exp(f(x)), x) = exp(f(x))",
    "diff(f(x)**3, x) = 3*f(x)**2",
    "diff(sin(f(x))**2, x) = cos(2*f(x))*diff(f(x), x)",
    "diff(x**2*f(x), x) = 2*x*f(x)",
    "diff(log(f(x)), x) = 1/f(x)",
    "limit((f(x + h)*g(x + h) - f(x)*g(x))/h, h, 0) = diff(f(x), x)*diff(g(x), x)",
    "diff(f(x) + x**2, x) = diff(f(x), x) + 2*x + 3",
]


def commands(folder: Path) -> list[tuple[str, list[str]]]:
    slips = folder / "slips.txt"
    slips.write_text("\n".join(SLIPS) + "\n")
    return [
        ("floor: start Python, import SymPy, check one derivative", FLOOR),
        ("`derive backprop --activation 'z/(1 + Abs(z))' --layers none` (softsign)",
         DERIVE + ["backprop", "--activation", "z/(1 + Abs(z))", "--layers", "none",
                   "--format", "json"]),
        ("`derive backprop --activation 'z/(1 + exp(-z))' --layers none` (swish)",
         DERIVE + ["backprop", "--activation", "z/(1 + exp(-z))", "--layers", "none",
                   "--format", "json"]),
        (f"`derive check --file`, {len(SLIPS)} slips in rules about unknown functions",
         DERIVE + ["check", "--file", str(slips), "--jobs", "1", "--format", "json"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", metavar="REV", help="an earlier commit to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        before = earlier_version(args.against, folder) if args.against else None
        header = ["command", "CPU s cold"] + (
            [f"CPU s at {args.against}", "now / before"] if before else [])
        print(row(*header))
        print(row(*["---"] * len(header)))
        for label, argv in commands(folder):
            if before:
                now, then = alternately(argv, env, before, args.repeat)
                print(row(label, f"{now:.2f}", f"{then:.2f}", f"{now / then:.2f}"))
            else:
                now = statistics.median(cold_cpu(argv, env, ROOT)[0] for _ in range(args.repeat))
                print(row(label, f"{now:.2f}"))


if __name__ == "__main__":
    main()
