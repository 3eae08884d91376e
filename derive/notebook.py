"""The use cases as a notebook calls them: `from derive import check, differentiate, backprop,
audit`.

Thin wrappers over `derive.api` (which owns every default and policy) with keyword arguments and
Python values instead of command-line text. Each returns the record `api` returns; the records
show themselves in Jupyter (`_repr_latex_`) and in a rich console (`__rich__`). Bad input raises
`InputError` (a `ValueError`) with a one-line message, raised from here so that the traceback is
short.
"""

from __future__ import annotations

import functools
import os
from typing import Sequence

from derive import api
from derive.text import InputError

DOCUMENT_SUFFIXES = {".md": False, ".markdown": False, ".txt": False, ".tex": True}


def _short_traceback(use_case):
    """Bad input is raised from the wrapper, not from the frames of the work below it."""
    @functools.wraps(use_case)
    def wrapper(*args, **kwargs):
        try:
            return use_case(*args, **kwargs)
        except InputError as err:
            raise err.with_traceback(None) from None
    return wrapper


def _texts(value, what: str, allow_none: bool = False) -> tuple:
    """One string or a sequence of strings, as a tuple."""
    if value is None and allow_none:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{what} must be a string or a list of strings, not "
                     f"{type(value).__name__}")


def _text(value, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{what} is empty")
    return value


def _number(value, what: str, kind=(int, float)):
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InputError(f"{what} must be a number, not {type(value).__name__}")
    return value


@_short_traceback
def check(claim: str | Sequence[str], *, assume: str | Sequence[str] = (), latex: bool = False,
          where: str | Sequence[str] = (), functions: str | Sequence[str] = (),
          timeout: float = api.CHECK_TIMEOUT, jobs: int = 1):
    """Decide a claim, or each of a list of claims: a `CheckRun`.

    `check("diff(x**2, x) = 2*x")`; `check(r"\\frac{d}{dx} x^2 = 2x", latex=True)`;
    `check([...], jobs=2)`. `assume` holds assumptions ("x > 0"), `where` the document's
    definitions in LaTeX, `functions` names read as functions in LaTeX. A single claim that
    cannot be read raises `InputError`; in a list it is reported as INVALID.
    """
    from derive.results import Numbered

    claims = _texts(claim, "the claim")
    if not claims:
        raise InputError("no claim to check")
    numbered = [Numbered(line, _text(text, f"claim {line}"))
                for line, text in enumerate(claims, 1)]
    return api.check(numbered, _texts(assume, "assume"), bool(latex),
                     _texts(functions, "functions"), _number(timeout, "timeout"),
                     _number(jobs, "jobs", int), None, _texts(where, "where"))


@_short_traceback
def differentiate(expr: str, wrt: str | None = None, order: int = 1, latex: bool = False,
                  *, timeout: float = api.DERIVATION_TIMEOUT):
    """The derivative of `expr` step by step, each step named and checked: a `Derivations`.
    `wrt` names the variable (needed when there are several), `order` the derivative's order."""
    if wrt is not None:
        _text(wrt, "wrt")
    return api.differentiate(_text(expr, "the expression"), wrt, _number(order, "order", int),
                             bool(latex), _number(timeout, "timeout"))


@_short_traceback
def backprop(activation: str = "sigmoid", output_activation: str | None = None,
             cost: str | None = None, layers: str | Sequence[int] | None = None, *,
             force: bool = False, timeout: float = api.BACKPROP_TIMEOUT, jobs: int = 2):
    """The backpropagation document for an activation, output activation and cost, every step
    checked: a `BackpropDocument`. `layers` are the sizes of the explicit network the recurrence
    is proved on ((2, 2, 1) or "2,2,1"; None: the default, 2,2,1 or 2,2,3 for a softmax; "none":
    no such proof, which is quicker)."""
    _text(activation, "activation")
    for value, what in ((output_activation, "output_activation"), (cost, "cost")):
        if value is not None:
            _text(value, what)
    if isinstance(layers, (list, tuple)):
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in layers):
            raise InputError("layers must be whole numbers, e.g. (2, 2, 1)")
        layers = ",".join(map(str, layers))
    elif layers is not None:
        _text(layers, "layers")
    return api.backprop(activation, output_activation, cost, layers, bool(force),
                        _number(timeout, "timeout"), _number(jobs, "jobs", int))


@_short_traceback
def audit(path_or_text: str | os.PathLike | None = None, *, tex: bool | None = None,
          assume: str | Sequence[str] = (), timeout: float = api.CHECK_TIMEOUT,
          jobs: int = api.DEFAULT_JOBS):
    """Decide every equation of a document: a `Report`.

    None: the backprop tutorial's curated claims. A path to a Markdown or LaTeX file (.md,
    .markdown, .txt, .tex; or any `os.PathLike`): that file, LaTeX when it ends in .tex. Any other
    string is the document's text itself (Markdown, or LaTeX with `tex=True`).
    """
    if path_or_text is None:
        return api.audit_tutorial(_number(timeout, "timeout"), _number(jobs, "jobs", int))
    path = _document_path(path_or_text)
    if path is None:
        text, title = _text(path_or_text, "the document"), "the text"
        is_tex = bool(tex)
    else:
        text, title = _read(path), path
        is_tex = DOCUMENT_SUFFIXES.get(os.path.splitext(path)[1].lower(), False) \
            if tex is None else bool(tex)
    return api.audit_text(text, title, is_tex, _number(timeout, "timeout"),
                          _number(jobs, "jobs", int), assume=_texts(assume, "assume"))


def _document_path(value) -> str | None:
    """The file `value` names, or None when it is a document's text. A one-line string that ends
    like a document's file name must name one that exists."""
    if isinstance(value, os.PathLike):
        path = os.fspath(value)
    elif isinstance(value, str) and "\n" not in value and \
            os.path.splitext(value.strip())[1].lower() in DOCUMENT_SUFFIXES:
        path = value.strip()
    else:
        return None
    if not isinstance(path, str):
        raise InputError("a path must be text, not bytes")
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}" if not os.path.exists(path)
                         else f"not a file: {path}")
    return path


def _read(path: str) -> str:
    if os.path.getsize(path) > 4 * api.MAX_FILE:   # UTF-8 uses at most 4 bytes a character
        raise InputError(f"{path} is larger than {api.MAX_FILE // 1_000_000} MB")
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
