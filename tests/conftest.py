"""Fixtures shared by the whole suite: the expensive results are made once per run."""

import pytest


@pytest.fixture(scope="session")
def tutorial_report():
    """The tutorial's audit, as `derive audit` and `derivations/` make it."""
    from derive import api
    return api.audit_tutorial(timeout=api.TUTORIAL_AUDIT_TIMEOUT, jobs=2)


@pytest.fixture(scope="session")
def published(tutorial_report):
    """The records behind derivations/, made afresh."""
    from derive import api
    return api.publish(report=tutorial_report)


@pytest.fixture(scope="session")
def exported(published):
    """Every document of derivations/, as `make derivations` writes them."""
    from derive import api
    return api.export_documents(published)



def pytest_collection_modifyitems(items):
    """With `pytest -n 2 --dist loadgroup` (make test), the tests that share the documents'
    session fixtures run in one worker, so those fixtures are made once."""
    shared = {"tutorial_report", "published", "exported"}
    for item in items:
        if shared & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("documents"))
