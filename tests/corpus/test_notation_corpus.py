"""The notation corpus (`tests/corpus/notation/formulas.jsonl`): formulas from public notes on
backprop and ML calculus, each with its source, the definitions of its document (`where`) and a
verdict judged by hand, with SymPy or numerically, independently of this program.

Every formula is checked as `derive check --latex FORMULA --where ...` would. The test fails on a
wrong verdict (a false formula said to hold, or a true one refuted); a formula the reader refuses
or cannot decide is a weakness, counted in `benchmarks/notation.py` and the README, not a failure.
Approximations written with '=' (`f(x + h) = f(x) + h f'(x)`) and records that make no claim
(definitions, update rules) have no identity verdict to agree with.
"""

import json

import pytest

from derive.engine.verdict import Status
from derive.results import Checked
from support import ROOT

RECORDS = [json.loads(line) for line in
           (ROOT / "tests" / "corpus" / "notation" / "formulas.jsonl").read_text().splitlines()
           if line.strip()]
IDENTITIES = {"scalar-identity", "derivative", "index-level", "vector"}


CLAIMS = [r for r in RECORDS if r["holds"] is not None and r["kind"] in IDENTITIES]


@pytest.fixture(scope="module")
def results(notation_results):
    """Every identity of the corpus checked (the other records have no verdict to agree with),
    once per run (tests/conftest.py)."""
    return notation_results


def test_the_corpus_is_what_its_readme_says():
    assert len(RECORDS) >= 200 and len({r["id"] for r in RECORDS}) == len(RECORDS)
    assert len({r["source"]["url"].split("/blob/")[0] for r in RECORDS}) >= 15
    assert sum(r["holds"] is False for r in RECORDS) >= 30   # real and realistic mistakes


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_no_verdict_contradicts_the_judgement(record, results):
    if record["holds"] is None or record["kind"] not in IDENTITIES:
        pytest.skip(f"{record['kind']}: not an identity to agree with")
    result = results[record["id"]]
    if not isinstance(result, Checked):
        pytest.skip(f"not read: {result.reason}")
    status = result.verdict.status
    if status is Status.UNDECIDED:
        pytest.skip(f"undecided: {result.verdict.note}")
    assert status.holds == record["holds"], (
        f"{record['id']}: {status.value} but judged {'true' if record['holds'] else 'false'} "
        f"({record['judgement']}); read as {result.verdict.lhs} = {result.verdict.rhs}")


def test_the_reader_reads_and_decides_a_share_of_the_corpus(results):
    """A floor under the measured coverage (README): a regression in the reader shows here."""
    decided = [r for r in CLAIMS if isinstance(results[r["id"]], Checked)
               and results[r["id"]].verdict.status is not Status.UNDECIDED]
    assert len(decided) >= 70
