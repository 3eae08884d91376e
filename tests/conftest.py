"""Fixtures shared by the whole suite: the expensive results are made once per run.

The records behind derivations/ (with the tutorial's audit) take the longest to make. Under
pytest-xdist each worker is its own process, so the first worker to need them makes them and the
others read its pickle (a lock file orders them); the records are still made afresh in every run.
"""

import fcntl
import os
import pickle

import pytest

from derive.engine.isolation import dumps


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_run(tmp_path_factory, worker_id):
    """Derived results are cached in a directory of this run (shared by its workers), never in
    the user's: every run derives afresh, and a test sees no result of another version."""
    root = tmp_path_factory.getbasetemp()
    root = root.parent if worker_id != "master" else root
    os.environ["DERIVE_CACHE_DIR"] = str(root / "derive-cache")
    os.environ.pop("DERIVE_NO_CACHE", None)
    yield


@pytest.fixture(autouse=True)
def no_callback_inside_the_garbage_collector():
    """Hypothesis times the garbage collector with a gc callback; a soft time limit firing inside
    it is swallowed as an unraisable exception, and firing again while pytest reports that one
    fails the test. The timing is only Hypothesis's bookkeeping: the callback is removed."""
    import gc
    gc.callbacks[:] = [c for c in gc.callbacks if getattr(c, "__name__", "") != "gc_callback"]
    yield


def _shared(tmp_path_factory, worker_id: str, name: str, make):
    """`make()` once per run: in the first worker that asks, the others read its pickle."""
    if worker_id == "master":
        return make()
    root = tmp_path_factory.getbasetemp().parent   # the same directory for every worker
    path = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                return pickle.loads(path.read_bytes())
            value = make()
            path.write_bytes(dumps(value))   # SymPy's unevaluated forms kept
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def published(tmp_path_factory, worker_id):
    """The records behind derivations/, made afresh (the tutorial's audit among them); in one
    worker, as the suite's other runner has the second core."""
    from derive import api
    return _shared(tmp_path_factory, worker_id, "published", lambda: api.publish(jobs=1))


@pytest.fixture(scope="session")
def tutorial_report(published):
    """The tutorial's audit, as `derive audit` and `derivations/` make it."""
    return published.report


@pytest.fixture(scope="session")
def exported(published):
    """Every document of derivations/, as `make derivations` writes them."""
    from derive import api
    return api.export_documents(published)


@pytest.fixture(scope="session")
def corpus_audits(tmp_path_factory, worker_id):
    """The audit of every document of the corpus (`tests/corpus/documents`), by slug: made once
    per run (the corpus test's cases run on both workers), in one worker."""
    from derive import api
    from tests.corpus.documents import document, records

    def audit():
        found = records()
        reports = api.audit_texts([document(r) for r in found], timeout=5, jobs=1)
        return {r["slug"]: report for r, report in zip(found, reports)}
    return _shared(tmp_path_factory, worker_id, "corpus", audit)


@pytest.fixture(scope="session")
def notation_results(tmp_path_factory, worker_id):
    """Every identity of the notation corpus checked, by id: made once per run."""
    from derive import api
    from derive.results import Numbered
    from tests.corpus.test_notation_corpus import CLAIMS

    def check():
        claims = [Numbered(n, " ".join(r["latex"].split()), tuple(r["where"] or ()))
                  for n, r in enumerate(CLAIMS)]
        run = api.check(claims, latex=True, timeout=1.5, jobs=2)
        return {r["id"]: result for r, result in zip(CLAIMS, run.results)}
    return _shared(tmp_path_factory, worker_id, "notation", check)
