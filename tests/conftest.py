"""Fixtures shared by the whole suite: the expensive results are made once per run."""

import pytest


@pytest.fixture(scope="session")
def tutorial_report():
    """The tutorial's audit, as `derive audit` and `derivations/` make it."""
    from derive import api
    return api.audit_tutorial(timeout=api.TUTORIAL_AUDIT_TIMEOUT, jobs=2)


@pytest.fixture(scope="session")
def exported(tutorial_report):
    """Every document of derivations/, built afresh."""
    from derive import api
    return api.export_documents(report=tutorial_report)
