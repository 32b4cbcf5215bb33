"""Opens the database file: checks it is ours and not newer, backs it up, migrates, tunes SQLite."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from alembic import command
from fieldnotes_desktop.errors import DatabaseError, FieldnotesError
from fieldnotes_desktop.store.errors import translate_sqlite_error

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class Store:
    """An open database: the engine, the session factory, and a transaction helper."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self.session_factory = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short transaction; SQLite failures come out as messages a writer can act on."""
        with self._errors_translated(), self.session_factory.begin() as session:
            yield session

    @contextlib.contextmanager
    def full_sync(self) -> Iterator[Session]:
        """A transaction with `synchronous=FULL`, for snapshots that must survive power loss."""
        # SQLite refuses to change the level inside a transaction ("Safety level may not be
        # changed"), so it is raised on a connection of our own before the transaction starts
        # and lowered after it has ended, before the connection goes back to the pool.
        with self._errors_translated(), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA synchronous=FULL")
            connection.commit()
            try:
                with self.session_factory(bind=connection) as session, session.begin():
                    yield session
            finally:
                connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
                connection.commit()

    @contextlib.contextmanager
    def _errors_translated(self) -> Iterator[None]:
        try:
            yield
        except FieldnotesError:
            raise
        except (DBAPIError, sqlite3.Error) as exc:
            raise translate_sqlite_error(exc, self.path) from exc

    def close(self) -> None:
        self.engine.dispose()


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(_migrations_path()))
    return ScriptDirectory.from_config(config)


def _migrations_path() -> Path:
    return Path(str(resources.files("fieldnotes_desktop.store") / "migrations"))


def _upgrade(connection: Any) -> None:
    config = Config()
    config.set_main_option("script_location", str(_migrations_path()))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _inspect_existing(path: Path) -> str | None:
    """The Alembic revision of an existing file, read without writing; refuses foreign files."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            f"{path} is not a Field Notes database (it is not an SQLite file); "
            "choose another file with --db."
        )
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal_file = path.with_name(path.name + "-wal")
    if len(header) > 18 and header[18] == 2 and not wal_file.exists():
        # A WAL-mode file with no -wal beside it is closed everywhere and complete on its own.
        # Even a read-only connection would leave fresh -wal and -shm files next to a file we
        # may be about to refuse; `immutable` reads it without creating anything.
        uri += "&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                if tables:
                    raise DatabaseError(
                        f"{path} is an SQLite database of another program, not of Field Notes; "
                        "choose another file with --db."
                    )
                return None
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path) from exc


def _backup(path: Path, revision: str | None) -> Path:
    """Copies the database aside (WAL content included) before a migration touches it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{revision or 'empty'}-{stamp}.bak")
    with contextlib.closing(sqlite3.connect(path)) as source, contextlib.closing(
        sqlite3.connect(target)
    ) as copy:
        source.backup(copy)
    return target


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_store(path: Path | str) -> Store:
    """Opens (creating or migrating as needed) the database at `path`.

    A file that is not ours, is damaged, or was written by a newer version is refused with a
    `DatabaseError` and left byte-identical.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a database file with --db.")
    script = _script_directory()
    head = script.get_current_head()
    current = _inspect_existing(path) if exists else None
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseError(
            f"{path} was written by a newer version of Field Notes Desktop (or by another "
            "program); update the app to open it — the file was not changed."
        )
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the folder {path.parent} ({exc.strerror}); "
                "choose another place for the database with --db."
            ) from exc

    if exists and current != head:
        try:
            _backup(path, current)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(
                f"Could not back up {path} before upgrading it ({exc}); nothing was changed."
            ) from exc

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    try:
        with engine.begin() as connection:
            if MigrationContext.configure(connection).get_current_revision() != head:
                # pysqlite only opens a transaction before INSERT/UPDATE/DELETE, so without an
                # explicit BEGIN each CREATE would commit on its own and a failure half-way
                # would leave a schema no later open can migrate. IMMEDIATE also keeps a
                # second process from migrating the same file at the same time.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                if MigrationContext.configure(connection).get_current_revision() != head:
                    _upgrade(connection)
    except FieldnotesError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise translate_sqlite_error(exc, path) from exc
    return Store(path, engine)

