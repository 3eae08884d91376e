"""Fixtures shared by the whole suite: the expensive results are made once per run.

The records behind derivations/ (with the tutorial's audit), the corpus's audit and the notation
corpus's checks take the longest to make. Each is made afresh in every run, in a process of its
own started as the run begins (`tests/shared.py`), while the other tests run; the tests that use
them come last, and read them.
"""

import os
import subprocess

import pytest

import shared

# each shared result, and the fixtures through which tests use it
USES = {"published": {"published", "tutorial_report", "exported"},
        "corpus": {"corpus_audits"}, "notation": {"notation_results"}}


def _needs(item) -> set:
    return {name for name, fixtures in USES.items() if fixtures & set(item.fixturenames)}


def pytest_collection_modifyitems(items):
    """The tests that read a shared result last, so that it is made while the others run
    (the same order in every worker, as pytest-xdist requires)."""
    items.sort(key=lambda item: bool(_needs(item)))


def _root(tmp_path_factory, worker_id):
    """The directory of this run, the same for all of its workers."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if worker_id != "master" else root


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_run(request, tmp_path_factory, worker_id):
    """Derived results are cached in a directory of this run (shared by its workers), never in
    the user's: every run derives afresh, and a test sees no result of another version. The
    shared results the selected tests need are started here."""
    root = _root(tmp_path_factory, worker_id)
    shared.load_what_workers_load()
    os.environ["DERIVE_CACHE_DIR"] = str(root / "derive-cache")
    os.environ.pop("DERIVE_NO_CACHE", None)
    needed = set().union(*map(_needs, request.session.items))
    makers = shared.start(root, sorted(needed))
    yield
    for maker in makers:   # another worker may still read what it makes
        try:
            maker.wait(timeout=shared.WAIT)
        except subprocess.TimeoutExpired:
            maker.kill()
            maker.wait()


@pytest.fixture(autouse=True)
def no_callback_inside_the_garbage_collector():
    """Hypothesis times the garbage collector with a gc callback; a soft time limit firing inside
    it is swallowed as an unraisable exception, and firing again while pytest reports that one
    fails the test. The timing is only Hypothesis's bookkeeping: the callback is removed."""
    import gc
    gc.callbacks[:] = [c for c in gc.callbacks if getattr(c, "__name__", "") != "gc_callback"]
    yield


@pytest.fixture(scope="session")
def published(tmp_path_factory, worker_id):
    """The records behind derivations/, made afresh (the tutorial's audit among them)."""
    return shared.result(_root(tmp_path_factory, worker_id), "published")


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
    """The audit of every document of the corpus (`tests/corpus/documents`), by slug."""
    return shared.result(_root(tmp_path_factory, worker_id), "corpus")


@pytest.fixture(scope="session")
def notation_results(tmp_path_factory, worker_id):
    """Every identity of the notation corpus checked, by id."""
    return shared.result(_root(tmp_path_factory, worker_id), "notation")
