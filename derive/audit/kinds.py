"""What an equation of a document is: a claim to check, or something else a careful reader would
not check as an identity (a definition, a condition, an equation to solve, an exercise, an update
rule, an approximation, a relation that is not an equality).

The kind is told from the formula and from the words just before it in the same sentence.
"""

from __future__ import annotations

import enum
import re


class Kind(str, enum.Enum):
    CLAIM = "claim"
    DEFINITION = "definition"       # binds a name (recorded, used by later equations)
    CONDITION = "condition"         # a hypothesis or a case: 'if f'(x) = 0', 'when i = j'
    SOLVE = "equation to solve"     # 'solve f_x = 0', 'points that satisfy ...'
    CURVE = "equation of a curve or set"   # 'the circle $x^2 + y^2 = 25$'
    DENIED = "stated as not holding"   # 'we cannot write ...', 'a common mistake is ...'
    EXERCISE = "exercise"           # 'true or false: ...': decided, never flagged
    UPDATE = "update rule"          # w <- w - eta dC/dw; checked as a descent step
    APPROXIMATION = "approximation"
    RELATION = "relation"           # <, >, \in, \neq: not an equality


def _cue(*words: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(words) + r")(?![A-Za-z])", re.I)


EXERCISE_CUES = _cue(r"true or false", r"prove or disprove", r"is it true", r"check whether",
                     r"check if", r"verify whether", r"which of", r"or find the error")
# 'Exercise:', 'Question 2.': a label that opens the sentence ('as shown in Exercise 2' is none)
EXERCISE_LABEL = re.compile(r"^\W*(?:exercise|question|quiz|problem)\b(?:\s*\d+)?\s*[.:)]?",
                            re.I)
DENIAL_CUES = _cue(r"cannot", r"can not", r"can't", r"isn't", r"(?:do|does|should|must)n't",
                   r"beware", r"tempt(?:ed|ing)", r"false", r"fallac(?:y|ious)",
                   r"not(?!\s(?:hard|difficult|surprising|unlike|only|just|too|much))",
                   r"wrong(?:ly)?", r"incorrect(?:ly)?", r"mistakes?", r"mistaken(?:ly)?",
                   r"erroneous(?:ly)?", r"slips?", r"pitfalls?", r"misconceptions?", r"typos?",
                   r"(?:common|frequent|typical|classic|usual|popular)\s+errors?",
                   r"avoid\s+writing", r"never\s+write")
OPENS_WITH_A_CONDITION = re.compile(r"^\W*(?:if|when|whenever|for|unless|provided|assuming)\b",
                                    re.I)
# 'nothing is wrong with', and a slip set aside: 'to avoid mistakes', 'pitfalls aside', 'without
# any pitfalls', 'the typical mistake is fixed by', 'a frequent error is avoided' ('avoid writing'
# right before the formula still denies it)
SLIP = r"(?:slips?|pitfalls?|mistakes?|errors?|typos?)"
NOT_DENIED = re.compile(r"nothing (?:is )?wrong|not (?:wrong|false|incorrect)|"
                        rf"\b{SLIP}\b[^.;]{{0,25}}\baside\b|\bwithout\s+(?:any\s+)?{SLIP}\b|"
                        rf"\bfree of\s+{SLIP}\b|\b{SLIP}\s+(?:is|are)\s+(?:fixed|avoided)\b|"
                        r"\bavoid(?:s|ed|ing)?\b(?!\s+writing\W*$)", re.I)
SOLVE_CUES = _cue(r"solve", r"solving", r"satisf(?:y|ies|ying)", r"such that", r"set(?:ting)?",
                  r"make", r"find", r"roots?", r"zeros?", r"critical", r"stationary",
                  r"equate", r"equating")
# an equation of a curve or a set: 'the decision boundary is where $...$', 'the circle $x^2 + y^2
# = 25$', 'differentiate implicitly $x^3 + y^3 = 6xy$' (only for an equation such a curve is:
# `curve_equation`)
CURVE_CUES = _cue(r"(?:boundary|curve|locus|set)\s+(?:is\s+)?where", r"curves?", r"circles?",
                  r"ellipses?", r"parabola", r"hyperbola", r"locus", r"boundary", r"contours?",
                  r"surfaces?", r"implicit(?:ly)?")
CONSEQUENCE_CUES = _cue(r"then", r"hence", r"thus", r"therefore")   # 'if a = 2, then a^2 = 4'
CONDITION_CUES = _cue(r"if", r"when", r"whenever", r"unless", r"case", r"assuming",
                      r"provided")   # not 'for all': 'for all x, ...' is an identity
DEFINITION_CUES = _cue(r"let", r"define[sd]?", r"defin(?:e|ing|ition)", r"where", r"with",
                       r"denote[sd]?", r"given", r"suppose", r"assume", r"by definition", r"is",
                       r"are", r"computed by", r"called", r"writ(?:e|ten)")
UPDATE_MARKS = re.compile(r"\\leftarrow|\\gets|←|:=|\\coloneqq|\+=|-=|\\mathrel\{\+\}=")
APPROXIMATE_MARKS = re.compile(r"\\approx|≈|\\simeq|\\sim(?![a-z])|\\thickapprox")
RELATION_MARKS = re.compile(r"(?<!\\left)(?<!\\right)[<>≤≥≠∈]|\\(?:leq?|geq?|neq?|ne|in|notin"
                            r"|subset|subseteq|lt|gt|propto|ll|gg|to|mapsto|implies|iff)(?![A-Za-z])")


def by_marks(latex: str) -> Kind | None:
    """The kind a formula's own symbols give it, or None when it reads as an equality."""
    if UPDATE_MARKS.search(latex):
        return Kind.UPDATE
    if APPROXIMATE_MARKS.search(latex):
        return Kind.APPROXIMATION
    if "=" not in latex:
        return Kind.RELATION if RELATION_MARKS.search(latex) else None
    without_sums = re.sub(r"\\(?:sum|prod|lim|int)_\{[^{}]*\}", " ", latex)
    if RELATION_MARKS.search(re.sub(r"\\(?:text|mathrm)\{[^{}]*\}", " ", without_sums)):
        return Kind.RELATION
    return None


DENIAL_REACH = 60   # characters of the formula's sentence before it a denial governs
# 'It is tempting to write $f'(x) = ...$ for $f(x) = \cos(x^2)$': the denial is of the formula
# before 'for', not of what it is for
GIVEN_FOR = re.compile(r"^\s*,?\s*(?:for|where|with)\s*$", re.I)


def by_words(prose: str) -> Kind | None:
    """The kind the words before a formula give it ('solve', 'if', 'let', 'true or false')."""
    if EXERCISE_CUES.search(prose) or EXERCISE_LABEL.match(prose):
        return Kind.EXERCISE
    # a denial in the formula's own sentence governs it: 'we cannot write $...$' (not a 'not' in
    # the condition that opens it: 'if $x$ is not positive, ...'; not 'nothing is wrong with')
    sentence = re.split(r"[.!?;]\s", prose[-DENIAL_REACH:])[-1]
    given_for = GIVEN_FOR.match(sentence.rpartition("$")[2]) and "$" in sentence
    if DENIAL_CUES.search(sentence) and not OPENS_WITH_A_CONDITION.match(prose) \
            and not NOT_DENIED.search(sentence) and not given_for:
        return Kind.DENIED
    # else the cue nearest the formula: 'the critical points. Let $f(x, y) = ...$' defines f
    found = [(distance, rank, kind) for rank, (cues, window, kind) in enumerate(
                 [(CONSEQUENCE_CUES, 30, Kind.CLAIM), (SOLVE_CUES, 80, Kind.SOLVE),
                  (CURVE_CUES, 60, Kind.CURVE),
                  (CONDITION_CUES, 80, Kind.CONDITION),
                  (DEFINITION_CUES, 30, Kind.DEFINITION)])
             if (distance := _distance(cues, prose[-window:])) is not None]
    kind = min(found)[2] if found else None
    return None if kind is Kind.CLAIM else kind


# '$...$, which is wrong', '$...$ is false', '$...$ (wrong!)', '$...$ is a classic error',
# '$...$. This is incorrect.', '$...$ is a mistake that students make', '$...$; it is wrong off
# the diagonal'
DENIED_AFTER = re.compile(r"^\s*(?:[,;:]|—|--?|\.(?=\s+(?:this|that|it)\s))?\s*\(?\s*"
                          r"(?:which\s+|that\s+|this\s+|it\s+)?(?:is|are|was)?\s*"
                          r"(?:(?:also|clearly|simply|plainly|a|an|another|classic|common|typical|"
                          r"frequent)\s+)*(?:wrong|false|incorrect|mistaken|not true|error|"
                          r"mistake|slip)(?![A-Za-z])(?!\s+(?:function|term|signal|rate|"
                          r"surface|vector|bound|analysis|of\s+the\s+(?:network|model|output)))"
                          # (not one that introduces the next: ', a common mistake is $...$',
                          # '. It is wrong to forget the 2')
                          r"(?!\s*(?::|(?:is|are|was|were|would|will|to|here)\b))"
                          r"|^\s*[,;:]?\s*(?:does not|doesn't|do not) hold"
                          r"|^\s*[,;:]?\s*(?:cannot|can not|can't|must not)\s+be\s+used\b"
                          r"|^\s*[,;:]\s*(?:don't|do not)\s*[.!]", re.I)


# 'for every $z$', 'holds for all real $x$', 'for any $x$': stated for each value of the name
QUANTIFIED = re.compile(r"(?:\bfor\s+(?:all|every|any|each)|\\forall|∀)\s+(?:(?:real|positive|"
                        r"negative|non-?negative|non-?zero|values?\s+of|numbers?|inputs?|choices?"
                        r"\s+of|layers?|units?|ind(?:ex|ices)|neurons?|samples?|examples?)\s+)*"
                        r"\$?\s*(\\?[A-Za-z]+)", re.I)


UPRIGHT = re.compile(r"\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}")


def quantified(words: str, latex: str = "") -> set[str]:
    """The names the words, or the formula's own upright text (`\\text{ for all } x`), say a
    formula holds for every value of ('for every $z$')."""
    return {m.group(1).lstrip("\\") for m in QUANTIFIED.finditer(
        words + " " + UPRIGHT.sub(r" \1 ", latex))}


def denied_after(after: str) -> bool:
    """Whether the words right after a formula say it does not hold."""
    return DENIED_AFTER.match(after) is not None


def _distance(cues: re.Pattern, text: str) -> int | None:
    """How many characters lie between the last cue in `text` and its end; None without one."""
    ends = [m.end() for m in cues.finditer(text)]
    return len(text) - ends[-1] if ends else None


PROSE_WORDS = re.compile(r"\\text\{\s*([^{}]*?)\s*\}")


def words_inside(latex: str) -> str:
    r"""The prose written inside a formula before its first equation (`\text{if, } f(x) = x^n`)."""
    head = latex.split("=", 1)[0]
    return " ".join(PROSE_WORDS.findall(head))


CALCULUS = re.compile(r"\\frac\s*\{\s*(?:d|\\partial)|\\(?:partial|lim|sum|prod|int|nabla)"
                      r"(?![A-Za-z])|'|\bd[a-z]\s*/\s*d[a-z]")
LETTER = re.compile(r"(?<![\\A-Za-z])[A-Za-z](?:_\{?\w+\}?)?(?![A-Za-z])")   # (x_1 and x_2 two)


def curve_equation(text: str, defines: bool) -> bool:
    """Whether `text` can be the equation of a curve or a set the words name: no derivative,
    limit or sum in it, two variables or more, and not a definition (`defines`: its left side a
    name or a function's head, 'the parabola $f(x) = x^2 - 4x + 3$')."""
    return not defines and not CALCULUS.search(text) and len(set(LETTER.findall(
        re.sub(r"\\[A-Za-z]+", " ", text)))) >= 2
