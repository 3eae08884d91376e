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


