"""The suite's expensive results, made once per run in processes of their own beside the tests.

The records behind derivations/ (with the tutorial's audit), the corpus's audit and the notation
corpus's checks take most of the suite's time, and each is made in one pool. Made inside a test
worker, they keep the other worker waiting on them; so the run starts each in a process of its own
as soon as the tests that use them are known (`start`), the tests run meanwhile (those that use
them last: `tests/conftest.py`), and a test that needs one waits for its pickle (`result`).
Run as `python -m shared NAME PATH`, it makes NAME and writes it to PATH.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIT = 900.0   # seconds a test waits for a result before making it itself


def _published():
    from derive import api
    return api.publish(jobs=1)


def _corpus():
    from derive import api
    from tests.corpus.documents import document, records
    found = records()
    reports = api.audit_texts([document(r) for r in found], timeout=5, jobs=1)
    return {r["slug"]: report for r, report in zip(found, reports)}


def _notation():
    from derive import api
    from derive.results import Numbered
    from tests.corpus.test_notation_corpus import CLAIMS
    claims = [Numbered(n, " ".join(r["latex"].split()), tuple(r["where"] or ()))
              for n, r in enumerate(CLAIMS)]
    run = api.check(claims, latex=True, timeout=1.5, jobs=1)
    return {r["id"]: result for r, result in zip(CLAIMS, run.results)}


MAKERS = {"published": _published, "corpus": _corpus, "notation": _notation}


def load_what_workers_load() -> None:
    """SymPy's `simplify` (and `solve`, `as_set`) import its units package the first time they
    run, a tenth of a second of CPU in every worker forked before then. A test process forks
    workers many times over, so it imports the package once, before any of them."""
    import sympy.physics.units  # noqa: F401


def start(root: Path, names) -> list[subprocess.Popen]:
    """A process making each of `names` not yet started in this run (`root` is the run's own
    directory, the same for every worker)."""
    started = []
    for name in names:
        try:
            claim = os.open(root / f"{name}.started", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            continue   # another worker started it
        paths = os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])
        try:
            maker = subprocess.Popen([sys.executable, "-m", "shared", name,
                                      str(root / f"{name}.pickle")],
                                     cwd=ROOT, env={**os.environ, "PYTHONPATH": paths})
            os.write(claim, str(maker.pid).encode())
        finally:
            os.close(claim)
        started.append(maker)
    return started


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def result(root: Path, name: str):
    """The result `name`: read from its maker's pickle once written, or made here when no maker
    was started or it failed."""
    path, claim = root / f"{name}.pickle", root / f"{name}.started"
    if claim.exists():
        limit = time.monotonic() + WAIT
        while not path.exists() and time.monotonic() < limit:
            pid = claim.read_text()
            if pid and not _running(int(pid)) and not path.exists():
                break   # it failed (what it printed is in the run's output)
            time.sleep(0.2)
        if path.exists():
            return pickle.loads(path.read_bytes())
    return MAKERS[name]()


def _make(name: str, path: str) -> int:   # pragma: no cover - runs in the maker
    from derive.engine.isolation import dumps
    import ctypes
    import signal
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG: dies with its test worker
    except (OSError, AttributeError):
        pass
    load_what_workers_load()
    value = MAKERS[name]()
    partial = Path(path + ".partial")
    partial.write_bytes(dumps(value))   # SymPy's unevaluated forms kept
    partial.rename(path)                # whole, or not there
    return 0


if __name__ == "__main__":   # pragma: no cover
    sys.exit(_make(sys.argv[1], sys.argv[2]))
