"""Derived results kept on disk between runs: what is the same every time is derived once.

`cached(kind, key, make)` returns `make()`, stored under the user's cache directory the first time
and read back afterwards. The file name is a hash of the kind, the key (the records the result
depends on, as bytes), the Python and SymPy versions and the source of `derive` itself, so a
change to any of them can never bring back a stale result. The directory is `$DERIVE_CACHE_DIR`,
else `$XDG_CACHE_HOME/derive`, else `~/.cache/derive`; `DERIVE_NO_CACHE=1` (`derive --no-cache`)
turns it off. A directory that cannot be written, or a file that cannot be read, only means
deriving again. Files are written to a temporary name and renamed, so an interrupted run leaves no
half-written entry.

Each version (of Python, SymPy and derive's source) has a folder of its own. Another version's
entries can never be read by this one: its folder is removed once nothing has been written to it
for `STALE_DAYS`, so that the cache does not grow with every upgrade or edit; and this version's
folder is kept to `MAX_ENTRIES` entries, the oldest written going first. Only files this module
writes are removed (the directory may be one the user shares with other programs).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
FORMAT = b"derive-cache-1\n"


def directory() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    if os.environ.get("DERIVE_NO_CACHE", "") not in ("", "0"):
        return None
    if os.environ.get("DERIVE_CACHE_DIR"):
        return Path(os.environ["DERIVE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "derive"


@functools.lru_cache(maxsize=1)
def version() -> str:
    """The Python and SymPy versions and a hash of derive's own source."""
    import sympy
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{sys.version_info[:3]} sympy {sympy.__version__} derive {digest.hexdigest()[:16]}"


STALE_DAYS = 1.0      # another version's folder, not written for this long, is removed
MAX_ENTRIES = 20_000  # entries of this version beyond which the oldest written are removed
HOUSEKEEPING = 50     # one process in this many that store looks through this version's folder
PRUNE_SECONDS = 0.2   # a process stops removing after this long (a large old cache goes in steps)
_ENTRY = re.compile(r"[a-z-]+-[0-9a-f]{32}\.pickle|\.tmp-\w+")   # the files `store` writes
_VERSION = re.compile(r"v-[0-9a-f]{16}")
_PRUNED: set = set()   # the directories pruned by this process


def _version_folder(folder: Path) -> Path:
    return folder / ("v-" + hashlib.sha256(version().encode()).hexdigest()[:16])


def _path(folder: Path, kind: str, key: bytes) -> Path:
    digest = hashlib.sha256(kind.encode() + b"\0" + version().encode() + b"\0" + key)
    return _version_folder(folder) / f"{kind}-{digest.hexdigest()[:32]}.pickle"


def prune(folder: Path) -> None:
    """Once per process: remove other versions' folders not written for STALE_DAYS, and the
    files of the layout before versions had folders (no version reads them). Now and then (one
    process in HOUSEKEEPING) also this version's oldest entries beyond MAX_ENTRIES, and writes it
    left half done long ago."""
    if folder in _PRUNED:
        return
    _PRUNED.add(folder)
    current = _version_folder(folder)
    cutoff, stop = time.time() - STALE_DAYS * 86400, time.monotonic() + PRUNE_SECONDS
    try:
        with os.scandir(folder) as found:
            children = list(found)
    except OSError:
        return
    if not _remove_entries(children, stop):   # the files of the layout before version folders
        return
    for child in children:
        try:
            if child.is_dir(follow_symlinks=False) and _VERSION.fullmatch(child.name) \
                    and child.name != current.name \
                    and child.stat(follow_symlinks=False).st_mtime < cutoff:
                with os.scandir(child.path) as entries:
                    if not _remove_entries(entries, stop):
                        return
                os.rmdir(child.path)   # refused, harmlessly, when something else is in it
        except OSError:   # removed meanwhile by another process, or not ours to remove
            continue
    if random.randrange(HOUSEKEEPING) == 0:
        _keep_in_bounds(current, cutoff, stop)


def _keep_in_bounds(current: Path, cutoff: float, stop: float) -> None:
    try:
        with os.scandir(current) as found:
            entries = [e for e in found if _ENTRY.fullmatch(e.name)]   # counted: ours only
        stale = [e for e in entries if e.name.startswith(".tmp-")
                 and e.stat(follow_symlinks=False).st_mtime < cutoff]
        if _remove_entries(stale, stop) and len(entries) > MAX_ENTRIES:
            entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime)
            _remove_entries(entries[:len(entries) - MAX_ENTRIES * 3 // 4], stop)
    except OSError:
        return


def _remove_entries(entries, stop: float) -> bool:
    """Unlink the cache's own files among `entries` (a file another process removed first is
    gone either way); False when the time for it ran out first."""
    for entry in entries:
        if time.monotonic() > stop:
            return False
        if _ENTRY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
    return True


MISSING = object()


def load(kind: str, key: bytes):
    """The stored value, or MISSING."""
    folder = directory()
    if folder is None:
        return MISSING
    try:
        data = _path(folder, kind, key).read_bytes()
        if data.startswith(FORMAT):
            return pickle.loads(data[len(FORMAT):])
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        pass
    return MISSING


def store(kind: str, key: bytes, value) -> None:
    """Keep `value` (written to a temporary name, then renamed); any failure only means it is
    derived again next time."""
    from derive.engine.isolation import dumps
    folder = directory()
    if folder is None:
        return
    handle = None
    try:
        path = _path(folder, kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(FORMAT + dumps(value))
        os.replace(handle.name, path)
        prune(folder)
    except OSError:   # read-only or full
        if handle is not None:
            try:
                os.unlink(handle.name)
            except OSError:
                pass


def cached(kind: str, key: bytes, make: Callable[[], T]) -> T:
    """`make()`, read from the cache when this kind and key were derived before."""
    value = load(kind, key)
    if value is MISSING:
        value = make()
        store(kind, key, value)
    return value


def key_of(*parts) -> bytes:
    """The bytes a key is hashed from: the records and values the result depends on (equal
    records, equal bytes)."""
    from derive.engine.isolation import dumps
    return dumps(parts, canonical=True)
