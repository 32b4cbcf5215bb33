"""The store reads the newest schema revision from the migration scripts without Alembic: it must agree with Alembic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from fieldnotes_desktop.store import engine
from fieldnotes_desktop.store import open_store


def alembic_scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(engine._migrations_path()))
    return ScriptDirectory.from_config(config)


def test_the_head_is_alembics_head() -> None:
    scripts = alembic_scripts()
    assert engine.head_revision() == scripts.get_current_head()
    assert engine.head_revision() is not None


def test_every_revision_alembic_knows_is_known() -> None:
    known, _head = engine.revisions()
    assert known == {script.revision for script in alembic_scripts().walk_revisions()}


def test_a_fresh_database_is_stamped_with_the_head(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(engine.head_revision(),)]
    finally:
        db.close()


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "current.db"
    open_store(path).close()
    code = (
        "import sys\n"
        "from fieldnotes_desktop.services import open_services\n"
        f"services = open_services({str(path)!r}, read_only=True)\n"
        "services.entries.search('anything')\n"
        "services.close()\n"
        f"writable = open_services({str(path)!r})\n"
        "writable.entries.count()\n"
        "writable.close()\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'markdown_it', 'jinja2', 'pygments'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
