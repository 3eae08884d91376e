"""The only module that starts processes: a pool of warm, killable workers.

SymPy can spin inside C code (GMP, a huge exact power) where `signal.alarm` never fires, so the only
reliable limit is a separate process. A forked worker shares the already-imported SymPy
copy-on-write, and it works through task after task, so SymPy's caches stay warm between them.

Workers outlive a single `run`: the next call (the next claim of a notebook, the next command of a
test) takes the idle ones, warm, instead of forking afresh. Tasks and their arguments are pickled to
them, so a task is a module-level function (or an object of a module-level class). A worker is a
copy of this process as it was when forked: it is reused only while what it copied still holds
(what the tool's modules and the task's module bind, `_state`; the environment goes to it with a
task when it has changed); otherwise the idle workers are retired and fresh ones forked.

Each task has its own deadline. A task may report more than once: each report replaces the previous,
so a task can send a provisional answer early ("no counterexample at 40 points") and a better one
later (a proof); when its worker is killed at the deadline, the last report stands and a fresh worker
takes over the remaining tasks.

No worker outlives the tool: workers ignore Ctrl-C (the parent stops them), die with their parent
(`PR_SET_PDEATHSIG` on Linux), and the pool kills and reaps every worker when it is left, normally
or by an exception.
"""

from __future__ import annotations

import atexit
import gc
import io
import operator
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space a worker may add to what its parent holds
_HEADER = struct.Struct("!Q")
_INDEX = struct.Struct("!I")
_STOP = 0xFFFFFFFF


@dataclass(frozen=True)
class Outcome:
    """What came back from one task: its last report, and how it ended."""

    value: Any             # the last report, or None
    final: bool            # True when the task returned normally
    reason: str | None     # why it did not: 'timeout', 'memory', 'crash: ...'
    seconds: float


class TaskTimeout(Exception):
    """Raised inside a task by `time_limit` when a soft limit passes."""


def clock() -> float:
    """The clock of every budget a verdict depends on: this process's CPU time, so that what is
    decided does not change with the machine's load (the pool's kill, in wall time, remains the
    backstop against a task that waits instead of working)."""
    return time.process_time()


class time_limit:
    """A soft limit in CPU seconds for a task's own use (SIGPROF): lets pure-Python work stop
    cleanly and report what it has. The pool's kill at the deadline remains the backstop. An
    exception raised from a signal handler can be swallowed (inside a garbage-collector callback,
    a __del__): so the alarm fires again every 50 ms until the block is left. Limits nest: an
    inner one never outlasts the one around it, which goes on when the inner block is left."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        if self.seconds <= 0:
            raise TaskTimeout()
        self.outer = signal.getitimer(signal.ITIMER_PROF)[0]   # what a limit around has left
        self.started = time.process_time()
        self.previous = signal.signal(signal.SIGPROF, self._fire)
        signal.setitimer(signal.ITIMER_PROF,
                         min(self.seconds, self.outer) if self.outer else self.seconds, 0.05)
        return self

    @staticmethod
    def _fire(signum, frame):
        raise TaskTimeout()

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, self.previous)
        if self.outer:
            left = self.outer - (time.process_time() - self.started)
            signal.setitimer(signal.ITIMER_PROF, max(left, 0.001), 0.05)
        return False


# -- the worker's side ----------------------------------------------------------------------------

def _vm_size(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit_memory(memory: int) -> None:
    """Allow `memory` bytes of address space beyond what the process holds now."""
    if memory and hasattr(resource, "RLIMIT_AS"):
        limit = _vm_size() + memory
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent() -> None:
    import ctypes  # in the worker only: the command line starts faster without it
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own clean-up still applies
        pass


class _Pickler(pickle.Pickler):
    """Keeps SymPy's unevaluated sums, products and powers unevaluated: a derivation shows
    `(3 - 1)` or `x^4 + 2 - 2` on purpose, and plain pickling rebuilds them evaluated."""

    def reducer_override(self, obj):
        cls = type(obj)
        if cls.__name__ in ("Add", "Mul", "Pow") and cls.__module__.startswith("sympy.core"):
            return _unevaluated, (cls, obj.args)
        return NotImplemented


def _unevaluated(cls, args):
    return cls(*args, evaluate=False)


def dumps(value, canonical: bool = False) -> bytes:
    """`value` pickled. `canonical`: each part written out in full wherever it occurs, never as a
    reference to an earlier copy, so that equal values give equal bytes however their parts happen
    to be shared (for keys: two readings of one claim may share a subexpression or not)."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = canonical
    pickler.dump(value)
    return buffer.getvalue()


def _send(fd: int, message) -> None:
    try:
        data = dumps(message)
    except Exception as err:  # an unpicklable value must not lose the report
        data = dumps((message[0], message[1], _Crash(f"unpicklable result: {err!r}")))
    _write_frame(fd, data)


@dataclass(frozen=True)
class _Crash:
    message: str


def _read_exact(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(fd: int) -> bytes | None:
    raw = _read_exact(fd, _HEADER.size)
    return None if raw is None else _read_exact(fd, _HEADER.unpack(raw)[0])


def _write_frame(fd: int, data: bytes) -> None:
    os.write(fd, _HEADER.pack(len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _worker(commands: int, results: int, memory: int) -> None:  # pragma: no cover - the worker
    _die_with_parent()
    try:
        _limit_memory(memory)
    except (ValueError, OSError):
        pass
    while True:
        frame = _read_frame(commands)
        if frame is None or len(frame) == _INDEX.size:   # the pool's end, or a stop
            break
        (index,) = _INDEX.unpack_from(frame)
        try:
            task, args, environment = pickle.loads(frame[_INDEX.size:])
        except Exception as err:  # noqa: BLE001 - defined after this worker was forked
            _send(results, ("stale", index, f"{type(err).__name__}: {err}"[:200]))
            continue
        if environment is not None:   # the parent's, changed since the last task
            os.environ.clear()
            os.environ.update(environment)
        try:
            task(*args, report=lambda value, i=index: _send(results, ("report", i, value)))
            _send(results, ("done", index, None))
        except MemoryError:
            _send(results, ("failed", index, "memory"))
        except BaseException as err:  # noqa: BLE001 - said as the reason; the next task goes on
            text = str(err).strip().splitlines()
            _send(results, ("failed", index,
                            f"crash: {type(err).__name__}" + (f": {text[0][:200]}" if text else "")))
    os._exit(0)


# -- the parent's side ----------------------------------------------------------------------------

class _Frames:
    """Reassembles the length-prefixed pickled messages a worker writes."""

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


_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _unsendable(reason: str, report) -> None:  # pragma: no cover - runs in the worker
    """In place of a task whose function or arguments could not be pickled."""
    raise TypeError(f"the task could not be sent to a worker: {reason}")


class _Worker:
    def __init__(self, memory: int, spawned: list):
        command_read, self.commands = os.pipe()
        self.results, result_write = os.pipe()
        self.memory = memory
        # Ctrl-C must not reach the new worker before it ignores it, nor the parent between the
        # fork and the worker's registration (it would then not be stopped): blocked around fork
        self.pid = 0
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        gc.freeze()   # the child's first collections then leave the parent's heap unshared
        try:
            self.pid = os.fork()
            if self.pid == 0:  # pragma: no cover - the worker
                try:
                    os.close(self.commands)
                    os.close(self.results)
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, previous)
                    _worker(command_read, result_write, memory)
                finally:
                    os._exit(0)
            spawned.append(self)  # known to the pool before a signal can interrupt the parent
        finally:
            if self.pid:
                gc.unfreeze()
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        os.close(command_read)
        os.close(result_write)
        self.frames = _Frames()
        self.index: int | None = None
        self.value = None
        self.started = 0.0
        self.reused = False   # has run a task of an earlier `run`
        self.environment = dict(os.environ)   # the worker's, as copied by the fork
        self.size = _vm_size()                 # its address space, as forked

    def start(self, index: int, task: Callable, args: tuple) -> None:
        self.index, self.value, self.started = index, None, time.monotonic()
        environment = dict(os.environ)   # sent when it differs from what the worker holds
        changed = environment if environment != self.environment else None
        self.environment = environment
        try:
            payload = dumps((task, args, changed))
        except Exception as err:  # noqa: BLE001 - reported as the task's crash, never raised here
            payload = dumps((_unsendable, (f"{type(err).__name__}: {err}"[:200],), changed))
        _write_frame(self.commands, _INDEX.pack(index) + payload)

    def alive(self) -> bool:
        """Still running (an idle worker the OS killed is reaped here, and not used)."""
        if self.pid and os.waitpid(self.pid, os.WNOHANG) != (0, 0):
            self.pid = 0
            self.close()
        return bool(self.pid)

    def grown(self) -> bool:
        """Whether its tasks have used up half the memory it may add (what they left behind
        would leave the next task less than it was given)."""
        return _vm_size(self.pid) - self.size > self.memory // 2

    def stop(self) -> None:
        """Kill and reap (idempotent)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
            self.close()

    def close(self) -> None:
        for fd in (self.commands, self.results):
            try:
                os.close(fd)
            except OSError:
                pass

    def retire(self) -> None:
        """Ask an idle worker to exit, and reap it."""
        try:
            _write_frame(self.commands, _INDEX.pack(_STOP))
        except OSError:
            pass
        self.stop()


class _Idle:
    """The workers left warm by earlier runs, and the state of this process they copied."""

    def __init__(self):
        self.workers: list[_Worker] = []
        self.state: list | None = None   # the objects they copied (held: no id is reused)

    def take(self, state: list, memory: int) -> list[_Worker]:
        if self.state is None or len(state) != len(self.state) or not all(
                map(operator.is_, state, self.state)):
            self.clear()
            self.state = state
        taken = [w for w in self.workers if w.memory == memory and w.alive()]
        self.workers = [w for w in self.workers if w.memory != memory]
        return taken[::-1]   # the last used first: its caches hold the latest work

    def keep(self, workers: list[_Worker]) -> None:
        self.workers += workers
        while len(self.workers) > max(2, os.cpu_count() or 1):
            self.workers.pop(0).retire()

    def clear(self) -> None:
        while self.workers:
            self.workers.pop().retire()

    def forget(self) -> None:
        """In a forked child: the workers are its parent's, not its own."""
        for worker in self.workers:
            worker.close()
        self.workers = []


_IDLE = _Idle()
atexit.register(_IDLE.clear)
os.register_at_fork(after_in_child=_IDLE.forget)


def _state(task) -> list:
    """What a forked worker copied and must still agree with to run `task`: what the tool's
    modules, the task's own module and their classes bind (a name rebound, as a test's monkeypatch
    does, shows as another object). The environment is sent with a task when it has changed."""
    names = set()
    while task is not None:
        names.add(getattr(task, "__module__", None) or type(task).__module__)
        task = getattr(task, "__wrapped__", None)
    modules = [module for name, module in list(sys.modules.items())
               if module is not None and (name in names or name == "derive"
                                          or name.startswith("derive."))]
    seen = []
    for module in modules:
        for value in list(vars(module).values()):
            seen.append(value)
            if isinstance(value, type) and value.__module__ == module.__name__:
                seen.extend(list(vars(value).values()))
    return seen


def run(task: Callable, argument_lists: Sequence[tuple], timeout: float, jobs: int = 1,
        memory: int = MEMORY_LIMIT) -> Iterator[tuple[int, Outcome]]:
    """Run `task(*args, report=...)` for each argument tuple in `jobs` warm workers.

    Yields `(index, Outcome)` as tasks end, in completion order. Each task has `timeout` seconds of
    wall time from its start; a slow task never delays the others beyond its own limit. `task` and
    the arguments are pickled to the workers.
    """
    argument_lists = list(argument_lists)
    pending = list(range(len(argument_lists)))
    pending.reverse()
    workers: dict[int, _Worker] = {}
    spawned: list[_Worker] = []   # every worker started, stopped on the way out whatever happens
    warm = _IDLE.take(_state(task), memory) if pending else []
    idle: list[_Worker] = []      # done with this run, alive: kept warm when the run ends
    finished = False
    try:
        for worker in warm:
            worker.reused = True
            spawned.append(worker)
        count = min(max(1, jobs), len(pending))
        while len(warm) < count:
            warm.append(_Worker(memory, spawned))
        for worker in warm[:count]:
            workers[worker.results] = worker
            index = pending.pop()
            worker.start(index, task, argument_lists[index])
        idle += warm[count:]
        while workers:
            now = time.monotonic()
            wait = min(w.started + timeout - now for w in workers.values())
            readable, _, _ = select.select(list(workers), [], [], max(0.0, wait))
            for fd in readable:
                worker = workers[fd]
                data = os.read(fd, 1 << 16)
                if not data:  # the worker died inside a task (killed by the OS, a C crash)
                    del workers[fd]
                    _, status = os.waitpid(worker.pid, 0)
                    worker.pid = 0
                    worker.close()
                    yield worker.index, Outcome(worker.value, False, _death(status),
                                                time.monotonic() - worker.started)
                    _next(pending, workers, None, task, argument_lists, memory, spawned)
                    continue
                for kind, index, payload in worker.frames.messages(data):
                    seconds = time.monotonic() - worker.started
                    if kind == "report":
                        if isinstance(payload, _Crash):
                            kind, payload = "failed", f"crash: {payload.message}"
                        else:
                            worker.value = payload
                            continue
                    if kind == "stale" and worker.reused:   # forked before the task existed
                        del workers[fd]
                        worker.retire()
                        pending.append(index)
                        _next(pending, workers, None, task, argument_lists, memory, spawned)
                        break
                    final = kind == "done"
                    yield index, Outcome(worker.value, final,
                                         None if final else f"crash: {payload}"
                                         if kind == "stale" else payload, seconds)
                    worker.index = None
                    if not _next(pending, workers, worker, task, argument_lists, memory,
                                 spawned):
                        del workers[fd]
                        idle.append(worker)
                        break
            now = time.monotonic()
            for fd, worker in list(workers.items()):
                if worker.index is not None and now - worker.started >= timeout:
                    del workers[fd]
                    worker.stop()
                    yield worker.index, Outcome(worker.value, False, "timeout", now - worker.started)
                    _next(pending, workers, None, task, argument_lists, memory, spawned)
        finished = True
    finally:
        if finished:
            _IDLE.keep([w for w in idle if w.pid and not w.grown()])
        kept = _IDLE.workers
        for worker in spawned:
            if worker not in kept:
                worker.stop()


def _next(pending: list, workers: dict, worker: _Worker | None, task, argument_lists, memory: int,
          spawned: list) -> bool:
    """Start the next pending task on `worker`, or on a fresh one in place of a worker that is
    gone: whether one was started."""
    if not pending:
        return False
    if worker is None:
        worker = _Worker(memory, spawned)
        workers[worker.results] = worker
    index = pending.pop()
    worker.start(index, task, argument_lists[index])
    return True


def _death(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return "memory" if -code in (signal.SIGSEGV, signal.SIGABRT) else f"crash: signal {-code}"
    return f"crash: exit status {code}"


def run_one(task: Callable, args: tuple, timeout: float, memory: int = MEMORY_LIMIT) -> Outcome:
    """Run a single task in a killable worker."""
    ((_, outcome),) = run(task, [args], timeout, jobs=1, memory=memory)
    return outcome
