"""The layering of DESIGN §3: layers import downwards, no import cycles, Qt only in ui/ and app.py, SQL only in store/."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import fieldnotes_desktop

PACKAGE = Path(fieldnotes_desktop.__file__).resolve().parent
REPO_ROOT = PACKAGE.parent
REQUIRED_CORE = ("store", "render", "services", "export")


def imported_modules(path: Path, package: str = "") -> set[str]:
    """Absolute names of every module a file imports, wherever the import statement sits.

    `package` is the file's own package (`fieldnotes_desktop.ui`), to resolve `from .. import x`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def package_of(path: Path) -> str:
    return ".".join(("fieldnotes_desktop",) + path.parent.relative_to(PACKAGE).parts)


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_core_layers_exist() -> None:
    for name in REQUIRED_CORE:
        assert (PACKAGE / name / "__init__.py").is_file(), f"fieldnotes_desktop.{name} is missing"


def test_importing_the_core_loads_no_qt() -> None:
    layers = list(REQUIRED_CORE)
    layers += ["cli", "config", "errors", "records"]
    script = (
        "import importlib, json, sys\n"
        f"for name in {layers!r}:\n"
        "    importlib.import_module('fieldnotes_desktop.' + name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_qt_is_imported_only_in_ui_and_app() -> None:
    offenders = []
    for path in python_files(PACKAGE):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or relative == Path("app.py"):
            continue
        qt = {
            m for m in imported_modules(path, package_of(path)) if m.split(".")[0] in ("PySide6", "shiboken6")
        }
        if qt:
            offenders.append(f"{relative}: {sorted(qt)}")
    assert offenders == []


def test_ui_imports_no_sqlalchemy_or_alembic() -> None:
    offenders = []
    for path in python_files(PACKAGE / "ui"):
        # The store's modules are SQLAlchemy by another name: the UI gets records from services.
        names = imported_modules(path, package_of(path))
        bad = {m for m in names if m.split(".")[0] in ("sqlalchemy", "alembic")}
        bad |= {m for m in names if m == "fieldnotes_desktop.store" or m.startswith("fieldnotes_desktop.store.")}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(bad)}")
    assert offenders == []


def test_the_checks_see_imports_inside_functions(tmp_path: Path) -> None:
    # The walker must not stop at module level: a lazy import inside a function still counts.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from PySide6.QtCore import QObject\n    import sqlalchemy.orm\n"
        "    from ..store import models\n"
    )
    assert imported_modules(sample, "fieldnotes_desktop.ui") == {
        "PySide6.QtCore", "PySide6.QtCore.QObject", "sqlalchemy.orm",
        "fieldnotes_desktop.store", "fieldnotes_desktop.store.models",
    }


# -- layers, cycles and where SQL lives (DESIGN §3) --------------------------------------

# Lower layers never import higher ones: render ← store ← export ← services ← ui ← app/cli.
LAYERS = ("base", "render", "store", "export", "services", "ui", "app/cli")
_FOLDER_LAYERS = {"render": 1, "store": 2, "export": 3, "services": 4, "ui": 5, "cli": 6}
_TOP_LEVEL_LAYERS = {
    "__init__": 0, "__main__": 0, "errors": 0, "records": 0, "config": 0, "location": 0, "lazy": 0, "app": 6,
}


def module_name(path: Path) -> str:
    parts = ("fieldnotes_desktop",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in python_files(PACKAGE)}


def layer_of(module: str) -> int | None:
    """The layer of a module by its dotted name (`fieldnotes_desktop.export.site` → export)."""
    parts = module.split(".")[1:]
    if not parts:
        return _TOP_LEVEL_LAYERS["__init__"]
    if parts[0] in _FOLDER_LAYERS:
        return _FOLDER_LAYERS[parts[0]]
    return _TOP_LEVEL_LAYERS.get(parts[0]) if len(parts) == 1 else None


def package_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules a file imports, anywhere in it (functions and TYPE_CHECKING too).

    `from a.b import c` names the module `a.b.c` when there is one, else `a.b`: the name the
    statement asks for, not the parent packages Python also runs on the way.
    """
    package = package_of(path) if path.name != "__init__.py" else module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def nearest(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(nearest(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else nearest(base))
    return {name for name in found if name is not None and name != module_name(path)}


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules that importing it runs.

    Importing `a.b.c` first runs the packages `a` and `a.b`, so those count too, except the
    importer's own packages, which are always under way by then. That is how a function-level
    import in export/ of `services.slugs` was a cycle: it ran services/__init__.py, which
    imports the export.
    """
    modules = package_modules()
    graph = {}
    for name, path in modules.items():
        targets = package_imports(path, modules)
        graph[name] = targets | {p for t in targets for p in _packages_of(t) if not _inside(name, p)}
        graph[name].discard(name)
    return graph


def _packages_of(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(2, len(parts))]  # the root package imports nothing


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, through the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group always has one


def _short(name: str) -> str:
    return name.removeprefix("fieldnotes_desktop.") or "fieldnotes_desktop"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a module from a higher layer than the importer's, as a sentence."""
    found = []
    for name in sorted(graph):
        mine = layer_of(name)
        assert mine is not None, name
        for target in sorted(graph[name]):
            theirs = layer_of(target)
            assert theirs is not None, target
            if name == "fieldnotes_desktop.__main__" and target == "fieldnotes_desktop.cli":
                continue  # `python -m fieldnotes_desktop` is the command, nothing more
            if theirs > mine:
                found.append(f"{_short(name)} ({LAYERS[mine]}) imports {_short(target)} ({LAYERS[theirs]})")
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in package_modules() if layer_of(name) is None)
    assert unplaced == [], "give these modules a layer in tests/test_architecture.py (or move them)"


def test_layers_import_only_their_own_layer_or_lower_ones() -> None:
    assert upward_imports(import_graph()) == []


def test_the_package_has_no_import_cycles() -> None:
    cycles = [" → ".join(_short(m) for m in cycle) for cycle in find_cycles(import_graph())]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_checks_see_layers_and_cycles() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    fd = "fieldnotes_desktop"
    assert upward_imports({
        f"{fd}.export.site": {f"{fd}.services.slugs", f"{fd}.render", f"{fd}.records"},
        f"{fd}.store.engine": {f"{fd}.store", f"{fd}.errors"},
        f"{fd}.__main__": {f"{fd}.cli"},
        f"{fd}.errors": {f"{fd}.records"},
        f"{fd}.records": {f"{fd}.ui.theme"},
    }) == ["export.site (export) imports services.slugs (services)", "records (base) imports ui.theme (ui)"]
    modules = package_modules()
    assert package_imports(PACKAGE / "__main__.py", modules) == {"fieldnotes_desktop.cli"}
    assert layer_of("fieldnotes_desktop.cli") == layer_of("fieldnotes_desktop.app") == LAYERS.index("app/cli")
    assert layer_of("fieldnotes_desktop.stray") is None


# SQL lives in store/. Elsewhere the only trace of SQLAlchemy is the session a service takes from
# `store.transaction()` and hands to store functions, named in annotations only.
_ALLOWED_OUTSIDE_STORE = {("sqlalchemy.orm", "Session")}
_QUERY_CALLS = {"execute", "executemany", "executescript", "exec_driver_sql", "scalars", "scalar"}


def _type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def sql_outside_store(path: Path) -> list[str]:
    """What in a module outside store/ reaches the database other than through store functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = {
        id(child) for block in ast.walk(tree) if _type_checking_block(block)
        for statement in block.body for child in ast.walk(statement)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _QUERY_CALLS:
            found.append((node.lineno, f".{node.func.attr}() runs a query"))
            continue
        else:
            continue
        for module, name in names:
            top = module.split(".")[0]
            store_rows = module.startswith("fieldnotes_desktop.store.models") or module.startswith(
                "fieldnotes_desktop.store.migrations"
            )
            if store_rows or (module == "fieldnotes_desktop.store" and name in ("models", "migrations")):
                found.append((node.lineno, f"imports the ORM rows ({module} {name})"))
            elif top in ("sqlalchemy", "alembic"):
                if (module, name) in _ALLOWED_OUTSIDE_STORE and id(node) in type_only:
                    continue
                found.append((node.lineno, f"imports {module}{'.' + name if name else ''}"))
    return [f"line {line}: {problem}" for line, problem in sorted(found)]


def test_sql_lives_in_the_store() -> None:
    offenders = []
    for path in python_files(PACKAGE):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "store":
            continue
        offenders += [f"{relative} {problem}" for problem in sql_outside_store(path)]
    assert offenders == []


def test_the_sql_check_allows_only_an_annotated_session(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"
        "from sqlalchemy.orm import Session\n"
        "def f(s):\n    from sqlalchemy import select\n    from fieldnotes_desktop.store.models import EntryRow\n"
        "    return s.scalars(select(EntryRow))\n"
    )
    assert sql_outside_store(sample) == [
        "line 4: imports sqlalchemy.orm.Session",
        "line 6: imports sqlalchemy.select",
        "line 7: imports the ORM rows (fieldnotes_desktop.store.models EntryRow)",
        "line 8: .scalars() runs a query",
    ]
