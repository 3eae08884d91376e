"""Golden files: each file in golden/ is the output of the command its name stands for, read and
checked by hand against the rules it names (x^5 -> 5x^4 by the power rule; (x^4 + 2) cos x by the
product rule; the sigmoid's derivative e^-z/(1 + e^-z)^2 by the chain rule). The test keeps the
rendering stable; regenerate with DERIVE_UPDATE_GOLDEN=1 after a deliberate change, and read the
difference before committing it."""

import os
from pathlib import Path

import pytest

from derive.cli import main

FOLDER = Path(__file__).parent / "golden"
COMMANDS = {
    "power_x5.tex": ["diff", "x**5", "--format", "latex"],
    "product_x4_cos.tex": ["diff", "(x**4 + 2)*cos(x)", "--format", "latex"],
    "sigmoid.tex": ["diff", "sigmoid(z)", "--format", "latex"],
    "power_x5.txt": ["diff", "x**5"],
}


@pytest.mark.parametrize("path", sorted(FOLDER.iterdir()), ids=lambda p: p.name)
def test_golden(path, capsys):
    assert path.name in COMMANDS, f"{path.name}: no command says how it is made"
    assert main(COMMANDS[path.name]) == 0
    rendered = capsys.readouterr().out
    if os.environ.get("DERIVE_UPDATE_GOLDEN"):
        path.write_text(rendered)
    assert rendered == path.read_text()


def test_every_command_has_its_golden_file():
    assert sorted(COMMANDS) == sorted(p.name for p in FOLDER.iterdir())
