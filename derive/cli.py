"""The command line: argparse in, engine calls, rendered output out.

This is the only module that prints or decides exit codes: 0 success (every claim holds), 1 a claim
is refuted or undecided, 2 bad input or usage. Errors are one line on stderr, never a traceback.
SymPy is imported only inside the commands, so `derive --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager

from derive import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "markdown", "latex")


class UsageError(Exception):
    """Bad command-line usage; reported in one line with exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2, instead of argparse's usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


CHECK_EXAMPLES = r"""
examples:
  derive check "diff(x**5, x) = 5*x**4"
  derive check "diff(f(g(x)), x) = diff(f(x), x)*diff(g(x), x)"
  derive check "sqrt(x**2) = x" --assume "x > 0"
  derive check --latex "\frac{d}{dx} \sigma(x) = \sigma(x)(1 - \sigma(x))"
  derive check --file claims.txt --format json

syntax:
  SymPy syntax: + - * / ^ (or **), diff(expr, x[, n]), limit(expr, h, 0), sin, cos, tan, exp,
  log, ln, sqrt, tanh, sigmoid, relu, softplus, Max, Min, Abs, Heaviside, pi, e (Euler's number).
  Single letters applied to arguments (f(x), g(x)) are unknown functions.
  LaTeX: \frac{d}{dx}, \frac{\partial f}{\partial x}, f'(x), \sigma(z), \ln, \log, e^{x},
  \lim_{h \to 0}, \sqrt{}, \max(0, z), |x|.

exit codes: 0 every claim holds, 1 a claim is refuted or undecided, 2 bad input.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="derive", description="Derive and verify the mathematics of neural "
                    "networks, step by step, with SymPy.")
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    check = commands.add_parser(
        "check", help="decide whether formulas hold; prove them or show a counterexample",
        description="Decide whether a claimed formula LHS = RHS holds: PROVED, NUMERIC (no "
        "counterexample found), REFUTED (with a counterexample, a diagnosis and the correct "
        "formula) or UNDECIDED.", epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("claim", nargs="?", help='the claim, e.g. "diff(x**5, x) = 5*x**4"')
    check.add_argument("--latex", action="store_true", help="read claims as LaTeX")
    check.add_argument("--file", metavar="FILE",
                       help="one claim per line ('#' starts a comment); '-' reads stdin")
    check.add_argument("--assume", action="append", default=[], metavar="TEXT",
                       help="an assumption such as 'x > 0', '0 < p < 1', 'n integer' (repeatable)")
    check.add_argument("--function", action="append", default=[], metavar="NAME",
                       help="treat NAME as an unknown function in LaTeX, e.g. u for u(x)")
    check.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                       help="time limit per claim (default 5)")
    check.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="check N claims at a time in parallel processes")
    _add_output_options(check)
    check.set_defaults(run=run_check)
    return parser


def _add_output_options(sub) -> None:
    sub.add_argument("--format", choices=FORMATS, default="text", help="output format")
    sub.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------

@contextmanager
def _console(args):
    """A rich console on stdout or on the -o file."""
    from rich.console import Console

    if getattr(args, "output", None):
        try:
            handle = open(args.output, "w", encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write {args.output}: {err.strerror}") from None
        with handle:
            yield Console(file=handle, width=120, no_color=True, highlight=False)
    else:
        yield Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _emit(console, args, payload: str) -> None:
    """Raw text (JSON, Markdown, LaTeX) goes out verbatim, without rich markup."""
    console.file.write(payload if payload.endswith("\n") else payload + "\n")


# --------------------------------------------------------------------------------------------------
# derive check
# --------------------------------------------------------------------------------------------------

def _read_claims(args) -> list[tuple[int, str]]:
    if args.file and args.claim:
        raise UsageError("give either a CLAIM or --file, not both")
    if args.claim is not None:
        return [(1, args.claim)]
    if not args.file:
        raise UsageError("nothing to check: give a CLAIM or --file FILE (see 'derive check --help')")
    try:
        if args.file == "-":
            content = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                content = handle.read(1_000_001)
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {args.file}: {getattr(err, 'strerror', None) or err}") \
            from None
    if len(content) > 1_000_000:
        raise UsageError(f"{args.file} is larger than 1 MB")
    claims = []
    for number, line in enumerate(content.splitlines(), 1):
        line = line.split("#", 1)[0].strip() if not args.latex else _strip_tex_comment(line)
        if line:
            claims.append((number, line))
    if not claims:
        raise UsageError(f"{args.file} holds no claims")
    return claims


def _strip_tex_comment(line: str) -> str:
    """In LaTeX '%' starts a comment (not '\\%'); '#' comments are accepted too."""
    out = []
    for i, ch in enumerate(line):
        if ch in "%#" and (i == 0 or line[i - 1] != "\\"):
            break
        out.append(ch)
    return "".join(out).strip()


def run_check(args) -> int:
    from derive.parsing import InputError, parse_assumptions, parse_claim
    from derive.verify import Status, verify_many

    if args.timeout <= 0 or args.timeout > 3600:
        raise UsageError("--timeout must be between 0 and 3600 seconds")
    if not 1 <= args.jobs <= 64:
        raise UsageError("--jobs must be between 1 and 64")
    claims = _read_claims(args)
    assumptions = parse_assumptions(args.assume)
    rows: list = [None] * len(claims)
    parsed, where = [], []
    for k, (line, textual) in enumerate(claims):
        try:
            parsed.append(parse_claim(textual, assumptions, latex=args.latex,
                                      functions=args.function))
            where.append(k)
        except InputError as err:
            if len(claims) == 1:
                raise
            rows[k] = (line, textual, f"cannot read: {err}")
    with _progress(len(parsed)) as advance:
        for index, verdict in verify_many(parsed, assumptions, args.timeout, args.jobs):
            k = where[index]
            rows[k] = (claims[k][0], claims[k][1], verdict)
            advance()

    verdicts = [row[2] for row in rows]
    _print_verdicts(args, rows)
    if any(isinstance(v, str) for v in verdicts):
        return EXIT_USAGE
    return EXIT_OK if all(v.status in (Status.PROVED, Status.NUMERIC) for v in verdicts) \
        else EXIT_FAIL


@contextmanager
def _progress(total: int):
    """A progress bar on stderr for long runs in a terminal. No refresh thread: claims run in
    forked children, and forking next to a live thread is asking for trouble."""
    if total < 8 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=sys.stderr), auto_refresh=False, transient=True) as bar:
        task = bar.add_task("checking", total=total)

        def advance():
            bar.advance(task)
            bar.refresh()

        yield advance


def _print_verdicts(args, rows) -> None:
    from derive import render

    with _console(args) as console:
        if args.format == "json":
            for line, claim, verdict in rows:
                if isinstance(verdict, str):
                    record = {"claim": claim, "line": line, "status": "INVALID", "error": verdict}
                else:
                    record = {"line": line, **render.verdict_dict(verdict, claim)}
                _emit(console, args, json.dumps(record, ensure_ascii=False))
            return
        if args.format in ("markdown", "latex"):
            show = render.verdict_markdown if args.format == "markdown" else render.verdict_latex
            for line, claim, verdict in rows:
                if isinstance(verdict, str):
                    comment = "<!-- line %d: %s -->" if args.format == "markdown" else "%% line %d: %s"
                    _emit(console, args, comment % (line, verdict))
                else:
                    _emit(console, args, show(verdict, claim))
            return
        if len(rows) == 1:
            console.print(render.verdict_rich(rows[0][2], rows[0][1]))
            return
        console.print(render.verdicts_table(rows))
        counts = render.totals(row[2] for row in rows)
        console.print("  ".join(f"{k.lower()}: {n}" for k, n in counts.items() if n))


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (tests call this in-process)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_USAGE
        return args.run(args)
    except UsageError as err:
        return _fail(str(err))
    except ValueError as err:  # InputError (bad user text) and the API's own ValueErrors
        return _fail(str(err).splitlines()[0] if str(err) else type(err).__name__)
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # a bug must still not show a traceback to the user
        return _fail(f"internal error ({type(err).__name__}): {str(err).splitlines()[0] if str(err) else ''}")


def _fail(message: str) -> int:
    print(f"derive: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
