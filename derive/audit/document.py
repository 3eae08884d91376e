"""The checkable claims of a Markdown or LaTeX document, read as a careful reader reads them.

Each formula is first given its kind (`audit.kinds`): only claims are checked; a definition is
recorded in the document's scope (`audit.scope`) and used by the formulas after it; conditions,
equations to solve, update rules, approximations and relations are reported as what they are.
Chains `a = b = c` are checked link by link, the lines of an aligned derivation each against the
line before, a block that starts with `=` against the last line of the block before it, and a
table cell as the completion of its column's header (`a^m = \\sigma^m(z^m)` above
`\\frac{1}{1+e^{z^m}}`). A claim is read with the definitions it mentions, exactly as
`derive check --where` reads them, so vector, index and layer claims are decided at concrete
sizes (`engine.instances`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.audit.aliases import by_value, learned
from derive.audit.conditions import (
    AT_A_POINT, assumed, condition_after, condition_inside, parameter_range, restricted,
    stated_after, stated_before, without_separators)
from derive.audit.descent import (
    ARROW, climbing_corrected, descended_names, is_descent, is_negated, judge, names_a_gradient,
    split_update, step_of)
from derive.audit.extract import (
    Equation, clean, expand, extract, lines, macro_definitions, macros, macros_at, unexpanded)
from derive.audit.forms import (
    DERIVATIVES, composite_by_outer_name, constraint, definable, doubts, entry_of_a_function,
    is_step, letters, mentions, name_of, name_read_as_power, names_entries, names_the_other_side,
    network_notation, over_the_whole_side, property_of_one_name, says_what_a_function_is,
    spelled_name, split_sides, unknowns, value_at_a_point, value_in_an_example,
    values_of_an_example)
from derive.audit.kinds import (
    Kind, by_marks, by_words, curve_equation, denied_after, quantified, words_inside)
from derive.audit.records import Alternative, Claim, ClaimKind, Finding, Source
from derive.audit.scope import ENTRY, TOKEN, Scope, base_name, key_of
from derive.engine.environment import names_in, owner
from derive.engine.independence import GENERIC
from derive.engine.isolation import TaskTimeout, clock, time_limit
from derive.engine.links import links_of
from derive.engine.search import clearly_nonzero
from derive.engine.verdict import Status
from derive.text import InputError
from derive.text.builder import FUNCTIONS, Builder
from derive.text.claims import NAMES_E, read_claim
from derive.text.context import (
    CASE_LETTERS, Context, INDEX_CONDITION, SHAPE, index_condition, read_context)
from derive.text.latex_tokens import WORD_FUNCTIONS
from derive.text.letters import layer_numbers, names_in_letters, numbered, spell, unspell

LOG = re.compile(r"\\log(?![A-Za-z_])")
TARGET_ENTRY = re.compile(r"(?<![A-Za-z\\])y_\{?[a-z]")
# what the text says of its own notation, which rules out another reading of it
LOG_WORD = r"(?:\\log\b|\blog(?:arithms?|s)?\b)(?!-)\$?"
NATURAL_LOG = re.compile(LOG_WORD + r"\W+(?:(?!not\b)\w+\W+){0,6}?(?:is|are|means|denotes|"
                         r"stands for)\s+(?:(?!not\b)\w+\s+){0,3}?(?:the\s+)?natural(?:\s+(?:log"
                         r"|logarithms?|one|base)\b|\s*[.,;:)]|\s*$)|\bnatural log(?:arithm)?s?\s+"
                         r"(?:is|are)\s+(?:written|denoted)|" + LOG_WORD + r"\s+(?:to|with)\s+"
                         r"base\s+(?:\$\s*)?e\b|(?:write|use)\s+\$?" + LOG_WORD +
                         r"\s+for\s+the\s+natural", re.I | re.M)
ONE_HOT = re.compile(r"(?<!not )(?<!not a )\bone[- ]hot\b", re.I)   # 'are one-hot, not multi-hot'
NOT_ONE_HOT = re.compile(r"multi[- ]?(?:hot|label)|not one[- ]hot|several\s+(?:of the\s+)?(?:\$?"
                         r"y_?\{?\w*\}?\$?|labels|targets|entries|classes)\s+(?:can\s+be|are|"
                         r"equal)\s+(?:\$?1\$?|one)\b", re.I)
# what the text says it does with its decimals: 'values are rounded to four decimals', 'correct
# to three decimal places', 'rounded (not truncated)'; or 'truncated to four decimals'
PLACES = r"(?:\w+\s+){0,2}(?:decimals?|decimal\s+places|places|digits|significant\s+figures)"
ROUNDED_STATED = re.compile(r"\bround(?:ed|s)?\s+(?:\w+\s+){0,2}to\s+(?:the\s+nearest\b|"
                            + PLACES + r")|\bcorrect\s+to\s+" + PLACES
                            + r"|\bround(?:ed)?\s*\(?\s*(?:and\s+)?not\s+(?:truncated|cut\s+off)",
                            re.I)
CUT_STATED = re.compile(r"\b(?:truncated|cut\s+off)\s+(?:\w+\s+){0,2}to\s+" + PLACES + r"|"
                        r"\btruncated\s*\(?\s*(?:and\s+)?not\s+rounded|\bnever\s+rounded", re.I)
GLOSSARY = re.compile(r"^\s*[-–—:]\s+([A-Za-z][^.,;(]{2,60})")
NEXT_TERM = re.compile(r"_\{[^{}]*[+-]\s*\d+\s*\}")   # x_{k+1}: a term of a sequence by the last
NAME = re.compile(r"^\s*\\?[A-Za-z]+(?:\s*[\^_]\s*(?:\{[^{}]*\}|\w))*\s*$")
WORD = re.compile(r"[a-z]{3,}")
COMMON = {"the", "function", "functions", "network", "layer", "layers", "vector", "matrix", "and",
          "for", "units", "unit", "value", "values", "number", "which", "with", "that", "this"}
# the mark of a value after an update: w^+, w^{+}
UPDATED = re.compile(r"\^\s*(?:\{\s*\+\s*\}|\+)")
# an entry numbered past the first (w_{21}, a_2, W_{1,2}): a layer of more than one unit
OTHER_UNIT = re.compile(r"_\s*(?:\{\s*\d*[2-9][\d,\s]*\}|\{\s*\d+\s*,\s*\d*[2-9]\d*\s*\}|[2-9])")
RULE_WORDS = re.compile(r"\brules?\b|\bany\b|\barbitrary\b|\bdifferentiable\b|\btheorem\b", re.I)


def read_document(text: str, seconds: float = 2.0, assume: tuple = (),
                  preamble: str = "") -> tuple[list, list]:
    """The claims of a document to decide, and its other findings: each equation not checked
    with the reason, and the update rules judged as descent steps. Each line of an equation gets
    `seconds` to be read; the caller runs the whole under a deadline. `preamble` holds commands
    the document uses but defines elsewhere (its own definitions come after them)."""
    # \\newcommand{\\deriv}[2]{...}: written out in every formula
    own, given = macro_definitions(text), macros(preamble)
    commands = {**given, **macros(text)}

    def at(line: int) -> dict:   # the commands in force at a line
        return {**given, **macros_at(own, line)}
    equations = [replace(e, latex=expand(e.latex, at(e.line))) if commands else e
                 for e in extract(text)]
    # a word one formula uses as a name (net_j below a \\partial) is that name in all of them
    reader = DocumentReader(seconds, assume,
                            names_in_letters((e.latex for e in equations), WORD_FUNCTIONS),
                            layer_numbers(e.latex for e in equations))
    reader.natural_log = NATURAL_LOG.search(text) is not None   # 'log is the natural logarithm'
    reader.one_hot = NOT_ONE_HOT.search(text) is None or ONE_HOT.search(text) is not None
    rounded, cut = ROUNDED_STATED.search(text) is not None, CUT_STATED.search(text) is not None
    reader.rounding = "round" if rounded and not cut else "cut" if cut and not rounded \
        else "either"

    for e in equations:   # `f'(x) \neq -\sin(2x)`: the same formula with = beside it is denied
        if NOT_EQUAL.search(e.latex):
            reader.denied.setdefault(compact(NOT_EQUAL.sub("=", clean(e.latex))), set()).add(
                e.line)
    counts: dict[int, int] = {}
    numbered = []   # each formula's number on its line, in the text's order
    for equation in equations:
        counts[equation.line] = counts.get(equation.line, 0) + 1
        numbered.append((equation, counts[equation.line]))
    for equation, nth in in_reading_order(numbered):
        reader.equation(equation, nth)
    if not commands:
        return reader.claims, reader.findings
    # shown as the document writes them: \\gp(x), not what \\gp stands for
    def shown(source: Source) -> Source:
        return replace(source, latex=unexpanded(source.latex, at(source.line)))
    return ([replace(c, source=shown(c.source),
                     written=tuple(unexpanded(w, at(c.source.line)) for w in c.written))
             for c in reader.claims],
            [replace(f, source=shown(f.source)) for f in reader.findings])


WHERE_AFTER = re.compile(r"^\s*[,;:]?\s*(?:where|with)\b", re.I)
SAME_SENTENCE = re.compile(r"\b(?:where|with)\b", re.I)
# '$\frac{da}{dz} = 1 - a^2$ for $a = \tanh(z)$': a formula for a name (not a value of it, not
# an index's range) given after the formula it is for
FOR_AFTER = re.compile(r"^\s*[,;:]?\s*for\s*\$", re.I)
INDEX_NAME = re.compile(r"^\s*[ijklmnt]\s*=")   # 'for $i = 1, ..., n$': an index's range
# a formula of vectors or matrices: a name defined by one is no number
ARRAY_HINT = re.compile(r"\\(?:mathbf|boldsymbol|bm|top|odot|otimes|intercal)(?![A-Za-z])"
                        r"|\^\s*\{?\s*T\b|\\(?:operatorname|mathrm)\s*\{\s*diag\s*\}"
                        r"|\\begin\{[pbBvV]?matrix\}")
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
LETTER_AFTER = re.compile(r"=\s*.*[A-Za-z\\]")   # a formula, not a number
LEFT = re.compile(r"^\s*([^=]+?)\s*=")
# what a definition's left side looks like: a name (with a font, indices, a label), or a function
# of arguments; not a derivative or an expression ('with $\frac{dE}{dy} = ...$' is a claim)
DEFINITION_HEAD = re.compile(r"^\s*(?:\\[A-Za-z]+\s*\{[^{}]*\}|\\?[A-Za-z]+)"
                             r"(?:\s*[_^]\s*(?:\{[^{}]*\}|\w))*"
                             r"\s*(?:\\left)?(?:\([^()=]*\\?(?:right)?\))?\s*=")


OBJECTIVE = re.compile(r"(?<![\\A-Za-z])([A-Z])\s*\(")   # J(\theta) in w - eta grad J(\theta)


def _declares_an_array(where: str, claim: str) -> bool:
    """Whether `where` declares a name of `claim` a vector or a matrix of given sizes, not 1
    (x in R^2, A in R^{3 x 2}); sizes in letters (R^n, R^{N^m}) include 1."""
    shape = SHAPE.match(where.strip())
    if shape is None or not shape.group("dims"):
        return False
    sizes = re.findall(r"\d+", shape.group("dims"))
    return not re.search(r"[A-Za-z]", shape.group("dims").replace("\\times", "")) \
        and sizes != ["1"] * len(sizes) and shape.group("name").strip() in claim


def in_reading_order(numbered: list) -> list:
    """The formulas in the order a reader takes them: the definitions a formula's own sentence
    gives after it (`..., where $f(x) = x^3$ and $g(x) = 1 - x$`) before the formula."""
    out, k = [], 0
    while k < len(numbered):
        equation = numbered[k][0]
        end = k + 1
        if WHERE_AFTER.match(equation.after):
            while end < len(numbered) and numbered[end][0].line == equation.line \
                    and not numbered[end][0].display \
                    and DEFINITION_HEAD.match(numbered[end][0].latex) \
                    and SAME_SENTENCE.search(numbered[end][0].prose):
                end += 1
        elif FOR_AFTER.match(equation.after) and end < len(numbered) \
                and numbered[end][0].line == equation.line and not numbered[end][0].display \
                and DEFINITION_HEAD.match(numbered[end][0].latex) \
                and LETTER_AFTER.search(numbered[end][0].latex) \
                and not INDEX_NAME.match(numbered[end][0].latex):
            end += 1
        # a formula for the formula's own name stays after it: 'Let $z = g(x, y)$ where ...
        # and $z = p^2 + q$' says what g is
        head = _left(equation.latex)
        given = numbered[k + 1:end]
        out += [n for n in given if _left(n[0].latex) != head] + [numbered[k]] + \
            [n for n in given if _left(n[0].latex) == head]
        k = end
    return out


def _left(latex: str) -> str | None:
    found = LEFT.match(latex)
    return "".join(found.group(1).split()) if found else None


def lists_its_entries(left: str, right: str) -> bool:
    """Whether `right` writes out the entries of the name `left` (w^l = (w^l_{11} ... ), x =
    [x_1, ..., x_n]^T): it says what shape the name has, not what else it is."""
    letter = base_name(left)
    return letter is not None and re.search(rf"(?<![A-Za-z\\]){re.escape(letter)}\s*(?:\^\s*"
                                            r"(?:\{[^{}]*\}|\w)\s*)?_", right) is not None


# k'(h(x)): a prime of a function at another function of one variable
PRIME_AT_A_COMPOSITE = re.compile(
    r"(?<![\\A-Za-z])([A-Za-z])'\s*\(\s*([A-Za-z])\s*\(\s*([A-Za-z])\s*\)\s*\)")
NOT_EQUAL = re.compile(r"\\neq?(?![A-Za-z])|≠")


def compact(latex: str) -> str:
    return "".join(latex.split())


VOCABULARY = set(FUNCTIONS) | set(WORD_FUNCTIONS) | {"sigma", "sigmoid"}   # functions known by name
# `L(x) = ...`, `V(w, \\ell) = ...`: a name applied to variables, defined
# an argument: a letter or a decorated one (\hat{y}, \mathbf{w}, \tilde{w})
ARGUMENT = r"(?:\\(?:hat|bar|tilde|vec|mathbf|boldsymbol|bm)\s*\{\s*\\?[A-Za-z]+\s*\}|\\?[A-Za-z]+)"
FUNCTION_HEAD = re.compile(r"^\s*(\\?[A-Za-z]+)\s*\(\s*" + ARGUMENT + r"(?:\s*,\s*" + ARGUMENT
                           + r")*\s*\)\s*=")


SIGMOID_WORDS = re.compile(r"sigmoid|logistic", re.IGNORECASE)


def redefines_sigma(text: str, sides, equation: Equation) -> bool:
    """`\\sigma(z) = \\max(0, z)`: \\sigma, the logistic sigmoid unless the document says otherwise,
    is the usual letter of any activation; a formula for it that is not the sigmoid's, in words
    that do not call it the sigmoid, defines the document's own \\sigma (its formula is then no
    claim, and the formulas after it use it)."""
    head = FUNCTION_HEAD.match(text)
    # the words of its sentence, and those before it (not a section's title: "Sigmoid" over
    # "Let $\sigma(z) = \max(0, z)$ be the ReLU" does not call it the sigmoid)
    lead = re.sub(r"^#+\s*" + re.escape(equation.section), "", equation.lead.strip())
    after = re.split(r"[.!?](?:\s|$)", equation.after, maxsplit=1)[0]
    if not head or head.group(1) != "\\sigma" or SIGMOID_WORDS.search(
            " ".join((lead, equation.prose, after))):
        return False
    # a formula of its own variable only (not \sigma(z) = P, P defined; not \sigma(z) = 1/2, a
    # value at a point the text gives)
    lhs, rhs = sides
    if not (isinstance(rhs, sp.Expr) and rhs.free_symbols
            and rhs.free_symbols <= lhs.free_symbols):
        return False
    try:
        return clearly_nonzero(lhs - rhs, clock() + 0.2)
    except (TypeError, ValueError):
        return False


class DocumentReader:
    def __init__(self, seconds: float, assume: tuple = (), spelled: frozenset = frozenset(),
                 numbered: frozenset = frozenset()):
        self.seconds = seconds
        self.natural_log = False   # the text says its log is the natural one: no other base tried
        self.one_hot = True        # nothing in the text says its targets are not one-hot
        self.rounding = "either"   # whether the text says its decimals are rounded or cut off
        self.denied: dict[str, set] = {}   # a formula the text writes with \\neq -> its lines
        self.assumed: dict[int, list] = {}   # a line -> the conditions 'Assume $x > 0$' states
        self.ranges: dict[str, tuple] = {}   # alpha -> (its section's level and heading, range)
        self.descended: dict = {}   # a section -> what its descent steps take gradients of
        self.assume = tuple(assume)
        self.spelled = spelled                # names in plain letters: net_j (text.letters)
        self.numbered = numbered              # letters with a layer's number: w^{2}_{11}
        self.scope = Scope()
        self.claims: list[Claim] = []
        self.findings: list[Finding] = []   # what is not a claim to decide, with why
        self.last_side: str | None = None    # the last side of the display block before
        self.opaque: dict[str, int] = {}      # names defined in a form that cannot be read
        self.sectioned: dict[str, int] = {}   # of those, the ones for their section: its heading
        self.properties: dict[str, tuple] = {}   # A -> (line, 'A = A^T', heading): a stated property
        self.glossary: dict[str, set] = {}    # '$C$ - Cost function': C -> {'cost'}
        self.written: dict[str, str] = {}     # every definition's value as written, by name
        self.head: str | None = None          # the first side of the derivation being read
        self.conditions: list = []            # (heading, line, text, IndexCondition): cases
        self.relations: dict[str, tuple] = {}  # z -> (heading, 'z = \\ln\\frac{P}{1-P}', line)

    # -- one formula ------------------------------------------------------------------------------

    def equation(self, equation: Equation, nth: int = 1) -> None:
        self.scope.enter(equation)
        condition = assumed(equation.prose, equation.latex)
        if condition is not None:   # 'Assume $x > 0$. Then $...$': for what follows on the line
            self.assumed.setdefault(equation.line, []).append(condition)
        for name, (level, heading, _) in list(self.ranges.items()):
            if equation.heading != heading and equation.level <= level:
                del self.ranges[name]   # a section of the same rank or higher: it is over
        given = parameter_range(equation.prose, equation.latex)
        if given is not None:   # '... with $0 < \alpha < 1$': for what the section says after
            self.ranges[given[0]] = (equation.level, equation.heading, given[1])
        for name, heading in list(self.sectioned.items()):
            if heading != equation.heading:   # the text has moved on
                del self.sectioned[name]
                self.opaque.pop(name, None)
        self.remember_glossary(equation)
        nth = "" if nth == 1 else f"/{nth}"
        latex = equation.latex
        if equation.cell is not None and equation.cell.header:
            latex = self.completed_cell(equation)
        block = lines(latex)
        carried = self.last_side if equation.display else None
        self.last_side = None
        for number, line in enumerate(block, 1):
            where = equation.line + line.offset
            ident = f"L{where}{nth}" + (f".{number}" if len(block) > 1 else "")
            source = Source(ident, where, equation.section,
                            line.text if not line.continues else "... " + line.text)
            continues = line.continues or (number == 1 and bool(re.match(r"^&?\s*=", line.text)))
            before = carried if continues else None
            head = self.head
            try:
                with time_limit(self.seconds):
                    last = self.line(equation, line.text, source, before, continues, line.case,
                                     line.said)
            except TaskTimeout:
                self.skip(source, f"reading it took longer than {self.seconds:g} s")
                last = None
            if line.aside:   # `\because z_i = ...`: the chain goes on from the formula before
                self.head = head
                continue
            carried = last
            if equation.display:
                self.last_side = last

    def completed_cell(self, equation: Equation) -> str:
        """A table cell as the completion of its column's header: under `C` the cell c says
        `C = c`; under `a = \\sigma(z)` it gives this row's a (and this row's sigma when sigma
        is the document's own function, not a known one): `a = c`, the header's own equation
        being the same in every row."""
        header, cell = (self.lettered(t) for t in (equation.cell.header, equation.latex))
        first, *names = split_sides(header)
        for name in names:
            try:
                lhs, rhs = read_claim(f"{name} = {cell}", latex=True).sides
            except (InputError, RecursionError, ValueError, TypeError, AttributeError):
                continue
            if definable(lhs) and not mentions(rhs, lhs):
                self.define(name, cell, lhs, rhs, equation)
        return f"{first} = {cell}"

    def line(self, equation: Equation, text: str, source: Source, before: str | None,
             continues: bool, case: str = "", said: str = "") -> str | None:
        """Read one line; the LaTeX of its last side, for a line that continues it. `said`: the
        words set before it in the formula (`\\text{Let }`), nearest of all."""
        words = (equation.prose + " " + words_inside(text) + " " + words_inside(said)).strip()
        body = self.lettered(clean(text))
        body, assume, unread = self.domain(body, equation)
        if assume:
            source = replace(source, note="; ".join(filter(None, (
                source.note, f"checked where {' and '.join(assume)}, as the formula states"))))
        stated = INDEX_CONDITION.match(body)
        if stated:   # 'for $i \neq j$': a case the section's formulas may be in
            self.conditions.append((equation.heading, source.line, body.strip(),
                                    index_condition(stated)))
        if continues and before is None:
            self.skip(source, "continues a line that could not be read")
            return None
        kind = by_marks(body)
        if kind is Kind.RELATION:
            self.declare(body, equation)
            self.skip(source, "a relation, not an equality")
            return None
        if kind is Kind.UPDATE and split_update(body):
            self.update(equation, *split_update(body), source, arrow=ARROW.search(body).group())
            return None
        if kind is not None:
            self.skip(source, f"an {kind.value}: not an identity" if kind is Kind.UPDATE
                      or kind is Kind.APPROXIMATION else kind.value)
            return None
        written = split_sides(body)
        used = [a for a in self.scope.aliases if any(by_value(w, [a]) != w for w in written)]
        sides = [by_value(side, used) for side in written]
        if used:   # the reader's note says how the derivative by a value was read
            source = replace(source, note="read with " + ", ".join(
                f"{a.name} for {a.call}" for a in used) + ", as the document writes it before")
        if before is not None:
            sides = [before] + sides
        for left, right in zip(written, written[1:]):   # for the lines after this one
            alias = learned(left, right)
            if alias is not None:
                self.scope.learn(alias, equation)
        if len(sides) < 2:
            named = self.named_by_the_words(equation) if sides and before is None else None
            if named is not None:
                self.links(equation, [named] + sides, source, Kind.DEFINITION, assume=assume,
                           unread=unread)
                return sides[-1]
            self.skip(source, "not an equation")
            return sides[-1] if sides else None
        told = by_words(words)
        if told is None and equation.introduction:   # 'Common slips:' over a list of them
            introduced = by_words(equation.introduction)
            told = introduced if introduced in (Kind.DENIED, Kind.EXERCISE) else None
        if told is Kind.CONDITION and assume:
            told = None   # 'Unless $x > 0$, ...': the condition is the claim's domain
        if told is not Kind.EXERCISE and before is None and denied_after(equation.after):
            told = Kind.DENIED   # '$...$, which is wrong'
        if before is None and any(abs(line - source.line) <= 1
                                  for line in self.denied.get(compact(body), ())):
            told = Kind.DENIED   # the text also writes it with \\neq, next to it
        if before is None:
            self.head = sides[0]
        self.links(equation, sides, source, told,
                   self.head if before is not None and self.head != before else None, case,
                   assume, unread)
        return sides[-1]

    def domain(self, body: str, equation: Equation) -> tuple[str, tuple, str | None]:
        """The formula of a line without the condition it states after itself ('..., \\quad
        x > 0'), the --assume texts of that condition and of those the words around the formula
        state ('$f'(x) = 1$ for $x > 0$', 'If $x > 0$, then $...$'), and why a condition in the
        words cannot be taken (None when all can). A condition inside the formula that --assume
        cannot hold (x \\neq 1) is not taken: the line is then read as before."""
        from derive.text import parse_assumptions

        def readable(assumptions) -> bool:
            try:
                parse_assumptions([*self.assume, *assumptions])
            except InputError:
                return False
            return True
        point = AT_A_POINT.search(body)
        if point:   # the formula alone, not checked: no --assume says 'at x = -3'
            return without_separators(body[:point.start()]), (), \
                f"'{point.group(0).strip()}', at one point"
        inside = condition_inside(body)
        if inside is not None and readable(inside.assumptions):
            body, assume = inside.formula, inside.assumptions
        else:
            assume = ()
        unread = None
        around = [stated_before(equation.prose), stated_after(equation.after)]
        if around == [None, None]:
            around.append(restricted(equation.prose, equation.after))
        ranges = [condition for name, (_, _, condition) in self.ranges.items()
                  if re.search(rf"\\{name}(?![A-Za-z])", body)]
        for stated in around + self.assumed.get(equation.line, []) + ranges:
            if stated is None:
                continue
            if stated.unread is None and readable([*assume, *stated.assumptions]):
                assume += stated.assumptions
            else:
                unread = unread or stated.unread or f"'{' and '.join(stated.assumptions)}'"
        return body, assume, unread

    def links(self, equation: Equation, sides: list[str], source: Source, told: Kind | None,
              head: str | None = None, case: str = "", assume: tuple = (),
              unread: str | None = None):
        """Each equality of a line: a definition recorded, or a claim with its readings
        (`assume`: the condition the line states, as --assume texts; `unread`: why a condition
        the words state cannot be taken, and its claims are then not checked: checked
        everywhere, they could be refuted where the text does not claim them)."""
        assume = self.assume + assume
        every = quantified(f"{equation.prose} {equation.after}", equation.latex)
        stated = bool(RULE_WORDS.search(equation.prose))   # 'for any differentiable y'
        general = stated or bool(RULE_WORDS.search(equation.section))
        for k, (left, right) in enumerate(zip(sides, sides[1:])):
            ident = source.id + (chr(ord("a") + k) if len(sides) > 2 else "")
            here = Source(ident, source.line, source.section, source.latex, note=source.note,
                          exercise=told is Kind.EXERCISE)
            text = f"{left} = {right}"
            if NAME.match(left) and base_name(left):
                self.written[base_name(left)] = right   # v_i = \\nabla f(x_i), even unread
            if RESPECTIVELY.search(f"{equation.prose} {equation.after}"):
                # '... for $a = \sigma(z)$ and $a = \tanh(z)$ respectively': which formula goes
                # with which is not read, so neither the claims nor the names are used
                if NAME.match(left) or FUNCTION_HEAD.match(text):
                    self.make_opaque(left, equation)
                self.skip(here, "paired with other formulas 'respectively': which goes with which "
                                "is not read")
                continue
            # a name defined again (f(x) = a^x after an f that could not be read) is redefined
            redefined = (NAME.match(left) or FUNCTION_HEAD.match(text)) and k == 0
            opaque = self.opaque_in(right if redefined else text)
            if opaque:
                self.skip(here, opaque)
                continue
            defines = bool(FUNCTION_HEAD.match(text) or NAME.match(left) and "^" not in left)
            if told is Kind.CURVE and defines and self.scope.binding(left) is not None:
                # 'Let $k(t) = t^3$. The curve $k(t) = 2t$ ...': a set of points, or a new k?
                self.make_opaque(left, equation)
                self.skip(here, "the equation of a curve for a name defined before: which the "
                                "name means after it is not read")
                continue
            if told is Kind.CURVE and not curve_equation(text, defines):
                told = None   # ('the tangent line ... $\frac{d}{dx} x^3 = 3x^2$': a claim)
            if told is Kind.CURVE:
                # 'The curve $y = x^3$ ...', then 'on the parabola $y^2 = 4x$': y is no longer x^3
                written = set(TOKEN.findall(text))
                for b in list(self.scope.bindings.values()):
                    if b.name in written:
                        self.make_opaque(b.key.split(" ")[0], equation)
            if told in (Kind.SOLVE, Kind.DENIED, Kind.CURVE):
                self.skip(here, f"{told.value}: not an identity")
                continue
            if entry_of_a_function(left):
                self.make_opaque(left, equation)
                self.skip(here, f"definition of {left.strip()} (entry by entry: the formulas "
                                "that use it are not checked)")
                continue
            try:
                reading, given = self.read(text, every=every)
                if k == 0 and redefines_sigma(text, reading.sides, equation):
                    reading, given = self.read(text, redefined=True, every=every)
            except (InputError, RecursionError, ValueError, TypeError, AttributeError) as err:
                head = FUNCTION_HEAD.match(text)
                defines = told is Kind.DEFINITION or (
                    not equation.prose and by_words(equation.lead) is Kind.DEFINITION)
                named = head is not None or (NAME.match(left) is not None and (
                    ARRAY_HINT.search(right) is not None and not lists_its_entries(left, right)
                    or NEXT_TERM.search(left) is not None))   # x_{k+1} = ...: the next term
                if named and k == 0 and (self.scope.binding(left) is None or defines) \
                        and (head is None or head.group(1).lstrip("\\") not in VOCABULARY):
                    # f(x) = k u(x) or P = \frac{1}{N} 1 1^T unread: the f' after it is of that
                    # f, not of any f, and P (of vectors) is no number (\sigma keeps its own
                    # meaning: its formulas are claims); so too after an f the text had defined,
                    # when the words say this one defines it ('the negative log-likelihood is
                    # $J(w) = ...$')
                    self.make_opaque(left, equation)
                self.skip(here, f"cannot read: {err}" if isinstance(err, InputError)
                          else f"cannot read: {type(err).__name__}")
                continue
            lhs, rhs = reading.sides
            applied = FUNCTION_HEAD.match(text)
            if unread and applied and applied.group(1).lstrip("\\") in VOCABULARY:
                # 'for large x, sigma(x) = 1': no new meaning of a function known by name
                self.skip(here, f"stated under a condition that cannot be read ({unread}): not "
                                "checked")
                continue
            if applied and applied.group(1).lstrip("\\") in VOCABULARY and isinstance(
                    rhs, sp.Basic) and rhs.is_number and not self.all_given(text):
                # 'at the boundary sigma(z) = 1/2', 'tanh(z) = 0 at the origin': a value at a
                # point the text does not give, or an equation for z (never a new sigma)
                self.skip(here, f"the value of {left.strip()} at a point the text does not give "
                                "here: not an identity")
                continue
            why = self.not_a_claim(left, right, lhs, rhs, equation, told, general, here)
            if why is not None:
                if why:
                    self.skip(here, why)
                continue
            if unread:
                self.skip(here, f"stated under a condition that cannot be read ({unread}): not "
                                "checked")
                continue
            condition = index_condition(INDEX_CONDITION.match(case)) if case else \
                condition_after(equation.after)
            conditioned = condition is not None and condition.about(lhs, rhs)
            if conditioned:   # '..., where $j \neq i$': checked there only
                reading = replace(reading, context=replace(
                    reading.context, index_conditions=reading.context.index_conditions
                    + (condition,)))
                here = replace(here, note="; ".join(filter(None, (
                    here.note, f"checked where {condition.text}, as the text after it says"))))
            reading, link, units = self.plan(text, reading, given, assume,
                                             units_allowed=not conditioned)
            if getattr(link, "places", None) is not None:
                link = replace(link, rounding=self.rounding)   # as the text says it does
            if isinstance(link, Exception):
                self.skip(here, f"cannot check: {link}")
                continue
            unknown = unknowns(lhs, rhs, reading.context)
            if units:
                here = replace(here, note="read with one unit per layer (entry by entry): the "
                                          "vector reading cannot be checked")
            # the sides as written, for a correction; none from one unit per layer, where what
            # fixes the scalar need not fix the vectors
            written = () if units else (unspell(left, self.spelled), unspell(right, self.spelled))
            others = self.readings(text, head if k == 0 else None, right, given,
                                   equation.heading) + \
                self.cases(text, lhs, rhs, equation, given, conditioned)
            values = self.scope.values()
            point = tuple(values[key].text for key in sorted(given))
            self.claims.append(Claim(here, lhs, rhs, assume, ClaimKind.READ, link,
                                     tuple(sorted(unknown)),
                                     (stated or (general and unknown <= GENERIC))
                                     and not says_what_a_function_is(lhs, rhs),
                                     others, tuple(doubts(lhs, rhs, reading.context)) +
                                     property_of_one_name(lhs, rhs, reading.context) +
                                     self.resting_on_properties(lhs, rhs, equation),
                                     written, point, units))
            self.note_property(lhs, rhs, text, equation)

    def at_every_layer(self, left: str):
        """The definition of `left` by a derivative that a line stating `left` is a result about
        (BP1, BP2), not a new definition of: its entries' (delta^l after delta^l_j =
        dC/dz^l_j), or its form at every layer l (or m) when `left` is at the last, L (delta^L_j
        after delta^l_j = dC/dz^l_j). None when the text defined `left` itself (its vector form
        first, say) or no such derivative."""
        key = key_of(left)
        if self.scope.bindings.get(key.replace(ENTRY, "")) is not None:
            return None   # delta^L = grad_a C * sigma'(z^L) came first: its entries are defined
        candidates = [key + ENTRY] if not key.endswith(ENTRY) else []
        for label in ("l", "m"):
            general = re.sub(r"\^\s*\{\s*L\s*\}|\^\s*L(?![A-Za-z])", f"^{label}", left)
            if general != left:
                candidates += [key_of(general)] + ([key_of(general) + ENTRY]
                                                   if not key.endswith(ENTRY) else [])
        for candidate in candidates:
            found = self.scope.bindings.get(candidate)
            if found is not None and found.derived:
                return found
        return None

    def not_a_claim(self, left, right, lhs, rhs, equation, told, general, here) -> str | None:
        """Why `left = right` is not checked as an identity (recording it when it defines a
        name; judging it when it is a descent step: then ''), or None."""
        if all(isinstance(side, sp.Symbol) and len(side.name) == 1 and side.name in CASE_LETTERS
               for side in (lhs, rhs)):
            return (f"a condition on the indices ({left.strip()} = {right.strip()}), not a "
                    "definition")
        if isinstance(rhs, sp.Basic) and rhs.is_Number and (
                isinstance(lhs, (sp.Indexed, sp.KroneckerDelta))):
            # y_i = 1 for the correct class, \\delta_{ij} = 1 if i = j: one case, in the words
            return (f"the value of {left.strip()} in one case (the words say which): not a "
                    "definition")
        if value_at_a_point(lhs, rhs):
            return f"the value of {left.strip()} at a point: not a definition of the function"
        if composite_by_outer_name(lhs, rhs, left, right):
            self.make_opaque(left, equation)   # f is now the composite too: which, is unsaid
            self.sectioned[base_name(left)] = equation.heading
            return (f"notation: {right.strip()} called {left.strip()} (one name for the outer "
                    "function and the composite; the formulas that use it are not checked)")
        if spelled_name(lhs, rhs) and not is_step(lhs, rhs):
            return f"definition of {left.strip()} (a name written in letters)"
        if (definable(lhs) or letters(lhs)) and is_step(lhs, rhs):
            self.update(equation, left, right, here, lhs, rhs)
            return ""
        old = self.before_update(left)
        if old is not None and is_step(old, rhs):   # w^+ = w - \eta dE/dw: the new w
            self.update(equation, left, right, here, old, rhs)
            return ""
        if name_read_as_power(lhs, left, rhs, right):
            self.make_opaque(left, equation, whole=True)
            return (f"definition of {left.strip()} (a name with a mark this reader takes for a "
                    "power: the formulas that use it are not checked)")
        if definable(lhs) and told is not Kind.DEFINITION and self.scope.binding(left) is None \
                and self.at_every_layer(left) is not None:
            if base_name(left) in TOKEN.findall(right):   # BP2: never a new definition of delta
                return (f"a recurrence for {left.strip()}, which the text defines by a "
                        "derivative: not checked")
            return None   # BP1 after delta = dC/dz: a result about delta, to check
        if definable(lhs) and not mentions(rhs, lhs):
            existing = self.scope.binding(left) or self.at_every_layer(left)
            if existing is not None and not existing.value and not existing.derived \
                    and isinstance(rhs, sp.Basic) and rhs.is_Number and not lhs.is_Number:
                # net = w_1 i_1 + ..., then net = 0.3775: its value in the worked example, while
                # its formula stays what derivatives of it are taken from
                return (f"the value of {left.strip()} in a worked example (its formula is kept "
                        "for the formulas after it)")
            if existing is None or not existing.derived or told in (Kind.DEFINITION,
                                                                     Kind.CONDITION):
                if self.define(left, right, lhs, rhs, equation):
                    return f"definition of {left.strip()}"
                return (f"definition of {left.strip()}, which cannot be read on its own: the "
                        "formulas that use it are not checked")
        elif definable(lhs) and not (general and isinstance(lhs, AppliedUndef)
                                     and name_of(lhs) in GENERIC):
            self.note_property(lhs, rhs, f"{left.strip()} = {right.strip()}", equation)
            return "an update rule or a recurrence (the name is on both sides): not an identity"
        if names_entries(lhs, rhs):
            return "definition of the entries of a vector of names (not used by other formulas)"
        given = {b.name.lstrip("\\") for b in self.scope.values().values()}   # \epsilon: epsilon
        if value_in_an_example(lhs, rhs, left, right, given):
            return ("the value in a worked example (a formula of variables set equal to a "
                    "number worked out with decimals): not an identity")
        if values_of_an_example(lhs, rhs, left, given):
            if lhs.is_Number or isinstance(lhs, sp.Symbol) or lhs in (sp.E, sp.pi):
                self.make_opaque(left, equation, whole=lhs not in (sp.E, sp.pi))
            elif isinstance(lhs, sp.Pow) and isinstance(lhs.base, sp.Symbol) \
                    and isinstance(rhs, sp.Basic) and rhs.free_symbols and not rhs.is_Atom \
                    and not isinstance(rhs, sp.Pow):
                # \sigma^2 = \frac{1}{m} \sum (x_i - \mu)^2 (a formula, not another name
                # such as N^L): read as a power, sigma^2 would be free in the formulas after it
                self.make_opaque(left, equation, whole=True)
            return f"definition of {left.strip()} (values of an example, or a name)"
        named = self.named_by_its_value(left.strip(), right.strip(), lhs, rhs, equation, told)
        if named is not None:
            return named
        if constraint(lhs, rhs):
            self.scope.bind(left, f"{left} = {right}", equation, local=False)
            return "a constraint the document states (used by the formulas after it)"
        if told is Kind.CONDITION:   # (an equation to solve was set aside before reading)
            self.note_property(lhs, rhs, f"{left.strip()} = {right.strip()}", equation)
            return f"{told.value}: not an identity"
        return None

    def note_property(self, lhs, rhs, text: str, equation: Equation) -> None:
        """`A = A^\\top` stated for a matrix (a condition, or a property read as a claim): the
        claims of its section about that matrix may rest on it."""
        if property_of_one_name(lhs, rhs, Context()):
            name = next(iter(names_in(lhs) | names_in(rhs)))
            self.properties[name] = (equation.line, text, equation.heading)

    def resting_on_properties(self, lhs, rhs, equation: Equation) -> tuple:
        """The doubts a refutation of a claim about a matrix with a stated property carries."""
        names = names_in(lhs) | names_in(rhs) if isinstance(lhs, sp.Basic) \
            and isinstance(rhs, sp.Basic) else frozenset()
        return tuple(f"the text states {text} (line {line}), which it may rest on"
                     for name, (line, text, heading) in self.properties.items()
                     if name in names and heading == equation.heading)

    def named_by_its_value(self, left: str, right: str, lhs, rhs, equation, told) -> str | None:
        """A lone name on the right given the value on the left, recorded as its definition:
        `\\log_e 1 = y` after y = \\log_e x (its value in a worked example), `\\text{Let }
        \\log_e x = y`, and `\\frac{dy}{dx} = m` or `\\ln\\frac{P}{1-P} = z` with the name defined
        nowhere and not used by the left side. None when the formula states an identity."""
        existing = self.scope.binding(right) if isinstance(rhs, sp.Symbol) else None
        if existing is not None and not existing.value and isinstance(lhs, sp.Basic) \
                and not lhs.free_symbols:
            self.define(right, left, rhs, lhs, equation)
            return f"the value of {right} in a worked example: not an identity"
        others = self.unrelated(left, lhs, existing)
        if others:
            # \ln\frac{P}{1-P} = z with z = w_1 x_1 + ... + b: no identity relates quantities
            # that share no variable; the text states how they relate (a model, an equation it
            # goes on to solve): a reading of its section's formulas, z's definition kept
            self.relations[existing.key] = (equation.heading, f"{right} = {left}",
                                            equation.line)
            return (f"a relation the text states between {right} and {others}, not an "
                    f"identity: the formulas after it may rest on it")
        if not names_the_other_side(lhs, rhs):
            return None
        used = {t for text in [left] + self.scope.where(left) for t in TOKEN.findall(text)}
        if told is Kind.DEFINITION or not (self.scope.where(right) or base_name(right) in used):
            self.define(right, left, rhs, lhs, equation)
            return f"definition of {right} (by its value on the left)"
        return None

    def unrelated(self, left: str, lhs, existing) -> str:
        """The names of `lhs` (an algebraic expression, not a number) when neither they nor what
        they stand for share a variable with what the defined name of `existing` stands for
        (through the definitions); else ''."""
        if existing is None or existing.value or existing.derived \
                or not isinstance(lhs, sp.Basic) or not lhs.free_symbols or lhs.has(
                    sp.Derivative, sp.Limit, sp.Integral, *DERIVATIVES):
            return ""

        def variables(texts) -> set:
            return {name for text in texts for side in read_claim(text, latex=True).sides
                    for name in names_in(side)}
        try:
            meant = variables(self.scope.where(existing.text))
            own = names_in(lhs) | variables(self.scope.where(left))
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            return ""
        return ", ".join(sorted(names_in(lhs))) if own and not own & meant else ""

    def readings(self, text: str, head: str | None, right: str, given=(),
                 heading: int | None = None) -> tuple:
        """Other plausible readings of a claim (`Alternative`): \\log to base 2 or 10, targets y
        whose entries sum to 1, and for a line that continues a derivation, the line against the
        derivation's first side (the line before may be the wrong one)."""
        where = tuple(self.scope.where(text, without=given))
        out = []
        if (LOG.search(text) or any(LOG.search(w) for w in where)) and not self.natural_log:
            for base in ("2", "10"):
                out.append(Alternative(f"with \\log to base {base}",
                                       LOG.sub(rf"\\log_{{{base}}}", text),
                                       tuple(LOG.sub(rf"\\log_{{{base}}}", w) for w in where)))
        if TARGET_ENTRY.search(text) and self.one_hot:
            out.append(Alternative("with targets y whose entries sum to 1 (one-hot)", text,
                                   where + (r"\sum_k y_k = 1",)))
        if head is not None:
            step = f"{head} = {right}"
            out.append(Alternative("as a step of the derivation from its first side", step,
                                   tuple(self.scope.where(step, without=given))))
        whole = over_the_whole_side(text)
        if whole is not None:   # \frac{d}{dx} x^2 + 3x: of the sum, for a writer who means it
            out.append(Alternative(f"with {whole.operator} taken of the whole sum after it",
                                   whole.text, where))
        composite = PRIME_AT_A_COMPOSITE.sub(r"\\frac{d}{d\3} \1(\2(\3))", text)
        if composite != text:   # k'(h(x)) written for the derivative of k(h(x)), as notes do
            out.append(Alternative("with k'(h(x)) read as the derivative of k(h(x))", composite,
                                   where, settles=False))
        for key, (section, relation, line) in self.relations.items():
            binding = self.scope.binding(key)
            if section == heading and binding is not None and binding.text in where:
                # (z read through P: what z depends on changes, so a claim that holds only so
                # is not proved)
                out.append(Alternative(f"given {relation}, as the text states (line {line})",
                                       text, tuple(relation if w == binding.text else w
                                                   for w in where), settles=False))
        for current, first, option in self.scope.earlier(list(where)):
            # options listed one after the other (g(s) = tanh(s), g(s) = sigma(s)) are each a
            # reading; a definition replaced ('Now let ...') is no longer in force: that it
            # makes the claim hold only makes the claim ambiguous
            out.append(Alternative(f"with an earlier definition in its section, {first}", text,
                                   tuple(first if w == current else w for w in where),
                                   settles=option))
        self.scope.use(where)
        return tuple(out)

    def cases(self, text: str, lhs, rhs, equation: Equation, given, conditioned: bool) -> tuple:
        """A reading in each case on the claim's indices that its section states ('for
        $i \\neq j$'): the text may be in that case (a proof of the case stated before it)."""
        if conditioned:
            return ()
        where = tuple(self.scope.where(text, without=given))
        out = []
        for heading, line, written, condition in self.conditions:
            if heading == equation.heading and condition.about(lhs, rhs):
                out.append(Alternative(f"where {written} (line {line})", text, where + (written,)))
        return tuple(out)

    def read(self, text: str, redefined: bool = False, every: set = frozenset()):
        """The claim read with the definitions it mentions, and the keys of the values it is
        read without (d/da with a = 2 given: differentiated for every a, the value after).
        `redefined`: its head is a function of the vocabulary that it defines anew. The values
        of the names in `every` are left out too, and not put in after: the words state the
        claim for every value of them ('Let $z = 0$.' then '... for every $z$')."""
        # L(x) = x^2 + ...: L is the function it defines (a function of the vocabulary, such as
        # \sigma or \tanh, stays itself: its formula is a claim to check)
        head = FUNCTION_HEAD.match(text)
        name = head.group(1).lstrip("\\") if head else ""
        functions = (name,) if name and (redefined or name not in VOCABULARY) else ()
        reading = read_claim(text, latex=True, where=self.scope.where(text), functions=functions)
        if reading.sides[0] == sp.E and NAMES_E.match(text) and reading.sides[1].free_symbols:
            # e = y - \hat{y}: e names the error (Euler's number is no formula of variables)
            reading = read_claim(text, latex=True, where=self.scope.where(text),
                                 functions=functions, e_named=True)
        held = {key for key, b in self.scope.values().items() if b.name.lstrip("\\") in every}
        points = self.points_of(reading) - held
        if points or held:
            reading = read_claim(text, latex=True, functions=functions,
                                 where=self.scope.where(text, without=points | held))
        return reading, points

    def plan(self, text: str, reading, points, assume: tuple, units_allowed: bool = True):
        """The claim's link to decide; when its vectors cannot be checked as written (a function
        of a vector, a power of one), it is read again with one unit per layer, where a vector
        is its one entry: what fails there fails for every width (not for a claim about some
        of its indices only: `units_allowed`), under the claim's --assume texts `assume`.
        Returns (reading, link or the error that stops the check, whether it is read with one
        unit per layer)."""
        from derive.text import parse_assumptions
        assumptions = parse_assumptions(list(assume))
        try:
            return reading, links_of(reading, assumptions)[0], False
        except (InputError, ValueError, TypeError) as err:
            problem = err
        if not units_allowed:
            return reading, problem, False
        where = self.scope.where(text, units=True, without=points)
        if any(_declares_an_array(w, text) for w in where):
            return reading, problem, False   # A in R^{3 x 2}: never one number
        scalar = [w for w in where if not SHAPE.match(w.strip())]
        if any(OTHER_UNIT.search(t) for t in [text, *scalar]):
            return reading, problem, False   # w_{21} names a second unit: not one per layer
        try:
            units = read_claim(text, latex=True, where=scalar, units=True)
            return units, links_of(units, assumptions)[0], True
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            return reading, problem, False

    def update(self, equation: Equation, left: str, right: str, source: Source, lhs=None,
               rhs=None, arrow: str = "=") -> None:
        """An update rule: judged as a descent step where the text is about descent and the step
        is a multiple of a gradient; otherwise reported as an update rule."""
        if lhs is None:
            # the objective at the parameter (J(\theta), L(w)) is a function in an update rule
            objectives = tuple(sorted(set(OBJECTIVE.findall(right))))
            try:
                lhs, rhs = read_claim(f"{left} = {right}", latex=True, units=True,
                                      where=self.scope.where(right, units=True),
                                      functions=objectives).sides
            except (InputError, RecursionError, ValueError, TypeError, AttributeError):
                lhs = rhs = None
        step = step_of(lhs, rhs) if lhs is not None else None
        verdict = None
        if step is not None:
            parameter = base_name(name_of(step.old))
            by_parameter = any(v == step.old or (base_name(owner(v) or "") == parameter and not (
                                   isinstance(v, sp.Symbol) and isinstance(step.old, sp.Symbol))
                                   and not isinstance(step.old, sp.Indexed))
                               for d in step.gradient.atoms(*DERIVATIVES)
                               for v in (d.variables if isinstance(d, sp.Derivative)
                                         else d.args[1:2]))   # w_1 by dC/dw_2: no descent
            gradient = by_parameter or any(
                names_a_gradient(self.written.get(base_name(name) or "", ""), parameter)
                for name in {name_of(a) for a in step.gradient.atoms(sp.Symbol, sp.Indexed)})
            descent = is_descent(equation.section, equation.prose, equation.lead, equation.after)
            of = descended_names(step, parameter)
            descended = self.descended.get(equation.heading, set())
            if descended and not of & descended:
                descent = False   # after w - eta grad J: w + eta grad l may descend J = -l
            verdict = judge(step, gradient, descent, lhs, rhs,
                            climbing_corrected(left, right, arrow),
                            negated=is_negated(equation.prose, equation.lead))
            if verdict is not None and verdict.status is Status.PROVED:
                self.descended.setdefault(equation.heading, set()).update(of)
        if verdict is not None:
            self.findings.append(Finding(source, verdict=verdict))
        elif arrow == "=":
            self.skip(source, "an update rule or a recurrence (the name is on both sides): "
                              "not an identity")
        else:
            self.skip(source, f"an update rule ({arrow}): not an identity; what it descends is "
                              "not stated as a gradient")

    def remember_glossary(self, equation: Equation) -> None:
        """`$C$ - Cost function of the network`: remember what the document calls C (the entry
        itself is still reported as what it is, not an equation)."""
        if equation.display or not GLOSSARY.match(equation.after) \
                or not NAME.match(equation.latex):
            return
        words = set(WORD.findall(GLOSSARY.match(equation.after).group(1).lower())) - COMMON
        if words:
            self.glossary[equation.latex.strip()] = words

    def named_by_the_words(self, equation: Equation) -> str | None:
        """The symbol a bare expression defines, when the words before it name exactly one
        entry of the document's glossary ('the cost function is ... $expr$' with '$C$ - Cost
        function' earlier): C."""
        lead = equation.lead.lower()
        if not self.glossary or not re.search(r"\b(?:is|are|be|as)\b[^.]*$", lead):
            return None
        words = set(WORD.findall(lead))
        named = [name for name, own in self.glossary.items() if own & words]
        return named[0] if len(named) == 1 else None

    def all_given(self, text: str) -> bool:
        """Whether every variable of the head `f(x, y) = ...` has a value the text gave."""
        given = {b.name.lstrip("\\") for b in self.scope.values().values()}
        arguments = re.match(r"[^(]*\(([^)]*)\)", text).group(1).split(",")
        return all(a.strip().lstrip("\\") in given for a in arguments)

    def points_of(self, reading) -> set[str]:
        """Keys of the numbers the document gave (a = 2, c = 6) that a claim with a derivative
        mentions, directly or through its definitions: a derivative is taken for every value,
        the values put in after."""
        values = self.scope.values()
        if not values or not any(isinstance(side, sp.Basic) and side.has(*DERIVATIVES)
                                 for side in reading.sides):
            return set()
        mentioned = {owner(s) for side in reading.sides if isinstance(side, sp.Basic)
                     for s in side.free_symbols} | {
            name_of(d.target) for d in reading.context.definitions}
        return {key for key in values if key in mentioned}

    def opaque_in(self, text: str) -> str | None:
        """Why `text` is not checked: it uses a name defined in a form that cannot be read."""
        tokens, compact = set(TOKEN.findall(text)), "".join(text.split())
        for name, line in self.opaque.items():
            if (name in tokens) if TOKEN.fullmatch(name) else (name in compact):
                return (f"uses {name.lstrip(chr(92))}, which line {line} defines in a form that "
                        "cannot be read: not checked")
        return None

    def make_opaque(self, left: str, equation: Equation, whole: bool = False) -> None:
        """Remember that `left` has a definition this reader cannot use: by its letter (the
        function sigma of sigma(z)_i, the e of e = c d), or `whole`, as written (a^{(n_l)})."""
        if whole:
            compact = "".join(left.split())
            braced = re.sub(r"([\^_])([A-Za-z0-9])(?![A-Za-z0-9}])", r"\1{\2}", compact)
            for name in {compact, braced, re.sub(r"([\^_])\{([A-Za-z0-9])\}", r"\1\2", compact)}:
                self.opaque[name] = equation.line
        elif base_name(left) is not None:
            self.opaque[base_name(left)] = equation.line
        self.scope.forget(left)

    # -- definitions ------------------------------------------------------------------------------

    def define(self, left: str, right: str, lhs, rhs, equation: Equation) -> bool:
        """Record `left = right` when it reads as a definition on its own."""
        text = f"{left} = {right}"
        try:
            read_claim(text, latex=True, where=self.scope.where(text) + [text])
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            self.make_opaque(left, equation, whole=True)   # nor does its old definition
            return False
        self.opaque.pop(base_name(left) or "", None)
        lhs = lhs if lhs is not None else sp.Symbol(left)
        local = equation.cell is None and not network_notation(lhs, rhs, left)
        derived = isinstance(rhs, sp.Basic) and rhs.has(*DERIVATIVES)
        value = isinstance(lhs, sp.Symbol) and isinstance(rhs, sp.Basic) and rhs.is_Number
        self.scope.bind(left, text, equation, local, derived, value=value)
        return True

    def declare(self, body: str, equation: Equation) -> None:
        """Remember a size (`W^m \\in \\mathbb{R}^{N^m \\times N^{m-1}}`)."""
        shape = SHAPE.match(body.strip())
        try:
            read_context([body.strip()], Builder()) if shape else None
        except (InputError, ValueError, TypeError):
            shape = None   # sizes it cannot read (N^m): the quantity's shape stays open
        if shape:
            self.scope.bind(shape.group("name"), body.strip(), equation, local=False,
                            declaration=True)

    def before_update(self, left: str):
        """The parameter `w` of a left side `w^+` or `w^{+}` (its value after an update), or
        None."""
        if not UPDATED.search(left):
            return None
        try:
            old = read_claim(f"{UPDATED.sub('', left)} = 0", latex=True).sides[0]
        except (InputError, RecursionError, ValueError, TypeError, AttributeError):
            return None
        return old if definable(old) else None

    def lettered(self, text: str) -> str:
        """`text` with the document's names in letters and layer numbers made plain to the reader
        (`text.letters`)."""
        return numbered(spell(text, self.spelled), self.numbered)

    def skip(self, source: Source, reason: str) -> None:
        self.findings.append(Finding(source, skipped=unspell(reason, self.spelled)))


