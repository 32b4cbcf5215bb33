"""Where a desk lives: a database file on this computer, or a PostgreSQL database on a server.

`--db` and `FIELDNOTES_DB` take either. A path (or a `sqlite:///` URL) is the embedded default;
`postgresql+psycopg://writer@host:5432/fieldnotes` is a shared desk. A shared desk still keeps
a folder on this computer, named after the address: what is this computer's alone lives there
(the publish workshop, a theme override, the offline journal), as it lives beside a file.

Nothing here imports SQLAlchemy: the window's first screen parses the address too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from fieldnotes_desktop.errors import DatabaseError

DRIVER = "postgresql+psycopg"
_SCHEMES = frozenset({"postgresql", "postgres", DRIVER})
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerDesk:
    """A desk in a PostgreSQL database. `url` may hold a password, so it is never shown or
    logged: `shown` is the address without it."""

    url: str
    user: str
    host: str
    port: int
    database: str
    local: Path

    @property
    def shown(self) -> str:
        who = f"{quote(self.user)}@" if self.user else ""
        return f"postgresql://{who}{self.host}:{self.port}/{quote(self.database)}"

    @property
    def path(self) -> Path:
        """The anchor of this computer's files for the desk, as a database file's path is for
        a file desk: `publish_dir(path)` and `theme_override_dir(path)` hang off it."""
        return self.local / "desk"

    @property
    def keyring_name(self) -> str:
        """What the desk's password is kept under in the system keyring."""
        return self.shown

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:  # a password must not reach a traceback or a log either
        return f"ServerDesk({self.shown!r})"


Location = Path | ServerDesk


def is_address(text: str) -> bool:
    return "://" in text


def parse_location(text: str | os.PathLike[str], desks_folder: Path) -> Location:
    """A path, or a server desk for a `postgresql://` address, whose folder on this computer is
    made in `desks_folder` (config.location_of gives the usual one); one sentence for anything else."""
    text = os.fspath(text)
    if not is_address(text):
        return Path(text).expanduser()
    if text.startswith("sqlite:///"):
        return Path(unquote(text[len("sqlite:///"):])).expanduser()
    parts = urlsplit(text)
    if parts.scheme not in _SCHEMES:
        raise DatabaseError(
            f"{parts.scheme}:// is not a database Field Notes can use; give a file path or a "
            "postgresql+psycopg://user@host:5432/database address."
        )
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise DatabaseError(
            "The address names no database; end it with the database's name, "
            "as in postgresql+psycopg://writer@localhost:5432/fieldnotes."
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise DatabaseError("The address's port is not a number; write it as host:5432.") from None
    host = parts.hostname or "localhost"
    user = unquote(parts.username or "")
    name = _UNSAFE.sub("_", f"{user + '@' if user else ''}{host}-{port}-{database}")
    url = DRIVER + text[len(parts.scheme):]
    return ServerDesk(url=url, user=user, host=host, port=port, database=database, local=desks_folder / name)


def shown(location: Location) -> str:
    """The location as the writer reads it: the file's path, or the address without a password."""
    return location.shown if isinstance(location, ServerDesk) else str(location)
