"""Where users wait, in CPU seconds (steadier than wall time on a shared machine), one run: each
command cold (an empty cache of derived results) and warm (the cache that first run left), the
median of three, with the start-up and import of SymPy as the floor; with `--against REV`, the
same commands run by that earlier version of derive in the same run, each run of one version
followed by a run of the other, for ratios;
the audit's growth from 100 to 3000 equations; claims true against false. Run by hand: `make
bench` (or `python bench_speed.py --against 10d66bd`)."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench_audit import generated_notes
from common import ROOT, row

sys.path.insert(0, str(ROOT))

FLOOR = [sys.executable, "-c", "import sympy as sp; x = sp.Symbol('x'); "
         "assert sp.diff(x**5, x) - 5*x**4 == 0"]
DERIVE = [sys.executable, "-m", "derive"]     # run in a version's folder: that version's derive
ANTIDERIVATIVES = ROOT / "benchmarks" / "data" / "antiderivatives.txt"


def cpu(argv: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, float]:
    """(CPU seconds of the process and its workers, wall seconds, peak RSS MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd,
                            env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start, usage.ru_maxrss / 1024


def cold_cpu(argv: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, float]:
    """`cpu` of one run with an empty cache of derived results."""
    with tempfile.TemporaryDirectory() as folder:
        return cpu(argv, {**env, "DERIVE_CACHE_DIR": folder}, cwd)


def median(argv: list[str], env: dict, cold: bool = False, repeat: int = 3) -> float:
    """The median CPU seconds; `cold`: each run with an empty cache directory."""
    run = cold_cpu if cold else cpu
    return statistics.median(run(argv, env)[0] for _ in range(repeat))


def mixed_claims(n: int = 100, seed: int = 0) -> list[str]:
    """Derivative claims, half right and half with a slip (a wrong factor or a sign)."""
    rng = random.Random(seed)
    claims = []
    for k in range(n):
        p = rng.randint(2, 9)
        right = k % 2 == 0
        kind = k % 4
        if kind in (0, 1):
            claims.append(f"diff(x**{p}*sin(x), x) = {p}*x**{p - 1}*sin(x) + "
                          f"{'' if right else '-'}x**{p}*cos(x)")
        else:
            claims.append(f"diff(exp({p}*x)/(1 + x**2), x) = exp({p}*x)*({p}*(1 + x**2) - 2*x)"
                          f"/(1 + x**2)**{2 if right else 3}")
    return claims


def in_process(claims: list[str], diagnose: bool) -> tuple[float, float]:
    """Mean CPU seconds of `decide` on the distinct true and false claims, in this process;
    `diagnose`: with the diagnosis and the readable correct side of a refuted claim. (The CPU
    clock ticks every few milliseconds here, about one claim's time: a median of single claims
    would be a count of ticks, while the mean over 50 claims averages the ticks out.)"""
    from derive.engine.verify import decide
    from derive.text import parse_expression
    # each claim once (a process decides a claim again from what it found the first time)
    pairs = [tuple(parse_expression(side) for side in text.split(" = "))
             for text in dict.fromkeys(claims)]
    # SymPy's first-call costs are not the claims': paid on another claim
    decide(*(parse_expression(side) for side in ("diff(x**2, x)", "2*x")))
    true, false = [], []
    for lhs, rhs in pairs:
        start = time.process_time()
        verdict = decide(lhs, rhs, diagnose=diagnose)
        (true if verdict.status.holds else false).append(time.process_time() - start)
    return statistics.mean(true), statistics.mean(false)


def alternately(argv: list[str], env: dict, before: Path, repeat: int) -> tuple[float, float]:
    """The median CPU seconds of `argv` cold, run by this version and by `before` in turn."""
    now, then = [], []
    for _ in range(repeat):
        for times, cwd in ((now, ROOT), (then, before)):
            times.append(cold_cpu(argv, env, cwd)[0])
    return statistics.median(now), statistics.median(then)


def earlier_version(rev: str, folder: Path) -> Path:
    """The source tree of commit `rev`, unpacked into `folder` (run with this Python)."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True,
                             capture_output=True).stdout
    target = folder / rev
    target.mkdir()
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(target, filter="data")
    # its bytecode, as an install has (and as `make` writes for this checkout)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(target / "derive")], check=True)
    return target


def commands(folder: Path) -> list[tuple[str, list[str], bool]]:
    """(label, argv, whether a warm cache applies) for each row; the inputs written to `folder`."""
    claims = folder / "claims.txt"
    claims.write_text("\n".join(mixed_claims()) + "\n")
    repeated = folder / "repeated.txt"
    repeated.write_text("\n".join(mixed_claims(20) * 5) + "\n")
    notes = folder / "notes.md"
    notes.write_text(generated_notes(1000))
    rows = [
        ("floor: start Python, import SymPy, check one derivative", FLOOR, False),
        ("`derive check` one claim", DERIVE + ["check", "diff(x**5, x) = 5*x**4"], True),
        ("`check --file`, 100 claims (50 false)", DERIVE + ["check", "--file", str(claims),
                                                            "--jobs", "2"], True),
        ("`check --file`, 100 claims (20 distinct, each 5 times)",
         DERIVE + ["check", "--file", str(repeated), "--jobs", "2"], True),
    ]
    if ANTIDERIVATIVES.exists():
        rows.append(("`check --file`, 100 antiderivatives differentiated back",
                     DERIVE + ["check", "--file", str(ANTIDERIVATIVES), "--jobs", "2"], True))
    return rows + [
        ("`derive backprop --activation sigmoid`", DERIVE + ["backprop", "--format", "json"],
         True),
        ("`derive mlp` (XOR, 1000 epochs, cross-check)", DERIVE + ["mlp"], True),
        ("`derive audit` (the tutorial)", DERIVE + ["audit"], True),
        ("`derive audit notes.md`, 1000 equations (many repeated)",
         DERIVE + ["audit", str(notes), "--jobs", "2", "--format", "json"], True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", metavar="REV", help="an earlier commit to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-process", choices=("plain", "diagnosed"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        _print_in_process(args.in_process)
        return
    env = {**os.environ}
    with tempfile.TemporaryDirectory() as warm_folder, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        warm = {**env, "DERIVE_CACHE_DIR": warm_folder}
        before = earlier_version(args.against, folder) if args.against else None
        header = ["command", "CPU s cold", "CPU s warm", "warm / floor"]
        if before:
            header += [f"CPU s at {args.against}", "cold / before", "warm / before"]
        print(row(*header))
        print(row(*["---"] * len(header)))
        floor = None
        for label, argv, cached in commands(folder):
            if before:   # one run of each version after the other: the machine's drift is shared
                cold_s, then = alternately(argv, env, before, args.repeat)
            else:
                cold_s = median(argv, env, cold=True, repeat=args.repeat)
            if cached:
                cpu(argv, warm)   # fill the cache
                warm_s = median(argv, warm, repeat=args.repeat)
            else:
                warm_s = cold_s
            floor = floor or cold_s
            cells = [label, f"{cold_s:.2f}", f"{warm_s:.2f}" if cached else "",
                     f"{warm_s / floor:.2f}"]
            if before:
                cells += [f"{then:.2f}", f"{cold_s / then:.2f}", f"{warm_s / then:.2f}"]
            print(row(*cells))
        print()
        scaling(folder, env, before, args.against)
        print()
        header = ["decide in process, 100 mixed derivative claims (mean CPU s)", "true claims",
                  "false claims", "false / true"]
        if before:
            header += [f"true at {args.against}", f"false at {args.against}", "false / true"]
        print(row(*header))
        print(row(*["---"] * len(header)))
        now, then = means_in_process(ROOT), means_in_process(before) if before else None
        for label, mode in (("the verdict and its counterexample", "plain"),
                            ("with the diagnosis and the correct side", "diagnosed")):
            cells = [label] + _ratio_cells(*now[mode])
            if then:
                cells += _ratio_cells(*then[mode])
            print(row(*cells))


def _ratio_cells(true_s: float, false_s: float) -> list[str]:
    return [f"{true_s:.4f}", f"{false_s:.4f}", f"{false_s / true_s:.1f}"]


def means_in_process(version: Path) -> dict:
    """`in_process` for the plain and the diagnosed verdicts, each in a fresh process (a second
    pass in one process would find SymPy's caches full of the first pass's claims), run by the
    derive of `version` (a source tree)."""
    means = {}
    for mode in ("plain", "diagnosed"):
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--in-process",
                               mode], cwd=version, capture_output=True, text=True, check=True)
        means[mode] = json.loads(done.stdout)
    return means


def _print_in_process(mode: str) -> None:
    sys.path.insert(0, os.getcwd())   # the version whose folder this runs in
    print(json.dumps(in_process(mixed_claims(), mode == "diagnosed")))


def scaling(folder: Path, env: dict, before: Path | None, rev: str | None) -> None:
    """The audit of generated notes of 100 to 3000 equations, cold, once each."""
    header = ["equations", "CPU s", "ms per equation", "wall s", "peak RSS MB"]
    if before:
        header += [f"CPU s at {rev}", "now / before"]
    print(row(*header))
    print(row(*["---"] * len(header)))
    for n in (100, 300, 1000, 3000):
        notes = folder / f"notes-{n}.md"
        notes.write_text(generated_notes(n))
        argv = DERIVE + ["audit", str(notes), "--jobs", "2", "--format", "json"]
        seconds, wall, peak = cold_cpu(argv, env)
        cells = [n, f"{seconds:.2f}", f"{1000 * seconds / n:.1f}", f"{wall:.2f}", f"{peak:.0f}"]
        if before:   # cold too: the user's cache may hold that version's verdicts of these notes
            then = cold_cpu(argv, env, before)[0]
            cells += [f"{then:.2f}", f"{seconds / then:.2f}"]
        print(row(*cells))


if __name__ == "__main__":
    main()
