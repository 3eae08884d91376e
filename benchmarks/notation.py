"""How much of the notation corpus (`tests/corpus/notation`, formulas from public notes judged by
hand) `derive check --latex` reads, and whether its verdicts agree with the judgements.

    python notation.py [--timeout SECONDS] [--show]

Each formula is checked with the definitions its record gives (`where`, the document's context),
as `derive check --latex FORMULA --where ...` would. Per kind of formula: how many are read (not
refused), and of the claims read, how many verdicts agree with the corpus (holds / does not
hold), disagree (the worst case: a false claim accepted or a true one refuted), or are
UNDECIDED, and how many of the formulas judged wrong it refutes. Records that state no identity
(definitions, conditions, update rules, approximations written with '=') count as read or refused
only. `--show` lists every disagreement and the reasons for refusals.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive import api  # noqa: E402
from derive.engine.verdict import Status  # noqa: E402
from derive.results import Checked, Numbered  # noqa: E402
from derive.text import InputError  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "notation" / "formulas.jsonl"
# kinds that state an identity; an approximation written with '=' or a definition states none
IDENTITIES = {"scalar-identity", "derivative", "index-level", "vector"}


def outcome(row: dict, timeout: float):
    """The result of checking one record: a Checked, or the InputError's message."""
    text = " ".join(row["latex"].split())
    try:
        run = api.check([Numbered(1, text)], latex=True, timeout=timeout,
                        where=row.get("where") or ())
    except InputError as err:
        return str(err)
    return run.results[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    counts: dict[str, Counter] = {}
    shown = []
    start = time.perf_counter()
    for row in rows:
        result = outcome(row, args.timeout)
        c = counts.setdefault(row["checkable"], Counter())
        c["formulas"] += 1
        if not isinstance(result, Checked):
            shown.append(f"refused {row['id']}: {result}")
            continue
        c["read"] += 1
        if row["holds"] is None or row["kind"] not in IDENTITIES:
            continue
        status = result.verdict.status
        if status is Status.UNDECIDED:
            c["undecided"] += 1
            shown.append(f"undecided {row['id']}: {result.verdict.note}")
        elif status.holds == row["holds"]:
            c["agree"] += 1
            c["caught"] += not row["holds"]
        else:
            c["DISAGREE"] += 1
            shown.append(f"DISAGREE {row['id']} ({status.value}, corpus says "
                         f"{'holds' if row['holds'] else 'wrong'}): {row['latex'][:70]}")
    seconds = time.perf_counter() - start
    print("| checkable as | formulas | read | verdicts agree | of which mistakes caught | disagree "
          "| undecided |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    total = Counter()
    for kind, c in sorted(counts.items()):
        total.update(c)
        print(f"| {kind} | {c['formulas']} | {c['read']} | {c['agree']} | {c['caught']} | "
              f"{c['DISAGREE']} | {c['undecided']} |")
    print(f"| all | {total['formulas']} | {total['read']} | {total['agree']} | {total['caught']} | "
          f"{total['DISAGREE']} | {total['undecided']} |")
    print(f"\n{seconds / len(rows):.2f} s per formula ({seconds:.0f} s for {len(rows)})")
    if args.show:
        print("\n".join(shown))


if __name__ == "__main__":
    main()
