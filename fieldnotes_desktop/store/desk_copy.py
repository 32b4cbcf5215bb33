"""The SQL of copying a whole desk into another database: what a database holds, the rows of
each table in batches and in primary-key order, a hash of them that both dialects agree on,
and the id sequences PostgreSQL must be told about after rows came with their ids.

Every table of the models is copied but the caches (`CACHE_TABLES`), column by column as the
models name them, so a column or table a later migration adds comes along without a change here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, LargeBinary, String, Table, func, select
from sqlalchemy import inspect as inspect_schema

from fieldnotes_desktop.errors import DatabaseError, FieldnotesError
from fieldnotes_desktop.location import Location, ServerDesk
from fieldnotes_desktop.store import identity
from fieldnotes_desktop.store.engine import BUSY_TIMEOUT_MS, inspect, revisions
from fieldnotes_desktop.store.errors import translate_sqlite_error
from fieldnotes_desktop.store.identity import Kind
from fieldnotes_desktop.store.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

CACHE_TABLES = frozenset({"rendered_sections"})  # rendered again when needed: not the desk's data
SETTINGS_TABLE = "site"  # one row, which every new desk starts with
# A batch is inserted once it holds this many rows or this many bytes of text and data, and a
# table with binary columns is read a few rows at a time: a desk of 100,000 entries and large
# images is never all in memory at once.
BATCH_ROWS = 1000
BATCH_BYTES = 8 * 1024 * 1024
BINARY_BATCH_ROWS = 4

RowsDone = Callable[[int], None]


@dataclass(frozen=True)
class Tally:
    """One table as read: its rows, a sha256 over them in primary-key order, and the bytes of
    its binary columns (an asset's data)."""

    rows: int
    sha256: str
    data_bytes: int


def copied_tables() -> tuple[Table, ...]:
    """The desk's tables, each after the tables its foreign keys point to."""
    return tuple(t for t in Base.metadata.sorted_tables if t.name not in CACHE_TABLES)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def count_rows(session: Session, name: str) -> int:
    return int(session.connection().execute(select(func.count()).select_from(table(name))).scalar_one())


def holdings(session: Session) -> dict[str, int]:
    """The rows of each copied table that are the writer's (see `holdings_on`)."""
    return holdings_on(session.connection())


def holdings_on(connection: Connection) -> dict[str, int]:
    """The rows of each copied table the database has, but for the settings row every new desk
    starts with, as long as nobody has changed it: a desk that holds only that holds nothing."""
    present = set(inspect_schema(connection).get_table_names())
    held: dict[str, int] = {}
    for model in copied_tables():
        if model.name not in present:  # a desk of an older revision, before the table was added
            continue
        if model.name == SETTINGS_TABLE:
            held[model.name] = _changed_settings(connection, model)
        else:
            held[model.name] = int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    return held


def _changed_settings(connection: Connection, model: Table) -> int:
    """0 when the settings table holds only the row a new desk starts with; else its row count."""
    columns = {c["name"] for c in inspect_schema(connection).get_columns(model.name)}
    kept = [c for c in model.columns if c.name in columns]
    rows = connection.execute(select(*kept)).mappings().all()
    if len(rows) == 1 and all(rows[0][name] == value for name, value in _defaults(model).items() if name in columns):
        return 0
    return len(rows)


def _defaults(model: Table) -> dict[str, object]:
    """Each column's default, where it is a plain value (not the primary key)."""
    found: dict[str, object] = {}
    for column in model.columns:
        if column.primary_key:
            continue
        default: Any = column.default
        if default is not None and getattr(default, "is_scalar", False):
            found[column.name] = default.arg
        elif column.server_default is not None and isinstance(getattr(column.server_default, "arg", None), str):
            found[column.name] = getattr(column.server_default, "arg")
    return found


def look(location: Location) -> dict[str, int]:
    """What the database at `location` holds (`holdings_on`), read without creating, migrating
    or changing it; {} when there is nothing there yet. Refuses another program's database."""
    if isinstance(location, ServerDesk):
        return _look_on_server(location)
    if location.is_dir():
        raise DatabaseError(f"{location} is a folder; give the path of a new database file.")
    if inspect(location).kind is not Kind.OURS:  # missing, 0 bytes, or an SQLite file without tables
        return {}
    header = identity.read_header(location)

    def connect() -> sqlite3.Connection:
        uri = identity.read_only_uri(location, header)
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)

    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return holdings_on(connection)
    except (DBAPIError, sqlite3.Error) as exc:
        raise translate_sqlite_error(exc, location) from exc
    finally:
        engine.dispose()


def _look_on_server(desk: ServerDesk) -> dict[str, int]:
    from fieldnotes_desktop.store import server

    engine, _origin = server.make_engine(desk, read_only=True)
    try:
        with engine.connect() as connection:
            if server.classify(connection, desk, revisions()[0]).kind is Kind.NEW:
                return {}
            return holdings_on(connection)
    except FieldnotesError:
        raise
    except Exception as exc:
        import psycopg
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, (DBAPIError, psycopg.Error)):
            raise server.translate_error(exc, desk) from exc
        raise
    finally:
        engine.dispose()


def keep_others_out(session: Session) -> None:
    """Begins the copy's transaction so that no other writer changes the target until it ends:
    rows they added meanwhile would collide with the ids being copied."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        prepare = connection.dialect.identifier_preparer
        names = ", ".join(prepare.format_table(model) for model in copied_tables())
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    else:
        # pysqlite would begin only before the first insert, after the emptiness is checked.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def clear_settings(session: Session) -> None:
    """Removes the settings row a new desk starts with, for the copied one to take its place."""
    session.connection().execute(table(SETTINGS_TABLE).delete())


def copy_rows(
    source: Session, target: Session, name: str, rows_done: RowsDone | None = None, *,
    read_errors: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> Tally:
    """Inserts every row of the table into the target, in batches; the tally of what was read.

    `read_errors` wraps each read from the source (its store's `errors_translated`), so that a
    failure there is told as the source's, not as the target's."""
    model = table(name)
    writer = target.connection()
    tally = _Hasher(model)
    batch: list[Mapping[str, object]] = []
    size = 0
    reader = _partitions(source, model)
    refuses_nul = writer.dialect.name == "postgresql"
    while True:
        with read_errors():
            rows = next(reader, None)
        if rows is None:
            break
        for row in rows:
            values = row._mapping
            if refuses_nul:
                _refuse_nul(model, values)
            tally.add(row)
            batch.append(dict(values))
            size += _size(row)
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                writer.execute(model.insert(), batch)
                batch, size = [], 0
                if rows_done is not None:
                    rows_done(tally.rows)
    if batch:
        writer.execute(model.insert(), batch)
    if rows_done is not None and (batch or not tally.rows):  # the last batch, or a table without rows
        rows_done(tally.rows)
    return tally.result()


def _refuse_nul(model: Table, values: Mapping[Any, object]) -> None:
    """PostgreSQL cannot keep a NUL character in text (SQLite can): said of the row that has one."""
    for column, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            key = ", ".join(f"{c.name} {values[c.name]}" for c in model.primary_key.columns)
            raise DatabaseError(
                f"The {column} of {model.name} row {key} holds a NUL character, which PostgreSQL cannot "
                "keep; remove it from the desk and copy again"
            )


def tally(session: Session, name: str, rows_done: RowsDone | None = None) -> Tally:
    """The table's tally as the database gives its rows back."""
    model = table(name)
    hasher = _Hasher(model)
    for rows in _partitions(session, model):
        for row in rows:
            hasher.add(row)
        if rows_done is not None:
            rows_done(hasher.rows)
    if rows_done is not None and not hasher.rows:
        rows_done(0)
    return hasher.result()


def reset_sequences(session: Session) -> None:
    """Moves each id sequence of a PostgreSQL target past the highest id copied, so that the
    next entry the desk adds does not take an id a copied one has. SQLite needs nothing."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for model in copied_tables():
        keys = list(model.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        highest = func.max(key)
        # setval of no sequence (a key without one) is NULL, and a table without rows starts at 1.
        sequence = func.pg_get_serial_sequence(model.name, key.name)
        connection.execute(
            select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))).select_from(model)
        )


def _partitions(session: Session, model: Table) -> Iterator[Sequence[Row[Any]]]:
    """The table's rows in primary-key order, a batch at a time, read as they are needed."""
    connection = session.connection()
    binary = any(isinstance(c.type, LargeBinary) for c in model.columns)
    statement = (
        select(*model.columns)
        .order_by(*_key_order(model, connection.dialect.name))
        .execution_options(yield_per=BINARY_BATCH_ROWS if binary else BATCH_ROWS)
    )
    yield from connection.execute(statement).partitions()


def _key_order(model: Table, dialect: str) -> list[ColumnElement[Any]]:
    """The primary key, text compared by code point on both dialects: PostgreSQL's default
    collation would order "Zürich" and "apple" as a language does, SQLite by bytes."""
    order: list[ColumnElement[Any]] = []
    for column in model.primary_key.columns:
        if dialect == "postgresql" and isinstance(column.type, String):
            order.append(column.collate("C"))
        else:
            order.append(column)
    return order


def _size(row: Row[Any]) -> int:
    return sum(len(value) for value in row if isinstance(value, (str, bytes, bytearray, memoryview)))


class _Hasher:
    """A sha256 over rows, each value written the same way whichever database gave it."""

    def __init__(self, model: Table) -> None:
        self._digest = hashlib.sha256(model.name.encode())
        self._binary = [i for i, c in enumerate(model.columns) if isinstance(c.type, LargeBinary)]
        self.rows = 0
        self.data_bytes = 0

    def add(self, row: Row[Any]) -> None:
        update = self._digest.update
        update(b"\x1e")  # each row begins with a record separator
        for value in row:
            tag, payload = _normalised(value)
            update(tag + str(len(payload)).encode() + b":")
            update(payload)
        for index in self._binary:
            value = row[index]
            if value is not None:
                self.data_bytes += len(value)
        self.rows += 1

    def result(self) -> Tally:
        return Tally(self.rows, self._digest.hexdigest(), self.data_bytes)


def _normalised(value: object) -> tuple[bytes, bytes]:
    """A value's kind and bytes: dates and times as ISO text, numbers as digits, text as UTF-8,
    data as itself; each prefixed with its length when hashed, so no two rows run together."""
    if value is None:
        return b"n", b""
    if isinstance(value, bool):
        return b"i", b"1" if value else b"0"
    if isinstance(value, int):
        return b"i", str(value).encode()
    if isinstance(value, str):
        return b"s", value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"b", bytes(value)
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return b"t", value.isoformat().encode()
    if isinstance(value, dt.date):
        return b"d", value.isoformat().encode()
    if isinstance(value, float):
        return b"f", repr(value).encode()
    return b"?", str(value).encode()


def remove_file(path: Path) -> None:
    """Removes a database file this copy created, with the journal files SQLite kept beside it."""
    for leftover in (path, identity.sibling(path, "-wal"), identity.sibling(path, "-shm"), identity.sibling(path, "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
