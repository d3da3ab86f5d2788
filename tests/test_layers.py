"""The layers of ../shared/DESIGN.md, read from the source: `cli.py`, `bench.py` -> `ui/` -> `studio/` ->
`eval/`, `card.py` -> `train/` -> `hub.py` -> `models/`, `data/`. Every import under genapp/ counts, at the top
of a file or inside a function, relative or absolute: no module imports a higher layer, and no two modules
import each other."""
import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "genapp"

# lowest first; a folder holds every module under it
LAYERS = (
    # runs.py (live training runs' worker processes) imports nothing of genapp's: the spawning module supplies the work;
    # rooms.py (the classroom's store, SQLite or PostgreSQL) neither
    ("__init__.py", "models/", "data/", "runs.py", "rooms.py"),
    ("hub.py",),
    ("train/",),
    # publish.py writes dataset cards (card.py, which reads the recipes in train/), so it can't sit beside
    # hub.py; sampling.py samples names that eval/text.py scores, so it can't sit with the studio
    ("eval/", "card.py", "publish.py", "sampling.py"),
    ("studio/",),
    ("ui/",),
    ("cli.py", "bench.py", "lesson.py", "__main__.py"),
)

def modules() -> dict[str, Path]:
    """{"genapp.studio.checks": path, "genapp.studio": path of its __init__.py, ...}"""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(path: Path) -> int:
    rel = path.relative_to(PACKAGE).as_posix()
    for i, members in enumerate(LAYERS):
        if any(rel == m or (m.endswith("/") and rel.startswith(m)) for m in members):
            return i
    raise AssertionError(f"genapp/{rel} is in no layer: add it to LAYERS in tests/test_layers.py")


def imports(name: str, path: Path, known: dict) -> set[tuple[str, int]]:
    """(module of genapp, line) for every import in the file, wherever it stands in the file."""
    def module_of(dotted: str) -> str:       # a name imported from a module belongs to that module
        while dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {(module_of(a.name), node.lineno) for a in node.names if a.name.split(".")[0] == "genapp"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module
            if source.split(".")[0] != "genapp":
                continue
            # `from . import checks` imports the module genapp.studio.checks; `from .checks import X` X's module
            found |= {(f"{source}.{a.name}" if f"{source}.{a.name}" in known else module_of(source), node.lineno)
                      for a in node.names}
    return {(target, line) for target, line in found if target != name}


def graph() -> dict[str, set[tuple[str, int]]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_module_has_a_layer():
    for path in modules().values():
        layer(path)


def test_no_module_imports_a_higher_layer():
    known = modules()
    upward = {}
    for name, targets in graph().items():
        for target, line in targets:
            if layer(known[target]) > layer(known[name]):
                upward[name, target] = f"{known[name].relative_to(ROOT)}:{line} imports {target}"
    assert not upward, "imports from a higher layer:\n" + "\n".join(sorted(upward.values()))


def test_no_two_modules_import_each_other():
    edges = {(name, target): line for name, targets in graph().items() for target, line in targets}
    cycles = sorted(f"{a} <-> {b} (lines {line} and {edges[b, a]})" for (a, b), line in edges.items()
                    if a < b and (b, a) in edges)
    assert not cycles, "modules that import each other:\n" + "\n".join(cycles)


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    # the evaluator's net is imported inside hub._model_classes, relatively
    assert "genapp.models.classifier" in {target for target, _ in graph()["genapp.hub"]}
