"""The pool of killable workers: wall-clock limit on work signal.alarm cannot interrupt, memory limit,
warm workers, nothing left behind."""

import os
import subprocess
import sys
import time
import types

import pytest

from derive.engine.isolation import run, run_one

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not running: reaped or not, it does no work
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


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
    results = dict(run(_answer, [(k,) for k in range(6)], timeout=10, jobs=3))
    assert {k: o.value for k, o in results.items()} == {k: 2 * k for k in range(6)}
    assert all(o.final for o in results.values())


def _fail(report):
    raise ValueError("the reason, on one line")


def test_a_crash_reports_its_exception():
    outcome = run_one(_fail, (), timeout=10)
    assert not outcome.final and outcome.reason == "crash: ValueError: the reason, on one line"


def _maybe_stuck(k, report):
    if k == 2:
        pow(3, 10**10)        # stuck in one C call
    if k == 4:
        raise ValueError("bad item")
    report(k * 10)


def test_queue_kills_only_the_stuck_task_and_finishes_the_rest():
    start = time.monotonic()
    results = dict(run(_maybe_stuck, [(k,) for k in range(8)], timeout=1.0, jobs=2))
    assert sorted(results) == list(range(8))
    assert results[2].reason == "timeout" and not results[2].final
    assert results[4].reason.startswith("crash: ValueError") and not results[4].final
    assert {k: o.value for k, o in results.items() if o.final} == \
        {k: k * 10 for k in range(8) if k not in (2, 4)}
    assert time.monotonic() - start < 10  # a hang guard, not a speed target


def _pid(k, report):
    report(os.getpid())


def test_workers_stay_warm_between_tasks():
    results = dict(run(_pid, [(k,) for k in range(10)], timeout=10, jobs=2))
    pids = {o.value for o in results.values()}
    assert len(results) == 10 and len(pids) <= 2  # two workers did all ten tasks


def _sleep(k, report):
    report(os.getpid())
    time.sleep(60)


def test_leaving_the_pool_early_kills_every_worker():
    pids = []
    tasks = run(_sleep, [(k,) for k in range(4)], timeout=0.5, jobs=2)
    for _, outcome in tasks:
        pids.append(outcome.value)
        break  # the caller stops listening (an error, Ctrl-C): the generator is closed
    tasks.close()
    assert pids and pids[0] is not None
    time.sleep(0.2)
    assert not any(_alive(pid) for pid in pids)


def test_an_interrupt_kills_every_worker():
    import signal
    seen = []

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    before = set(_children())   # the suite's own processes (tests/shared.py)
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        for _, outcome in run(_sleep_forever, [(k,) for k in range(2)], timeout=30, jobs=2):
            seen.append(outcome)
    except KeyboardInterrupt:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not seen
    children = set(_children()) - before
    assert not children, children


def _sleep_forever(k, report):
    time.sleep(120)


def _children() -> list:
    """Live processes whose parent is this one."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().split(")")[-1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_a_budget_counts_work_not_waiting():
    """A verdict's budgets are CPU seconds: waiting (a loaded machine, in effect) spends none of
    them, working does."""
    from derive.engine.isolation import TaskTimeout, clock, time_limit
    before = clock()
    with time_limit(0.2):
        time.sleep(0.4)          # waits: no CPU spent, the limit does not fire
    assert clock() - before < 0.1
    with pytest.raises(TaskTimeout):
        with time_limit(0.2):
            while True:                # works: the limit fires after 0.2 s of CPU
                sum(range(1000))


def _burn(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def test_time_limits_nest():
    """An inner limit never outlasts the one around it, and leaving it does not lift the outer
    (CPU seconds; the bounds are generous, the outer's 0.3 s against loops of 2 s)."""
    from derive.engine.isolation import TaskTimeout, time_limit
    start = time.process_time()
    with pytest.raises(TaskTimeout):
        with time_limit(0.3):
            with time_limit(0.1):
                _burn(0.02)
            _burn(2)                 # the outer limit still stops this
    assert time.process_time() - start < 1.5
    start = time.process_time()
    with pytest.raises(TaskTimeout):
        with time_limit(0.3):
            try:
                with time_limit(5):  # capped at what the outer has left
                    _burn(2)
            except TaskTimeout:
                assert time.process_time() - start < 1.5
            _burn(2)
    assert time.process_time() - start < 1.5


# -- workers kept warm from one run to the next ----------------------------------------------------

def _environment(name, report):
    report((os.getpid(), os.environ.get(name)))


def test_a_later_run_reuses_the_idle_workers_and_sees_the_environment_as_it_is_now(monkeypatch):
    monkeypatch.setenv("DERIVE_TEST_VALUE", "first")
    first = run_one(_environment, ("DERIVE_TEST_VALUE",), timeout=10).value
    monkeypatch.setenv("DERIVE_TEST_VALUE", "second")
    second = run_one(_environment, ("DERIVE_TEST_VALUE",), timeout=10).value
    assert first[0] == second[0] != os.getpid()     # the same worker, not this process
    assert (first[1], second[1]) == ("first", "second")


ANSWER = 1


def _module_answer(report):
    report((os.getpid(), ANSWER))


def test_a_rebound_name_is_seen_by_the_next_run(monkeypatch):
    """A worker is a copy of this process: once a name it copied is rebound (a monkeypatch, a
    notebook redefining a function), the next run forks a fresh one that sees the new value."""
    before = run_one(_module_answer, (), timeout=10).value
    monkeypatch.setattr(sys.modules[__name__], "ANSWER", 2)
    after = run_one(_module_answer, (), timeout=10).value
    assert (before[1], after[1]) == (1, 2) and before[0] != after[0]


def _type_name(value, report):
    report(type(value).__name__)


def test_an_argument_of_a_class_newer_than_the_worker_is_run_in_a_fresh_one():
    run_one(_type_name, (1,), timeout=10)       # an idle worker, forked before the module exists
    module = types.ModuleType("derive_test_made_later")        # made by the test itself
    module.Later = type("Later", (), {"__module__": module.__name__})
    sys.modules[module.__name__] = module
    try:
        outcome = run_one(_type_name, (module.Later(),), timeout=10)
    finally:
        del sys.modules[module.__name__]
    assert outcome.final and outcome.value == "Later"


def _idle_workers_seen(report):
    from derive.engine import isolation
    report(len(isolation._IDLE.workers))


def test_a_worker_does_not_take_its_parents_idle_workers_for_its_own():
    from derive.engine.isolation import MEMORY_LIMIT
    run_one(_pid, (0,), timeout=10, memory=MEMORY_LIMIT // 2)   # kept idle, not taken below
    results = dict(run(_idle_workers_seen, [(), ()], timeout=10, jobs=2))
    assert [o.value for o in results.values()] == [0, 0]


def test_the_idle_workers_end_with_the_program():
    program = ("from derive.engine.isolation import run_one\n"
               "import os, sys\n"
               "def pid(report):\n    report(os.getpid())\n"
               "print(run_one(pid, (), timeout=10).value)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    worker = int(done.stdout)
    time.sleep(0.2)
    assert done.returncode == 0 and not _alive(worker)


def test_a_later_run_keeps_to_its_jobs_and_skips_an_idle_worker_that_died():
    import signal
    first = {o.value for _, o in run(_pid, [(k,) for k in range(4)], timeout=10, jobs=2)}
    assert len(first) == 2                             # two idle workers left
    os.kill(min(first), signal.SIGKILL)                # one dies while idle (the OS's OOM killer)
    time.sleep(0.1)
    later = {o.value for _, o in run(_pid, [(k,) for k in range(4)], timeout=10, jobs=1)}
    assert len(later) == 1 and min(first) not in later  # one worker, a live one


KEPT = []


def _keep_memory(megabytes, report):
    KEPT.append(bytearray(megabytes * 1024**2))   # left behind in the worker
    report(os.getpid())


def test_a_worker_whose_tasks_left_much_memory_behind_is_not_kept():
    limit = 512 * 1024**2
    small = run_one(_keep_memory, (8,), timeout=20, memory=limit).value
    assert run_one(_keep_memory, (8,), timeout=20, memory=limit).value == small   # kept warm
    grown = run_one(_keep_memory, (300,), timeout=20, memory=limit).value
    after = run_one(_keep_memory, (8,), timeout=20, memory=limit).value
    assert grown == small and after != grown and not _alive(grown)


def test_a_task_that_cannot_be_sent_is_a_crash_not_an_exception():
    outcome = run_one(_answer, (lambda: 1,), timeout=10)   # a lambda does not pickle
    assert not outcome.final and outcome.reason.startswith(
        "crash: TypeError: the task could not be sent to a worker")
    assert run_one(_answer, (4,), timeout=10).value == 8   # and the pool goes on
