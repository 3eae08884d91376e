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
for `STALE_DAYS`, so that the cache does not grow with every upgrade or edit. Only files this
module writes are removed (the directory may be one the user shares with other programs).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
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


STALE_DAYS = 1.0    # another version's folder, not written for this long, is removed
_ENTRY = re.compile(r"[a-z-]+-[0-9a-f]{32}\.pickle|\.tmp-\w+")   # the files `store` writes
_VERSION = re.compile(r"v-[0-9a-f]{16}")
_PRUNED: set = set()   # the directories pruned by this process


def _version_folder(folder: Path) -> Path:
    return folder / ("v-" + hashlib.sha256(version().encode()).hexdigest()[:16])


def _path(folder: Path, kind: str, key: bytes) -> Path:
    digest = hashlib.sha256(kind.encode() + b"\0" + version().encode() + b"\0" + key)
    return _version_folder(folder) / f"{kind}-{digest.hexdigest()[:32]}.pickle"


def prune(folder: Path) -> None:
    """Remove the entries of other versions from `folder` once not written for STALE_DAYS: their
    folders, and the files of the layout before versions had folders. Once per process."""
    if folder in _PRUNED:
        return
    _PRUNED.add(folder)
    current, cutoff = _version_folder(folder).name, time.time() - STALE_DAYS * 86400
    try:
        children = list(os.scandir(folder))
    except OSError:
        return
    for child in children:
        try:
            if child.name == current:   # a write this one interrupted, long ago
                for entry in os.scandir(child.path):
                    if entry.name.startswith(".tmp-") and _ENTRY.fullmatch(entry.name) \
                            and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        os.unlink(entry.path)
                continue
            if child.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            if child.is_file(follow_symlinks=False) and _ENTRY.fullmatch(child.name):
                os.unlink(child.path)
            elif child.is_dir(follow_symlinks=False) and _VERSION.fullmatch(child.name):
                for entry in os.scandir(child.path):
                    if entry.is_file(follow_symlinks=False) and _ENTRY.fullmatch(entry.name):
                        os.unlink(entry.path)
                os.rmdir(child.path)   # refused, harmlessly, when something else is in it
        except OSError:   # removed meanwhile by another process, or not ours to remove
            continue


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
