"""Unicode mathematics as people type or paste it, written out in ASCII before reading.

`−`, `·`, `×`, `÷`, superscript digits, Greek letters, `∂`, `√`, `∞`, `′` and the comparison signs
have one meaning each; both readers see their ASCII spelling (SymPy syntax, or LaTeX commands).
The signs of vectors and sums (`∑`, `∇`, `⊙`, `ᵀ`, `‖`) exist only in LaTeX; SymPy syntax keeps
them, so its reader refuses them by name.
"""

from __future__ import annotations

import re

from derive.text.limits import InputError

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
         "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
         "ν": "nu", "ξ": "xi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
         "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
         "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
         "Ω": "Omega"}
SYMBOLS = {  # character: (SymPy syntax, LaTeX)
    "−": ("-", "-"), "–": ("-", "-"), "·": ("*", r" \cdot "), "⋅": ("*", r" \cdot "),
    "×": ("*", r" \times "), "÷": ("/", "/"), "∞": ("oo", r"\infty "), "π": ("pi", r"\pi "),
    "′": ("'", "'"), "″": ("''", "''"), "≠": ("!=", r" \neq "), "≤": ("<=", r" \leq "),
    "≥": (">=", r" \geq "), "∂": ("", r"\partial "), "√": ("sqrt", r"\sqrt "),
    "∑": ("∑", r"\sum "), "∏": ("∏", r"\prod "), "∇": ("∇", r"\nabla "), "⊙": ("⊙", r" \odot "),
    "∘": ("∘", r" \odot "), "⊗": ("⊗", r" \otimes "), "ᵀ": ("ᵀ", r"^{\top}"), "‖": ("‖", r"\|"),
    "∈": ("∈", r" \in "), "ℓ": ("ℓ", r"\ell "), "→": ("→", r" \to "), "≈": ("≈", r" \approx "),
    "←": ("←", r" \leftarrow "), "∀": ("∀", r" \forall "), "ϵ": ("epsilon", r"\epsilon "),
    "ϕ": ("phi", r"\phi "), "\u00a0": (" ", " "),
}
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₗₙ", "0123456789ijkln")
SUBSCRIPT_RUN = re.compile("[₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₗₙ]+")
ROOT_OF_A_POWER = re.compile(r"√\s*(?:[A-Za-z_]\w*|\d+(?:\.\d+)?)\s*(?:\*\*|\^)")
ROOT_OF_ONE = re.compile(r"([\w)]?)√\s*([A-Za-z_]\w*|\d+(?:\.\d+)?)(?![\w.])(?!\s*\()")


def normalize(text: str, latex: bool = False) -> str:
    """`text` with its Unicode mathematics spelled in ASCII for the given notation."""
    if text.isascii():
        return text
    text = SUPERSCRIPT_RUN.sub(
        lambda m: (f"^{{{m.group().translate(SUPERSCRIPTS)}}}" if latex
                   else f"**({m.group().translate(SUPERSCRIPTS)})"), text)
    text = SUBSCRIPT_RUN.sub(lambda m: (f"_{{{m.group().translate(SUBSCRIPTS)}}}" if latex
                                        else f"_{m.group().translate(SUBSCRIPTS)}"), text)
    if not latex:   # √x, 2√2: the root of the name or number after it (as \sqrt x is)
        if ROOT_OF_A_POWER.search(text):
            raise InputError("ambiguous: √x² could be the root of x² or the square of √x: "
                             "write sqrt(x**2) or sqrt(x)**2")
        text = ROOT_OF_ONE.sub(lambda m: m.group(1) + ("*" if m.group(1) else "")
                               + f"sqrt({m.group(2)})", text)
    out = []
    for ch in text:
        if ch in SYMBOLS:
            out.append(SYMBOLS[ch][1 if latex else 0])
        elif ch in GREEK:
            out.append(f"\\{GREEK[ch]} " if latex else f" {GREEK[ch]} ")
        else:
            out.append(ch)
    return "".join(out)
