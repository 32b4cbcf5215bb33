"""The layering of DESIGN §3: Qt only in ui/ and app.py, no SQLAlchemy or Alembic in ui/."""

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
