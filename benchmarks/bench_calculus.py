"""Wall time of `derive diff` on the tutorial's examples and `derive extrema` on the issue's cases,
start-up included (goal for diff: < 1 s each). Run by hand: `make bench`."""

from __future__ import annotations

from common import DERIVE, median_run, row

DIFF = [["x**5"], ["(x**4 + 2)*cos(x)"], ["x**4*y", "--wrt", "x"], ["x**4*y", "--wrt", "y"],
        ["sigmoid(z)"], ["sin(x**2)", "--order", "2"]]
GRADIENT = [["2*x**2 + 4*y"]]
EXTREMA = [["x**3 - 3*x"], ["x**4"], ["x**3"], ["x**2 - y**2"], ["x**3 + y**3 - 3*x*y"],
           ["x**4 + y**4"], ["x**2 + y**2 + z**2 - x*y"]]


def main() -> None:
    print(row("command", "median s", "peak RSS MB"))
    print(row("---", "---", "---"))
    for command, cases in (("diff", DIFF), ("gradient", GRADIENT), ("extrema", EXTREMA)):
        for case in cases:
            t, mem, code = median_run(DERIVE + [command, *case], 5)
            assert code == 0, (command, case, code)
            print(row(f"`derive {command} {' '.join(case)}`", f"{t:.2f}", f"{mem:.0f}"))
    for name in ("power", "product", "chain", "examples"):
        t, mem, code = median_run(DERIVE + ["rule", name], 3)
        print(row(f"`derive rule {name}`", f"{t:.2f}", f"{mem:.0f}"))


if __name__ == "__main__":
    main()
