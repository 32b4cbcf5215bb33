"""The schema revisions the migration scripts define, read from their own lines, without Alembic or SQLAlchemy.

Alembic takes a tenth of a second to import, and every start only needs to see that the file is
at the newest revision; Alembic is imported to migrate. SQLAlchemy stays out too, so that the
read path of `fieldnotes search` can check a file's revision before it decides it needs neither.
tests/store/test_schema_head.py holds this to Alembic's view.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_REVISION_LINE = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_LINE = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(None|[\"']([^\"']+)[\"'])", re.MULTILINE)


def migrations_path() -> Path:
    # Beside this file in a checkout or an installed package, without importlib.resources
    # (tens of milliseconds to import); through it wherever the files live elsewhere.
    here = Path(__file__).parent / "migrations"
    if here.is_dir():
        return here
    from importlib import resources

    return Path(str(resources.files("fieldnotes_desktop.store") / "migrations"))


@functools.cache
def revisions() -> tuple[frozenset[str], str | None]:
    """Every revision the migration scripts define, and the head: the one no other revises."""
    known: set[str] = set()
    revised: set[str] = set()
    for script in sorted((migrations_path() / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION_LINE.search(source), _DOWN_LINE.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"{script.name}: no `revision = ...` or `down_revision = ...` line")
        known.add(revision.group(1))
        if down.group(2):
            revised.add(down.group(2))
    heads = known - revised
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have more than one head: {', '.join(sorted(heads))}")
    return frozenset(known), next(iter(heads), None)
