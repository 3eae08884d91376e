"""The use cases, as functions returning records. Every default and policy of the tool is here.

Each use case reads the user's text (`derive.text`), runs the heavy work once through the pool of
killable workers (`engine.isolation`, one deadline per task), and returns a record for
`derive.render`. Nothing here prints. Bad input raises `InputError` (a `ValueError` with a one-line
message); work that did not finish raises `Stopped`; a cost that does not fit the output raises
`Incompatible`, which carries the record of why.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from derive.engine import cache, isolation
from derive.text import InputError

Progress = Callable[[], None] | None

CHECK_TIMEOUT = 5.0          # seconds per claim
DERIVATION_TIMEOUT = 60.0    # seconds for a step-by-step derivation and its checks
BACKPROP_TIMEOUT = 300.0     # seconds for each part of a backprop document
MAX_TIMEOUT = 3600.0
MAX_JOBS = 64
DEFAULT_JOBS = min(4, os.cpu_count() or 1)
MAX_ORDER = 20
MAX_FILE = 5_000_000         # characters of a document or claims file
PROOF_LAYERS = dict(largest=8, parameters=200)             # the explicit symbolic proof stays small
TRAINING_LAYERS = dict(largest=4096, parameters=10_000_000)
MAX_EPOCHS, MAX_RESTARTS = 1_000_000, 1000
TRAINING_TIMEOUT = 600.0     # seconds for all the training of `derive mlp`
READ_TIMEOUT = 120.0         # seconds to read a whole document (each line has 2 s of its own)


class Stopped(Exception):
    """Work that did not finish: `reason` is 'timeout', 'memory' or 'crash: ...'."""

    def __init__(self, reason: str, timeout: float):
        super().__init__(reason)
        self.reason, self.timeout = reason, timeout


class Incompatible(InputError):
    """A cost whose domain the output activation's range leaves (`problem` says how)."""

    def __init__(self, problem):
        super().__init__(f"{problem.reason}; {problem.remedy}")
        self.problem = problem

    def __reduce__(self):  # raised in a worker, raised again in the caller
        return (Incompatible, (self.problem,))


# -- checks of the settings ------------------------------------------------------------------------

def check_timeout(timeout: float) -> float:
    if not 0 < timeout <= MAX_TIMEOUT:  # also refuses nan
        raise InputError(f"--timeout must be between 0 and {MAX_TIMEOUT:g} seconds")
    return timeout


def check_jobs(jobs: int) -> int:
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be between 1 and {MAX_JOBS}")
    return jobs


def wall_limit(timeout: float) -> float:
    """The pool's kill for a claim whose budget is `timeout` CPU seconds: a claim decides within
    its CPU budget, so on a loaded machine it may take longer on the clock; the kill only stops a
    task that waits instead of working."""
    return WALL_FACTOR * timeout + 2.0


WALL_FACTOR = 3


def layer_sizes(text: str, largest: int, parameters: int) -> tuple | None:
    """Layer sizes such as '2,2,1' ('none': no network)."""
    if text.strip().lower() == "none":
        return None
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise InputError(f"--layers takes sizes like 2,2,1, not {text!r}") from None
    if len(sizes) < 2 or any(not 1 <= n <= largest for n in sizes):
        raise InputError(f"--layers needs at least two sizes, each between 1 and {largest}")
    if sum(a * b + b for a, b in zip(sizes, sizes[1:])) > parameters:
        raise InputError(f"--layers: at most {parameters} weights and biases")
    return sizes


# -- running work in the pool ----------------------------------------------------------------------

class _Refused:
    """An InputError raised inside a worker, carried back to be raised again in the caller."""

    def __init__(self, error: InputError):
        self.error = error


class _ReportingTask:
    """A task that reports by itself, with an InputError carried back instead of a crash (an
    object, not a closure, so that it is pickled to the pool's workers)."""

    def __init__(self, task_with_report: Callable):
        self.__wrapped__ = task_with_report

    def __call__(self, *args, report):
        try:
            self.work(args, report)
        except InputError as err:
            report(_Refused(err))

    def work(self, args: tuple, report) -> None:
        self.__wrapped__(*args, report=report)


class _ReportingValue(_ReportingTask):
    """A task that reports what `work` returns."""

    def work(self, args: tuple, report) -> None:
        report(self.__wrapped__(*args))


def _value(outcome, timeout: float):
    """A finished task's value; its InputError raised again; or Stopped."""
    if isinstance(outcome.value, _Refused):
        raise outcome.value.error
    if not outcome.final:
        raise Stopped(outcome.reason or "stopped", timeout)
    return outcome.value


def _isolated(work: Callable, args: tuple, timeout: float):
    """`work(*args)` in a killable worker: its value, or its InputError, or Stopped."""
    return _value(isolation.run_one(_ReportingValue(work), args, check_timeout(timeout)), timeout)


# -- derive check ----------------------------------------------------------------------------------

def claims_in(content: str, latex: bool = False) -> list:
    """The claims of a claims file, as `Numbered` lines: one a line; '#' starts a comment (in
    LaTeX also '%', not '\\%')."""
    from derive.results import Numbered

    claims = []
    for number, line in enumerate(_without_bom(content).splitlines(), 1):
        text = _strip_comment(line, "%#" if latex else "#")
        if text:
            claims.append(Numbered(number, text))
    return claims


def _without_bom(text: str) -> str:
    """A file saved with a byte-order mark reads as the same text."""
    return text[1:] if text.startswith("\ufeff") else text


def _strip_comment(line: str, marks: str) -> str:
    for i, ch in enumerate(line):
        if ch in marks and (i == 0 or line[i - 1] != "\\"):
            return line[:i].strip()
    return line.strip()


def _decide_task(links, assumptions, timeout, report):
    """Decide a claim (or each equality of a chain, sharing the time): its verdict."""
    from derive.engine.links import decide_links
    report(decide_links(links, assumptions, timeout, report))


def _planned(text: str, assumptions, latex: bool, functions, where) -> list:
    """Read a claim into its equalities (one, or more for a chain)."""
    from derive.audit.conditions import condition_inside
    from derive.engine.links import links_of
    from derive.text.claims import read_claim

    stated = condition_inside(text) if latex else None
    if stated is not None and stated.assumptions:   # one run's claims share their assumptions
        flags = " ".join(f"--assume '{a}'" for a in stated.assumptions)
        raise InputError(f"the formula states a condition: check the formula alone with {flags}")
    reading = read_claim(text, assumptions, latex=latex, functions=functions, where=where)
    first = reading.sides[0]
    defined = {d.target for d in reading.context.definitions}   # x = 5 = 10/2 with x = 3 given
    named = len(reading.sides) > 2 and getattr(first, "is_Symbol", False) and not any(
        first in getattr(side, "free_symbols", ()) for side in reading.sides[1:]) \
        and first not in defined
    # L = -log(0.245) = 1.406: the chain names its value L first
    return links_of(reading, assumptions, first=1 if named else 0)


def check(claims: Sequence, assume: Sequence[str] = (), latex: bool = False,
          functions: Sequence[str] = (), timeout: float = CHECK_TIMEOUT, jobs: int = 1,
          progress: Progress = None, where: Sequence[str] = ()):
    """Decide every `Numbered` claim, `jobs` at a time, each under its own deadline: a `CheckRun`.
    `where` holds the document's definitions (LaTeX) the claims are read with. A claim that
    cannot be read is `Unreadable` (with one claim: the InputError is raised)."""
    from derive.engine.verify import after_stop
    from derive.results import Checked, CheckRun, Unreadable
    from derive.text import parse_assumptions

    check_timeout(timeout)
    check_jobs(jobs)
    assumptions = parse_assumptions(list(assume))
    results: list = [None] * len(claims)
    readable = []
    for k, claim in enumerate(claims):
        try:
            readable.append((k, _planned(claim.text, assumptions, latex, functions,
                                         tuple(where) + tuple(claim.where))))
        except InputError as err:
            if len(claims) == 1:
                raise
            results[k] = Unreadable(claim.line, claim.text, str(err))
    # the same claim twice in a run is decided once (a file repeats its claims), and a claim
    # decided in an earlier run is read back (`engine.cache`)
    keys = [cache.key_of(links, assumptions, timeout) for _, links in readable]
    same = _groups(keys)
    for group, verdict in _decided("claim", [keys[g[0]] for g in same], [
            (readable[g[0]][1], assumptions, timeout) for g in same], _decide_task,
            wall_limit(timeout), jobs, [readable[g[0]][1] for g in same],
            lambda links, outcome: after_stop(outcome, links[0].lhs, links[-1].rhs, assumptions,
                                              timeout)):
        for member in same[group]:
            k, _ = readable[member]
            results[k] = Checked(claims[k].line, claims[k].text, verdict)
            if progress:
                progress()
    if latex:
        _over_the_whole_sum(results, claims, assume, functions, timeout, jobs, where)
    return CheckRun(tuple(results))


def _over_the_whole_sum(results: list, claims: Sequence, assume, functions, timeout: float,
                        jobs: int, where) -> None:
    """A refuted `\\frac{d}{dx} x^2 + 3x = 2x + 3` decided again with the operator taken of the
    whole sum after it, as `derive audit` reads it for a writer who means it: where that holds,
    its verdict, with a note that the claim as first read fails."""
    from derive.audit.forms import over_the_whole_side
    from derive.engine.verdict import Status
    from derive.results import Checked, Numbered
    redo = [(k, whole) for k, result in enumerate(results)
            if isinstance(result, Checked) and result.verdict.status is Status.REFUTED
            and (whole := over_the_whole_side(claims[k].text)) is not None]
    if not redo:
        return
    try:
        others = check([Numbered(claims[k].line, whole.text, claims[k].where) for k, whole in redo],
                       assume, True, functions, timeout, jobs, where=where).results
    except InputError:   # the one other reading cannot be read
        return
    for (k, whole), other in zip(redo, others):
        if isinstance(other, Checked) and other.verdict.status.holds:
            first = results[k].verdict
            results[k] = replace(results[k], verdict=replace(
                other.verdict, lhs=first.lhs, rhs=first.rhs,
                note=f"holds with {whole.operator} taken of the whole sum after it; as first "
                     "read it fails"))


def _decided(kind: str, keys: list, tasks: list, task, deadline: float, jobs: int, subjects: list,
             verdict_of):
    """(position, verdict) for each task: read from the cache, or decided in the pool (and then
    kept, when the task finished rather than being stopped)."""
    from derive.engine.cache import MISSING, load, store
    missing = []
    for position, key in enumerate(keys):
        found = load(kind, key)
        if found is MISSING:
            missing.append(position)
        else:
            yield position, found
    for index, outcome in isolation.run(task, [tasks[p] for p in missing], deadline, jobs):
        position = missing[index]
        verdict = verdict_of(subjects[position], outcome)
        if outcome.final:
            store(kind, keys[position], verdict)
        yield position, verdict


def _groups(keys: list) -> list[list[int]]:
    """The positions of equal keys, grouped, in the order each key first appears."""
    groups: dict = {}
    for position, key in enumerate(keys):
        groups.setdefault(key, []).append(position)
    return list(groups.values())


# -- step by step: derive diff / gradient / rule / extrema ----------------------------------------

def read_expression(text: str, latex: bool = False):
    from derive.text import parse_expression, parse_latex
    return parse_latex(text) if latex else parse_expression(text)


def variables_of(expr, names: str | None, single: bool = False) -> list:
    """The variables to work with: those named (comma-separated), or all, sorted."""
    free = sorted(expr.free_symbols, key=str)
    if names is None:
        if not free:
            raise InputError("the expression has no variable")
        if single and len(free) > 1:
            raise InputError("the expression has variables " + ", ".join(map(str, free))
                             + ": say which with --wrt")
        return free[:1] if single else free
    by_name = {str(v): v for v in free}
    chosen = []
    for name in (n.strip() for n in names.split(",")):
        if name not in by_name:
            raise InputError(f"variable {name!r} does not appear in the expression"
                             + (f" (it has {', '.join(by_name)})" if by_name else ""))
        chosen.append(by_name[name])
    if len(set(chosen)) != len(chosen):
        raise InputError("a variable is listed twice")
    return chosen


def _differentiate_checked(expr, x, order):
    from derive.calc.differentiate import differentiate
    return (differentiate(expr, x, order).check(),)


def differentiate(text: str, wrt: str | None = None, order: int = 1, latex: bool = False,
                  timeout: float = DERIVATION_TIMEOUT):
    from derive.results import Derivations
    if not 1 <= order <= MAX_ORDER:
        raise InputError(f"--order must be between 1 and {MAX_ORDER}")
    expr = read_expression(text, latex)
    (x,) = variables_of(expr, wrt, single=True)
    return Derivations(f"Derivative of {text}",
                       _isolated(_differentiate_checked, (expr, x, order), timeout))


def _gradient_checked(expr, variables):
    from derive.calc.differentiate import gradient
    return tuple(d.check() for d in gradient(expr, variables))


def gradient(text: str, names: str | None = None, latex: bool = False,
             timeout: float = DERIVATION_TIMEOUT):
    from derive.results import Derivations
    expr = read_expression(text, latex)
    variables = variables_of(expr, names)
    return Derivations(f"Gradient of {text}",
                       _isolated(_gradient_checked, (expr, variables), timeout))


def rule_names() -> tuple:
    from derive.calc.first_principles import DERIVATIONS
    return tuple(DERIVATIONS)


def _rule_checked(name, expr):
    from derive.calc import first_principles
    made = first_principles.derivative(expr) if expr is not None else \
        first_principles.DERIVATIONS[name]()
    return tuple(d.check() for d in (made if isinstance(made, list) else [made]))


def rule(name: str, expr_text: str | None = None, latex: bool = False,
         timeout: float = DERIVATION_TIMEOUT):
    """A rule of differentiation from first principles (with `expr_text`: the limit definition
    worked out for that function)."""
    from derive.results import Derivations

    if name not in rule_names():
        raise InputError(f"unknown rule {name!r}; choose from {', '.join(rule_names())}")
    if expr_text is not None and name != "derivative":
        raise InputError("--expr goes with the rule 'derivative'")
    expr = read_expression(expr_text, latex) if expr_text is not None else None
    return Derivations(f"The {name} rule", _isolated(_rule_checked, (name, expr), timeout))


def _extrema_checked(expr, variables):
    from derive.calc.extrema import find_extrema
    result = find_extrema(expr, variables)
    return replace(result, derivations=tuple(d.check() for d in result.derivations))


def extrema(text: str, names: str | None = None, latex: bool = False,
            timeout: float = DERIVATION_TIMEOUT):
    expr = read_expression(text, latex)
    return _isolated(_extrema_checked, (expr, variables_of(expr, names)), timeout)


def _cancelling():
    from derive.nn import pairs
    return pairs.derivations(pairs.survey())


def cancelling_pairs(timeout: float = DERIVATION_TIMEOUT):
    """The output activations and costs whose delta^L is p - y, found by trying every pair: a
    `Derivations` record of their checked output-layer derivations."""
    from derive.nn.pairs import TITLE
    from derive.results import Derivations
    return Derivations(TITLE, _isolated(_cancelling, (), timeout))


# -- derive backprop -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """The activations and cost a network uses, and the note a forced pair carries."""

    hidden: object      # nn.activations.Activation
    output: object
    cost: object        # nn.costs.Cost
    notes: tuple = ()


def _pair(activation: str, output_activation: str | None, cost: str | None,
          force: bool = False) -> Pair:
    """The activations and the cost (the default one for the output when none is named)."""
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import compatible, cost as make_cost, default_cost

    from derive.nn.softmax import output_activation as make_output

    hidden = make_activation(activation)
    output = make_output(output_activation) if output_activation else hidden
    chosen = make_cost(cost or default_cost(output))
    problem = compatible(output, chosen)
    if problem and not force:
        raise Incompatible(problem)
    return Pair(hidden, output, chosen, (f"forced: {problem.reason}",) if problem else ())


def _backprop_part(part: str, spec: tuple, layers, report):
    """One part of the backprop document, in a worker; the pair record is made where it is used
    (once per worker: the pair's derivations and the network share it and SymPy's caches)."""
    from derive.nn import backprop, network
    if part == "index":
        report(backprop.layer_steps())
        return
    if part == "batches":
        report(backprop.batch_steps())
        return
    if spec not in _PAIRS:
        _PAIRS[spec] = _pair(*spec)
    pair = _PAIRS[spec]
    if part == "pair":
        report((pair, backprop.pair_derivations(pair.hidden, pair.output, pair.cost)))
    else:
        report(network.prove_network(layers, pair.hidden, pair.output, pair.cost))


_PAIRS: dict = {}   # (activation, output activation, cost, force) -> its Pair, in a worker


def backprop(activation: str = "sigmoid", output_activation: str | None = None,
             cost: str | None = None, layers: str | tuple | None = None, force: bool = False,
             timeout: float = BACKPROP_TIMEOUT, jobs: int = 2, notes: Sequence[str] = ()):
    """The backprop document: index level, the chosen pair and the explicit network, run as three
    tasks of the pool, each under `timeout`."""
    from derive.nn import backprop as bp

    from derive.nn.softmax import is_vector

    vector = is_vector(output_activation)
    if layers is None:   # the tutorial's XOR network; three outputs for a softmax to share
        layers = "2,2,3" if vector else "2,2,1"
    sizes = layer_sizes(layers, **PROOF_LAYERS) if isinstance(layers, str) else layers
    if vector and sizes and sizes[-1] < 2:
        raise InputError(f"{output_activation} shares its value between the outputs: the network "
                         "needs 2 or more (e.g. --layers 2,2,3)")
    spec = (activation, output_activation, cost, force)
    check_timeout(timeout)
    # a document made before is read back whole, without starting a worker
    key = cache.key_of(spec, sizes)
    found = cache.load("backprop", key)
    if found is cache.MISSING:
        found = _backprop_parts(spec, sizes, timeout, jobs)
        cache.store("backprop", key, found)
    index, (pair, derivations), network = found
    _INDEX_LEVEL.setdefault("index", index)
    return bp.assemble(pair.hidden, pair.output, pair.cost, index, derivations, network,
                       pair.notes + tuple(notes))


def _backprop_parts(spec: tuple, sizes, timeout: float, jobs: int) -> tuple:
    """(index level, (pair, its derivations), network proof), derived in the pool. The index
    level is the same for every pair: derived once per process, in two parts, the longer first,
    so that the other worker checks the batch forms, the pair and the network."""
    from derive.nn import backprop as bp
    parts = ([] if _INDEX_LEVEL else ["index", "batches"]) + ["pair"] \
        + (["network"] if sizes else [])
    args = [(part, spec, sizes) for part in parts]
    done = {}
    for index, outcome in isolation.run(_ReportingTask(_backprop_part), args, timeout, jobs):
        done[parts[index]] = _value(outcome, timeout)
    index = _INDEX_LEVEL.get("index") or bp.IndexLevel(*done["index"], *done["batches"])
    return index, done["pair"], done.get("network")


_INDEX_LEVEL: dict = {}   # "index" -> the checked index-level derivations, once derived


# -- derive audit ----------------------------------------------------------------------------------

def _decide_claim_task(claim, timeout, report):
    from derive.audit.decide import decide_claim
    report(decide_claim(claim, timeout))


def audit_claims(claims, title: str, timeout: float = CHECK_TIMEOUT, jobs: int = DEFAULT_JOBS,
                 findings=(), progress: Progress = None):
    """Decide every claim in the pool (`jobs` warm workers); findings in the document's order."""
    check_timeout(timeout)
    check_jobs(jobs)
    claims = list(claims)
    return _report(title, claims, _claim_verdicts(claims, timeout, jobs, progress), findings)


def _claim_verdicts(claims: list, timeout: float, jobs: int, progress: Progress = None) -> dict:
    """Position in `claims` -> its verdict, decided in one pool (claims of several documents
    too: a claim repeated, in one document or across them, is decided once; one decided in an
    earlier run is read back, `engine.cache`)."""
    from derive.audit.decide import warm
    from derive.audit.records import ClaimKind
    from derive.engine.verify import after_stop
    from derive.text import Assumptions

    warm(claims)  # before the workers are forked: they share the network's definitions
    # index-level claims take longest: first, for even parallel work
    order = sorted(range(len(claims)), key=lambda k: claims[k].kind is ClaimKind.SCALAR)
    verdicts = {}
    # an index-level claim of the curated audit may overrun its share; a document's claims not
    deadline = timeout * 4 + 2 if any(c.kind in (ClaimKind.LAYER, ClaimKind.OUTPUT)
                                      for c in claims) else wall_limit(timeout)
    keys = [cache.key_of(replace(claims[k], source=None), timeout) for k in order]
    same = _groups(keys)
    heads = [claims[order[group[0]]] for group in same]
    for position, verdict in _decided(
            "audit-claim", [keys[g[0]] for g in same], [(c, timeout) for c in heads],
            _decide_claim_task, deadline, jobs, heads,
            lambda claim, outcome: after_stop(outcome, claim.lhs, claim.rhs, Assumptions(),
                                              timeout)):
        for member in same[position]:
            verdicts[order[member]] = verdict
            if progress:
                progress()
    return verdicts


def _report(title: str, claims: list, verdicts: dict, findings=()):
    """A document's report: its claims' verdicts and the equations it did not check, in order."""
    from derive.audit.records import Finding, Report
    from derive.audit.restated import restated

    verdicts = restated(claims, verdicts)   # a sign flipped on purpose, after a formula that holds
    findings = [Finding(c.source, verdicts[k], correction=_correction(c, verdicts[k]))
                for k, c in enumerate(claims)] + list(findings)
    findings.sort(key=lambda f: (f.source.line, len(f.source.id), f.source.id))
    return Report(title, tuple(findings))


def _correction(claim, verdict) -> str | None:
    """A refuted document formula as it should be, in the document's own notation: the side it
    states correctly as written, the other as the value it should have."""
    from sympy import Basic
    from sympy.core.function import AppliedUndef

    from derive.audit.forms import OPERATORS as CALCULUS
    from derive.engine.verdict import Mistake, Status
    from derive.render.printers import tex
    if not claim.written or verdict.status is not Status.REFUTED or not verdict.correct_side:
        return None
    left, right = claim.written
    if verdict.correct is None:   # a sign slip needs no value: the side as written, negated
        if verdict.diagnosis is None or verdict.diagnosis.mistake is not Mistake.SIGN:
            return None
        return f"{left} = -\\left({right}\\right)" if verdict.correct_side == "rhs" else \
            f"-\\left({left}\\right) = {right}"
    if verdict.correct.atoms(AppliedUndef):
        return None   # in terms of stand-ins for the document's unknown functions: none
    kept = claim.lhs if verdict.correct_side == "rhs" else claim.rhs
    if verdict.correct == kept or (verdict.correct.free_symbols and isinstance(kept, Basic)
                                   and not kept.has(*CALCULUS)):
        return None   # the kept side with its definitions written out (e^z = e^{w x + b})
    value = tex(verdict.correct)
    return f"{left} = {value}" if verdict.correct_side == "rhs" else f"{value} = {right}"


def audit_tutorial(timeout: float = CHECK_TIMEOUT, jobs: int = DEFAULT_JOBS,
                   progress: Progress = None):
    """The curated claims of the backprop tutorial ("Some derivation of necessary mathematics",
    `backprop-tutorial.md`), each decided by computation."""
    from derive.audit.tutorial import claims
    return audit_claims(claims(), "the tutorial's claims", timeout, jobs, progress=progress)


def audit_text(text: str, title: str, tex: bool = False, timeout: float = CHECK_TIMEOUT,
               jobs: int = DEFAULT_JOBS, progress: Progress = None, assume: tuple = (),
               macros: str = ""):
    """Every equation of a Markdown (or, with `tex`, LaTeX) document, read with the document's
    own definitions; `assume` holds assumptions for the whole document ('x > 0'), `macros` LaTeX
    commands it uses but defines elsewhere (a preamble's \\newcommand lines)."""
    return audit_texts([Document(text, title, tex)], timeout, jobs, progress, assume, macros)[0]


@dataclass(frozen=True)
class Document:
    """A document to audit: its text, the title its report carries, whether it is LaTeX, and the
    commands it uses but defines elsewhere (`\\newcommand` lines of its preamble)."""

    text: str
    title: str
    tex: bool = False
    macros: str = ""


def audit_texts(documents: list, timeout: float = CHECK_TIMEOUT, jobs: int = DEFAULT_JOBS,
                progress: Progress = None, assume: tuple = (), macros: str = "") -> list:
    """`audit_text` of several documents (`Document`), a report each, in their order: read in
    one pool and decided in one pool, as a linter run on many files (a claim several of them
    make is decided once)."""
    from derive.audit.extract import without_tex_comments
    from derive.text import parse_assumptions
    parse_assumptions(list(assume))   # a bad assumption is bad input, before any work
    check_timeout(timeout)
    check_jobs(jobs)
    sources = []
    for document in documents:
        if max(len(document.text), len(macros) + len(document.macros)) > MAX_FILE:
            raise InputError(f"{document.title} is larger than {MAX_FILE // 1_000_000} MB")
        text = _without_bom(document.text)
        preamble = without_tex_comments(_without_bom(macros) + "\n" + document.macros)
        sources.append((without_tex_comments(text) if document.tex else text, preamble))
    read = [None] * len(documents)
    for index, outcome in isolation.run(_ReportingValue(_read_document),
                                        [(text, min(timeout, 2.0), tuple(assume), preamble)
                                         for text, preamble in sources],
                                        READ_TIMEOUT, jobs):
        try:
            read[index] = _value(outcome, READ_TIMEOUT)
        except Stopped as stopped:
            raise InputError(f"reading {documents[index].title} did not finish ({stopped.reason} "
                             f"after {READ_TIMEOUT:g} s)") from None
    everything = [claim for claims, _ in read for claim in claims]
    verdicts = _claim_verdicts(everything, timeout, jobs, progress)
    reports, start = [], 0
    for document, (claims, findings) in zip(documents, read):
        own = {k: verdicts[start + k] for k in range(len(claims))}
        reports.append(_report(document.title, list(claims), own, findings))
        start += len(claims)
    return reports


def _read_document(source: str, seconds: float, assume: tuple, preamble: str):
    from derive.audit.document import read_document
    return read_document(source, seconds, assume, preamble)


def annotated_path(path: str) -> str:
    """Where `derive audit --annotate` writes its copy: notes.md -> notes.annotated.md."""
    stem, dot, extension = path.rpartition(".")
    return f"{stem}.annotated.{extension}" if dot and "/" not in extension else path + ".annotated"


def annotate(text: str, report, tex: bool = False) -> str:
    """The document with a note under each refuted formula (what is wrong, the correction)."""
    from derive.audit.annotate import annotated
    from derive.render.reports import finding_note
    notes = {f.source.id: f"{f.source.id} is refuted: {finding_note(f)}" for f in report.refuted}
    return annotated(_without_bom(text), report, notes, tex)


# -- derive mlp ------------------------------------------------------------------------------------

def solved(score: float, data: str, classifier: bool = True) -> bool:
    """A logic gate is solved when every input is right; other data sets at 95% accuracy, and a
    network whose outputs are numbers, not probabilities, at an R^2 of 0.95."""
    from derive.numeric.data import GATES
    return score == 1.0 if data in GATES and classifier else score >= 0.95


def _spec_check(activation, output_activation, cost, classes: int = 2):
    """(output activation, cost) the network uses, derived and checked in the worker. Without an
    output activation: softmax for more than two classes, identity for a quantity (classes 0),
    else the hidden activation when its outputs are probabilities, or sigmoid."""
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import UNIT

    if output_activation is None:
        hidden = make_activation(activation).output_range
        output_activation = "softmax" if classes > 2 else "identity" if not classes else \
            activation if hidden is not None and hidden.is_subset(UNIT) else "sigmoid"
    return output_activation, _pair(activation, output_activation, cost).cost.name


def _built_in(activation: str, output_activation: str | None, cost: str | None) -> bool:
    """Whether every part of the spec is a name of the program's own records."""
    from derive.nn import activations, costs, softmax
    return activation in activations.SPECS and cost in (None, *costs.SPECS) and (
        output_activation in (None, *activations.SPECS, *softmax.SPECS))


def _default_layers(data, n_inputs: int, n_classes: int) -> str:
    """The tutorial's 2,2,1 for its gates; else one hidden layer of 16 and an output per class
    (one for two classes or a number)."""
    if data.name in GATES_DEFAULT:
        return "2,2,1"
    return f"{n_inputs},16,{n_classes if n_classes > 2 else 1}"


GATES_DEFAULT = ("xor", "and", "or", "circles", "moons")
CROSS_CHECK_SAMPLES = 100   # the gradient cross-check runs on at most this many training rows


def train(data: str = "xor", layers: str | None = None, activation: str = "sigmoid",
          output_activation: str | None = None, cost: str | None = None, epochs: int = 1000,
          learning_rate: float = 1.0, momentum: float = 0.0, batch_size: int | None = None,
          seed: int = 0, init: str = "normal", restarts: int = 1, progress: Progress = None,
          timeout: float = TRAINING_TIMEOUT, spec_timeout: float = 60.0,
          csv_text: str | None = None, target: str | None = None):
    """Train the network built from the derived formulas from `restarts` random starts, keep the
    lowest final loss, score it (on a held-out quarter for a real data set) and cross-check its
    gradients three ways at the trained weights. `data` names a data set, or with `csv_text` and
    `target` names the CSV file read. Training stops with `Stopped` after `timeout` seconds."""
    import numpy as np

    from derive.numeric.data import load, read_csv, split
    from derive.numeric.gradcheck import cross_check
    from derive.numeric.mlp import MLP, check_hyperparameters
    from derive.results import Training

    if not 1 <= epochs <= MAX_EPOCHS or not 1 <= restarts <= MAX_RESTARTS:
        raise InputError(f"--epochs must be 1..{MAX_EPOCHS} and --restarts 1..{MAX_RESTARTS}")
    check_hyperparameters(learning_rate, momentum, epochs, restarts, batch_size)
    try:
        if csv_text is not None:
            if not target:
                raise InputError("a CSV file needs --target COLUMN: the column to predict")
            source = read_csv(csv_text, target, data)
        elif target:
            raise InputError("--target names a column of a CSV file (--data FILE.csv)")
        else:
            source = load(data, rng=seed)
        held = split(source, seed=seed) if source.held_out else None
    except ValueError as err:
        raise InputError(str(err)) from None
    X, X_test, y, y_test = held or (source.X, None, source.y, None)
    classes = np.unique(y) if source.classification else ()
    check_timeout(timeout)
    # a user's formula may take SymPy any time to derive: the spec is then checked in a worker
    # forked from this process, which builds the network next (the modules both need are
    # imported once, before the fork); the program's own records need no limit
    from derive.nn import activations, costs, softmax  # noqa: F401
    spec = (activation, output_activation, cost, len(classes))
    output_activation, cost_name = _spec_check(*spec) if _built_in(*spec[:3]) else \
        _isolated(_spec_check, spec, spec_timeout)
    sizes = layer_sizes(layers or _default_layers(source, X.shape[1], len(classes)),
                        **TRAINING_LAYERS)
    if sizes is None:
        raise InputError("--layers needs sizes, e.g. 2,2,1")
    vector = output_activation in ("softmax", "log-softmax")
    outputs = len(classes) if vector or len(classes) > 2 else 1
    if sizes[0] != X.shape[1] or sizes[-1] != outputs:
        raise InputError(f"--layers must start with {X.shape[1]} (the inputs of {source.name}) "
                         f"and end with {outputs} ({_outputs_for(len(classes), vector)})")
    deadline = time.monotonic() + timeout

    def epoch_done(restart, epoch, loss):
        if progress is not None:
            progress()
        if time.monotonic() > deadline:
            raise Stopped("timeout", timeout)

    runs = []
    for restart in range(restarts):
        model = MLP(hidden_layer_sizes=sizes[1:-1], activation=activation,
                    output_activation=output_activation, cost=cost_name,
                    learning_rate=learning_rate, momentum=momentum, max_iter=epochs,
                    batch_size=batch_size, random_state=seed + restart, init=init)
        try:
            model.fit(X, y, on_epoch=epoch_done)
        except ValueError as err:
            raise InputError(str(err)) from None
        runs.append((model.loss_, restart, model, model.score(X, y)))
    loss, best_restart, best, accuracy = min(runs, key=lambda run: run[0])
    rows = slice(0, CROSS_CHECK_SAMPLES)
    check = cross_check(sizes, activation, output_activation, cost_name,
                        params=list(zip(best.coefs_, best.intercepts_)), X=X[rows],
                        Y=best.targets(y[rows]))
    shown_X, shown_y = (X_test, y_test) if X_test is not None else (X, y)
    predictions = _predictions(best, shown_X, shown_y)
    test_score = best.score(X_test, y_test) if X_test is not None else None
    return Training(source.name, sizes, activation, output_activation, cost_name, epochs,
                    learning_rate, momentum, seed, restarts,
                    sum(solved(run[3], data, run[2].is_classifier()) for run in runs),
                    best_restart, loss, accuracy, predictions, check, tuple(best.loss_curve_),
                    test_score, len(y), 0 if y_test is None else len(y_test),
                    best.is_classifier())


def _outputs_for(n_classes: int, vector: bool) -> str:
    if not n_classes:
        return "one output: the number to predict"
    if vector or n_classes > 2:
        return f"one output per class: {n_classes} classes"
    return "one output: two classes"


def _predictions(model, X, y) -> tuple:
    """What the network says for each row: its output (the probability of the class it picks, or
    the number), its answer, and the target."""
    from derive.results import Prediction
    answers = model.predict(X)
    if model.is_classifier():
        p = model.predict_proba(X)
        confidence = p[:, 1] if p.shape[1] == 2 and len(getattr(model, "classes_", ())) == 2 \
            else p.max(axis=1)
    else:
        confidence = answers
    return tuple(Prediction(tuple(float(v) for v in row), float(c), _label(q), _label(t))
                 for row, c, q, t in zip(X, confidence, answers, y))


def _label(value):
    """A class label or target as JSON can hold it: a number, or text."""
    import numpy as np
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return str(value)


# -- derive codegen --------------------------------------------------------------------------------

def _generated(sizes, activation, output_activation, cost):
    """The generated module (runs in a worker); a formula that cannot be written is bad input."""
    from derive.numeric.codegen import generate
    try:
        return generate(sizes, activation, output_activation, cost)
    except InputError:
        raise
    except ValueError as err:
        raise InputError(str(err)) from None


def codegen(layers: str = "2,2,1", activation: str = "sigmoid",
            output_activation: str | None = None, cost: str | None = None,
            timeout: float = DERIVATION_TIMEOUT):
    """A standalone NumPy module (forward pass, backward pass, training step) written from the
    derived formulas: a `Generated` record, made under `timeout`."""
    sizes = layer_sizes(layers, **TRAINING_LAYERS)
    if sizes is None:
        raise InputError("--layers needs sizes, e.g. 2,2,1")
    return _isolated(_generated, (sizes, activation, output_activation, cost), timeout)


# -- derive export: the documents of derivations/ -------------------------------------------------

DOCUMENT_ACTIVATIONS = ("sigmoid", "tanh", "relu")
DOCUMENT_COSTS = ("squared-error", "cross-entropy")
# the vector-valued outputs, each with the cost whose delta^L is p - y
DOCUMENT_VECTOR = (("relu", "softmax", "categorical-cross-entropy"),
                   ("relu", "log-softmax", "nll"))
DOCUMENT_EXTREMA = ("x**3 - 3*x", "x**4", "x**3", "x**2 - y**2", "x**3 + y**3 - 3*x*y",
                    "x**4 + y**4", "x**2 + y**2 + z**2 - x*y")
DOCUMENT_TIMEOUT = 1800.0  # generous, so that what a document says does not depend on the load
TUTORIAL_AUDIT_TIMEOUT = 30.0


def document_pair(activation: str, cost: str) -> tuple:
    """The output layer a document uses: the hidden activation, or sigmoid where the cost needs
    outputs in (0, 1) and the hidden activation's range leaves it (said in a note)."""
    from derive.nn.activations import activation as make_activation
    from derive.nn.costs import compatible, cost as make_cost

    if compatible(make_activation(activation), make_cost(cost)) is None:
        return activation, ()
    return "sigmoid", (f"{cost} needs outputs in (0, 1): {activation} in the hidden layers, "
                       "sigmoid at the output",)


def _document_pairs() -> dict:
    """(activation, cost) -> the Pair each published document derives, with its note."""
    pairs = {}
    for activation in DOCUMENT_ACTIVATIONS:
        for cost in DOCUMENT_COSTS:
            output, notes = document_pair(activation, cost)
            pairs[(activation, cost)] = replace(_pair(activation, output, cost), notes=notes)
    for activation, output, cost in DOCUMENT_VECTOR:
        pairs[(activation, cost)] = _pair(activation, output, cost)
    return pairs


def _publish_task(kind, args, report):
    """One piece of the published documents (runs in a worker)."""
    from derive.calc import first_principles
    from derive.calc.extrema import find_extrema
    from derive.nn import backprop as bp, network
    from derive.text import parse_expression

    if kind == "index":
        report(bp.index_level())
    elif kind in ("pair", "network"):
        (pair,) = args
        outputs = 3 if getattr(pair.output, "vector", False) else 1
        report(bp.pair_derivations(pair.hidden, pair.output, pair.cost) if kind == "pair"
               else network.prove_network((2, 2, outputs), pair.hidden, pair.output, pair.cost))
    elif kind == "cancelling":
        report(_cancelling())
    elif kind == "rule":
        made = first_principles.DERIVATIONS[args[0]]()
        report(tuple(d.check(timeout=30.0) for d in (made if isinstance(made, list) else [made])))
    else:
        expr = parse_expression(args[0])
        report(replace(find_extrema(expr, sorted(expr.free_symbols, key=str)), derivations=()))


@dataclass(frozen=True)
class Published:
    """What derivations/ shows, as records."""

    backprops: dict      # (activation, cost) -> BackpropDocument
    rules: tuple         # checked derivations from first principles
    extrema: tuple       # Extrema records
    report: object       # the tutorial's audit Report
    cancelling: tuple    # the output layers whose delta^L is p - y, found by `nn.pairs`


def publish(jobs: int = 2, report=None) -> Published:
    """Every record behind derivations/, made as tasks of one pool run (the index-level
    derivation, the same for every pair, is made once). `report`: the tutorial's audit, when it
    has been made already."""
    from derive.calc.first_principles import DERIVATIONS
    from derive.nn import backprop as bp

    pairs = _isolated(_document_pairs, (), DOCUMENT_TIMEOUT)  # derived once, shared by the tasks
    # the longest tasks first, so that the workers finish together; each pair's derivations before
    # the networks, which read the output layer they derive from the cache
    keys = [("rule", name) for name in DERIVATIONS] + ([] if _INDEX_LEVEL else [("index", None)]) \
        + [("pair", key) for key in pairs] + [("network", key) for key in pairs] \
        + [("extrema", e) for e in DOCUMENT_EXTREMA] + [("cancelling", None)]
    tasks = [(kind, (pairs[key],) if kind in ("pair", "network") else (key,))
             for kind, key in keys]
    results = {("index", None): _INDEX_LEVEL["index"]} if _INDEX_LEVEL else {}
    for index, outcome in isolation.run(_ReportingTask(_publish_task), tasks,
                                        DOCUMENT_TIMEOUT, jobs):
        results[keys[index]] = _value(outcome, DOCUMENT_TIMEOUT)
    _INDEX_LEVEL.setdefault("index", results[("index", None)])   # the same for every document
    backprops = {key: bp.assemble(pair.hidden, pair.output, pair.cost, results[("index", None)],
                                  results[("pair", key)], results[("network", key)], pair.notes)
                 for key, pair in pairs.items()}
    rules = tuple(d for name in DERIVATIONS for d in results[("rule", name)])
    found = tuple(results[("extrema", e)] for e in DOCUMENT_EXTREMA)
    report = report or audit_tutorial(timeout=TUTORIAL_AUDIT_TIMEOUT, jobs=jobs)
    return Published(backprops, rules, found, report, results[("cancelling", None)])


def export_documents(published: Published | None = None) -> dict[str, str]:
    """file name -> content, for every document of derivations/."""
    from derive.render.exports import documents

    published = published or publish()
    return documents(published.backprops, published.rules, published.extrema, published.report,
                     published.cancelling)
