"""The layout's promises, checked on the source: no private names across modules, no import cycle,
one module that starts processes, one package that prints, no text evaluated as code."""

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "derive"
MODULES = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
           for p in sorted(PACKAGE.rglob("*.py"))}


@functools.lru_cache(maxsize=None)
def _tree(name):
    return ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))


@functools.lru_cache(maxsize=None)
def _imports(name):
    """(module imported, names taken from it) for every import in the module, lazy ones too."""
    return tuple(_find_imports(name))


def _find_imports(name):
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            yield base, tuple(alias.name for alias in node.names)


def _ours(module: str) -> str | None:
    """The derive module an import refers to (a name imported from a package may be a module)."""
    while module and module not in MODULES:
        module = module.rpartition(".")[0]
    return module or None


def test_no_module_imports_a_private_name_of_another():
    offences = []
    for name in MODULES:
        for module, names in _imports(name):
            if module.startswith("derive"):
                offences += [f"{name}: {module}.{n}" for n in names
                             if n.startswith("_") and not n.startswith("__")]
        aliases = {a.asname or a.name for node in ast.walk(_tree(name))
                   if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names
                   if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("derive")}
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                offences.append(f"{name}: {node.value.id}.{node.attr}")
    assert not offences, offences


def _graph() -> dict:
    graph = {}
    for name in MODULES:
        targets = set()
        for module, names in _imports(name):
            if not module.startswith("derive"):
                continue
            for item in names or ("",):
                target = _ours(f"{module}.{item}" if item else module)
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def test_no_import_cycle():
    graph, cycles = _graph(), []
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    # the package's own __init__ files only point at their modules: not a cycle of logic
    cycles = [c for c in cycles if not any(MODULES[m].name == "__init__.py" for m in c)]
    assert not cycles, cycles


@functools.lru_cache(maxsize=None)
def _calls(name, bare=False):
    return tuple(_find_calls(name, bare))


def _find_calls(name, bare=False):
    """Names of the functions called (`bare`: only plain names, not attributes such as re.compile)."""
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and not bare:
                yield func.attr
            elif isinstance(func, ast.Name):
                yield func.id


FORKING = {"fork", "forkpty", "Popen", "spawnv", "spawnl", "system", "run_in_executor", "Process",
           "ProcessPoolExecutor", "ThreadPoolExecutor", "Thread"}


def test_only_the_isolation_module_starts_processes():
    starting = {name for name in MODULES if set(_calls(name)) & FORKING}
    assert starting == {"derive.engine.isolation"}
    importing = {name for name in MODULES for module, _ in _imports(name)
                 if module in ("subprocess", "multiprocessing", "concurrent.futures", "threading")}
    assert not importing, importing


def test_only_the_cli_prints():
    printing = {name for name in MODULES if "print" in set(_calls(name))
                and not name.startswith("derive.cli")}
    assert not printing, printing
    writing = {name for name in MODULES if not name.startswith("derive.cli")
               for node in ast.walk(_tree(name)) if isinstance(node, ast.Attribute)
               and node.attr in ("stdout", "stderr")}
    assert not writing, writing


@pytest.mark.parametrize("forbidden,bare", [("eval", True), ("exec", True), ("compile", True),
                                            ("__import__", True), ("sympify", False),
                                            ("parse_expr", False), ("S", False)])
def test_no_text_is_evaluated_as_code(forbidden, bare):
    """`sp.S` and `sympify` are `eval` for a string; only the parsers turn text into SymPy."""
    users = {name for name in MODULES if forbidden in set(_calls(name, bare))}
    assert not users, users
