"""The records the use cases (`derive.api`) return and the renderers (`derive.render`) show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from derive.display import Displayed, RichDisplayed
from derive.engine.verdict import Status, Verdict

if TYPE_CHECKING:  # numpy loads only with the numeric commands
    from derive.numeric.gradcheck import CrossCheck


@dataclass(frozen=True)
class Numbered:
    """A line of user text and its line number, with any definitions of its own it is read with
    (a document's context, in LaTeX)."""

    line: int
    text: str
    where: tuple = ()


@dataclass(frozen=True)
class Checked:
    """A claim that was read and decided."""

    line: int
    text: str
    verdict: Verdict


@dataclass(frozen=True)
class Unreadable:
    """A claim that could not be read, with the reason."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class CheckRun(Displayed):
    """`derive check`: every claim's result, in the order given."""

    results: tuple   # of Checked | Unreadable

    @property
    def totals(self) -> dict:
        counts = dict.fromkeys([s.value for s in Status] + ["INVALID"], 0)
        for r in self.results:
            counts["INVALID" if isinstance(r, Unreadable) else r.verdict.status.value] += 1
        return counts

    @property
    def all_hold(self) -> bool:
        return all(isinstance(r, Checked) and r.verdict.status.holds for r in self.results)

    @property
    def any_unreadable(self) -> bool:
        return any(isinstance(r, Unreadable) for r in self.results)


@dataclass(frozen=True)
class Derivations(Displayed):
    """A titled list of checked derivations (`derive diff`, `gradient`, `rule`)."""

    title: str
    derivations: tuple


@dataclass(frozen=True)
class Prediction:
    input: tuple
    output: float                # the number predicted, or the probability of the class picked
    quantized: float | str       # the answer: a class label or the number
    target: float | str


@dataclass(frozen=True)
class Training(RichDisplayed):
    """`derive mlp`: the setting, the best of the restarts, its predictions and the gradient check."""

    data: str
    layers: tuple
    activation: str
    output_activation: str
    cost: str
    epochs: int
    learning_rate: float
    momentum: float
    seed: int
    restarts: int
    solved: int              # restarts that solved the task
    best_restart: int
    final_loss: float
    accuracy: float
    predictions: tuple       # of Prediction
    check: CrossCheck
    loss_curve: tuple
    test_score: float | None = None   # on the held-out rows: accuracy, or R^2 for a number
    n_train: int = 0
    n_test: int = 0
    classification: bool = True      # scored by accuracy (outputs are probabilities), else R^2
