"""Terminal output, rendered to a rich Console writing to a StringIO: text from a user's file is
shown as written, never read as markup."""

import io

import sympy as sp
from rich.console import Console

from derive.audit.records import Finding, Report, Source
from derive.engine.verdict import Status, Verdict
from derive.render import RenderOptions, render
from derive.results import Checked, CheckRun, Unreadable

HOSTILE = "[/] [bold]x[/bold] [link=file:///etc/passwd]y[/link] [red"


def shown(record, **options) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, no_color=True).print(render(record, "text",
                                                                RenderOptions(**options)))
    return buffer.getvalue()


def test_claims_and_reasons_are_shown_as_written():
    x = sp.Symbol("x", real=True)
    run = CheckRun((Unreadable(1, HOSTILE, f"cannot read {HOSTILE}"),
                    Checked(2, f"x = x {HOSTILE}", Verdict(Status.PROVED, x, x, method="identical"))))
    out = shown(run)
    assert out.count(HOSTILE) == 3 and "INVALID" in out and "PROVED" in out


def test_a_single_verdict_shows_its_claim_as_written():
    x = sp.Symbol("x", real=True)
    out = shown(CheckRun((Checked(1, HOSTILE, Verdict(Status.PROVED, x, x, method="m")),)))
    assert HOSTILE in out and "PROVED" in out


def test_audit_report_shows_document_text_as_written():
    report = Report("notes [/]", (Finding(Source("L1", 1, "[bold]", HOSTILE), skipped=HOSTILE),))
    out = shown(report, verbose=True)
    assert out.count(HOSTILE) == 2 and "notes [/]" in out and "[bold]" in out
    assert HOSTILE not in shown(report)  # skipped equations only with verbose
