"""Words inside display math, as every renderer of it reads them (MathJax, KaTeX, GitHub):
runs of ordinary characters in `\\text{}`, every other character written in math, since MathJax
shows a text-mode escape such as `\\_` as it is written."""

from __future__ import annotations

import re

# characters that are not plain text in `\text{}` for every renderer, and how math writes them
_MATH = {"\\": r"\backslash ", "_": r"\_", "^": r"\hat{}", "{": r"\{", "}": r"\}", "$": r"\$",
         "%": r"\%", "#": r"\#", "&": r"\&", "~": r"\sim ", "∂": r"\partial ", "∇": r"\nabla ",
         "≠": r"\neq ", "→": r"\to ", "←": r"\leftarrow ", "≈": r"\approx ", "≤": r"\le ",
         "≥": r"\ge ", "·": r"\cdot ", "×": r"\times ", "±": r"\pm ", "∞": r"\infty ",
         "✓": r"\checkmark ", "✗": r"\times ", "∈": r"\in ", "∑": r"\sum ", "⊙": r"\odot ",
         "⊗": r"\otimes ", "ℓ": r"\ell "}
_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
          "lambda", "mu", "nu", "xi", None, "pi", "rho", "final sigma", "sigma", "tau", "upsilon",
          "phi", "chi", "psi", "omega")
for _code, _name in enumerate(_GREEK, 0x3B1):
    if _name:
        _MATH[chr(_code)] = "\\" + _name.replace("final ", "var") + " "
for _name in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
              "Omega"):
    _MATH[chr(0x391 + _GREEK.index(_name.lower()))] = "\\" + _name + " "


def words(text: str, command: str = r"\text") -> str:
    """Plain words as math: runs of ordinary characters in `\\text{}` (or `\\textbf{}`), every
    other character written in math; a power written with ^ (x^4, delta^L, e^(-z)) is set as a
    superscript."""
    text = " ".join(text.split())
    out, run, i = [], [], 0

    def flush():
        if run:
            out.append(f"{command}{{{''.join(run)}}}")
            run.clear()

    while i < len(text):
        ch = text[i]
        exponent = _exponent(text, i + 1) if ch == "^" else None
        if exponent is not None:
            flush()
            inner, i = exponent
            base = "{}" if not out or out[-1].startswith(("^", "{}^")) else ""  # x^(m-1)^T
            out.append(base + "^{" + words(inner, command) + "}")
            continue
        if ch in _MATH:
            flush()
            out.append(_MATH[ch].rstrip() + ("{}" if _MATH[ch].endswith(" ") else ""))
        else:
            run.append(ch)
        i += 1
    flush()
    return "".join(out) or r"\text{}"


def _exponent(text: str, start: int) -> tuple | None:
    """(the exponent written after a ^ at `start`, where the text goes on), or None: a group in
    parentheses or braces, or a word such as 2, L or -z."""
    if start < len(text) and text[start] in "({":
        close, depth = {"(": ")", "{": "}"}[text[start]], 0
        for k in range(start, len(text)):
            depth += (text[k] == text[start]) - (text[k] == close)
            if depth == 0:
                return (text[start + 1:k], k + 1) if k > start + 1 else None
        return None
    match = re.compile(r"-?[A-Za-z0-9]+").match(text, start)
    return (match.group(), match.end()) if match else None
