"""`derive mlp`: the trained network, its predictions and the gradient cross-check."""

from __future__ import annotations

from derive.render.printers import json_text
from derive.results import Training


def training_dict(result: Training) -> dict:
    check = result.check
    return {
        "data": result.data, "layers": list(result.layers), "activation": result.activation,
        "output_activation": result.output_activation, "cost": result.cost,
        "epochs": result.epochs, "learning_rate": result.learning_rate,
        "momentum": result.momentum, "seed": result.seed, "restarts": result.restarts,
        "solved": result.solved, "best_restart": result.best_restart,
        "final_loss": result.final_loss, "accuracy": result.accuracy,
        "classification": result.classification, "test_score": result.test_score,
        "train_rows": result.n_train, "test_rows": result.n_test,
        "predictions": [{"input": list(p.input), "output": p.output, "quantized": p.quantized,
                         "target": p.target} for p in result.predictions],
        "cross_check": {"hand_written_reference": check.has_reference,
                        "compiled_vs_hand_written": check.compiled_vs_hand,
                        "compiled_vs_finite_differences": check.compiled_vs_fd,
                        "hand_written_vs_finite_differences": check.hand_vs_fd,
                        "passed": check.passed},
    }


def training_json(result: Training, options) -> str:
    return json_text(training_dict(result))


def _cell(value) -> str:
    """A label or number for the table: shown in full only when short (terminal-safe)."""
    if isinstance(value, str):
        return "".join(c if c.isprintable() else "?" for c in value)[:24]
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def training_text(result: Training, options):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"{result.data}: layers {','.join(map(str, result.layers))}, "
                f"{result.activation} (output {result.output_activation}), "
                f"{result.cost}, {result.epochs} epochs, lr {result.learning_rate:g}"
                + (f", momentum {result.momentum:g}" if result.momentum else ""), style="bold")
    table = Table(header_style="bold", title="held-out rows" if result.n_test else None)
    for column in ("Input", "Output", "Quantized", "Target"):
        table.add_column(column, justify="right")
    for p in result.predictions[:8]:
        shown = [int(v) if float(v).is_integer() else round(v, 3) for v in p.input[:4]]
        table.add_row(str(shown)[:-1] + (", ...]" if len(p.input) > 4 else "]"),
                      f"{p.output:.4f}", _cell(p.quantized), _cell(p.target))
    if len(result.predictions) > 8:
        table.add_row("...", "", "", "")
    measure = "accuracy" if result.classification else "R^2"
    score = f"{measure} {result.accuracy:.3f}"
    if result.test_score is not None:
        score = (f"{measure} on the {result.n_train} training rows {result.accuracy:.3f}, on the "
                 f"{result.n_test} held-out rows {result.test_score:.3f}")
    lines = [head, table, Text(f"{score}, final loss {result.final_loss:.4g}")]
    if result.restarts > 1:
        lines.append(Text(f"solved from {result.solved} of {result.restarts} random starts; "
                          f"kept start {result.best_restart} (lowest loss)"))
    elif not result.solved and not result.n_test:
        lines.append(Text("not solved from this random start: gradient descent stopped in a local "
                          "minimum, as the tutorial warns; try --restarts 10 (or another --seed)",
                          style="yellow"))
    from derive.numeric.gradcheck import EXACT, FD
    exact, fd = (f"{t:.0e}".replace("e-0", "e-") for t in (EXACT, FD))  # 1e-12, 1e-6
    check = result.check
    if check.has_reference:
        summary = Text(
            f"cross-check at the trained weights: compiled vs hand-written "
            f"{check.compiled_vs_hand:.1e} (<= {exact}), compiled vs finite differences "
            f"{check.compiled_vs_fd:.1e} (<= {fd}), hand-written vs finite "
            f"differences {check.hand_vs_fd:.1e} (<= {fd}): ")
    else:
        summary = Text(
            f"cross-check at the trained weights: no hand-written reference for "
            f"{result.activation} / {result.output_activation} / {result.cost}; compiled vs "
            f"finite differences of the compiled loss {check.compiled_vs_fd:.1e} (<= {fd}): ")
    summary.append("pass" if check.passed else "FAIL",
                   style="bold green" if check.passed else "bold red")
    return Group(*lines, summary)
