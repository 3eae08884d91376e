"""The terminal and the files: reading the user's files, writing output (to `-o FILE` atomically),
progress bars. Text from the user's files is printed as text, never read as rich markup."""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager

from derive.cli.parser import UsageError
from derive.render.styled import Styled


def read_text(path: str, limit: int) -> str:
    """A UTF-8 text file (or '-' for standard input) of at most `limit` characters."""
    try:
        if path == "-":
            content = sys.stdin.read(limit + 1)
        else:
            # a FIFO with no writer would block the open, a device would never end: files only
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise UsageError(f"cannot read {path}: not a regular file (use - for stdin)")
            with open(path, encoding="utf-8") as handle:
                content = handle.read(limit + 1)
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    if len(content) > limit:
        raise UsageError(f"{path} is larger than {limit // 1_000_000} MB")
    return visible(content)


def visible(text: str) -> str:
    """Control characters (ESC and the like, which a terminal would obey) written out as \\xNN;
    line breaks and tabs kept, so line numbers stay right."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _colours() -> bool:
    """Whether rich would style what it prints to stdout (a terminal, or colours forced)."""
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR")) or bool(
        os.environ.get("TTY_COMPATIBLE"))


def _text_of(rendered, width: int | None) -> str:
    """A string as it is; a rich renderable printed to plain text."""
    if isinstance(rendered, str):
        return rendered if rendered.endswith("\n") else rendered + "\n"
    from rich.console import Console
    buffer = io.StringIO()
    Console(file=buffer, width=width or 120, no_color=True, highlight=False).print(rendered)
    return buffer.getvalue()


def emit(rendered, output: str | None = None, inputs=()) -> None:
    """Print `rendered` (a string verbatim, or a rich renderable) to stdout, or write it to
    `output`: to a temporary file first, renamed over `output` only when complete, so a failed or
    interrupted write never destroys an existing file. Refuses to overwrite an input."""
    if output is None:
        if isinstance(rendered, str):
            sys.stdout.write(_text_of(rendered, None))
        elif isinstance(rendered, Styled) and not _colours():
            sys.stdout.write(rendered.plain())   # as rich prints it there, without loading rich
        else:
            from rich.console import Console
            Console(file=sys.stdout, highlight=False, soft_wrap=True).print(rendered)
        return
    for path in inputs:
        if path and path != "-" and os.path.exists(path) and os.path.exists(output) \
                and os.path.samefile(path, output):
            raise UsageError(f"-o {output} would overwrite the input; choose another file")
    write_atomically(output, _text_of(rendered, 120))


def write_atomically(path: str, content: str) -> None:
    """`content` written to `path`. A file is written through a temporary file beside it, renamed
    over it once whole, so a failed or interrupted write leaves the old file as it was; through a
    symbolic link, the file it points to is written and the link stays. A device or a pipe
    (`-o /dev/stdout`, `-o /dev/null`, a FIFO) is written to as it is: renaming a file over it
    would put a file in its place."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None   # a new file
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(path, "w", encoding="utf-8") as out:
                out.write(content)
        except OSError as err:
            raise UsageError(f"cannot write {path}: {err.strerror}") from None
        return
    target = os.path.realpath(path) if mode is not None else os.path.abspath(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".derive-",
                                             suffix=".tmp")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        if mode is not None:   # the file's permissions, not mkstemp's 0600
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, target)
    except BaseException as err:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise UsageError(f"cannot write {path}: {err.strerror}") from None
        raise


@contextmanager
def progress(total: int, what: str = "checking"):
    """A progress bar on stderr for long runs in a terminal. No refresh thread: work runs in
    forked workers, and forking next to a live thread is asking for trouble. Redrawn at most about
    50 times, so a fast loop is not slowed by it."""
    if total < 8 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    step = max(1, total // 50)
    with Progress(console=Console(file=sys.stderr), auto_refresh=False, transient=True) as bar:
        task = bar.add_task(what, total=total)
        done = [0]

        def advance():
            done[0] += 1
            if done[0] % step == 0 or done[0] == total:
                bar.update(task, completed=done[0])
                bar.refresh()

        yield advance


def say(message: str) -> None:
    """One line on stderr (a failing step, a summary of an error)."""
    print(message, file=sys.stderr)
