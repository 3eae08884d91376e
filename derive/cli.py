"""The command line: argparse in, engine calls, rendered output out.

This is the only module that prints or decides exit codes: 0 success (every claim holds), 1 a claim
is refuted or undecided, 2 bad input or usage. Errors are one line on stderr, never a traceback.
SymPy is imported only inside the commands, so `derive --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

    diff = commands.add_parser(
        "diff", help="differentiate step by step, every step checked",
        description="Differentiate EXPR step by step: each step names its rule and is re-checked; "
        "the result is compared with SymPy's diff.", epilog=DIFF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("expr", help='the expression, e.g. "(x**4 + 2)*cos(x)"')
    diff.add_argument("--wrt", metavar="VAR", help="the variable (needed with several variables)")
    diff.add_argument("--order", type=int, default=1, help="order of the derivative (default 1)")
    _add_expression_options(diff)

    grad = commands.add_parser(
        "gradient", help="the gradient: every partial derivative, step by step",
        description="The vector of partial derivatives of EXPR, each derived step by step.",
        epilog='examples:\n  derive gradient "2*x**2 + 4*y"\n  derive gradient "x**2*y + z" '
        '--vars x,y,z --format latex', formatter_class=argparse.RawDescriptionHelpFormatter)
    grad.add_argument("expr", help='the expression, e.g. "2*x**2 + 4*y"')
    grad.add_argument("--vars", metavar="X,Y", help="variables in order (default: all, sorted)")
    _add_expression_options(grad)

    rule = commands.add_parser(
        "rule", help="a general rule derived from first principles",
        description="Derive a rule of differentiation from the limit definition, checked.",
        epilog="rules: derivative (with --expr for a given function), power, product, quotient, "
        "chain, examples (the tutorial's worked examples)\n\nexamples:\n  derive rule power\n"
        '  derive rule derivative --expr "x**3"\n  derive rule chain --format markdown',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    rule.add_argument("name", help="derivative, power, product, quotient, chain or examples")
    rule.add_argument("--expr", help="for 'derivative': the function to work the limit out for")
    _add_expression_options(rule)

    extrema = commands.add_parser(
        "extrema", help="critical points and the second-derivative tests",
        description="Critical points of EXPR (gradient = 0 over the reals), classified by the "
        "second-derivative test (1 variable, with the higher-order test when it fails), by "
        "rt - s^2 (2 variables) or by the Hessian's eigenvalues (n variables); global extrema "
        "where they can be decided.",
        epilog='examples:\n  derive extrema "x**3 - 3*x"\n  derive extrema "x**3 + y**3 - 3*x*y"'
        '\n  derive extrema "x**2 + y**2 + z**2 - x*y" --format json',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    extrema.add_argument("expr", help='the function, e.g. "x**3 - 3*x"')
    extrema.add_argument("--vars", metavar="X,Y", help="variables in order (default: all, sorted)")
    _add_expression_options(extrema)
    backprop = commands.add_parser(
        "backprop", help="per-layer backpropagation formulas, derived and checked",
        description="Derive every per-layer backpropagation formula from z^m = W^m a^(m-1) + b^m "
        "and a^m = sigma(z^m) for a chosen activation and cost, step by step, each step checked, "
        "and prove it on an explicit network.", epilog=BACKPROP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    backprop.add_argument("--activation", default="sigmoid",
                          help="sigmoid, tanh, relu, identity, softplus, leaky-relu, or an "
                          "expression in z such as 'log(1 + exp(z))' (default sigmoid)")
    backprop.add_argument("--output-activation", metavar="ACTIVATION",
                          help="the last layer's activation (default: the same)")
    backprop.add_argument("--cost", help="squared-error, cross-entropy, or an expression in a and "
                          "y (default: cross-entropy when the output is in (0, 1), else "
                          "squared-error)")
    backprop.add_argument("--layers", default="2,2,1",
                          help="sizes of the explicit network to prove on (default 2,2,1); "
                          "'none' skips the proof")
    backprop.add_argument("--force", action="store_true",
                          help="derive even when the cost does not fit the output's range")
    backprop.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                          help="time limit for the derivation and its checks (default 300)")
    backprop.add_argument("--standalone", action="store_true",
                          help="with --format latex: a complete document for pdflatex")
    _add_output_options(backprop, default="latex")
    backprop.set_defaults(run=run_backprop)

    audit = commands.add_parser(
        "audit", help="audit the tutorial's claims, or the equations of a Markdown/LaTeX file",
        description="With no FILE: decide every checkable claim of the backprop tutorial. With "
        "a FILE (Markdown with $...$, $$...$$, \\[...\\], align/aligned; or .tex): extract its "
        "equations and check each, chains link by link and aligned derivations line by line.",
        epilog="examples:\n  derive audit\n  derive audit notes.md --verbose\n"
        "  derive audit --format markdown -o audit.md\n\nexit codes: 0 every claim holds, 1 a "
        "claim is refuted, 2 bad input.", formatter_class=argparse.RawDescriptionHelpFormatter)
    audit.add_argument("file", nargs="?", help="a Markdown or LaTeX file (default: the tutorial)")
    audit.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                       help="check N claims at a time (default: the number of cores, up to 4)")
    audit.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                       help="time limit per claim (default 5)")
    audit.add_argument("--verbose", action="store_true",
                       help="also list the equations that were skipped, with the reason")
    audit.add_argument("--standalone", action="store_true",
                       help="with --format latex: a complete document for pdflatex")
    _add_output_options(audit)
    audit.set_defaults(run=run_audit)

    export = commands.add_parser(
        "export", help="write the derivations/ documents (Markdown and LaTeX)",
        description="Regenerate every published document: backprop for each activation x cost, "
        "the calculus rules, the extrema examples and the tutorial's audit, with an index.")
    export.add_argument("directory", nargs="?", default="derivations",
                        help="where to write (default derivations)")
    export.set_defaults(run=run_export)

    mlp = commands.add_parser(
        "mlp", help="train a network built from the derived formulas, cross-checked",
        description="Train a multi-layer perceptron whose formulas are lambdified from the "
        "derivations, and check its gradients against hand-written backprop and finite "
        "differences. The defaults reproduce the tutorial's XOR experiment.",
        epilog=MLP_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    mlp.add_argument("--data", default="xor", help="xor, and, or, circles or moons (default xor)")
    mlp.add_argument("--layers", default="2,2,1", help="layer sizes, input to output (default 2,2,1)")
    mlp.add_argument("--activation", default="sigmoid", help="hidden activation (default sigmoid)")
    mlp.add_argument("--output-activation", metavar="ACTIVATION",
                     help="output activation (default: the hidden one)")
    mlp.add_argument("--cost", help="squared-error or cross-entropy (default: cross-entropy for an "
                     "output in (0, 1), else squared-error)")
    mlp.add_argument("--epochs", type=int, default=1000, help="epochs (default 1000)")
    mlp.add_argument("--lr", type=float, default=1.0, help="learning rate (default 1.0)")
    mlp.add_argument("--momentum", type=float, default=0.0, help="momentum alpha (default 0)")
    mlp.add_argument("--batch-size", type=int, help="samples per step (default: all)")
    mlp.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    mlp.add_argument("--init", choices=("normal", "glorot"), default="normal",
                     help="initial weights: standard normal as the tutorial (default), or glorot "
                     "(better for wide layers)")
    mlp.add_argument("--restarts", type=int, default=1,
                     help="train from N random starts, report how many solve the task, keep the "
                     "best (default 1)")
    mlp.add_argument("--plot", metavar="PNG", help="save the loss curve (needs matplotlib)")
    mlp.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    mlp.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    mlp.set_defaults(run=run_mlp)
    for sub, run in ((diff, run_diff), (grad, run_gradient), (rule, run_rule),
                     (extrema, run_extrema)):
        sub.set_defaults(run=run)
    return parser


DIFF_EXAMPLES = r"""
examples:
  derive diff "x**5"
  derive diff "(x**4 + 2)*cos(x)" --format latex --standalone -o product.tex
  derive diff "x**4*y" --wrt x
  derive diff "sigmoid(z)" --format markdown
  derive diff "\sin(x^2)" --latex --order 2
"""


def _add_expression_options(sub) -> None:
    sub.add_argument("--latex", action="store_true", help="read the expression as LaTeX")
    sub.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                     help="time limit for the whole derivation and its checks (default 60)")
    sub.add_argument("--standalone", action="store_true",
                     help="with --format latex: a complete document for pdflatex")
    _add_output_options(sub)


BACKPROP_EXAMPLES = r"""
examples:
  derive backprop --activation sigmoid --cost cross-entropy
  derive backprop --activation tanh --output-activation sigmoid --format markdown
  derive backprop --activation relu --cost squared-error --layers 2,3,3,1 --format text
  derive backprop --activation "log(1 + exp(z))" --format latex --standalone -o softplus.tex
  derive backprop --activation "1/(1 + exp(-beta*z))" --format json
"""


MLP_EXAMPLES = r"""
examples:
  derive mlp                                   # the tutorial's XOR: 2,2,1 sigmoid, 1000 epochs
  derive mlp --restarts 20                     # how often does XOR get solved from random starts?
  derive mlp --data circles --layers 2,8,1 --activation tanh --output-activation sigmoid
  derive mlp --data moons --layers 2,16,16,1 --activation relu --output-activation sigmoid \
             --init glorot --lr 0.1 --momentum 0.9 --batch-size 32 --plot loss.png
"""


def _add_output_options(sub, default: str = "text") -> None:
    sub.add_argument("--format", choices=FORMATS, default=default,
                     help=f"output format (default {default})")
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
def _progress(total: int, what: str = "checking"):
    """A progress bar on stderr for long runs in a terminal. No refresh thread: claims run in
    forked children, and forking next to a live thread is asking for trouble. Redrawn at most
    about 50 times, so a fast loop is not slowed by it."""
    if total < 8 or not sys.stderr.isatty():
        yield lambda: None
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
# derive diff / gradient / rule / extrema
# --------------------------------------------------------------------------------------------------

def _expression(args):
    from derive.parsing import parse_expression
    if args.latex:
        from derive.latex import parse_latex
        return parse_latex(args.expr)
    return parse_expression(args.expr)


def _variables(expr, names: str | None, single: bool = False) -> list:
    free = sorted(expr.free_symbols, key=str)
    if names is None:
        if not free:
            raise UsageError("the expression has no variable")
        if single and len(free) > 1:
            raise UsageError("the expression has variables " + ", ".join(map(str, free))
                             + ": say which with --wrt")
        return free[:1] if single else free
    chosen = []
    by_name = {str(v): v for v in free}
    for name in (n.strip() for n in names.split(",")):
        if name not in by_name:
            raise UsageError(f"variable {name!r} does not appear in the expression"
                             + (f" (it has {', '.join(by_name)})" if by_name else ""))
        chosen.append(by_name[name])
    if len(set(chosen)) != len(chosen):
        raise UsageError("a variable is listed twice")
    return chosen


def _in_sandbox(task, task_args: tuple, timeout: float):
    """Run engine work in a killable child; its result, or a one-line error."""
    from derive.sandbox import run_one

    if not 0 < timeout <= 3600:
        raise UsageError("--timeout must be between 0 and 3600 seconds")
    outcome = run_one(_reporting(task), task_args, timeout)
    if outcome.final and outcome.value is not None:
        value = outcome.value
        if isinstance(value, tuple) and value and value[0] == "error":
            raise UsageError(value[1])
        return value
    reason = {"timeout": f"time limit of {timeout:g} s reached (raise it with --timeout)",
              "memory": "memory limit reached"}.get(outcome.reason, outcome.reason)
    raise UsageError(f"the derivation did not finish: {reason}")


def _reporting(task):
    def run(*args, report):
        from derive.parsing import InputError
        try:
            report(task(*args))
        except InputError as err:
            report(("error", str(err)))
    return run


def _derive_and_check(make, args):
    return [d.check() for d in make(*args)]


def run_diff(args) -> int:
    from derive.calculus import differentiate

    if not 1 <= args.order <= 20:
        raise UsageError("--order must be between 1 and 20")
    expr = _expression(args)
    (x,) = _variables(expr, args.wrt, single=True)
    derivations = _in_sandbox(_derive_and_check, (lambda: [differentiate(expr, x, args.order)], ()),
                              args.timeout)
    return _print_derivations(args, derivations, f"Derivative of {args.expr}")


def run_gradient(args) -> int:
    from derive.calculus import gradient

    expr = _expression(args)
    variables = _variables(expr, args.vars)
    derivations = _in_sandbox(_derive_and_check, (lambda: gradient(expr, variables), ()),
                              args.timeout)
    return _print_derivations(args, derivations, f"Gradient of {args.expr}")


def run_rule(args) -> int:
    from derive import rules

    if args.name not in rules.RULES:
        raise UsageError(f"unknown rule {args.name!r}; choose from {', '.join(rules.RULES)}")
    if args.expr is not None and args.name != "derivative":
        raise UsageError("--expr goes with the rule 'derivative'")

    def make():
        if args.expr is not None:
            out = rules.derivative(_expression(argparse.Namespace(expr=args.expr,
                                                                  latex=args.latex)))
        else:
            out = rules.RULES[args.name]()
        return out if isinstance(out, list) else [out]

    derivations = _in_sandbox(_check_rules, (make,), args.timeout)
    return _print_derivations(args, derivations, f"The {args.name} rule")


def _check_rules(make):
    from derive.parsing import parse_assumptions
    return [d.check(parse_assumptions(list(d.assumptions)) if d.assumptions else None)
            for d in make()]


def run_extrema(args) -> int:
    from derive import render

    expr = _expression(args)
    variables = _variables(expr, args.vars)
    result = _in_sandbox(_extrema_checked, (expr, variables), args.timeout)
    with _console(args) as console:
        if args.format == "json":
            _emit(console, args, json.dumps(render.extrema_dict(result), ensure_ascii=False))
        elif args.format == "latex":
            body = render.extrema_latex(result) + render.derivations_latex(result.derivations)
            if args.standalone:
                body = ("\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n"
                        "\\begin{document}\n\\section*{Extrema of $"
                        + render.tex(result.expr) + "$}\n" + body + "\\end{document}\n")
            _emit(console, args, body)
        elif args.format == "markdown":
            _emit(console, args, render.extrema_markdown(result) + "\n"
                  + "\n".join(render.derivation_markdown(d) for d in result.derivations))
        else:
            console.print(render.extrema_rich(result))
    return _exit_for(result.derivations)


def _extrema_checked(expr, variables):
    from dataclasses import replace
    from derive.extrema import find_extrema
    result = find_extrema(expr, variables)
    return replace(result, derivations=tuple(d.check() for d in result.derivations))


def _layers(text: str, largest: int = 8, parameters: int = 200):
    """Layer sizes; the explicit symbolic proof keeps them small, a numeric network need not."""
    if text.strip().lower() == "none":
        return None
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise UsageError(f"--layers takes sizes like 2,2,1, not {text!r}") from None
    if len(sizes) < 2 or any(not 1 <= n <= largest for n in sizes):
        raise UsageError(f"--layers needs at least two sizes, each between 1 and {largest}")
    if sum(a * b + b for a, b in zip(sizes, sizes[1:])) > parameters:
        raise UsageError(f"--layers: at most {parameters} weights and biases")
    return sizes


def run_backprop(args) -> int:
    from derive import render
    from derive.activations import activation
    from derive.backprop import derive_backprop
    from derive.costs import compatible, cost

    layers = _layers(args.layers)
    hidden = activation(args.activation)
    output = activation(args.output_activation) if args.output_activation else hidden
    if args.cost is None:
        unit = output.output_range is not None and output.output_range.is_subset(
            __import__("sympy").Interval.open(0, 1))
        chosen = cost("cross-entropy" if unit else "squared-error")
    else:
        chosen = cost(args.cost)
    problem = compatible(output, chosen)
    notes = []
    if problem:
        if not args.force:
            raise UsageError(problem)
        notes.append("forced: " + problem.split(";")[0])
    document = _in_sandbox(derive_backprop, (hidden, output, chosen, layers, tuple(notes)),
                           args.timeout)
    with _console(args) as console:
        if args.format == "json":
            _emit(console, args, json.dumps(render.backprop_dict(document), ensure_ascii=False))
        elif args.format == "latex":
            _emit(console, args, render.backprop_latex(document, args.standalone))
        elif args.format == "markdown":
            _emit(console, args, render.backprop_markdown(document))
        else:
            console.print(render.backprop_rich(document))
    code = _exit_for(document.derivations)
    if code == EXIT_OK and document.proof is not None and not document.proof.holds:
        print("derive: the explicit network does not agree with the recurrence", file=sys.stderr)
        return EXIT_FAIL
    return code


def run_audit(args) -> int:
    from derive import render
    from derive.audit import audit_claims, audit_tutorial, read_document

    if not 1 <= args.jobs <= 64 or not 0 < args.timeout <= 3600:
        raise UsageError("--jobs must be 1..64 and --timeout between 0 and 3600 seconds")
    if args.file is None:
        with _progress(60) as advance:
            report = audit_tutorial(args.timeout, args.jobs, progress=advance)
    else:
        try:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read(5_000_001)
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read {args.file}: "
                             f"{getattr(err, 'strerror', None) or err}") from None
        if len(text) > 5_000_000:
            raise UsageError(f"{args.file} is larger than 5 MB")
        if args.file.endswith(".tex"):
            text = re.sub(r"(?<!\\)%.*", "", text)   # LaTeX comments
        claims, skipped = read_document(text)
        with _progress(len(claims)) as advance:
            report = audit_claims(claims, args.file, args.timeout, args.jobs, skipped=skipped,
                                  progress=advance)
    with _console(args) as console:
        if args.format == "json":
            _emit(console, args, json.dumps(render.report_dict(report), ensure_ascii=False))
        elif args.format == "markdown":
            _emit(console, args, render.report_markdown(report, args.verbose))
        elif args.format == "latex":
            _emit(console, args, render.report_latex(report, args.standalone, args.verbose))
        else:
            console.print(render.report_rich(report, args.verbose))
    return EXIT_FAIL if report.refuted else EXIT_OK


def run_export(args) -> int:
    from derive.documents import build

    files = _in_sandbox(build, (), 1800.0)
    try:
        os.makedirs(args.directory, exist_ok=True)
        for name, content in sorted(files.items()):
            with open(os.path.join(args.directory, name), "w", encoding="utf-8") as handle:
                handle.write(content)
    except OSError as err:
        raise UsageError(f"cannot write to {args.directory}: {err.strerror}") from None
    print(f"wrote {len(files)} documents to {args.directory}/")
    return EXIT_OK


def _check_specs(activation_spec, output_spec, cost_spec):
    """Derive the activations and cost (SymPy on user text: in the sandbox, under a time limit)."""
    from derive.activations import activation
    from derive.costs import compatible, cost
    hidden = activation(activation_spec)
    output = activation(output_spec)
    if cost_spec is None:
        import sympy as sp
        unit = output.output_range is not None and output.output_range.is_subset(
            sp.Interval.open(0, 1))
        cost_spec = "cross-entropy" if unit else "squared-error"
    problem = compatible(output, cost(cost_spec))
    if problem:
        return ("error", problem.split(";")[0])
    del hidden
    return cost_spec


def run_mlp(args) -> int:
    from derive.numeric.data import GATES, dataset
    from derive.numeric.gradcheck import cross_check
    from derive.numeric.mlp import MLP

    layers = _layers(args.layers, largest=4096, parameters=10_000_000)
    if layers is None:
        raise UsageError("--layers needs sizes, e.g. 2,2,1")
    if not 1 <= args.epochs <= 1_000_000 or not 1 <= args.restarts <= 1000:
        raise UsageError("--epochs must be 1..1000000 and --restarts 1..1000")
    if args.lr <= 0 or not 0 <= args.momentum < 1:
        raise UsageError("--lr must be > 0 and --momentum in [0, 1)")
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install 'derive[plot]'") from None
    X, y = dataset(args.data, rng=args.seed)
    if layers[0] != X.shape[1] or layers[-1] != 1:
        raise UsageError(f"--layers must start with {X.shape[1]} (the inputs of {args.data}) and "
                         "end with 1 (one output)")
    output_spec = args.output_activation or args.activation
    cost_name = _in_sandbox(_check_specs, (args.activation, output_spec, args.cost), 60.0)

    models, solved = [], 0
    with _progress(args.epochs * args.restarts, "training") as advance:
        for restart in range(args.restarts):
            model = MLP(hidden_layer_sizes=layers[1:-1], activation=args.activation,
                        output_activation=output_spec, cost=cost_name, learning_rate=args.lr,
                        momentum=args.momentum, max_iter=args.epochs, batch_size=args.batch_size,
                        random_state=args.seed + restart, init=args.init)
            model.fit(X, y, on_epoch=lambda r, e, loss: advance())
            accuracy = model.score(X, y)
            solved += accuracy == 1.0 if args.data in GATES else accuracy >= 0.95
            models.append((model.loss_, restart, model, accuracy))
    loss_, best_restart, best, accuracy = min(models, key=lambda m: m[0])
    check = cross_check(layers, args.activation, output_spec, cost_name,
                        params=list(zip(best.coefs_, best.intercepts_)), X=X, Y=y.reshape(-1, 1))
    outputs = best.predict_proba(X)[:, 1] if best._is_classifier() else best.predict(X)
    quantized = best.predict(X)
    if args.plot:
        _plot(best.loss_curve_, args.plot, f"{args.data}: {args.activation}, {cost_name}")
    result = {
        "data": args.data, "layers": list(layers), "activation": args.activation,
        "output_activation": output_spec, "cost": cost_name, "epochs": args.epochs,
        "learning_rate": args.lr, "momentum": args.momentum, "seed": args.seed,
        "restarts": args.restarts, "solved": int(solved), "best_restart": best_restart,
        "final_loss": loss_, "accuracy": accuracy,
        "predictions": [{"input": row.tolist(), "output": float(o), "quantized": int(q)
                         if best._is_classifier() else float(q), "target": float(t)}
                        for row, o, q, t in zip(X, outputs, quantized, y)],
        "cross_check": {"compiled_vs_hand_written": check.compiled_vs_hand,
                        "compiled_vs_finite_differences": check.compiled_vs_fd,
                        "hand_written_vs_finite_differences": check.hand_vs_fd,
                        "passed": check.passed},
    }
    with _console(args) as console:
        if args.format == "json":
            _emit(console, args, json.dumps(result))
        else:
            from derive import render
            console.print(render.mlp_rich(result))
    return EXIT_OK if check.passed else EXIT_FAIL


def _plot(curve, path: str, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(range(1, len(curve) + 1), curve)
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.set_yscale("log")
    try:
        figure.savefig(path, dpi=100, bbox_inches="tight")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
    finally:
        plt.close(figure)


def _print_derivations(args, derivations, title: str) -> int:
    from derive import render

    with _console(args) as console:
        if args.format == "json":
            _emit(console, args, json.dumps([render.derivation_dict(d) for d in derivations],
                                            ensure_ascii=False))
        elif args.format == "latex":
            _emit(console, args, render.derivations_latex(derivations, args.standalone, title))
        elif args.format == "markdown":
            _emit(console, args, "\n".join(render.derivation_markdown(d) for d in derivations))
        else:
            for d in derivations:
                console.print(render.derivation_rich(d))
    return _exit_for(derivations)


def _exit_for(derivations) -> int:
    """0 when every step and result checks; else 1, naming the first step that does not."""
    for d in derivations:
        for number, step, verdict in d.failures():
            print(f"derive: step {number} of '{d.title}' does not check ({step.rule}): "
                  f"{verdict.status.value}", file=sys.stderr)
            return EXIT_FAIL
        if d.reference_verdict is not None and not d.reference_verdict.status.holds:
            print(f"derive: the result of '{d.title}' differs from {d.reference[2]}",
                  file=sys.stderr)
            return EXIT_FAIL
    return EXIT_OK


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
