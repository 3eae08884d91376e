"""One function a command: read the arguments, call the use case (`derive.api`), render the record,
write it, and say the exit status. SymPy is imported only inside the commands."""

from __future__ import annotations

import enum

from derive import api
from derive.cli import io
from derive.cli.parser import UsageError


class ExitStatus(enum.IntEnum):
    OK = 0         # success; every claim holds
    FAILED = 1     # a claim is refuted or undecided, a step does not check, a cross-check fails
    USAGE = 2      # bad input or usage


def _options(args):
    from derive.render import RenderOptions
    return RenderOptions(standalone=getattr(args, "standalone", False),
                         verbose=getattr(args, "verbose", False), command=_command(args))


def _command(args) -> str:
    """The command as typed, without where its output went: a document's provenance."""
    import shlex
    words, skip = [], False
    for word in getattr(args, "argv", []):
        if skip:
            skip = False
        elif word in ("-o", "--output"):
            skip = True
        elif not (word.startswith("--output=") or word.startswith("-o")
                  and not word.startswith("--")):
            words.append(word)
    return "derive " + shlex.join(words)


def _show(record, args, inputs=()) -> None:
    from derive.render import render
    io.emit(render(record, args.format, _options(args)), args.output, inputs)


def _derivations_status(derivations) -> ExitStatus:
    """OK when every step and result checks; else FAILED, naming the first step that does not."""
    for d in derivations:
        for number, step, verdict in d.failures():
            io.say(f"derive: step {number} of '{d.title}' does not check "
                   f"({'; '.join(step.rule_names)}): {verdict.status.value}")
            return ExitStatus.FAILED
        if d.reference_verdict is not None and not d.reference_verdict.status.holds:
            io.say(f"derive: the result of '{d.title}' differs from {d.reference.against}")
            return ExitStatus.FAILED
    return ExitStatus.OK


def check(args) -> ExitStatus:
    from derive.results import Numbered

    if args.file and args.claim:
        raise UsageError("give either a CLAIM or --file, not both")
    if args.claim is not None:
        claims = [Numbered(1, args.claim)]
    elif args.file:
        claims = api.claims_in(io.read_text(args.file, api.MAX_FILE), args.latex)
        if not claims:
            raise UsageError(f"{args.file} holds no claims")
    else:
        raise UsageError("nothing to check: give a CLAIM or --file FILE (see 'derive check --help')")
    with io.progress(len(claims)) as advance:
        run = api.check(claims, args.assume, args.latex, args.function, args.timeout, args.jobs,
                        advance, args.where)
    _show(run, args, [args.file])
    if run.any_unreadable:
        return ExitStatus.USAGE
    return ExitStatus.OK if run.all_hold else ExitStatus.FAILED


def _step_by_step(use_case):
    """A command that shows checked derivations: fails when one of them does not check."""
    def command(args) -> ExitStatus:
        result = use_case(args)
        _show(result, args)
        return _derivations_status(result.derivations)
    return command


diff = _step_by_step(lambda a: api.differentiate(a.expr, a.wrt, a.order, a.latex, a.timeout))
gradient = _step_by_step(lambda a: api.gradient(a.expr, a.vars, a.latex, a.timeout))
rule = _step_by_step(lambda a: api.rule(a.name, a.expr, a.latex, a.timeout))
extrema = _step_by_step(lambda a: api.extrema(a.expr, a.vars, a.latex, a.timeout))
pairs = _step_by_step(lambda a: api.cancelling_pairs(a.timeout))


def backprop(args) -> ExitStatus:
    try:
        document = api.backprop(args.activation, args.output_activation, args.cost, args.layers,
                                args.force, args.timeout)
    except api.Incompatible as err:
        raise UsageError(f"{err}, or --force") from None
    _show(document, args)
    status = _derivations_status(document.derivations)
    if status is ExitStatus.OK and document.proof is not None and not document.proof.holds:
        io.say("derive: the explicit network does not agree with the recurrence")
        return ExitStatus.FAILED
    return status


def audit(args) -> ExitStatus:
    api.check_jobs(args.jobs)
    api.check_timeout(args.timeout)
    if args.annotate and not args.files:
        raise UsageError("--annotate writes a copy of a FILE: give the FILE")
    if args.macros and not args.files:
        raise UsageError("--macros holds commands the FILEs use: give the FILEs")
    if not args.files:
        with io.progress(60) as advance:
            report = api.audit_tutorial(args.timeout, args.jobs, advance)
        _show(report, args)
        return ExitStatus.FAILED if report.refuted else ExitStatus.OK
    if len(args.files) > 1 and args.output:
        raise UsageError("-o writes one report: give one FILE with it")
    status = ExitStatus.OK
    # each file its own report, as a linter checks each file; all of them decided in one pool
    texts = [io.read_text(path, api.MAX_FILE) for path in args.files]
    macros = "\n".join(io.read_text(path, api.MAX_FILE) for path in args.macros)
    with io.progress(sum(text.count("$") // 2 for text in texts)) as advance:
        reports = api.audit_texts([api.Document(text, path, path.endswith(".tex"))
                                   for path, text in zip(args.files, texts)],
                                  args.timeout, args.jobs, advance, assume=tuple(args.assume),
                                  macros=macros)
    for path, text, report in zip(args.files, texts, reports):
        _show(report, args, args.files)
        if args.annotate:
            copy = api.annotated_path(path)
            io.write_atomically(copy, api.annotate(text, report, path.endswith(".tex")))
            io.say(f"wrote {copy}")
        if report.refuted:
            status = ExitStatus.FAILED
    return status


def export(args) -> ExitStatus:
    import os

    files = api.export_documents()
    try:
        os.makedirs(args.directory, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot write to {args.directory}: {err.strerror}") from None
    for name, content in sorted(files.items()):
        io.write_atomically(os.path.join(args.directory, name), content)
    io.say(f"wrote {len(files)} documents to {args.directory}/")
    return ExitStatus.OK


def mlp(args) -> ExitStatus:
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install 'derive[plot]'") from None
    csv_text = io.read_text(args.data, api.MAX_FILE) if args.data.lower().endswith(".csv") \
        else None
    with io.progress(args.epochs * args.restarts, "training") as advance:
        result = api.train(args.data, args.layers, args.activation, args.output_activation,
                           args.cost, args.epochs, args.lr, args.momentum, args.batch_size,
                           args.seed, args.init, args.restarts, advance, args.timeout,
                           csv_text=csv_text, target=args.target)
    if args.plot:
        _plot(result.loss_curve, args.plot, f"{result.data}: {result.activation}, {result.cost}")
    _show(result, args)
    return ExitStatus.OK if result.check.passed else ExitStatus.FAILED


def codegen(args) -> ExitStatus:
    generated = api.codegen(args.layers, args.activation, args.output_activation, args.cost,
                            args.timeout)
    if args.output:
        io.write_atomically(args.output, generated.source)
        io.say(f"wrote {args.output}")
    else:
        io.emit(generated.source)
    return ExitStatus.OK


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


COMMANDS = {"check": check, "diff": diff, "gradient": gradient, "rule": rule, "extrema": extrema,
            "backprop": backprop, "pairs": pairs, "audit": audit, "export": export, "mlp": mlp,
            "codegen": codegen}
