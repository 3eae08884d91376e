"""The command line's grammar: argparse definitions, with examples in every --help.

Importing this module is cheap (no SymPy): `derive --help` stays fast.
"""

from __future__ import annotations

import argparse
import inspect
import sys

from derive import __version__, api

FORMATS = ("text", "json", "markdown", "latex")


class UsageError(Exception):
    """Bad command-line usage; reported in one line with exit code 2."""


def default(use_case, name: str):
    """The default the use case itself declares: one place for each default."""
    return inspect.signature(use_case).parameters[name].default


class Parser(argparse.ArgumentParser):
    words: list = []   # the command line being parsed, for the subcommands' errors too

    def parse_args(self, args=None, namespace=None):
        Parser.words = list(sys.argv[1:] if args is None else args)
        return super().parse_args(args, namespace)

    def error(self, message):  # one line, exit code 2, instead of argparse's usage dump
        raise UsageError(f"{message}{_dash_hint(message, Parser.words)} "
                         f"(see '{self.prog} --help')")


def _dash_hint(message: str, words: list) -> str:
    """For --cost -y*log(a), which argparse takes for an option: how to give such a value."""
    option = message.removeprefix("argument ").partition(":")[0]
    if not message.endswith("expected one argument") or option not in words:
        return ""
    after = words[words.index(option) + 1:]
    if not after or not after[0].startswith("-") or after[0].startswith("--"):
        return ""
    return f"; a value that starts with '-' goes after '=': {option}='{after[0]}'"


CHECK_EXAMPLES = r"""
examples:
  derive check "diff(x**5, x) = 5*x**4"
  derive check "diff(f(g(x)), x) = diff(f(x), x)*diff(g(x), x)"
  derive check "sqrt(x**2) = x" --assume "x > 0"
  derive check --latex "\frac{d}{dx} \sigma(x) = \sigma(x)(1 - \sigma(x))"
  derive check --file claims.txt --format json
  derive check --latex "\frac{\partial C}{\partial W^l_{jk}} = a^{l-1}_k \delta^l_j" \
      --where "z^{l} = W^{l} a^{l-1} + b^{l}" --where "a^{l} = \sigma(z^{l})" \
      --where "\delta^{l} = \frac{\partial C}{\partial z^{l}}"

syntax:
  SymPy syntax: + - * / ^ (or **), diff(expr, x[, n]), limit(expr, h, 0), sin, cos, tan, exp,
  log, ln, sqrt, tanh, sigmoid, relu, softplus, Max, Min, Abs, Heaviside, pi, e (Euler's number).
  Single letters applied to arguments (f(x), g(x)) are unknown functions.
  LaTeX: \frac{d}{dx}, \frac{\partial f}{\partial x}, f'(x), \sigma(z), \ln, \log, e^{x},
  \lim_{h \to 0}, \sqrt{}, \max(0, z), |x|; layer labels a^l, W^{[l]}, a^{(2)} (names, never
  powers); entries x_i, W^l_{jk}; \sum, \prod, \delta_{ij}; vectors and matrices: \mathbf{x},
  ^\top, \odot, \nabla_x, \|x\|, pmatrix, cases; chains A = B = C and aligned lines.

exit codes: 0 every claim holds, 1 a claim is refuted or undecided, 2 bad input.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="derive", description="Derive and verify the mathematics of neural "
                    "networks, step by step, with SymPy.")
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    parser.add_argument("--no-cache", action="store_true",
                        help="derive everything afresh: neither read nor write the cache of "
                        "derived results (~/.cache/derive, or $DERIVE_CACHE_DIR)")
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
    check.add_argument("--where", action="append", default=[], metavar="LATEX",
                       help="a definition the claims are read with, in LaTeX (repeatable): "
                       r"'z^{l} = W^{l} a^{l-1} + b^{l}', '\sigma(z) = \frac{1}{1+e^{-z}}', "
                       r"'W \in \mathbb{R}^{n \times m}', '\phi \text{ is a function}'")
    _add_claim_limits(check, default(api.check, "jobs"), "in parallel processes")
    _add_output_options(check)
    check.set_defaults(command_name="check")

    diff = commands.add_parser(
        "diff", help="differentiate step by step, every step checked",
        description="Differentiate EXPR step by step: each step names its rule and is re-checked; "
        "the result is compared with SymPy's diff.", epilog=DIFF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("expr", help='the expression, e.g. "(x**4 + 2)*cos(x)"')
    diff.add_argument("--wrt", metavar="VAR", help="the variable (needed with several variables)")
    diff.add_argument("--order", type=int, default=default(api.differentiate, "order"),
                      help="order of the derivative (default 1)")
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
    backprop.add_argument("--activation", default=default(api.backprop, "activation"),
                          help="sigmoid, tanh, relu, identity, softplus, leaky-relu, or an "
                          "expression in z such as 'log(1 + exp(z))' (default sigmoid)")
    backprop.add_argument("--output-activation", metavar="ACTIVATION",
                          help="the last layer's activation: any of the above, or softmax or "
                          "log-softmax, which couple the outputs (default: the same as hidden)")
    backprop.add_argument("--cost", help="squared-error, cross-entropy, categorical-cross-entropy"
                          ", nll (of log-probabilities), or an expression in a and y (default: "
                          "categorical-cross-entropy for softmax, nll for log-softmax, "
                          "cross-entropy when the output is in (0, 1), else squared-error)")
    backprop.add_argument("--layers",
                          help="sizes of the explicit network to prove on (default 2,2,1; 2,2,3 "
                          "for softmax); 'none' skips the proof")
    backprop.add_argument("--force", action="store_true",
                          help="derive even when the cost does not fit the output's range")
    backprop.add_argument("--timeout", type=float, default=api.BACKPROP_TIMEOUT, metavar="SECONDS",
                          help="time limit for each part of the derivation and its checks "
                          f"(default {api.BACKPROP_TIMEOUT:g})")
    backprop.add_argument("--standalone", action="store_true",
                          help="with --format latex: a complete document for pdflatex")
    _add_output_options(backprop, default="latex")
    backprop.set_defaults(command_name="backprop")

    pairs = commands.add_parser(
        "pairs", help="which output activation and cost give delta^L = prediction - target",
        description="Try every output activation (elementwise, softmax, log-softmax) with every "
        "built-in cost whose domain its range fits; show, derived and checked, the pairs whose "
        "output delta is p - y, each with the likelihood its cost is the negative log of, and "
        "list what the others give.",
        epilog="examples:\n  derive pairs --format text\n  derive pairs --format latex "
        "--standalone -o pairs.tex", formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_expression_options(pairs, latex=False)
    pairs.set_defaults(command_name="pairs")

    audit = commands.add_parser(
        "audit", help="audit the tutorial's claims, or the equations of a Markdown/LaTeX file",
        description="With no FILE: decide every checkable claim of the backprop tutorial. With "
        "a FILE (Markdown with $...$, $$...$$, \\[...\\], align/aligned; or .tex): extract its "
        "equations and check each, chains link by link and aligned derivations line by line.",
        epilog="examples:\n  derive audit\n  derive audit notes.md --verbose\n"
        "  derive audit --format markdown -o audit.md\n  derive audit notes.md --format github\n"
        "  derive audit chapter1.md chapter2.tex\n  derive audit notes.md --annotate\n\n"
        "exit codes: 0 nothing is refuted, 1 a formula is refuted, 2 bad input.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    audit.add_argument("files", nargs="*", metavar="FILE",
                       help="Markdown or LaTeX files, each audited on its own (default: the "
                       "tutorial)")
    _add_claim_limits(audit, api.DEFAULT_JOBS, "(default: the number of cores, up to 4)")
    audit.add_argument("--verbose", action="store_true",
                       help="also list the equations that were skipped, with the reason")
    audit.add_argument("--assume", action="append", default=[], metavar="TEXT",
                       help="an assumption for the whole document, such as 'x > 0' (repeatable)")
    audit.add_argument("--macros", action="append", default=[], metavar="FILE",
                       help="LaTeX commands the files use but define elsewhere (a preamble or "
                       "macros file): its \\newcommand, \\def and \\DeclareMathOperator lines "
                       "are read, nothing else")
    audit.add_argument("--annotate", action="store_true",
                       help="write a copy of each FILE (NAME.annotated.md or .tex) with a note "
                       "under each refuted formula")
    audit.add_argument("--standalone", action="store_true",
                       help="with --format latex: a complete document for pdflatex")
    # github: workflow commands (::error file=...,line=...::...) for annotations in a pull request
    _add_output_options(audit, formats=FORMATS + ("github",))
    audit.set_defaults(command_name="audit")

    export = commands.add_parser(
        "export", help="write the derivations/ documents (Markdown and LaTeX)",
        description="Regenerate every published document: backprop for each activation x cost, "
        "the calculus rules, the extrema examples and the tutorial's audit, with an index.")
    export.add_argument("directory", nargs="?", default="derivations",
                        help="where to write (default derivations)")
    export.set_defaults(command_name="export")

    mlp = commands.add_parser(
        "mlp", help="train a network built from the derived formulas, cross-checked",
        description="Train a multi-layer perceptron whose formulas are lambdified from the "
        "derivations, and check its gradients against hand-written backprop and finite "
        "differences. The defaults reproduce the tutorial's XOR experiment.",
        epilog=MLP_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    mlp.add_argument("--data", default=default(api.train, "data"),
                     help="xor, and, or, circles, moons (generated), iris, digits, "
                     "breast_cancer (shipped with scikit-learn), or a FILE.csv with --target "
                     "(default xor)")
    mlp.add_argument("--target", metavar="COLUMN",
                     help="with a CSV file: the column to predict (text or a few integers: "
                     "classes; other numbers: a quantity)")
    mlp.add_argument("--layers",
                     help="layer sizes, input to output (default 2,2,1 for the generated sets; "
                     "else inputs,16,outputs)")
    mlp.add_argument("--activation", default=default(api.train, "activation"),
                     help="hidden activation (default sigmoid)")
    mlp.add_argument("--output-activation", metavar="ACTIVATION",
                     help="output activation (default: softmax for more than two classes, "
                     "identity for a quantity, else the hidden one)")
    mlp.add_argument("--cost", help="squared-error, cross-entropy, categorical-cross-entropy or "
                     "nll (default: categorical-cross-entropy for softmax, cross-entropy for an "
                     "output in (0, 1), else squared-error)")
    mlp.add_argument("--epochs", type=int, default=default(api.train, "epochs"),
                     help="epochs (default 1000)")
    mlp.add_argument("--lr", type=float, default=default(api.train, "learning_rate"),
                     help="learning rate (default 1.0)")
    mlp.add_argument("--momentum", type=float, default=default(api.train, "momentum"),
                     help="momentum alpha (default 0)")
    mlp.add_argument("--batch-size", type=int, help="samples per step (default: all)")
    mlp.add_argument("--seed", type=int, default=default(api.train, "seed"),
                     help="random seed (default 0)")
    mlp.add_argument("--init", choices=("normal", "glorot"), default=default(api.train, "init"),
                     help="initial weights: standard normal as the tutorial (default), or glorot "
                     "(better for wide layers)")
    mlp.add_argument("--restarts", type=int, default=default(api.train, "restarts"),
                     help="train from N random starts, report how many solve the task, keep the "
                     "best (default 1)")
    mlp.add_argument("--timeout", type=float, default=default(api.train, "timeout"),
                     metavar="SECONDS", help="time limit for the training (default "
                     f"{default(api.train, 'timeout'):g})")
    mlp.add_argument("--plot", metavar="PNG", help="save the loss curve (needs matplotlib)")
    mlp.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    mlp.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    mlp.set_defaults(command_name="mlp")

    codegen = commands.add_parser(
        "codegen", help="write a network as a standalone NumPy module from the derived formulas",
        description="Write a Python module that needs only NumPy: the activations, their slopes, "
        "the cost and the output delta as derived and checked, printed by SymPy, with a forward "
        "pass, backpropagation and a gradient-descent step; comments cite the derivation of each "
        "formula. Prints the module, or writes it with -o.", epilog=CODEGEN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    codegen.add_argument("--layers", default=default(api.codegen, "layers"),
                         help="layer sizes, input to output (default 2,2,1)")
    codegen.add_argument("--activation", default=default(api.codegen, "activation"),
                         help="hidden activation: a built-in name or an expression in z "
                         "(default sigmoid)")
    codegen.add_argument("--output-activation", metavar="ACTIVATION",
                         help="output activation (default: the hidden one)")
    codegen.add_argument("--cost", help="squared-error, cross-entropy, or an expression in a and y "
                         "(default: cross-entropy for an output in (0, 1), else squared-error)")
    codegen.add_argument("--timeout", type=float, default=default(api.codegen, "timeout"),
                         metavar="SECONDS", help="time limit for deriving and checking the "
                         f"formulas (default {default(api.codegen, 'timeout'):g})")
    codegen.add_argument("-o", "--output", metavar="FILE", help="write the module to FILE")
    codegen.set_defaults(command_name="codegen")
    for sub, name in ((diff, "diff"), (grad, "gradient"), (rule, "rule"), (extrema, "extrema")):
        sub.set_defaults(command_name=name)
    return parser


DIFF_EXAMPLES = r"""
examples:
  derive diff "x**5"
  derive diff "(x**4 + 2)*cos(x)" --format latex --standalone -o product.tex
  derive diff "x**4*y" --wrt x
  derive diff "sigmoid(z)" --format markdown
  derive diff "\sin(x^2)" --latex --order 2
"""


def _add_expression_options(sub, latex: bool = True) -> None:
    if latex:
        sub.add_argument("--latex", action="store_true", help="read the expression as LaTeX")
    sub.add_argument("--timeout", type=float, default=api.DERIVATION_TIMEOUT, metavar="SECONDS",
                     help="time limit for the whole derivation and its checks "
                     f"(default {api.DERIVATION_TIMEOUT:g})")
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
  derive backprop --activation relu --output-activation softmax --cost categorical-cross-entropy
"""


MLP_EXAMPLES = r"""
examples:
  derive mlp                                   # the tutorial's XOR: 2,2,1 sigmoid, 1000 epochs
  derive mlp --restarts 20                     # how often does XOR get solved from random starts?
  derive mlp --data circles --layers 2,8,1 --activation tanh --output-activation sigmoid
  derive mlp --data moons --layers 2,16,16,1 --activation relu --output-activation sigmoid \
             --init glorot --lr 0.1 --momentum 0.9 --batch-size 32 --plot loss.png
  derive mlp --data iris --activation tanh --epochs 300 --lr 0.5      # softmax over 3 classes
  derive mlp --data digits --activation relu --init glorot --lr 0.1 --batch-size 32 --epochs 30
  derive mlp --data measurements.csv --target species --activation tanh
"""


CODEGEN_EXAMPLES = r"""
examples:
  derive codegen                                # the tutorial's 2,2,1 sigmoid network
  derive codegen --layers 2,3,1 -o net.py       # then: import net; net.train_step(...)
  derive codegen --layers 3,4,2 --activation tanh --output-activation sigmoid \
                 --cost squared-error -o tanh_net.py
  derive codegen --activation relu --output-activation identity
  derive codegen --activation "log(1 + exp(z))" -o softplus_net.py
"""


def _add_claim_limits(sub, jobs: int, jobs_help: str) -> None:
    sub.add_argument("--timeout", type=float, default=api.CHECK_TIMEOUT, metavar="SECONDS",
                     help=f"CPU seconds per claim (default {api.CHECK_TIMEOUT:g}): what is decided "
                     "does not depend on the load; a claim that waits is stopped at 3x that on "
                     "the clock")
    sub.add_argument("--jobs", type=int, default=jobs, metavar="N",
                     help=f"check N claims at a time {jobs_help}")


def _add_output_options(sub, default: str = "text", formats: tuple = FORMATS) -> None:
    sub.add_argument("--format", choices=formats, default=default,
                     help=f"output format (default {default})")
    sub.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
