"""How much of the notation corpus (`tests/corpus/notation`, formulas from public notes judged by
hand) `derive check --latex` reads, and whether its verdicts agree with the judgements.

    python notation.py

Per kind of formula: how many are read (not refused), and of the claims read, how many verdicts
agree with the corpus (holds / does not hold), disagree (the worst case: a false claim accepted or
a true one refuted), or are UNDECIDED. Formulas the corpus marks as not claims (definitions,
conditions, update rules) are counted as read or refused only.
"""

from __future__ import annotations

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

CORPUS = ROOT / "tests" / "corpus" / "notation" / "formulas.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    claims = [Numbered(k, " ".join(r["latex"].split())) for k, r in enumerate(rows, 1)]
    start = time.perf_counter()
    run = api.check(claims, latex=True, timeout=5, jobs=2)
    seconds = time.perf_counter() - start
    counts: dict[str, Counter] = {}
    for row, result in zip(rows, run.results):
        c = counts.setdefault(row["kind"], Counter())
        c["formulas"] += 1
        if not isinstance(result, Checked):
            continue
        c["read"] += 1
        if row["holds"] is None:
            continue
        status = result.verdict.status
        if status is Status.UNDECIDED:
            c["undecided"] += 1
        elif status.holds == row["holds"]:
            c["agree"] += 1
        else:
            c["DISAGREE"] += 1
    print("| kind | formulas | read | verdicts agree | disagree | undecided |")
    print("| --- | --- | --- | --- | --- | --- |")
    total = Counter()
    for kind, c in sorted(counts.items()):
        total.update(c)
        print(f"| {kind} | {c['formulas']} | {c['read']} | {c['agree']} | {c['DISAGREE']} | "
              f"{c['undecided']} |")
    print(f"| all | {total['formulas']} | {total['read']} | {total['agree']} | "
          f"{total['DISAGREE']} | {total['undecided']} |")
    print(f"\n{seconds / len(rows):.3f} s per formula ({seconds:.1f} s for {len(rows)}, 2 jobs)")


if __name__ == "__main__":
    main()
