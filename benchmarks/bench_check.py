"""Speed and memory of `derive check` (run by hand: `make bench`; results go in the README).

Measures, on this machine, in one run:
  * `derive --help`                       goal < 0.2 s
  * one `derive check` of a simple claim  goal < 0.6 s (SymPy import is ~0.3 s of it)
  * `derive check --file` over the 44-claim test table, per claim   goal < 0.2 s
  * the sandbox: in-process decide() vs forked verify() on the same claim (the fork overhead)
  * hostile input: time to refuse `10**10**10`, `1e100000000`, `factorial(10**8)`
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import DERIVE, ROOT, median_run, row

sys.path.insert(0, str(ROOT))


def claims_table() -> list[str]:
    spec = importlib.util.spec_from_file_location("table", ROOT / "tests" / "engine" / "test_verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [claim for claim, _, _ in module.CLAIMS]


def main() -> None:
    print(row("measurement", "median s", "peak RSS MB", "goal"))
    print(row("---", "---", "---", "---"))
    t, mem, _ = median_run(DERIVE + ["--help"], 9)
    print(row("`derive --help`", f"{t:.3f}", f"{mem:.0f}", "< 0.2 s"))
    t, mem, _ = median_run(DERIVE + ["check", "diff(x**5, x) = 5*x**4"], 7)
    print(row("`derive check \"diff(x**5, x) = 5*x**4\"`", f"{t:.3f}", f"{mem:.0f}", "< 0.6 s"))
    t, mem, _ = median_run([sys.executable, "-c", "import sympy as s; x = s.Symbol('x'); "
                            "assert s.diff(x**5, x) - 5*x**4 == 0"], 7)
    print(row("floor: import SymPy, check bare", f"{t:.3f}", f"{mem:.0f}", ""))
    claims = claims_table()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(claims) + "\n")
    for jobs in (1, 2):
        # decided each time, never read back from the cache of verdicts
        t, mem, _ = median_run(DERIVE + ["--no-cache", "check", "--file", handle.name, "--jobs",
                                         str(jobs), "--format", "json"], 3)
        print(row(f"`derive check --file` {len(claims)} claims, --jobs {jobs}",
                  f"{t:.2f} ({t / len(claims):.3f}/claim)", f"{mem:.0f}", "< 0.2 s/claim"))
    Path(handle.name).unlink()

    from derive import api
    from derive.engine.verify import decide
    from derive.results import Numbered
    from derive.text import InputError, parse_claim

    def verify(text):
        return api.check([Numbered(1, text)])

    claim = "diff(sigmoid(z), z) = sigmoid(z)*(1 - sigmoid(z))"
    lhs, rhs = parse_claim(claim)
    decide(lhs, rhs)
    os.environ["DERIVE_NO_CACHE"] = "1"   # every call decides in a worker, none reads it back
    inproc, forked = [], []
    for _ in range(30):
        start = time.perf_counter()
        decide(lhs, rhs)
        inproc.append(time.perf_counter() - start)
        start = time.perf_counter()
        verify(claim)
        forked.append(time.perf_counter() - start)
    a, b = statistics.median(inproc), statistics.median(forked)
    del os.environ["DERIVE_NO_CACHE"]
    print(row("isolation overhead: decide() in process vs api.check() in the pool's warm worker",
              f"{a * 1000:.1f} ms vs {b * 1000:.1f} ms (+{(b - a) * 1000:.1f} ms)", "", ""))
    for hostile in ("10**10**10 = 1", "1e100000000 = 1", "factorial(10**8) = 1"):
        times = []
        for _ in range(50):
            start = time.perf_counter()
            try:
                parse_claim(hostile)
            except InputError:
                pass
            times.append(time.perf_counter() - start)
        print(row(f"refuse `{hostile}`", f"{statistics.median(times) * 1000:.2f} ms", "", "ms"))


if __name__ == "__main__":
    main()
