"""Ctrl-C and SIGTERM stop everything: no process of the tool survives it by more than a second."""

import os
import signal
import subprocess
import sys
import time

import pytest

SLOW = {
    "check": ["check", "--file", "-", "--jobs", "2", "--timeout", "60"],
    "audit": ["audit", "--jobs", "2", "--timeout", "60"],
    "backprop": ["backprop", "--layers", "3,4,4,2", "--format", "text"],
    "diff": ["diff", "exp(sin(x)*tanh(x**3))*log(2 + cos(x))", "--order", "20"],
}
CLAIMS = "diff(x**x**x**x, x, 12) = 0\ndiff(exp(sin(x)*tanh(x**3)), x, 15) = 1\n" * 4


def _session(sid: int) -> list[int]:
    """Live (not zombie) processes of a session."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to list processes")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_process_group_leaves_nothing_behind(sig):
    started, finished = {}, False
    try:
        for name, argv in SLOW.items():
            started[name] = subprocess.Popen([sys.executable, "-m", "derive", *argv],
                                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE, start_new_session=True,
                                             text=True)
            started[name].stdin.write(CLAIMS if name == "check" else "")
            started[name].stdin.close()
        # each command is stopped as soon as its workers run (a hang guard: a loaded machine is
        # slow), as a terminal sends Ctrl-C: to the whole group
        deadline, stopped = time.monotonic() + 90, {}
        while time.monotonic() < deadline and len(stopped) < len(started):
            for name, process in started.items():
                if name not in stopped and len(_session(process.pid)) > 1:
                    os.killpg(process.pid, sig)
                    stopped[name] = time.monotonic()
            time.sleep(0.1)
        assert len(stopped) == len(started), {n: _session(p.pid) for n, p in started.items()}
        for name, process in started.items():
            assert process.wait(timeout=5) == 2, (name, process.stderr.read())
        while time.monotonic() - max(stopped.values()) < 1.0 and any(
                _session(p.pid) for p in started.values()):
            time.sleep(0.05)
        survivors = {name: _session(p.pid) for name, p in started.items() if _session(p.pid)}
        assert not survivors, survivors
        for process in started.values():
            assert "interrupted" in process.stderr.read()
        finished = True
    finally:   # a failed check must not leave its commands running into the next test
        for process in ([] if finished else started.values()):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
