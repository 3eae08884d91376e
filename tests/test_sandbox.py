"""The killable child: wall-clock limit on work signal.alarm cannot interrupt, memory limit."""

import time

from derive.sandbox import run_many, run_one


def _c_level_spin(report):
    report("started")
    pow(3, 10**10)  # one long C call: SIGALRM handlers never get to run during it


def _allocate(report):
    report("started")
    blocks = [bytearray(256 * 1024**2) for _ in range(64)]  # 16 GiB, beyond the limit
    report(len(blocks))


def _answer(x, report):
    report(x * 2)


def test_hard_timeout_kills_work_stuck_in_c():
    start = time.monotonic()
    outcome = run_one(_c_level_spin, (), timeout=0.5)
    assert outcome.reason == "timeout" and not outcome.final
    assert outcome.value == "started"  # the last report survives the kill
    assert time.monotonic() - start < 5  # a hang guard, not a speed target


def test_memory_limit_stops_a_runaway_child():
    outcome = run_one(_allocate, (), timeout=20, memory=512 * 1024**2)
    assert outcome.reason == "memory"
    assert outcome.value == "started"


def test_results_come_back_for_every_task_in_parallel():
    results = dict(run_many(_answer, [(k,) for k in range(6)], timeout=10, jobs=3))
    assert {k: o.value for k, o in results.items()} == {k: 2 * k for k in range(6)}
    assert all(o.final for o in results.values())


def _fail(report):
    raise ValueError("the reason, on one line")


def test_a_crash_reports_its_exception():
    outcome = run_one(_fail, (), timeout=10)
    assert not outcome.final and outcome.reason == "crash: ValueError: the reason, on one line"


def _nested(report):
    grown = bytearray(64 * 1024**2)  # the child grows, so its child's own limit would exceed its
    inner = run_one(_answer, (21,), timeout=10)
    report((inner.final, inner.value, len(grown) > 0))


def test_a_child_can_run_its_own_children():
    outcome = run_one(_nested, (), timeout=20)
    assert outcome.final and outcome.value == (True, 42, True)


def _maybe_stuck(k, report):
    if k == 2:
        pow(3, 10**10)        # stuck in one C call
    if k == 4:
        raise ValueError("bad item")
    report(k * 10)


def test_queue_kills_only_the_stuck_task_and_finishes_the_rest():
    from derive.sandbox import run_queue
    start = time.monotonic()
    results = dict(run_queue(_maybe_stuck, [(k,) for k in range(8)], timeout=1.0, jobs=2))
    assert sorted(results) == list(range(8))
    assert results[2].reason == "timeout" and not results[2].final
    assert results[4].reason.startswith("crash: ValueError") and not results[4].final
    assert {k: o.value for k, o in results.items() if o.final} == \
        {k: k * 10 for k in range(8) if k not in (2, 4)}
    assert time.monotonic() - start < 10  # a hang guard, not a speed target
