"""The command line: the only package that prints or decides exit codes.

0 success (every claim holds), 1 a claim is refuted or undecided, 2 bad input or usage. Errors are one
line on stderr, never a traceback. Ctrl-C or SIGTERM stops every worker before the tool exits.
"""

from __future__ import annotations

import os
import signal
import sys


def _terminate(signum, frame):
    raise KeyboardInterrupt  # unwinds through the pool, which kills and reaps its workers


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (tests call this in-process)."""
    from derive.cli.commands import COMMANDS, ExitStatus
    from derive.cli.parser import UsageError, build_parser

    parser = build_parser()
    previous = signal.signal(signal.SIGTERM, _terminate) if argv is None else None
    caching = os.environ.get("DERIVE_NO_CACHE")   # a caller's own, given back at the end
    try:
        args = parser.parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)
        if args.no_cache:   # read by engine.cache, in this process and in its workers
            os.environ["DERIVE_NO_CACHE"] = "1"
        if not getattr(args, "command", None):
            parser.print_help()
            return ExitStatus.USAGE
        return int(COMMANDS[args.command_name](args))
    except UsageError as err:
        return _fail(str(err))
    except ValueError as err:  # InputError (bad user text) and the estimators' own ValueErrors
        return _fail(_first_line(err) or type(err).__name__)
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:
        return ExitStatus.OK
    except Exception as err:  # a bug must still not show a traceback to the user
        from derive.api import Stopped
        if isinstance(err, Stopped):
            return _fail(_stopped(err))
        return _fail(f"internal error ({type(err).__name__}): {_first_line(err)}")
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if caching is None:
            os.environ.pop("DERIVE_NO_CACHE", None)
        else:
            os.environ["DERIVE_NO_CACHE"] = caching
        if argv is None:   # the process exits next: its objects need no last collection
            _exit_without_collecting()


def _exit_without_collecting() -> None:
    """Python collects its garbage again as it exits, going through every object SymPy made: a
    tenth of a second of CPU at the end of every command, and seconds after Ctrl-C on a loaded
    machine. Frozen, they are freed without it; the exit handlers still run (the pool retires
    its workers). Only for the command: a caller's process goes on collecting."""
    import gc
    gc.freeze()


def _stopped(err) -> str:
    reason = {"timeout": f"time limit of {err.timeout:g} s reached (raise it with --timeout)",
              "memory": "memory limit reached"}.get(err.reason, err.reason)
    return f"the work did not finish: {reason}"


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else ""


def _fail(message: str) -> int:
    from derive.cli.commands import ExitStatus
    print(f"derive: error: {_printable(message)}", file=sys.stderr)
    return ExitStatus.USAGE


def _printable(message: str) -> str:
    """No control characters (an ESC from user text must not reach the terminal)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
