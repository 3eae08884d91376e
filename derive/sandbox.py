"""Run work in a forked child that can be killed: a wall-clock limit and a memory limit.

SymPy can spin inside C code (GMP, a huge exact power) where `signal.alarm` never fires, so the only
reliable limit is a separate process. A fork shares the already-imported SymPy copy-on-write, so the
overhead is a few milliseconds (measured in `benchmarks/bench_check.py`).

The child reports through a pipe and may report more than once: each report replaces the previous,
so a task can send a provisional answer early (e.g. "no counterexample at 40 points") and a better
one later (a proof). When the child is killed at the deadline, the last report stands.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

_HEADER = struct.Struct("!Q")
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space a child may add to what its parent holds


@dataclass(frozen=True)
class Outcome:
    """What came back from one task: the last report, and how the child ended."""

    value: Any             # the last report, or None
    final: bool            # True when the child finished normally
    reason: str | None     # why it did not finish: 'timeout', 'memory', 'crash: ...'
    seconds: float


class TaskTimeout(Exception):
    """Raised inside the child by `time_limit` when a soft limit passes."""


class time_limit:
    """A soft limit for the child's own use (SIGALRM): lets pure-Python work stop cleanly and
    report what it has. The parent's hard kill remains the backstop."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        if self.seconds <= 0:
            raise TaskTimeout()
        self.previous = signal.signal(signal.SIGALRM, self._fire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _fire(signum, frame):
        raise TaskTimeout()

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _sender(write_fd: int) -> Callable:
    """A function that sends one pickled, length-prefixed message to the parent."""
    def send(value) -> None:
        try:
            data = pickle.dumps(value)
        except Exception as err:  # an unpicklable value must not kill the report
            data = pickle.dumps(("unpicklable", repr(err)))
        os.write(write_fd, _HEADER.pack(len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]
    return send


def _limit_memory(memory: int) -> None:
    """Allow `memory` bytes of address space beyond what the process holds now."""
    if memory and hasattr(resource, "RLIMIT_AS"):
        limit = _vm_size() + memory
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:  # a child of a child: stay inside the parent's limit
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(task: Callable, args: tuple, write_fd: int, memory: int) -> None:
    report = _sender(write_fd)
    try:
        _limit_memory(memory)
        task(*args, report=report)
        code = 0
    except MemoryError:
        code = 3
    except BaseException as err:  # say what went wrong; the parent shows it as the reason
        try:
            report(_Crash(f"{type(err).__name__}: {str(err).strip().splitlines()[0][:200]}"
                          if str(err).strip() else type(err).__name__))
        except BaseException:
            pass
        code = 4
    os._exit(code)


@dataclass(frozen=True)
class _Crash:
    message: str


def _spawn(body: Callable, task: Callable, work, memory: int) -> tuple[int, int]:
    """Fork a child that runs `body(task, work, write_fd, memory)` and exits; returns its pid and
    the read end of its pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        body(task, work, write_fd, memory)
        os._exit(0)
    os.close(write_fd)
    return pid, read_fd


class _Frames:
    """Reassembles the length-prefixed pickled messages a child writes, however the pipe splits
    them."""

    def __init__(self):
        self.buffer = bytearray()

    def messages(self, data: bytes):
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + size:
                return
            payload = bytes(self.buffer[_HEADER.size:_HEADER.size + size])
            del self.buffer[:_HEADER.size + size]
            yield pickle.loads(payload)


class _Running:
    def __init__(self, index, pid, fd, started):
        self.index, self.pid, self.fd, self.started = index, pid, fd, started
        self.frames = _Frames()
        self.value = None

    def absorb(self, data: bytes) -> None:
        for message in self.frames.messages(data):
            self.value = message  # each report replaces the previous one


def run_many(task: Callable, argument_lists: Iterable[tuple], timeout: float, jobs: int = 1,
             memory: int = MEMORY_LIMIT):
    """Run `task(*args, report=...)` for each argument tuple, `jobs` children at a time.

    Yields `(index, Outcome)` as tasks end, in completion order. Each task has its own `timeout`
    seconds of wall time; a slow task never delays the others beyond its own limit.
    """
    pending = list(enumerate(argument_lists))
    pending.reverse()
    running: dict[int, _Running] = {}
    jobs = max(1, jobs)
    while pending or running:
        while pending and len(running) < jobs:
            index, args = pending.pop()
            pid, read_fd = _spawn(_child, task, args, memory)
            running[read_fd] = _Running(index, pid, read_fd, time.monotonic())
        now = time.monotonic()
        wait = min(r.started + timeout - now for r in running.values())
        readable, _, _ = select.select(list(running), [], [], max(0.0, wait))
        for fd in readable:
            job = running[fd]
            data = os.read(fd, 1 << 16)
            if data:
                job.absorb(data)
                continue
            yield job.index, _finish(job, killed=False)
            del running[fd]
        now = time.monotonic()
        for fd, job in list(running.items()):
            if now - job.started >= timeout:
                os.kill(job.pid, signal.SIGKILL)
                yield job.index, _finish(job, killed=True)
                del running[fd]


def _finish(job: _Running, killed: bool) -> Outcome:
    os.close(job.fd)
    _, status = os.waitpid(job.pid, 0)
    seconds = time.monotonic() - job.started
    if killed:
        return Outcome(job.value, False, "timeout", seconds)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return Outcome(job.value, True, None, seconds)
    value = job.value
    reason = {3: "memory", 4: "crash"}.get(code, f"crash: exit status {code}")
    if code < 0:
        reason = "memory" if -code in (signal.SIGSEGV, signal.SIGABRT) else f"crash: signal {-code}"
    if isinstance(value, _Crash):
        reason, value = f"crash: {value.message}", None
    return Outcome(value, False, reason, seconds)


def run_one(task: Callable, args: tuple, timeout: float, memory: int = MEMORY_LIMIT) -> Outcome:
    """Run a single task in a killable child."""
    for _, outcome in run_many(task, [args], timeout, jobs=1, memory=memory):
        return outcome
    raise AssertionError("unreachable")


# -- queues: many small tasks per child ---------------------------------------------------------------

def _queue_child(task, items, write_fd, memory):
    """Run `task` on each (index, args) in turn, reporting ('start', index) and ('done', index,
    value, problem). Time limits are the task's own (soft) and the parent's kill (hard)."""
    send = _sender(write_fd)
    try:
        _limit_memory(memory)
        for index, args in items:
            send(("start", index))
            last = []
            try:
                task(*args, report=last.append)
                send(("done", index, last[-1] if last else None, None))
            except MemoryError:
                send(("done", index, last[-1] if last else None, "memory"))
            except BaseException as err:  # noqa: BLE001 - reported, and the next item goes on
                send(("done", index, last[-1] if last else None,
                      f"crash: {type(err).__name__}: {str(err)[:200]}"))
    finally:
        os._exit(0)


class _Worker:
    def __init__(self, items, task, memory):
        self.pid, self.fd = _spawn(_queue_child, task, items, memory)
        self.items = list(items)
        self.frames = _Frames()
        self.current, self.started = None, time.monotonic()


def run_queue(task: Callable, argument_lists, timeout: float, jobs: int = 1,
              memory: int = MEMORY_LIMIT):
    """Like `run_many`, but each of `jobs` children works through a share of the tasks, keeping
    SymPy's caches warm between them. Each task still has its own `timeout`: a task past it is
    killed with its child, reported as a timeout, and a new child takes over the rest of that
    share. Yields `(index, Outcome)` as tasks end."""
    items = list(enumerate(argument_lists))
    shares = [items[w::max(1, jobs)] for w in range(max(1, jobs))]
    workers = {}
    for share in shares:
        if share:
            worker = _Worker(share, task, memory)
            workers[worker.fd] = worker
    while workers:
        now = time.monotonic()
        wait = min((w.started + timeout - now) if w.current is not None else timeout
                   for w in workers.values())
        readable, _, _ = select.select(list(workers), [], [], max(0.0, wait))
        for fd in readable:
            worker = workers[fd]
            data = os.read(fd, 1 << 16)
            if not data:  # the child ended: every task it had reported on is done
                os.close(fd)
                os.waitpid(worker.pid, 0)
                del workers[fd]
                if worker.current is not None:  # died inside a task (e.g. killed by the OS)
                    yield worker.current, Outcome(None, False, "crash", 0.0)
                    rest = [it for it in worker.items if it[0] > worker.current]
                    if rest:
                        fresh = _Worker(rest, task, memory)
                        workers[fresh.fd] = fresh
                continue
            for message in worker.frames.messages(data):
                if message[0] == "start":
                    worker.current, worker.started = message[1], time.monotonic()
                else:
                    _, index, value, problem = message
                    seconds = time.monotonic() - worker.started
                    worker.current = None
                    yield index, Outcome(value, problem is None, problem, seconds)
        now = time.monotonic()
        for fd, worker in list(workers.items()):
            if worker.current is not None and now - worker.started >= timeout:
                os.kill(worker.pid, signal.SIGKILL)
                os.close(fd)
                os.waitpid(worker.pid, 0)
                del workers[fd]
                yield worker.current, Outcome(None, False, "timeout", now - worker.started)
                rest = [it for it in worker.items if it[0] > worker.current]
                if rest:
                    fresh = _Worker(rest, task, memory)
                    workers[fresh.fd] = fresh
