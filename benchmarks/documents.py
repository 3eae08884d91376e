"""`derive audit` on the document corpus (`tests/corpus/documents`: public documents, every
formula judged by hand): per document, the formulas, the claims the judgements count, how many
equations were checked, the refutations, false alarms (a refutation on a line whose formulas are
judged to hold, ambiguous, or not claims; a derivation's step from a line judged wrong is a finding:
that step is not an equality), mistakes found (a refutation on a line judged wrong),
wall time and peak memory of the audit (a fresh process per document).

    python documents.py [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus.documents import judged, rebuilt, records, step_from_a_wrong_line  # noqa: E402

RUN = """
import json, resource, sys
from derive import api
given = json.loads(sys.stdin.read())
report = api.audit_text(given["text"], "doc", tex=sys.argv[1] == "latex", timeout=float(sys.argv[2]),
                        jobs=2, macros=given["macros"])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"refuted": [f.source.line for f in report.refuted],
                  "checked_lines": sorted({f.source.line for f in report.checked}),
                  "checked": len(report.checked), "equations": len(report.findings),
                  "peak_mb": max(own, kids) / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    print("| document | formulas | claims | claims checked | refuted | false alarms "
          "| mistakes found | time (s) | peak memory (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    totals = [0] * 7
    for record in records():
        fmt = record["source"]["format"]
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-c", RUN, fmt, str(args.timeout)],
                              input=json.dumps({"text": rebuilt(record),
                                                "macros": record.get("macros", "")}),
                              capture_output=True, text=True, cwd=ROOT)
        seconds = time.monotonic() - start
        if done.returncode != 0:
            print(f"| {record['slug']} | failed: {done.stderr.strip().splitlines()[-1]} |")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        verdicts = judged(record)
        refuted = result["refuted"]
        false = [line for line in refuted if "wrong" not in verdicts.get(line, set())
                 and not step_from_a_wrong_line(record, line)]
        found = sorted({line for line in refuted if "wrong" in verdicts.get(line, set())})
        claims = [f for f in record["formulas"] if f["kind"] == "claim"]
        checked = sum(f["line"] in set(result["checked_lines"]) for f in claims)
        row = [len(record["formulas"]), len(claims), checked, len(refuted), len(false),
               len(found)]
        totals = [t + v for t, v in zip(totals, row + [seconds])]
        print(f"| `{record['slug']}` | " + " | ".join(map(str, row)) +
              f" | {seconds:.1f} | {result['peak_mb']:.0f} |"
              + (f" false alarms at lines {false}" if false else ""))
    print("| **total** | " + " | ".join(str(t) for t in totals[:6]) + f" | {totals[6]:.1f} | |")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
