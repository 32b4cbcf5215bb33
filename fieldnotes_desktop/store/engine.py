"""Opens the database: checks it is ours and not newer, backs it up, migrates, tunes SQLite.

A desk on a PostgreSQL server opens through the same `open_store` (store/server.py does the
server's part), with the same refusals; what only a file has (backups beside it, PRAGMAs, the
sqlite3 APIs) says so in one sentence when asked of a server.

SQLAlchemy is imported by what makes or uses an engine, not with this module: the window asks
`needs_upgrade` and reads its `first_look` before the store opens, and SQLAlchemy takes a
quarter of a second to import, a third of the window's start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from fieldnotes_desktop.errors import DatabaseError, FieldnotesError
from fieldnotes_desktop.store import identity, schema_revisions
from fieldnotes_desktop.store.errors import disk_full, nearly_full, translate_os_error, translate_sqlite_error
from fieldnotes_desktop.store.identity import APPLICATION_ID, FileState, Kind
from fieldnotes_desktop.config import location_of
from fieldnotes_desktop.location import Location, ServerDesk

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session

    from fieldnotes_desktop.store.server import ChangeNotices

BUSY_TIMEOUT_MS = 5000
# FULL, not DESIGN §4's NORMAL: in WAL mode NORMAL does not fsync the WAL at commit, so a
# power cut could take the last saves with it, and "Saved" must mean on disk. The cost per
# autosave is measured by tests/benchmarks/bench_durability.py.
SYNCHRONOUS = "FULL"


class _Pin(threading.local):
    """The connection a thread keeps for itself once it asks `Store.data_version()`."""

    connection: Connection | None = None
    in_use = False


class Store:
    """An open database: the engine, the session factory, and a transaction helper."""

    def __init__(self, path: Path, engine: Engine, *, read_only: bool = False,
                 server: ServerDesk | None = None, notices: ChangeNotices | None = None) -> None:
        self.path = path  # a file desk's database; a server desk's files on this computer hang off it
        self.engine = engine
        self.read_only = read_only
        self.server = server
        self._notices = notices
        from sqlalchemy.orm import sessionmaker

        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self._pin = _Pin()
        self._pinned: list[Connection] = []  # every thread's, to close them with the store
        self._pinned_lock = threading.Lock()

    @property
    def on_server(self) -> bool:
        return self.server is not None

    @property
    def location(self) -> Location:
        return self.server if self.server is not None else self.path

    @property
    def where(self) -> str:
        """Where the desk lives, as the writer reads it (never a password)."""
        return self.server.shown if self.server is not None else str(self.path)

    def ping(self) -> None:
        """Asks the database for nothing: raises, as any use would, when it cannot be reached."""
        with self.transaction() as session:
            session.connection().exec_driver_sql("SELECT 1")

    def file_only(self, what: str) -> DatabaseError:
        """The refusal of what only a desk file can do, asked of a desk on a server."""
        return DatabaseError(
            f"{what} works on a desk file; the desk at {self.where} lives on a server, whose own "
            "backups keep it (copy it to a file with `fieldnotes copy --to FILE`)."
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short transaction; SQLite failures come out as messages a writer can act on.

        On a thread that has asked `data_version()`, it runs on that thread's own connection
        (a transaction begun inside another one there takes a pooled connection, as anywhere).
        """
        pin = self._pin
        if pin.connection is None or pin.in_use:
            with self.errors_translated(), self.session_factory.begin() as session:
                yield session
            return
        pin.in_use = True
        try:
            with self.errors_translated(), self.session_factory(bind=pin.connection) as session, session.begin():
                yield session
        finally:
            pin.in_use = False

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A transaction whose reads are one consistent snapshot, even while another connection commits."""
        with self.transaction() as session:
            if self.server is not None:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            else:
                # sqlite3 opens a transaction only before a write, so each SELECT would otherwise
                # see the database as it is at that moment.
                session.connection().exec_driver_sql("BEGIN")
            yield session

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version` on the calling thread's own connection: it changes
        when another connection (another process, another Store, another thread) commits.

        The first call keeps a connection for the calling thread, on which its transactions
        run from then on, so that the thread's own commits leave the number as it was: the app
        asks on its database lane, every write of which is then "mine". Cheap: no disk read.

        On a server, the count of other writers' commits that LISTEN has heard (store/server.py).
        """
        if self._notices is not None:
            return self._notices.count()
        pin = self._pin
        if pin.in_use:
            raise RuntimeError("data_version() inside a transaction of the same thread")
        if pin.connection is None or pin.connection.closed or pin.connection.invalidated:
            with self.errors_translated():
                connection = self.engine.connect()
            with self._pinned_lock:
                self._pinned.append(connection)
            pin.connection = connection
        connection = pin.connection
        with self.errors_translated():
            version = int(connection.exec_driver_sql("PRAGMA data_version").scalar_one())
            # SQLAlchemy began a transaction of its own around the PRAGMA (sqlite3 did not):
            # ended here, so that the next session on this connection begins and commits its own.
            connection.rollback()
        return version

    @contextlib.contextmanager
    def full_sync(self) -> Iterator[Session]:
        """A transaction with `synchronous=FULL`, for snapshots that must survive power loss.

        Every connection is FULL already (see SYNCHRONOUS); this stays for callers that must
        not depend on that default.
        """
        if self.server is not None:  # a server's commit is durable once it returns (synchronous_commit)
            with self.transaction() as session:
                yield session
            return
        # SQLite refuses to change the level inside a transaction ("Safety level may not be
        # changed"), so it is raised on a connection of our own before the transaction starts
        # and put back after it has ended, before the connection goes back to the pool.
        with self.errors_translated(), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA synchronous=FULL")
            connection.commit()
            try:
                with self.session_factory(bind=connection) as session, session.begin():
                    yield session
            finally:
                connection.exec_driver_sql(f"PRAGMA synchronous={SYNCHRONOUS}")
                connection.commit()

    @contextlib.contextmanager
    def raw_connection(self) -> Iterator[sqlite3.Connection]:
        """A pooled sqlite3 connection outside any transaction, for SQLite's own APIs (backup, checks).

        What the block leaves uncommitted is rolled back when the connection goes back to the pool.
        """
        if self.server is not None:
            raise self.file_only("This check")
        with self.errors_translated(), self.engine.connect() as connection:
            yield cast(sqlite3.Connection, connection.connection.driver_connection)

    @contextlib.contextmanager
    def raw_transaction(self) -> Iterator[sqlite3.Connection]:
        """`raw_connection` inside BEGIN IMMEDIATE: committed when the block ends, rolled back on error."""
        with self.raw_connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    @contextlib.contextmanager
    def errors_translated(self) -> Iterator[None]:
        from sqlalchemy.exc import DBAPIError  # imported already: this store has an engine

        try:
            yield
        except FieldnotesError:
            raise
        except (DBAPIError, sqlite3.Error) as exc:
            if self.server is not None:
                from fieldnotes_desktop.store.server import translate_error

                raise translate_error(exc, self.server) from exc
            raise translate_sqlite_error(exc, self.path) from exc
        except OSError as exc:
            raise translate_os_error(exc, self.path) from exc

    def close(self) -> None:
        if self._notices is not None:
            self._notices.stop()
        with self._pinned_lock:
            pinned, self._pinned = self._pinned, []
        for connection in pinned:
            connection.close()
        self.engine.dispose()


def _migrations_path() -> Path:
    return schema_revisions.migrations_path()


def revisions() -> tuple[frozenset[str], str | None]:
    """Every revision the migration scripts define, and the head (see `schema_revisions`)."""
    return schema_revisions.revisions()


def _upgrade(connection: Any, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_migrations_path()))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _located(location: Location | str) -> Location:
    return location_of(location)


def inspect(path: Path) -> FileState:
    """What the file at `path` holds (new, blank, or ours at some revision); refuses any other file."""
    known, _head = revisions()
    return identity.inspect_file(path, known, BUSY_TIMEOUT_MS / 1000)


def head_revision() -> str | None:
    return revisions()[1]


def _backup(path: Path, revision: str | None) -> Path:
    """Copies the database aside (WAL content included) before a migration touches it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{revision or 'empty'}-{stamp}.bak")
    from fieldnotes_desktop.store.snapshot import copy_database  # with its checks: only to migrate

    header = identity.read_header(path)
    with contextlib.closing(sqlite3.connect(identity.read_only_uri(path, header), uri=True)) as source:
        copy_database(source, target)
    return target


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    cursor.close()


def _set_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Nothing that writes: no journal_mode, which would convert (and so change) the file.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _no_database(path: Path) -> DatabaseError:
    return DatabaseError(
        f"There is no database at {path}; check --db or FIELDNOTES_DB, "
        "or start one with `fieldnotes import`."
    )


def needs_upgrade(path: Location | str) -> bool:
    """True when opening `path` for writing will back it up and migrate it: ours, at an older
    revision. A server desk is migrated as it opens, in one transaction, with no backup to make."""
    location = _located(path)
    if isinstance(location, ServerDesk):
        return False
    state = inspect(location)
    return state.kind is Kind.OURS and state.revision != head_revision()


def open_store(path: Location | str, *, read_only: bool = False, create: bool = True) -> Store:
    """Opens the database at `path` (a file, or a server's address): by default for writing,
    creating or migrating it as needed.

    `read_only` opens with `mode=ro` and never creates, migrates or changes the file; `create`
    False refuses a missing, 0-byte or table-less file instead of starting a database in it.
    A file that is not ours, is damaged, or was written by a newer version is refused with a
    `DatabaseError` and left byte-identical, with nothing created beside it.
    """
    location = _located(path)
    if isinstance(location, ServerDesk):
        return _open_server(location, read_only=read_only, create=create)
    path = location
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder; give the path of a database file with --db.")
    state = inspect(path)
    if state.kind is Kind.NEW and (read_only or not create):
        raise _no_database(path)
    if state.kind is Kind.BLANK and (read_only or not create):
        raise DatabaseError(
            f"{path} is an empty SQLite file, not yet a Field Notes database; "
            "start one there with `fieldnotes import` or by opening it in the app."
        )
    head = head_revision()
    if read_only:
        if state.revision != head:
            raise DatabaseError(
                f"{path} was written by an older version of Field Notes Desktop; open it in the "
                "app once (or run a command that changes it, such as `fieldnotes import`) to upgrade it."
            )
        return _open_read_only(path)
    return _open_for_writing(path, state, head)


def _open_read_only(path: Path) -> Store:
    header = identity.read_header(path)

    def connect() -> sqlite3.Connection:
        # Decided per connection: once a writer has made a -wal, it must be read too.
        uri = identity.read_only_uri(path, header)
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
    event.listen(engine, "connect", _set_read_only_pragmas)
    return Store(path, engine, read_only=True)


def _open_for_writing(path: Path, state: FileState, head: str | None) -> Store:
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the folder {path.parent} ({exc.strerror}); "
                "choose another place for the database with --db."
            ) from exc
    if state.kind is Kind.BLANK or (state.kind is Kind.OURS and state.revision != head):
        try:
            _backup(path, state.revision)
        except (FieldnotesError, OSError, sqlite3.Error) as exc:
            if nearly_full(path):
                raise disk_full(path) from exc
            reason = str(exc).rstrip(".")
            raise DatabaseError(
                f"Could not back up {path} before upgrading it ({reason}); nothing was changed."
            ) from exc

    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    try:
        with engine.begin() as connection:
            migrate_and_stamp(connection, head)
    except FieldnotesError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise translate_sqlite_error(exc, path) from exc
    return Store(path, engine)


def _open_server(desk: ServerDesk, *, read_only: bool, create: bool) -> Store:
    from fieldnotes_desktop.store import server

    known, head = revisions()
    engine, origin = server.make_engine(desk, read_only=read_only)
    try:
        with engine.begin() as connection:
            if read_only:
                state = server.classify(connection, desk, known)
                if state.kind is Kind.NEW:
                    raise DatabaseError(f"The database at {desk.shown} is empty, not yet a Field Notes desk.")
                if state.revision != head:
                    raise DatabaseError(
                        f"The desk at {desk.shown} was written by an older version of Field Notes Desktop; "
                        "open it in the app once to upgrade it."
                    )
            else:
                server.migrate_and_stamp(connection, desk, known, head, create=create, upgrade=_upgrade)
    except FieldnotesError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        import psycopg
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, (DBAPIError, psycopg.Error)):
            raise server.translate_error(exc, desk) from exc
        raise
    params = {**server.conninfo_params(engine), **server.connect_arguments(desk, origin, read_only=read_only)}
    notices = server.ChangeNotices(desk, params, origin)
    return Store(desk.path, engine, read_only=read_only, server=desk, notices=notices)


def migrate_and_stamp(connection: Connection, head: str | None) -> None:
    """Migrates to `head` and stamps our application id, in one transaction, when either is needed."""

    def current() -> tuple[str | None, int]:
        revision = _stored_revision(connection)
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
        return revision, int(application_id or 0)

    if current() == (head, APPLICATION_ID):
        return
    # pysqlite only opens a transaction before INSERT/UPDATE/DELETE, so without an explicit
    # BEGIN each CREATE would commit on its own and a failure half-way would leave a schema no
    # later open can migrate. IMMEDIATE also keeps a second process from migrating the same
    # file at the same time; what it already did is seen by asking again inside.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    revision, application_id = current()
    if revision != head:
        _upgrade(connection, head or "head")
    if application_id != APPLICATION_ID:
        connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def _stored_revision(connection: Connection) -> str | None:
    """The revision in `alembic_version`, read as Alembic would, without importing it."""
    table = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if table is None:
        return None
    stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(stored) > 1:
        raise DatabaseError("The database records more than one schema revision; restore a backup.")
    return str(stored[0]) if stored else None


def upgrade_in_place(store: Store) -> None:
    """Brings an open store to the current schema (after a restore put an older one in place)."""
    if store.server is not None:
        raise store.file_only("Restoring a backup")
    with store.errors_translated(), store.engine.begin() as connection:
        migrate_and_stamp(connection, head_revision())
