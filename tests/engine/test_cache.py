"""The cache of derived results: read back when the same thing is asked again, never when the
version or the key differs, never in the way when the directory cannot be written."""

import os
import time

import pytest
import sympy as sp

from derive.engine import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    return tmp_path / "cache"


def test_a_result_is_made_once_and_read_back(folder):
    calls = []

    def make():
        calls.append(1)
        return sp.Add(sp.Integer(3), sp.Integer(-1), evaluate=False)   # kept unevaluated
    first = cache.cached("demo", cache.key_of("x"), make)
    second = cache.cached("demo", cache.key_of("x"), make)
    assert calls == [1] and second == first and len(second.args) == 2
    assert len(list(folder.glob("v-*/demo-*.pickle"))) == 1 and not list(folder.glob("*/.tmp-*"))


def test_another_key_or_version_derives_again(folder, monkeypatch):
    calls = []
    cache.cached("demo", cache.key_of(1), lambda: calls.append("a") or 1)
    cache.cached("demo", cache.key_of(2), lambda: calls.append("b") or 2)
    monkeypatch.setattr(cache, "version", lambda: "another version")
    assert cache.cached("demo", cache.key_of(1), lambda: calls.append("c") or 3) == 3
    assert calls == ["a", "b", "c"]


def test_equal_records_have_one_key_however_their_parts_are_shared():
    # two readings of one claim: in the first both sides are one object, in the second two equal
    # objects (SymPy's cache cleared between them, so the second is built anew)
    x = sp.Symbol("x", real=True)
    first = sp.sin(x) + 1
    sp.core.cache.clear_cache()
    second = sp.sin(x) + 1
    assert first == second and first is not second
    assert cache.key_of((first, first)) == cache.key_of((first, second))


def _aged(path, days):
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_another_versions_entries_go_once_unused_for_a_day(folder, monkeypatch):
    # entries of an older version, of the layout before version folders, a half-written entry
    # of this version, and files of the user's beside them
    old = folder / ("v-" + "0" * 16)
    old.mkdir(parents=True)
    (old / ("pair-" + "a" * 32 + ".pickle")).write_bytes(b"x")
    recent = folder / ("v-" + "1" * 16)
    recent.mkdir()
    (recent / ("pair-" + "b" * 32 + ".pickle")).write_bytes(b"x")
    flat = folder / ("claim-" + "c" * 32 + ".pickle")
    flat.write_bytes(b"x")
    mine = folder / "notes.md"
    mine.write_text("the user's")
    kept_dir = folder / ("v-" + "2" * 16)
    kept_dir.mkdir()
    (kept_dir / "mine.txt").write_text("the user's too")
    current = cache._version_folder(folder)
    current.mkdir()
    interrupted = current / ".tmp-abc123"
    interrupted.write_bytes(b"half")
    for path in (old / ("pair-" + "a" * 32 + ".pickle"), old, flat, mine, kept_dir, interrupted):
        _aged(path, 2)
    _aged(recent, 0.5)
    monkeypatch.setattr(cache, "_PRUNED", set())
    monkeypatch.setattr(cache, "HOUSEKEEPING", 1)   # this process looks through its own folder
    assert cache.cached("demo", cache.key_of("k"), lambda: 7) == 7
    assert not old.exists() and not flat.exists() and not interrupted.exists()
    assert recent.exists() and mine.read_text() == "the user's"
    assert (kept_dir / "mine.txt").exists()      # not a file this cache writes: left alone
    assert cache.cached("demo", cache.key_of("k"), lambda: 8) == 7   # this version's: read back


def test_this_versions_folder_keeps_its_newest_entries(folder, monkeypatch):
    current = cache._version_folder(folder)
    current.mkdir(parents=True)
    written = [current / f"claim-{k:032x}.pickle" for k in range(10)]
    for age, path in enumerate(reversed(written)):   # written[0] the oldest
        path.write_bytes(b"x")
        _aged(path, age / 100)
    monkeypatch.setattr(cache, "_PRUNED", set())
    monkeypatch.setattr(cache, "HOUSEKEEPING", 1)
    monkeypatch.setattr(cache, "MAX_ENTRIES", 8)
    cache.cached("demo", cache.key_of("new"), lambda: 1)
    # 11 entries over a bound of 8: the oldest go until 6 (three quarters of it) are left
    left = sorted(p.name for p in current.iterdir())
    assert len(left) == 6 and written[-5].name in left and written[4].name not in left
    assert any(name.startswith("demo-") for name in left)


def test_a_large_old_cache_is_removed_a_step_per_run(folder, monkeypatch):
    folder.mkdir()
    flat = [folder / f"claim-{k:032x}.pickle" for k in range(5)]
    for path in flat:
        path.write_bytes(b"x")
    monkeypatch.setattr(cache, "_PRUNED", set())
    monkeypatch.setattr(cache, "PRUNE_SECONDS", -1.0)   # this run's time for it is already up
    cache.cached("demo", cache.key_of(1), lambda: 1)
    assert all(path.exists() for path in flat)
    monkeypatch.setattr(cache, "_PRUNED", set())         # the next run
    monkeypatch.setattr(cache, "PRUNE_SECONDS", 5.0)
    cache.cached("demo", cache.key_of(2), lambda: 2)
    assert not any(path.exists() for path in flat)


def test_turned_off_and_unwritable(folder, monkeypatch, tmp_path):
    monkeypatch.setenv("DERIVE_NO_CACHE", "1")
    assert cache.cached("demo", b"k", lambda: 5) == 5 and not folder.exists()
    monkeypatch.delenv("DERIVE_NO_CACHE")
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(blocked / "cache"))
    assert cache.cached("demo", b"k", lambda: 6) == 6     # derived, nothing raised


def test_a_damaged_entry_is_derived_again(folder):
    cache.cached("demo", b"k", lambda: 7)
    (entry,) = folder.glob("v-*/demo-*.pickle")
    entry.write_bytes(b"derive-cache-1\nnot a pickle")
    assert cache.cached("demo", b"k", lambda: 8) == 8


def test_the_command_line_turns_it_off_for_its_own_run(folder, capsys):
    """--no-cache keeps nothing, and a caller of `main` (a test, a notebook) gets its environment
    back as it was: the cache is on again for what it does next."""
    from derive.cli import main
    claim = "diff(x**3*cos(x), x) = 3*x**2*cos(x) - x**3*sin(x)"
    assert main(["--no-cache", "check", claim]) == 0
    assert not list(folder.glob("v-*/*.pickle"))
    assert "DERIVE_NO_CACHE" not in os.environ
    assert main(["check", claim]) == 0
    assert list(folder.glob("v-*/*.pickle"))


def test_a_claim_decided_before_is_read_back_and_another_budget_decides_again(folder, monkeypatch):
    from derive import api
    from derive.engine import isolation
    from derive.results import Numbered
    claim = [Numbered(1, "diff(x**3*sin(x), x) = 3*x**2*sin(x) + x**3*cos(x)")]
    first = api.check(claim)
    dispatched = []
    real = isolation.run

    def counting(task, args, *rest):
        dispatched.append(len(args))
        return real(task, args, *rest)
    monkeypatch.setattr(isolation, "run", counting)
    second = api.check(claim)
    assert dispatched == [0] and second.results[0].verdict.status is first.results[0].verdict.status
    assert api.check(claim, timeout=7.0) and dispatched[-1] == 1   # another budget: decided
