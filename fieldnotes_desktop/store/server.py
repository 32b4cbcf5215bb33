"""A desk in a PostgreSQL database: connecting, telling ours from another program's, migrating,
the change notices of other writers, and the server's failures as sentences a writer can act on.

Imported only for a `postgresql://` address (psycopg is not loaded for a desk file).

The password is never part of what is shown or logged. libpq finds it where PostgreSQL users
keep it (the address itself, `PGPASSWORD`, `~/.pgpass`); when the server asks for one that
none of them gave, the system keyring's entry for the desk's address (`ServerDesk.keyring_name`,
under the service "fieldnotes-desktop") is tried once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import psycopg

from fieldnotes_desktop.errors import DatabaseError, DatabaseLockedError, FieldnotesError, ServerUnreachable
from fieldnotes_desktop.store.identity import APPLICATION_ID, FileState, Kind, NewerDatabaseError
from fieldnotes_desktop.location import ServerDesk

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

CHANNEL = "fieldnotes_changes"  # migration 0009's triggers notify it
MARKER_TABLE = "fieldnotes_desk"  # holds APPLICATION_ID: what PRAGMA application_id is to a file
KEYRING_SERVICE = "fieldnotes-desktop"
# A server that does not answer is told within seconds, not after TCP's minutes: connecting
# gives up after CONNECT_TIMEOUT_S, and a write to a connection whose server has gone fails
# after USER_TIMEOUT_MS without an acknowledgement (then the app keeps the save offline).
CONNECT_TIMEOUT_S = 5
USER_TIMEOUT_MS = 10_000
_PASSWORD_ASKED = ("no password supplied", "password authentication failed")


def connect_arguments(desk: ServerDesk, origin: str, *, read_only: bool) -> dict[str, Any]:
    """What every connection of the desk is opened with, besides the address."""
    options = f"-c fieldnotes.origin={origin}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "Field Notes Desktop",
        "tcp_user_timeout": USER_TIMEOUT_MS,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "options": options,
    }


def keyring_password(desk: ServerDesk) -> str | None:
    """The desk's password in the system keyring, or None (no keyring, or nothing kept)."""
    try:
        import keyring
        import keyring.errors

        return keyring.get_password(KEYRING_SERVICE, desk.keyring_name)
    except Exception:  # no keyring on this computer, or a locked one: libpq's places were all there was
        return None


def connect(desk: ServerDesk, params: dict[str, Any]) -> psycopg.Connection[Any]:
    """A psycopg connection with `params`; asked for a password none of libpq's places gave, the
    keyring's is tried once."""
    try:
        return psycopg.connect(**params)
    except psycopg.OperationalError as exc:
        if "password" in params or not any(asked in str(exc) for asked in _PASSWORD_ASKED):
            raise
        password = keyring_password(desk)
        if password is None:
            raise
        return psycopg.connect(**params, password=password)


def make_engine(desk: ServerDesk, *, read_only: bool = False) -> tuple[Engine, str]:
    """The desk's engine, and the origin its connections stamp on their change notices."""
    from sqlalchemy import create_engine, event

    origin = uuid.uuid4().hex
    engine = create_engine(
        desk.url,
        pool_pre_ping=True,  # a connection the server dropped (a restart) is replaced, not used
        pool_size=4,
        connect_args=connect_arguments(desk, origin, read_only=read_only),
    )

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        return connect(desk, {**_conninfo(cargs), **cparams})

    return engine, origin


def _conninfo(cargs: Any) -> dict[str, Any]:
    return {"conninfo": cargs[0]} if cargs else {}


def classify(connection: Connection, desk: ServerDesk, known: Collection[str]) -> FileState:
    """What the database holds: nothing (new), or ours at some revision; refuses anything else."""
    tables = set(
        connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
    )
    if not tables:
        return FileState(Kind.NEW)
    if MARKER_TABLE not in tables:
        raise foreign(desk)
    stamped = connection.exec_driver_sql(f"SELECT application_id FROM {MARKER_TABLE}").scalars().all()
    if list(stamped) != [APPLICATION_ID]:
        raise foreign(desk)
    revisions = (
        connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        if "alembic_version" in tables
        else []
    )
    if len(revisions) != 1:
        raise DatabaseError(
            f"The database at {desk.shown} is a Field Notes desk without its schema version, so it "
            "cannot be opened safely; restore it from the server's backup."
        )
    if revisions[0] not in known:
        raise newer(desk)
    return FileState(Kind.OURS, str(revisions[0]), stamped=True)


def migrate_and_stamp(
    connection: Connection, desk: ServerDesk, known: Collection[str], head: str | None, *, create: bool,
    upgrade: Any,
) -> None:
    """Creates or migrates the desk to `head` in one transaction; a second writer opening the
    same desk meanwhile waits on the advisory lock, then finds it done."""
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")
    state = classify(connection, desk, known)
    if state.kind is Kind.NEW and not create:
        raise DatabaseError(
            f"The database at {desk.shown} is empty, not yet a Field Notes desk; start one there "
            "with `fieldnotes import`, by opening it in the app, or with `fieldnotes copy --to`."
        )
    if state.revision != head:
        upgrade(connection, head or "head")
    if state.kind is Kind.NEW:
        connection.exec_driver_sql(f"CREATE TABLE {MARKER_TABLE} (application_id integer NOT NULL)")
        connection.exec_driver_sql(f"INSERT INTO {MARKER_TABLE} VALUES ({APPLICATION_ID})")


def foreign(desk: ServerDesk) -> DatabaseError:
    return DatabaseError(
        f"The database at {desk.shown} holds another program's tables, not a Field Notes desk; "
        "give Field Notes an empty database of its own."
    )


def newer(desk: ServerDesk) -> DatabaseError:
    return NewerDatabaseError(
        f"The desk at {desk.shown} was written by a newer version of Field Notes Desktop; "
        "update the app to open it — nothing was changed."
    )


def translate_error(exc: BaseException, desk: ServerDesk) -> FieldnotesError:
    """A failure of the server, or of the way to it, as one sentence."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    state = getattr(original, "sqlstate", None) or ""
    where = f"{desk.host}:{desk.port}"
    if any(asked in text for asked in _PASSWORD_ASKED):
        return DatabaseError(
            f"The server at {where} refused to let {desk.user or 'you'} in without the right password; "
            f"keep it in ~/.pgpass, PGPASSWORD or the keyring (service {KEYRING_SERVICE}, name {desk.keyring_name})."
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return DatabaseError(
            f"The server at {where} has no database named {desk.database}; create it "
            f"(createdb -O {desk.user or 'writer'} {desk.database}) or check the address."
        )
    if state.startswith("28"):
        return DatabaseError(f"The server at {where} refused {desk.user or 'the user'}: {text}.")
    if state == "42501":
        return DatabaseError(
            f"{desk.user or 'This user'} may not change the desk at {desk.shown}; ask its owner to grant the rights."
        )
    if state == "25006":
        return DatabaseError(f"The desk at {desk.shown} is open read-only here; nothing was changed.")
    if state == "53100":
        return DatabaseError(f"The server at {where} is out of disk space; nothing was changed — tell its keeper.")
    if state in ("40001", "40P01", "55P03"):
        return DatabaseLockedError(f"Another writer was changing the desk at {desk.shown} at the same moment; try again.")
    if state.startswith("23"):
        return DatabaseError(f"The database refused a change: {text}.")
    if isinstance(original, psycopg.OperationalError) and (not state or state[:2] in ("08", "57")):
        reason = text.rsplit("failed: ", 1)[-1].rstrip(".")  # libpq nests "connection … failed: Connection refused"
        return ServerUnreachable(
            f"The database server at {where} cannot be reached ({reason}); check that it is "
            "running and that this computer is online."
        )
    return DatabaseError(f"The database at {desk.shown} reported an error: {text}.")


class ChangeNotices:
    """Counts other writers' commits to the desk, as LISTEN hears them on a connection of its own.

    `count()` is to a server what `PRAGMA data_version` is to a file: it moves when anyone but
    this store changed entries, tags or the site. The listening starts at the first call; a
    dropped connection is opened again, and the count moves once then, since notices sent
    while it was away are lost.
    """

    def __init__(self, desk: ServerDesk, params: dict[str, Any], origin: str) -> None:
        self._desk = desk
        self._params = params
        self._origin = origin
        self._count = 0
        self._failure: BaseException | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._attempted = threading.Event()  # the first connection was made, or failed

    def count(self) -> int:
        """The count now; raises what the server's absence means while the listener cannot listen.

        Only the first call waits (for the listener to be listening, or to have failed), so a
        poll on the database lane never holds a save up for long while the server is away."""
        started = False
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._listen, name="fieldnotes-change-notices", daemon=True)
                self._thread.start()
                started = True
        if started:
            self._attempted.wait(CONNECT_TIMEOUT_S + 1)
        failure = self._failure
        if failure is not None and not self._listening.is_set():
            raise translate_error(failure, self._desk)
        return self._count

    def _listen(self) -> None:
        first = True
        while not self._stopping.is_set():
            try:
                with connect(self._desk, {**self._params, "autocommit": True}) as db:
                    db.execute(f"LISTEN {CHANNEL}")
                    if not first:
                        self._count += 1  # what was said while we were away is lost: look again
                    first = False
                    self._failure = None
                    self._listening.set()
                    self._attempted.set()
                    while not self._stopping.is_set():
                        for notice in db.notifies(timeout=0.25, stop_after=64):
                            if notice.payload != self._origin:
                                self._count += 1
            except psycopg.Error as exc:
                self._failure = exc
                self._listening.clear()
                self._attempted.set()
                log.info("change notices paused: %s", type(exc).__name__)
                self._stopping.wait(1.0)

    def stop(self) -> None:
        self._stopping.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=2)


def conninfo_params(engine: Engine) -> dict[str, Any]:
    """The connection parameters SQLAlchemy would use, for the listener's own connection."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    return {**_conninfo(cargs), **cparams}
